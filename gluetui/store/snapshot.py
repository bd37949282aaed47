"""The last items of each source, so the dashboard starts instantly, and when each id was first seen.

A snapshot is replaced whole per source in one transaction: a reader sees the old set or the new
one, never a mix. Items are stored as the JSON ``Item.to_json`` gives, one row each, with the
triage state reset to open — the state is derived from the decision log, never stored. Each row
also carries its kind, impact and start time in indexed columns, so a panel's first screenful is
one index walk (:meth:`SnapshotPart.top_rows`) instead of parsing all 10,000 rows.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from gluetui.model import Item, State

from .db import Part, from_text, storable, to_text

log = logging.getLogger(__name__)


# json_valid (once a row) guards json_extract, which would fail the whole query on one damaged
# row. A suggestion's route and hours have columns of their own.
_ALL_ROWS_SQL = (
    "SELECT data, id, CASE WHEN valid THEN json_extract(data, '$.kind') END,"
    " CASE WHEN valid THEN json_extract(data, '$.impact') END, route, cost FROM"
    " (SELECT data, id, source, pos, route, cost, json_valid(data) AS valid FROM items)"
    " ORDER BY source, pos"
)
# The dashboard's impact order (``gluetui.ui.ordering``): most impact, then oldest, then id.
_TOP_ROWS_SQL = (
    "SELECT data, id, kind, impact FROM items WHERE kind = ?"
    " ORDER BY impact DESC, since_ts, id LIMIT ?"
)


class SnapshotRow(NamedTuple):
    """One stored item as text, with what filtering and sorting need without parsing it.

    ``kind`` and ``impact`` are None when the row is not readable JSON; ``route`` and ``cost``
    are its suggestion's route and hours, kept in columns of their own when it is saved (None
    when it has none, or when they were not read).
    """

    text: str
    id: str
    kind: str | None
    impact: float | None
    route: str | None = None
    cost: float | None = None


def parse_rows(rows: Iterable[SnapshotRow]) -> list[Item]:
    """The rows' Items (state open); a row this version cannot read is skipped with a warning.

    Skipping keeps one damaged or newer row from hiding every other item.
    """
    items: list[Item] = []
    for row in rows:
        try:
            items.append(Item.from_json(json.loads(row.text)))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("skipping an unreadable stored item: %s", type(exc).__name__)
    return items


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
            (
                storable(source),
                storable(item.id),
                pos,
                _item_json(item),
                item.kind.value,
                round(item.impact, 3),  # as stored in the JSON, so both orders agree
                item.since.timestamp(),
                None if item.suggestion is None else item.suggestion.route.value,
                None if item.suggestion is None else round(item.suggestion.hours, 2),
            )
            for pos, item in enumerate(items)
        ]
        stamp = to_text(at)
        seen = [(storable(item.id), stamp) for item in items]

        def replace(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM items WHERE source = ?", (source,))
            conn.executemany(
                "INSERT OR REPLACE INTO items"
                " (source, id, pos, data, kind, impact, since_ts, route, cost)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
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
        return parse_rows(SnapshotRow(data, "", None, None) for (data,) in rows)

    def snapshot_rows(self) -> list[SnapshotRow]:
        """Every stored row as text, in :meth:`load_items` order, for callers that can skip
        parsing (``gluetui items --json`` prints most rows as they are).

        Kind and impact are read from the JSON itself, so a damaged row says so (None).
        """
        rows = self._db.read(lambda c: c.execute(_ALL_ROWS_SQL).fetchall())
        return [SnapshotRow(*row) for row in rows]

    def top_rows(self, kind: str, limit: int) -> list[SnapshotRow]:
        """Up to ``limit`` rows of ``kind``, most impact first (then oldest, then id), as text.

        An index walk, not a scan: the dashboard's first screenful costs the same at 10,000
        items as at ten. Parse them with :func:`parse_rows`.
        """
        if limit <= 0:
            return []
        rows = self._db.read(lambda c: c.execute(_TOP_ROWS_SQL, (kind, limit)).fetchall())
        return [SnapshotRow(*row) for row in rows]

    def count_by_kind(self) -> dict[str, int]:
        """Kind -> how many stored items (every state): a panel's count before the full load."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT kind, count(*) FROM items WHERE kind IS NOT NULL GROUP BY kind"
            ).fetchall()
        )
        return {str(kind): int(n) for kind, n in rows}

    def first_seen(self, ids: Iterable[str] | None = None) -> dict[str, datetime]:
        """Item id -> the first time any snapshot held it (kept after the item goes away).

        With ``ids``, only those (a screenful's worth, without reading every id).
        """
        if ids is None:
            rows = self._db.read(
                lambda c: c.execute("SELECT item_id, first_seen FROM seen").fetchall()
            )
        else:
            # One parameter whatever the number of ids (SQLite caps the number of parameters).
            wanted = json.dumps(sorted(set(ids)))
            rows = self._db.read(
                lambda c: c.execute(
                    "SELECT item_id, first_seen FROM seen"
                    " WHERE item_id IN (SELECT value FROM json_each(?))",
                    (wanted,),
                ).fetchall()
            )
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
