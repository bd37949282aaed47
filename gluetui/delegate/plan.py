"""Turning (item, automation) into a :class:`Plan`: exactly what will happen, before it happens.

The plan is what the confirmation modal shows and what the engine executes, so the two cannot
disagree. Everything that can be refused is refused here (wrong kind of item, wrong forge, missing
run id, unknown placeholder, missing env var), before anything is journaled or sent.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from gluetui.config.automations import CommandAutomation, ForgeAutomation, WebhookAutomation
from gluetui.delegate.templates import (
    PLACEHOLDERS,
    TemplateError,
    item_number,
    item_values,
    render,
)
from gluetui.errors import ActionError
from gluetui.forges.base import ActionRequest, ActionSpec
from gluetui.model import Item

if TYPE_CHECKING:
    from gluetui.config.schema import AutomationConfig
    from gluetui.factory import Runtime
    from gluetui.store import JournalEntry

#: Prefix of a journal outcome message for "may or may not have happened" (see :mod:`.engine`).
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Plan:
    """A frozen description of one delegation.

    Attributes:
        item: The item as it was when planned (its fingerprint is part of the key).
        automation: The automation's configured name.
        automation_kind: ``github.rerun_failed_jobs``, ``command``, ``webhook``...
        summary: Lines for the confirmation modal ("POST https://...", "run: [...]").
        target: What it acts on, in words ("acme/api run 123", "acme/api!7").
        dry_run: True when the global or the automation's ``dry_run`` is on: nothing is performed.
        key: The idempotency key: the same item, automation and fingerprint give the same key, so
            a double key press or a retry after a crash is recognised.
        base_key: The key of the first attempt (later attempts follow definite failures).
        attempt: 0 for the first attempt.
        oversight_hours: Hours the user will spend checking the result.
        follow_up_hours: After this long without news the item returns to the queue.
        forge: The source name performing a forge action ("" for command and webhook).
        request: The forge request (None for command and webhook).
        argv: The command's rendered argv.
        url: The webhook's URL.
        headers_env: Webhook header name -> environment variable.
        timeout_seconds: Command/webhook timeout.
        retries: Webhook retries.
    """

    item: Item
    automation: str
    automation_kind: str
    summary: tuple[str, ...]
    target: str
    dry_run: bool
    key: str
    base_key: str
    attempt: int
    oversight_hours: float
    follow_up_hours: float
    forge: str = ""
    request: ActionRequest | None = None
    argv: tuple[str, ...] = ()
    url: str = ""
    headers_env: Mapping[str, str] = field(default_factory=dict)
    timeout_seconds: float = 60.0
    retries: int = 0

    def journal_request(self) -> dict[str, Any]:
        """What the journal keeps about the request: enough to reconcile it after a crash.

        Secrets never go in: headers are named by their env var, not their value.
        """
        out: dict[str, Any] = {
            "automation_kind": self.automation_kind,
            "summary": list(self.summary),
            "target": self.target,
            "item_url": self.item.url,
            "fingerprint": self.item.fingerprint,
            "base_key": self.base_key,
            "attempt": self.attempt,
            "follow_up_hours": self.follow_up_hours,
            # Enough to record the decision again if a crash came between intent and decision.
            "oversight_hours": self.oversight_hours,
            "item_title": self.item.title,
            "item_repo": self.item.repo,
            "item_kind": self.item.kind.value,
        }
        if self.request is not None:
            out["forge"] = self.forge
            out["kind"] = self.request.kind
            out["repo"] = self.request.repo
            out["forge_target"] = self.request.target
            out["params"] = dict(self.request.params)
        return out


def idempotency_key(item: Item, name: str, attempt: int = 0) -> str:
    """sha256 of the item id, automation name and item fingerprint (and the attempt, after failures)."""
    material = f"{item.id}\n{name}\n{item.fingerprint}"
    if attempt:
        material += f"\n{attempt}"
    return hashlib.sha256(material.encode()).hexdigest()


def is_unknown(entry: JournalEntry) -> bool:
    """An outcome that says "it may or may not have happened"."""
    return entry.ok is False and entry.message.startswith(UNKNOWN)


def is_definite_failure(entry: JournalEntry) -> bool:
    """A failure that is known to have done nothing worth protecting: retrying is a new attempt."""
    return entry.ok is False and not entry.message.startswith(UNKNOWN)


def attempt_number(entries: Sequence[JournalEntry], base_key: str) -> int:
    """How many earlier attempts with this base key failed definitively."""
    return sum(
        1 for e in entries if e.request.get("base_key") == base_key and is_definite_failure(e)
    )


def plan(item: Item, name: str, automation: AutomationConfig, runtime: Runtime) -> Plan:
    """Describe exactly what delegating ``item`` to automation ``name`` will do, or refuse."""
    if item.kind not in automation.fits_kinds:
        fits = ", ".join(automation.fits) or "nothing"
        raise ActionError(
            f"Automation '{name}' does not fit {item.kind.label.lower()} items (it fits: {fits}).",
            f"Pick another automation, or add '{item.kind.value}' to automations.{name}.fits.",
        )
    base = idempotency_key(item, name)
    attempt = attempt_number(runtime.store.journal(item.id), base)
    common: dict[str, Any] = {
        "item": item,
        "automation": name,
        "automation_kind": automation.kind,
        "dry_run": runtime.config.dry_run or automation.dry_run,
        "key": idempotency_key(item, name, attempt),
        "base_key": base,
        "attempt": attempt,
        "oversight_hours": automation.oversight_hours,
        "follow_up_hours": automation.follow_up_hours,
    }
    values = item_values(item)
    if isinstance(automation, CommandAutomation):
        return _command_plan(item, name, automation, values, common)
    if isinstance(automation, WebhookAutomation):
        return _webhook_plan(item, name, automation, common)
    return _forge_plan(item, name, automation, values, runtime, common)


def _forge_plan(
    item: Item,
    name: str,
    automation: ForgeAutomation,
    values: Mapping[str, str],
    runtime: Runtime,
    common: dict[str, Any],
) -> Plan:
    """Ask the item's forge: does it speak this automation's forge, where is the target, and
    what exactly will it send? The forge describes its own requests."""
    forge = runtime.forge(item.source)
    if forge is None:
        raise ActionError(
            f"The source '{item.source}' of this item is not configured any more.",
            "Refresh, or add the source back to the config.",
        )
    if forge.dialect != automation.forge:
        raise ActionError(
            f"Automation '{name}' is a {automation.forge} action, but this item is on "
            f"{forge.dialect} ({item.host}).",
            f"Use a {forge.dialect}.* automation for items from source '{item.source}'.",
        )
    specs = forge.action_specs()
    spec = specs.get(automation.action)
    if spec is None:
        raise ActionError(
            f"Source '{forge.name}' cannot perform '{automation.action}'.",
            f"It can: {', '.join(sorted(specs)) or 'nothing'}.",
        )
    target = find_target(item, spec)
    if target is None:
        facts = ", ".join(sorted(item.where)) or "none"
        raise ActionError(
            f"Automation '{name}' needs the {spec.target_noun} id of this item, and it has none.",
            f"The item's location facts are: {facts}. "
            + (
                "Use an automation that acts on the repository (create_issue, dispatch) instead."
                if "number" in spec.target_keys
                else "Refresh; if it persists, the detector did not record the id."
            ),
        )
    request = ActionRequest(
        kind=automation.action,
        repo=item.repo,
        target=f"{spec.target_prefix}{target}" if target else "",
        params=render_params(automation, values, name),
        idempotency_key=common["key"],
    )
    where = f"{item.repo} {spec.target_noun} {target}" if target else item.repo
    return Plan(
        **common,
        summary=(forge.describe(request),),
        target=where,
        forge=forge.name,
        request=request,
    )


def find_target(item: Item, spec: ActionSpec) -> str | None:
    """The target id for ``spec`` on ``item``; "" for repository-level actions, None if missing."""
    if not spec.target_keys:
        return ""
    for key in spec.target_keys:
        value = item_number(item) if key == "number" else str(item.where.get(key, "")).strip()
        if value:
            return value
    return None


def render_params(
    automation: ForgeAutomation, values: Mapping[str, str], name: str
) -> dict[str, Any]:
    """The action's parameters with every placeholder filled in from the item."""
    params: dict[str, Any] = {}
    for key, value in automation.params().items():
        if key in automation.untemplated:
            params[key] = value
        elif isinstance(value, str):
            params[key] = render(value, values, automation=name, field=key)
        elif isinstance(value, list):
            params[key] = [render(v, values, automation=name, field=key) for v in value]
        else:
            params[key] = {
                k: render(v, values, automation=name, field=f"{key}.{k}") for k, v in value.items()
            }
    return params


