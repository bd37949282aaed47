"""Triage state derived from the decision log: undo, latest wins, snooze expiry, done coming back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from store_helpers import NOW, ev, make_item

from gluetui.events import Event
from gluetui.events import EventAction as A
from gluetui.model import Item, State
from gluetui.triage import TriageState, apply_triage, triage_states

HOUR = timedelta(hours=1)
ITEM = make_item(1, fingerprint="fp0")
ID = ITEM.id


def _state(events: Sequence[Event], now: datetime = NOW, item: Item = ITEM) -> State:
    [applied] = apply_triage([item], triage_states(events, now), now)
    return applied.state


def test_no_decision_is_open_and_stored_state_is_overwritten() -> None:
    assert triage_states([], NOW) == {}
    [item] = apply_triage([ITEM.with_state(State.DONE)], {}, NOW)
    assert item.state is State.OPEN


def test_latest_decision_wins_and_carries_its_facts() -> None:
    events = [
        ev(1, ID, A.SNOOZED, NOW - 3 * HOUR, until=NOW + HOUR),
        ev(2, ID, A.TAKEN, NOW - 2 * HOUR, hours=3.0, note="mine"),
        ev(3, "other", A.DISMISSED, NOW - HOUR),
    ]
    states = triage_states(events, NOW)
    assert states[ID] == TriageState(State.TAKEN, since=NOW - 2 * HOUR, hours=3.0, note="mine")
    assert states["other"].state is State.DISMISSED


def test_order_is_the_log_order_not_the_input_order() -> None:
    events = [ev(2, ID, A.DONE, NOW), ev(1, ID, A.TAKEN, NOW)]
    assert triage_states(events, NOW)[ID].state is State.DONE


def test_every_action_maps_to_a_state() -> None:
    expected = {
        A.TAKEN: State.TAKEN,
        A.DELEGATED: State.DELEGATED,
        A.SNOOZED: State.SNOOZED,
        A.DISMISSED: State.DISMISSED,
        A.DONE: State.DONE,
        A.REOPENED: State.OPEN,
    }
    for action, state in expected.items():
        assert _state([ev(1, ID, action, NOW - HOUR)]) is state, action


def test_undone_decision_is_ignored_and_the_one_before_comes_back() -> None:
    events = [
        ev(1, ID, A.DELEGATED, NOW - 3 * HOUR, automation="agent"),
        ev(2, ID, A.DISMISSED, NOW - 2 * HOUR),
        ev(3, ID, A.UNDONE, NOW - HOUR, undoes=2),
    ]
    states = triage_states(events, NOW)
    assert (states[ID].state, states[ID].automation) == (State.DELEGATED, "agent")


def test_undoing_everything_leaves_no_state() -> None:
    events = [
        ev(1, ID, A.TAKEN, NOW - 3 * HOUR),
        ev(2, ID, A.DONE, NOW - 2 * HOUR),
        ev(3, ID, A.UNDONE, NOW - HOUR, undoes=2),
        ev(4, ID, A.UNDONE, NOW - HOUR, undoes=1),
    ]
    assert triage_states(events, NOW) == {}
    assert _state(events) is State.OPEN


def test_undone_event_without_target_cancels_nothing() -> None:
    events = [ev(1, ID, A.TAKEN, NOW - HOUR), ev(2, ID, A.UNDONE, NOW)]
    assert _state(events) is State.TAKEN


def test_timed_snooze_expires_at_until() -> None:
    until = NOW + HOUR
    events = [ev(1, ID, A.SNOOZED, NOW - HOUR, until=until)]
    assert _state(events, now=NOW) is State.SNOOZED
    assert _state(events, now=until - timedelta(microseconds=1)) is State.SNOOZED
    assert _state(events, now=until) is State.OPEN
    expired = triage_states(events, until + HOUR)[ID]
    assert (expired.state, expired.since, expired.until) == (State.OPEN, until, until)


def test_states_computed_earlier_still_expire_when_applied_later() -> None:
    states = triage_states([ev(1, ID, A.SNOOZED, NOW, until=NOW + HOUR)], NOW)
    [item] = apply_triage([ITEM], states, NOW + 2 * HOUR)
    assert item.state is State.OPEN


def test_snooze_until_it_changes_follows_the_fingerprint() -> None:
    events = [ev(1, ID, A.SNOOZED, NOW - HOUR, fingerprint="fp0")]
    far = NOW + timedelta(days=365)
    assert _state(events, now=far) is State.SNOOZED
    assert _state(events, now=far, item=make_item(1, fingerprint="fp1")) is State.OPEN


def test_snooze_with_both_ends_at_whichever_comes_first() -> None:
    events = [ev(1, ID, A.SNOOZED, NOW - HOUR, until=NOW + HOUR, fingerprint="fp0")]
    assert _state(events) is State.SNOOZED
    assert _state(events, item=make_item(1, fingerprint="fp1")) is State.OPEN
    assert _state(events, now=NOW + 2 * HOUR) is State.OPEN


def test_snooze_without_end_lasts_until_reopened() -> None:
    events = [ev(1, ID, A.SNOOZED, NOW - HOUR)]
    assert _state(events, now=NOW + timedelta(days=365)) is State.SNOOZED
    assert _state([*events, ev(2, ID, A.REOPENED, NOW)]) is State.OPEN


def test_done_item_that_comes_back_changed_after_the_decision_is_open() -> None:
    done_at = NOW - 2 * HOUR
    events = [ev(1, ID, A.DONE, done_at, fingerprint="fp0")]
    unchanged_later = make_item(1, fingerprint="fp0", updated_at=NOW)
    changed_earlier = make_item(1, fingerprint="fp1", updated_at=done_at - HOUR)
    changed_later = make_item(1, fingerprint="fp1", updated_at=NOW)
    assert _state(events, item=unchanged_later) is State.DONE
    assert _state(events, item=changed_earlier) is State.DONE
    assert _state(events, item=changed_later) is State.OPEN


def test_done_without_fingerprint_reopens_on_any_later_update() -> None:
    events = [ev(1, ID, A.DONE, NOW - 2 * HOUR)]
    assert _state(events, item=make_item(1, updated_at=NOW - 3 * HOUR)) is State.DONE
    assert _state(events, item=make_item(1, updated_at=NOW)) is State.OPEN


def test_dismissed_stays_whatever_changes() -> None:
    events = [ev(1, ID, A.DISMISSED, NOW - 2 * HOUR, fingerprint="fp0")]
    changed = make_item(1, fingerprint="fp9", updated_at=NOW)
    assert _state(events, now=NOW + timedelta(days=30), item=changed) is State.DISMISSED


def test_items_keep_their_order_and_other_fields() -> None:
    items = [make_item(n) for n in range(3)]
    states = triage_states([ev(1, items[1].id, A.TAKEN, NOW)], NOW)
    applied = apply_triage(items, states, NOW)
    assert [i.id for i in applied] == [i.id for i in items]
    assert [i.state for i in applied] == [State.OPEN, State.TAKEN, State.OPEN]
    assert applied[1].with_state(State.OPEN) == items[1]


def test_store_and_triage_agree_on_undo(tmp_path: Path) -> None:
    from gluetui.store import Store

    with Store.open(tmp_path / "s.sqlite3") as store:
        store.record(ID, A.TAKEN, at=NOW - 2 * HOUR)
        store.record(ID, A.SNOOZED, at=NOW - HOUR, fingerprint="fp0")
        store.undo_last(at=NOW)
        assert _state(store.events()) is State.TAKEN
