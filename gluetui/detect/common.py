"""What every detector shares: the impact score and assembling an :class:`Item`.

Kept in one place so that the four panels rank on one scale: an old, high-severity item in a
repository you are accountable for outranks a fresh, low one elsewhere, whatever its kind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from gluetui.capacity import estimate_effort
from gluetui.detect import DetectContext
from gluetui.model import Evidence, Item, Kind, PullFacts, Severity, make_item_id
from gluetui.records import Repo
from gluetui.routes import suggest

#: How much more an item weighs in a repository the user is accountable for.
ACCOUNTABLE_WEIGHT = 2.0

SEVERITY_WEIGHT: Mapping[Severity, float] = {
    Severity.LOW: 1.0,
    Severity.MEDIUM: 2.0,
    Severity.HIGH: 3.0,
}


def hours_between(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def impact(severity: Severity, age_hours: float, *, accountable: bool, boost: float = 1.0) -> float:
    """The ranking score: severity times a slowly growing age factor, times any boost.

    The age factor is logarithmic (1 at zero, 2 after a day, 4 after a week) so a year-old doc does
    not drown a red build; ``boost`` carries kind-specific weight (blocking, asked of you, size).
    """
    age_factor = 1.0 + math.log2(1.0 + max(0.0, age_hours) / 24.0)
    base = SEVERITY_WEIGHT[severity] * age_factor * max(0.0, boost)
    return round(base * (ACCOUNTABLE_WEIGHT if accountable else 1.0), 3)


def build_item(
    ctx: DetectContext,
    repo: Repo,
    kind: Kind,
    key: str,
    *,
    title: str,
    url: str,
    since: datetime,
    updated_at: datetime,
    severity: Severity,
    evidence: Iterable[Evidence],
    metrics: Mapping[str, float],
    where: Mapping[str, str],
    fingerprint: str,
    author: str | None = None,
    mine: bool = False,
    boost: float = 1.0,
    pull: PullFacts | None = None,
    taken_by: tuple[str, ...] = (),
) -> Item:
    """An item with the fields every kind computes the same way (id, impact, effort, automations,
    the suggested route)."""
    accountable = repo.full_name in ctx.accountable
    item = Item(
        id=make_item_id(ctx.host, repo.full_name, kind, key),
        kind=kind,
        source=ctx.source,
        host=ctx.host,
        repo=repo.full_name,
        title=title,
        url=url or repo.url,
        since=since,
        updated_at=updated_at,
        author=author or None,
        where=dict(where),
        evidence=tuple(evidence),
        metrics=dict(metrics),
        severity=severity,
        impact=impact(
            severity, hours_between(since, ctx.now), accountable=accountable, boost=boost
        ),
        effort_hours=estimate_effort(kind, metrics, ctx.capacity.effort),
        automations=ctx.fitting_automations(kind),
        accountable=accountable,
        mine=mine,
        fingerprint=fingerprint,
        pull=pull,
        taken_by=taken_by,
    )
    return replace(item, suggestion=suggest(item, ctx.route_context(kind)))


def short_sha(sha: str) -> str:
    return sha[:7]


def plural(count: float, word: str) -> str:
    n = int(count)
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
