"""`m` with `assign_on_take`: the item is taken, then the forge is told, off the UI thread."""

from __future__ import annotations

from pathlib import Path

from ui_fakes import FakeForge, app_for, config, runtime, settle, standard_items

from gluetui.config.schema import Config, automation
from gluetui.events import EventAction
from gluetui.forges.base import ActionRequest
from gluetui.ui.screens.main import MainScreen

PR_3 = standard_items()["acme"][2]


def _config() -> Config:
    base = config()
    automations = dict(base.automations)
    automations["assign-me"] = automation(
        kind="github.assign", fits=["unreviewed_pr"], assignees=["dana"]
    )
    return base.model_copy(update={"automations": automations, "assign_on_take": ["assign-me"]})


async def test_taking_a_pr_assigns_me_on_the_forge(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.config = _config()
    try:
        async with app_for(rt).run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("3")
            screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
            assert screen.current_item is not None and screen.current_item.id == PR_3.id
            await pilot.press("m", "enter")
            await settle(pilot)
            assert [e.action for e in rt.store.events(PR_3.id)] == [EventAction.TAKEN]
            forge = rt.forge("acme")
            assert isinstance(forge, FakeForge)
            assert [(r.kind, r.params.get("assignees")) for r in forge.performed] == [
                ("assign", ["dana"])
            ]
            [entry] = rt.store.journal(PR_3.id)
            assert entry.ok and entry.request["on_take"] is True
    finally:
        rt.close()


class _BrokenForge(FakeForge):
    """A forge whose adapter has a bug: describing the assignment raises something unexpected."""

    def describe(self, request: ActionRequest) -> str:
        raise RuntimeError("adapter bug while describing")


async def test_an_unexpected_error_telling_the_forge_does_not_end_the_app(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.config = _config()
    rt.forges = [_BrokenForge(f.name) if isinstance(f, FakeForge) else f for f in rt.forges]
    try:
        async with app_for(rt).run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("3", "m", "enter")
            await settle(pilot)
            app = pilot.app
            assert app.is_running and app.return_code is None
            assert [e.action for e in rt.store.events(PR_3.id)] == [EventAction.TAKEN]
            said = [f"{n.title}: {n.message}" for n in app._notifications]
            assert any("telling the forge" in s and "adapter bug" in s for s in said), said
            await pilot.press("j")  # still answering keys
            assert app.is_running
    finally:
        rt.close()
