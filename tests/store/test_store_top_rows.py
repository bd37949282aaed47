"""A panel's first screenful from the index (migration 3): same order as the dashboard's sort."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from store_helpers import NOW, make_item

from gluetui.model import Item, Kind
from gluetui.store import Store
from gluetui.store.migrations import MIGRATIONS, apply
from gluetui.store.snapshot import parse_rows
from gluetui.ui.ordering import SortKey, sort_items


def _mixed(n: int) -> list[Item]:
    kinds = list(Kind)
    return [
        replace(
            make_item(i),
            id=f"item-{i:04d}",
            kind=kinds[i % len(kinds)],
            impact=float(i % 5) + 0.0004,  # rounded to 3 places when stored, as in the JSON
            since=NOW - timedelta(hours=i % 7),  # ties on impact break on age, then id
        )
        for i in range(n)
    ]


def test_top_rows_are_the_dashboards_first_rows_of_a_kind(store: Store) -> None:
    items = _mixed(400)
    store.save_snapshot("gh", items[:250], at=NOW)
    store.save_snapshot("gl", items[250:], at=NOW)
    for kind in Kind:
        loaded = [i for i in store.load_items() if i.kind is kind]
        expected = [i.id for i in sort_items(loaded, SortKey.IMPACT)][:17]
        rows = store.top_rows(kind.value, 17)
        assert [r.id for r in rows] == expected
        assert {r.kind for r in rows} == {kind.value}
        assert parse_rows(rows) == [i for i in sort_items(loaded, SortKey.IMPACT)][:17]
    assert store.top_rows(Kind.STALE_DOC.value, 0) == []
    assert store.count_by_kind() == {k.value: 100 for k in Kind}


def test_top_rows_use_the_index(store: Store) -> None:
    plan = store._db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT data FROM items WHERE kind = ?"
        " ORDER BY impact DESC, since_ts, id LIMIT 5",
        ("stale_doc",),
    ).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "items_kind_impact" in details
    assert "TEMP B-TREE" not in details  # no sort of the whole kind


def test_first_seen_of_some_ids(store: Store) -> None:
    store.save_snapshot("gh", [make_item(1), make_item(2)], at=NOW)
    assert store.first_seen([make_item(2).id, "unknown"]) == {make_item(2).id: NOW}
    assert store.first_seen([]) == {}


def test_snapshot_rows_are_the_stored_text_and_flag_damage(store: Store) -> None:
    store.save_snapshot("gh", [make_item(1), make_item(2)], at=NOW)
    store._db.conn.execute("UPDATE items SET data = '{no' WHERE pos = 0")
    damaged, good = store.snapshot_rows()
    assert (damaged.kind, damaged.impact) == (None, None)
    assert (good.id, good.kind, good.impact) == (make_item(2).id, "stale_doc", 1.5)
    assert parse_rows([damaged, good]) == [make_item(2)]


def test_version_2_file_gets_the_columns_filled_from_its_rows(store_file: Path) -> None:
    store_file.parent.mkdir(parents=True)
    with Store.open(store_file) as store:  # the JSON rows a version 2 file holds are the same
        store.save_snapshot("gh", [make_item(1), replace(make_item(2), impact=7.0)], at=NOW)
        texts = [(r.id, r.text) for r in store.snapshot_rows()]
    old = store_file.with_name("old.sqlite3")
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("BEGIN")
    apply(conn, MIGRATIONS[:2], 0)
    for pos, (item_id, text) in enumerate(texts):
        conn.execute(
            "INSERT INTO items (source, id, pos, data) VALUES ('gh', ?, ?, ?)",
            (item_id, pos, text),
        )
    conn.execute("INSERT INTO items (source, id, pos, data) VALUES ('gh', 'bad', 9, '{no')")
    conn.execute("COMMIT")
    conn.close()

    with Store.open(old) as store:
        rows = store.top_rows(Kind.STALE_DOC.value, 5)
        assert [r.id for r in rows] == [make_item(2).id, make_item(1).id]
        assert [r.impact for r in rows] == [7.0, 1.5]
        ts = store._db.conn.execute("SELECT since_ts FROM items WHERE id = ?", (make_item(1).id,))
        assert abs(ts.fetchone()[0] - make_item(1).since.timestamp()) < 0.001
        assert store.count_by_kind() == {"stale_doc": 2}  # the damaged row has no kind
