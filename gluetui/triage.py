"""Each item's triage state, derived from the decision log (pure: no IO, no clock, no sqlite).

Rules, applied per item:

- A decision cancelled by an ``undone`` event is ignored, as are the ``undone`` events themselves.
- The latest remaining decision wins: taken, delegated, dismissed and done give that state,
  reopened gives open.
- A snooze ends at ``until`` (the item is open again from then). A snooze "until it changes"
  (``until`` None, a fingerprint recorded) lasts while the item's current fingerprint equals the
  recorded one. With both, whichever comes first ends it. With neither, it lasts until the user
  reopens the item.
- Dismissed stays dismissed whatever happens to the item: the user said it is not glue work.
- Done stays done, except when the item comes back changed: its ``updated_at`` is later than the
  done decision and its fingerprint differs from the one recorded with it (or none was recorded).
  A CI that broke again after it was fixed is new work, not the old one.

:func:`triage_states` needs only the log and ``now``; the fingerprint rules need the item, so
:func:`apply_triage` finishes the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from gluetui.events import Event, EventAction, effective_events
from gluetui.model import Item, State

__all__ = [
    "Event",
    "EventAction",
    "TriageState",
    "apply_triage",
    "effective_events",
    "triage_states",
]

_STATE_OF = {
    EventAction.TAKEN: State.TAKEN,
    EventAction.DELEGATED: State.DELEGATED,
    EventAction.SNOOZED: State.SNOOZED,
    EventAction.DISMISSED: State.DISMISSED,
    EventAction.DONE: State.DONE,
    EventAction.REOPENED: State.OPEN,
}


@dataclass(frozen=True, slots=True)
class TriageState:
    """Where one item stands, and the facts of the decision that put it there.

    ``since`` is when that decision was made (for an expired snooze: when it expired); ``until``,
    ``hours``, ``automation``, ``note`` and ``fingerprint`` are copied from the decision.
    """

    state: State
    since: datetime | None = None
    until: datetime | None = None
    hours: float | None = None
    automation: str = ""
    note: str = ""
    fingerprint: str = ""


def triage_states(events: Iterable[Event], now: datetime) -> dict[str, TriageState]:
    """Item id -> state from the latest decision in force (timed snoozes past ``until`` -> open)."""
    latest: dict[str, Event] = {}
    for event in effective_events(events):
        latest[event.item_id] = event
    return {item_id: _state(event, now) for item_id, event in latest.items()}


def _state(event: Event, now: datetime) -> TriageState:
    state = _STATE_OF[EventAction(event.action)]
    since: datetime | None = event.at
    if state is State.SNOOZED and event.until is not None and now >= event.until:
        state, since = State.OPEN, event.until
    return TriageState(
        state=state,
        since=since,
        until=event.until,
        hours=event.hours,
        automation=event.automation,
        note=event.note,
        fingerprint=event.fingerprint,
    )


def apply_triage(
    items: Sequence[Item], states: Mapping[str, TriageState], now: datetime
) -> list[Item]:
    """The items with their triage state set; an item without a decision is open.

    An item already in its state is handed back as it is, not copied: a snapshot loads open and
    most items have no decision, so 10,000 items cost a dictionary lookup each.
    """
    out: list[Item] = []
    for item in items:
        triage = states.get(item.id)
        state = State.OPEN if triage is None else _item_state(item, triage, now)
        out.append(item if item.state is state else item.with_state(state))
    return out


def _item_state(item: Item, triage: TriageState | None, now: datetime) -> State:
    if triage is None:
        return State.OPEN
    if triage.state is State.SNOOZED:
        if triage.until is not None and now >= triage.until:
            return State.OPEN
        if triage.fingerprint and item.fingerprint != triage.fingerprint:
            return State.OPEN
    if triage.state is State.DONE and _came_back_changed(item, triage):
        return State.OPEN
    return triage.state


def _came_back_changed(item: Item, done: TriageState) -> bool:
    """Changed on the forge after it was marked done, into something other than what was done."""
    if done.since is None or item.updated_at <= done.since:
        return False
    return not done.fingerprint or item.fingerprint != done.fingerprint
