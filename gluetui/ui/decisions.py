"""Turning a confirmed choice into a decision in the store's log (no Textual here).

The screens ask; this module records. Keeping it apart lets the delegation engine replace
:func:`delegate` (forge effects, journal) without touching any widget.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum

from gluetui.events import Event, EventAction
from gluetui.factory import Runtime
from gluetui.model import Item

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


def delegate(rt: Runtime, item: Item, automation: str) -> Event:
    """Record the delegation with the oversight hours it will cost (forge effects come later)."""
    cfg = rt.config.automations[automation]
    return rt.store.record(
        item.id,
        EventAction.DELEGATED,
        at=rt.clock(),
        automation=automation,
        fingerprint=item.fingerprint,
        data={"oversight_hours": cfg.oversight_hours},
    )


def take(rt: Runtime, item: Item, hours: float) -> Event:
    return rt.store.record(
        item.id, EventAction.TAKEN, at=rt.clock(), hours=hours, fingerprint=item.fingerprint
    )


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


def done(rt: Runtime, item: Item, hours: float | None) -> Event:
    return rt.store.record(
        item.id, EventAction.DONE, at=rt.clock(), hours=hours, fingerprint=item.fingerprint
    )


def undo(rt: Runtime) -> Event | None:
    """Cancel the latest decision in force; returns it, or None when there was nothing to undo."""
    return rt.store.undo_last(at=rt.clock())


def can_undo(rt: Runtime) -> bool:
    from gluetui.events import effective_events

    return bool(effective_events(rt.store.events()))


def fitting_automations(rt: Runtime, item: Item) -> list[str]:
    """Configured automations that fit the item's kind (the item's own list, if it names any)."""
    autos = rt.config.automations
    named = [a for a in item.automations if a in autos]
    if named:
        return named
    return [name for name, a in autos.items() if item.kind in a.fits_kinds]
