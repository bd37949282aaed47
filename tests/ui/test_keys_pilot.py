"""Every key of the dashboard, pressed through the pilot, checked in the store afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.widgets import Input
from ui_fakes import (
    NOW,
    FakeBrowser,
    FakeSync,
    app_for,
    item,
    runtime,
    settle,
    standard_items,
)

from gluetui.browser import Opened
from gluetui.events import EventAction
from gluetui.factory import Runtime
from gluetui.model import Kind, State
from gluetui.ui.screens.capacity import CapacityScreen
from gluetui.ui.screens.help import HelpScreen
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen, PromptScreen

WIDE = (160, 48)


def top(pilot: Any) -> object:
    return pilot.app.screen


def focused(pilot: Any) -> object:
    return pilot.app.focused


def main(app: Any) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def to_ci_item_1(pilot: Any) -> MainScreen:
    """Broken CI panel, first row (item 1: high, fits 'rerun', effort 1.5)."""
    await settle(pilot)
    await pilot.press("2")
    screen = main(pilot.app)
    assert screen.current_item is not None
    assert screen.current_item.title == "Broken CI item 1"
    return screen


async def test_navigation_keys_move_the_cursor_and_record_nothing(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        await pilot.press("j")
        assert screen.current_item is not None and screen.current_item.title == "Broken CI item 2"
        await pilot.press("k")
        assert screen.current_item.title == "Broken CI item 1"
        await pilot.press("down")
        assert screen.current_item.title == "Broken CI item 2"
        await pilot.press("up", "G")
        assert screen.current_item.title == "Broken CI item 2"
        await pilot.press("g")
        assert screen.current_item.title == "Broken CI item 1"
    assert rt.store.events() == []


async def test_panel_keys_tab_and_numbers(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        assert screen.current_panel == 0
        await pilot.press("tab")
        assert screen.current_panel == 1
        assert focused(pilot) is screen.panels[1].table
        await pilot.press("shift+tab", "shift+tab")
        assert screen.current_panel == 3
        for key, index in (("1", 0), ("2", 1), ("3", 2), ("4", 3)):
            await pilot.press(key)
            assert screen.current_panel == index
            assert screen.panels[index].has_class("-current")
    assert rt.store.events() == []


async def test_enter_toggles_the_detail_pane_which_follows_the_cursor(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        from gluetui.ui.widgets.detail import DetailPane

        pane = screen.query_one(DetailPane)
        assert not pane.display
        await pilot.press("enter")
        assert screen.detail_open and pane.display and pane.region.height > 5
        assert pane.view is not None and pane.view.item.title == "Broken CI item 1"
        assert pane.view.automations == ("rerun",)
        await pilot.press("j")
        assert pane.view is not None and pane.view.item.title == "Broken CI item 2"
        await pilot.press("enter")
        assert not screen.detail_open and not pane.display


async def test_a_delegates_to_the_picked_automation_with_its_oversight_hours(
    rt: Runtime,
) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        await pilot.press("a")
        assert isinstance(pilot.app.screen, ChoiceScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)  # the plan, before anything happens
        assert rt.store.events() == []
        await pilot.press("enter")
        await settle(pilot)
        assert top(pilot) is screen
        (event,) = rt.store.events()
        assert event.action is EventAction.DELEGATED
        assert event.automation == "rerun"
        assert event.data["oversight_hours"] == 0.25
        (entry,) = rt.store.journal()
        assert (entry.item_id, entry.ok) == (event.item_id, True)
        assert screen.items[event.item_id].state is State.DELEGATED
        assert screen.budget is not None and screen.budget.oversight_hours == 0.25


async def test_a_is_greyed_out_when_no_automation_fits(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)  # Stale docs: no automation fits them
        assert screen.check_action("delegate", ()) is None
        assert screen.active_bindings["a"].enabled is False
        await pilot.press("a")
        assert top(pilot) is screen
    assert rt.store.events() == []


async def test_escape_cancels_a_modal_and_records_nothing(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        for key in ("a", "m", "s", "x", "d"):
            await pilot.press(key)
            assert top(pilot) is not screen
            await pilot.press("escape")
            assert top(pilot) is screen
    assert rt.store.events() == []


async def test_m_takes_with_the_effort_prefilled(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        await pilot.press("m")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "1.5"
        await pilot.press("enter")
        await pilot.pause()
        (event,) = rt.store.events()
        assert (event.action, event.hours) == (EventAction.TAKEN, 1.5)
        assert screen.budget is not None and screen.budget.self_hours == 1.5


async def test_m_accepts_an_edited_effort(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("m")
        await pilot.pause()  # the prefilled effort is selected: typing replaces it
        await pilot.press(*"90m", "enter")
        await pilot.pause()
        (event,) = rt.store.events()
        assert event.hours == 1.5


async def test_m_rejects_a_non_number(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"lots", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptScreen)
    assert rt.store.events() == []


@pytest.mark.parametrize(("answer", "recorded"), [("y", True), ("n", False)])
async def test_m_over_budget_asks_for_confirmation(
    tmp_path: Any, answer: str, recorded: bool
) -> None:
    from gluetui.config.schema import CapacityConfig

    rt = runtime(tmp_path, capacity=CapacityConfig(hours_per_sprint=1.0))
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await to_ci_item_1(pilot)
            await pilot.press("m", "enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ConfirmScreen)
            assert rt.store.events() == []
            await pilot.press(answer)
            await pilot.pause()
            said = "\n".join(n.message for n in pilot.app._notifications)
            # "No" says so: nothing recorded, and why.
            assert ("Not taken: Broken CI item 1." in said) is not recorded
        events = rt.store.events()
        assert [e.action for e in events] == ([EventAction.TAKEN] if recorded else [])
        assert all(e.data.get("override") is True for e in events)
    finally:
        rt.close()


@pytest.mark.parametrize(
    ("presses", "until", "fingerprint"),
    [
        ((), datetime(2026, 11, 26, 8, 0, tzinfo=UTC), "fp-1"),
        (("down",), datetime(2026, 11, 30, 8, 0, tzinfo=UTC), "fp-1"),
        (("down", "down"), None, "fp-1"),
    ],
    ids=["tomorrow", "next-week", "until-changed"],
)
async def test_s_snoozes(
    rt: Runtime, presses: tuple[str, ...], until: datetime | None, fingerprint: str
) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        await pilot.press("s", *presses, "enter")
        await pilot.pause()
        (event,) = rt.store.events()
        assert event.action is EventAction.SNOOZED
        assert event.until == until
        assert event.fingerprint == fingerprint
        # Snoozed items leave the panel until `h`.
        assert screen.panels[1].table.row_count == 1


async def test_x_dismisses_with_a_reason_and_needs_one(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("x", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptScreen)  # empty reason refused
        await pilot.press(*"not ours", "enter")
        await pilot.pause()
    (event,) = rt.store.events()
    assert (event.action, event.note) == (EventAction.DISMISSED, "not ours")


@pytest.mark.parametrize(("typed", "hours"), [("2", 2.0), ("", None)])
async def test_d_marks_done_with_optional_hours(
    rt: Runtime, typed: str, hours: float | None
) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("d", *typed, "enter")
        await pilot.pause()
    (event,) = rt.store.events()
    assert (event.action, event.hours) == (EventAction.DONE, hours)


async def test_u_undoes_the_last_decision_and_is_greyed_when_nothing_to_undo(
    rt: Runtime,
) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        assert screen.check_action("undo", ()) is None
        await pilot.press("m", "enter")
        await pilot.pause()
        taken = rt.store.events()[-1]
        assert screen.items[taken.item_id].state is State.TAKEN
        assert screen.check_action("undo", ()) is True
        await pilot.press("u")
        await pilot.pause()
        undo = rt.store.events()[-1]
        assert (undo.action, undo.undoes) == (EventAction.UNDONE, taken.id)
        assert screen.items[taken.item_id].state is State.OPEN
        assert screen.check_action("undo", ()) is None


async def test_o_opens_http_urls_only(tmp_path: Any) -> None:
    rt = runtime(tmp_path)
    bad = item(9, Kind.STALE_DOC, title="no link", url="javascript:alert(1)", impact=1000)
    sync = FakeSync({"acme": [bad, *standard_items()["acme"]]})
    browser = FakeBrowser()
    try:
        app = app_for(rt, sync, browser=browser)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main(app)
            assert screen.current_item is not None and screen.current_item.title == "no link"
            assert screen.check_action("open_url", ()) is None
            assert screen.check_action("copy_url", ()) is None
            await pilot.press("o", "y")
            assert browser.opened == [] and app.clipboard == ""
            await pilot.press("2", "o")
            await app.workers.wait_for_complete()
            assert browser.opened == ["https://acme.example/acme/api/1"]
        assert rt.store.events() == []
    finally:
        rt.close()


async def test_o_says_what_happened(rt: Runtime) -> None:
    """``o`` says "Opened with …" only when a browser took the link; with no browser it says
    so and offers ``y`` (issue 16: it always said "Opened in the browser")."""
    browser = FakeBrowser()
    app = app_for(rt, browser=browser)
    async with app.run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)

        async def said_after_o() -> str:
            await pilot.press("o")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return list(app._notifications)[-1].message

        assert await said_after_o() == "Opened with xdg-open."
        browser.answer = Opened(False, "No web browser is available (no graphical display here).")
        assert await said_after_o() == (
            "No web browser is available (no graphical display here). "
            "Press y to copy the link instead."
        )


async def test_y_copies_the_url(rt: Runtime) -> None:
    app = app_for(rt)
    async with app.run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("y")
        assert app.clipboard == "https://acme.example/acme/api/1"


async def test_item_keys_are_greyed_out_without_an_item(tmp_path: Any) -> None:
    rt = runtime(tmp_path)
    try:
        async with app_for(rt, FakeSync({})).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main(pilot.app)
            for action in ("toggle_detail", "delegate", "take", "snooze", "dismiss_item", "done"):
                assert screen.check_action(action, ()) is None, action
            for action in ("open_url", "copy_url", "undo"):
                assert screen.check_action(action, ()) is None, action
            await pilot.press("m", "x", "enter")
            assert top(pilot) is screen
        assert rt.store.events() == []
    finally:
        rt.close()


async def test_slash_filters_by_tokens(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*"repo:web")
        counts = [p.table.row_count for p in screen.panels]
        assert counts == [0, 1, 1, 0]
        assert screen.panels[1].border_title == "2 Broken CI (1/2)"
        await pilot.press("enter")
        assert focused(pilot) is screen.table
        await pilot.press("escape")
        await pilot.pause()
        assert [p.table.row_count for p in screen.panels] == [2, 2, 2, 2]
    assert rt.store.events() == []


async def test_h_shows_and_hides_snoozed_dismissed_and_done(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        await pilot.press("d", "enter")
        await pilot.pause()
        assert screen.panels[1].table.row_count == 1
        await pilot.press("h")
        assert screen.panels[1].table.row_count == 2
        await pilot.press("h")
        assert screen.panels[1].table.row_count == 1
    assert [e.action for e in rt.store.events()] == [EventAction.DONE]


async def test_capital_s_cycles_the_sort(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_item_1(pilot)
        await pilot.press("S")  # age: the 200-hour-old item 2 first
        assert screen.sort_key.value == "age"
        assert screen.panels[1].border_subtitle == "sort: age"
        assert screen.table.row_id_at(0) == standard_items()["acme"][1].id
        await pilot.press("S", "S", "S")
        assert screen.sort_key.value == "impact"


async def test_r_refreshes_every_source_in_workers(rt: Runtime) -> None:
    sync = FakeSync(standard_items())
    async with app_for(rt, sync).run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert sorted(sync.calls) == ["acme", "lab"]
        await pilot.press("r")
        await settle(pilot)
        assert sorted(sync.calls) == ["acme", "acme", "lab", "lab"]
    assert set(rt.store.last_syncs()) == {"acme", "lab"}


async def test_c_shows_the_capacity_screen(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("m", "enter")
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(pilot.app.screen, CapacityScreen)
        table = pilot.app.screen.query_one("#capacity-items")
        assert table.row_count == 1  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)
    assert [e.action for e in rt.store.events()] == [EventAction.TAKEN]


async def test_question_mark_shows_help(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_q_quits_and_remembers_the_look(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        rt.store.set_last_look(NOW - timedelta(days=3))
        await pilot.press("q")
        await pilot.pause()
    assert rt.store.last_look() == NOW


async def test_command_palette_runs_the_same_commands(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_item_1(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"snooze")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChoiceScreen)
        await pilot.press("enter")
        await pilot.pause()
    (event,) = rt.store.events()
    assert event.action is EventAction.SNOOZED


async def test_keymap_from_config_rebinds_by_id(tmp_path: Any) -> None:
    rt = runtime(tmp_path, keymap={"take": "ctrl+t", "nonsense": "z"})
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await to_ci_item_1(pilot)
            await pilot.press("m")
            assert isinstance(pilot.app.screen, MainScreen)
            await pilot.press("ctrl+t")
            assert isinstance(pilot.app.screen, PromptScreen)
            await pilot.press("enter")
            await pilot.pause()
        assert [e.action for e in rt.store.events()] == [EventAction.TAKEN]
    finally:
        rt.close()
