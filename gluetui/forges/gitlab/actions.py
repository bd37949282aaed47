"""Actions on GitLab on the user's behalf: retry, trigger, assign, review, label, note, open an issue.

Each action is declared once, in :data:`ACTIONS`: where it finds its target on an item, the write it
sends (method and path: :func:`describe` shows them in the confirmation modal, and the handler is
handed exactly that path to send to) and the handler. One write (plus reads to resolve usernames
or the default branch), sent once: a POST is never retried, so a timeout is reported as "unknown
outcome" instead of risking a double post. Failures become :class:`gluetui.errors.ActionError`
with the reason and a hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gluetui.errors import ActionError, ForgeError, RateLimited
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, describe_params
from gluetui.forges.gitlab.client import GitLabClient, RequestTimeout
from gluetui.forges.gitlab.fetch import project_path

#: Sends the declared write with a body (None: none) and returns GitLab's answer.
Send = Callable[[Mapping[str, Any] | None], Awaitable[Any]]
#: Performs one action: the client (for reads it needs), the request, the project's API path
#: and the declared write.
Handler = Callable[[GitLabClient, ActionRequest, str, Send], Awaitable[ActionResult]]

WRITE_HINT = (
    "Actions need a token with the api scope (read_api only reads) and Developer access or more; "
    "set it via GITLAB_TOKEN, token_env or token_command."
)


def _number(text: str, what: str) -> int:
    digits = text.lstrip("!#").strip()
    if not digits.isdigit():
        raise ActionError(f"'{text}' is not a {what} number.", "Pick the item again and retry.")
    return int(digits)


def _noun(request: ActionRequest) -> tuple[str, str]:
    """(API collection, reference prefix) of the target: ``#12`` is an issue, ``!12`` or 12 an MR."""
    kind = str(request.params.get("target_type", ""))
    if request.target.startswith("#") or kind == "issue":
        return "issues", "#"
    return "merge_requests", "!"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, Sequence):
        return [str(v) for v in value if str(v)]
    return []


async def _user_ids(client: GitLabClient, names: list[str]) -> list[int]:
    ids: list[int] = []
    for name in names:
        found = await client.get("/users", {"username": name.lstrip("@")})
        if not isinstance(found, list) or not found or "id" not in found[0]:
            raise ActionError(
                f"GitLab has no user '{name}'.", "Check the username in the automation."
            )
        ids.append(int(found[0]["id"]))
    return ids


def _url(doc: object) -> str:
    return str(doc.get("web_url") or "") if isinstance(doc, Mapping) else ""


def _id(doc: object) -> str:
    return str(doc.get("id") or "") if isinstance(doc, Mapping) else ""


