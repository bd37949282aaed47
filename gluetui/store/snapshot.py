"""The last items of each source, so the dashboard starts instantly, and when each id was first seen.

A snapshot is replaced whole per source in one transaction: a reader sees the old set or the new
one, never a mix. Items are stored as the JSON ``Item.to_json`` gives, one row each, with the
triage state reset to open — the state is derived from the decision log, never stored.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from gluetui.model import Item, State

from .db import Part, from_text, storable, to_text

log = logging.getLogger(__name__)


def _item_json(item: Item) -> str:
    data = item.to_json()
    data["state"] = State.OPEN.value
    return storable(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


class SnapshotPart(Part):
    def save_snapshot(self, source: str, items: Sequence[Item], *, at: datetime) -> None:
        """Replace ``source``'s items; ids seen before keep their first-seen time.

        Serialisation happens before the transaction so the write lock is held only for the
        inserts. A repeated id keeps its last occurrence.
        """
        rows = [
            (storable(source), storable(item.id), pos, _item_json(item))
            for pos, item in enumerate(items)
        ]
        stamp = to_text(at)
        seen = [(storable(item.id), stamp) for item in items]

        def replace(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM items WHERE source = ?", (source,))
            conn.executemany(
                "INSERT OR REPLACE INTO items (source, id, pos, data) VALUES (?, ?, ?, ?)", rows
            )
            conn.executemany("INSERT OR IGNORE INTO seen (item_id, first_seen) VALUES (?, ?)", seen)

        self._db.write(replace)

    def load_items(self, sources: Iterable[str] | None = None) -> list[Item]:
        """Stored items (state open), by source then in the order they were saved.

        A row this version cannot read (written by a newer gluetui, say) is skipped with a
        warning rather than hiding every other item.
        """
        wanted = None if sources is None else sorted(set(sources))
        if wanted == []:
            return []
        sql = "SELECT data FROM items"
        params: tuple[str, ...] = ()
        if wanted is not None:
            sql += f" WHERE source IN ({','.join('?' * len(wanted))})"
            params = tuple(wanted)
        sql += " ORDER BY source, pos"
        rows = self._db.read(lambda c: c.execute(sql, params).fetchall())
        items: list[Item] = []
        for (data,) in rows:
            try:
                items.append(Item.from_json(json.loads(data)))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("skipping an unreadable stored item: %s", type(exc).__name__)
        return items

    def first_seen(self) -> dict[str, datetime]:
        """Item id -> the first time any snapshot held it (kept after the item goes away)."""
        rows = self._db.read(lambda c: c.execute("SELECT item_id, first_seen FROM seen").fetchall())
        return {item_id: from_text(at) for item_id, at in rows}

    def mark_stale(self, source: str, stale: bool) -> None:
        """Flag ``source`` whose last refresh failed, so its items are shown as old."""
        self._db.write(
            lambda c: c.execute(
                "INSERT INTO sources (source, stale) VALUES (?, ?)"
                " ON CONFLICT (source) DO UPDATE SET stale = excluded.stale",
                (source, int(stale)),
            )
        )

    def stale_sources(self) -> set[str]:
        rows = self._db.read(
            lambda c: c.execute("SELECT source FROM sources WHERE stale = 1").fetchall()
        )
        return {source for (source,) in rows}
