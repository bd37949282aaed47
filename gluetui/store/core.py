"""The Store: one SQLite file holding everything gluetui remembers, and how it is opened.

Opening never leaves the user stuck: a file that is not a database (garbage, truncated) is moved
aside to ``<name>.corrupt-<timestamp>`` and a fresh store is built, and :attr:`Store.recovered_from`
says where the old file went so the UI and CLI can tell the user. Every sqlite3 error is turned into
a :class:`~gluetui.errors.StoreError` with a title and a hint.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from gluetui import paths
from gluetui.errors import StoreError

from .batches import BatchPart
from .db import Database, is_corrupt, translate
from .eventlog import EventLogPart
from .handoffs import HandoffsPart
from .httpcache import HttpCachePart
from .journal import JournalPart
from .migrations import migrate
from .settings import SettingsPart
from .snapshot import SnapshotPart
from .syncruns import SyncRunsPart

log = logging.getLogger(__name__)

# SQLite's companions of a database file; they belong to it and move with it.
_SIDE_FILES = ("-wal", "-shm", "-journal")


class Store(
    SnapshotPart,
    EventLogPart,
    JournalPart,
    BatchPart,
    HttpCachePart,
    SyncRunsPart,
    SettingsPart,
    HandoffsPart,
):
    """All persistence: snapshot, decision log, delegation journal, batches, HTTP cache, sync
    runs, settings.

    One instance is safe to share between threads; several processes may open the same file.
    """

    def __init__(self, db: Database, recovered_from: Path | None = None) -> None:
        self._db = db
        self.path = db.path
        #: Where a damaged file was moved before this store was built fresh, if that happened.
        self.recovered_from = recovered_from
        self._closed = False

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating, migrating or rebuilding as needed) the store at ``path``.

        Without a path, the user's store (:func:`gluetui.paths.store_path`).
        """
        path = Path(path).expanduser() if path is not None else paths.store_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the store's directory {path.parent}.",
                f"{exc.strerror or exc}. Set GLUETUI_DATA_DIR to a writable directory.",
            ) from exc
        try:
            return cls(_connect(path))
        except sqlite3.Error as exc:
            if not is_corrupt(exc):
                raise translate(exc, path) from exc
            log.warning("store %s is damaged (%s); moving it aside", path, exc)
        moved = _move_aside(path)
        try:
            return cls(_connect(path), recovered_from=moved)
        except sqlite3.Error as exc:
            raise translate(exc, path) from exc

    def close(self) -> None:
        """Close the file (idempotent). The last connection to close checkpoints the WAL."""
        if not self._closed:
            self._closed = True
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"


def _connect(path: Path) -> Database:
    db = Database.connect(path)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _move_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL/SHM companions, which would otherwise be replayed)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        path.rename(target)
        for suffix in _SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
    except FileNotFoundError:
        pass  # another gluetui moved it first; building fresh is still right
    except OSError as exc:
        raise StoreError(
            f"The store at {path} is damaged and could not be moved aside.",
            f"{exc.strerror or exc}. Move or delete it yourself, then start gluetui again.",
        ) from exc
    return target