async def retry_pipeline(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    pid = _number(request.target, "pipeline")
    doc = await send(None)
    return ActionResult(True, f"Retried pipeline {pid} in {request.repo}.", _url(doc), _id(doc))


async def retry_job(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    jid = _number(request.target, "job")
    doc = await send(None)
    new = _id(doc)
    return ActionResult(
        True, f"Retried job {jid} in {request.repo} (new job {new or '?'}).", _url(doc), new
    )


async def trigger_pipeline(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    ref = str(request.params.get("ref") or "")
    if not ref:
        project = await client.get(base)
        ref = (
            str(project.get("default_branch") or "main") if isinstance(project, Mapping) else "main"
        )
    raw_vars = request.params.get("inputs") or request.params.get("variables") or {}
    variables = [
        {"key": str(k), "value": str(v)}
        for k, v in (raw_vars.items() if isinstance(raw_vars, Mapping) else ())
    ]
    data: dict[str, Any] = {"ref": ref}
    if variables:
        data["variables"] = variables
    doc = await send(data)
    return ActionResult(
        True, f"Started a pipeline on {ref} in {request.repo}.", _url(doc), _id(doc)
    )


async def assign(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    names = _strings(request.params.get("assignees"))
    if not names:
        raise ActionError("No assignees given.", "Set assignees in the automation.")
    _, sign = _noun(request)
    iid = _number(request.target, "merge request or issue")
    ids = await _user_ids(client, names)
    doc = await send({"assignee_ids": ids})
    return ActionResult(
        True, f"Assigned {', '.join(names)} to {request.repo}{sign}{iid}.", _url(doc), str(iid)
    )


async def set_reviewers(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    names = _strings(request.params.get("reviewers"))
    if not names:
        raise ActionError("No reviewers given.", "Set reviewers in the automation.")
    iid = _number(request.target, "merge request")
    ids = await _user_ids(client, names)
    doc = await send({"reviewer_ids": ids})
    return ActionResult(
        True, f"Asked {', '.join(names)} to review {request.repo}!{iid}.", _url(doc), str(iid)
    )


async def add_labels(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    labels = _strings(request.params.get("labels"))
    if not labels:
        raise ActionError("No labels given.", "Set labels in the automation.")
    _, sign = _noun(request)
    iid = _number(request.target, "merge request or issue")
    doc = await send({"add_labels": ",".join(labels)})
    return ActionResult(
        True, f"Labelled {request.repo}{sign}{iid}: {', '.join(labels)}.", _url(doc), str(iid)
    )


async def note(client: GitLabClient, request: ActionRequest, base: str, send: Send) -> ActionResult:
    body = str(request.params.get("body") or "")
    if not body.strip():
        raise ActionError("The note is empty.", "Set body in the automation.")
    _, sign = _noun(request)
    iid = _number(request.target, "merge request or issue")
    doc = await send({"body": body})
    return ActionResult(True, f"Commented on {request.repo}{sign}{iid}.", "", _id(doc))


async def create_issue(
    client: GitLabClient, request: ActionRequest, base: str, send: Send
) -> ActionResult:
    title = str(request.params.get("title") or "")
    if not title.strip():
        raise ActionError("The issue has no title.", "Set title in the automation.")
    data: dict[str, Any] = {"title": title}
    if request.params.get("body"):
        data["description"] = str(request.params["body"])
    labels = _strings(request.params.get("labels"))
    if labels:
        data["labels"] = ",".join(labels)
    assignees = _strings(request.params.get("assignees"))
    if assignees:
        data["assignee_ids"] = await _user_ids(client, assignees)
    doc = await send(data)
    iid = str(doc.get("iid") or "") if isinstance(doc, Mapping) else ""
    return ActionResult(True, f"Opened issue {request.repo}#{iid}.", _url(doc), iid)


@dataclass(frozen=True, slots=True)
class GitLabAction:
    """One action: its target, the write it sends and the handler that sends it."""

    spec: ActionSpec
    method: str
    #: Under the project's API path; ``{t}`` is the target's number, ``{coll}`` ``merge_requests``
    #: or ``issues`` (by the target's prefix: ``!7`` or ``#7``).
    path: str
    handler: Handler


_PIPELINE = ActionSpec(("pipeline_id", "run_id"), "pipeline")
_MR = ActionSpec(("number",), "merge request", "!")
_REPO = ActionSpec()

#: Every GitLab action: where its target is, the write it sends, and the code that sends it.
ACTIONS: Mapping[str, GitLabAction] = {
    "retry_pipeline": GitLabAction(_PIPELINE, "POST", "pipelines/{t}/retry", retry_pipeline),
    "retry_job": GitLabAction(ActionSpec(("job_id",), "job"), "POST", "jobs/{t}/retry", retry_job),
    "trigger_pipeline": GitLabAction(_REPO, "POST", "pipeline", trigger_pipeline),
    "assign": GitLabAction(_MR, "PUT", "{coll}/{t}", assign),
    "set_reviewers": GitLabAction(_MR, "PUT", "merge_requests/{t}", set_reviewers),
    "add_labels": GitLabAction(_MR, "PUT", "{coll}/{t}", add_labels),
    "note": GitLabAction(_MR, "POST", "{coll}/{t}/notes", note),
    "create_issue": GitLabAction(_REPO, "POST", "issues", create_issue),
}

#: The action specs the forge declares (delegation plans with them).
SPECS: Mapping[str, ActionSpec] = {name: a.spec for name, a in ACTIONS.items()}


def _path(action: GitLabAction, request: ActionRequest) -> str:
    coll, _ = _noun(request)
    return action.path.format(t=request.target.lstrip("!#").strip(), coll=coll)


def describe(api_url: str, request: ActionRequest) -> str:
    """``POST https://gitlab.example.com/api/v4/projects/g%2Fp/pipelines/9/retry``."""
    action = ACTIONS.get(request.kind)
    if action is None:
        raise ActionError(f"GitLab cannot do '{request.kind}'.", _known())
    project = quote(request.repo, safe="")
    url = f"{api_url.rstrip('/')}/api/v4/projects/{project}/{_path(action, request)}"
    details = describe_params(request.params)
    return f"{action.method} {url}" + (f" ({details})" if details else "")


def _known() -> str:
    return f"GitLab actions are: {', '.join(sorted(ACTIONS))}."


async def perform(
    client: GitLabClient, request: ActionRequest, project: str | int | None = None
) -> ActionResult:
    """Run one action on ``project`` (id or path; default ``request.repo``).

    Every failure is an :class:`ActionError` (a spent rate limit stays :class:`RateLimited`).
    """
    action = ACTIONS.get(request.kind)
    if action is None:
        raise ActionError(f"GitLab cannot do '{request.kind}'.", _known())
    base = project_path(request.repo if project is None else project)
    path = f"{base}/{_path(action, request)}"

    async def send(data: Mapping[str, Any] | None) -> Any:
        if action.method == "PUT":
            return await client.put(path, data)
        return await client.post(path, data)

    try:
        return await action.handler(client, request, base, send)
    except RateLimited:
        raise
    except ForgeError as exc:
        if exc.status in (401, 403):
            hint = WRITE_HINT
        elif isinstance(exc, RequestTimeout):
            hint = "It may or may not have been applied; check on GitLab before repeating it."
        else:
            hint = exc.hint
        raise ActionError(f"{request.kind} on {request.repo} failed: {exc.title}", hint) from None
