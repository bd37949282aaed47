"""GitHub Actions runs as records, and their jobs over REST where GraphQL cannot reach them.

The adapter reads runs as check suites of the default branch's commits (:mod:`suites`) and their
jobs through GraphQL (:mod:`followup`); :func:`rest_jobs` is the fallback for a run whose node
GraphQL does not resolve (an older GitHub Enterprise Server): one conditional jobs call per run
(``filter=all`` returns the jobs of *every* attempt in one call) and one annotations call per
failed job that passed on a later attempt (a flaky test's name). Finished runs, jobs and
annotations never change, so every one of these reads is conditional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gluetui.forges.github import convert as conv
from gluetui.forges.http import HttpSession
from gluetui.records import Run, TestResult

#: Annotation listings fetched per repository and refresh.
MAX_ANNOTATION_CALLS = 4
#: Runs are read at least this far back (broken CI needs each workflow's latest run).
MIN_WINDOW_DAYS = 14


async def rest_jobs(
    session: HttpSession, repo: str, runs: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[Mapping[str, Any]]], dict[str, list[TestResult]]]:
    """Jobs (and flaky jobs' tests) of ``runs`` over REST: one call per run, one per flaky job."""
    jobs: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        run_id = str(run.get("id"))
        params: dict[str, Any] = {"per_page": 100, "filter": "all"}
        got = await session.get(
            f"/repos/{repo}/actions/runs/{run_id}/jobs",
            params,
            what=f"the jobs of run {run_id} in {repo}",
        )
        session.stats["rest_calls"] += 1
        listed = [j for j in conv.obj(got.json()).get("jobs") or [] if isinstance(j, Mapping)]
        jobs[run_id] = listed
        if isinstance(run, dict) and listed:
            # GraphQL did not say how often the run was attempted; its jobs do.
            run["run_attempt"] = max(conv.attempt_of(j) for j in listed)
    return jobs, await _flaky_tests(session, repo, jobs)


def build_runs(
    repo: str,
    runs: Sequence[Mapping[str, Any]],
    jobs: Mapping[str, Sequence[Mapping[str, Any]]],
    tests: Mapping[str, Sequence[TestResult]],
) -> tuple[Run, ...]:
    out: list[Run] = []
    for run in runs:
        out.extend(conv.run_records(repo, run, jobs.get(str(run.get("id"))), tests))
    return tuple(out)


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
