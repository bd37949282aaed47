"""10,000 items: a screenful first, the rest in chunks; refreshes touch only what changed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ui_fakes import NOW, FakeSync, app_for, item, seed, settle

from gluetui.factory import Runtime
from gluetui.model import Item, Kind
from gluetui.ui import render
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.widgets.item_table import CHUNK, FIRST_CHUNK, ItemTable

N = 10_000


def many() -> list[Item]:
    return [item(n, Kind.BROKEN_CI, repo=f"acme/r{n % 50}", impact=float(n)) for n in range(N)]


def cells(items: list[Item]) -> dict[str, tuple[Any, ...]]:
    return {i.id: render.row_cells(i, NOW, is_new=False) for i in items}


async def test_first_paint_adds_a_screenful_then_chunks(rt: Runtime) -> None:
    items = many()
    seed(rt, {"acme": items})
    loaded: list[int] = []
    app = app_for(rt, FakeSync({"acme": items}), refresh_on_start=False)
    async with app.run_test(size=(160, 48), message_hook=lambda m: _hook(m, loaded)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.panels[1].table
        for _ in range(50):
            await pilot.pause()
            if table.row_count:
                break
        # The first paint happens with a screenful, not ten thousand rows.
        assert FIRST_CHUNK <= table.row_count < N
        await settle(pilot)
        for _ in range(N // CHUNK + 5):
            if table.row_count == N:
                break
            await pilot.pause()
        assert table.row_count == N
        assert loaded  # Loaded was posted once everything was in
        assert table.row_id_at(0) == items[-1].id  # highest impact first


def _hook(message: Any, loaded: list[int]) -> None:
    if isinstance(message, ItemTable.Loaded):
        loaded.append(message.table.row_count)


async def test_refresh_updates_changed_rows_without_clearing(rt: Runtime) -> None:
    items = many()[:300]
    app = app_for(rt, FakeSync({}), refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.panels[1].table
        order = [i.id for i in sorted(items, key=lambda i: -i.impact)]
        table.show(order, cells(items))
        for _ in range(10):
            await pilot.pause()
        assert table.row_count == 300
        table.move_cursor(row=5)
        kept = table.current_id
        calls: list[str] = []
        original_add, original_remove = table.add_row, table.remove_row

        def add_row(*cells: Any, **kw: Any) -> Any:
            calls.append("add")
            return original_add(*cells, **kw)

        def remove_row(row_key: Any) -> None:
            calls.append("remove")
            original_remove(row_key)

        table.add_row = add_row  # type: ignore[method-assign]
        table.remove_row = remove_row  # type: ignore[method-assign,assignment]
        changed = [replace(i, title="changed") if i.id == order[0] else i for i in items[1:]]
        changed.append(item(99_999, Kind.BROKEN_CI, impact=-1.0))
        new_order = [i.id for i in sorted(changed, key=lambda i: -i.impact)]
        table.show(new_order, cells(changed))
        await pilot.pause()
        assert calls.count("add") == 1 and calls.count("remove") == 1
        assert table.row_count == 300
        assert table.current_id == kept
        assert table.row_id_at(299) == changed[-1].id
