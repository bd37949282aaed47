"""Capacity arithmetic: which sprint ``now`` falls in, and how many hours an item is likely to take.

Pure functions over the config, so the detectors (effort estimates), the budget gauge and the
``gluetui capacity`` report all agree on the same numbers without any IO.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from gluetui.model import Item, Kind

if TYPE_CHECKING:  # types only: ``items --json`` reads the budget without loading the schema
    from gluetui.config.schema import EffortConfig


class SprintSettings(Protocol):
    """What the sprint arithmetic reads of ``[capacity]`` (:class:`~gluetui.config.schema.CapacityConfig`,
    or the copy the store keeps for ``items --json``)."""

    @property
    def sprint_start(self) -> date: ...
    @property
    def sprint_days(self) -> int: ...
    @property
    def hours_per_sprint(self) -> float: ...


#: Estimates are rounded to this many hours; finer precision would be false accuracy.
EFFORT_STEP = 0.25


def sprint_window(cfg: SprintSettings, now: datetime, offset: int = 0) -> tuple[date, date]:
    """The sprint containing ``now``'s date as ``(start, end)``, start inclusive, end exclusive.

    Sprints repeat every ``sprint_days`` from ``sprint_start`` in both directions, so a date before
    the configured start still falls into a well-defined (earlier) sprint. ``offset`` moves by whole
    sprints: 1 is the next sprint, -1 the previous one.
    """
    elapsed = (now.date() - cfg.sprint_start).days
    index = elapsed // cfg.sprint_days + offset  # floor division: negative days go backwards
    start = cfg.sprint_start + timedelta(days=index * cfg.sprint_days)
    return start, start + timedelta(days=cfg.sprint_days)


def estimate_effort(kind: Kind, metrics: Mapping[str, float], effort: EffortConfig) -> float:
    """Hours a human is likely to need for an item of ``kind`` with these metrics.

    A base per kind, plus review time that grows with a PR's size and fixing time that grows with
    the number of failing jobs beyond the first (one broken thing often breaks several jobs, so the
    first is covered by the base). Capped at ``max_hours`` and rounded to a quarter hour.
    """
    hours = effort.hours(kind)
    if kind is Kind.UNREVIEWED_PR:
        lines = max(0.0, _number(metrics.get("lines_changed")))
        hours += effort.per_100_lines * lines / 100
    elif kind is Kind.BROKEN_CI:
        failing = max(0.0, _number(metrics.get("failing_jobs")))
        hours += effort.per_failing_job * max(0.0, failing - 1)
    return min(_round_step(hours), effort.max_hours)


def estimated_hours(effort: EffortConfig, item: Item) -> float:
    """The item's estimate, or the configured base for its kind when the detector gave none."""
    if item.effort_hours > 0:
        return item.effort_hours
    return effort.hours(item.kind)


def _number(value: float | None) -> float:
    # Metrics come from forge data; a missing or non-finite number must not poison the estimate.
    if value is None or not math.isfinite(value):
        return 0.0
    return float(value)


def _round_step(hours: float) -> float:
    """Round half up to :data:`EFFORT_STEP` (``round`` would round 0.125 down to 0.0)."""
    return math.floor(hours / EFFORT_STEP + 0.5) * EFFORT_STEP
