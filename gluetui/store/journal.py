"""The delegation journal: the intent is written before the forge call and the outcome after.

After a crash, an intent without an outcome says "this may or may not have happened" — the
delegation code reconciles it with the forge instead of posting twice. The idempotency key is the
primary key, so a double key press cannot start the same action twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gluetui.errors import StoreError

from .db import Part, from_text, opt_time, storable, to_text

_COLUMNS = "key, item_id, automation, request, intent_at, outcome_at, ok, message, url, ref"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One delegation: what was asked and, once known, how it went."""

    key: str
    item_id: str
    automation: str
    request: Mapping[str, Any]
    intent_at: datetime
    outcome_at: datetime | None = None
    ok: bool | None = None
    message: str = ""
    url: str = ""
    ref: str = ""

    @property
    def pending(self) -> bool:
        """Intent written, outcome unknown (in flight, or interrupted by a crash)."""
        return self.outcome_at is None


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    key, item_id, automation, request, intent_at, outcome_at, ok, message, url, ref = row
    return JournalEntry(
        key=key,
        item_id=item_id,
        automation=automation,
        request=json.loads(request),
        intent_at=from_text(intent_at),
        outcome_at=opt_time(outcome_at),
        ok=None if ok is None else bool(ok),
        message=message,
        url=url,
        ref=ref,
    )


class JournalPart(Part):
    def journal_intent(
        self,
        key: str,
        *,
        item_id: str,
        automation: str,
        request: Mapping[str, Any],
        at: datetime,
    ) -> bool:
        """Write the intent; False when ``key`` is already journaled (do not run it again)."""
        row = (
            storable(key),
            storable(item_id),
            storable(automation),
            storable(json.dumps(dict(request), ensure_ascii=False)),
            to_text(at),
        )

        def insert(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "INSERT OR IGNORE INTO journal (key, item_id, automation, request, intent_at)"
                " VALUES (?, ?, ?, ?, ?)",
                row,
            )
            return cur.rowcount == 1

        return self._db.write(insert)

    def journal_outcome(
        self, key: str, *, ok: bool, message: str, url: str = "", ref: str = "", at: datetime
    ) -> None:
        """Record how the action went. A later outcome for the same key replaces the earlier one."""
        row = (to_text(at), int(ok), storable(message), storable(url), storable(ref), storable(key))

        def update(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "UPDATE journal SET outcome_at = ?, ok = ?, message = ?, url = ?, ref = ?"
                " WHERE key = ?",
                row,
            )
            return cur.rowcount

        if self._db.write(update) != 1:
            raise StoreError(
                f"No delegation intent was journaled for key {key!r}.",
                "This is a bug in gluetui: the intent must be written before the outcome.",
            )

    def journal_pending(self) -> list[JournalEntry]:
        """Intents without an outcome, oldest first."""
        sql = f"SELECT {_COLUMNS} FROM journal WHERE outcome_at IS NULL ORDER BY rowid"  # noqa: S608
        return [_entry(r) for r in self._db.read(lambda c: c.execute(sql).fetchall())]

    def journal(self, item_id: str | None = None) -> list[JournalEntry]:
        """Every entry (or one item's), oldest first."""
        sql = f"SELECT {_COLUMNS} FROM journal"  # noqa: S608 - constant columns
        params: tuple[str, ...] = ()
        if item_id is not None:
            sql += " WHERE item_id = ?"
            params = (item_id,)
        sql += " ORDER BY rowid"
        return [_entry(r) for r in self._db.read(lambda c: c.execute(sql, params).fetchall())]
