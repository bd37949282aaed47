"""GitHub Actions runs of one repository's default branch, read with as few REST calls as possible.

Per repository and refresh (:func:`fetch_runs`, all REST; the adapter itself lists runs here and
reads their jobs through GraphQL, :mod:`github_jobs`, using REST only for runs GraphQL cannot
resolve):

* one conditional ``GET /repos/{o}/{r}/actions/runs?branch=B&created=>=DATE`` (an unchanged list is a
  304, which GitHub does not count against the rate limit);
* jobs only for runs a detector needs them for, at most :data:`MAX_JOB_CALLS`: a run that was
  re-run (``filter=all`` returns the jobs of *every* attempt in one call, so earlier attempts need
  no ``/attempts/{n}`` call), the newest run of a workflow when it failed, and a failed run whose
  commit later passed the same workflow (a flake across runs);
* check-run annotations only for failed jobs of such flaky pairs, at most :data:`MAX_ANNOTATION_CALLS`,
  to name the failed tests.

Finished runs, jobs and annotations never change, so every one of these reads is conditional.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from gluetui.forges.github import convert as conv
from gluetui.forges.http import HttpSession
from gluetui.records import Run, TestResult

#: Job listings fetched per repository and refresh.
MAX_JOB_CALLS = 8
#: Annotation listings fetched per repository and refresh.
MAX_ANNOTATION_CALLS = 4
#: Runs are read at least this far back (broken CI needs each workflow's latest run).
MIN_WINDOW_DAYS = 14


def runs_params(branch: str, now: datetime, window_days: int) -> dict[str, Any]:
    since = (now - timedelta(days=max(window_days, MIN_WINDOW_DAYS))).date().isoformat()
    return {
        "branch": branch,
        "per_page": 100,
        "created": f">={since}",
        "exclude_pull_requests": "true",
    }


def jobs_wanted(runs: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The runs whose jobs a detector needs, most useful first."""
    newest: dict[str, Mapping[str, Any]] = {}
    passed: set[tuple[str, str]] = set()
    for run in runs:  # the API lists newest first
        wf = str(run.get("workflow_id") or run.get("name"))
        newest.setdefault(wf, run)
        if run.get("conclusion") == "success":
            passed.add((wf, str(run.get("head_sha"))))
    wanted: list[Mapping[str, Any]] = []
    for run in runs:
        wf = str(run.get("workflow_id") or run.get("name"))
        failed = run.get("conclusion") in conv.FAILED
        if (
            conv.attempt_of(run) > 1
            or (failed and newest.get(wf) is run)
            or (failed and (wf, str(run.get("head_sha"))) in passed)
        ):
            wanted.append(run)
    wanted.sort(key=lambda r: conv.attempt_of(r) == 1)  # re-runs first (flakes)
    return wanted[:MAX_JOB_CALLS]


async def list_runs(
    session: HttpSession, repo: str, branch: str, now: datetime, window_days: int
) -> list[Mapping[str, Any]]:
    """The default branch's runs of the window: one conditional REST call."""
    reply = await session.get(
        f"/repos/{repo}/actions/runs",
        runs_params(branch, now, window_days),
        what=f"the workflow runs of {repo}",
    )
    session.stats["rest_calls"] += 1
    return [r for r in conv.obj(reply.json()).get("workflow_runs") or [] if isinstance(r, Mapping)]


async def rest_jobs(
    session: HttpSession, repo: str, runs: list[Mapping[str, Any]]
) -> tuple[dict[str, list[Mapping[str, Any]]], dict[str, list[TestResult]]]:
    """Jobs (and flaky jobs' tests) of ``runs`` over REST: one call per run, one per flaky job."""
    jobs: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        run_id = str(run.get("id"))
        params: dict[str, Any] = {"per_page": 100}
        if conv.attempt_of(run) > 1:
            params["filter"] = "all"
        got = await session.get(
            f"/repos/{repo}/actions/runs/{run_id}/jobs",
            params,
            what=f"the jobs of run {run_id} in {repo}",
        )
        session.stats["rest_calls"] += 1
        jobs[run_id] = [j for j in conv.obj(got.json()).get("jobs") or [] if isinstance(j, Mapping)]
    return jobs, await _flaky_tests(session, repo, jobs)


def build_runs(
    repo: str,
    runs: list[Mapping[str, Any]],
    jobs: Mapping[str, list[Mapping[str, Any]]],
    tests: Mapping[str, list[TestResult]],
) -> tuple[Run, ...]:
    out: list[Run] = []
    for run in runs:
        out.extend(conv.run_records(repo, run, jobs.get(str(run.get("id"))), tests))
    return tuple(out)


async def fetch_runs(
    session: HttpSession, repo: str, branch: str, now: datetime, window_days: int
) -> tuple[Run, ...]:
    """Runs with their jobs, all over REST (the path when GraphQL cannot reach the runs)."""
    runs = await list_runs(session, repo, branch, now, window_days)
    jobs, tests = await rest_jobs(session, repo, jobs_wanted(runs))
    return build_runs(repo, runs, jobs, dict(tests))


async def _flaky_tests(
    session: HttpSession, repo: str, jobs: Mapping[str, list[Mapping[str, Any]]]
) -> dict[str, list[TestResult]]:
    """Test names from annotations of failed jobs that passed on a later attempt of the same run."""
    candidates: list[Mapping[str, Any]] = []
    for run_jobs in jobs.values():
        passed = {(j.get("name")) for j in run_jobs if j.get("conclusion") == "success"}
        candidates += [
            j for j in run_jobs if j.get("conclusion") in conv.FAILED and j.get("name") in passed
        ]
    tests: dict[str, list[TestResult]] = {}
    for job in candidates[:MAX_ANNOTATION_CALLS]:
        job_id = str(job.get("id"))
        got = await session.get(
            f"/repos/{repo}/check-runs/{job_id}/annotations",
            {"per_page": 50},
            what=f"the annotations of job {job_id} in {repo}",
        )
        session.stats["rest_calls"] += 1
        items = [a for a in got.json() or [] if isinstance(a, Mapping)]
        tests[job_id] = conv.annotation_tests(conv.job_record(job), items)
    return tests
