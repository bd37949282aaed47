"""``gluetui capacity``: can I take more glue work this sprint?

The budget itself (committed, remaining, over) is :func:`gluetui.budget.budget_status`'s; the
report holds that :class:`BudgetStatus` and adds what it does not know: the titles of carried-over
items, the open queue by kind and repository, and the incoming forecast. So the gauge, the
capacity screen and the CLI agree because they read one number, not three computations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gluetui.budget import BudgetStatus, budget_status
from gluetui.capacity import estimated_hours
from gluetui.events import Event
from gluetui.model import Item, State
from gluetui.triage import apply_triage, triage_states

if TYPE_CHECKING:
    from gluetui.config.schema import Config

EXIT_OK = 0
#: ``gluetui capacity`` exits with this when committed hours exceed the budget.
EXIT_OVER_COMMITTED = 9

FORECAST_WEEKS = 4


@dataclass(frozen=True, slots=True)
class Bucket:
    """Items and hours under one name (a kind, a repository)."""

    name: str
    items: int
    hours: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "items": self.items, "hours": round(self.hours, 2)}


@dataclass(frozen=True, slots=True)
class CarryOver:
    """An item taken in an earlier sprint and not done yet: its hours count in this one."""

    item_id: str
    title: str
    hours: float
    taken_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "hours": round(self.hours, 2),
            "taken_at": self.taken_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Forecast:
    """Incoming glue work, from when the items in the snapshot started (``Item.since``)."""

    weeks: tuple[Bucket, ...]
    items_per_week: float
    hours_per_week: float
    hours_per_sprint: float

    def to_json(self) -> dict[str, Any]:
        return {
            "weeks": [w.to_json() for w in self.weeks],
            "items_per_week": round(self.items_per_week, 2),
            "hours_per_week": round(self.hours_per_week, 2),
            "hours_per_sprint": round(self.hours_per_sprint, 2),
        }


@dataclass(frozen=True, slots=True)
class CapacityReport:
    """Where the sprint's glue-work budget stands (``budget``), and what is queued and coming."""

    sprint: str
    budget: BudgetStatus
    carry_over: tuple[CarryOver, ...]
    queued_items: int
    queued_hours: float
    queued_by_kind: tuple[Bucket, ...]
    queued_by_repo: tuple[Bucket, ...]
    forecast: Forecast
    warnings: tuple[str, ...]
    generated_at: datetime

    @property
    def start(self) -> date:
        return self.budget.start

    @property
    def end(self) -> date:
        """The first day after the sprint."""
        return self.budget.end

    def to_json(self) -> dict[str, Any]:
        """JSON- and TOML-ready (no None anywhere: TOML has no null)."""
        b = self.budget
        return {
            "sprint": self.sprint,
            "start": b.start.isoformat(),
            "end": b.end.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "budget_hours": round(b.budget_hours, 2),
            "self_hours": round(b.self_hours, 2),
            "oversight_hours": round(b.oversight_hours, 2),
            "carry_over_hours": round(b.carry_over_hours, 2),
            "committed_hours": round(b.committed_hours, 2),
            "remaining_hours": round(b.remaining_hours, 2),
            "over_committed": b.over,
            "carry_over": [c.to_json() for c in self.carry_over],
            "queued": {
                "items": self.queued_items,
                "hours": round(self.queued_hours, 2),
                "by_kind": [k.to_json() for k in self.queued_by_kind],
                "by_repo": [r.to_json() for r in self.queued_by_repo],
            },
            "forecast": self.forecast.to_json(),
            "warnings": list(self.warnings),
        }


def _sprint_name(offset: int) -> str:
    return {0: "current", 1: "next", -1: "previous"}.get(offset, f"{offset:+d}")


