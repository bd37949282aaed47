"""What a key press asks of the core, for decisions that need no engine (no Textual here).

Snooze, dismiss and undo are plain entries in the decision log. Delegating, taking and marking done
go through :mod:`gluetui.delegate` (journal, forge effects, budget rules); the helpers below only
prepare what the modals show: the automations that fit, each one's plan or the reason it cannot run,
and the effort to prefill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from gluetui.delegate import Plan, plan_for
from gluetui.errors import GluetuiError
from gluetui.events import Event, EventAction
from gluetui.factory import Runtime
from gluetui.model import Item, State
from gluetui.report import estimated_hours

#: Snoozes end at this local hour of the day they run out.
MORNING = time(8, 0)


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


def snooze(rt: Runtime, item: Item, choice: SnoozeChoice) -> Event:
    now = rt.clock()
    return rt.store.record(
        item.id,
        EventAction.SNOOZED,
        at=now,
        until=snooze_until(choice, now),
        fingerprint=item.fingerprint,
        note=choice.label,
    )


def dismiss(rt: Runtime, item: Item, reason: str) -> Event:
    return rt.store.record(
        item.id, EventAction.DISMISSED, at=rt.clock(), note=reason, fingerprint=item.fingerprint
    )


def undo(rt: Runtime) -> Event | None:
    """Cancel the latest decision in force; returns it, or None when there was nothing to undo."""
    return rt.store.undo_last(at=rt.clock())


def can_finish(item: Item) -> bool:
    """``d`` applies to anything not already done."""
    return item.state is not State.DONE


def effort_prefill(rt: Runtime, item: Item) -> float:
    """The hours ``m`` proposes: the detector's estimate, else the configured rule for the kind."""
    return estimated_hours(rt.config, item)


def fitting_automations(rt: Runtime, item: Item) -> list[str]:
    """Configured automations that fit the item's kind (the item's own list, if it names any)."""
    autos = rt.config.automations
    named = [a for a in item.automations if a in autos]
    if named:
        return named
    return [name for name, a in autos.items() if item.kind in a.fits_kinds]


@dataclass(frozen=True, slots=True)
class AutomationChoice:
    """One line of the ``a`` picker: the plan, or why this automation cannot take the item."""

    name: str
    description: str
    oversight_hours: float
    plan: Plan | None
    problem: str = ""


def automation_choices(rt: Runtime, item: Item) -> list[AutomationChoice]:
    """Every fitting automation with its plan; the refused ones keep their reason to show."""
    out = []
    for name in fitting_automations(rt, item):
        auto = rt.config.automations[name]
        try:
            planned: Plan | None = plan_for(rt, item, name)
            problem = ""
        except GluetuiError as exc:
            planned, problem = None, exc.title
        out.append(AutomationChoice(name, auto.description, auto.oversight_hours, planned, problem))
    return out
