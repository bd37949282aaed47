"""The whole demo queue triaged by its suggestions in at most 30 key presses (a Pilot counts them).

The real demo runtime and refresh (no fakes), a frozen clock. The morning: in each panel ``*``
marks what is to be delegated, ``b`` hands it all off after one confirmation; then ``V`` marks
what is left in each panel and ``A`` accepts each one's suggestion (take or leave). Afterwards no
item is open, the budget is not over, and every accepted route is in the decision log, the
journal (hand-offs) and the ledger. Nothing here counts the demo's items: the numbers are read
from the data, so the test keeps holding when the detectors change what the demo yields.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from ui_fakes import NOW, settle

from gluetui.events import EventAction, effective_events
from gluetui.factory import build_runtime
from gluetui.model import Kind, Route, State
from gluetui.report import ledger
from gluetui.ui.app import make_app
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ConfirmScreen

MAX_KEYS = 30


@pytest.mark.parametrize("size", [(200, 50), (80, 24)], ids=["200x50", "80x24"])
async def test_the_demo_queue_in_thirty_keys(tmp_path: Path, size: tuple[int, int]) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    pressed: list[str] = []
    try:
        app = make_app(rt)
        async with app.run_test(size=size) as pilot:

            async def press(*keys: str) -> None:
                pressed.extend(keys)
                for key in keys:
                    await pilot.press(key)
                    await pilot.pause()

            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            start = {i.id: i for i in screen.items.values()}
            suggested = {i.id: screen.suggestion(i) for i in start.values()}
            assert all(s is not None for s in suggested.values())
            routes = Counter(s.route for s in suggested.values() if s is not None)
            budget_before = screen.budget
            assert budget_before is not None

            # 1. Hand off every routine item: * in each panel, then b and one confirmation.
            for n in range(len(Kind)):
                if n:
                    await press("tab")
                await press("asterisk")
            assert len(screen.marked) == routes[Route.DELEGATE]
            await press("b")
            assert isinstance(app.screen, ConfirmScreen)
            await press("y")
            await settle(pilot)

            # 2. Accept what is left (take or leave): V in each panel, then A and one confirmation.
            for n in range(len(Kind)):
                if n:
                    await press("tab")
                await press("V")
            assert len(screen.marked) == routes[Route.TAKE] + routes[Route.LEAVE]
            await press("A")
            assert isinstance(app.screen, ConfirmScreen)
            await press("y")
            await settle(pilot)

            after = screen.items
            budget_after = screen.budget
        assert len(pressed) <= MAX_KEYS, pressed

        # The whole queue is triaged: no item is open.
        assert [i.id for i in after.values() if i.state is State.OPEN] == []
        # ... as suggested, each route recorded once.
        decided = {e.item_id: e for e in effective_events(rt.store.events())}
        assert set(decided) == set(start)
        want = {Route.DELEGATE: EventAction.DELEGATED, Route.TAKE: EventAction.TAKEN}
        for item_id, suggestion in suggested.items():
            assert suggestion is not None
            event = decided[item_id]
            assert event.action is want.get(suggestion.route, EventAction.SNOOZED), item_id
            if suggestion.route is Route.DELEGATE:
                assert event.automation == suggestion.automation
            if suggestion.route is Route.LEAVE:
                assert event.data["route"] == "leave"
        # Budget respected.
        assert budget_after is not None and not budget_after.over
        assert budget_after.committed_hours <= budget_after.budget_hours
        # Every hand-off in the journal, done; every route in the ledger.
        journal = rt.store.journal()
        delegated = {k for k, s in suggested.items() if s is not None and s.route is Route.DELEGATE}
        assert {e.item_id for e in journal} == delegated
        assert all(e.ok and not e.pending for e in journal)
        led = ledger(
            rt.config,
            rt.store.events(),
            journal,
            list(start.values()),
            NOW - timedelta(days=1),
            NOW,
        )
        assert {d.item_id for d in led.delegations} == delegated
        assert {d.outcome for d in led.delegations} == {"done"}
        taken = {k for k, s in suggested.items() if s is not None and s.route is Route.TAKE}
        assert {w.item_id for w in led.work} == taken
        left = {k for k, s in suggested.items() if s is not None and s.route is Route.LEAVE}
        assert {line.item_id for line in led.left} == left
        # Most of it went somewhere: the bar, computed from the data.
        assert (len(delegated) + len(taken)) / len(start) >= 0.6
    finally:
        rt.close()