def _command_plan(
    item: Item,
    name: str,
    automation: CommandAutomation,
    values: Mapping[str, str],
    common: dict[str, Any],
) -> Plan:
    program = automation.argv[0]
    if "{" in program.replace("{{", ""):
        # The program is never chosen by item data: a title must not pick what runs.
        raise ActionError(
            f"Automation '{name}': the program (argv[0]) may not contain placeholders.",
            "Pass item facts as later arguments, on stdin or via GLUETUI_* variables.",
        )
    program = render(program, {}, automation=name, field="argv[0]")
    if shutil.which(program) is None:
        raise ActionError(
            f"Automation '{name}': program {program!r} was not found or is not executable.",
            "Use an absolute path, or check PATH.",
        )
    rest = [
        render(arg, values, automation=name, field=f"argv[{i}]")
        for i, arg in enumerate(automation.argv[1:], start=1)
    ]
    argv = (program, *rest)
    timeout = automation.timeout_seconds
    summary = (
        f"run: {list(argv)!r}",
        f"stdin: item JSON; env: GLUETUI_ID, GLUETUI_KIND, GLUETUI_REPO, GLUETUI_TITLE, "
        f"GLUETUI_URL...; no forge tokens; timeout {timeout:g}s",
    )
    return Plan(
        **common,
        summary=summary,
        target=item.repo,
        argv=argv,
        timeout_seconds=timeout,
    )


