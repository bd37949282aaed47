"""`v` settles a hand-off whose outcome is unknown: the user checked the forge and says what happened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from ui_fakes import NOW, app_for, runtime, settle, standard_items

from gluetui.events import EventAction
from gluetui.factory import Runtime
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ChoiceScreen

CI_1 = standard_items()["acme"][0]


def _unknown_hand_off(rt: Runtime) -> None:
    """A delegation interrupted by a crash: intent journaled, then reconciled as "unknown"."""
    rt.store.record(
        CI_1.id,
        EventAction.DELEGATED,
        at=NOW - timedelta(hours=1),
        automation="rerun",
        data={"key": "k1", "oversight_hours": 0.25},
    )
    rt.store.journal_intent(
        "k1",
        item_id=CI_1.id,
        automation="rerun",
        request={"item_url": CI_1.url},
        at=NOW - timedelta(hours=1),
    )
    rt.store.journal_outcome(
        "k1", ok=False, message=f"unknown — check {CI_1.url}", at=NOW - timedelta(minutes=50)
    )


def _main(app: object) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("answer", "ok"), [("down", False), ("enter", True)])
async def test_settling_records_what_the_user_found(tmp_path: Path, answer: str, ok: bool) -> None:
    rt = runtime(tmp_path)
    _unknown_hand_off(rt)
    try:
        async with app_for(rt).run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            main = _main(pilot.app)
            assert main.current_item is not None and main.current_item.id == CI_1.id
            assert main.check_action("settle", ()) is True
            await pilot.press("v")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ChoiceScreen)
            keys = ["down", "enter"] if answer == "down" else ["enter"]
            await pilot.press(*keys)
            await settle(pilot)
            (entry,) = rt.store.journal()
            assert entry.ok is ok
            reopened = [e for e in rt.store.events(CI_1.id) if e.action is EventAction.REOPENED]
            assert bool(reopened) is (not ok)
            assert _main(pilot.app).check_action("settle", ()) is None  # nothing left to settle
    finally:
        rt.close()


async def test_escape_records_nothing(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    _unknown_hand_off(rt)
    try:
        async with app_for(rt).run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("2", "v", "escape")
            await settle(pilot)
            (entry,) = rt.store.journal()
            assert entry.message.startswith("unknown")
    finally:
        rt.close()


async def test_settle_is_greyed_out_without_an_unknown_hand_off(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        async with app_for(rt).run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            assert _main(pilot.app).check_action("settle", ()) is None
    finally:
        rt.close()
