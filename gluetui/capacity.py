"""Capacity arithmetic: which sprint ``now`` falls in, and how many hours an item is likely to take.

Pure functions over the config, so the detectors (effort estimates), the budget gauge and the
``gluetui capacity`` report all agree on the same numbers without any IO.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from gluetui import formatting
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


@dataclass(frozen=True, slots=True)
class Estimate:
    """Hours a human is likely to need, and how they were reckoned (for the detail pane)."""

    hours: float
    #: One phrase per term: the base for the kind, then each fact that adds to it.
    terms: tuple[str, ...]
    #: What rounding or the cap did, or "".
    adjusted: str = ""

    @property
    def basis(self) -> str:
        """``1 h for a stale doc + 0.5 h for 2 dead references (0.25 h each) = 1.5 h``."""
        text = " + ".join(self.terms)
        if len(self.terms) > 1 or self.adjusted:
            text += f" = {self.adjusted or formatting.hours(self.hours)}"
        return text


def _term(hours: float, what: str) -> str:
    return f"{formatting.hours(hours)} {what}"


def estimate(kind: Kind, metrics: Mapping[str, float], effort: EffortConfig) -> Estimate:
    """The estimate of an item of ``kind`` with these metrics, from what is known about it.

    A base per kind (``[capacity.effort] <kind>``), refined by the facts the detector measured:

    - a pull/merge request: review time per hundred changed lines (``per_100_lines``);
    - a red build: each failing job beyond the first (one broken thing often breaks several,
      ``per_failing_job``), and each whole day it has been red (``per_red_day``: more commits
      landed on top of it to untangle);
    - a stale doc: each dead reference (``per_dead_reference``) and each code change since the
      doc was last edited (``per_code_change``); a doc that is only overdue for review is half
      the base (a read-through, not a rewrite);
    - a flaky job: with its flaky tests named, ``per_flaky_test`` for each; with none named, the
      base (the cause still has to be found).

    Capped at ``max_hours`` and rounded to a quarter hour; :attr:`Estimate.basis` says all of it.
    """
    base = effort.hours(kind)
    label = kind.label.lower()
    terms: list[str] = []
    hours = 0.0

    def add(value: float, what: str) -> None:
        nonlocal hours
        if value > 0:
            hours += value
            terms.append(_term(value, what))

    if kind is Kind.UNREVIEWED_PR:
        add(base, "to review a small change")
        lines = max(0.0, _number(metrics.get("lines_changed")))
        add(
            effort.per_100_lines * lines / 100,
            f"for {lines:.0f} changed lines ({formatting.hours(effort.per_100_lines)} per 100)",
        )
    elif kind is Kind.BROKEN_CI:
        add(base, "to fix a red build")
        extra = max(0.0, _number(metrics.get("failing_jobs")) - 1)
        add(
            effort.per_failing_job * extra,
            f"for {_count(extra, 'more failing job')} "
            f"({formatting.hours(effort.per_failing_job)} each)",
        )
        days = math.floor(max(0.0, _number(metrics.get("hours_red"))) / 24)
        add(
            effort.per_red_day * days,
            f"for {_count(days, 'day')} red ({formatting.hours(effort.per_red_day)} a day)",
        )
    elif kind is Kind.STALE_DOC:
        dead = max(0.0, _number(metrics.get("dead_refs")))
        drift = _number(metrics.get("drift")) > 0
        if _number(metrics.get("overdue_days")) > 0 and not dead and not drift:
            add(base / 2, "for a review that is due (half of a stale doc's base)")
        else:
            add(base, "to bring a doc up to date")
        add(
            effort.per_dead_reference * dead,
            f"for {_count(dead, 'dead reference')} "
            f"({formatting.hours(effort.per_dead_reference)} each)",
        )
        changes = max(0.0, _number(metrics.get("code_changes")))
        add(
            effort.per_code_change * changes,
            f"for {_count(changes, 'code change')} since the doc was edited "
            f"({formatting.hours(effort.per_code_change)} each)",
        )
    elif kind is Kind.FLAKY_TEST:
        tests = max(0.0, _number(metrics.get("flaky_tests")))
        if tests:
            add(
                effort.per_flaky_test * tests,
                f"for {_count(tests, 'named flaky test')} "
                f"({formatting.hours(effort.per_flaky_test)} each)",
            )
        else:
            add(base, "to find why a job flakes (no test named)")
    else:
        add(base, f"for {label}")
    if not terms:
        terms.append(_term(0.0, f"for {label}"))
    rounded = min(_round_step(hours), effort.max_hours)
    adjusted = ""
    if rounded != round(hours, 4):
        shown = formatting.hours(hours)
        if rounded == effort.max_hours and _round_step(hours) > effort.max_hours:
            adjusted = f"{shown}, capped at {formatting.hours(rounded)} (max_hours)"
        else:
            adjusted = f"{shown}, to the quarter hour {formatting.hours(rounded)}"
    return Estimate(rounded, tuple(terms), adjusted)


def estimate_effort(kind: Kind, metrics: Mapping[str, float], effort: EffortConfig) -> float:
    """Hours a human is likely to need for an item of ``kind`` with these metrics
    (:func:`estimate`'s hours)."""
    return estimate(kind, metrics, effort).hours


def _count(n: float, word: str) -> str:
    count = int(n)
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


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
