"""Batches: one confirmation for several items, then each item settled on its own.

:func:`propose` turns the items the user marked into what will happen to each: the request a
hand-off sends (the same plan the ``a`` confirmation shows), the hours a take commits, the reason
a leave records; items that cannot go are listed apart with why. :func:`run` writes the whole
batch to the store first (:mod:`gluetui.store.batches`), then settles its members one at a time:
a delegation through the engine, journaled under its own idempotency key and tagged with the
batch, a take or a leave through :mod:`gluetui.decisions`.

A crash in the middle loses and repeats nothing: on the next start :func:`resume` finishes every
unsettled batch. A member whose intent is in the journal is reconciled with the forge and never
sent again (``unknown`` when the forge cannot tell); a member never started is started then,
unless the item has been decided otherwise meanwhile.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from gluetui.budget import BudgetStatus, budget_status
from gluetui.decisions import OverBudget, effort_estimate, fitting_automations, leave, take
from gluetui.delegate.engine import (
    DelegationFailed,
    Outcome,
    assign_on_take,
    delegate,
    from_entry,
    plan_for,
    reconcile_entry,
)
from gluetui.delegate.plan import Plan
from gluetui.errors import GluetuiError
from gluetui.events import EventAction, effective_events
from gluetui.model import Item, Route, State, Suggestion
from gluetui.store import BatchMember, JournalEntry, NewMember, Store
from gluetui.textsafe import clean
from gluetui.triage import apply_triage, triage_states

if TYPE_CHECKING:
    from gluetui.factory import Runtime

#: Batches being settled right now, per store: the start-up :func:`resume` leaves them alone.
_RUNNING: weakref.WeakKeyDictionary[Store, set[str]] = weakref.WeakKeyDictionary()

#: A member's outcome: it went, it failed, nobody can tell (a hand-off), it was not attempted.
OUTCOMES = ("ok", "failed", "unknown", "skipped")


@dataclass(frozen=True, slots=True)
class Proposed:
    """What a batch will do with one item, or (``problem``) why it cannot take it."""

    item: Item
    route: Route
    reason: str = ""
    automation: str = ""
    hours: float = 0.0
    plan: Plan | None = None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A batch before it is confirmed: its members, the items left out, the budget now."""

    members: tuple[Proposed, ...]
    refused: tuple[Proposed, ...]
    budget: BudgetStatus
    hand_off: bool

    @property
    def hours(self) -> float:
        """What the members would add to the budget (dry runs commit nothing)."""
        return round(sum(p.hours for p in self.members if p.plan is None or not p.plan.dry_run), 2)

    @property
    def over_budget(self) -> bool:
        return self.budget.would_exceed(self.hours)

    def count(self, route: Route) -> int:
        return sum(1 for p in self.members if p.route is route)


def propose(
    runtime: Runtime,
    items: Iterable[Item],
    suggestions: Mapping[str, Suggestion],
    *,
    hand_off: bool,
) -> Proposal:
    """What a batch of ``items`` would do.

    ``hand_off`` (``b``): every item is delegated — to the automation its suggestion names, else
    to the first fitting automation that can act on it. Otherwise (``A`` with marks) every item
    goes its suggested route. ``suggestions``: each item's suggestion as shown (the budget
    applied); an item missing there uses its own.
    """
    members: list[Proposed] = []
    refused: list[Proposed] = []
    for item in items:
        suggestion = suggestions.get(item.id, item.suggestion)
        proposed = _proposed(runtime, item, suggestion, hand_off=hand_off)
        (refused if proposed.problem else members).append(proposed)
    status = budget_status(runtime.config, runtime.store.events(), runtime.clock())
    return Proposal(tuple(members), tuple(refused), status, hand_off)


def _proposed(
    runtime: Runtime, item: Item, suggestion: Suggestion | None, *, hand_off: bool
) -> Proposed:
    if item.state is not State.OPEN:
        return Proposed(item, Route.LEAVE, problem=f"already {item.state.value}")
    reason = suggestion.reason if suggestion is not None else ""
    if hand_off or (suggestion is not None and suggestion.route is Route.DELEGATE):
        names = fitting_automations(runtime, item)
        if suggestion is not None and suggestion.automation:
            names = [suggestion.automation, *(n for n in names if n != suggestion.automation)]
        why = "no automation fits it"
        for name in names:
            try:
                plan = plan_for(runtime, item, name)
            except GluetuiError as exc:
                why = exc.title
                continue
            if suggestion is None or suggestion.automation != name:
                reason = f"handed off to {name}, the first automation that can act on it"
            return Proposed(item, Route.DELEGATE, reason, name, plan.oversight_hours, plan)
        return Proposed(item, Route.DELEGATE, reason, problem=why)
    if suggestion is None:
        return Proposed(item, Route.LEAVE, problem="no suggestion yet (refresh to get one)")
    if suggestion.route is Route.TAKE:
        hours = suggestion.hours or effort_estimate(runtime, item)
        return Proposed(item, Route.TAKE, reason, hours=hours)
    return Proposed(item, Route.LEAVE, reason)


