"""The append-only decision log. Undo is a new ``undone`` event, never a deletion.

The log is the source of truth for triage state and capacity; the SQL triggers of migration 1
refuse updates and deletes so that no code path can rewrite history.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from gluetui.events import Event, EventAction

from .db import Part, from_text, opt_text, opt_time, storable, to_text, utc

_COLUMNS = "id, item_id, action, at, note, hours, until, automation, fingerprint, data, undoes"

# The latest decision that is not an undo and has not been undone.
_LATEST_UNDOABLE = (
    f"SELECT {_COLUMNS} FROM events AS e WHERE e.action != 'undone'"  # noqa: S608 - constant
    " AND NOT EXISTS (SELECT 1 FROM events AS u WHERE u.undoes = e.id)"
    " ORDER BY e.id DESC LIMIT 1"
)


def _event(row: tuple[Any, ...]) -> Event:
    id_, item_id, action, at, note, hours, until, automation, fp, data, undoes = row
    return Event(
        id=int(id_),
        item_id=item_id,
        action=EventAction(action),
        at=from_text(at),
        note=note,
        hours=None if hours is None else float(hours),
        until=opt_time(until),
        automation=automation,
        fingerprint=fp,
        data=json.loads(data),
        undoes=None if undoes is None else int(undoes),
    )


class EventLogPart(Part):
    def record(
        self,
        item_id: str,
        action: EventAction,
        *,
        at: datetime,
        note: str = "",
        hours: float | None = None,
        until: datetime | None = None,
        automation: str = "",
        fingerprint: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> Event:
        """Append one decision. ``undone`` is not accepted here: use :meth:`undo_last`."""
        action = EventAction(action)
        hours = None if hours is None else float(hours)
        if action == EventAction.UNDONE:
            raise ValueError("record() does not take 'undone'; use undo_last()")
        extra = dict(data or {})
        row = (
            storable(item_id),
            action.value,
            to_text(at),
            storable(note),
            hours,
            opt_text(until),
            storable(automation),
            storable(fingerprint),
            storable(json.dumps(extra, ensure_ascii=False)),
        )

        def insert(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO events (item_id, action, at, note, hours, until, automation,"
                " fingerprint, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid or 0)

        event_id = self._db.write(insert)
        return Event(
            id=event_id,
            item_id=item_id,
            action=action,
            at=utc(at),
            note=note,
            hours=hours,
            until=None if until is None else utc(until),
            automation=automation,
            fingerprint=fingerprint,
            data=extra,
        )

    def events(self, item_id: str | None = None, *, since: datetime | None = None) -> list[Event]:
        """The log, oldest first; optionally one item's, and/or from ``since`` on (inclusive)."""
        where: list[str] = []
        params: list[str] = []
        if item_id is not None:
            where.append("item_id = ?")
            params.append(item_id)
        if since is not None:
            where.append("at >= ?")
            params.append(to_text(since))
        sql = f"SELECT {_COLUMNS} FROM events"  # noqa: S608 - constant columns, placeholders only
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        rows = self._db.read(lambda c: c.execute(sql, params).fetchall())
        return [_event(r) for r in rows]

    def undo_last(
        self, *, at: datetime, note_for: Callable[[Event], str] | None = None
    ) -> Event | None:
        """Cancel the latest decision still in force; returns it (None when there is none).

        Undo events themselves are never undone (no redo), so repeated undos walk back through
        the log one decision at a time. ``note_for`` (pure: it runs inside the write) gives the
        undo's note from the decision it cancels, e.g. what stays on the forge.
        """
        stamp = to_text(at)

        def undo(conn: sqlite3.Connection) -> Event | None:
            row = conn.execute(_LATEST_UNDOABLE).fetchone()
            if row is None:
                return None
            target = _event(row)
            note = note_for(target) if note_for is not None else ""
            conn.execute(
                "INSERT INTO events (item_id, action, at, undoes, note)"
                " VALUES (?, 'undone', ?, ?, ?)",
                (target.item_id, stamp, target.id, storable(note)),
            )
            return target

        return self._db.write(undo)
