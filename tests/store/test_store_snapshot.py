"""Snapshots: replaced whole per source, first-seen times kept, stale flags, big snapshots."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from store_helpers import NOW, make_item

from gluetui.model import State
from gluetui.store import Store


def test_items_round_trip_with_state_reset_to_open(store: Store) -> None:
    items = [make_item(1), make_item(2).with_state(State.DONE)]
    store.save_snapshot("gh", items, at=NOW)
    loaded = store.load_items()
    assert loaded == [items[0], items[1].with_state(State.OPEN)]
    assert loaded[0].title.endswith("\x1b[31m")  # stored as data; cleaning is the renderer's job


def test_snapshot_replaces_only_its_source_and_keeps_first_seen(store: Store) -> None:
    later = NOW + timedelta(hours=1)
    store.save_snapshot("gh", [make_item(1), make_item(2)], at=NOW)
    store.save_snapshot("gl", [make_item(9, source="gl")], at=NOW)
    store.save_snapshot("gh", [make_item(2, title="renamed"), make_item(3)], at=later)

    gh = store.load_items(["gh"])
    assert [i.id for i in gh] == [make_item(2).id, make_item(3).id]
    assert gh[0].title == "renamed"
    assert [i.source for i in store.load_items(["gl"])] == ["gl"]
    assert len(store.load_items()) == 3
    assert store.load_items([]) == []

    seen = store.first_seen()
    assert seen[make_item(1).id] == NOW  # gone from the snapshot, still remembered
    assert seen[make_item(2).id] == NOW  # known before: keeps its first time
    assert seen[make_item(3).id] == later
    # The dashboard's "new" marks: only ids first stored after the last look.
    assert store.seen_since(NOW) == {make_item(3).id}
    assert store.seen_since(NOW - timedelta(seconds=1)) == {make_item(i).id for i in (1, 2, 3, 9)}
    assert store.seen_since(later) == set()


def test_empty_snapshot_clears_a_source(store: Store) -> None:
    store.save_snapshot("gh", [make_item(1)], at=NOW)
    store.save_snapshot("gh", [], at=NOW)
    assert store.load_items() == []


def test_repeated_id_in_one_snapshot_keeps_the_last(store: Store) -> None:
    store.save_snapshot("gh", [make_item(1, title="a"), make_item(1, title="b")], at=NOW)
    assert [i.title for i in store.load_items()] == ["b"]


def test_stale_flags(store: Store) -> None:
    assert store.stale_sources() == set()
    store.mark_stale("gh", True)
    store.mark_stale("gl", True)
    store.mark_stale("gl", False)
    assert store.stale_sources() == {"gh"}


def test_unreadable_row_is_skipped_not_fatal(store: Store) -> None:
    store.save_snapshot("gh", [make_item(1), make_item(2)], at=NOW)
    store._db.conn.execute("UPDATE items SET data = '{\"id\": 1}' WHERE pos = 0")
    assert [i.id for i in store.load_items()] == [make_item(2).id]


def test_ten_thousand_items_round_trip(store: Store) -> None:
    items = [replace(make_item(n), impact=float(n % 7)) for n in range(10_000)]
    store.save_snapshot("gh", items, at=NOW)
    store.save_snapshot("gh", items, at=NOW + timedelta(minutes=5))
    loaded = store.load_items()
    assert len(loaded) == 10_000
    assert loaded[0] == items[0] and loaded[-1] == items[-1]
    assert len(store.first_seen()) == 10_000


def test_last_look(store: Store) -> None:
    assert store.last_look() is None
    store.set_last_look(NOW)
    assert store.last_look() == NOW


def test_an_item_that_leaves_under_a_decision_is_kept_with_its_outcome_time(store: Store) -> None:
    """A re-run turned the build green: the item leaves the snapshot but the dashboard can still
    show it (issue 16); an item nobody decided anything about just goes."""
    from gluetui.events import EventAction

    store.save_snapshot("gh", [make_item(1), make_item(2), make_item(3)], at=NOW)
    store.record(make_item(1).id, EventAction.DELEGATED, at=NOW, automation="rerun")
    later = NOW + timedelta(hours=1)
    store.save_snapshot("gh", [make_item(3)], at=later)
    (gone,) = store.gone_items()
    assert gone.item == make_item(1) and gone.gone_at == later
    assert store.gone_ids() == {make_item(1).id}
    # Back on the forge: not gone any more.
    store.save_snapshot("gh", [make_item(1), make_item(3)], at=later + timedelta(hours=1))
    assert store.gone_items() == [] and store.gone_ids() == set()
    # Kept for GONE_KEEP_DAYS, then forgotten.
    from gluetui.store.snapshot import GONE_KEEP_DAYS

    store.save_snapshot("gh", [make_item(3)], at=later + timedelta(hours=2))
    assert store.gone_ids() == {make_item(1).id}
    store.save_snapshot("gh", [make_item(3)], at=later + timedelta(days=GONE_KEEP_DAYS + 1))
    assert store.gone_ids() == set()


def test_arrivals_and_watching_since_remember_the_first_sighting(store: Store) -> None:
    store.save_snapshot("gh", [make_item(1), make_item(2, since=NOW - timedelta(days=2))], at=NOW)
    later = NOW + timedelta(days=3)
    moved = make_item(2, since=NOW, effort_hours=4.0)  # the window slid: its arrival must not
    store.save_snapshot("gh", [moved, make_item(3, since=later - timedelta(hours=5))], at=later)
    assert store.watching_since() == {"gh": NOW}
    got = {a.item_id: a for a in store.arrivals(NOW - timedelta(days=30))}
    assert set(got) == {make_item(2).id, make_item(3).id}  # item 1 arrived 90 days ago
    assert got[make_item(2).id].arrived == NOW - timedelta(days=2)
    assert got[make_item(2).id].hours == 0.5 and got[make_item(2).id].kind == "stale_doc"
    assert got[make_item(3).id].arrived == later - timedelta(hours=5)
