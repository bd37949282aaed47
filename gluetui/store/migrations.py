"""The schema, as numbered steps: ``PRAGMA user_version`` says how many have run.

Never edit a step that has shipped; append a new one. A fresh file runs them all, an older file runs
the rest, each upgrade in one transaction so a crash mid-upgrade leaves the old version intact.
Every step is a tuple of single statements because ``executescript`` would commit half-way.
JSON goes in TEXT columns; nothing is pickled.
"""

from __future__ import annotations

import sqlite3

from gluetui.errors import StoreError

from .db import Database

#: Step N (1-based) upgrades user_version N-1 to N.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the triage core — snapshot, decision log, delegation journal, settings.
    (
        """CREATE TABLE items (
            source TEXT NOT NULL,
            id TEXT NOT NULL,
            pos INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (source, id)
        )""",
        """CREATE TABLE seen (
            item_id TEXT PRIMARY KEY,
            first_seen TEXT NOT NULL
        )""",
        """CREATE TABLE sources (
            source TEXT PRIMARY KEY,
            stale INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id TEXT NOT NULL,
            action TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            hours REAL,
            until TEXT,
            automation TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL DEFAULT '{}',
            undoes INTEGER REFERENCES events(id)
        )""",
        "CREATE INDEX events_item ON events (item_id, id)",
        "CREATE INDEX events_undoes ON events (undoes)",
        # The log is append-only: corrections are new events (undone, reopened), never edits.
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END""",
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
           BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END""",
        """CREATE TABLE journal (
            key TEXT PRIMARY KEY,
            item_id TEXT NOT NULL,
            automation TEXT NOT NULL,
            request TEXT NOT NULL,
            intent_at TEXT NOT NULL,
            outcome_at TEXT,
            ok INTEGER,
            message TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            ref TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX journal_item ON journal (item_id)",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
    ),
    # 2: the network side — conditional-request cache and sync run history.
    (
        """CREATE TABLE http_cache (
            key TEXT PRIMARY KEY,
            etag TEXT NOT NULL,
            last_modified TEXT NOT NULL DEFAULT '',
            body BLOB NOT NULL,
            headers TEXT NOT NULL DEFAULT '{}',
            stored_at TEXT NOT NULL
        )""",
        """CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            ok INTEGER,
            error TEXT NOT NULL DEFAULT '',
            items INTEGER NOT NULL DEFAULT 0,
            stats TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX sync_runs_source ON sync_runs (source, id)",
    ),
    # 3: a panel's first screenful straight from an index (kind, most impact first), so the
    # dashboard paints before the whole snapshot is parsed. ``since_ts`` is epoch seconds (the
    # dashboard's tie-break); rows of older files are filled from their JSON.
    (
        "ALTER TABLE items ADD COLUMN kind TEXT",
        "ALTER TABLE items ADD COLUMN impact REAL",
        "ALTER TABLE items ADD COLUMN since_ts REAL",
        """UPDATE items SET
            kind = CASE WHEN json_valid(data) THEN json_extract(data, '$.kind') END,
            impact = CASE WHEN json_valid(data) THEN json_extract(data, '$.impact') END,
            since_ts = CASE WHEN json_valid(data)
                THEN (julianday(json_extract(data, '$.since')) - 2440587.5) * 86400.0 END""",
        "CREATE INDEX items_kind_impact ON items (kind, impact DESC, since_ts, id)",
    ),
    # 4: what failed in each source's last refresh (a repository, an owner ``acme/*``, maybe only
    # some kinds), saved with the snapshot: the items kept from before for it are shown stale,
    # with the reason, until a refresh reads it again.
    (
        """CREATE TABLE snapshot_failures (
            source TEXT NOT NULL,
            scope TEXT NOT NULL,
            kinds TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL,
            hint TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (source, scope, kinds)
        )""",
    ),
    # 5: telling the truth (issue 16).
    # a) What each item was when first seen — its source, when it arrived on the forge, its kind
    #    and estimate — so the capacity forecast counts glue work by its arrival on the forge,
    #    resolved work included, and only from when gluetui started watching each source.
    (
        "ALTER TABLE seen ADD COLUMN source TEXT",
        "ALTER TABLE seen ADD COLUMN arrived TEXT",
        "ALTER TABLE seen ADD COLUMN kind TEXT",
        "ALTER TABLE seen ADD COLUMN hours REAL",
        """UPDATE seen SET
            source = (SELECT i.source FROM items AS i WHERE i.id = seen.item_id LIMIT 1),
            arrived = (SELECT json_extract(i.data, '$.since') FROM items AS i
                       WHERE i.id = seen.item_id AND json_valid(i.data) LIMIT 1),
            kind = (SELECT i.kind FROM items AS i WHERE i.id = seen.item_id LIMIT 1),
            hours = (SELECT json_extract(i.data, '$.effort_hours') FROM items AS i
                     WHERE i.id = seen.item_id AND json_valid(i.data) LIMIT 1)""",
        "CREATE INDEX seen_arrived ON seen (arrived)",
        # b) Items that left the snapshot while a decision was on them (a re-run turned the build
        #    green): kept with when they went, so the dashboard still shows them (``h``) with
        #    their outcome instead of letting them vanish.
        """CREATE TABLE gone (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            data TEXT NOT NULL,
            gone_at TEXT NOT NULL
        )""",
        # c) A flaky test is now listed under its job (one item per flake, not two). Every
        #    decision recorded on a stored test item moves to its job's item: the log, the
        #    journal and the first-seen times follow, each move is recorded in ``item_moves``,
        #    and the test items leave the snapshot (the next refresh lists them in their job).
        """CREATE TABLE item_moves (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            why TEXT NOT NULL
        )""",
        """INSERT OR IGNORE INTO item_moves (old_id, new_id, why)
           SELECT id,
                  substr(id, 1, instr(id, '#flaky_test/test:') - 1) || '#flaky_test/job:'
                      || json_extract(data, '$.where.workflow') || '/'
                      || json_extract(data, '$.where.job'),
                  'flaky test grouped under its job'
           FROM items
           WHERE kind = 'flaky_test' AND instr(id, '#flaky_test/test:') > 0 AND json_valid(data)
             AND coalesce(json_extract(data, '$.where.workflow'), '') != ''
             AND coalesce(json_extract(data, '$.where.job'), '') != ''""",
        # The log is append-only for every code path; this one-off move is the schema's own.
        "DROP TRIGGER events_no_update",
        # A "snooze until it changes" or a done watched the test's fingerprint: it watches the
        # job's now (when the job is stored), so the move itself does not wake it.
        """UPDATE events SET fingerprint = coalesce(
               (SELECT json_extract(j.data, '$.fingerprint') FROM items AS j
                WHERE j.id = (SELECT m.new_id FROM item_moves AS m WHERE m.old_id = events.item_id)
                  AND json_valid(j.data) LIMIT 1),
               fingerprint)
           WHERE fingerprint != '' AND item_id IN (SELECT old_id FROM item_moves)""",
        """UPDATE events SET item_id = (SELECT m.new_id FROM item_moves AS m
                                        WHERE m.old_id = events.item_id)
           WHERE item_id IN (SELECT old_id FROM item_moves)""",
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END""",
        """UPDATE journal SET item_id = (SELECT m.new_id FROM item_moves AS m
                                         WHERE m.old_id = journal.item_id)
           WHERE item_id IN (SELECT old_id FROM item_moves)""",
        """INSERT OR IGNORE INTO seen (item_id, first_seen, source, arrived, kind, hours)
           SELECT m.new_id, s.first_seen, s.source, s.arrived, s.kind, s.hours
           FROM item_moves AS m JOIN seen AS s ON s.item_id = m.old_id""",
        "DELETE FROM seen WHERE item_id IN (SELECT old_id FROM item_moves)",
        "DELETE FROM items WHERE id IN (SELECT old_id FROM item_moves)",
    ),
    # 6: batches — several routes confirmed at once (a batch hand-off), one row per item, so a
    # crash in the middle can be finished without losing or repeating one; and suggested routes.
    (
        """CREATE TABLE batches (
            batch TEXT NOT NULL,
            pos INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            route TEXT NOT NULL,
            automation TEXT NOT NULL DEFAULT '',
            hours REAL NOT NULL DEFAULT 0,
            reason TEXT NOT NULL DEFAULT '',
            item TEXT NOT NULL,
            created_at TEXT NOT NULL,
            finished_at TEXT,
            outcome TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (batch, pos)
        )""",
        "CREATE INDEX batches_unsettled ON batches (finished_at, batch)",
        # Each stored item's suggested route and its hours, so `items --json` applies the budget
        # without reading them out of the JSON; rows of older files have none until a refresh.
        "ALTER TABLE items ADD COLUMN route TEXT",
        "ALTER TABLE items ADD COLUMN cost REAL",
    ),
    # 7: hand-offs to AI agents followed through — the last refresh's sighting of each hand-off's
    # pull/merge request (journal key -> its facts as JSON), kept while the item may leave the
    # snapshot, so "merged" is still known after the fix made the item go.
    (
        """CREATE TABLE handoff_pulls (
            key TEXT PRIMARY KEY,
            item_id TEXT NOT NULL,
            pull TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )""",
    ),
]

LATEST = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def apply(conn: sqlite3.Connection, steps: list[tuple[str, ...]], current: int) -> int:
    """Run the steps after ``current`` on an open transaction; returns the new version."""
    for number, step in enumerate(steps[current:], start=current + 1):
        for statement in step:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(number)}")
    return len(steps)


def migrate(db: Database) -> int:
    """Bring the file to :data:`LATEST`; returns the version it was at.

    The version is read again inside the write transaction, so two processes opening a fresh
    file at once migrate it exactly once. Raises sqlite3 errors (the caller translates them).
    """
    found = db.retrying(user_version)
    if found > LATEST:
        raise _too_new(db, found)
    if found == LATEST:
        return found

    def upgrade(conn: sqlite3.Connection) -> int:
        found = user_version(conn)
        if found > LATEST:
            raise _too_new(db, found)
        apply(conn, MIGRATIONS, found)
        return found

    return db.transaction(upgrade)


def _too_new(db: Database, found: int) -> StoreError:
    return StoreError(
        f"The store at {db.path} was written by a newer gluetui (schema {found}, this one knows {LATEST}).",
        "Upgrade gluetui, or point GLUETUI_DATA_DIR at another directory.",
    )
