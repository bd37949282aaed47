"""Broken CI: a workflow (or pipeline) whose latest finished run on the default branch failed.

Per commit only the latest attempt counts (a failed run that was re-run green is not red), and
cancelled or skipped runs say nothing either way. The item dates from the first failing run after
the last success, and blames that run's commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from gluetui import formatting
from gluetui.detect import DetectContext
from gluetui.detect.common import build_item, hours_between, plural, short_sha
from gluetui.globs import name_match
from gluetui.model import Evidence, Item, Kind, Severity, fingerprint
from gluetui.records import Job, RepoData, Run

#: Runs with these conclusions are neither green nor red.
NEUTRAL = frozenset({"cancelled", "skipped", "neutral", "stale", "action_required", ""})

#: A default branch red for longer than this is high severity.
HIGH_AFTER_HOURS = 24.0


def latest_attempts(runs: Sequence[Run]) -> list[Run]:
    """Per commit, the latest attempt that reached a verdict, oldest commit first."""
    best: dict[str, Run] = {}
    for run in runs:
        current = best.get(run.head_sha)
        if current is None or _attempt_order(run) > _attempt_order(current):
            best[run.head_sha] = run
    return sorted(best.values(), key=lambda r: (r.created_at, r.id))


def _attempt_order(run: Run) -> tuple[int, float, str]:
    return (run.attempt, run.updated_at.timestamp(), run.id)


def final_jobs(run: Run) -> list[Job]:
    """The jobs of a run that were not superseded by a retry of the same name (GitLab ``retried``)."""
    latest: dict[str, Job] = {}
    for job in run.jobs:
        if job.retried:
            continue
        current = latest.get(job.name)
        if current is None or job.attempt >= current.attempt:
            latest[job.name] = job
    return list(latest.values())


def detect(data: RepoData, ctx: DetectContext) -> list[Item]:
    """One item per red workflow on the default branch."""
    settings = ctx.settings.broken_ci
    failing = frozenset(c.lower() for c in settings.failing_conclusions)
    branch = data.repo.default_branch
    by_workflow: dict[str, list[Run]] = {}
    for run in data.runs:
        if run.branch != branch or run.status != "completed":
            continue
        conclusion = run.conclusion.lower()
        if conclusion in NEUTRAL or (conclusion != "success" and conclusion not in failing):
            continue
        if name_match(run.workflow, settings.ignore_workflows):
            continue
        by_workflow.setdefault(run.workflow, []).append(run)
    items: list[Item] = []
    for workflow in sorted(by_workflow):
        verdicts = latest_attempts(by_workflow[workflow])
        if not verdicts or verdicts[-1].conclusion.lower() not in failing:
            continue
        streak = _red_streak(verdicts, failing)
        items.append(_item(data, ctx, workflow, streak, failing))
    return items


def _red_streak(verdicts: Sequence[Run], failing: frozenset[str]) -> list[Run]:
    """The failing runs after the last success, oldest first."""
    streak: list[Run] = []
    for run in reversed(verdicts):
        if run.conclusion.lower() not in failing:
            break
        streak.append(run)
    return streak[::-1]


def _item(
    data: RepoData,
    ctx: DetectContext,
    workflow: str,
    streak: Sequence[Run],
    failing: frozenset[str],
) -> Item:
    first, latest = streak[0], streak[-1]
    bad_conclusions = failing | {"failure", "timed_out"}
    jobs = [j for j in final_jobs(latest) if j.conclusion.lower() in bad_conclusions]
    hours_red = hours_between(first.created_at, ctx.now)
    accountable = data.repo.full_name in ctx.accountable
    severity = Severity.HIGH if hours_red > HIGH_AFTER_HOURS or accountable else Severity.MEDIUM
    blame = short_sha(first.head_sha)
    who = f" by {first.commit_author}" if first.commit_author else ""
    title_part = f" “{first.commit_title}”" if first.commit_title else ""
    evidence = [
        Evidence(
            "failing since",
            f"Red for {formatting.duration(hours_red)}: "
            f"{plural(len(streak), 'consecutive failing run')} on "
            f"{latest.branch} since {first.created_at:%Y-%m-%d %H:%M} UTC.",
            first.url or None,
        ),
        Evidence("broken by", f"Commit {blame}{title_part}{who}.", first.commit_url or None),
    ]
    if jobs:
        for job in jobs[:8]:
            evidence.append(
                Evidence("failing job", f"{job.name} ({job.conclusion})", job.url or None)
            )
        if len(jobs) > 8:
            evidence.append(Evidence("failing job", f"…and {len(jobs) - 8} more."))
    else:
        evidence.append(
            Evidence("latest run", f"Concluded {latest.conclusion}.", latest.url or None)
        )
    where = {
        "branch": latest.branch,
        "workflow": workflow,
        "run_id": latest.id,
        "commit": latest.head_sha,
        "first_bad_commit": first.head_sha,
    }
    if jobs:
        where["job"] = jobs[0].name
        if jobs[0].id:
            where["job_id"] = jobs[0].id
    metrics = {
        "failing_jobs": float(len(jobs)),
        "failing_runs": float(len(streak)),
        "hours_red": round(hours_red, 2),
    }
    return build_item(
        ctx,
        data.repo,
        Kind.BROKEN_CI,
        workflow,
        title=f"{workflow} is failing on {latest.branch}",
        url=latest.url,
        since=first.created_at,
        updated_at=latest.updated_at,
        severity=severity,
        evidence=evidence,
        metrics=metrics,
        where={k: v for k, v in where.items() if v},
        fingerprint=fingerprint(latest.id, latest.attempt, sorted(j.name for j in jobs)),
        author=first.commit_author or None,
        # A red default branch blocks everyone who merges: it outranks most other glue work.
        boost=3.0,
    )
