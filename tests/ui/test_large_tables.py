"""10,000 items: the table renders only what is on screen and keeps order, cursor and mouse right."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from rich.text import Text
from ui_fakes import NOW, FakeSync, app_for, item, seed, settle

from gluetui.factory import Runtime
from gluetui.model import Item, Kind
from gluetui.ui import render
from gluetui.ui.render import COLUMN_KEYS
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.widgets.item_table import HEADER, ItemTable

N = 10_000


def many() -> list[Item]:
    return [item(n, Kind.BROKEN_CI, repo=f"acme/r{n % 50}", impact=float(n)) for n in range(N)]


def by_impact(items: list[Item]) -> list[str]:
    return [i.id for i in sorted(items, key=lambda i: (-i.impact, i.id))]


class CountingCells:
    """A cell source that counts which rows the table asked for."""

    def __init__(self, items: list[Item]) -> None:
        self.items = {i.id: i for i in items}
        self.asked: list[str] = []

    def __call__(self, item_id: str) -> tuple[Text, ...]:
        self.asked.append(item_id)
        return render.row_cells(self.items[item_id], NOW, is_new=False)


def main(app: Any) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_snapshot_of_ten_thousand_shows_every_row_in_order(rt: Runtime) -> None:
    items = many()
    seed(rt, {"acme": items})
    app = app_for(rt, FakeSync({"acme": items}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = main(app).panels[1].table
        assert table.row_count == N
        order = by_impact(items)
        assert [table.row_id_at(r) for r in (0, 1, N - 1)] == [order[0], order[1], order[-1]]
        assert table.row_id_at(N) is None
        await pilot.press("2", "end")
        assert table.current_id == order[-1]
        assert main(app).current_item == items[0]  # lowest impact comes last
        await pilot.press("home", "pagedown")
        assert 0 < table.cursor_row < N
        assert table.current_id == order[table.cursor_row]


async def test_only_visible_rows_are_rendered(rt: Runtime) -> None:
    app = app_for(rt, FakeSync({}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = main(app).panels[1].table
        items = many()
        cells = CountingCells(items)
        table.show(by_impact(items), cells)
        await pilot.pause()
        visible = table.scrollable_content_region.height - HEADER
        assert table.row_count == N
        assert 0 < len(set(cells.asked)) <= visible + 1
        table.move_cursor(row=N - 1)
        await pilot.pause()
        # Jumping to the end renders the last screenful, not the 9,000-odd rows in between.
        assert len(set(cells.asked)) <= 2 * (visible + 1)
        assert cells.asked[-1] in by_impact(items)[-visible - 1 :]


async def test_new_order_keeps_cursor_on_item_and_updates_changed_row(rt: Runtime) -> None:
    app = app_for(rt, FakeSync({}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = main(app).panels[1].table
        items = many()
        table.show(by_impact(items), CountingCells(items))
        table.move_cursor(row=5000)
        kept = table.current_id
        assert kept is not None
        # A refresh: one title changed, the top item went away, a new lowest one arrived.
        changed = [replace(i, title="changed") if i.id == kept else i for i in items[:-1]]
        changed.append(item(99_999, Kind.BROKEN_CI, impact=-1.0))
        table.show(by_impact(changed), CountingCells(changed))
        await pilot.pause()
        assert table.row_count == N
        assert table.current_id == kept
        assert table.cursor_row == 4999  # one row above it left
        assert str(table.get_row(kept)[COLUMN_KEYS.index("title")]) == "changed"
        assert table.row_id_at(N - 1) == changed[-1].id
        # The highlighted item itself goes away: the cursor stays at the same position.
        rest = [i for i in changed if i.id != kept]
        table.show(by_impact(rest), CountingCells(rest))
        assert table.cursor_row == 4999
        assert table.current_id == by_impact(rest)[4999]


async def test_empty_and_shrinking_tables_keep_the_cursor_in_range(rt: Runtime) -> None:
    app = app_for(rt, FakeSync({}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = main(app).panels[1].table
        items = many()[:100]
        table.show(by_impact(items), CountingCells(items))
        table.move_cursor(row=99)
        table.show(by_impact(items[:3]), CountingCells(items[:3]))
        assert table.cursor_row == 2
        table.show([], CountingCells([]))
        await pilot.pause()
        assert table.row_count == 0 and table.current_id is None
        table.action_cursor_down()
        assert table.cursor_row == 0


async def test_filter_and_sort_on_ten_thousand(rt: Runtime) -> None:
    items = many()
    seed(rt, {"acme": items})
    app = app_for(rt, FakeSync({"acme": items}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        table = screen.panels[1].table
        await pilot.press("2", "down", "down")
        kept = table.current_id
        await pilot.press("S")  # sort by age: the same item stays highlighted
        assert screen.sort_key.value == "age"
        assert table.current_id == kept
        await pilot.press("slash", *"repo:acme/r7", "enter")
        await pilot.pause()
        shown = [i for i in items if "acme/r7" in i.repo]  # r7, r70.. do not exist: 50 repos
        assert table.row_count == len(shown) == N // 50
        ids = {i.id for i in shown}
        assert all(table.row_id_at(r) in ids for r in range(table.row_count))


async def test_mouse_click_and_hover_on_a_scrolled_table(rt: Runtime) -> None:
    items = many()
    seed(rt, {"acme": items})
    app = app_for(rt, FakeSync({"acme": items}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        table = screen.panels[1].table
        await pilot.press("2")
        table.move_cursor(row=1000)
        await pilot.pause()
        top = round(table.scroll_y)
        assert top > 0
        await pilot.click(table, offset=(10, HEADER + 2))  # the third visible row
        await pilot.pause()
        assert table.cursor_row == top + 2
        assert screen.current_item is not None
        assert screen.current_item.id == table.row_id_at(top + 2)
        await pilot.click(table, offset=(10, 0))  # the header is not a row
        assert table.cursor_row == top + 2
        before = [seg.style for seg in table.render_line(HEADER + 4)]
        await pilot.hover(table, offset=(10, HEADER + 4))
        await pilot.pause()
        hovered = table.render_line(HEADER + 4)
        assert hovered.text.strip()
        assert [seg.style for seg in hovered] != before  # the row under the mouse is marked
        assert table.cursor_row == top + 2  # hovering does not move the cursor


async def test_highlight_message_names_the_table_and_item(rt: Runtime) -> None:
    got: list[tuple[int, str | None]] = []

    def hook(message: Any) -> None:
        if isinstance(message, ItemTable.RowHighlighted):
            got.append((message.cursor_row, message.item_id))

    items = many()[:50]
    seed(rt, {"acme": items})
    app = app_for(rt, FakeSync({"acme": items}), refresh_on_start=False)
    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("2", "down")
        await pilot.pause()
        assert got[-1] == (1, by_impact(items)[1])


async def test_first_screenful_paints_before_the_whole_snapshot_is_loaded(rt: Runtime) -> None:
    """The top rows come straight from the store's index; the full load replaces them after."""
    from gluetui.events import EventAction
    from gluetui.sync import current_items

    items = many()
    seed(rt, {"acme": items})
    order = by_impact(items)
    rt.store.record(order[0], EventAction.DISMISSED, at=NOW)  # hidden: the next one leads
    release = threading.Event()

    def slow_items(runtime: Runtime) -> list[Item]:
        assert release.wait(10)
        return current_items(runtime)

    app = app_for(rt, FakeSync({"acme": items}), refresh_on_start=False)
    app.backend.items = slow_items
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = main(app)
        table = screen.panels[1].table
        assert screen.partial
        assert 0 < table.row_count < N
        assert [table.row_id_at(r) for r in (0, 1)] == order[1:3]
        assert str(screen.panels[1].border_title).endswith(f"({N}…)")
        release.set()
        await settle(pilot)
        assert not screen.partial
        assert table.row_count == N - 1
        assert table.row_id_at(0) == order[1]
        assert str(screen.panels[1].border_title).endswith(f"({N - 1})")
