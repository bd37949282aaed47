"""What an empty panel says: how to add a source when there is none; that a refresh failed when
it did (not "Nothing to do here."); "Nothing to do here." only when every source refreshed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label
from ui_fakes import FakeSync, app_for, runtime, seed, settle, standard_items

from gluetui.model import Kind
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


def _panel_texts(app: object) -> list[str]:
    return [str(p.query_one(".empty", Label).render()) for p in app.screen.query(Panel)]  # type: ignore[attr-defined]


async def test_a_failed_refresh_with_nothing_stored_is_not_nothing_to_do(tmp_path: Path) -> None:
    """No token or no network: the panels say the refresh failed, not "Nothing to do here.",
    and the warning does not claim that last items were kept when there were none."""
    rt = runtime(tmp_path)
    try:
        sync = FakeSync({}, fail={"acme": "Bad credentials", "lab": "Bad credentials"})
        app = app_for(rt, sync)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            for text in _panel_texts(app):
                assert text == (
                    "Nothing to show: the refresh of acme, lab failed (Bad credentials) and no "
                    "items were stored before. Fix it and press r to try again."
                )
            titles = {n.title for n in app._notifications}
            assert "acme: refresh failed, nothing to show from it yet" in titles
            assert not any("last items kept" in t for t in titles)
    finally:
        rt.close()


async def test_last_items_kept_only_when_some_were(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        seed(rt, {"acme": standard_items()["acme"]})
        sync = FakeSync({"lab": []}, fail={"acme": "timed out"})
        app = app_for(rt, sync)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            titles = {n.title for n in app._notifications}
            assert "acme: refresh failed, last items kept" in titles
    finally:
        rt.close()


async def test_an_empty_panel_beside_a_failed_source_says_it_may_not_be_all(
    tmp_path: Path,
) -> None:
    rt = runtime(tmp_path)
    try:
        only_ci = [i for i in standard_items()["acme"] if i.kind is Kind.BROKEN_CI]
        sync = FakeSync({"acme": only_ci}, fail={"lab": "Bad credentials"})
        app = app_for(rt, sync)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            empty = [
                t
                for t, p in zip(_panel_texts(app), app.screen.query(Panel), strict=True)
                if p.kind is not Kind.BROKEN_CI
            ]
            assert empty and all(
                t == "Nothing here from the sources that refreshed; lab failed (Bad credentials), "
                "so this may not be all."
                for t in empty
            )
    finally:
        rt.close()
