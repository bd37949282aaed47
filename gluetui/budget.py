"""Where the user stands against the sprint's glue-work budget: pure arithmetic over the decision log.

The one place the budget rule lives: the gauge, the take/delegate checks, the capacity screen and
``gluetui capacity`` all read a :class:`BudgetStatus` from :func:`budget_status`.

Committed hours are what the user took on themselves plus the oversight hours of what they delegated
(someone reviews what a bot did). Only decisions still in force count: an undone decision, or a taken
item later snoozed, dismissed or reopened, frees its hours; a done item keeps them (the work was done).

The budget also bounds the suggested routes (:func:`apply_budget`): a suggestion to take or delegate
an item that no longer fits the hours left becomes "leave", with that reason.

Nothing here loads the config schema, so ``gluetui items --json`` applies the same rule to the
stored snapshot with the sprint settings the store keeps (:class:`SprintBudget`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from gluetui.capacity import SprintSettings, sprint_window
from gluetui.events import Event, effective_events
from gluetui.model import Item, Route, State, Suggestion

if TYPE_CHECKING:
    from gluetui.config.schema import Config


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
    return sprint_budget(cfg.capacity, events, now, offset)


def sprint_budget(
    capacity: SprintSettings, events: Iterable[Event], now: datetime, offset: int = 0
) -> BudgetStatus:
    """:func:`budget_status` from the sprint settings alone."""
    start, end = sprint_window(capacity, now, offset)
    start_dt = datetime.combine(start, time.min, tzinfo=UTC)
    end_dt = datetime.combine(end, time.min, tzinfo=UTC)
    # One pass over the log: this sprint's commitments, and unfinished ones from before it.
    every = commitments(events, datetime.min.replace(tzinfo=UTC), end_dt)
    held = [c for c in every if c.at >= start_dt]
    carried = tuple(c for c in every if c.at < start_dt and not c.done and c.self_hours > 0)
    return BudgetStatus(
        start=start,
        end=end,
        budget_hours=capacity.hours_per_sprint,
        self_hours=round(sum(c.self_hours for c in held), 2),
        oversight_hours=round(sum(c.oversight_hours for c in held), 2),
        commitments=tuple(held),
        carried=carried,
    )


# -- what the budget leaves of the suggested routes ------------------------------------------------


class Candidate(NamedTuple):
    """An open item's suggestion as the budget pass sees it: what it would cost, and its rank.

    A tuple: ``items --json`` makes one per stored row that suggests a take or a hand-off.
    """

    id: str
    impact: float
    route: Route
    hours: float


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The order suggestions claim hours in: every delegation, then every take, each most impact
    first. Routine work goes out first and your own hours go to judgment work with what is left,
    so handing off the delegations never turns a take that fitted into a leave."""
    return sorted(candidates, key=lambda c: (c.route is not Route.DELEGATE, -c.impact, c.id))


def over_budget(candidates: Iterable[Candidate], remaining: float) -> dict[str, float]:
    """Ids of the suggestions that do not fit ``remaining`` hours -> the hours left when each came
    up. In :func:`rank` order each delegate or take claims its hours if they fit; one that does not
    is skipped and smaller ones after it may still fit. Costless ones always fit."""
    left = remaining
    out: dict[str, float] = {}
    for c in rank(c for c in candidates if c.route is not Route.LEAVE):
        if c.hours <= 0 or c.hours <= left + 1e-9:
            left -= max(0.0, c.hours)
        else:
            out[c.id] = round(max(0.0, left), 2)
    return out


def budget_note(route: Route, hours: float, left: float) -> str:
    """What a suggestion that became "leave" adds to its reason."""
    what = "take" if route is Route.TAKE else "delegate"
    return (
        f"; would {what} it, but beyond your remaining budget ({hours:g} h needed, {left:g} h left)"
    )


def leave_for_budget(suggestion: Suggestion, left: float) -> Suggestion:
    """``suggestion`` turned into "leave": it needs more hours than are left."""
    return Suggestion(
        Route.LEAVE,
        suggestion.reason + budget_note(suggestion.route, suggestion.hours, left),
        hours=0.0,
        over_budget=True,
    )


def budget_over(items: Iterable[Item], remaining: float) -> dict[str, float]:
    """Item id -> the hours left when its suggestion came up, for every open item whose
    suggestion does not fit ``remaining`` hours (decided items keep theirs: their hours are
    already in the budget).

    The items keep the suggestions they were detected with; a reader shows
    ``shown_suggestion(item, over)``, so the pass can run again from them whenever the budget
    changes — and the "leave" wording is built only for the rows shown, not for thousands.
    """
    candidates = [
        Candidate(i.id, i.impact, i.suggestion.route, i.suggestion.hours)
        for i in items
        if i.state is State.OPEN and i.suggestion is not None
    ]
    return over_budget(candidates, remaining)


def shown_suggestion(item: Item, over: Mapping[str, float]) -> Suggestion | None:
    """``item``'s suggestion with the budget applied (``over`` from :func:`budget_over`)."""
    left = over.get(item.id)
    if left is None or item.suggestion is None:
        return item.suggestion
    return leave_for_budget(item.suggestion, left)


def budget_leaves(items: Iterable[Item], remaining: float) -> dict[str, Suggestion]:
    """Item id -> the "leave" suggestion of every open item whose suggestion does not fit
    ``remaining`` hours (see :func:`budget_over`)."""
    by_id = {i.id: i for i in items}
    return {
        k: leave_for_budget(s, left)
        for k, left in budget_over(by_id.values(), remaining).items()
        if (s := by_id[k].suggestion) is not None
    }


def apply_budget(items: Sequence[Item], remaining: float) -> list[Item]:
    """``items`` with :func:`budget_leaves` applied (for one-shot readers: the CLI, the plan)."""
    leaves = budget_leaves(items, remaining)
    return [replace(i, suggestion=leaves[i.id]) if i.id in leaves else i for i in items]


@dataclass(frozen=True, slots=True)
class SprintBudget:
    """The sprint settings of the config last used, as the store keeps them for readers that do
    not load the config (``items --json``)."""

    #: The store setting that holds them (written by :func:`gluetui.factory.build_runtime`).
    SETTING = "sprint_budget"

    sprint_start: date
    sprint_days: int
    hours_per_sprint: float

    @classmethod
    def of(cls, capacity: SprintSettings) -> SprintBudget:
        return cls(capacity.sprint_start, capacity.sprint_days, capacity.hours_per_sprint)

    def to_text(self) -> str:
        return json.dumps(
            {
                "sprint_start": self.sprint_start.isoformat(),
                "sprint_days": self.sprint_days,
                "hours_per_sprint": self.hours_per_sprint,
            }
        )

    @classmethod
    def from_text(cls, text: str | None) -> SprintBudget | None:
        """None for a missing or unreadable value (the caller then leaves suggestions as stored)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            found = cls(
                date.fromisoformat(data["sprint_start"]),
                int(data["sprint_days"]),
                float(data["hours_per_sprint"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        return found if found.sprint_days >= 1 else None
