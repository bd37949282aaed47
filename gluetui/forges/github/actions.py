"""GitHub actions on the user's behalf: re-run, dispatch, assign, request review, label, comment, file.

Each action is declared once, in :data:`ACTIONS`: where it finds its target on an item, the
request it sends (method and path, which :func:`describe` shows in the confirmation modal) and the
function that sends it through PyGithub (:mod:`.pygithub`, in a thread: PyGithub blocks). A write
is sent once; see :mod:`.pygithub` for the retry policy and the error translation.

``params`` are the automation's rendered parameters (the fields of its model in
:mod:`gluetui.config.forges`): ``workflow``, ``ref``, ``inputs``, ``assignees``, ``reviewers``,
``team_reviewers``, ``labels``, ``body``, ``title``, ``agent_instructions``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, describe_params
from gluetui.forges.github.pygithub import GitHubActionError, PyGithubSession

if TYPE_CHECKING:
    from github.Repository import Repository

#: Logins that mean the Copilot coding agent; GitHub's REST API knows it as ``copilot-swe-agent[bot]``.
COPILOT_LOGINS = frozenset({"copilot", "copilot-swe-agent", "copilot-swe-agent[bot]", "@copilot"})
COPILOT_BOT = "copilot-swe-agent[bot]"

#: Sends one action (blocking): the repository (lazy: no request yet), the request, its params
#: and the default branch if the forge already knows it ("" if not).
Send = Callable[["Repository", ActionRequest, Mapping[str, Any], str], ActionResult]


@dataclass(frozen=True, slots=True)
class GitHubAction:
    """One action: its target, the request it sends, what it is doing (for messages), the sender."""

    spec: ActionSpec
    method: str
    #: Under ``/repos/{repo}/``; ``{t}`` is the target, ``{workflow}`` the workflow.
    path: str
    #: What it is doing, for messages; ``{t}`` and ``{repo}`` are filled in.
    doing: str
    send: Send


def _strs(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return []


def _number(request: ActionRequest) -> int:
    target = request.target.lstrip("#")
    if not target.isdigit():
        raise GitHubActionError(
            f"'{request.target}' is not an issue, pull request or run number.",
            "The item this automation ran on has no number on GitHub.",
        )
    return int(target)


def _logins(names: list[str]) -> list[str]:
    return [COPILOT_BOT if a.lower() in COPILOT_LOGINS else a for a in names]


def _post(repo: Repository, path: str, body: Any = None) -> Any:
    """A POST through PyGithub's requester, for the calls its objects do not model (re-runs,
    which its methods only report as a boolean, and the coding agent's assignment)."""
    _, data = repo.requester.requestJsonAndCheck("POST", f"{repo.url}/{path}", input=body)
    return data


def _rerun_failed_jobs(
    repo: Repository, req: ActionRequest, _: Mapping[str, Any], __: str
) -> ActionResult:
    run = _number(req)
    _post(repo, f"actions/runs/{run}/rerun-failed-jobs")
    return ActionResult(
        True, f"Re-running the failed jobs of run {run} in {req.repo}.", ref=str(run)
    )


def _rerun_workflow(
    repo: Repository, req: ActionRequest, _: Mapping[str, Any], __: str
) -> ActionResult:
    run = _number(req)
    _post(repo, f"actions/runs/{run}/rerun")
    return ActionResult(True, f"Re-running workflow run {run} in {req.repo}.", ref=str(run))


def _dispatch_workflow(
    repo: Repository, req: ActionRequest, params: Mapping[str, Any], branch: str
) -> ActionResult:
    workflow = str(params.get("workflow") or "")
    if not workflow:
        raise GitHubActionError("dispatch_workflow needs a 'workflow' (file name or id).")
    ref = str(params.get("ref") or "") or branch or repo.default_branch
    inputs = {str(k): str(v) for k, v in dict(params.get("inputs") or {}).items()}
    repo.get_workflow(workflow).create_dispatch(ref, inputs, throw=True)
    return ActionResult(True, f"Dispatched {workflow} on {ref} in {req.repo}.", ref=workflow)


def _assign(
    repo: Repository, req: ActionRequest, params: Mapping[str, Any], _: str
) -> ActionResult:
    number = _number(req)
    assignees = _logins(_strs(params.get("assignees")))
    if not assignees:
        raise GitHubActionError("assign needs at least one assignee.")
    instructions = str(params.get("agent_instructions") or "")
    who = ", ".join(assignees)
    if COPILOT_BOT in assignees and instructions:
        # GitHub's issue-assignment API (Dec 2025) takes the coding agent's instructions here;
        # PyGithub's add_to_assignees sends assignees only.
        body = {
            "assignees": assignees,
            "agent_assignment": {"target_repo": req.repo, "custom_instructions": instructions},
        }
        data = _post(repo, f"issues/{number}/assignees", body)
        url = str((data or {}).get("html_url") or "") if isinstance(data, Mapping) else ""
    else:
        issue = repo.get_issue(number)
        issue.add_to_assignees(*assignees)
        url = str(issue.html_url or "")
    return ActionResult(True, f"Assigned {req.repo}#{number} to {who}.", url=url, ref=str(number))


def _request_review(
    repo: Repository, req: ActionRequest, params: Mapping[str, Any], _: str
) -> ActionResult:
    number = _number(req)
    reviewers = _strs(params.get("reviewers"))
    # Teams are configured as "org/team" or "team"; the API wants the slug alone.
    teams = [t.rsplit("/", 1)[-1] for t in _strs(params.get("team_reviewers"))]
    if not reviewers and not teams:
        raise GitHubActionError("request_review needs reviewers or team_reviewers.")
    pull = repo.get_pull(number)
    if reviewers and teams:
        pull.create_review_request(reviewers=reviewers, team_reviewers=teams)
    elif reviewers:
        pull.create_review_request(reviewers=reviewers)
    else:
        pull.create_review_request(team_reviewers=teams)
    who = ", ".join([*reviewers, *teams])
    return ActionResult(
        True, f"Requested a review of {req.repo}#{number} from {who}.", ref=str(number)
    )


