"""The app over the real demo runtime and the real refresh (no fakes), with a frozen clock."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList
from ui_fakes import NOW, settle

from gluetui.events import EventAction
from gluetui.factory import build_runtime
from gluetui.ui.app import make_app
from gluetui.ui.screens.main import MainScreen


async def test_demo_fills_every_panel_and_records_a_delegation(tmp_path: Path) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        app = make_app(rt)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert all(p.table.row_count > 0 for p in screen.panels)
            assert all(s.last_refresh == NOW for s in screen.statuses)
            await pilot.press("2")  # Broken CI: the demo config has re-run automations for it
            assert screen.check_action("delegate", ()) is True
            await pilot.press("a", "enter")  # pick the first automation that fits
            await pilot.pause()
            await pilot.press("enter")  # confirm the plan
            await settle(pilot)
            item = screen.current_item
            assert item is not None and item.state.value == "delegated"
        (event,) = rt.store.events()
        assert event.action is EventAction.DELEGATED and event.automation
        assert "oversight_hours" in event.data
        (entry,) = rt.store.journal()
        assert entry.ok is True and entry.item_id == event.item_id
    finally:
        rt.close()


async def test_a_re_run_that_turned_green_shows_its_outcome(tmp_path: Path) -> None:
    """Issue 16: the README says a re-run red workflow turns green on the next refresh. It does,
    and the item does not just vanish with a toast: it moves to the done items (``h``) with its
    outcome first in its detail and in its history."""
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        app = make_app(rt)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await pilot.press("2")
            while screen.current_item is not None and screen.current_item.host != "github.com":
                await pilot.press("j")
            red = screen.current_item
            assert red is not None
            await pilot.press("a")
            await pilot.pause()
            options = app.screen.query_one(OptionList)
            options.highlighted = next(
                n for n, o in enumerate(options.options) if o.id == "rerun-failed"
            )
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("r")  # the next refresh: the demo's re-run went green
            await settle(pilot)
            after = screen.items.get(red.id)
            assert after is not None and after.state.value == "done"
            assert red.id not in {i.id for i in screen.panel_items(red.kind)[0]}
            said = "\n".join(f"{n.title}: {n.message}" for n in app._notifications)
            assert "Follow-up: resolved" in said and "h shows them" in said
            await pilot.press("h")
            await pilot.pause()
            assert red.id in {i.id for i in screen.panel_items(red.kind)[0]}
            assert after.evidence[0].label == "outcome"
            assert after.evidence[0].detail.startswith(
                "Resolved on the forge: the workflow is green again"
            )
        done = rt.store.events(red.id)[-1]
        assert done.action is EventAction.DONE
        assert done.note.startswith("resolved on the forge: the workflow is green again")
    finally:
        rt.close()


async def test_the_readme_walkthrough_counts_the_flaky_panel_as_the_demo_does(
    tmp_path: Path,
) -> None:
    """The demo's flaky panel counts each flake once (issue 16: a job and the test inside it
    were two items, 6 of 17), and the README's walk through the demo says how many there are."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    said = re.search(r"\*\*`4`, Flaky tests: (\d+) items, one per flake\.\*\*", readme)
    assert said is not None
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        app = make_app(rt)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            flaky = screen.panels[3]
            assert flaky.table.row_count == int(said.group(1))
            rows = screen.panel_items(flaky.kind)[0]
            # One item per job: no test item beside its job, no job counted twice.
            jobs = [(i.repo, i.where.get("workflow"), i.where.get("job")) for i in rows]
            assert len(set(jobs)) == len(jobs)
            assert not any("#flaky_test/test:" in i.id for i in rows)
    finally:
        rt.close()
