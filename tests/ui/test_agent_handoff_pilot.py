"""The README's agent walk-through in the dashboard: `a`, copilot-fix, then `r`, `r`, `r`.

The demo's coding agent answers one refresh at a time, so a person sees the hand-off go from
"working" to "PR opened" (a draft) to "waiting for your review" to "merged" (done), on the row's
mark, in the follow-up's words and, once merged, in the item's history. Checked at 80x24 and
200x50.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import OptionList
from ui_fakes import settle

from gluetui.delegate import Status
from gluetui.factory import build_runtime
from gluetui.model import Kind
from gluetui.ui.app import make_app
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
_SVG_TEXT = re.compile(r">([^<>]*)</text>")


def _shown(app: object) -> str:
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return "".join(_SVG_TEXT.findall(svg)).replace("&#160;", " ").replace("\xa0", " ")


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_an_agent_hand_off_is_followed_over_refreshes(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        async with make_app(rt).run_test(size=size) as pilot:
            await settle(pilot)
            app = pilot.app
            screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
            await pilot.press("2")  # Broken CI
            for _ in range(20):
                item = screen.current_item
                if item is not None and item.host == "github.com" and item.kind is Kind.BROKEN_CI:
                    break
                await pilot.press("j")
            item = screen.current_item
            assert item is not None and "copilot-fix" in item.automations
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, ChoiceScreen)
            options = app.screen.query_one(OptionList)
            ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
            options.highlighted = ids.index("copilot-fix")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(pilot)
            assert screen.followups[item.id].status is Status.WORKING

            seen = []
            for _ in range(2):
                await pilot.press("r")
                await settle(pilot)
                seen.append(screen.followups[item.id].status)
            assert seen == [Status.PR_OPENED, Status.REVIEW]
            assert "⚑" in _shown(app)  # the row's mark: the agent's PR waits for review
            assert "waiting for your review (CI green)" in screen.followups[item.id].message
            await pilot.press("r")  # merged: the hand-off is done, its outcome in the history
            await settle(pilot)
            assert item.id not in screen.followups
            done = rt.store.events(item.id)[-1]
            assert done.action.value == "done" and "was merged" in done.note
            assert screen.items[item.id].state.value == "done"
    finally:
        rt.close()
