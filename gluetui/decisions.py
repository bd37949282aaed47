"""The user's triage decisions, headless: take, done, snooze, dismiss, leave, undo, and what
delegating can pick from.

Every decision is an entry in the store's decision log (:mod:`gluetui.events`); :mod:`gluetui.triage`
derives each item's state from it and :mod:`gluetui.budget` the sprint's budget. Taking is where the
budget bites: the hours are checked against what is left before the decision is recorded, and going
over needs an explicit override (the UI asks; the CLI has a flag). Delegating itself (journal,
forge call, follow-up) is :mod:`gluetui.delegate`'s; here is only what its picker offers.

The UI and the CLI call these with the runtime; nothing here imports Textual.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from gluetui import formatting
from gluetui.budget import BudgetStatus, budget_status
from gluetui.capacity import estimated_hours, sprint_window
from gluetui.config.automations import fitting
from gluetui.delegate import Plan, plan_for
from gluetui.delegate.plan import is_unknown
from gluetui.errors import ActionError, GluetuiError
from gluetui.events import Event, EventAction
from gluetui.model import Item, State
from gluetui.textsafe import clean, safe_url

if TYPE_CHECKING:
    from gluetui.factory import Runtime
    from gluetui.store import JournalEntry

#: Snoozes end at this local hour of the day they run out.
MORNING = time(8, 0)


class OverBudget(GluetuiError):
    """Taking the item would go over the sprint's glue-work budget; ``status`` is the budget now."""

    exit_code = 9

    def __init__(self, status: BudgetStatus, hours: float) -> None:
        super().__init__(
            f"Taking this ({formatting.hours(hours)}) would go over the sprint's glue-work "
            f"budget: {formatting.hours(status.committed_hours)} of "
            f"{formatting.hours(status.budget_hours)} already committed.",
            "Take it anyway (override), mark finished items done, delegate it instead, "
            "or raise capacity.hours_per_sprint.",
        )
        self.status = status
        self.hours = hours


def item_facts(item: Item) -> dict[str, str]:
    """What the ledger shows for an item once it has left the snapshot (resolved items do)."""
    return {"title": item.title, "repo": item.repo, "kind": item.kind.value, "url": item.url}


def _hours(hours: float) -> None:
    if not math.isfinite(hours) or hours < 0:
        raise ActionError(f"{hours!r} is not a number of hours.", "Give 0 or more hours.")


# -- m: take it myself, d: done ------------------------------------------------------------------


def take(runtime: Runtime, item: Item, hours: float, *, override: bool = False) -> BudgetStatus:
    """Record TAKEN with ``hours``; raises :class:`OverBudget` unless it fits or ``override``.

    Re-taking an item already held this sprint replaces its hours, so only the difference counts.
    Returns the budget after the decision.
    """
    _hours(hours)
    now = runtime.clock()
    cfg = runtime.config
    status = budget_status(cfg, runtime.store.events(), now)
    held = next((c for c in status.commitments if c.item_id == item.id and not c.done), None)
    extra = hours - (held.self_hours + held.oversight_hours if held else 0.0)
    if not override and extra > 0 and status.would_exceed(extra):
        raise OverBudget(status, hours)
    runtime.store.record(
        item.id,
        EventAction.TAKEN,
        at=now,
        hours=hours,
        fingerprint=item.fingerprint,
        data={
            **item_facts(item),
            **({"override": True} if override and status.would_exceed(extra) else {}),
        },
    )
    return budget_status(cfg, runtime.store.events(), now)


def done(runtime: Runtime, item: Item, hours: float | None = None) -> BudgetStatus:
    """Record DONE (``hours``: what it really took, if the user says). Returns the budget after."""
    if hours is not None:
        _hours(hours)
    now = runtime.clock()
    runtime.store.record(
        item.id,
        EventAction.DONE,
        at=now,
        hours=hours,
        fingerprint=item.fingerprint,
        data=item_facts(item),
    )
    return budget_status(runtime.config, runtime.store.events(), now)


def can_finish(item: Item) -> bool:
    """``d`` applies to anything not already done."""
    return item.state is not State.DONE


def effort_estimate(runtime: Runtime, item: Item) -> float:
    """The hours ``m`` proposes: the detector's estimate, else the configured base for the kind."""
    return estimated_hours(runtime.config.capacity.effort, item)


def check_budget(runtime: Runtime, hours: float) -> BudgetStatus:
    """The budget now; raises :class:`OverBudget` if ``hours`` more would not fit (for delegate)."""
    status = budget_status(runtime.config, runtime.store.events(), runtime.clock())
    if status.would_exceed(hours):
        raise OverBudget(status, hours)
    return status


# -- s: snooze, x: dismiss, u: undo ----------------------------------------------------------------


class SnoozeChoice(StrEnum):
    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"
    CHANGED = "changed"

    @property
    def label(self) -> str:
        return {
            SnoozeChoice.TOMORROW: "Until tomorrow morning",
            SnoozeChoice.NEXT_WEEK: "Until next Monday morning",
            SnoozeChoice.CHANGED: "Until it changes",
        }[self]


def snooze_until(choice: SnoozeChoice, now: datetime) -> datetime | None:
    """When a snooze ends; None for "until it changes" (the fingerprint ends it)."""
    if choice is SnoozeChoice.CHANGED:
        return None
    days = 1 if choice is SnoozeChoice.TOMORROW else 7 - now.weekday()
    return datetime.combine(now.date() + timedelta(days=days), MORNING, tzinfo=now.tzinfo)


def snooze(runtime: Runtime, item: Item, choice: SnoozeChoice) -> Event:
    now = runtime.clock()
    return runtime.store.record(
        item.id,
        EventAction.SNOOZED,
        at=now,
        until=snooze_until(choice, now),
        fingerprint=item.fingerprint,
        note=choice.label,
    )


