"""Who else has it: a teammate's pull request says "taken by @login", and `m` asks first.

On the demo organisation, whose acme/payments#575 is assigned to gus on the (demo) forge and
platform/auth-service!67 carries the team's ``taken-by:mateo`` label. Checked at the smallest and
the largest terminal that matter, reading what the screen actually shows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_fakes import settle

from gluetui.events import EventAction
from gluetui.factory import build_runtime
from gluetui.model import Route
from gluetui.ui.app import make_app
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ConfirmScreen

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
_SVG_TEXT = re.compile(r">([^<>]*)</text>")


def _screen_text(app: object) -> str:
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return "".join(_SVG_TEXT.findall(svg)).replace("&#160;", " ").replace("\xa0", " ")


async def _to_taken(pilot: object) -> MainScreen:
    await settle(pilot)
    await pilot.press("3")  # type: ignore[attr-defined]
    app = pilot.app  # type: ignore[attr-defined]
    screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    for _ in range(40):
        item = screen.current_item
        if item is not None and item.taken_by == ("gus",):
            return screen
        await pilot.press("j")  # type: ignore[attr-defined]
    raise AssertionError("the demo's teammate-taken pull request is not in the list")


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_teammates_pull_request_says_who_and_m_asks_first(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        async with make_app(rt).run_test(size=size) as pilot:
            screen = await _to_taken(pilot)
            item = screen.current_item
            assert item is not None and item.suggestion is not None
            assert item.suggestion.route is Route.LEAVE
            assert "taken by @gus" in item.suggestion.reason

            await pilot.press("m")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ConfirmScreen)
            shown = _screen_text(pilot.app)
            assert "Someone else has it" in shown and "Taken by @gus on the forge." in shown
            await pilot.press("n")  # no: nothing recorded
            await pilot.pause()
            assert rt.store.events(item.id) == []

            await pilot.press("m", "y")  # yes: then the usual hours prompt
            await pilot.pause()
            assert "Take it myself" in _screen_text(pilot.app)
            await pilot.press("enter")
            await settle(pilot)
            assert [e.action for e in rt.store.events(item.id)] == [EventAction.TAKEN]
    finally:
        rt.close()


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_detail_says_who_has_it(tmp_path: Path, size: tuple[int, int]) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        async with make_app(rt).run_test(size=size) as pilot:
            screen = await _to_taken(pilot)
            taken = screen.current_item
            await pilot.press("enter")  # the detail pane
            await pilot.pause()
            shown = _screen_text(pilot.app)
            assert "taken by @gus on the forge" in shown
            # Closing the detail gives the list its focus back (at 80x24 the detail hid it), so
            # answering the question leaves the cursor on the item, not on the first panel.
            await pilot.press("escape", "m")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ConfirmScreen)
            await pilot.press("n")
            await pilot.pause()
            assert screen.current_item == taken
    finally:
        rt.close()


async def test_an_item_nobody_has_is_taken_without_the_question(tmp_path: Path) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        async with make_app(rt).run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("3", "g", "m")
            await pilot.pause()
            assert not isinstance(pilot.app.screen, ConfirmScreen)
            assert "Take it myself" in _screen_text(pilot.app)
    finally:
        rt.close()
