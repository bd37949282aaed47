"""Where the user stands against the sprint's glue-work budget: pure arithmetic over the decision log.

The one place the budget rule lives: the gauge, the take/delegate checks, the capacity screen and
``gluetui capacity`` all read a :class:`BudgetStatus` from :func:`budget_status`.

Committed hours are what the user took on themselves plus the oversight hours of what they delegated
(someone reviews what a bot did). Only decisions still in force count: an undone decision, or a taken
item later snoozed, dismissed or reopened, frees its hours; a done item keeps them (the work was done).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from gluetui.capacity import sprint_window
from gluetui.config.schema import Config
from gluetui.events import Event, effective_events


@dataclass(frozen=True, slots=True)
class Commitment:
    """Hours one item holds against the budget."""

    item_id: str
    self_hours: float
    oversight_hours: float
    automation: str
    at: datetime
    done: bool


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    """The sprint's budget, what is committed and what is left.

    ``start`` is the sprint's first day and ``end`` the first day after it (exclusive, for
    arithmetic); what people and reports see is :attr:`last_day`, inclusive.
    """

    start: date
    end: date
    budget_hours: float
    self_hours: float
    oversight_hours: float
    commitments: tuple[Commitment, ...] = ()
    #: Items taken in earlier sprints and not finished: they still need doing this sprint.
    carried: tuple[Commitment, ...] = ()

    @property
    def last_day(self) -> date:
        """The sprint's last day (inclusive): what the gauge, the capacity screen and every report
        format name as its end."""
        return self.end - timedelta(days=1)

    @property
    def carry_over_hours(self) -> float:
        return round(sum(c.self_hours for c in self.carried), 2)

    @property
    def committed_hours(self) -> float:
        # Hours are entered to a few decimals: rounding keeps 0.1 + 0.2 from showing as 0.3000…4.
        return round(self.self_hours + self.oversight_hours + self.carry_over_hours, 2)

    @property
    def remaining_hours(self) -> float:
        return round(self.budget_hours - self.committed_hours, 2)

    @property
    def over(self) -> bool:
        return self.committed_hours > self.budget_hours + 1e-9

    @property
    def fraction(self) -> float:
        """Committed / budget (1.0 when the budget is zero and something is committed)."""
        if self.budget_hours <= 0:
            return 1.0 if self.committed_hours > 0 else 0.0
        return self.committed_hours / self.budget_hours

    def would_exceed(self, extra_hours: float) -> bool:
        """Whether committing ``extra_hours`` more would go over the budget."""
        return self.committed_hours + extra_hours > self.budget_hours + 1e-9


def commitments(events: Iterable[Event], start: datetime, end: datetime) -> list[Commitment]:
    """Per item, the hours its decisions in force hold, for decisions made in ``[start, end)``."""
    held: dict[str, Commitment] = {}
    for e in effective_events(events):
        action = str(e.action)
        current = held.get(e.item_id)
        if action == "taken":
            held[e.item_id] = Commitment(e.item_id, float(e.hours or 0.0), 0.0, "", e.at, False)
        elif action == "delegated":
            oversight = float((e.data or {}).get("oversight_hours", 0.0))
            held[e.item_id] = Commitment(e.item_id, 0.0, oversight, e.automation, e.at, False)
        elif action == "done":
            if current is None:
                held[e.item_id] = Commitment(e.item_id, float(e.hours or 0.0), 0.0, "", e.at, True)
            else:
                hours = float(e.hours) if e.hours is not None else current.self_hours
                if current.oversight_hours and e.hours is None:
                    hours = 0.0
                held[e.item_id] = Commitment(
                    e.item_id, hours, current.oversight_hours, current.automation, current.at, True
                )
        elif action in ("snoozed", "dismissed", "reopened"):
            held.pop(e.item_id, None)
    return [c for c in held.values() if start <= c.at < end]


def budget_status(
    cfg: Config, events: Iterable[Event], now: datetime, offset: int = 0
) -> BudgetStatus:
    """The budget of the sprint containing ``now`` (``offset`` 1 for the next one)."""
    start, end = sprint_window(cfg.capacity, now, offset)
    start_dt = datetime.combine(start, time.min, tzinfo=UTC)
    end_dt = datetime.combine(end, time.min, tzinfo=UTC)
    # One pass over the log: this sprint's commitments, and unfinished ones from before it.
    every = commitments(events, datetime.min.replace(tzinfo=UTC), end_dt)
    held = [c for c in every if c.at >= start_dt]
    carried = tuple(c for c in every if c.at < start_dt and not c.done and c.self_hours > 0)
    return BudgetStatus(
        start=start,
        end=end,
        budget_hours=cfg.capacity.hours_per_sprint,
        self_hours=round(sum(c.self_hours for c in held), 2),
        oversight_hours=round(sum(c.oversight_hours for c in held), 2),
        commitments=tuple(held),
        carried=carried,
    )
