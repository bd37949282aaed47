"""GitHub and GitLab side by side: one config, both real adapters, one dashboard.

Both sources are local servers speaking each forge's API (``rel_fakes``); the app refreshes them
through the real sync path and shows both hosts' items in the same panels, with one status line
per source. A failing GitLab keeps its items (marked stale) next to a healthy GitHub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from rel_server import Answer

from gluetui.model import Kind

if TYPE_CHECKING:  # a type only: `from conftest` would depend on collection order
    from conftest import World

textual = pytest.importorskip("textual")

from gluetui.ui.app import make_app  # noqa: E402
from gluetui.ui.widgets.header import SyncStatusBar  # noqa: E402
from gluetui.ui.widgets.panel import Panel  # noqa: E402


def _hosts_in_panels(app: object) -> set[str]:
    hosts: set[str] = set()
    for panel in app.screen.query(Panel):  # type: ignore[attr-defined]
        table = panel.table
        for row in range(table.row_count):
            item_id = table.row_id_at(row)
            if item_id:
                hosts.add(item_id.split("/", 1)[0])
    return hosts


async def _settle(app: object, pilot: object) -> None:
    await app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_both_forges_in_one_dashboard(world: World) -> None:
    rt = world.rt
    expected = {i.id.split("/", 1)[0] for s in ("gh", "gl") for i in world.baseline[s]}
    assert len(expected) == 2  # a GitHub host and a GitLab host
    app = make_app(rt)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(app, pilot)
        assert _hosts_in_panels(app) == expected
        status = str(app.screen.query_one(SyncStatusBar).render())
        assert "gh" in status and "gl" in status
        kinds = {i.kind for s in ("gh", "gl") for i in rt.store.load_items([s])}
        assert Kind.UNREVIEWED_PR in kinds


async def test_a_failing_gitlab_keeps_its_items_next_to_github(world: World) -> None:
    rt = world.rt
    world.gl.fault = lambda req: Answer(500, {"message": "boom"})
    app = make_app(rt)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(app, pilot)
        status = str(app.screen.query_one(SyncStatusBar).render())
        assert "500" in status
        # GitLab's last good items are still on screen, beside GitHub's fresh ones.
        assert _hosts_in_panels(app) == {
            i.id.split("/", 1)[0] for s in ("gh", "gl") for i in world.baseline[s]
        }
        assert "gl" in rt.store.stale_sources()
