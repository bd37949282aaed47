"""Layout, refresh and failure handling, new-since-last-look, theme, mouse."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ui_fakes import NOW, FakeSync, app_for, item, runtime, seed, settle, standard_items

from gluetui.factory import Runtime
from gluetui.model import Kind
from gluetui.ui.render import COLUMN_KEYS, NEW_MARK, STALE_MARK
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.status import Phase
from gluetui.ui.widgets.panel_bar import PanelBar, bar_cells


def main(app: Any) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_wide_terminal_shows_all_four_panels(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        assert screen.has_class("-grid") and not screen.has_class("-single")
        assert all(p.display and p.region.width > 0 for p in screen.panels)
        assert not screen.query_one(PanelBar).display


async def test_narrow_terminal_shows_one_list_and_the_panel_bar(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        assert screen.has_class("-single")
        bar = screen.query_one(PanelBar)
        assert bar.display and bar.region.height == 1
        shown = [p for p in screen.panels if p.region.width > 0]
        assert shown == [screen.panels[0]]
        # The mouse switches panels: click "4 Flaky tests" in the bar.
        cells = bar_cells(bar.tabs, bar.size.width)
        x = sum(len(c) + 2 for c in cells[:3]) + 2
        await pilot.click(PanelBar, offset=(x, 0))
        await pilot.pause()
        assert screen.current_panel == 3
        assert [p for p in screen.panels if p.region.width > 0] == [screen.panels[3]]
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert screen.has_class("-grid")
        assert all(p.region.width > 0 for p in screen.panels)


async def test_clicking_a_row_selects_it(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        table = screen.panels[1].table
        await pilot.click(table, offset=(10, 2))  # header is row 0, second item is y=2
        await pilot.pause()
        assert screen.current_panel == 1
        assert screen.current_item is not None
        assert screen.current_item.title == "Broken CI item 2"


async def test_snapshot_shows_before_refresh_and_refresh_updates_in_place(rt: Runtime) -> None:
    items = standard_items()
    seed(rt, items)
    changed = {
        "acme": [item(1, Kind.BROKEN_CI, title="Broken CI item 1 (again)"), *items["acme"][1:]],
        "lab": items["lab"],
    }
    app = app_for(rt, FakeSync(changed), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        table = screen.panels[1].table
        assert table.row_count == 2  # the stored snapshot, no refresh yet
        await pilot.press("2", "j")
        before = table.current_id
        await pilot.press("r")
        await settle(pilot)
        assert table.current_id == before  # the cursor stayed on the same item
        assert (
            str(table.get_row(items["acme"][0].id)[COLUMN_KEYS.index("title")])
            == "Broken CI item 1 (again)"
        )


async def test_a_failing_source_keeps_its_items_marked_stale(rt: Runtime) -> None:
    seed(rt, standard_items())
    sync = FakeSync(standard_items(), fail={"lab": "lab: Bad credentials."})
    async with app_for(rt, sync).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        status = {s.name: s for s in screen.statuses}
        assert status["lab"].phase is Phase.FAILED
        assert status["lab"].error_title == "lab: Bad credentials."
        assert status["lab"].stale and not status["acme"].stale
        assert status["acme"].phase is Phase.OK
        lab_doc = standard_items()["lab"][0]
        cells = screen.panels[0].table.get_row(lab_doc.id)
        assert STALE_MARK in str(cells[0])
        assert "lab" in rt.store.stale_sources()
        assert any("Bad credentials" in n.message for n in pilot.app._notifications)


async def test_a_crashing_worker_is_reported_and_the_app_keeps_running(rt: Runtime) -> None:
    seed(rt, standard_items())
    sync = FakeSync(standard_items(), raise_for={"lab"})
    async with app_for(rt, sync).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        status = {s.name: s for s in screen.statuses}
        assert status["lab"].phase is Phase.FAILED
        assert "fake forge exploded" in status["lab"].error_title
        assert status["acme"].phase is Phase.OK
        assert pilot.app.is_running
        assert screen.panels[3].table.row_count == 2  # lab's flaky test is still there


async def test_progress_is_shown_per_source(rt: Runtime) -> None:
    from gluetui.ui.messages import SyncProgress

    async with app_for(rt, refresh_on_start=False).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        screen.statuses = tuple(s.running() for s in screen.statuses)
        screen.post_message(SyncProgress("acme", 3, 12, "acme/web"))
        await pilot.pause()
        acme = next(s for s in screen.statuses if s.name == "acme")
        assert (acme.done, acme.total, acme.what) == (3, 12, "acme/web")
        from gluetui.ui.status import status_line

        assert "refreshing 3/12 acme/web" in status_line(acme).plain


async def test_new_since_last_look_is_marked(rt: Runtime) -> None:
    items = standard_items()
    seed(rt, {"acme": items["acme"][:1]}, look=NOW - timedelta(hours=3))
    rt.store.set_last_look(NOW - timedelta(hours=1))  # item 1 was seen before the last look
    async with app_for(rt).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        old, new = items["acme"][0], items["acme"][1]
        assert old.id not in screen.new_ids and new.id in screen.new_ids
        table = screen.panels[1].table
        assert NEW_MARK in str(table.get_row(new.id)[0])
        assert NEW_MARK not in str(table.get_row(old.id)[0])
        await pilot.press("slash", *"new")
        assert table.row_count == 1
    # A completed refresh counts as a look.
    assert rt.store.last_look() == NOW


async def test_theme_from_config_and_remembered_from_the_palette(tmp_path: Any) -> None:
    rt = runtime(tmp_path, theme="nord")
    try:
        app = app_for(rt, refresh_on_start=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.theme == "nord"
            app.theme = "gruvbox"  # what the palette's theme picker does
            await pilot.pause()
        assert rt.store.get_setting("theme") == "gruvbox"
        again = app_for(rt, refresh_on_start=False)
        async with again.run_test(size=(120, 40)) as pilot:
            assert again.theme == "gruvbox"
    finally:
        rt.close()


async def test_forge_text_is_shown_literally(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        hostile = standard_items()["acme"][2]
        title = screen.panels[2].table.get_row(hostile.id)[COLUMN_KEYS.index("title")]
        assert str(title) == hostile.title  # literal, not markup
        assert not title.spans
        assert (title.no_wrap, title.overflow) == (True, "ellipsis")  # cut with … at the column
