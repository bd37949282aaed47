"""When each source was last refreshed and how it went, for the status bar and ``gluetui report``.

Only the last :data:`KEEP_RUNS` runs per source are kept; older history has no reader.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .db import Part, from_text, opt_time, storable, to_text

KEEP_RUNS = 100

_COLUMNS = "id, source, started_at, finished_at, ok, error, items, stats"


@dataclass(frozen=True, slots=True)
class SyncRun:
    """One refresh of one source; ``finished_at`` and ``ok`` are None while it runs (or if it died)."""

    id: int
    source: str
    started_at: datetime
    finished_at: datetime | None = None
    ok: bool | None = None
    error: str = ""
    items: int = 0
    stats: Mapping[str, Any] = field(default_factory=dict)


def _run(row: tuple[Any, ...]) -> SyncRun:
    id_, source, started_at, finished_at, ok, error, items, stats = row
    return SyncRun(
        id=int(id_),
        source=source,
        started_at=from_text(started_at),
        finished_at=opt_time(finished_at),
        ok=None if ok is None else bool(ok),
        error=error,
        items=int(items),
        stats=json.loads(stats),
    )


class SyncRunsPart(Part):
    def sync_started(self, source: str, *, at: datetime) -> int:
        """Record the start of a refresh; returns the run id for :meth:`sync_finished`."""

        def start(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO sync_runs (source, started_at) VALUES (?, ?)", (source, to_text(at))
            )
            conn.execute(
                "DELETE FROM sync_runs WHERE source = ? AND id <= (SELECT id FROM sync_runs"
                " WHERE source = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (source, source, KEEP_RUNS),
            )
            return int(cur.lastrowid or 0)

        return self._db.write(start)

    def sync_finished(
        self,
        run_id: int,
        *,
        at: datetime,
        ok: bool,
        error: str = "",
        items: int = 0,
        stats: Mapping[str, Any] | None = None,
    ) -> None:
        row = (to_text(at), int(ok), storable(error), items, json.dumps(dict(stats or {})), run_id)
        self._db.write(
            lambda c: c.execute(
                "UPDATE sync_runs SET finished_at = ?, ok = ?, error = ?, items = ?, stats = ?"
                " WHERE id = ?",
                row,
            )
        )

    def last_syncs(self) -> dict[str, SyncRun]:
        """The latest run per source, finished or not."""
        sql = (
            f"SELECT {_COLUMNS} FROM sync_runs"  # noqa: S608 - constant columns
            " WHERE id IN (SELECT max(id) FROM sync_runs GROUP BY source) ORDER BY source"
        )
        rows = self._db.read(lambda c: c.execute(sql).fetchall())
        return {run.source: run for run in map(_run, rows)}
