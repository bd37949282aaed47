"""Delegation: plan, journal the intent, record the decision, perform, journal the outcome.

The order is what makes it safe. The intent is journaled under the idempotency key first, so a
second key press (or a second gluetui) finds the key taken and does not act again. The DELEGATED
decision is recorded before the call, so even a crash mid-call leaves the decision in the log.
The outcome is journaled last, whatever happened; an intent without an outcome after a restart is
reconciled with the forge (:func:`reconcile`) and never blindly re-posted.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gluetui.config.automations import WebhookAutomation
from gluetui.delegate.plan import UNKNOWN, Plan, is_unknown, plan
from gluetui.errors import ActionError, GluetuiError
from gluetui.events import EventAction
from gluetui.forges.base import ActionRequest, ActionResult
from gluetui.model import Item
from gluetui.textsafe import clean, safe_url

if TYPE_CHECKING:
    from gluetui.config.schema import AutomationConfig
    from gluetui.factory import Runtime
    from gluetui.store import JournalEntry, Store

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s\"'<>]+")

# Keys being performed right now, per store: a repeat of one of these is "already running", not a
# crash leftover to reconcile. Weak keys: a closed, dropped store takes its entry with it.
_IN_FLIGHT: weakref.WeakKeyDictionary[Store, set[str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a delegation went, for the UI's notification and the CLI.

    ``ok`` is None when nobody can tell whether it happened (``unknown``); ``repeated`` when the
    key was already journaled and nothing was done now; ``output`` is a command's output tail.
    """

    item_id: str
    automation: str
    key: str
    ok: bool | None
    message: str
    url: str = ""
    ref: str = ""
    dry_run: bool = False
    repeated: bool = False
    output: str = ""

    @property
    def unknown(self) -> bool:
        return self.ok is None


class DelegationFailed(ActionError):
    """A delegation failed; the failure is journaled and ``outcome`` says what was recorded."""

    def __init__(self, title: str, hint: str, outcome: Outcome) -> None:
        super().__init__(title, hint)
        self.outcome = outcome


def automation_config(runtime: Runtime, name: str) -> AutomationConfig:
    """The configured automation ``name``, or an ActionError listing the configured ones."""
    automation = runtime.config.automations.get(name)
    if automation is None:
        known = ", ".join(sorted(runtime.config.automations)) or "none configured"
        raise ActionError(
            f"There is no automation named '{name}'.",
            f"Configured automations: {known}.",
        )
    return automation


def plan_for(runtime: Runtime, item: Item, name: str) -> Plan:
    """The plan of delegating ``item`` to the configured automation ``name`` (for the modal)."""
    return plan(item, name, automation_config(runtime, name), runtime)


async def delegate(
    runtime: Runtime,
    item: Item,
    name: str,
    *,
    hours_override: float | None = None,
    tag: Mapping[str, Any] | None = None,
) -> Outcome:
    """Delegate ``item`` to automation ``name``; raises :class:`DelegationFailed` on failure.

    ``hours_override`` replaces the automation's ``oversight_hours`` for the budget; ``tag``
    goes into the journaled request (a batch names itself there, so it can find its members'
    entries after a crash).
    """
    p = plan_for(runtime, item, name)
    if p.dry_run:
        return Outcome(
            item.id, name, p.key, True, "dry run: would " + "; ".join(p.summary), dry_run=True
        )
    store = runtime.store
    now = runtime.clock()
    fresh = store.journal_intent(
        p.key,
        item_id=item.id,
        automation=name,
        request={**p.journal_request(), **(tag or {})},
        at=now,
    )
    in_flight = _IN_FLIGHT.setdefault(store, set())
    if not fresh:
        return await _repeat(runtime, p, in_flight)
    in_flight.add(p.key)
    try:
        return await _run(runtime, p, hours_override)
    finally:
        in_flight.discard(p.key)


