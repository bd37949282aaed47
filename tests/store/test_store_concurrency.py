"""Two processes and several threads writing one file at once: nothing lost, no "locked" crash."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from store_helpers import NOW, make_item

from gluetui.store import EventAction, Store

# Each child opens the store, says it is ready and waits for the "go" file, so that both write at
# the same time; it appends events and now and then writes the journal and replaces a snapshot, to
# contend on other tables too. (SQLite's lock is not fair, so the log need not interleave.)
_CHILD = """
import sys, time
from datetime import datetime, timedelta, UTC
from pathlib import Path
from gluetui.store import EventAction, Store

path, go, name, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
now = datetime(2026, 11, 25, 12, tzinfo=UTC)
with Store.open(path) as store:
    go.with_name(name + ".ready").touch()
    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    for n in range(count):
        store.record(f"{name}-{n}", EventAction.TAKEN, at=now + timedelta(seconds=n))
        if n % 50 == 0:
            store.journal_intent(f"{name}-{n}", item_id=name, automation="a", request={}, at=now)
            store.save_snapshot(name, [], at=now)
print("ok")
"""


def test_two_processes_append_concurrently(store_file: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(store_file), str(go), name, "200"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("p1", "p2")
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"{n}.ready").exists() for n in ("p1", "p2")):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
            time.sleep(0.01)
        go.touch()
        results = [p.communicate(timeout=90) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    with Store.open(store_file) as store:
        events = store.events()
        assert len(events) == 400
        assert {e.item_id for e in events} == {f"p{p}-{n}" for p in (1, 2) for n in range(200)}
        assert len({e.id for e in events}) == 400
        assert len(store.journal()) == 8
        assert store.recovered_from is None


def test_threads_share_one_store_and_open_their_own(store_file: Path) -> None:
    errors: list[BaseException] = []
    shared = Store.open(store_file)

    def work(name: str, own: bool) -> None:
        try:
            store = Store.open(store_file) if own else shared
            for n in range(50):
                store.record(f"{name}-{n}", EventAction.DONE, at=NOW)
                store.http_put(f"k-{name}", etag=str(n), body=b"x", headers={}, at=NOW)
                store.load_items()
            if own:
                store.close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"t{n}", n % 2 == 0)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        assert len(shared.events()) == 300
    finally:
        shared.close()


def test_writer_waits_out_a_long_transaction_of_another_program(store: Store) -> None:
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings (key, value) VALUES ('other', '1')")
    released = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    released.start()
    try:
        store.record("a", EventAction.TAKEN, at=NOW + timedelta(seconds=1))
    finally:
        released.join()
        other.close()
    assert [e.item_id for e in store.events()] == ["a"]
    assert store.get_setting("other") == "1"


def test_snapshot_replace_is_atomic_for_a_reader(store: Store) -> None:
    store.save_snapshot("gh", [make_item(n) for n in range(500)], at=NOW)
    seen_sizes: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        with Store.open(store.path) as reader:
            while not stop.is_set():
                seen_sizes.add(len(reader.load_items()))

    t = threading.Thread(target=read)
    t.start()
    try:
        for round_ in range(10):
            size = 500 if round_ % 2 else 300
            store.save_snapshot("gh", [make_item(n) for n in range(size)], at=NOW)
    finally:
        stop.set()
        t.join(timeout=30)
    assert seen_sizes <= {300, 500}
