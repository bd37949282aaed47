"""A damaged file is moved aside and rebuilt; other failures become StoreError with a hint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from store_helpers import NOW

from gluetui.errors import StoreError
from gluetui.store import EventAction, Store

GARBAGE = b"this is not sqlite\x00\xff" * 300


def test_garbage_file_is_moved_aside_and_rebuilt(store_file: Path) -> None:
    store_file.parent.mkdir(parents=True)
    store_file.write_bytes(GARBAGE)
    (store_file.parent / (store_file.name + "-wal")).write_bytes(b"stale wal")

    with Store.open(store_file) as store:
        moved = store.recovered_from
        assert moved is not None
        assert moved.parent == store_file.parent
        assert moved.name.startswith(store_file.name + ".corrupt-")
        assert moved.read_bytes() == GARBAGE
        # SQLite itself drops the stray WAL when the failed connection closes; either way the
        # fresh store must not replay it.
        assert (
            not (store_file.parent / (store_file.name + "-wal")).read_bytes().startswith(b"stale")
        )
        store.record("a", EventAction.TAKEN, at=NOW)

    with Store.open(store_file) as store:
        assert store.recovered_from is None
        assert [e.item_id for e in store.events()] == ["a"]


def test_truncated_database_is_recovered(store_file: Path) -> None:
    with Store.open(store_file) as store:
        store.set_setting("k", "v")
    data = store_file.read_bytes()
    store_file.write_bytes(data[:100] + b"\x00" * 50)  # header kept, pages gone
    with Store.open(store_file) as store:
        assert store.recovered_from is not None
        assert store.get_setting("k") is None


def test_two_recoveries_do_not_overwrite_each_other(store_file: Path) -> None:
    store_file.parent.mkdir(parents=True)
    for n in range(2):
        store_file.write_bytes(GARBAGE + bytes([n]))
        with Store.open(store_file) as store:
            assert store.recovered_from is not None
        # Same second: the second one gets its own name.
    assert len(list(store_file.parent.glob(store_file.name + ".corrupt-*"))) == 2


def test_directory_in_the_way_is_a_store_error(store_file: Path) -> None:
    store_file.mkdir(parents=True)
    with pytest.raises(StoreError) as info:
        Store.open(store_file)
    assert "Cannot open" in info.value.title
    assert "GLUETUI_DATA_DIR" in info.value.hint


def test_parent_that_is_a_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    with pytest.raises(StoreError, match="directory") as info:
        Store.open(blocker / "sub" / "gluetui.sqlite3")
    assert info.value.hint


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_directory_is_a_store_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StoreError):
            Store.open(locked / "gluetui.sqlite3")
    finally:
        locked.chmod(0o700)


def test_use_after_close_is_a_store_error(store_file: Path) -> None:
    store = Store.open(store_file)
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.events()
