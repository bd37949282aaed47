"""The decision log: append-only, filtered reads, undo as a new event."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from store_helpers import NOW

from gluetui.store import EventAction, Store


def test_record_round_trips_every_field(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    made = store.record(
        "a",
        EventAction.SNOOZED,
        at=NOW.astimezone(paris),
        note="after the release",
        hours=1,
        until=datetime(2026, 12, 1, 9, tzinfo=paris),
        automation="agent",
        fingerprint="fp0",
        data={"oversight_hours": 0.5, "key": "k1"},
    )
    [stored] = store.events()
    assert stored == made
    assert stored.at == NOW and stored.at.tzinfo == UTC
    assert stored.until == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert stored.hours == 1.0 and isinstance(stored.hours, float)
    assert stored.undoes is None


def test_events_filter_by_item_and_since_oldest_first(store: Store) -> None:
    for n, item in enumerate(["a", "b", "a", "c"]):
        store.record(item, EventAction.TAKEN, at=NOW + timedelta(hours=n))
    assert [e.id for e in store.events("a")] == [1, 3]
    assert [e.item_id for e in store.events(since=NOW + timedelta(hours=2))] == ["a", "c"]
    assert [e.id for e in store.events("a", since=NOW + timedelta(hours=1))] == [3]


def test_log_is_append_only(store: Store) -> None:
    store.record("a", EventAction.DONE, at=NOW)
    conn = store._db.conn
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET action = 'taken'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    assert [e.action for e in store.events()] == [EventAction.DONE]


def test_record_refuses_undone(store: Store) -> None:
    with pytest.raises(ValueError, match="undo_last"):
        store.record("a", EventAction.UNDONE, at=NOW)


def test_undo_walks_back_skipping_undo_events(store: Store) -> None:
    assert store.undo_last(at=NOW) is None
    first = store.record("a", EventAction.TAKEN, at=NOW, hours=2)
    second = store.record("b", EventAction.DISMISSED, at=NOW)
    later = NOW + timedelta(minutes=1)

    assert store.undo_last(at=later) == second
    assert store.undo_last(at=later) == first
    assert store.undo_last(at=later) is None

    log = store.events()
    assert [e.action for e in log] == [
        EventAction.TAKEN,
        EventAction.DISMISSED,
        EventAction.UNDONE,
        EventAction.UNDONE,
    ]
    assert [(e.item_id, e.undoes, e.at) for e in log[2:]] == [("b", 2, later), ("a", 1, later)]


def test_undo_after_new_decision_cancels_the_new_one(store: Store) -> None:
    store.record("a", EventAction.TAKEN, at=NOW)
    store.undo_last(at=NOW)
    third = store.record("a", EventAction.SNOOZED, at=NOW)
    assert store.undo_last(at=NOW) == third
    assert store.undo_last(at=NOW) is None
