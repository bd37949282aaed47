"""What a forge automation needs from an item, and how to describe the request it will send.

The description is for the confirmation modal: the user sees the method and URL of the call
before anything happens. The forge adapters (:mod:`gluetui.forges.github.actions`,
:mod:`gluetui.forges.gitlab.actions`) send the real thing; this module only mirrors their routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gluetui.delegate.templates import item_number
from gluetui.model import Item
from gluetui.textsafe import clean


@dataclass(frozen=True, slots=True)
class Route:
    """How one action kind finds its target on an item and what HTTP call it makes."""

    #: Which ``where`` keys (tried in order) hold the target id; "number" means the PR/MR number.
    target_keys: tuple[str, ...]
    #: What the target is, for error messages ("workflow run", "pull request").
    target_noun: str
    method: str
    #: Path under the repository, ``{t}`` is the target.
    path: str


GITHUB: Mapping[str, Route] = {
    "rerun_failed_jobs": Route(
        ("run_id",), "workflow run", "POST", "actions/runs/{t}/rerun-failed-jobs"
    ),
    "rerun_workflow": Route(("run_id",), "workflow run", "POST", "actions/runs/{t}/rerun"),
    "dispatch_workflow": Route((), "", "POST", "actions/workflows/{workflow}/dispatches"),
    "assign": Route(("number",), "pull request", "POST", "issues/{t}/assignees"),
    "request_review": Route(("number",), "pull request", "POST", "pulls/{t}/requested_reviewers"),
    "add_labels": Route(("number",), "pull request", "POST", "issues/{t}/labels"),
    "comment": Route(("number",), "pull request", "POST", "issues/{t}/comments"),
    "create_issue": Route((), "", "POST", "issues"),
}

GITLAB: Mapping[str, Route] = {
    "retry_pipeline": Route(("pipeline_id", "run_id"), "pipeline", "POST", "pipelines/{t}/retry"),
    "retry_job": Route(("job_id",), "job", "POST", "jobs/{t}/retry"),
    "trigger_pipeline": Route((), "", "POST", "pipeline"),
    "assign": Route(("number",), "merge request", "PUT", "merge_requests/{t}"),
    "set_reviewers": Route(("number",), "merge request", "PUT", "merge_requests/{t}"),
    "add_labels": Route(("number",), "merge request", "PUT", "merge_requests/{t}"),
    "note": Route(("number",), "merge request", "POST", "merge_requests/{t}/notes"),
    "create_issue": Route((), "", "POST", "issues"),
}

ROUTES: Mapping[str, Mapping[str, Route]] = {"github": GITHUB, "gitlab": GITLAB}


def find_target(item: Item, route: Route) -> str | None:
    """The target id for ``route`` on ``item``; "" for repository-level actions, None if missing."""
    if not route.target_keys:
        return ""
    for key in route.target_keys:
        value = item_number(item) if key == "number" else str(item.where.get(key, "")).strip()
        if value:
            return value
    return None


def forge_target(flavour: str, route: Route, target: str) -> str:
    """The target as the adapter wants it: GitLab MRs are ``!iid`` (``#iid`` would be an issue)."""
    if flavour == "gitlab" and "number" in route.target_keys and target:
        return f"!{target}"
    return target


def describe(
    flavour: str, api: str, kind: str, repo: str, target: str, params: Mapping[str, Any]
) -> str:
    """One line such as ``POST https://api.github.com/repos/acme/api/actions/runs/1/rerun``."""
    route = ROUTES[flavour][kind]
    workflow = quote(str(params.get("workflow", "")), safe="")
    path = route.path.format(t=target.lstrip("!#"), workflow=workflow)
    if flavour == "github":
        url = f"{api}/repos/{repo}/{path}"
    else:
        url = f"{api}/api/v4/projects/{quote(repo, safe='')}/{path}"
    details = _details(params)
    return f"{route.method} {url}" + (f" ({details})" if details else "")


def _details(params: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for key in ("ref", "assignees", "reviewers", "team_reviewers", "labels", "title", "body"):
        value = params.get(key)
        if not value:
            continue
        text = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {_short(text)}")
    inputs = params.get("inputs")
    if isinstance(inputs, Mapping) and inputs:
        parts.append("inputs: " + ", ".join(f"{k}={_short(str(v), 30)}" for k, v in inputs.items()))
    return "; ".join(parts)


def _short(text: str, limit: int = 60) -> str:
    # Item text in the confirmation modal: one line, no terminal escapes, bounded.
    return clean(text, limit)