async def assign_on_take(runtime: Runtime, item: Item) -> Outcome | None:
    """Run the config's ``assign_on_take`` automation for an item the user just took.

    Journaled like a delegation (intent, then outcome, same idempotency keys), but it records no
    decision: the item stays *taken*, and a failure leaves it taken (the user still has it; only
    the forge was not told). The first configured automation that can act on the item runs; None
    when none can (another forge, an item with no PR/issue to assign). Raises
    :class:`ActionError` when it fails.
    """
    p = _take_plan(runtime, item)
    if p is None:
        return None
    name = p.automation
    if p.dry_run:
        return Outcome(
            item.id, name, p.key, True, "dry run: would " + "; ".join(p.summary), dry_run=True
        )
    store = runtime.store
    request = {**p.journal_request(), "on_take": True}
    if not store.journal_intent(
        p.key, item_id=item.id, automation=name, request=request, at=runtime.clock()
    ):
        entry = next(e for e in store.journal(item.id) if e.key == p.key)
        return from_entry(entry, repeated=True)
    try:
        result, output = await perform(runtime, p)
        if not result.ok:
            raise ActionError(result.message or "The action reported failure.")
    except Exception as exc:
        title = exc.title if isinstance(exc, GluetuiError) else type(exc).__name__
        hint = exc.hint if isinstance(exc, GluetuiError) else ""
        unknown = maybe_applied(exc)
        message = clean(
            f"{UNKNOWN} — check {safe_url(item.url) or 'the forge'}"
            if unknown
            else f"{title} {hint}",
            500,
        )
        store.journal_outcome(p.key, ok=False, message=message, at=runtime.clock())
        raise ActionError(
            f"Taken, but '{name}' failed on {p.target}: {clean(title, 200)}",
            hint or "The item is still yours; assign yourself on the forge if it matters.",
        ) from exc
    message = clean(result.message, 500) or "Done."
    store.journal_outcome(
        p.key, ok=True, message=message, url=result.url, ref=result.ref, at=runtime.clock()
    )
    return Outcome(item.id, name, p.key, True, message, result.url, result.ref, output=output)


def _agent_of(runtime: Runtime, name: str) -> str:
    automation = runtime.config.automations.get(name)
    return automation.agent_login if automation is not None else ""


def _take_plan(runtime: Runtime, item: Item) -> Plan | None:
    for name in runtime.config.assign_on_take:
        automation = runtime.config.automations.get(name)
        if automation is None or (automation.fits_kinds and item.kind not in automation.fits_kinds):
            continue
        try:
            return plan_for(runtime, item, name)
        except ActionError:
            continue  # not for this item (another forge, nothing to assign): try the next
    return None


async def _run(runtime: Runtime, p: Plan, hours_override: float | None) -> Outcome:
    store = runtime.store
    item = p.item
    oversight = p.oversight_hours if hours_override is None else float(hours_override)
    try:
        store.record(
            item.id,
            EventAction.DELEGATED,
            at=runtime.clock(),
            automation=p.automation,
            fingerprint=item.fingerprint,
            data={
                "oversight_hours": oversight,
                "plan": list(p.summary),
                "key": p.key,
                "follow_up_hours": p.follow_up_hours,
                # An agent's hand-off is followed through to its pull request (gluetui.agents).
                "agent": _agent_of(runtime, p.automation),
                # The ledger describes the item from here once it has left the snapshot.
                "title": item.title,
                "url": item.url,
                "repo": item.repo,
                "kind": item.kind.value,
            },
        )
        result, output = await perform(runtime, p)
    except Exception as exc:
        return _failed(runtime, p, exc)
    if not result.ok:
        return _failed(runtime, p, ActionError(result.message or "The action reported failure."))
    message = clean(result.message, 500) or "Done."
    store.journal_outcome(
        p.key, ok=True, message=message, url=result.url, ref=result.ref, at=runtime.clock()
    )
    return Outcome(
        item.id, p.automation, p.key, True, message, result.url, result.ref, output=output
    )