def capacity_report(
    cfg: Config,
    events: Iterable[Event],
    items: Sequence[Item],
    now: datetime,
    sprint_offset: int = 0,
) -> CapacityReport:
    """The budget of the sprint containing ``now`` (``sprint_offset`` 1: the next one)."""
    log = list(events)
    status = budget_status(cfg, log, now, sprint_offset)
    # Carried-over items may have left the snapshot; the decision recorded their title.
    titles = {e.item_id: str(e.data["title"]) for e in log if e.data.get("title")}
    titles.update({i.id: i.title for i in items})
    carried = tuple(
        CarryOver(c.item_id, titles.get(c.item_id, c.item_id), c.self_hours, c.at)
        for c in status.carried
    )
    current = apply_triage(items, triage_states(log, now), now)
    queued = [i for i in current if i.state is State.OPEN]
    effort = cfg.capacity.effort
    report = CapacityReport(
        sprint=_sprint_name(sprint_offset),
        budget=status,
        carry_over=carried,
        queued_items=len(queued),
        queued_hours=round(sum(estimated_hours(effort, i) for i in queued), 2),
        queued_by_kind=_buckets(cfg, queued, lambda i: i.kind.value),
        queued_by_repo=_buckets(cfg, queued, lambda i: i.repo),
        forecast=_forecast(cfg, items, now),
        warnings=(),
        generated_at=now,
    )
    return replace(report, warnings=_warnings(report))


def _buckets(cfg: Config, items: Iterable[Item], key: Any) -> tuple[Bucket, ...]:
    counts: dict[str, list[float]] = {}
    for item in items:
        counts.setdefault(str(key(item)), []).append(estimated_hours(cfg.capacity.effort, item))
    buckets = [Bucket(name, len(h), round(sum(h), 2)) for name, h in counts.items()]
    return tuple(sorted(buckets, key=lambda b: (-b.hours, -b.items, b.name)))


def _forecast(cfg: Config, items: Iterable[Item], now: datetime) -> Forecast:
    first = now - timedelta(weeks=FORECAST_WEEKS)
    weeks: list[list[float]] = [[] for _ in range(FORECAST_WEEKS)]
    for item in items:
        if first <= item.since < now:
            index = min(FORECAST_WEEKS - 1, int((item.since - first) / timedelta(weeks=1)))
            weeks[index].append(estimated_hours(cfg.capacity.effort, item))
    buckets = tuple(
        Bucket((first + timedelta(weeks=n)).date().isoformat(), len(h), round(sum(h), 2))
        for n, h in enumerate(weeks)
    )
    per_week = sum(b.hours for b in buckets) / FORECAST_WEEKS
    return Forecast(
        weeks=buckets,
        items_per_week=sum(b.items for b in buckets) / FORECAST_WEEKS,
        hours_per_week=round(per_week, 2),
        hours_per_sprint=round(per_week * cfg.capacity.sprint_days / 7, 2),
    )


def _warnings(report: CapacityReport) -> tuple[str, ...]:
    b = report.budget
    warnings: list[str] = []
    if b.over:
        carried = f" (incl. {b.carry_over_hours:g} h carried over)" if b.carry_over_hours else ""
        warnings.append(
            f"Over-committed: {b.committed_hours:g} h committed{carried} against a budget "
            f"of {b.budget_hours:g} h."
        )
    elif report.queued_hours > b.remaining_hours:
        warnings.append(
            f"Queued glue work ({report.queued_hours:g} h) exceeds what is left "
            f"({b.remaining_hours:g} h): delegate, snooze or dismiss some of it."
        )
    if report.forecast.hours_per_sprint > b.budget_hours:
        warnings.append(
            f"Incoming glue work (about {report.forecast.hours_per_sprint:g} h per sprint) "
            f"outpaces the budget ({b.budget_hours:g} h)."
        )
    return tuple(warnings)


def capacity_exit_code(report: CapacityReport) -> int:
    """0 within budget, 9 over-committed (``gluetui capacity``)."""
    return EXIT_OVER_COMMITTED if report.budget.over else EXIT_OK
