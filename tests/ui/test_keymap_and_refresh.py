"""The example config's ``[keymap]`` names real binding ids and works; periodic refresh runs."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from ui_fakes import FakeSync, app_for, runtime, settle, standard_items

from gluetui.events import EventAction
from gluetui.keyplan import COMMANDS_BY_ID, keymap_problems
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ChoiceScreen, PromptScreen

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def example_keymap() -> dict[str, str]:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    keymap = data.get("keymap", {})
    assert isinstance(keymap, dict) and keymap, "config.example.toml has no [keymap] table"
    return {str(k): str(v) for k, v in keymap.items()}


def test_example_keymap_names_only_real_binding_ids() -> None:
    keymap = example_keymap()
    assert keymap_problems(keymap) == []
    assert all(COMMANDS_BY_ID[k].live for k in keymap)


async def test_example_keymap_rebinds_by_id(tmp_path: Path) -> None:
    keymap = example_keymap()
    rt = runtime(tmp_path, keymap=keymap)
    sync = FakeSync(standard_items())
    try:
        async with app_for(rt, sync).run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            screen = pilot.app.screen
            assert isinstance(screen, MainScreen)
            for key in keymap["delegate"].split(","):
                await pilot.press(key.strip())
                assert isinstance(pilot.app.screen, ChoiceScreen), key
                await pilot.press("escape")
            await pilot.press(keymap["take"].split(",")[0].strip())
            assert isinstance(pilot.app.screen, PromptScreen)
            await pilot.press("enter")
            await pilot.pause()
            calls = len(sync.calls)
            await pilot.press(keymap["refresh"].split(",")[-1].strip())
            await settle(pilot)
            assert len(sync.calls) == calls + 2
        assert [e.action for e in rt.store.events()] == [EventAction.TAKEN]
    finally:
        rt.close()


async def test_periodic_refresh_uses_the_configured_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[float] = []
    original = MainScreen.set_interval

    def fast(self: MainScreen, interval: float, *args: Any, **kw: Any) -> Any:
        if kw.get("name") == "periodic refresh":
            asked.append(interval)
            interval = 0.05
        return original(self, interval, *args, **kw)

    monkeypatch.setattr(MainScreen, "set_interval", fast)
    rt = runtime(tmp_path, refresh_minutes=5)
    sync = FakeSync(standard_items())
    try:
        async with app_for(rt, sync, refresh_on_start=False).run_test(size=(160, 48)) as pilot:
            for _ in range(60):  # no settle: the fast timer keeps starting workers
                await pilot.pause(0.05)
                if len(sync.calls) >= 4:
                    break
            assert asked == [300.0]
            assert len(sync.calls) >= 4  # at least two periodic rounds over both sources
            assert not [n for n in pilot.app._notifications if "Already" in n.message]
    finally:
        rt.close()
