"""Actions on GitLab on the user's behalf: retry, trigger, assign, review, label, note, open an issue.

Each action is one write (plus reads to resolve usernames or the default branch), sent once: a POST
is never retried, so a timeout is reported as "unknown outcome" instead of risking a double post.
Failures become :class:`gluetui.errors.ActionError` with the reason and a hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from gluetui.errors import ActionError, ForgeError, RateLimited
from gluetui.forges.base import ActionRequest, ActionResult
from gluetui.forges.gitlab.client import GitLabClient, RequestTimeout
from gluetui.forges.gitlab.fetch import project_path

Handler = Callable[[GitLabClient, ActionRequest, str], Awaitable[ActionResult]]

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


async def retry_pipeline(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
    pid = _number(request.target, "pipeline")
    doc = await client.post(f"{base}/pipelines/{pid}/retry")
    return ActionResult(True, f"Retried pipeline {pid} in {request.repo}.", _url(doc), _id(doc))


async def retry_job(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
    jid = _number(request.target, "job")
    doc = await client.post(f"{base}/jobs/{jid}/retry")
    new = _id(doc)
    return ActionResult(
        True, f"Retried job {jid} in {request.repo} (new job {new or '?'}).", _url(doc), new
    )


async def trigger_pipeline(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
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
    doc = await client.post(f"{base}/pipeline", data)
    return ActionResult(
        True, f"Started a pipeline on {ref} in {request.repo}.", _url(doc), _id(doc)
    )


async def assign(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
    names = _strings(request.params.get("assignees"))
    if not names:
        raise ActionError("No assignees given.", "Set assignees in the automation.")
    coll, sign = _noun(request)
    iid = _number(request.target, "merge request or issue")
    ids = await _user_ids(client, names)
    doc = await client.put(f"{base}/{coll}/{iid}", {"assignee_ids": ids})
    return ActionResult(
        True, f"Assigned {', '.join(names)} to {request.repo}{sign}{iid}.", _url(doc), str(iid)
    )


async def set_reviewers(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
    names = _strings(request.params.get("reviewers"))
    if not names:
        raise ActionError("No reviewers given.", "Set reviewers in the automation.")
    iid = _number(request.target, "merge request")
    ids = await _user_ids(client, names)
    doc = await client.put(f"{base}/merge_requests/{iid}", {"reviewer_ids": ids})
    return ActionResult(
        True, f"Asked {', '.join(names)} to review {request.repo}!{iid}.", _url(doc), str(iid)
    )


async def add_labels(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
    labels = _strings(request.params.get("labels"))
    if not labels:
        raise ActionError("No labels given.", "Set labels in the automation.")
    coll, sign = _noun(request)
    iid = _number(request.target, "merge request or issue")
    doc = await client.put(f"{base}/{coll}/{iid}", {"add_labels": ",".join(labels)})
    return ActionResult(
        True, f"Labelled {request.repo}{sign}{iid}: {', '.join(labels)}.", _url(doc), str(iid)
    )


async def note(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
    body = str(request.params.get("body") or "")
    if not body.strip():
        raise ActionError("The note is empty.", "Set body in the automation.")
    coll, sign = _noun(request)
    iid = _number(request.target, "merge request or issue")
    doc = await client.post(f"{base}/{coll}/{iid}/notes", {"body": body})
    return ActionResult(True, f"Commented on {request.repo}{sign}{iid}.", "", _id(doc))


async def create_issue(client: GitLabClient, request: ActionRequest, base: str) -> ActionResult:
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
    doc = await client.post(f"{base}/issues", data)
    iid = str(doc.get("iid") or "") if isinstance(doc, Mapping) else ""
    return ActionResult(True, f"Opened issue {request.repo}#{iid}.", _url(doc), iid)


HANDLERS: dict[str, Handler] = {
    "retry_pipeline": retry_pipeline,
    "retry_job": retry_job,
    "trigger_pipeline": trigger_pipeline,
    "assign": assign,
    "set_reviewers": set_reviewers,
    "add_labels": add_labels,
    "note": note,
    "create_issue": create_issue,
}


async def perform(
    client: GitLabClient, request: ActionRequest, project: str | int | None = None
) -> ActionResult:
    """Run one action on ``project`` (id or path; default ``request.repo``).

    Every failure is an :class:`ActionError` (a spent rate limit stays :class:`RateLimited`).
    """
    handler = HANDLERS.get(request.kind)
    if handler is None:
        raise ActionError(
            f"GitLab cannot do '{request.kind}'.",
            f"GitLab actions are: {', '.join(sorted(HANDLERS))}.",
        )
    try:
        return await handler(
            client, request, project_path(request.repo if project is None else project)
        )
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