def dismiss(runtime: Runtime, item: Item, reason: str) -> Event:
    return runtime.store.record(
        item.id,
        EventAction.DISMISSED,
        at=runtime.clock(),
        note=reason,
        fingerprint=item.fingerprint,
    )


def leave_until(runtime: Runtime, now: datetime) -> datetime:
    """When a left item comes back at the latest: the morning the next sprint starts (the budget
    is new then); it comes back earlier if it changes."""
    _, end = sprint_window(runtime.config.capacity, now)
    return datetime.combine(end, MORNING, tzinfo=now.tzinfo)


def leave(runtime: Runtime, item: Item, reason: str) -> Event:
    """Leave the item, as its suggested route says: out of the queue until it changes or the
    next sprint starts, whichever comes first, with the reason (a snooze the ledger counts as
    left)."""
    now = runtime.clock()
    return runtime.store.record(
        item.id,
        EventAction.SNOOZED,
        at=now,
        until=leave_until(runtime, now),
        fingerprint=item.fingerprint,
        note=f"left: {reason}",
        data={**item_facts(item), "route": "leave", "reason": reason},
    )


@dataclass(frozen=True, slots=True)
class Undone:
    """What ``u`` cancelled here, and what it cannot cancel: an action already done on the forge.

    Undo is local: it takes a decision back in gluetui's log (the item returns to the queue, its
    hours leave the budget). A re-run, a comment, an issue or an assignment that a hand-off (or
    ``assign_on_take``) already made stays on the forge; ``on_forge`` says which, so the user
    can undo that there, and the ledger keeps the hand-off, marked as undone locally.
    """

    event: Event
    #: What the cancelled decision did on the forge, that stays there ("" when nothing did).
    on_forge: str = ""
    #: Hours the cancelled decision held against the budget (taken, or oversight).
    hours: float = 0.0

    @property
    def message(self) -> str:
        """One sentence for the user."""
        action = self.event.action
        freed = f" ({formatting.hours(self.hours)} freed)" if self.hours else ""
        if self.on_forge:
            what = (
                f"the hand-off to {self.event.automation or 'the automation'}"
                if action is EventAction.DELEGATED
                else f"{action.value}"
            )
            return (
                f"Undid {what} here: the item is back in your queue{freed}. On the forge it "
                f"stays done: {self.on_forge} Undo that on the forge if it matters."
            )
        return f"Undid {action.value}{freed}."


#: The undo's note for a decision whose forge action stays (the detail's history shows it).
STAYS_ON_FORGE = "undone locally; the action stays on the forge"


def forge_action(event: Event, journal: Sequence[JournalEntry]) -> str:
    """What ``event`` did on the forge, in words, if it did (or may have) anything there.

    A hand-off's own journal entry (its key); for a take, the ``assign_on_take`` action journaled
    with it. A definite failure did nothing; an unknown outcome may have done it.
    """
    if event.action is EventAction.DELEGATED:
        key = str(event.data.get("key", ""))
        entries = [e for e in journal if e.key == key] if key else []
    elif event.action is EventAction.TAKEN:
        entries = [
            e
            for e in journal
            if e.item_id == event.item_id and e.request.get("on_take") and e.intent_at >= event.at
        ][:1]
    else:
        return ""
    for entry in entries:
        message = clean(entry.message, 200).rstrip(".")
        url = safe_url(entry.url)
        where = f" ({url})" if url else ""
        if entry.ok:
            return f"{message or entry.automation}{where}."
        if is_unknown(entry) or entry.pending:
            return f"{entry.automation} may have acted; check the forge{where}."
    return ""


def undo(runtime: Runtime) -> Undone | None:
    """Cancel the latest decision in force; None when there was nothing to undo.

    Says what stays on the forge (and notes it on the undo, for the history and the ledger).
    """
    store = runtime.store
    journal = store.journal()
    said: dict[int, str] = {}

    def note_for(target: Event) -> str:
        said[target.id] = forge_action(target, journal)
        return STAYS_ON_FORGE if said[target.id] else ""

    event = store.undo_last(at=runtime.clock(), note_for=note_for)
    if event is None:
        return None
    hours = float(event.hours or 0.0) if event.action is EventAction.TAKEN else 0.0
    if event.action is EventAction.DELEGATED:
        hours = float(event.data.get("oversight_hours", 0.0) or 0.0)
    return Undone(event, said.get(event.id, ""), hours)


# -- a: what delegating can pick from --------------------------------------------------------------


def fitting_automations(runtime: Runtime, item: Item) -> list[str]:
    """Configured automations that fit the item (the ones its detector named, if still configured;
    else by kind, in case the config changed since the refresh)."""
    autos = runtime.config.automations
    named = [a for a in item.automations if a in autos]
    return named or list(fitting(autos, item.kind))


@dataclass(frozen=True, slots=True)
class AutomationChoice:
    """One line of the ``a`` picker: the plan, or why this automation cannot take the item."""

    name: str
    description: str
    oversight_hours: float
    plan: Plan | None
    problem: str = ""


def automation_choices(runtime: Runtime, item: Item) -> list[AutomationChoice]:
    """Every fitting automation with its plan; the refused ones keep their reason to show."""
    out = []
    for name in fitting_automations(runtime, item):
        auto = runtime.config.automations[name]
        try:
            planned: Plan | None = plan_for(runtime, item, name)
            problem = ""
        except GluetuiError as exc:
            planned, problem = None, exc.title
        out.append(AutomationChoice(name, auto.description, auto.oversight_hours, planned, problem))
    return out
