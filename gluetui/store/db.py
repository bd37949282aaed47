"""The SQLite connection: pragmas, short write transactions that outlast a busy file, error translation.

Several gluetui processes (a dashboard and a ``gluetui items --refresh``) and several threads of one
process (UI thread, refresh workers) write the same file. Every write is one short ``BEGIN IMMEDIATE``
transaction, so a writer takes the lock up front instead of failing half-way on a lock upgrade; the
busy timeout makes SQLite wait for the lock, and a retry loop with backoff covers the cases where
SQLite reports busy without waiting (WAL recovery, a checkpoint in progress).
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from gluetui.errors import StoreError
from gluetui.textsafe import encodable

T = TypeVar("T")

#: How long SQLite itself waits for a lock before reporting busy.
BUSY_TIMEOUT_MS = 15_000
#: How long the retry loop keeps trying past SQLite's own wait, in seconds.
RETRY_SECONDS = 30.0

# Primary result codes (the low byte of an extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether another connection holds the lock (worth retrying)."""
    if _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return True
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_corrupt(exc: sqlite3.Error) -> bool:
    """Whether the file is not a usable database at all (garbage, truncated, malformed)."""
    if _code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def translate(exc: sqlite3.Error, path: Path) -> StoreError:
    """Our error for a sqlite3 one: a title that says what failed and a hint that says what to do."""
    code = _code(exc)
    if is_busy(exc):
        return StoreError(
            f"The store at {path} stayed locked by another program.",
            "Close other gluetui windows or commands using it, then try again.",
        )
    if is_corrupt(exc):
        return StoreError(
            f"The store at {path} is damaged.",
            "Move the file aside or delete it; gluetui builds a fresh one on the next start.",
        )
    if code == _SQLITE_FULL:
        return StoreError(
            f"The disk holding the store at {path} is full.", "Free some space and try again."
        )
    if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN) or "unable to open" in str(exc).lower():
        return StoreError(
            f"Cannot open or write the store at {path}.",
            "Check that its directory exists and is writable, or set GLUETUI_DATA_DIR elsewhere.",
        )
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc).lower():
        return StoreError("The store was used after it was closed.", "This is a bug in gluetui.")
    return StoreError(f"The store at {path} failed: {exc}.", "Try again; report it if it persists.")


def storable(text: str) -> str:
    """``text`` as SQLite can take it: a lone surrogate (valid in a Python str, not in UTF-8) becomes U+FFFD.

    Forge JSON may carry ``"\\ud800"`` escapes in any string; one such branch name must not make a
    whole snapshot unwritable. Surrogate pairs are joined into the character they stand for.
    """
    return encodable(text)


def to_text(at: datetime) -> str:
    """ISO-8601 UTC with fixed width, so that text order is time order in SQL.

    A naive datetime is taken to be UTC already.
    """
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def opt_text(at: datetime | None) -> str | None:
    return None if at is None else to_text(at)


def from_text(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def opt_time(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


def utc(at: datetime) -> datetime:
    """``at`` as it comes back from the store (aware UTC, microsecond precision)."""
    return from_text(to_text(at))


Tx = Callable[[sqlite3.Connection], T]


class Database:
    """One connection, shared by the threads of one process under a lock.

    The lock serialises this process's threads on the connection; the busy timeout and
    ``BEGIN IMMEDIATE`` serialise writers across processes.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()

    @classmethod
    def connect(cls, path: Path) -> Database:
        """Open the file and set the pragmas. Raises sqlite3 errors (the caller decides on recovery)."""
        conn = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # threads share it under Database._lock
        )
        db = cls(conn, path)
        try:
            db.retrying(lambda c: c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))
            # Reading the header first makes a garbage file fail here, before anything else.
            db.retrying(lambda c: c.execute("SELECT count(*) FROM sqlite_master").fetchone())
            db.retrying(lambda c: c.execute("PRAGMA journal_mode = WAL").fetchone())
            db.retrying(lambda c: c.execute("PRAGMA foreign_keys = ON"))
            # FULL: a decision or a journal intent survives a power cut, not only a crash.
            db.retrying(lambda c: c.execute("PRAGMA synchronous = FULL"))
        except BaseException:
            conn.close()
            raise
        return db

    def retrying(self, fn: Tx[T]) -> T:
        """Run ``fn`` on the connection, retrying while the file is busy. Raises sqlite3 errors."""
        deadline = time.monotonic() + RETRY_SECONDS
        delay = 0.005
        while True:
            with self._lock:
                try:
                    return fn(self.conn)
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc) or time.monotonic() > deadline:
                        raise
            time.sleep(delay * (1 + random.random()))  # noqa: S311 - jitter, not crypto
            delay = min(delay * 2, 0.25)

    def transaction(self, fn: Tx[T]) -> T:
        """Run ``fn`` in one ``BEGIN IMMEDIATE`` transaction, retried whole if the file is busy."""

        def attempt(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    # The original error is the one worth reporting.
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            return result

        return self.retrying(attempt)

    def write(self, fn: Tx[T]) -> T:
        """A write transaction with sqlite3 errors translated to :class:`StoreError`."""
        try:
            return self.transaction(fn)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def read(self, fn: Tx[T]) -> T:
        """A read (one consistent statement, or several inside a read transaction), translated."""
        try:
            return self.retrying(fn)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def close(self) -> None:
        with self._lock:
            self.conn.close()


class Part:
    """Base of the Store's parts (snapshot, events, journal...): each reaches the file via ``_db``."""

    _db: Database