def _add_labels(
    repo: Repository, req: ActionRequest, params: Mapping[str, Any], _: str
) -> ActionResult:
    number = _number(req)
    labels = _strs(params.get("labels"))
    if not labels:
        raise GitHubActionError("add_labels needs at least one label.")
    repo.get_issue(number).add_to_labels(*labels)
    return ActionResult(
        True, f"Labelled {req.repo}#{number}: {', '.join(labels)}.", ref=str(number)
    )


def _comment(
    repo: Repository, req: ActionRequest, params: Mapping[str, Any], _: str
) -> ActionResult:
    number = _number(req)
    body = str(params.get("body") or "")
    if not body:
        raise GitHubActionError("comment needs a body.")
    comment = repo.get_issue(number).create_comment(body)
    return ActionResult(
        True,
        f"Commented on {req.repo}#{number}.",
        url=str(comment.html_url or ""),
        ref=str(comment.id or ""),
    )


def _create_issue(
    repo: Repository, req: ActionRequest, params: Mapping[str, Any], _: str
) -> ActionResult:
    title = str(params.get("title") or "")
    if not title:
        raise GitHubActionError("create_issue needs a title.")
    body = str(params.get("body") or "")
    instructions = str(params.get("agent_instructions") or "")
    if instructions:
        # A coding agent assigned to the issue reads its body as the task.
        body = f"{body}\n\n{instructions}" if body else instructions
    extra: dict[str, Any] = {}
    if body:
        extra["body"] = body
    if labels := _strs(params.get("labels")):
        extra["labels"] = labels
    if assignees := _logins(_strs(params.get("assignees"))):
        extra["assignees"] = assignees
    issue = repo.create_issue(title, **extra)
    return ActionResult(
        True,
        f"Opened {req.repo}#{issue.number}: {title}",
        url=str(issue.html_url or ""),
        ref=str(issue.number),
    )


_RUN = ActionSpec(("run_id",), "workflow run")
_PULL = ActionSpec(("number",), "pull request")
_REPO = ActionSpec()

#: Every GitHub action: where its target is, the request it sends, and the code that sends it.
ACTIONS: Mapping[str, GitHubAction] = {
    "rerun_failed_jobs": GitHubAction(
        _RUN,
        "POST",
        "actions/runs/{t}/rerun-failed-jobs",
        "re-running the failed jobs of run {t} in {repo}",
        _rerun_failed_jobs,
    ),
    "rerun_workflow": GitHubAction(
        _RUN, "POST", "actions/runs/{t}/rerun", "re-running run {t} in {repo}", _rerun_workflow
    ),
    "dispatch_workflow": GitHubAction(
        _REPO,
        "POST",
        "actions/workflows/{workflow}/dispatches",
        "dispatching {workflow} in {repo}",
        _dispatch_workflow,
    ),
    "assign": GitHubAction(
        _PULL, "POST", "issues/{t}/assignees", "assigning #{t} in {repo}", _assign
    ),
    "request_review": GitHubAction(
        _PULL,
        "POST",
        "pulls/{t}/requested_reviewers",
        "requesting a review of #{t} in {repo}",
        _request_review,
    ),
    "add_labels": GitHubAction(
        _PULL, "POST", "issues/{t}/labels", "labelling #{t} in {repo}", _add_labels
    ),
    "comment": GitHubAction(
        _PULL, "POST", "issues/{t}/comments", "commenting on #{t} in {repo}", _comment
    ),
    "create_issue": GitHubAction(
        _REPO, "POST", "issues", "creating an issue in {repo}", _create_issue
    ),
}

#: The action specs the forge declares (delegation plans with them).
SPECS: Mapping[str, ActionSpec] = {name: action.spec for name, action in ACTIONS.items()}


def _fill(template: str, request: ActionRequest) -> str:
    workflow = quote(str(request.params.get("workflow", "")), safe="")
    return template.format(t=request.target.lstrip("#"), repo=request.repo, workflow=workflow)


def describe(api_url: str, request: ActionRequest) -> str:
    """``POST https://api.github.com/repos/acme/api/issues/7/labels (labels: glue)``."""
    action = ACTIONS.get(request.kind)
    if action is None:
        raise GitHubActionError(f"GitHub cannot perform '{request.kind}'.", _known())
    url = f"{api_url.rstrip('/')}/repos/{request.repo}/{_fill(action.path, request)}"
    details = describe_params(request.params)
    return f"{action.method} {url}" + (f" ({details})" if details else "")


def _known() -> str:
    return f"Known GitHub actions: {', '.join(sorted(ACTIONS))}."


class Actions:
    """Performs :class:`ActionRequest` s against one GitHub host, through PyGithub in a thread."""

    def __init__(self, session: PyGithubSession, known_branch: Callable[[str], str]):
        self.session = session
        self.known_branch = known_branch

    async def perform(self, request: ActionRequest) -> ActionResult:
        action = ACTIONS.get(request.kind)
        if action is None:
            raise GitHubActionError(f"GitHub cannot perform '{request.kind}'.", _known())
        doing = _fill(action.doing, request)
        params = dict(request.params)
        branch = self.known_branch(request.repo)

        def send(gh: Any) -> ActionResult:
            return action.send(gh.get_repo(request.repo), request, params, branch)

        result: ActionResult = await asyncio.to_thread(self.session.call, doing, send)
        return result

    def close(self) -> None:
        self.session.close()
