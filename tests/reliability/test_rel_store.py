"""The store file under damage, age and contention (extends tests/store/).

* A store written by the first schema (``fixtures/store_v1.sql``, a frozen dump of a migration-1
  file with rows in every table) opens migrated with every row and decision intact; so do stores
  written by the releases before issue 14 (hostile ids) and issue 16 (a flaky test and its job as
  two items, now one: ``fixtures/store_before_issue16.sql``).
* A damaged file is moved aside, a fresh store is built and the user is told (dashboard, CLI).
* An unreadable file is a clear StoreError (exit 4), never moved aside, never a traceback.
* A refreshing gluetui and one recording decisions share the file without "database is locked"
  and without losing an event (tests/store covers raw appends; this runs the real refresh).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rel_fakes import NOW
from rel_server import LocalServer

from gluetui import cli, paths
from gluetui.events import EventAction, effective_events
from gluetui.model import Kind
from gluetui.store import Store
from gluetui.store.migrations import LATEST
from gluetui.triage import apply_triage, triage_states

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "store_v1.sql"


def _v1_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_first_schema_store_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = _v1_file(tmp_path / "old.sqlite3")
    assert _version(path) == 1
    with Store.open(path) as store:
        assert store.recovered_from is None
        items = store.load_items()
        assert {i.kind for i in items} == set(Kind) and all(i.source == "gh" for i in items)
        assert store.stale_sources() == {"gh"}
        assert len(store.first_seen()) == len(items)
        events = store.events()
        assert [e.action for e in events] == [
            EventAction.TAKEN,
            EventAction.SNOOZED,
            EventAction.DELEGATED,
            EventAction.DISMISSED,
            EventAction.UNDONE,
        ]
        assert len(effective_events(events)) == 3  # the dismissal was undone
        states = triage_states(events, NOW)
        shown = {i.kind: i.state.value for i in apply_triage(items, states, NOW)}
        assert shown[Kind.FLAKY_TEST] == "open" and shown[Kind.BROKEN_CI] == "delegated"
        journal = {e.key: e for e in store.journal()}
        assert journal["k-ci-1"].ok is True and journal["k-pending"].pending
        assert [e.key for e in store.journal_pending()] == ["k-pending"]
        assert store.get_setting("theme") == "gruvbox"
        assert store.last_look() == NOW - timedelta(hours=2)
        # The tables of later migrations work, and new decisions append after the old ones.
        store.sync_finished(store.sync_started("gh", at=NOW), at=NOW, ok=True, items=4)
        new = store.record(items[0].id, EventAction.DONE, at=NOW, hours=1.0)
        assert new.id > events[-1].id
    assert _version(path) == LATEST
    with pytest.raises(sqlite3.IntegrityError):  # the log stayed append-only
        conn = sqlite3.connect(path)
        try:
            conn.execute("DELETE FROM events")
        finally:
            conn.close()


@pytest.mark.parametrize(
    "damage",
    [b"this is not a database at all\n" * 40, b"SQLite format 3\x00" + b"\xff" * 4000, b""],
    ids=["garbage", "bad-header", "empty"],
)
def test_damaged_store_is_moved_aside_and_rebuilt(damage: bytes, tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(damage)
    with Store.open(path) as store:
        store.record("x", EventAction.TAKEN, at=NOW, hours=1.0)
        moved = store.recovered_from
    if damage == b"":
        assert moved is None  # an empty file is simply a new database
        return
    assert moved is not None and moved.read_bytes() == damage
    with Store.open(path) as again:
        assert again.recovered_from is None and len(again.events()) == 1


def test_truncated_real_store_is_recovered(tmp_path: Path) -> None:
    path = _v1_file(tmp_path / "store.sqlite3")
    with Store.open(path):
        pass
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with Store.open(path) as store:
        if store.recovered_from is None:
            # SQLite may still read a cut file; then reading it must either work or be a StoreError.
            store.load_items()
        else:
            assert store.load_items() == [] and store.recovered_from.exists()


async def test_dashboard_tells_the_user_the_store_was_rebuilt(tmp_path: Path) -> None:
    pytest.importorskip("textual")
    from gluetui.factory import Runtime
    from gluetui.sync import current_items
    from gluetui.ui.app import make_app
    from gluetui.ui.backend import Backend

    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"garbage" * 100)
    store = Store.open(path)
    from rel_fakes import config

    rt = Runtime(config=config([]), forges=[], store=store, clock=lambda: NOW)

    async def no_sync(*args: Any) -> Any:
        raise AssertionError("no refresh here")

    backend = Backend(runtime=rt, sync=no_sync, items=current_items)
    app = make_app(rt, backend=backend, refresh_on_start=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert any("damaged" in m and str(store.recovered_from) in m for m in messages)
    finally:
        rt.close()


def test_cli_tells_the_user_the_store_was_rebuilt(capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"garbage" * 100)
    cli.main(["items", "--json"])
    err = capsys.readouterr().err
    assert "damaged" in err.lower() or "corrupt" in err.lower()


def test_unopenable_store_is_a_store_error_not_a_rebuild(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Something that cannot be opened at all (here a directory) is reported, never moved aside."""
    path = paths.store_path()
    path.mkdir(parents=True)
    (path / "keep.txt").write_text("mine")
    assert cli.main(["items", "--json"]) == 4
    _, err = capsys.readouterr()
    assert err.startswith("gluetui: ") and "Traceback" not in err
    assert str(path) in err and "GLUETUI_DATA_DIR" in err
    assert (path / "keep.txt").read_text() == "mine"
    assert not list(path.parent.glob("*.corrupt-*"))


