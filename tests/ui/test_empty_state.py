"""The dashboard with no source configured says how to add one (not "Nothing to do here.")."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label
from ui_fakes import FakeSync, app_for, runtime, settle

from gluetui.ui.widgets.panel import Panel


async def test_no_sources_says_how_to_add_one(tmp_path: Path) -> None:
    rt = runtime(tmp_path, sources=())
    rt.config_path = tmp_path / "my [work] config.toml"
    try:
        app = app_for(rt, FakeSync({}))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            texts = [str(p.query_one(".empty", Label).render()) for p in app.screen.query(Panel)]
            assert len(texts) == 4
            for text in texts:
                assert "No sources configured" in text and "gluetui init" in text
                assert "my [work] config.toml" in text  # the path, shown literally
    finally:
        rt.close()


async def test_with_sources_and_nothing_found_it_is_nothing_to_do(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        app = app_for(rt, FakeSync({}))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            for panel in app.screen.query(Panel):
                assert str(panel.query_one(".empty", Label).render()) == "Nothing to do here."
    finally:
        rt.close()
