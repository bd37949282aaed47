"""Delegation through the dashboard: picker, plan confirmation, the engine in a worker, follow-up.

Each test checks the store (decision log and journal) and the fake forge afterwards, not only the
screen.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import OptionList
from ui_fakes import NOW, FakeForge, FakeSync, app_for, runtime, seed, settle, standard_items

from gluetui.config.schema import automation
from gluetui.delegate import Status, idempotency_key
from gluetui.errors import ActionError
from gluetui.events import EventAction
from gluetui.factory import Runtime
from gluetui.model import State
from gluetui.ui.handoff import FOLLOW_UP_TEXT
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen
from gluetui.ui.widgets.detail import DetailPane

WIDE = (160, 48)
CI_1 = standard_items()["acme"][0]
PR_3 = standard_items()["acme"][2]


def main(app: Any) -> MainScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    return screen


def acme(rt: Runtime) -> FakeForge:
    forge = rt.forge("acme")
    assert isinstance(forge, FakeForge)
    return forge


def messages(app: Any) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def plain(screen: ConfirmScreen) -> str:
    from textual.widgets import Label

    return "\n".join(str(label.content) for label in screen.query(Label))


async def to_ci_1(pilot: Any) -> MainScreen:
    await settle(pilot)
    await pilot.press("2")
    screen = main(pilot.app)
    assert screen.current_item is not None and screen.current_item.id == CI_1.id
    return screen


async def test_confirmation_shows_exactly_what_will_happen(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await to_ci_1(pilot)
        await pilot.press("a", "enter")
        await pilot.pause()
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        text = plain(confirm)
        assert "acme/api workflow run 1001" in text  # the target
        assert "POST" in text and "actions/runs/1001/rerun-failed-jobs" in text  # the endpoint
        assert "for real" in text and "0.25 h oversight" in text
        await pilot.press("escape")
        await pilot.pause()
    assert rt.store.events() == [] and rt.store.journal() == []
    assert acme(rt).performed == []


async def test_a_runs_the_engine_and_shows_the_result(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        await pilot.press("enter")  # open the detail pane
        await pilot.press("a", "enter")
        await pilot.pause()
        await pilot.press("enter")  # "Delegate" has the focus
        await settle(pilot)
        (request,) = acme(rt).performed
        assert (request.kind, request.target, request.repo) == (
            "rerun_failed_jobs",
            "1001",
            "acme/api",
        )
        assert request.idempotency_key == idempotency_key(CI_1, "rerun")
        (entry,) = rt.store.journal(CI_1.id)
        assert entry.ok is True and "did rerun_failed_jobs" in entry.message
        assert screen.items[CI_1.id].state is State.DELEGATED
        assert screen.followups[CI_1.id].status is Status.WAITING
        assert "Delegation" in messages(pilot.app) and "did rerun_failed_jobs" in messages(
            pilot.app
        )
        pane = screen.query_one(DetailPane)
        assert pane.view is not None and pane.view.journal == (entry,)
        side = str(screen.query_one("#detail-history").render())
        assert "Hand-off" in side and "waiting for rerun" in side
        # The row says how the hand-off is going.
        mark = screen.panels[1].table.get_row(CI_1.id)[0]
        assert FOLLOW_UP_TEXT[Status.WAITING][0] in str(mark)


async def test_a_picker_offers_refused_automations_disabled_with_the_reason(
    tmp_path: Path,
) -> None:
    gitlab_only = automation(kind="gitlab.retry_pipeline", fits=["flaky_test"], oversight_hours=0.1)
    rt = runtime(tmp_path)
    rt.config.automations["retry-gl"] = gitlab_only
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await settle(pilot)
            screen = main(pilot.app)
            await pilot.press("4", "j")  # item 8 names no automation: every fitting one is offered
            assert screen.current_item is not None and screen.current_item.title == "test_retry"
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ChoiceScreen)
            options = pilot.app.screen.query_one(OptionList)
            by_id = {options.get_option_at_index(i).id: i for i in range(options.option_count)}
            assert set(by_id) == {"rerun", "retry-gl"}
            refused = options.get_option_at_index(by_id["retry-gl"])
            assert refused.disabled and "gitlab action" in str(refused.prompt)
            assert not options.get_option_at_index(by_id["rerun"]).disabled
    finally:
        rt.close()


async def test_a_failure_is_shown_with_its_hint_journaled_and_requeued(rt: Runtime) -> None:
    acme(rt).fail_with = ActionError("GitHub said 422.", "The run is too old to re-run.")
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        await pilot.press("a", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        shown = messages(pilot.app)
        assert "GitHub said 422." in shown and "too old to re-run" in shown
        assert screen.items[CI_1.id].state is State.OPEN  # back in the queue, nothing lost
        assert pilot.app.is_running
    (entry,) = rt.store.journal(CI_1.id)
    assert entry.ok is False and "422" in entry.message
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED, EventAction.REOPENED]


async def test_dry_run_sends_and_records_nothing(tmp_path: Path) -> None:
    rt = runtime(tmp_path, dry_run=True)
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            screen = await to_ci_1(pilot)
            await pilot.press("a", "enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ConfirmScreen)
            assert "DRY RUN" in plain(pilot.app.screen)
            await pilot.press("enter")
            await settle(pilot)
            assert "dry run: would" in messages(pilot.app)
            assert screen.outcomes[CI_1.id].dry_run
        assert rt.store.events() == [] and rt.store.journal() == []
        assert acme(rt).performed == []
    finally:
        rt.close()


async def test_delegate_is_greyed_out_while_the_item_is_being_delegated(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        screen.delegating.add(CI_1.id)
        assert screen.check_action("delegate", ()) is None
        screen.delegating.clear()
        assert screen.check_action("delegate", ()) is True


def _pending_intent(rt: Runtime, key: str) -> None:
    rt.store.journal_intent(
        key,
        item_id=CI_1.id,
        automation="rerun",
        request={
            "forge": "acme",
            "kind": "rerun_failed_jobs",
            "repo": "acme/api",
            "forge_target": "1001",
            "item_url": CI_1.url,
        },
        at=NOW - timedelta(hours=1),
    )


async def test_start_reconciles_interrupted_intents_and_reports_unresolved(rt: Runtime) -> None:
    _pending_intent(rt, "lost-key")
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "may or may not have happened" in messages(pilot.app)
    (entry,) = rt.store.journal()
    assert not entry.pending and entry.message.startswith("unknown")
    assert acme(rt).performed == []  # reconciling never re-posts


async def test_start_settles_an_intent_the_forge_did_perform(rt: Runtime) -> None:
    from gluetui.forges.base import ActionRequest

    _pending_intent(rt, "done-key")
    acme(rt).performed.append(
        ActionRequest("rerun_failed_jobs", "acme/api", "1001", {}, idempotency_key="done-key")
    )
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "settled with the forge" in messages(pilot.app)
    (entry,) = rt.store.journal()
    assert entry.ok is True and entry.message == "found on the forge"


def _delegated(rt: Runtime, hours_ago: float, *, url: str = "") -> None:
    at = NOW - timedelta(hours=hours_ago)
    rt.store.journal_intent("k1", item_id=CI_1.id, automation="rerun", request={}, at=at)
    rt.store.journal_outcome("k1", ok=True, message="re-running", url=url, at=at)
    rt.store.record(
        CI_1.id,
        EventAction.DELEGATED,
        at=at,
        automation="rerun",
        fingerprint=CI_1.fingerprint,
        data={"oversight_hours": 0.25, "key": "k1", "follow_up_hours": 24},
    )


async def test_a_stalled_delegation_goes_back_to_the_queue_after_a_refresh(rt: Runtime) -> None:
    _delegated(rt, hours_ago=30)
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        assert screen.items[CI_1.id].state is State.OPEN
        assert "back in the queue" in messages(pilot.app)
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED, EventAction.REOPENED]


async def test_follow_up_shows_an_opened_pr_in_the_row_and_the_detail_pane(rt: Runtime) -> None:
    _delegated(rt, hours_ago=2, url="https://acme.example/acme/api/pull/77")
    seed(rt, standard_items())
    async with app_for(rt, refresh_on_start=False).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        assert screen.followups[CI_1.id].status is Status.PR_OPENED
        mark = screen.panels[1].table.get_row(CI_1.id)[0]
        assert FOLLOW_UP_TEXT[Status.PR_OPENED][0] in str(mark)
        await pilot.press("enter")
        side = str(screen.query_one("#detail-history").render())
        assert "agent opened PR #77" in side
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED]


async def test_no_requeue_when_the_refresh_failed(rt: Runtime) -> None:
    _delegated(rt, hours_ago=30)
    sync = FakeSync(standard_items(), fail={"acme": "acme: down", "lab": "lab: down"})
    async with app_for(rt, sync).run_test(size=WIDE) as pilot:
        await settle(pilot)
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED]


async def test_over_budget_delegation_warns_and_enter_means_no(tmp_path: Path) -> None:
    from gluetui.config.schema import CapacityConfig

    rt = runtime(tmp_path, capacity=CapacityConfig(hours_per_sprint=0.1))
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await to_ci_1(pilot)
            await pilot.press("a", "enter")
            await pilot.pause()
            confirm = pilot.app.screen
            assert isinstance(confirm, ConfirmScreen)
            assert "Over budget" in plain(confirm)
            await pilot.press("enter")  # the focused button is "No" when it goes over
            await settle(pilot)
        assert rt.store.events() == [] and acme(rt).performed == []
    finally:
        rt.close()


async def test_d_is_greyed_out_for_a_done_item(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        await pilot.press("d", "enter", "h")  # done, then show hidden items to keep it in view
        await pilot.pause()
        await pilot.press("g")
        assert screen.current_item is not None and screen.current_item.state is State.DONE
        assert screen.check_action("done", ()) is None
        await pilot.press("d")
        assert pilot.app.screen is screen
    assert [e.action for e in rt.store.events()] == [EventAction.DONE]


async def test_a_hand_off_that_resolves_on_the_next_refresh_is_announced(rt: Runtime) -> None:
    items = standard_items()
    sync = FakeSync(items)
    async with app_for(rt, sync).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        await pilot.press("a", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.followups[CI_1.id].status is Status.WAITING
        sync.items = {**items, "acme": items["acme"][1:]}  # the re-run went green: CI_1 is gone
        await pilot.press("r")
        await settle(pilot)
        # Resolved on the forge: announced, recorded done (the outcome in its history), and
        # still shown with the done items (h) rather than vanishing.
        assert "Follow-up: resolved" in messages(pilot.app)
        assert CI_1.id not in screen.followups
        assert screen.items[CI_1.id].state is State.DONE
        done = rt.store.events(CI_1.id)[-1]
        assert done.action is EventAction.DONE and done.note.startswith("resolved on the forge")
        await pilot.press("c")
        await pilot.pause()
        rows = pilot.app.screen.query_one("#capacity-items")
        first = rows.get_row_at(0)  # type: ignore[attr-defined]
        assert str(first[1]) == CI_1.title  # the resolved item keeps its title in the budget


async def test_u_after_a_hand_off_says_what_stays_on_the_forge(rt: Runtime) -> None:
    """Issue 16: "Undid delegated." as if nothing had happened; the re-run stays on the forge."""
    async with app_for(rt).run_test(size=WIDE) as pilot:
        screen = await to_ci_1(pilot)
        await pilot.press("enter", "a", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.items[CI_1.id].state is State.DELEGATED
        await pilot.press("u")
        await settle(pilot)
        assert screen.items[CI_1.id].state is State.OPEN
        said = messages(pilot.app)
        assert "Undone here, not on the forge: Undid the hand-off to rerun here" in said
        assert "On the forge it stays done: did rerun_failed_jobs on 1001." in said
        side = str(screen.query_one("#detail-history").render())
        assert "undone locally; the action stays on the forge" in side
    (undo,) = [e for e in rt.store.events() if e.action is EventAction.UNDONE]
    assert undo.note == "undone locally; the action stays on the forge"