# A refresher: real adapters against the local GitHub and GitLab, sync_all in a loop.
_REFRESHER = """
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[5])
import rel_fakes as rf
from gluetui.sync import sync_all
store_path, gh, gl, go = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
cfg = rf.config([rf.source("github", gh), rf.source("gitlab", gl)])
with rf.runtime(cfg, store_path) as rt:
    go.with_name("refresher.ready").touch()
    while not go.exists():
        time.sleep(0.001)
    async def main():
        for _ in range(5):
            reports = await sync_all(rt)
            assert all(r.ok for r in reports), reports
        await rf.aclose(rt)
    asyncio.run(main())
print("ok")
"""

# A triager: records decisions one by one, as key presses in another dashboard would.
_TRIAGER = """
import sys, time
from datetime import datetime, timedelta, UTC
from pathlib import Path
from gluetui.store import EventAction, Store
path, go, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
now = datetime(2026, 11, 25, 12, tzinfo=UTC)
with Store.open(path) as store:
    go.with_name("triager.ready").touch()
    while not go.exists():
        time.sleep(0.001)
    for n in range(count):
        store.record(f"item-{n % 7}", EventAction.TAKEN, at=now + timedelta(seconds=n), note=str(n))
        if n % 25 == 0:
            store.journal_intent(f"k{n}", item_id="item", automation="a", request={}, at=now)
            store.journal_outcome(f"k{n}", ok=True, message="done", at=now)
print("ok")
"""


