"""Flaky jobs and tests: failed and passed on the same commit, within a recent window.

Same workflow, same commit, different verdicts is the signature of a flake: the code did not change,
the outcome did. Runs are grouped by (workflow, head commit); a GitHub re-run attempt and a GitLab job
retried inside its pipeline both count. A run that passed without recording a job or test vouches
that it passed there (forges often report test results only for failures); a run that recorded it
speaks for itself, so a job allowed to fail inside a green pipeline is not a flake.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gluetui.detect import DetectContext
from gluetui.detect.common import build_item, hours_between, plural, short_sha
from gluetui.globs import name_match
from gluetui.model import Evidence, Item, Kind, Severity, fingerprint
from gluetui.records import RepoData, Run

_FAILED_JOB = frozenset({"failure", "timed_out"})
_FAILED_TEST = frozenset({"failed", "error", "failure"})
_PASSED_TEST = frozenset({"passed", "success"})


@dataclass
class _Tally:
    """What the window says about one job or test."""

    workflow: str
    name: str
    job: str = ""
    executions: int = 0
    flakes: int = 0
    commits: set[str] = field(default_factory=set)
    first: datetime | None = None
    last: Run | None = None

    def flake(self, run: Run) -> None:
        self.flakes += 1
        self.commits.add(run.head_sha)
        if self.first is None or run.created_at < self.first:
            self.first = run.created_at
        if self.last is None or (run.created_at, run.attempt) >= (
            self.last.created_at,
            self.last.attempt,
        ):
            self.last = run


#: Per run: name -> outcomes recorded there (True passed, False failed); one run may hold several
#: outcomes of a name when GitLab retried a job inside the pipeline.
_Seen = dict[str, list[bool]]


def detect(data: RepoData, ctx: DetectContext) -> list[Item]:
    """One item per flaky job and per flaky test with at least ``min_flakes`` flakes in the window."""
    settings = ctx.settings.flaky_test
    start = ctx.now - timedelta(days=settings.window_days)
    runs = [r for r in data.runs if r.status == "completed" and start <= r.created_at <= ctx.now]
    jobs: dict[tuple[str, str], _Tally] = {}
    tests: dict[tuple[str, str], _Tally] = {}
    groups = _groups(runs)
    for workflow in sorted({w for w, _ in groups}):
        of_workflow = [g for (w, _), g in sorted(groups.items()) if w == workflow]
        _count(workflow, of_workflow, _jobs_seen, jobs)
        _count(workflow, of_workflow, _tests_seen, tests)
        for tally in tests.values():
            if tally.workflow == workflow and not tally.job:
                tally.job = _test_job(of_workflow, tally.name)
    items: list[Item] = []
    for (workflow, job), tally in sorted(jobs.items()):
        if tally.flakes >= settings.min_flakes and not name_match(job, settings.ignore_jobs):
            items.append(_item(data, ctx, tally, f"job:{workflow}/{job}", test=False))
    for (_workflow, test), tally in sorted(tests.items()):
        if tally.flakes >= settings.min_flakes and not name_match(test, settings.ignore_jobs):
            items.append(_item(data, ctx, tally, f"test:{test}", test=True))
    return _merge_tests(items)


def _groups(runs: Iterable[Run]) -> dict[tuple[str, str], list[Run]]:
    out: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        out.setdefault((run.workflow, run.head_sha), []).append(run)
    for group in out.values():
        group.sort(key=lambda r: (r.created_at, r.attempt, r.id))
    return out


def _jobs_seen(run: Run) -> _Seen:
    seen: _Seen = {}
    for job in run.jobs:
        conclusion = job.conclusion.lower()
        if conclusion in _FAILED_JOB or conclusion == "success":
            seen.setdefault(job.name, []).append(conclusion == "success")
    return seen


def _test_name(suite: str, name: str) -> str:
    return f"{suite}::{name}" if suite else name


def _tests_seen(run: Run) -> _Seen:
    seen: _Seen = {}
    for test in run.tests:
        status = test.status.lower()
        if status in _FAILED_TEST or status in _PASSED_TEST:
            seen.setdefault(_test_name(test.suite, test.name), []).append(status in _PASSED_TEST)
    return seen


def _test_job(groups: Sequence[Sequence[Run]], name: str) -> str:
    for group in groups:
        for run in group:
            for test in run.tests:
                if test.job and _test_name(test.suite, test.name) == name:
                    return test.job
    return ""


def _count(
    workflow: str,
    groups: Sequence[Sequence[Run]],
    seen_in: Callable[[Run], _Seen],
    tally: dict[tuple[str, str], _Tally],
) -> None:
    """Tally executions and flakes of every job (or test) of one workflow over its commit groups.

    A run that passed without recording a name vouches that it passed there (forges often report
    test results only for failures, and skip job details of green re-runs); a run that recorded
    the name speaks for itself, so a job allowed to fail inside a green pipeline is not a flake.
    """
    green_runs = 0
    recorded: Counter[str] = Counter()  # outcomes recorded per name
    green_recording: Counter[str] = Counter()  # green runs that recorded the name themselves
    for group in groups:
        green = sum(1 for run in group if run.conclusion.lower() == "success")
        green_runs += green
        by_name: dict[str, list[tuple[Run, list[bool]]]] = {}
        for run in group:
            for name, outcomes in seen_in(run).items():
                by_name.setdefault(name, []).append((run, outcomes))
        for name, entries in sorted(by_name.items()):
            t = tally.setdefault((workflow, name), _Tally(workflow, name))
            vouching = sum(1 for run, _ in entries if run.conclusion.lower() == "success")
            recorded[name] += sum(len(outcomes) for _, outcomes in entries)
            green_recording[name] += vouching
            passed = sum(sum(outcomes) for _, outcomes in entries) + green - vouching
            if passed:
                for run, outcomes in entries:
                    for ok in outcomes:
                        if not ok:
                            t.flake(run)
    for name in recorded:
        # Every green run of the workflow ran the name, recorded or not.
        tally[(workflow, name)].executions += recorded[name] + green_runs - green_recording[name]


def _merge_tests(items: list[Item]) -> list[Item]:
    # The same test flaking in two workflows is one test: keep the worse one (ids must be unique).
    best: dict[str, Item] = {}
    for item in items:
        current = best.get(item.id)
        if current is None or item.metrics.get("flakes", 0) > current.metrics.get("flakes", 0):
            best[item.id] = item
    return list(best.values())


def _severity(flakes: int, rate: float) -> Severity:
    if flakes >= 5 or rate >= 0.3:
        return Severity.HIGH
    if flakes >= 2 or rate >= 0.1:
        return Severity.MEDIUM
    return Severity.LOW


def _item(data: RepoData, ctx: DetectContext, tally: _Tally, key: str, *, test: bool) -> Item:
    last = tally.last
    assert last is not None and tally.first is not None  # flakes >= 1 set both
    runs = max(tally.executions, tally.flakes)
    rate = tally.flakes / runs if runs else 0.0
    what = "test" if test else "job"
    evidence = [
        Evidence(
            "flakes",
            f"{tally.name} failed and then passed on the same commit {plural(tally.flakes, 'time')} "
            f"in {plural(runs, 'run')} over the last {ctx.settings.flaky_test.window_days} days "
            f"({rate:.0%}), on {plural(len(tally.commits), 'commit')}.",
        ),
        Evidence(
            "last seen",
            f"{tally.workflow} run {last.id} attempt {last.attempt} on {short_sha(last.head_sha)} "
            f"({last.branch}) at {last.created_at:%Y-%m-%d %H:%M} UTC.",
            last.url or None,
        ),
    ]
    if test and tally.job:
        evidence.append(Evidence("job", f"Reported by job {tally.job}."))
    where = {
        "workflow": tally.workflow,
        "branch": last.branch,
        "commit": last.head_sha,
        "run_id": last.id,
        "job": tally.job if test else tally.name,
    }
    if test:
        where["test"] = tally.name
    metrics = {
        "flakes": float(tally.flakes),
        "runs": float(runs),
        "flake_rate": round(rate, 4),
        "hours_since_last": round(hours_between(last.created_at, ctx.now), 2),
    }
    return build_item(
        ctx,
        data.repo,
        Kind.FLAKY_TEST,
        key,
        title=f"Flaky {what}: {tally.name} ({tally.workflow})",
        url=last.url,
        since=tally.first,
        updated_at=last.updated_at,
        severity=_severity(tally.flakes, rate),
        evidence=evidence,
        metrics=metrics,
        where={k: v for k, v in where.items() if v},
        fingerprint=fingerprint(tally.flakes, last.id, last.attempt),
        author=last.commit_author or None,
        boost=1.0 + rate,
    )
