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
    """One item per flaky job, its flaky tests listed in it; a flaky test whose job is unknown (or
    ignored) is an item of its own. Reported from ``min_flakes`` flakes in the window.

    A test that flakes fails its job on that attempt, so the job flakes with it: reporting both
    would count one flake twice (and estimate it twice). The job is the unit a re-run acts on and
    the test is the cause, so the job's item names its tests.
    """
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

    def reported(tally: _Tally) -> bool:
        return tally.flakes >= settings.min_flakes and not name_match(
            tally.name, settings.ignore_jobs
        )

    # Tests under their job (by workflow and job name); the others stand alone.
    listed: dict[tuple[str, str], list[_Tally]] = {}
    alone: list[_Tally] = []
    for (_workflow, _test), tally in sorted(tests.items()):
        if not reported(tally):
            continue
        if tally.job and not name_match(tally.job, settings.ignore_jobs):
            listed.setdefault((tally.workflow, tally.job), []).append(tally)
        else:
            alone.append(tally)
    items: list[Item] = []
    for key in sorted(set(listed) | {k for k, t in jobs.items() if reported(t)}):
        workflow, job = key
        job_tally = jobs.get(key)
        flaky_tests = sorted(listed.get(key, []), key=lambda t: (-t.flakes, t.name))
        items.append(_job_item(data, ctx, workflow, job, job_tally, flaky_tests))
    for tally in alone:
        items.append(_item(data, ctx, tally, f"test:{tally.name}", test=True))
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


def _rate_text(tally: _Tally) -> tuple[int, float]:
    runs = max(tally.executions, tally.flakes)
    return runs, (tally.flakes / runs if runs else 0.0)


def _flakes_evidence(tally: _Tally, window_days: int) -> Evidence:
    runs, rate = _rate_text(tally)
    return Evidence(
        "flakes",
        f"{tally.name} failed and then passed on the same commit {plural(tally.flakes, 'time')} "
        f"in {plural(runs, 'run')} over the last {window_days} days "
        f"({rate:.0%}), on {plural(len(tally.commits), 'commit')}.",
    )


def _last_seen(last: Run, workflow: str) -> Evidence:
    return Evidence(
        "last seen",
        f"{workflow} run {last.id} attempt {last.attempt} on {short_sha(last.head_sha)} "
        f"({last.branch}) at {last.created_at:%Y-%m-%d %H:%M} UTC.",
        last.url or None,
    )


def _metrics(tally: _Tally, ctx: DetectContext, flaky_tests: int) -> dict[str, float]:
    assert tally.last is not None
    runs, rate = _rate_text(tally)
    return {
        "flakes": float(tally.flakes),
        "runs": float(runs),
        "flake_rate": round(rate, 4),
        "hours_since_last": round(hours_between(tally.last.created_at, ctx.now), 2),
        "flaky_tests": float(flaky_tests),
    }


def _job_item(
    data: RepoData,
    ctx: DetectContext,
    workflow: str,
    job: str,
    job_tally: _Tally | None,
    flaky_tests: list[_Tally],
) -> Item:
    """A flaky job and the flaky tests it reported (worst first)."""
    window = ctx.settings.flaky_test.window_days
    # The job's own tally counts its flakes; when the runs did not record the job, its worst
    # test speaks for it (the job flaked each time the test did).
    lead = job_tally if job_tally is not None and job_tally.flakes else flaky_tests[0]
    last, first = lead.last, lead.first
    assert last is not None and first is not None  # flakes >= 1 set both
    for t in flaky_tests:
        if t.first is not None and t.first < first:
            first = t.first
    _runs, rate = _rate_text(lead)
    evidence = [_flakes_evidence(lead, window) if lead is job_tally else _job_flakes(lead, job)]
    for t in flaky_tests[:8]:
        t_runs, t_rate = _rate_text(t)
        evidence.append(
            Evidence(
                "flaky test",
                f"{t.name}: failed and then passed {plural(t.flakes, 'time')} in "
                f"{plural(t_runs, 'run')} ({t_rate:.0%}).",
            )
        )
    if len(flaky_tests) > 8:
        evidence.append(Evidence("flaky test", f"…and {len(flaky_tests) - 8} more."))
    evidence.append(_last_seen(last, workflow))
    where = {
        "workflow": workflow,
        "branch": last.branch,
        "commit": last.head_sha,
        "run_id": last.id,
        "job": job,
    }
    if flaky_tests:
        where["test"] = flaky_tests[0].name
    if len(flaky_tests) == 1:
        title = f"Flaky test: {flaky_tests[0].name} in {job} ({workflow})"
    elif flaky_tests:
        title = f"Flaky job: {job} ({workflow}), {len(flaky_tests)} flaky tests"
    else:
        title = f"Flaky job: {job} ({workflow})"
    return build_item(
        ctx,
        data.repo,
        Kind.FLAKY_TEST,
        f"job:{workflow}/{job}",
        title=title,
        url=last.url,
        since=first,
        updated_at=last.updated_at,
        severity=_severity(lead.flakes, rate),
        evidence=evidence,
        metrics=_metrics(lead, ctx, len(flaky_tests)),
        where={k: v for k, v in where.items() if v},
        # The job's flakes and latest run: a snooze "until it changes" wakes on a new flake.
        fingerprint=fingerprint(lead.flakes, last.id, last.attempt),
        author=last.commit_author or None,
        boost=1.0 + rate,
    )


def _job_flakes(test: _Tally, job: str) -> Evidence:
    runs, rate = _rate_text(test)
    return Evidence(
        "flakes",
        f"{job} failed and then passed on the same commit {plural(test.flakes, 'time')} "
        f"in {plural(runs, 'run')} ({rate:.0%}), each time on a failing test.",
    )


def _item(data: RepoData, ctx: DetectContext, tally: _Tally, key: str, *, test: bool) -> Item:
    """A flaky test whose job is not known (or is ignored): an item of its own."""
    last = tally.last
    assert last is not None and tally.first is not None  # flakes >= 1 set both
    _runs, rate = _rate_text(tally)
    what = "test" if test else "job"
    evidence = [
        _flakes_evidence(tally, ctx.settings.flaky_test.window_days),
        _last_seen(last, tally.workflow),
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
        metrics=_metrics(tally, ctx, 1 if test else 0),
        where={k: v for k, v in where.items() if v},
        fingerprint=fingerprint(tally.flakes, last.id, last.attempt),
        author=last.commit_author or None,
        boost=1.0 + rate,
    )
