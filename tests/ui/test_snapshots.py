"""Screenshots of the dashboard, compared with the stored SVGs (``--snapshot-update`` to accept).

Deterministic: frozen clock, fixed terminal size, fixed data, UTC local time, no blinking cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ui_fakes import NOW, FakeSync, app_for, runtime, seed, settle, standard_items

from gluetui.events import EventAction
from gluetui.factory import Runtime

Snap = Callable[..., bool]


@pytest.fixture
def srt(tmp_path: Path) -> Iterator[Runtime]:
    rt = runtime(tmp_path)
    yield rt
    rt.close()


async def _settled(pilot: Any) -> None:
    await settle(pilot)
    await pilot.pause()


def test_main_wide(snap_compare: Snap, srt: Runtime) -> None:
    assert snap_compare(app_for(srt), terminal_size=(160, 48), run_before=_settled)


def test_main_narrow(snap_compare: Snap, srt: Runtime) -> None:
    assert snap_compare(app_for(srt), terminal_size=(100, 40), run_before=_settled)


def test_detail_pane(snap_compare: Snap, srt: Runtime) -> None:
    first = standard_items()["acme"][0]
    srt.store.record(first.id, EventAction.TAKEN, at=NOW, hours=1.5, note="on it")

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()

    assert snap_compare(app_for(srt), terminal_size=(160, 48), run_before=run_before)


def test_help_screen(snap_compare: Snap, srt: Runtime) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(srt), terminal_size=(160, 48), run_before=run_before)


def test_capacity_screen(snap_compare: Snap, srt: Runtime) -> None:
    acme = standard_items()["acme"]
    srt.store.record(acme[0].id, EventAction.TAKEN, at=NOW, hours=1.5)
    srt.store.record(
        acme[2].id,
        EventAction.DELEGATED,
        at=NOW,
        automation="ask-bot",
        data={"oversight_hours": 0.5},
    )

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(app_for(srt), terminal_size=(160, 48), run_before=run_before)


def test_failed_source(snap_compare: Snap, srt: Runtime) -> None:
    seed(srt, standard_items())
    sync = FakeSync(standard_items(), fail={"lab": "lab: Bad credentials (401)."})
    assert snap_compare(app_for(srt, sync), terminal_size=(160, 48), run_before=_settled)


def test_empty_state(snap_compare: Snap, srt: Runtime) -> None:
    assert snap_compare(app_for(srt, FakeSync({})), terminal_size=(160, 48), run_before=_settled)


def test_delegation_confirmation(snap_compare: Snap, srt: Runtime) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2", "a", "enter")
        await pilot.pause()

    assert snap_compare(app_for(srt), terminal_size=(160, 48), run_before=run_before)


def test_batch_confirmation(snap_compare: Snap, srt: Runtime) -> None:
    """Every marked item with the request it sends, or its take or leave, and the budget after."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2", "V", "3", "V", "4", "asterisk", "A")
        await pilot.pause()

    assert snap_compare(app_for(srt), terminal_size=(120, 35), run_before=run_before)


def test_detail_hand_off(snap_compare: Snap, srt: Runtime) -> None:
    pr = standard_items()["acme"][2]
    at = NOW - timedelta(hours=3)
    srt.store.journal_intent("k1", item_id=pr.id, automation="ask-bot", request={}, at=at)
    srt.store.journal_outcome(
        "k1", ok=True, message="Review requested from review-bot.", url=pr.url, at=at
    )
    srt.store.record(
        pr.id,
        EventAction.DELEGATED,
        at=at,
        automation="ask-bot",
        fingerprint=pr.fingerprint,
        data={"oversight_hours": 0.5, "key": "k1", "follow_up_hours": 24},
    )

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3", "enter")
        await pilot.pause()

    assert snap_compare(app_for(srt), terminal_size=(160, 48), run_before=run_before)