def _webhook_plan(
    item: Item, name: str, automation: WebhookAutomation, common: dict[str, Any]
) -> Plan:
    url = automation.url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ActionError(
            f"Automation '{name}': webhook url {url!r} is not an http(s) URL.",
            f"Set automations.{name}.url to an https:// URL.",
        )
    if any(p in url for p in ("{" + n + "}" for n in PLACEHOLDERS)):
        raise ActionError(
            f"Automation '{name}': the webhook url may not contain placeholders.",
            "The item is in the JSON body; the receiver routes on that.",
        )
    from gluetui.delegate.webhook import header_values

    header_values(automation.headers_env, automation=name)  # refuse a missing env var now
    headers = ", ".join(f"{h} from ${env}" for h, env in automation.headers_env.items())
    line = f"POST {url} (item JSON" + (f", headers: {headers}" if headers else "") + ")"
    retries = automation.retries
    return Plan(
        **common,
        summary=(
            line,
            f"Idempotency-Key header; timeout {automation.timeout_seconds:g}s; "
            f"up to {retries} retries on connection errors and 5xx",
        ),
        target=parts.hostname,
        url=url,
        headers_env=dict(automation.headers_env),
        timeout_seconds=automation.timeout_seconds,
        retries=retries,
    )


def check_templates(name: str, automation: AutomationConfig) -> None:
    """Raise :class:`TemplateError` for an unknown placeholder, so `config check` catches it early."""
    for _, template, values, field_name in _templates(automation):
        render(template, values, automation=name, field=field_name)


def template_problems(name: str, automation: AutomationConfig) -> list[tuple[tuple[Any, ...], str]]:
    """Every template error of ``automation`` as (key path in the config, one sentence)."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for path, template, values, field_name in _templates(automation):
        try:
            render(template, values, automation=name, field=field_name)
        except TemplateError as exc:
            found.append((("automations", name, *path), f"{exc.reason}; {exc.hint}"))
    return found


def _templates(
    automation: AutomationConfig,
) -> Iterator[tuple[tuple[Any, ...], str, Mapping[str, str], str]]:
    """(key path, template, placeholder values, field name) for every templated string."""
    values = dict.fromkeys(PLACEHOLDERS, "")
    if isinstance(automation, ForgeAutomation):
        for key, value in automation.params().items():
            if key in automation.untemplated:
                continue
            if isinstance(value, str):
                yield (key,), value, values, key
            elif isinstance(value, list):
                for index, text in enumerate(value):
                    yield (key, index), text, values, key
            else:
                for sub, text in value.items():
                    yield (key, sub), text, values, f"{key}.{sub}"
    if isinstance(automation, CommandAutomation):
        for index, arg in enumerate(automation.argv):
            # The program is never templated: a placeholder there is an error.
            yield ("argv", index), arg, values if index else {}, f"argv[{index}]"
