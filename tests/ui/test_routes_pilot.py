"""Suggested routes in the dashboard: A accepts one, marks gather a batch, b and A act on it.

Each test checks the store (decision log, journal, batches) and the fake forge afterwards.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Label
from ui_fakes import FakeForge, app_for, runtime, settle, standard_items

from gluetui.config.schema import automation
from gluetui.events import EventAction
from gluetui.factory import Runtime
from gluetui.model import State
from gluetui.ui import render
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ConfirmScreen
from gluetui.ui.widgets.detail import DetailPane

WIDE = (160, 48)
ITEMS = {int(i.where["number"]): i for items in standard_items().values() for i in items}


def main(app: Any) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def acme(rt: Runtime) -> FakeForge:
    forge = rt.forge("acme")
    assert isinstance(forge, FakeForge)
    return forge


def text_of(screen: ConfirmScreen) -> str:
    return "\n".join(str(label.content) for label in screen.query(Label))


def events(rt: Runtime, n: int) -> list[EventAction]:
    return [e.action for e in rt.store.events(ITEMS[n].id)]


async def test_rows_and_detail_show_the_suggested_route(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("2")
        marks = {n: screen.table.get_row(ITEMS[n].id)[0].plain for n in (1, 2)}
        assert marks == {1: " »", 2: " ◇"}
        await pilot.press("enter")
        await pilot.pause()
        pane = screen.query_one(DetailPane)
        body = str(pane.query_one("#detail-body").render())
        assert "Suggested: » delegate to rerun — red for 30 h, a re-run tells" in body
        assert pane.view is not None and pane.view.suggestion == ITEMS[1].suggestion


async def test_a_on_a_delegation_is_the_same_confirmation_as_a(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("3", "j")  # PR 4: delegate to ask-bot (confirm = true)
        await pilot.press("A")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ConfirmScreen) and modal._title == "Delegate — confirm"
        assert "/pulls/4/requested_reviewers" in text_of(modal)
        await pilot.press("y")
        await settle(pilot)
    assert events(rt, 4) == [EventAction.DELEGATED]
    (request,) = acme(rt).performed
    assert request.kind == "request_review"


async def test_a_runs_a_rerun_at_once_when_its_automation_says_confirm_false(
    tmp_path: Any,
) -> None:
    quick = automation(
        kind="github.rerun_failed_jobs",
        fits=["broken_ci", "flaky_test"],
        oversight_hours=0.25,
        confirm=False,
    )
    rt = runtime(tmp_path)
    rt.config = rt.config.model_copy(
        update={"automations": {**rt.config.automations, "rerun": quick}}
    )
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await pilot.press("2", "A")  # CI 1: delegate to rerun, no question
            await settle(pilot)
            assert isinstance(pilot.app.screen, MainScreen)
            await pilot.press("j", "a", "enter")  # CI 2 through the picker: no question either
            await settle(pilot)
            assert isinstance(pilot.app.screen, MainScreen)
        assert events(rt, 1) == [EventAction.DELEGATED]
        assert events(rt, 2) == [EventAction.DELEGATED]
        assert [r.kind for r in acme(rt).performed] == ["rerun_failed_jobs"] * 2
    finally:
        rt.close()


async def test_confirm_false_still_asks_over_budget(tmp_path: Any) -> None:
    from gluetui.config.schema import CapacityConfig

    quick = automation(
        kind="github.rerun_failed_jobs", fits=["broken_ci"], oversight_hours=0.25, confirm=False
    )
    rt = runtime(tmp_path, capacity=CapacityConfig(hours_per_sprint=0.1))
    rt.config = rt.config.model_copy(
        update={"automations": {**rt.config.automations, "rerun": quick}}
    )
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await pilot.press("2", "a", "enter")
            await pilot.pause()
            modal = pilot.app.screen
            assert isinstance(modal, ConfirmScreen)
            assert modal._title == "Over budget — delegate anyway?"
            await pilot.press("n")
            await pilot.pause()
        assert rt.store.events() == [] and acme(rt).performed == []
    finally:
        rt.close()


async def test_a_on_a_take_and_on_a_leave(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "A")  # CI 2: take it (1 h)
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ConfirmScreen) and modal._title == "Take it — confirm"
        assert "Take it yourself: 1 h against the sprint's budget" in text_of(modal)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("1", "A")  # doc 5: leave it
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ConfirmScreen) and modal._title == "Leave it — confirm"
        assert "until it changes or" in text_of(modal)
        await pilot.press("n")  # no: nothing recorded
        await pilot.pause()
        assert events(rt, 5) == []
        await pilot.press("A", "y")
        await settle(pilot)
    (taken,) = rt.store.events(ITEMS[2].id)
    assert taken.action is EventAction.TAKEN and taken.hours == 1.0
    (left,) = rt.store.events(ITEMS[5].id)
    assert left.action is EventAction.SNOOZED and left.data["route"] == "leave"
    assert left.until is not None and left.fingerprint == ITEMS[5].fingerprint


async def test_marks_star_and_escape(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        assert screen.check_action("hand_off", ()) is None  # nothing marked
        await pilot.press("2", "space")  # marks CI 1 and moves on to CI 2
        assert screen.marked == {ITEMS[1].id}
        assert screen.current_item is not None and screen.current_item.id == ITEMS[2].id
        assert screen.table.get_row(ITEMS[1].id)[0].plain.startswith(render.BATCH_MARK)
        assert "1 marked" in str(screen.panels[1].border_subtitle)
        await pilot.press("4", "asterisk")  # flaky: only flaky 6 is to be delegated
        assert screen.marked == {ITEMS[1].id, ITEMS[6].id}
        await pilot.press("asterisk")  # again: unmarks them
        assert screen.marked == {ITEMS[1].id}
        await pilot.press("V")  # everything open in view
        assert screen.marked == {ITEMS[1].id, ITEMS[6].id, ITEMS[8].id}
        assert screen.check_action("hand_off", ()) is True
        await pilot.press("escape")
        assert screen.marked == set()
    assert rt.store.events() == []


async def test_b_hands_off_every_marked_item_after_one_confirmation(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("2", "asterisk", "4", "asterisk", "b")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ConfirmScreen) and modal._title == "Hand off 2 — confirm"
        shown = text_of(modal)
        # Every request that will be sent, one each.
        assert "POST https://api.github.com/repos/acme/api/actions/runs/1001/rerun" in shown
        assert "POST https://api.github.com/repos/acme/api/actions/runs/1006/rerun" in shown
        assert "2 hand-offs, one request each" in shown
        await pilot.press("n")
        await pilot.pause()
        assert len(screen.marked) == 2 and acme(rt).performed == []  # no: marks kept
        await pilot.press("b", "y")
        await settle(pilot)
        assert screen.marked == set()
        notes = "\n".join(n.message for n in pilot.app._notifications)
        assert "2 hand-offs: 2 sent, 0 failed." in notes
    keys = {r.idempotency_key for r in acme(rt).performed}
    assert len(keys) == 2  # one key each
    assert {e.item_id for e in rt.store.events()} == {ITEMS[1].id, ITEMS[6].id}
    assert all(not e.pending and e.ok for e in rt.store.journal())
    assert rt.store.unsettled_batches() == []


async def test_a_with_marks_accepts_each_marked_items_suggestion(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("2", "V", "1", "V", "A")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ConfirmScreen)
        shown = text_of(modal)
        assert "4 suggestions: 1 to delegate, 1 to take, 2 to leave" in shown
        await pilot.press("y")
        await settle(pilot)
        screen = main(pilot.app)
        states = {n: screen.items[ITEMS[n].id].state for n in (1, 2, 5, 7)}
    assert states == {
        1: State.DELEGATED,
        2: State.TAKEN,
        5: State.SNOOZED,
        7: State.SNOOZED,
    }
