"""The triage decision vocabulary, shared by the store (which persists it) and triage (which reads it).

It lives outside :mod:`gluetui.store` so that pure code (triage, capacity, reports) can reason about
decisions without importing sqlite3.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventAction(StrEnum):
    """What the user decided about an item. ``undone`` cancels an earlier decision."""

    TAKEN = "taken"
    DELEGATED = "delegated"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"
    DONE = "done"
    UNDONE = "undone"
    REOPENED = "reopened"


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only decision log.

    Attributes:
        id: Position in the log; later decisions have larger ids.
        item_id: The item the decision is about.
        action: The decision.
        at: When it was made (aware, UTC).
        note: Free text the user typed.
        hours: Hours the user committed (taken) or spent (done), if said.
        until: End of a timed snooze.
        automation: The automation a delegation used.
        fingerprint: The item's fingerprint when decided; "snooze until it changes" watches it.
        data: Extra facts (``oversight_hours``, journal key...), JSON-compatible.
        undoes: For an ``undone`` event, the id of the decision it cancels.
    """

    id: int
    item_id: str
    action: EventAction
    at: datetime
    note: str = ""
    hours: float | None = None
    until: datetime | None = None
    automation: str = ""
    fingerprint: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    undoes: int | None = None


def effective_events(events: Iterable[Event]) -> list[Event]:
    """The decisions still in force, in log order: ``undone`` events and what they cancel removed."""
    ordered = sorted(events, key=lambda e: e.id)
    cancelled = {
        e.undoes for e in ordered if e.action == EventAction.UNDONE and e.undoes is not None
    }
    return [e for e in ordered if e.action != EventAction.UNDONE and e.id not in cancelled]
