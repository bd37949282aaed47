"""The last items of each source, so the dashboard starts instantly; when each id was first seen
and when it arrived on the forge; and the items that left while a decision was on them.

A snapshot is replaced whole per source in one transaction: a reader sees the old set or the new
one, never a mix. When part of a refresh failed (a repository, an owner's listing, or only the docs
of a repository), the same transaction keeps that part's last good items and records the failure
(:meth:`SnapshotPart.failures`), so the dashboard marks those items stale and says why; a panel is
never emptied by a partial failure. Items are stored as the JSON ``Item.to_json`` gives, one row each, with the
triage state reset to open — the state is derived from the decision log, never stored. Each row
also carries its kind, impact and start time in indexed columns, so a panel's first screenful is
one index walk (:meth:`SnapshotPart.top_rows`) instead of parsing all 10,000 rows.

``seen`` remembers every id ever stored with its first sighting, and — as it was then — its
source, its arrival on the forge (``Item.since``), its kind and its estimate: the capacity
forecast counts glue work that arrived while gluetui was watching, resolved work included
(:meth:`SnapshotPart.arrivals`). ``gone`` keeps, for :data:`GONE_KEEP_DAYS`, the last state of an
item that left its source's snapshot while a decision was on it, so a re-run that turned a build
green shows as an outcome instead of a vanishing row.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from gluetui.model import Item, State

from .db import Part, from_text, storable, to_text

if TYPE_CHECKING:  # at run time only where failures are read: `items --json` never loads it
    from gluetui.records import RepoError

log = logging.getLogger(__name__)

#: One ``items`` row as inserted.
_Row = tuple[str, str, int, str, str, float, float, str | None, float | None]


# json_valid (once a row) guards json_extract, which would fail the whole query on one damaged
# row. A suggestion's route and hours have columns of their own.
_ALL_ROWS_SQL = (
    "SELECT data, id, CASE WHEN valid THEN json_extract(data, '$.kind') END,"
    " CASE WHEN valid THEN json_extract(data, '$.impact') END, route, cost FROM"
    " (SELECT data, id, source, pos, route, cost, json_valid(data) AS valid FROM items)"
)
# The dashboard's impact order (``gluetui.ui.ordering``): most impact, then oldest, then id.
_TOP_ROWS_SQL = (
    "SELECT data, id, kind, impact FROM items WHERE kind = ?"
    " ORDER BY impact DESC, since_ts, id LIMIT ?"
)


#: How long an item that left the snapshot under a decision is kept to show its outcome.
GONE_KEEP_DAYS = 30


class Arrival(NamedTuple):
    """One piece of glue work as gluetui first saw it: where from, when it arrived on the forge
    (``Item.since``), what kind, and its estimate then."""

    item_id: str
    source: str
    arrived: datetime
    kind: str
    hours: float


class GoneItem(NamedTuple):
    """An item that left its source's snapshot while a decision was on it, and when it left."""

    item: Item
    gone_at: datetime


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
    def save_snapshot(
        self,
        source: str,
        items: Sequence[Item],
        *,
        at: datetime,
        failed: Sequence[RepoError] = (),
        fresh: Collection[str] = (),
    ) -> list[Item]:
        """Replace ``source``'s items; ids seen before keep their first-seen time.

        ``failed`` are the parts of this refresh that failed, ``fresh`` the repositories it did
        read. A stored item survives when a failure covers its repository (``acme/app``, or
        ``acme/*`` for an owner) and this refresh did not read that repository, or when the
        failure names its kind (then the new items of that kind and repository give way to it).
        Returns the items kept that way.

        Rows are serialised one at a time as SQLite inserts them (10,000 items as JSON at once
        were 35 MB), and the old rows are read only when some of them may be kept. A repeated id
        keeps its last occurrence.
        """
        fresh_names = {r.lower() for r in fresh}
        narrow = [e for e in failed if e.kinds]
        if narrow:
            items = [
                i
                for i in items
                if not any(e.covers(i.repo) and i.kind.value in e.kinds for e in narrow)
            ]
        src = storable(source)

        def row(pos: int, item: Item) -> _Row:
            return (
                src,
                storable(item.id),
                pos,
                _item_json(item),
                item.kind.value,
                round(item.impact, 3),  # as stored in the JSON, so both orders agree
                item.since.timestamp(),
                None if item.suggestion is None else item.suggestion.route.value,
                None if item.suggestion is None else round(item.suggestion.hours, 2),
            )

        stamp = to_text(at)

        def seen() -> Iterator[tuple[str, str, str, str, str, float]]:
            for item in items:
                yield (
                    storable(item.id),
                    stamp,
                    src,
                    to_text(item.since),
                    item.kind.value,
                    round(item.effort_hours, 2),
                )

        oldest = to_text(at - timedelta(days=GONE_KEEP_DAYS))
        failures = [
            (source, storable(e.repo), ",".join(e.kinds), storable(e.title), storable(e.hint))
            for e in failed
        ]
        kept: list[Item] = []

        def keeps(item: Item) -> bool:
            for e in failed:
                if not e.covers(item.repo):
                    continue
                if e.kinds:
                    if item.kind.value in e.kinds:
                        return True
                elif item.repo.lower() not in fresh_names:
                    return True
            return False

        def replace(conn: sqlite3.Connection) -> None:
            carried: list[_Row] = []
            ids = [storable(item.id) for item in items]
            if failed:
                old = conn.execute(
                    "SELECT data FROM items WHERE source = ? ORDER BY pos", (source,)
                ).fetchall()
                known = set(ids)
                for item in parse_rows(SnapshotRow(data, "", None, None) for (data,) in old):
                    if keeps(item) and storable(item.id) not in known:
                        kept.append(item)
                        carried.append(row(len(items) + len(carried), item))
                del old
            # One parameter whatever the number of ids (SQLite caps the number of parameters).
            current = json.dumps(ids + [r[1] for r in carried])
            # Leaving under a decision: remembered with its last state, to show the outcome. An
            # item kept because its part of the refresh failed has not left.
            conn.execute(
                "INSERT OR REPLACE INTO gone (id, source, data, gone_at)"
                " SELECT id, source, data, ? FROM items WHERE source = ?"
                " AND id NOT IN (SELECT value FROM json_each(?))"
                " AND id IN (SELECT item_id FROM events)",
                (stamp, source, current),
            )
            conn.execute(
                "DELETE FROM gone WHERE gone_at < ? OR id IN (SELECT value FROM json_each(?))",
                (oldest, current),
            )
            conn.execute("DELETE FROM items WHERE source = ?", (source,))
            conn.executemany(
                "INSERT OR REPLACE INTO items"
                " (source, id, pos, data, kind, impact, since_ts, route, cost)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                itertools.chain(itertools.starmap(row, enumerate(items)), carried),
            )
            # The first sighting is kept: arrival, kind and estimate as they were then (a flaky
            # job's first flake slides with the window; its arrival must not).
            conn.executemany(
                "INSERT OR IGNORE INTO seen (item_id, first_seen, source, arrived, kind, hours)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                seen(),
            )
            conn.execute("DELETE FROM snapshot_failures WHERE source = ?", (source,))
            conn.executemany(
                "INSERT OR REPLACE INTO snapshot_failures (source, scope, kinds, title, hint)"
                " VALUES (?, ?, ?, ?, ?)",
                failures,
            )

        self._db.write(replace)
        return kept

    def failures(self, sources: Iterable[str] | None = None) -> dict[str, list[RepoError]]:
        """Source -> what failed in its last saved refresh (its kept items are stale)."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT source, scope, kinds, title, hint FROM snapshot_failures"
                " ORDER BY source, scope"
            ).fetchall()
        )
        from gluetui.records import RepoError

        wanted = None if sources is None else set(sources)
        out: dict[str, list[RepoError]] = {}
        for source, scope, kinds, title, hint in rows:
            if wanted is not None and source not in wanted:
                continue
            kinds_t = tuple(k for k in str(kinds).split(",") if k)
            out.setdefault(source, []).append(RepoError(scope, title, hint, kinds_t))
        return out

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
        """Every stored row as text, in no particular order, for callers that can skip parsing
        and sort by impact themselves (``gluetui items --json`` prints most rows as they are;
        ordering the 7 MB of rows in SQLite cost it a third of its query).

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

    def seen_since(self, since: datetime) -> set[str]:
        """Ids first stored after ``since``: the dashboard's "new" marks, without a datetime
        for each of the thousands of ids ever seen."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT item_id FROM seen WHERE first_seen > ?", (to_text(since),)
            ).fetchall()
        )
        return {item_id for (item_id,) in rows}

    def arrivals(self, since: datetime) -> list[Arrival]:
        """Glue work that arrived on the forge from ``since`` on, as first seen (resolved too)."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT item_id, source, arrived, kind, hours FROM seen"
                " WHERE arrived >= ? AND source IS NOT NULL ORDER BY arrived, item_id",
                (to_text(since),),
            ).fetchall()
        )
        return [
            Arrival(item_id, source, from_text(arrived), kind or "", float(hours or 0.0))
            for item_id, source, arrived, kind, hours in rows
        ]

    def watching_since(self) -> dict[str, datetime]:
        """Source -> when gluetui first stored an item of it (what arrived before is backlog)."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT source, min(first_seen) FROM seen WHERE source IS NOT NULL GROUP BY source"
            ).fetchall()
        )
        return {source: from_text(at) for source, at in rows}

    def gone_items(self) -> list[GoneItem]:
        """Items that left their snapshot under a decision (state open), newest first."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT data, gone_at FROM gone WHERE id NOT IN (SELECT id FROM items)"
                " ORDER BY gone_at DESC, id"
            ).fetchall()
        )
        out: list[GoneItem] = []
        for data, gone_at in rows:
            for item in parse_rows([SnapshotRow(data, "", None, None)]):
                out.append(GoneItem(item, from_text(gone_at)))
        return out

    def gone_ids(self) -> set[str]:
        """The ids of :meth:`gone_items` (cheap: no item is parsed)."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT id FROM gone WHERE id NOT IN (SELECT id FROM items)"
            ).fetchall()
        )
        return {item_id for (item_id,) in rows}

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