@dataclass(frozen=True, slots=True)
class BatchReport:
    """How a batch went, member by member (``resumed``: finished after a restart)."""

    batch: str
    members: tuple[BatchMember, ...]
    resumed: bool = False

    def count(self, outcome: str, route: Route | None = None) -> int:
        return sum(
            1
            for m in self.members
            if m.outcome == outcome and (route is None or m.route == route.value)
        )

    def message(self) -> str:
        """``10 hand-offs: 9 sent, 1 unknown (check with v)`` — for the toast and the CLI."""
        n = len(self.members)
        routes = {m.route for m in self.members}
        if routes <= {Route.DELEGATE.value}:
            head = f"{n} hand-off{'s' if n != 1 else ''}: {self.count('ok')} sent"
        else:
            parts = [
                f"{self.count('ok', Route.DELEGATE)} delegated",
                f"{self.count('ok', Route.TAKE)} taken",
                f"{self.count('ok', Route.LEAVE)} left",
            ]
            head = f"{n} item{'s' if n != 1 else ''}: {', '.join(parts)}"
        tail = [f"{self.count('failed')} failed"]
        if self.count("unknown"):
            tail.append(f"{self.count('unknown')} unknown (check each with v)")
        if self.count("skipped"):
            tail.append(f"{self.count('skipped')} skipped (decided meanwhile)")
        return f"{head}, {', '.join(tail)}."


#: Told of each member as soon as it is settled (the dashboard redraws its row).
Settled = Callable[[BatchMember], None]


async def run(runtime: Runtime, proposal: Proposal, settled: Settled | None = None) -> BatchReport:
    """Write the batch, then settle every member in order (see the module docstring)."""
    members = [
        NewMember(p.item.to_json(), p.route.value, p.automation, p.hours, p.reason)
        for p in proposal.members
    ]
    batch = runtime.store.batch_create(members, at=runtime.clock())
    return await settle(runtime, batch, settled=settled)


async def resume(runtime: Runtime) -> list[BatchReport]:
    """Finish every batch a crash left unsettled (what the dashboard does on start)."""
    running = _RUNNING.get(runtime.store, set())
    return [
        await settle(runtime, batch, resumed=True)
        for batch in runtime.store.unsettled_batches()
        if batch not in running
    ]


async def settle(
    runtime: Runtime, batch: str, *, resumed: bool = False, settled: Settled | None = None
) -> BatchReport:
    """Settle each unsettled member of ``batch``, recording its outcome as soon as it is known."""
    store = runtime.store
    running = _RUNNING.setdefault(store, set())
    running.add(batch)
    try:
        for member in store.batch_members(batch):
            if member.settled:
                continue
            outcome, message = await _settle(runtime, member, resumed=resumed)
            store.batch_settle(
                batch, member.pos, outcome=outcome, message=clean(message, 500), at=runtime.clock()
            )
            if settled is not None:
                settled(member)
    finally:
        running.discard(batch)
    return BatchReport(batch, tuple(store.batch_members(batch)), resumed)


async def _settle(runtime: Runtime, member: BatchMember, *, resumed: bool) -> tuple[str, str]:
    try:
        item = Item.from_json(member.item)
    except (ValueError, KeyError, TypeError):
        return "failed", "the item could not be read back from the batch"
    if member.route == Route.DELEGATE.value:
        return await _hand_off(runtime, member, item, resumed=resumed)
    action = EventAction.TAKEN if member.route == Route.TAKE.value else EventAction.SNOOZED
    if resumed:
        if _decided_since(runtime, item.id, action, member.created_at):
            return "ok", "recorded before the restart"
        gone = _no_longer_open(runtime, item)
        if gone:
            return "skipped", gone
    if action is EventAction.SNOOZED:
        leave(runtime, item, member.reason)
        return "ok", "left"
    try:
        take(runtime, item, member.hours)
    except OverBudget as exc:
        return "failed", exc.title
    note = ""
    if runtime.config.assign_on_take:
        try:
            told = await assign_on_take(runtime, item)
        except GluetuiError as exc:
            note = f"; the forge was not told ({exc.title})"
        else:
            note = f"; {told.message}" if told is not None else ""
    return "ok", f"taken ({member.hours:g} h){note}"


async def _hand_off(
    runtime: Runtime, member: BatchMember, item: Item, *, resumed: bool
) -> tuple[str, str]:
    entry = _journaled(runtime.store, member)
    if entry is not None:  # it was started before a crash: ask, never send again
        outcome = await reconcile_entry(runtime, entry) if entry.pending else from_entry(entry)
        return _word(outcome), outcome.message
    if resumed:
        gone = _no_longer_open(runtime, item)
        if gone:
            return "skipped", gone
    try:
        outcome = await delegate(
            runtime, item, member.automation, tag={"batch": member.batch, "batch_pos": member.pos}
        )
    except DelegationFailed as exc:
        return _word(exc.outcome), f"{exc.title} {exc.hint}".strip()
    except GluetuiError as exc:
        return "failed", f"{exc.title} {exc.hint}".strip()
    return _word(outcome), outcome.message


def _word(outcome: Outcome) -> str:
    if outcome.unknown:
        return "unknown"
    return "ok" if outcome.ok else "failed"


def _journaled(store: Store, member: BatchMember) -> JournalEntry | None:
    """The journal entry this member's hand-off wrote, if it got that far."""
    for entry in store.journal(member.item_id):
        if entry.request.get("batch") == member.batch and entry.request.get("batch_pos") == (
            member.pos
        ):
            return entry
    return None


def _decided_since(runtime: Runtime, item_id: str, action: EventAction, since: datetime) -> bool:
    return any(
        e.action is action and e.at >= since
        for e in effective_events(runtime.store.events(item_id))
    )


def _no_longer_open(runtime: Runtime, item: Item) -> str:
    """Why a member found after a restart should not act any more ("" when it still should)."""
    now = runtime.clock()
    (current,) = apply_triage([item], triage_states(runtime.store.events(item.id), now), now)
    if current.state is State.OPEN:
        return ""
    return f"the item was {current.state.value} meanwhile"
