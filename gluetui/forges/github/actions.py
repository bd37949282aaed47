"""GitHub actions on the user's behalf: re-run, dispatch, assign, request review, label, comment, file.

Each action is one REST POST through the shared :class:`~gluetui.forges.http.HttpSession` (httpx,
not PyGithub: one error translation, one client, and every request body checked against GitHub's
OpenAPI description by the Prism contract tests). A POST is never repeated blindly; it is retried
only when the connection failed before anything was sent.

``params`` are the automation's rendered parameters (:class:`gluetui.config.schema.AutomationConfig`
field names): ``workflow``, ``ref``, ``inputs``, ``assignees``, ``reviewers``, ``team_reviewers``,
``labels``, ``body``, ``title``, ``agent_instructions``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

from gluetui.errors import ActionError, ForgeError, GluetuiError, RateLimited
from gluetui.forges.base import ActionRequest, ActionResult
from gluetui.forges.http import HttpSession, Reply

#: Logins that mean the Copilot coding agent; GitHub's REST API knows it as ``copilot-swe-agent[bot]``.
COPILOT_LOGINS = frozenset({"copilot", "copilot-swe-agent", "copilot-swe-agent[bot]", "@copilot"})
COPILOT_BOT = "copilot-swe-agent[bot]"

WRITE_HINT = (
    "A classic token needs the repo scope; a fine-grained token needs write access to Actions "
    "(re-run, dispatch) or Issues and Pull requests (assign, review, label, comment, issue)."
)

KINDS = frozenset(
    {
        "rerun_failed_jobs",
        "rerun_workflow",
        "dispatch_workflow",
        "assign",
        "request_review",
        "add_labels",
        "comment",
        "create_issue",
    }
)


class GitHubActionError(ActionError):
    """An action GitHub refused; ``status`` is the HTTP status (None when none was received)."""

    def __init__(self, title: str, hint: str = "", *, status: int | None = None) -> None:
        super().__init__(title, hint)
        self.status = status


def _strs(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return []


def _target_number(request: ActionRequest) -> str:
    target = request.target.lstrip("#")
    if not target.isdigit():
        raise GitHubActionError(
            f"'{request.target}' is not an issue, pull request or run number.",
            "The item this automation ran on has no number on GitHub.",
        )
    return target


class Actions:
    """Performs :class:`ActionRequest` s against one GitHub host."""

    def __init__(self, session: HttpSession, default_branch: Callable[[str], Awaitable[str]]):
        self.session = session
        self.default_branch = default_branch

    async def perform(self, request: ActionRequest) -> ActionResult:
        handler = getattr(self, f"_do_{request.kind}", None)
        if request.kind not in KINDS or handler is None:
            raise GitHubActionError(
                f"GitHub cannot perform '{request.kind}'.",
                f"Known GitHub actions: {', '.join(sorted(KINDS))}.",
            )
        try:
            result: ActionResult = await handler(request, request.repo, dict(request.params))
        except RateLimited:
            raise
        except ActionError:
            raise
        except GluetuiError as exc:
            status = exc.status if isinstance(exc, ForgeError) else None
            hint = f"{exc.hint} {WRITE_HINT}".strip()
            raise GitHubActionError(exc.title, hint, status=status) from exc
        return result

    async def _post(self, path: str, body: Any, what: str) -> Reply:
        return await self.session.post(path, body, what=what)

    async def _do_rerun_failed_jobs(
        self, req: ActionRequest, repo: str, _: Mapping[str, Any]
    ) -> ActionResult:
        run = _target_number(req)
        await self._post(
            f"/repos/{repo}/actions/runs/{run}/rerun-failed-jobs",
            {},
            f"re-running the failed jobs of run {run} in {repo}",
        )
        return ActionResult(True, f"Re-running the failed jobs of run {run} in {repo}.", ref=run)

    async def _do_rerun_workflow(
        self, req: ActionRequest, repo: str, _: Mapping[str, Any]
    ) -> ActionResult:
        run = _target_number(req)
        await self._post(
            f"/repos/{repo}/actions/runs/{run}/rerun", {}, f"re-running run {run} in {repo}"
        )
        return ActionResult(True, f"Re-running workflow run {run} in {repo}.", ref=run)

    async def _do_dispatch_workflow(
        self, req: ActionRequest, repo: str, params: Mapping[str, Any]
    ) -> ActionResult:
        workflow = str(params.get("workflow") or "")
        if not workflow:
            raise GitHubActionError("dispatch_workflow needs a 'workflow' (file name or id).")
        ref = str(params.get("ref") or "") or await self.default_branch(repo)
        inputs = {str(k): str(v) for k, v in dict(params.get("inputs") or {}).items()}
        body: dict[str, Any] = {"ref": ref}
        if inputs:
            body["inputs"] = inputs
        await self._post(
            f"/repos/{repo}/actions/workflows/{quote(workflow, safe='')}/dispatches",
            body,
            f"dispatching {workflow} on {ref} in {repo}",
        )
        return ActionResult(True, f"Dispatched {workflow} on {ref} in {repo}.", ref=workflow)

    async def _do_assign(
        self, req: ActionRequest, repo: str, params: Mapping[str, Any]
    ) -> ActionResult:
        number = _target_number(req)
        assignees = _strs(params.get("assignees"))
        if not assignees:
            raise GitHubActionError("assign needs at least one assignee.")
        copilot = any(a.lower() in COPILOT_LOGINS for a in assignees)
        body: dict[str, Any] = {
            "assignees": [COPILOT_BOT if a.lower() in COPILOT_LOGINS else a for a in assignees]
        }
        instructions = str(params.get("agent_instructions") or "")
        if copilot and instructions:
            # GitHub's issue-assignment API (Dec 2025) takes the coding agent's instructions here.
            body["agent_assignment"] = {"target_repo": repo, "custom_instructions": instructions}
        reply = await self._post(
            f"/repos/{repo}/issues/{number}/assignees", body, f"assigning #{number} in {repo}"
        )
        url = str((reply.json() or {}).get("html_url") or "")
        who = ", ".join(body["assignees"])
        return ActionResult(True, f"Assigned {repo}#{number} to {who}.", url=url, ref=number)

    async def _do_request_review(
        self, req: ActionRequest, repo: str, params: Mapping[str, Any]
    ) -> ActionResult:
        number = _target_number(req)
        reviewers = _strs(params.get("reviewers"))
        # Teams are configured as "org/team" or "team"; the API wants the slug alone.
        teams = [t.rsplit("/", 1)[-1] for t in _strs(params.get("team_reviewers"))]
        if not reviewers and not teams:
            raise GitHubActionError("request_review needs reviewers or team_reviewers.")
        body: dict[str, Any] = {}
        if reviewers:
            body["reviewers"] = reviewers
        if teams:
            body["team_reviewers"] = teams
        reply = await self._post(
            f"/repos/{repo}/pulls/{number}/requested_reviewers",
            body,
            f"requesting a review of #{number} in {repo}",
        )
        url = str((reply.json() or {}).get("html_url") or "")
        who = ", ".join([*reviewers, *teams])
        return ActionResult(True, f"Requested a review of {repo}#{number} from {who}.", url, number)

    async def _do_add_labels(
        self, req: ActionRequest, repo: str, params: Mapping[str, Any]
    ) -> ActionResult:
        number = _target_number(req)
        labels = _strs(params.get("labels"))
        if not labels:
            raise GitHubActionError("add_labels needs at least one label.")
        await self._post(
            f"/repos/{repo}/issues/{number}/labels",
            {"labels": labels},
            f"labelling #{number} in {repo}",
        )
        return ActionResult(True, f"Labelled {repo}#{number}: {', '.join(labels)}.", ref=number)

    async def _do_comment(
        self, req: ActionRequest, repo: str, params: Mapping[str, Any]
    ) -> ActionResult:
        number = _target_number(req)
        body = str(params.get("body") or "")
        if not body:
            raise GitHubActionError("comment needs a body.")
        reply = await self._post(
            f"/repos/{repo}/issues/{number}/comments",
            {"body": body},
            f"commenting on #{number} in {repo}",
        )
        data = reply.json() or {}
        return ActionResult(
            True,
            f"Commented on {repo}#{number}.",
            url=str(data.get("html_url") or ""),
            ref=str(data.get("id") or ""),
        )

    async def _do_create_issue(
        self, req: ActionRequest, repo: str, params: Mapping[str, Any]
    ) -> ActionResult:
        title = str(params.get("title") or "")
        if not title:
            raise GitHubActionError("create_issue needs a title.")
        body: dict[str, Any] = {"title": title}
        if params.get("body"):
            body["body"] = str(params["body"])
        if labels := _strs(params.get("labels")):
            body["labels"] = labels
        if assignees := _strs(params.get("assignees")):
            body["assignees"] = [
                COPILOT_BOT if a.lower() in COPILOT_LOGINS else a for a in assignees
            ]
        reply = await self._post(f"/repos/{repo}/issues", body, f"creating an issue in {repo}")
        data = reply.json() or {}
        number = str(data.get("number") or "")
        return ActionResult(
            True,
            f"Opened {repo}#{number}: {title}",
            url=str(data.get("html_url") or ""),
            ref=number,
        )