def maybe_applied(exc: BaseException) -> bool:
    """Whether a failed call may still have been applied (a write that timed out waiting)."""
    seen: BaseException | None = exc
    for _ in range(8):  # the cause chain is short; bound it anyway
        if seen is None:
            return False
        if "may or may not" in str(seen) or (
            isinstance(seen, TimeoutError) and not isinstance(seen, ConnectionError)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _failed(runtime: Runtime, p: Plan, exc: Exception) -> Outcome:
    """Journal the failure (never lost), raise DelegationFailed.

    A definite failure puts the item back in the queue and lets the next attempt run with a new
    key. A failure that may still have been applied (a write that timed out) is journaled as
    "unknown": the item stays delegated and the same key keeps it from being sent again.
    """
    if isinstance(exc, GluetuiError):
        title, hint = exc.title, exc.hint
    else:
        log.warning("delegation %s failed", p.automation, exc_info=exc)
        title, hint = f"{type(exc).__name__}: {clean(str(exc), 200)}", ""
    output = getattr(exc, "output", "")
    unknown = maybe_applied(exc)
    if unknown:
        message = f"{UNKNOWN} — check {safe_url(p.item.url) or 'the forge'} ({clean(title, 200)})"
    else:
        message = clean(f"{title} {hint}".strip(), 500)
    now = runtime.clock()
    ok = None if unknown else False
    outcome = Outcome(p.item.id, p.automation, p.key, ok, message, output=output)
    try:
        runtime.store.journal_outcome(p.key, ok=False, message=message, at=now)
        if not unknown:
            runtime.store.record(
                p.item.id,
                EventAction.REOPENED,
                at=now,
                automation=p.automation,
                note=f"delegation failed: {clean(title, 200)}",
                data={"key": p.key},
            )
    except GluetuiError as store_exc:  # the journal itself failed: say both
        hint = f"{hint} Also: {store_exc.title}".strip()
    raise DelegationFailed(
        f"'{p.automation}' failed on {p.target}: {title}",
        hint or "Nothing was changed on our side; pick the automation again to retry.",
        outcome,
    ) from exc


async def perform(runtime: Runtime, p: Plan) -> tuple[ActionResult, str]:
    """Do what the plan says: (result, command output). Raises on failure."""
    if p.request is not None:
        forge = runtime.forge(p.forge)
        if forge is None:
            raise ActionError(f"The source '{p.forge}' is not configured any more.")
        return await forge.perform(p.request), ""
    if p.automation_kind == "command":
        return await _perform_command(runtime, p)
    return await _perform_webhook(p), ""


async def _perform_command(runtime: Runtime, p: Plan) -> tuple[ActionResult, str]:
    from gluetui.delegate.command import command_env, run_command, stdin_bytes

    hide = {s.token_env for s in runtime.config.sources if s.token_env}
    for automation in runtime.config.automations.values():
        if isinstance(automation, WebhookAutomation):
            hide.update(automation.headers_env.values())
    result = await run_command(
        p.argv,
        stdin=stdin_bytes(p.item, p.automation, p.key),
        env=command_env(p.item, p.automation, p.key, hide=hide),
        timeout=p.timeout_seconds,
    )
    if result.timed_out:
        raise _CommandFailed(
            f"{p.argv[0]} timed out after {p.timeout_seconds:g}s and was killed.",
            _last_lines(result.output) or "Raise timeout_seconds, or make the command faster.",
            result.output,
        )
    if not result.ok:
        raise _CommandFailed(
            f"{p.argv[0]} exited with status {result.exit_code}.",
            _last_lines(result.output) or "It printed nothing.",
            result.output,
        )
    last = _last_lines(result.output, 1)
    message = f"{p.argv[0]} finished" + (f": {last}" if last else ".")
    return ActionResult(True, message, url=_last_url(result.output)), result.output


class _CommandFailed(ActionError):
    def __init__(self, title: str, hint: str, output: str) -> None:
        super().__init__(title, hint)
        self.output = output


def _last_lines(text: str, n: int = 3) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-n:] if line.strip())


def _last_url(text: str) -> str:
    """The last http(s) URL a command printed (e.g. the PR an agent opened), for the follow-up."""
    found = _URL.findall(text)
    return found[-1].rstrip(".,);") if found else ""


async def _perform_webhook(p: Plan) -> ActionResult:
    from gluetui.delegate.command import item_payload
    from gluetui.delegate.webhook import header_values, post_webhook

    result = await post_webhook(
        p.url,
        item_payload(p.item, p.automation, p.key),
        key=p.key,
        headers=header_values(p.headers_env, automation=p.automation),
        timeout=p.timeout_seconds,
        retries=p.retries,
    )
    tries = f" after {result.attempts} attempts" if result.attempts > 1 else ""
    return ActionResult(True, f"Webhook answered HTTP {result.status}{tries}.", url=result.url)


async def _repeat(runtime: Runtime, p: Plan, in_flight: set[str]) -> Outcome:
    """The key is already journaled: report what happened, never act again."""
    entry = next((e for e in runtime.store.journal(p.item.id) if e.key == p.key), None)
    if entry is None:  # pragma: no cover - the key exists, so the entry does
        raise ActionError("The delegation journal lost an entry.", "This is a bug in gluetui.")
    if entry.pending:
        if p.key in in_flight:
            raise ActionError(
                f"'{p.automation}' is already running on {p.target}.",
                "Wait for it to finish; it will not be started twice.",
            )
        return await reconcile_entry(runtime, entry)
    return from_entry(entry, repeated=True)


