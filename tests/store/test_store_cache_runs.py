"""HTTP cache, sync runs and settings."""

from __future__ import annotations

from datetime import timedelta

from store_helpers import NOW

from gluetui.store import Store
from gluetui.store.syncruns import KEEP_RUNS


def test_http_cache_round_trip_and_replace(store: Store) -> None:
    assert store.http_get("GET https://api.test/x") is None
    body = bytes(range(256))
    store.http_put(
        "GET https://api.test/x",
        etag='W/"abc"',
        body=body,
        headers={"Content-Type": "application/json", "Link": '<u>; rel="next"'},
        at=NOW,
    )
    got = store.http_get("GET https://api.test/x")
    assert got is not None
    assert (got.etag, got.last_modified, got.body, got.stored_at) == ('W/"abc"', "", body, NOW)
    assert got.headers["Link"] == '<u>; rel="next"'

    store.http_put(
        "GET https://api.test/x",
        etag='"def"',
        last_modified="Tue, 24 Nov 2026 10:00:00 GMT",
        body=b"{}",
        headers={},
        at=NOW + timedelta(hours=1),
    )
    got = store.http_get("GET https://api.test/x")
    assert got is not None
    assert (got.etag, got.last_modified, got.body, got.headers) == (
        '"def"',
        "Tue, 24 Nov 2026 10:00:00 GMT",
        b"{}",
        {},
    )


def test_sync_runs_latest_per_source(store: Store) -> None:
    assert store.last_syncs() == {}
    first = store.sync_started("gh", at=NOW)
    store.sync_finished(first, at=NOW + timedelta(seconds=5), ok=True, items=7, stats={"304": 3})
    gl = store.sync_started("gl", at=NOW)
    store.sync_finished(gl, at=NOW + timedelta(seconds=9), ok=False, error="gl: timed out.")
    running = store.sync_started("gh", at=NOW + timedelta(minutes=5))

    runs = store.last_syncs()
    assert set(runs) == {"gh", "gl"}
    assert runs["gh"].id == running
    assert (runs["gh"].finished_at, runs["gh"].ok) == (None, None)
    assert (runs["gl"].ok, runs["gl"].error, runs["gl"].items) == (False, "gl: timed out.", 0)

    store.sync_finished(running, at=NOW + timedelta(minutes=6), ok=True, items=8, stats={"304": 5})
    latest = store.last_syncs()["gh"]
    assert (latest.ok, latest.items, dict(latest.stats)) == (True, 8, {"304": 5})
    assert latest.started_at == NOW + timedelta(minutes=5)


def test_sync_run_history_is_bounded(store: Store) -> None:
    for n in range(KEEP_RUNS + 20):
        store.sync_started("gh", at=NOW + timedelta(minutes=n))
    store.sync_started("gl", at=NOW)
    count = store._db.conn.execute("SELECT count(*) FROM sync_runs WHERE source = 'gh'").fetchone()[
        0
    ]
    assert count == KEEP_RUNS
    assert store.last_syncs()["gh"].started_at == NOW + timedelta(minutes=KEEP_RUNS + 19)


def test_settings(store: Store) -> None:
    assert store.get_setting("theme") is None
    assert store.get_setting("theme", "textual-dark") == "textual-dark"
    store.set_setting("theme", "nord")
    store.set_setting("theme", "gruvbox")
    assert store.get_setting("theme") == "gruvbox"
