"""``gluetui capacity``: can I take more glue work this sprint?

The budget itself (committed, remaining, over) is :func:`gluetui.budget.budget_status`'s; the
report holds that :class:`BudgetStatus` and adds what it does not know: the titles of carried-over
items, the open queue by kind and repository, and the incoming forecast. So the gauge, the
capacity screen and the CLI agree because they read one number, not three computations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gluetui import formatting
from gluetui.budget import BudgetStatus, budget_status
from gluetui.capacity import estimated_hours
from gluetui.events import Event
from gluetui.model import Item, State
from gluetui.store.snapshot import Arrival
from gluetui.triage import apply_triage, triage_states

if TYPE_CHECKING:
    from gluetui.config.schema import Config
    from gluetui.store import Store

EXIT_OK = 0
#: ``gluetui capacity`` exits with this when committed hours exceed the budget.
EXIT_OVER_COMMITTED = 9

FORECAST_WEEKS = 4
#: The forecast claims a rate only once gluetui has watched this many days of arrivals.
MIN_WATCHED_DAYS = 7


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
    """Glue work arriving per week: counted by when it arrived on the forge (``Item.since``, kept
    in the store's ``seen`` table from the first sighting, so resolved work counts too), over the
    last :data:`FORECAST_WEEKS` weeks, and only from when gluetui started watching each source.

    What was already there at gluetui's first look is the backlog it found (the queue), not
    incoming work: counting it as arriving in the week of the first refresh would forecast a flood
    on the first day. Until gluetui has watched for :data:`MIN_WATCHED_DAYS` days, no rate is
    claimed (:attr:`known` is False, and no warning is drawn from it).
    """

    weeks: tuple[Bucket, ...]
    items_per_week: float
    hours_per_week: float
    hours_per_sprint: float
    #: When gluetui started watching the first of the sources (None: nothing watched yet).
    watching_since: datetime | None = None
    #: How many days of the window were watched.
    watched_days: float = 0.0

    @property
    def known(self) -> bool:
        """Whether enough was watched for a rate to mean anything."""
        return self.watched_days >= MIN_WATCHED_DAYS

    def to_json(self) -> dict[str, Any]:
        return {
            "weeks": [w.to_json() for w in self.weeks],
            "known": self.known,
            "watching_since": self.watching_since.isoformat() if self.watching_since else "",
            "watched_days": round(self.watched_days, 1),
            "items_per_week": round(self.items_per_week, 1),
            "hours_per_week": round(self.hours_per_week, 1),
            "hours_per_sprint": round(self.hours_per_sprint, 1),
        }


def forecast_line(forecast: Forecast) -> str:
    """The forecast in one line of prose, as the table, Markdown and the capacity screen say it."""
    if forecast.known:
        return (
            f"about {formatting.about(forecast.items_per_week)} items, "
            f"{formatting.about(forecast.hours_per_week)} h a week "
            f"(about {formatting.about(forecast.hours_per_sprint)} h a sprint)"
        )
    if forecast.watching_since is None:
        return "no forecast: nothing refreshed yet"
    ready = forecast.watching_since + timedelta(days=MIN_WATCHED_DAYS)
    return f"no forecast until {formatting.day_month(ready.date())} (needs a week)"


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
    def last_day(self) -> date:
        """The sprint's last day, inclusive (the one convention: :mod:`gluetui.formatting`)."""
        return self.budget.last_day

    def to_json(self) -> dict[str, Any]:
        """JSON- and TOML-ready (no None anywhere: TOML has no null).

        ``start`` and ``end`` are the sprint's first and last days, both inclusive, as the
        dashboard and the other formats name them.
        """
        b = self.budget
        return {
            "sprint": self.sprint,
            "start": b.start.isoformat(),
            "end": b.last_day.isoformat(),
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
    *,
    arrivals: Sequence[Arrival] | None = None,
    watching: Mapping[str, datetime] | None = None,
) -> CapacityReport:
    """The budget of the sprint containing ``now`` (``sprint_offset`` 1: the next one).

    ``arrivals`` and ``watching`` are the store's memory of what arrived and since when each
    source is watched (:meth:`Store.arrivals`, :meth:`Store.watching_since`); without them the
    forecast reads the items' own arrival times and takes the whole window as watched.
    """
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
        forecast=_forecast(cfg, _arrivals(cfg, items, arrivals), watching, now),
        warnings=(),
        generated_at=now,
    )
    return replace(report, warnings=_warnings(report))