def from_entry(entry: JournalEntry, *, repeated: bool = False) -> Outcome:
    ok = None if is_unknown(entry) else entry.ok
    return Outcome(
        entry.item_id,
        entry.automation,
        entry.key,
        ok,
        entry.message,
        entry.url,
        entry.ref,
        repeated=repeated,
    )


async def reconcile(runtime: Runtime) -> list[Outcome]:
    """Settle every intent without an outcome (left by a crash), asking the forge what happened."""
    in_flight = _IN_FLIGHT.get(runtime.store, set())
    return [
        await reconcile_entry(runtime, entry)
        for entry in runtime.store.journal_pending()
        if entry.key not in in_flight
    ]


async def reconcile_entry(runtime: Runtime, entry: JournalEntry) -> Outcome:
    """Ask the forge whether the journaled action happened; if it cannot tell, say "unknown"."""
    found = await _find(runtime, entry)
    now = runtime.clock()
    if found is not None:
        message = clean(found.message, 500) or "Done (found on the forge)."
        runtime.store.journal_outcome(
            entry.key, ok=found.ok, message=message, url=found.url, ref=found.ref, at=now
        )
        if found.ok:
            _restore_decision(runtime, entry)
        return Outcome(
            entry.item_id,
            entry.automation,
            entry.key,
            found.ok,
            message,
            found.url,
            found.ref,
            repeated=True,
        )
    where = safe_url(entry.request.get("item_url")) or "the forge"
    message = f"{UNKNOWN} — check {where}"
    runtime.store.journal_outcome(entry.key, ok=False, message=message, at=now)
    _restore_decision(runtime, entry)
    return Outcome(entry.item_id, entry.automation, entry.key, None, message, repeated=True)


def _restore_decision(runtime: Runtime, entry: JournalEntry) -> None:
    """Record the DELEGATED decision a crash kept from the log (it came between intent and decision).

    The journal knew the user's decision; the event log, which the queue and the budget read,
    must know it too, or the item would quietly return to the queue while it may be handled.
    """
    store = runtime.store
    if entry.request.get("on_take"):
        return  # an assignment after `m`: the decision in the log is TAKEN, and it is there
    if any(e.data.get("key") == entry.key for e in store.events(entry.item_id)):
        return
    req = entry.request
    store.record(
        entry.item_id,
        EventAction.DELEGATED,
        at=entry.intent_at,
        automation=entry.automation,
        fingerprint=str(req.get("fingerprint") or ""),
        data={
            "oversight_hours": _hours(req.get("oversight_hours")),
            "plan": [str(line) for line in req.get("summary") or ()],
            "key": entry.key,
            "follow_up_hours": _hours(req.get("follow_up_hours")),
            "title": str(req.get("item_title") or ""),
            "url": str(req.get("item_url") or ""),
            "repo": str(req.get("item_repo") or ""),
            "kind": str(req.get("item_kind") or ""),
            "restored": True,
        },
    )


def _hours(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


async def _find(runtime: Runtime, entry: JournalEntry) -> ActionResult | None:
    request = entry.request
    forge = runtime.forge(str(request.get("forge") or ""))
    if forge is None or "kind" not in request:
        return None  # commands and webhooks cannot be asked
    action = ActionRequest(
        kind=str(request["kind"]),
        repo=str(request.get("repo", "")),
        target=str(request.get("forge_target", "")),
        params=dict(request.get("params") or {}),
        idempotency_key=entry.key,
    )
    try:
        return await forge.find_action(action)
    except Exception as exc:  # asking failed: that is "cannot tell", not "did not happen"
        log.warning("find_action on %s failed: %s", forge.name, type(exc).__name__)
        return None


def resolve_unknown(runtime: Runtime, key: str, *, happened: bool, note: str = "") -> None:
    """The user checked an "unknown" delegation; record what they found.

    ``happened=False`` makes it a definite failure, so picking the automation again is a new
    attempt (with a new key); ``happened=True`` records it as done.
    """
    entry = next((e for e in runtime.store.journal() if e.key == key), None)
    if entry is None or not (entry.pending or is_unknown(entry)):
        raise ActionError("That delegation is not waiting for a check.", "Refresh the view.")
    message = note or (
        "happened (checked by the user)" if happened else "did not happen (checked by the user)"
    )
    runtime.store.journal_outcome(key, ok=happened, message=message, at=runtime.clock())
    if not happened:
        runtime.store.record(
            entry.item_id,
            EventAction.REOPENED,
            at=runtime.clock(),
            automation=entry.automation,
            note="delegation did not happen",
            data={"key": key},
        )
