"""Batches: several routes confirmed at once (a batch hand-off), remembered until each is settled.

The batch is written whole before anything is acted on, one row per item with the item as it
was confirmed. Each member is then settled on its own: a delegation through the delegation
journal (its own idempotency key), a take or a leave through the decision log. A crash in the
middle leaves the unsettled members here, so the next start can finish the batch without
losing one (a member never started is started) or repeating one (a member whose intent is in
the journal is reconciled with the forge, never sent again): see :mod:`gluetui.delegate.batch`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gluetui.errors import StoreError

from .db import Part, from_text, opt_time, storable, to_text

_COLUMNS = (
    "batch, pos, item_id, route, automation, hours, reason, item, created_at,"
    " finished_at, outcome, message"
)


@dataclass(frozen=True, slots=True)
class BatchMember:
    """One item of a batch: the route confirmed for it and, once settled, how it went.

    ``outcome`` is ``ok``, ``failed``, ``unknown`` (a hand-off the forge cannot confirm) or
    ``skipped`` (the item had changed hands by the time it came up); "" until settled.
    """

    batch: str
    pos: int
    item_id: str
    route: str
    automation: str
    hours: float
    reason: str
    item: Mapping[str, Any]
    created_at: datetime
    finished_at: datetime | None = None
    outcome: str = ""
    message: str = ""

    @property
    def settled(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True, slots=True)
class NewMember:
    """A member as the batch is written: the item (as ``Item.to_json``) and its route."""

    item: Mapping[str, Any]
    route: str
    automation: str = ""
    hours: float = 0.0
    reason: str = ""


def _member(row: tuple[Any, ...]) -> BatchMember:
    batch, pos, item_id, route, automation, hours, reason, item, created, finished, outcome, msg = (
        row
    )
    return BatchMember(
        batch=batch,
        pos=int(pos),
        item_id=item_id,
        route=route,
        automation=automation,
        hours=float(hours),
        reason=reason,
        item=json.loads(item),
        created_at=from_text(created),
        finished_at=opt_time(finished),
        outcome=outcome,
        message=message_of(msg),
    )


def message_of(value: object) -> str:
    return value if isinstance(value, str) else ""


class BatchPart(Part):
    def batch_create(self, members: Sequence[NewMember], *, at: datetime) -> str:
        """Write a batch (every member, in order, in one transaction); returns its id."""
        import uuid  # here: opening the store (items --json) does not need it

        batch = uuid.uuid4().hex
        stamp = to_text(at)
        rows = [
            (
                batch,
                pos,
                storable(str(m.item["id"])),
                m.route,
                storable(m.automation),
                float(m.hours),
                storable(m.reason),
                storable(json.dumps(dict(m.item), ensure_ascii=False)),
                stamp,
            )
            for pos, m in enumerate(members)
        ]

        def insert(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO batches (batch, pos, item_id, route, automation, hours, reason,"
                " item, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

        self._db.write(insert)
        return batch

    def batch_settle(
        self, batch: str, pos: int, *, outcome: str, message: str = "", at: datetime
    ) -> None:
        """Record how one member went (a later call for the same member replaces it)."""
        row = (to_text(at), outcome, storable(message), batch, pos)

        def update(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "UPDATE batches SET finished_at = ?, outcome = ?, message = ?"
                " WHERE batch = ? AND pos = ?",
                row,
            )
            return cur.rowcount

        if self._db.write(update) != 1:
            raise StoreError(
                f"No batch member {batch}:{pos} to settle.", "This is a bug in gluetui."
            )

    def batch_members(self, batch: str) -> list[BatchMember]:
        """The members of ``batch``, in the order they were confirmed."""
        sql = f"SELECT {_COLUMNS} FROM batches WHERE batch = ? ORDER BY pos"  # noqa: S608
        return [_member(r) for r in self._db.read(lambda c: c.execute(sql, (batch,)).fetchall())]

    def unsettled_batches(self) -> list[str]:
        """Batches with a member not settled yet (left by a crash, or running now), oldest first."""
        rows = self._db.read(
            lambda c: c.execute(
                "SELECT batch FROM batches WHERE finished_at IS NULL"
                " GROUP BY batch ORDER BY min(rowid)"
            ).fetchall()
        )
        return [str(batch) for (batch,) in rows]
