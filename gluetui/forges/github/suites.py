"""Workflow runs of a default branch, read from its commits' check suites (GraphQL, no REST).

GitHub Actions files every workflow run as a check suite of the commit it ran on, so the details
query (:mod:`details`) reads each commit of the runs window with its suites (one connection per
commit: a tenth of a point for ten commits) instead of one REST runs listing per repository (a
whole point of the REST budget each, 5,000 for an organisation of 5,000 repositories). The head
commit's suites are read too, so a scheduled run on a head older than the window still counts.

Suites become REST-shaped run objects here, so :mod:`runs` (``build_runs``) and the detectors see
the same runs either way. What a suite cannot say is how often its run was attempted; the run's
check runs of every attempt (:mod:`followup`) number the attempts, as :func:`jobs.jobs_of` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gluetui.forges.github import convert as conv
from gluetui.forges.github.jobs import jobs_of

JSON = Mapping[str, Any]


def _lower(value: object) -> str | None:
    return str(value).lower() if isinstance(value, str) and value else None


def run_of(repo_url: str, branch: str, commit: JSON, suite: JSON) -> dict[str, Any] | None:
    """A REST-shaped run for one suite of ``commit``; None for a suite that is no workflow run,
    or that ran for another branch (a pull request's suite on the same commit)."""
    wr = conv.obj(suite.get("workflowRun"))
    run_id = conv.int_of(wr.get("databaseId"), -1)
    if not wr or run_id < 0:
        return None
    on = conv.obj(suite.get("branch")).get("name")
    if isinstance(on, str) and on and on != branch:
        return None
    workflow = conv.obj(wr.get("workflow"))
    author = conv.obj(commit.get("author"))
    return {
        "id": run_id,
        "node_id": wr.get("id") if isinstance(wr.get("id"), str) else None,
        "name": workflow.get("name") or "",
        "head_branch": branch,
        "head_sha": str(commit.get("oid") or ""),
        "run_attempt": 1,  # numbered from the jobs of every attempt (attempts_from_checks)
        "event": wr.get("event") or "push",
        "status": _lower(suite.get("status")) or "",
        "conclusion": _lower(suite.get("conclusion")),
        "created_at": wr.get("createdAt"),
        "updated_at": suite.get("updatedAt") or wr.get("createdAt"),
        "html_url": f"{repo_url}/actions/runs/{run_id}" if repo_url.startswith("https://") else "",
        "head_commit": {
            "message": commit.get("messageHeadline") or "",
            "author": {"name": author.get("name") or ""},
        },
        "repository": {"html_url": repo_url},
    }


def runs_from_commits(repo_url: str, branch: str, commits: Iterable[JSON]) -> list[dict[str, Any]]:
    """Every workflow run on ``branch`` among ``commits`` (each with ``checkSuites``), newest
    first, each run once (the head may be listed twice: as the head and in the window)."""
    runs: dict[int, dict[str, Any]] = {}
    for commit in commits:
        for suite in conv.nodes(commit.get("checkSuites")):
            run = run_of(repo_url, branch, commit, suite)
            if run is not None:
                runs.setdefault(run["id"], run)
    return sorted(
        runs.values(), key=lambda r: (str(r.get("created_at") or ""), r["id"]), reverse=True
    )


def run_key(run: JSON) -> str:
    """What a run's jobs depend on: a finished run's jobs never change until it is re-run, which
    moves its status, conclusion or update time."""
    return "|".join(str(run.get(k) or "") for k in ("id", "status", "conclusion", "updated_at"))


def attempts_from_checks(run: dict[str, Any], suite: JSON) -> list[dict[str, Any]]:
    """The run's REST-shaped jobs from its check runs of every attempt (``all``), and the run's
    attempt count and latest start set from them (GraphQL does not number attempts)."""
    jobs = jobs_of(suite, None, str(run.get("html_url") or ""))
    latest = max((int(j["run_attempt"]) for j in jobs), default=1)
    run["run_attempt"] = latest
    if latest > 1:
        starts = [
            str(j["started_at"]) for j in jobs if j["run_attempt"] == latest and j.get("started_at")
        ]
        if starts:
            run["run_started_at"] = min(starts)
    return jobs


#: Runs per repository read whole (jobs of every attempt) per refresh, flakes first.
MAX_WANTED = 8


def failures_of(suite: JSON) -> list[dict[str, Any]]:
    """The failed check runs (any attempt) a ``...RunFailures`` answer lists."""
    out = []
    for node in conv.nodes(conv.obj(suite.get("failed"))):
        node_id = node.get("id")
        out.append(
            {
                "node_id": node_id if isinstance(node_id, str) else None,
                "id": node.get("databaseId"),
                "name": node.get("name") or "",
            }
        )
    return out


def flaked(run: JSON) -> bool:
    """A run that passed although a job of it failed on some attempt (it was re-run: a flake)."""
    return run.get("conclusion") == "success" and bool(run.get("failed_checks"))


def jobs_wanted(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs (newest first, ``failed_checks`` known) a detector needs whole, most useful
    first: runs that passed after a job failed (flakes), the newest run of a workflow when it
    failed (broken CI names its failing jobs), and a failed run whose commit then passed the same
    workflow (a flake across runs)."""
    newest: dict[str, JSON] = {}
    passed: set[tuple[str, str]] = set()
    for run in runs:
        wf = str(run.get("name"))
        newest.setdefault(wf, run)
        if run.get("conclusion") == "success":
            passed.add((wf, str(run.get("head_sha"))))
    wanted = []
    for run in runs:
        wf = str(run.get("name"))
        failed = run.get("conclusion") in conv.FAILED
        if (
            flaked(run)
            or (failed and newest.get(wf) is run)
            or (failed and (wf, str(run.get("head_sha"))) in passed)
        ):
            wanted.append(run)
    wanted.sort(key=lambda r: not flaked(r))
    return wanted[:MAX_WANTED]


def flaky_checks(run: JSON, jobs: Sequence[JSON]) -> list[tuple[str, JSON]]:
    """(check run node id, job) of the run's failed jobs whose name passed on another attempt:
    the jobs whose annotations name flaky tests."""
    passed = {j.get("name") for j in jobs if j.get("conclusion") == "success"}
    ids = {str(f.get("id")): f.get("node_id") for f in run.get("failed_checks") or ()}
    return [
        (str(ids.get(str(j.get("id"))) or j.get("node_id")), j)
        for j in jobs
        if j.get("conclusion") in conv.FAILED
        and j.get("name") in passed
        and (ids.get(str(j.get("id"))) or j.get("node_id"))
    ]
