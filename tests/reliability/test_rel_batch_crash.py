"""kill -9 in the middle of a batch of 10 hand-offs, then restart: 10 accounted for, none twice.

A real child process confirms a batch of ten hand-offs to a webhook automation (a local server
on 127.0.0.1 counts the POSTs, one per item) and stops itself at a chosen point around the 5th;
the test SIGKILLs it there. The test then plays the restart as the dashboard does on start:
``reconcile`` (intents without an outcome are asked about, never re-sent) and
``batch.resume`` (members never started are started). Afterwards every member is settled —
done, or ``unknown`` (``?`` in the dashboard) for the one that was in flight — and no item was
POSTed twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from rel_fakes import NOW, config, runtime
from rel_server import Answer, LocalServer, Request

from gluetui.config.schema import automation
from gluetui.delegate import batch, reconcile
from gluetui.events import EventAction
from gluetui.model import Evidence, Item, Kind, make_item_id
from gluetui.report import ledger, render_ledger

HERE = Path(__file__).resolve().parent
BATCH = 10

CHILD = """
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[5])
import rel_fakes as rf
import gluetui.delegate.engine as engine
from gluetui.config.schema import automation
from gluetui.delegate import batch
from gluetui.model import Route, Suggestion

store_path, url, stop, reached = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])

def stop_here():
    reached.touch()
    time.sleep(120)  # the test kills us here

hook = automation(kind="webhook", fits=["broken_ci", "flaky_test"], url=url + "/hook", retries=0)
cfg = rf.config([]).model_copy(update={"automations": {"hook": hook}})
with rf.runtime(cfg, Path(store_path)) as rt:
    items = sorted(rt.store.load_items(), key=lambda i: i.id)
    wanted = {i.id: Suggestion(Route.DELEGATE, "routine", "hook", 0.1) for i in items}
    proposal = batch.propose(rt, items, wanted, hand_off=True)
    assert len(proposal.members) == len(items), proposal.refused
    performed = []
    perform, settle = engine.perform, rt.store.batch_settle

    async def counted(runtime, plan):
        performed.append(plan.item.id)
        if stop == "5th-before-its-request" and len(performed) == 5:
            stop_here()
        result = await perform(runtime, plan)
        if stop == "5th-in-flight" and len(performed) == 5:
            stop_here()
        return result

    def settled(batch_id, pos, **kw):
        settle(batch_id, pos, **kw)
        if stop == "after-the-4th" and pos == 3:
            stop_here()

    engine.perform = counted
    rt.store.batch_settle = settled
    asyncio.run(batch.run(rt, proposal))
print("not killed")
"""


def _items() -> list[Item]:
    kinds = (Kind.BROKEN_CI, Kind.FLAKY_TEST)
    return [
        Item(
            id=make_item_id("github.com", "acme/app", kinds[n % 2], f"w{n}"),
            kind=kinds[n % 2],
            source="gh",
            host="github.com",
            repo="acme/app",
            title=f"Workflow {n} is red",
            url=f"https://github.com/acme/app/actions/runs/{100 + n}",
            since=NOW - timedelta(hours=5),
            updated_at=NOW - timedelta(hours=1),
            where={"branch": "main", "run_id": str(100 + n), "workflow": f"w{n}"},
            evidence=(Evidence("failing since", "5 h"),),
            effort_hours=1.0,
            fingerprint=f"fp{n}",
        )
        for n in range(BATCH)
    ]


def _kill_at(store: Path, url: str, stop: str, tmp_path: Path) -> None:
    reached = tmp_path / f"{stop}.reached"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store), url, stop, str(reached), str(HERE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 30
        while not reached.exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"child ended before {stop}: {out}{err}")
            assert time.monotonic() < deadline, f"child never reached {stop}"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL


# where the child is killed -> (POSTs at the crash, members settled at the crash, unknown after)
STOPS = {
    "after-the-4th": (4, 4, 0),
    "5th-before-its-request": (4, 4, 1),
    "5th-in-flight": (5, 4, 1),
}


@pytest.mark.parametrize("stop", list(STOPS))
async def test_kill_9_in_a_batch_of_ten_then_restart(tmp_path: Path, stop: str) -> None:
    posted: list[str] = []

    def receiver(req: Request) -> Answer:
        if req.method == "POST" and req.bare_path == "/hook":
            posted.append(json.loads(req.body)["item"]["id"])
            return Answer(200, {"ok": True})
        return Answer(404, {})

    server = LocalServer(receiver).start()
    store_path = tmp_path / "store.sqlite3"
    hook = automation(
        kind="webhook", fits=["broken_ci", "flaky_test"], url=server.url + "/hook", retries=0
    )
    cfg = config([]).model_copy(update={"automations": {"hook": hook}})
    try:
        with runtime(cfg, store_path) as rt:
            rt.store.save_snapshot("gh", _items(), at=NOW)
        _kill_at(store_path, server.url, stop, tmp_path)
        at_crash, settled_at_crash, unknown = STOPS[stop]
        assert len(posted) == at_crash

        # Restart: what the dashboard does on start.
        with runtime(cfg, store_path) as rt:
            store = rt.store
            (batch_id,) = store.unsettled_batches()
            members = store.batch_members(batch_id)
            assert len(members) == BATCH
            assert sum(m.settled for m in members) == settled_at_crash
            await reconcile(rt)
            (report,) = await batch.resume(rt)
            assert store.unsettled_batches() == []
            outcomes = Counter(m.outcome for m in report.members)
            # Ten accounted for: done, or unknown ("?") for the one in flight.
            assert outcomes == Counter({"ok": BATCH - unknown, "unknown": unknown}), outcomes
            assert report.count("failed") == 0
            # None sent twice; every one sent once except a 5th killed before its request.
            assert max(Counter(posted).values()) == 1
            assert len(posted) == BATCH - (1 if stop == "5th-before-its-request" else 0)
            # Every hand-off is in the journal and the decision log, once.
            journal = store.journal()
            assert len(journal) == BATCH and not any(e.pending for e in journal)
            delegated = Counter(
                e.item_id for e in store.events() if e.action is EventAction.DELEGATED
            )
            assert set(delegated.values()) == {1} and len(delegated) == BATCH
            if unknown:
                (entry,) = [m for m in report.members if m.outcome == "unknown"]
                assert entry.pos == 4 and "unknown" in entry.message
            assert report.message().startswith(f"{BATCH} hand-offs: {BATCH - unknown} sent")
            # The report says how many went and how many nobody can tell.
            led = ledger(rt.config, store.events(), journal, _items(), NOW - timedelta(days=1), NOW)
            summary = f"{BATCH - unknown} went through" + (
                f", {unknown} unknown" if unknown else ""
            )
            assert f"- Delegated: {BATCH} items ({summary})" in render_ledger(led, "markdown")
    finally:
        server.stop()