def stored_capacity_report(
    cfg: Config, store: Store, items: Sequence[Item], now: datetime, sprint_offset: int = 0
) -> CapacityReport:
    """:func:`capacity_report` with the store's memory: its decision log, what arrived on the
    forge while it watched, and since when it watches each source (the CLI and the dashboard)."""
    return capacity_report(
        cfg,
        store.events(),
        items,
        now,
        sprint_offset,
        arrivals=store.arrivals(now - timedelta(weeks=FORECAST_WEEKS)),
        watching=store.watching_since(),
    )


def _buckets(cfg: Config, items: Iterable[Item], key: Any) -> tuple[Bucket, ...]:
    counts: dict[str, list[float]] = {}
    for item in items:
        counts.setdefault(str(key(item)), []).append(estimated_hours(cfg.capacity.effort, item))
    buckets = [Bucket(name, len(h), round(sum(h), 2)) for name, h in counts.items()]
    return tuple(sorted(buckets, key=lambda b: (-b.hours, -b.items, b.name)))


def _arrivals(
    cfg: Config, items: Sequence[Item], arrivals: Sequence[Arrival] | None
) -> Sequence[Arrival]:
    if arrivals is not None:
        return arrivals
    effort = cfg.capacity.effort
    return [
        Arrival(i.id, i.source, i.since, i.kind.value, estimated_hours(effort, i)) for i in items
    ]


def _forecast(
    cfg: Config,
    arrivals: Sequence[Arrival],
    watching: Mapping[str, datetime] | None,
    now: datetime,
) -> Forecast:
    first = now - timedelta(weeks=FORECAST_WEEKS)
    if watching is None:  # no history given: the whole window counts as watched
        begin, since = first, None
    else:
        since = min(watching.values(), default=None)
        begin = max(first, since) if since is not None else now
    weeks: list[list[float]] = [[] for _ in range(FORECAST_WEEKS)]
    seen: set[str] = set()
    for a in arrivals:
        start = first if watching is None else watching.get(a.source)
        # Arrived within the window, after its source was first watched (before: the backlog).
        if start is None or not (first <= a.arrived < now and a.arrived > start):
            continue
        if a.item_id in seen:
            continue
        seen.add(a.item_id)
        index = min(FORECAST_WEEKS - 1, int((a.arrived - first) / timedelta(weeks=1)))
        weeks[index].append(a.hours)
    buckets = tuple(
        Bucket((first + timedelta(weeks=n)).date().isoformat(), len(h), round(sum(h), 2))
        for n, h in enumerate(weeks)
        if first + timedelta(weeks=n + 1) > begin  # weeks nobody watched are left out
    )
    watched = max(timedelta(0), now - begin)
    watched_weeks = watched / timedelta(weeks=1)
    known = watched >= timedelta(days=MIN_WATCHED_DAYS)
    per_week = sum(b.hours for b in buckets) / watched_weeks if known else 0.0
    return Forecast(
        weeks=buckets,
        items_per_week=sum(b.items for b in buckets) / watched_weeks if known else 0.0,
        hours_per_week=round(per_week, 2),
        hours_per_sprint=round(per_week * cfg.capacity.sprint_days / 7, 2),
        watching_since=since,
        watched_days=watched / timedelta(days=1),
    )


def _warnings(report: CapacityReport) -> tuple[str, ...]:
    b = report.budget
    warnings: list[str] = []
    if b.over:
        carried = (
            f" (incl. {formatting.hours(b.carry_over_hours)} carried over)"
            if b.carry_over_hours
            else ""
        )
        warnings.append(
            f"Over-committed: {formatting.hours(b.committed_hours)} committed{carried} against "
            f"a budget of {formatting.hours(b.budget_hours)}."
        )
    elif report.queued_hours > b.remaining_hours:
        warnings.append(
            f"Queued glue work (about {formatting.about(report.queued_hours)} h) exceeds what "
            f"is left ({formatting.hours(b.remaining_hours)}): delegate, snooze or dismiss some "
            "of it."
        )
    if report.forecast.known and report.forecast.hours_per_sprint > b.budget_hours:
        warnings.append(
            f"Incoming glue work (about {formatting.about(report.forecast.hours_per_sprint)} h "
            f"a sprint, from what arrived on the forge in the last {FORECAST_WEEKS} weeks) "
            f"outpaces the budget ({formatting.hours(b.budget_hours)})."
        )
    return tuple(warnings)


def capacity_exit_code(report: CapacityReport) -> int:
    """0 within budget, 9 over-committed (``gluetui capacity``)."""
    return EXIT_OVER_COMMITTED if report.budget.over else EXIT_OK
