"""Every action acts on exactly the item the user sees highlighted, also when a refresh lands.

The scenarios of the issue: a second source's snapshot merging in above the first must not leave
an untouched list's highlight on row 2; ``2``, ``enter`` shows the first Broken CI item; a refresh
landing between the highlight and ``a`` still delegates the highlighted item; going over budget
with ``a``, enter, enter says that nothing was delegated, and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui_fakes import FakeForge, FakeSync, app_for, item, runtime, seed, settle, standard_items

from gluetui.config.schema import CapacityConfig
from gluetui.events import EventAction
from gluetui.factory import Runtime
from gluetui.model import Item, Kind, Severity
from gluetui.ui import render
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen
from gluetui.ui.widgets.detail import DetailPane

WIDE = (160, 48)
CI_1, CI_2 = standard_items()["acme"][:2]


def main(app: Any) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def messages(app: Any) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def urgent(n: int, *, source: str = "lab") -> Item:
    """A Broken CI item that sorts above everything else (highest impact)."""
    return item(
        n,
        Kind.BROKEN_CI,
        source=source,
        repo="lab/core" if source == "lab" else "acme/infra",
        title=f"Urgent CI {n}",
        severity=Severity.HIGH,
        impact=1000.0 + n,
        automations=("rerun",),
    )


def with_lab(*extra: Item) -> dict[str, list[Item]]:
    items = standard_items()
    return {"acme": items["acme"], "lab": [*items["lab"], *extra]}


def delegated(rt: Runtime) -> list[str]:
    return [e.item_id for e in rt.store.events() if e.action is EventAction.DELEGATED]


async def test_a_source_merging_in_above_leaves_untouched_lists_on_their_first_row(
    rt: Runtime,
) -> None:
    # The stored snapshot has acme only; the refresh brings lab, whose CI item sorts first.
    seed(rt, {"acme": standard_items()["acme"]})
    sync = FakeSync(with_lab(urgent(90)))
    async with app_for(rt, sync).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        ci = screen.panels[1].table
        assert ci.row_id_at(0) == urgent(90).id and ci.row_id_at(1) == CI_1.id
        for panel in screen.panels:
            assert panel.table.cursor_row == 0, panel.kind
        # start, 2, enter: the detail shows the first Broken CI item.
        await pilot.press("2", "enter")
        await pilot.pause()
        pane = screen.query_one(DetailPane)
        assert pane.view is not None and pane.view.item.id == urgent(90).id
        body = str(screen.query_one("#detail-body").render())
        assert "Urgent CI 90" in body


async def test_a_refresh_between_the_highlight_and_a_still_delegates_the_highlighted_item(
    rt: Runtime,
) -> None:
    sync = FakeSync(standard_items())
    async with app_for(rt, sync).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("2", "j")  # highlight the second Broken CI item
        assert screen.current_item is not None and screen.current_item.id == CI_2.id
        # A refresh lands: a new item sorts above both, so the highlighted one moves down a row.
        sync.items = with_lab(urgent(91))
        await pilot.press("r")
        await settle(pilot)
        table = screen.panels[1].table
        assert table.row_id_at(0) == urgent(91).id
        assert table.current_id == CI_2.id and table.cursor_row == 2
        await pilot.press("a")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, ChoiceScreen)
        assert "Broken CI item 2" in str(picker.query_one(".subtitle").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
    assert delegated(rt) == [CI_2.id]
    assert [e.item_id for e in rt.store.journal()] == [CI_2.id]
    forge = rt.forge("acme")
    assert isinstance(forge, FakeForge) and len(forge.performed) == 1


async def test_the_panel_you_turned_to_keeps_its_highlight_through_a_refresh(
    rt: Runtime,
) -> None:
    sync = FakeSync(standard_items())
    async with app_for(rt, sync).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("2")  # the first row is highlighted: CI_1
        sync.items = with_lab(urgent(92))
        await pilot.press("r")
        await settle(pilot)
        assert screen.current_item is not None and screen.current_item.id == CI_1.id
        await pilot.press("a", "enter", "enter")
        await settle(pilot)
    assert delegated(rt) == [CI_1.id]


async def test_an_action_right_after_a_refresh_moved_the_highlight_does_nothing(
    rt: Runtime,
) -> None:
    async with app_for(rt).run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("2", "j")
        table = screen.table
        assert table.current_id == CI_2.id
        # The highlighted item goes away in a refresh; before the list is painted again, `a`.
        now = rt.clock()

        def cells(item_id: str) -> Any:
            return render.row_cells(screen.items[item_id], now, is_new=False)

        table.show([CI_1.id], cells)
        assert table.current_id == CI_1.id and table.unseen_change
        screen.action_delegate()
        assert pilot.app.screen is screen  # no picker: nothing is done on an unseen item
        await pilot.pause()
        assert "Press again" in messages(pilot.app)
        await pilot.press("a")  # now the user has seen it: the picker opens for it
        assert isinstance(pilot.app.screen, ChoiceScreen)
        await pilot.press("escape")
    assert rt.store.events() == []


async def test_over_budget_a_enter_enter_says_not_delegated_and_why(tmp_path: Path) -> None:
    rt = runtime(tmp_path, capacity=CapacityConfig(hours_per_sprint=0.1))
    try:
        async with app_for(rt).run_test(size=WIDE) as pilot:
            await settle(pilot)
            await pilot.press("2", "a", "enter")
            await pilot.pause()
            confirm = pilot.app.screen
            assert isinstance(confirm, ConfirmScreen)
            assert confirm.query_one("#yes").label.plain == "Delegate anyway"  # type: ignore[attr-defined]
            await pilot.press("enter")  # "No" has the focus when it would go over
            await settle(pilot)
            said = messages(pilot.app)
            assert "Nothing sent: Not delegated: Broken CI item 1." in said
            assert "would go over the sprint's budget" in said
        assert rt.store.events() == []
    finally:
        rt.close()
