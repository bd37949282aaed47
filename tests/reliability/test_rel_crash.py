"""kill -9 at every step of a delegation, then restart: nothing done twice, no decision lost.

A real child process delegates a broken-CI item to the GitHub "re-run failed jobs" automation
through the real adapter, against a local server that counts the POSTs. The child stops itself
at one step (it touches a file and waits) and the test SIGKILLs it there. The test then plays
the restart: ``reconcile`` (what the dashboard does on start) and the user pressing the key again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rel_server import Answer

from gluetui.config.schema import automation as make_automation
from gluetui.delegate import delegate, reconcile
from gluetui.events import EventAction
from gluetui.model import Item, Kind

if TYPE_CHECKING:  # a type only: `from conftest` would depend on collection order
    from conftest import World

HERE = Path(__file__).resolve().parent

CHILD = """
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[5])
import rel_fakes as rf
import gluetui.delegate.engine as engine
from gluetui.config.schema import automation as make_automation
from gluetui.delegate import delegate

store_path, url, step, reached = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
automation = sys.argv[6]

def stop_here():
    reached.touch()
    time.sleep(120)  # the test kills us here

cfg = rf.config([rf.source("github", url)])
hook = make_automation(kind="webhook", fits=["broken_ci"], url=url + "/hook", retries=2)
cfg = cfg.model_copy(update={"automations": {**cfg.automations, "hook": hook}})
with rf.runtime(cfg, Path(store_path)) as rt:
    store = rt.store
    item = next(i for i in store.load_items(["gh"]) if i.kind.value == "broken_ci")
    intent, outcome, perform = store.journal_intent, store.journal_outcome, engine.perform

    def journal_intent(*a, **kw):
        if step == "before-intent":
            stop_here()
        fresh = intent(*a, **kw)
        if step == "after-intent":
            stop_here()
        return fresh

    async def perform_then_stop(runtime, plan):
        result = await perform(runtime, plan)
        if step == "after-forge-call":
            stop_here()
        return result

    def journal_outcome(*a, **kw):
        outcome(*a, **kw)
        if step == "after-outcome":
            stop_here()

    store.journal_intent = journal_intent
    store.journal_outcome = journal_outcome
    engine.perform = perform_then_stop
    asyncio.run(delegate(rt, item, automation))
print("not killed")
"""

RERUN = "/rerun-failed-jobs"


def _kill_at(world: World, step: str, tmp_path: Path, automation: str) -> None:
    reached = tmp_path / f"{step}.reached"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(world.rt.store.path),
            world.gh.url,
            step,
            str(reached),
            str(HERE),
            automation,
        ],
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
                raise AssertionError(f"child ended before {step}: {out}{err}")
            assert time.monotonic() < deadline, f"child never reached {step}"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL


def _item(world: World) -> Item:
    return next(i for i in world.rt.store.load_items(["gh"]) if i.kind is Kind.BROKEN_CI)


# step -> (POSTs at the crash, pending intents at the crash)
STEPS = {
    "before-intent": (0, 0),
    "after-intent": (0, 1),
    "after-forge-call": (1, 1),
    "after-outcome": (1, 0),
}


@pytest.mark.parametrize("automation", ["rerun", "hook"])
@pytest.mark.parametrize("step", list(STEPS))
async def test_kill_9_then_restart(
    world: World, tmp_path: Path, step: str, automation: str
) -> None:
    """``rerun`` acts through the GitHub adapter, ``hook`` POSTs to a webhook: both counted."""
    path = RERUN if automation == "rerun" else "/hook"
    world.gh.fault = lambda req: (
        Answer(201, {}) if req.method == "POST" and path in req.path else None
    )
    item = _item(world)
    _kill_at(world, step, tmp_path, automation)
    store = world.rt.store
    if automation == "hook":  # the restarted runtime knows the webhook automation too
        hook = make_automation(
            kind="webhook", fits=["broken_ci"], url=world.gh.url + "/hook", retries=2
        )
        automations = {**world.rt.config.automations, "hook": hook}
        world.rt.config = world.rt.config.model_copy(update={"automations": automations})

    def posts() -> int:
        return world.gh.count("POST", path)

    posted, pending = STEPS[step]
    assert posts() == posted
    assert len(store.journal_pending()) == pending

    # Restart: reconcile what the crash left, then the user presses the key again.
    settled = await reconcile(world.rt)
    assert len(settled) == pending
    assert store.journal_pending() == []
    again = await delegate(world.rt, item, automation)

    # Nothing was done twice: the re-run was asked for at most once, exactly once if it was never
    # journaled before the crash (then it is a fresh decision the user just made again).
    assert posts() == (1 if step == "before-intent" else posted)
    assert again.repeated == (step != "before-intent")
    # No decision lost: exactly one DELEGATED decision for the item, and one journal entry.
    actions = [e.action for e in store.events(item.id)]
    assert actions == [EventAction.DELEGATED], actions
    (entry,) = store.journal(item.id)
    assert not entry.pending
    if step in ("after-intent", "after-forge-call"):
        assert "unknown" in entry.message  # the user is asked to check, never re-posted
