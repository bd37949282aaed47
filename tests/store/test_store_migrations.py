"""Schema versions: a fresh file gets them all, an old file the rest, a newer file is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import NOW

from gluetui.errors import StoreError
from gluetui.store import EventAction, Store
from gluetui.store.migrations import LATEST, MIGRATIONS, apply


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_fresh_file_runs_every_migration_and_sets_pragmas(store_file: Path) -> None:
    assert not store_file.parent.exists()
    with Store.open(store_file) as store:
        conn = store._db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
        assert store.path == store_file
        assert store.recovered_from is None
    assert LATEST == len(MIGRATIONS) >= 2
    assert _version(store_file) == LATEST


def test_reopening_a_current_file_keeps_its_rows(store_file: Path) -> None:
    with Store.open(store_file) as store:
        store.set_setting("theme", "nord")
    with Store.open(store_file) as store:
        assert store.get_setting("theme") == "nord"
    assert _version(store_file) == LATEST


def test_version_1_file_is_upgraded_and_keeps_its_rows(store_file: Path) -> None:
    store_file.parent.mkdir(parents=True)
    conn = sqlite3.connect(store_file, isolation_level=None)
    conn.execute("BEGIN")
    apply(conn, MIGRATIONS[:1], 0)
    conn.execute(
        "INSERT INTO events (item_id, action, at, hours) VALUES (?, ?, ?, ?)",
        ("a", "taken", NOW.isoformat(), 2.0),
    )
    conn.execute("INSERT INTO settings (key, value) VALUES ('theme', 'gruvbox')")
    conn.execute("COMMIT")
    conn.close()
    assert _version(store_file) == 1

    with Store.open(store_file) as store:
        [event] = store.events()
        assert (event.item_id, event.action, event.hours, event.at) == (
            "a",
            EventAction.TAKEN,
            2.0,
            NOW,
        )
        assert store.get_setting("theme") == "gruvbox"
        # Tables of migration 2 exist now.
        run = store.sync_started("gh", at=NOW)
        assert store.last_syncs()["gh"].id == run
    assert _version(store_file) == LATEST


def test_file_from_a_newer_gluetui_is_refused_not_rebuilt(store_file: Path) -> None:
    with Store.open(store_file) as store:
        store.set_setting("k", "v")
    with sqlite3.connect(store_file) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(StoreError, match="newer gluetui") as info:
        Store.open(store_file)
    assert info.value.hint
    assert _version(store_file) == LATEST + 1
    assert not list(store_file.parent.glob("*.corrupt-*"))


def test_importing_the_store_touches_no_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code = "import gluetui.store, gluetui.triage, gluetui.events"
    env = {"GLUETUI_DATA_DIR": str(data), "PATH": ""}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path)
    assert not data.exists()


def test_default_path_is_the_user_data_dir(isolated_env: Path) -> None:
    with Store.open() as store:
        assert store.path == isolated_env / "data" / "gluetui" / "gluetui.sqlite3"
        assert store.path.exists()
