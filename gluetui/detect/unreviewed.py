"""Unreviewed pull/merge requests: ready, open, waiting longer than allowed for a first review.

A PR counts as reviewed once anyone other than its author left a review, approval or review comment;
reviews on an earlier head commit still count (a force-push does not erase that someone looked).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from gluetui import formatting
from gluetui.detect import DetectContext
from gluetui.detect.common import build_item, hours_between, plural
from gluetui.detect.taken import others
from gluetui.globs import name_match
from gluetui.model import Evidence, Item, Kind, PullFacts, Severity, fingerprint
from gluetui.records import PullRequest, RepoData

_DAY = timedelta(days=1)
_WEEK_WORKING_HOURS = 5 * 24.0


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours between ``start`` and ``end`` that fall on Monday–Friday (in their own timezone).

    A PR opened on Friday evening is a few hours old on Monday morning, not three days. Whole weeks
    are counted arithmetically, so a years-old PR costs no more than a fresh one.
    """
    if end <= start:
        return 0.0
    total = 0.0
    weeks = int((end - start) / timedelta(weeks=1))
    total += weeks * _WEEK_WORKING_HOURS
    cursor = start + timedelta(weeks=weeks)
    while cursor < end:
        midnight = datetime.combine(cursor.date(), datetime.min.time(), cursor.tzinfo) + _DAY
        step_end = min(midnight, end)
        if cursor.weekday() < 5:
            total += (step_end - cursor).total_seconds() / 3600
        cursor = step_end
    return total


def detect(data: RepoData, ctx: DetectContext) -> list[Item]:
    """One item per open PR/MR that waits too long for its first review by someone else."""
    settings = ctx.settings.unreviewed_pr
    items: list[Item] = []
    for pr in data.pulls:
        if pr.draft and not settings.include_drafts:
            continue
        if pr.author_is_bot or name_match(pr.author, settings.bot_authors):
            continue
        if _others_reviews(pr):
            continue
        waiting_since = pr.ready_at or pr.created_at
        if settings.working_hours:
            age = working_hours_between(waiting_since, ctx.now)
        else:
            age = hours_between(waiting_since, ctx.now)
        if age < settings.min_age_hours:
            continue
        items.append(_item(data, ctx, pr, waiting_since, age))
    return items


def _others_reviews(pr: PullRequest) -> int:
    author = pr.author.lower()
    return sum(1 for r in pr.reviews if r.author.lower() != author)


def _is_mine(pr: PullRequest, ctx: DetectContext) -> bool:
    asked = {r.lower() for r in pr.review_requests}
    me = {t.lower() for t in ctx.viewer_teams}
    if ctx.viewer:
        me.add(ctx.viewer.lower())
    return bool(asked & me) and pr.author.lower() != ctx.viewer.lower()


def _severity(age_hours: float, min_age: float) -> Severity:
    # Relative to the configured patience, with a floor of a day so min_age_hours=0 still grades.
    unit = max(min_age, 24.0)
    if age_hours >= 5 * unit:
        return Severity.HIGH
    if age_hours >= 2 * unit:
        return Severity.MEDIUM
    return Severity.LOW


def _item(
    data: RepoData, ctx: DetectContext, pr: PullRequest, waiting_since: datetime, age: float
) -> Item:
    settings = ctx.settings.unreviewed_pr
    mine = _is_mine(pr, ctx)
    lines = max(0, pr.additions) + max(0, pr.deletions)
    # Weekday hours when working_hours is on ("3 working days"); in the units an age reads in.
    unit = "working" if settings.working_hours else ""
    evidence = [
        Evidence(
            "waiting for review",
            f"Ready for review for {formatting.duration(age, unit)} "
            f"(since {waiting_since:%Y-%m-%d %H:%M} UTC), "
            "with no review from anyone but the author.",
            pr.url or None,
        ),
        Evidence(
            "size",
            f"+{pr.additions} −{pr.deletions} in {plural(pr.changed_files, 'file')}.",
        ),
    ]
    own = len(pr.reviews) - _others_reviews(pr)
    if own:
        evidence.append(
            Evidence(
                "author comments", f"{plural(own, 'review')} by the author, which do not count."
            )
        )
    if pr.review_requests:
        who = ", ".join(pr.review_requests)
        detail = f"Review requested from {who}" + (" — including you." if mine else ".")
        evidence.append(Evidence("requested reviewers", detail))
    else:
        evidence.append(Evidence("requested reviewers", "Nobody has been asked to review it."))
    if pr.head_status:
        evidence.append(Evidence("checks", f"Head commit status: {pr.head_status}."))
    taken_by = others(pr.assignees, pr.labels, ctx.viewer, ctx.taken_labels)
    if taken_by:
        who = ", ".join(f"@{t}" for t in taken_by)
        evidence.append(
            Evidence("taken by", f"Taken by {who} on the forge (assignee or glue label).")
        )
    where = {"number": str(pr.number), "branch": pr.head_branch, "base": pr.base_branch}
    if pr.head_sha:
        where["commit"] = pr.head_sha
    metrics = {
        "lines_changed": float(lines),
        "changed_files": float(pr.changed_files),
        "age_hours": round(age, 2),
        "review_requests": float(len(pr.review_requests)),
    }
    # Bigger PRs are harder to get reviewed and block more; asked-of-me comes first for me; one a
    # teammate has already taken on the forge sinks below the ones nobody has.
    boost = (1.0 + math.log10(1 + lines) / 3) * (1.5 if mine else 1.0) * (0.5 if taken_by else 1.0)
    return build_item(
        ctx,
        data.repo,
        Kind.UNREVIEWED_PR,
        str(pr.number),
        title=pr.title,
        url=pr.url,
        since=waiting_since,
        updated_at=pr.updated_at,
        severity=_severity(age, settings.min_age_hours),
        evidence=evidence,
        metrics=metrics,
        where={k: v for k, v in where.items() if v},
        fingerprint=fingerprint(pr.head_sha, len(pr.reviews), pr.draft, sorted(pr.review_requests)),
        author=pr.author,
        mine=mine,
        boost=boost,
        pull=PullFacts(
            number=pr.number,
            additions=pr.additions,
            deletions=pr.deletions,
            changed_files=pr.changed_files,
            reviewers=pr.review_requests,
            checks=pr.head_status,
            labels=pr.labels,
            description=first_lines(pr.body),
            draft=pr.draft,
        ),
        taken_by=taken_by,
    )


#: How much of a description the detail pane shows.
DESCRIPTION_LINES = 8


def first_lines(body: str, lines: int = DESCRIPTION_LINES) -> str:
    """The start of a description: its first non-blank lines, blank runs squeezed to one."""
    out: list[str] = []
    for line in body.strip().splitlines():
        if not line.strip() and (not out or not out[-1]):
            continue
        out.append(line.rstrip())
        if sum(1 for x in out if x) >= lines:
            break
    return "\n".join(out).strip()