def test_a_refresh_and_a_triage_share_the_store(
    tmp_path: Path, gh_server: tuple[LocalServer, Any], gl_server: LocalServer
) -> None:
    store_path = tmp_path / "shared.sqlite3"
    go = tmp_path / "go"
    env = {**os.environ}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _REFRESHER,
                str(store_path),
                gh_server[0].url,
                gl_server.url,
                str(go),
                str(HERE),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        ),
        subprocess.Popen(
            [sys.executable, "-c", _TRIAGER, str(store_path), str(go), "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"{n}.ready").exists() for n in ("refresher", "triager")):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), [
                p.communicate() for p in procs if p.poll() is not None
            ]
            time.sleep(0.01)
        go.touch()
        results = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 and out.strip() == "ok", err
        assert "locked" not in err.lower()
    with Store.open(store_path) as store:
        events = store.events()
        assert len(events) == 300
        assert sorted(int(e.note) for e in events) == list(range(300))
        assert len(store.journal()) == 12 and store.journal_pending() == []
        items = store.load_items()
        assert {i.source for i in items} == {"gh", "gl"} and len(items) == 4
        runs = store.last_syncs()
        assert runs["gh"].ok and runs["gl"].ok
        assert json.dumps([i.id for i in items])  # readable, not half-written


PREVIOUS = HERE / "fixtures" / "store_before_issue14.sql"


def test_a_store_from_the_release_before_keeps_items_ids_and_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``fixtures/store_before_issue14.sql`` was written by the release before forge text was
    cleaned at every exit: stale docs named by hostile file names (their ids hold ESC, OSC and
    bidi characters), decisions on them, and journal outcomes whose reply URLs carry escapes.
    After the upgrade every item, id and decision is still there, and what gluetui prints from
    it is plain characters."""
    from rel_hostile import has_control

    from gluetui.textsafe import safe_url

    path = paths.store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(PREVIOUS.read_text(encoding="utf-8"))
    ids = sorted(r[0] for r in conn.execute("SELECT id FROM items"))
    decided = [(r[0], r[1]) for r in conn.execute("SELECT item_id, action FROM events ORDER BY id")]
    conn.close()
    assert any("\x1b" in i for i in ids) and len(ids) == 10  # the fixture is what it says
    with Store.open(path) as store:
        items = store.load_items()
        assert sorted(i.id for i in items) == ids
        assert [(e.item_id, e.action.value) for e in store.events()] == decided
        states = triage_states(store.events(), NOW)
        shown = {i.id: i.state.value for i in apply_triage(items, states, NOW)}
        assert sorted(shown.values()) == sorted(
            ["open"] * 4 + ["taken", "snoozed", "dismissed", "done", "delegated", "delegated"]
        )
        journal = {e.key: e for e in store.journal()}
        assert journal["k-hostile"].url.startswith("https://github.com/acme/api/issues/9\x1b]0;")
        assert store.last_look() == NOW - timedelta(hours=2)
    # Every exit of the upgraded store: the ids are exact (JSON-escaped), the rest inert.
    assert cli.main(["items", "--json", "--all"]) == 0
    out = capsys.readouterr().out
    assert out.isascii()
    doc = json.loads(out)
    assert sorted(i["id"] for i in doc["items"]) == ids
    for row in doc["items"]:
        assert not has_control(row["title"]) and not has_control(json.dumps(row["where"]))
        # URLs the old release stored raw are not printed unless valid.
        assert row["url"] == "" or safe_url(row["url"]) == row["url"]
    assert cli.main(["items", "--all"]) == 0
    table = capsys.readouterr().out
    assert "\x1b" not in table and not has_control(table.replace("\n", ""))
    from rel_fakes import config

    from gluetui import report

    with Store.open(path) as store:
        led = report.ledger(
            config([]),
            store.events(),
            store.journal(),
            store.load_items(),
            NOW - timedelta(days=9),
            NOW,
        )
    md = report.render_ledger(led, "markdown")
    assert "\x1b" not in md and not has_control(md.replace("\n", ""))
    assert "javascript:" not in md and "TITLE" not in md
    assert report.render_ledger(led, "json").isascii()


BEFORE_16 = HERE / "fixtures" / "store_before_issue16.sql"
#: Half an hour after the fixture's refresh and decisions (09:00–09:10 UTC).
LATER_16 = NOW.replace(hour=9, minute=30)


def _job_of(test_id: str, data: dict[str, Any]) -> str:
    prefix = test_id.split("#flaky_test/", 1)[0]
    return f"{prefix}#flaky_test/job:{data['where']['workflow']}/{data['where']['job']}"


def test_a_store_from_the_release_before_issue16_keeps_every_decision_on_a_grouped_flake(
    tmp_path: Path,
) -> None:
    """``fixtures/store_before_issue16.sql`` was written by the release that listed a flaky test
    and its job as two items. The upgrade lists the test under its job; every decision recorded
    on either item (snooze, dismissal, take, hand-off and its journal entry, done, an undone
    dismissal) is the job's now, the budget and the ledger add up as before, and a refresh by
    the new detectors finds each flake once, with the decisions still in force."""
    from gluetui.budget import budget_status
    from gluetui.factory import build_runtime
    from gluetui.model import State
    from gluetui.report import ledger
    from gluetui.sync import current_items, sync_all

    path = tmp_path / "before16.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(BEFORE_16.read_text(encoding="utf-8"))
    tests = {
        row[0]: json.loads(row[1])
        for row in conn.execute(
            "SELECT id, data FROM items WHERE id LIKE '%#flaky_test/test:%' ORDER BY id"
        )
    }
    logged = [(r[0], r[1]) for r in conn.execute("SELECT item_id, action FROM events ORDER BY id")]
    conn.close()
    moves = {test_id: _job_of(test_id, data) for test_id, data in tests.items()}
    assert len(moves) == 6 and _version(path) == 3  # the fixture is what it says
    with Store.open(path) as store:
        cfg_rt = build_runtime(demo=True, store_path=tmp_path / "cfg.sqlite3")
        cfg = cfg_rt.config
        cfg_rt.close()
        events = store.events()
        # The same decisions in the same order, on the job's id where they were on a test's.
        assert [(e.item_id, e.action.value) for e in events] == [
            (moves.get(item_id, item_id), action) for item_id, action in logged
        ]
        assert not any("#flaky_test/test:" in i.id for i in store.load_items())
        assert not any("#flaky_test/test:" in i for i in store.first_seen())
        (entry,) = store.journal()
        assert entry.item_id == moves[next(t for t in moves if "telemetry" in t)]
        # The budget adds up as before: 1.5 h taken + 2 h taken + 2.5 h done, plus oversight.
        assert budget_status(cfg, events, LATER_16).self_hours == 6.0
        led = ledger(
            cfg, events, store.journal(), store.load_items(), NOW - timedelta(days=1), LATER_16
        )
        done = [w for w in led.work if w.status == "done"]
        assert [(w.item_id, w.hours) for w in done] == [
            (moves[next(t for t in moves if "collector" in t)], 2.5)
        ]
        assert len(led.delegations) == 1 and led.delegations[0].outcome == "done"
    assert _version(path) == LATEST
    # A refresh by the new detectors: each flake once, the decisions still in force.
    rt = build_runtime(demo=True, store_path=path, clock=lambda: LATER_16)
    try:
        asyncio.run(sync_all(rt))
        flaky = {i.id: i for i in current_items(rt) if i.kind is Kind.FLAKY_TEST}
        assert len(flaky) == 11 and not any("#flaky_test/test:" in i for i in flaky)
        state = {i.repo: i.state for i in flaky.values()}
        assert state["acme/payments"] is State.SNOOZED  # snoozed until the job changes
        assert state["acme/api"] is State.DISMISSED
        assert state["platform/auth-service"] is State.TAKEN
        assert state["orbital/telemetry"] is State.DELEGATED
        assert state["platform/observability/collector"] is State.DONE
        assert state["orbital/ground-station"] is State.SNOOZED  # on the job: until tomorrow
        assert state["acme/web"] is State.OPEN  # its dismissal was undone
        for test_id, job_id in moves.items():
            test_name = test_id.split("#flaky_test/test:", 1)[1]
            assert flaky[job_id].where.get("test") == test_name
        assert budget_status(rt.config, rt.store.events(), LATER_16).self_hours == 6.0
    finally:
        rt.close()
