"""Undo after the world changed (issue 16): a hand-off that already acted on the forge is undone
here only. ``u`` says what stays on the forge, and the ledger keeps the hand-off, marked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from delegate_helpers import NOW, FakeForge, automation, make_config, make_item, make_runtime

from gluetui import decisions
from gluetui.budget import budget_status
from gluetui.delegate import DelegationFailed, delegate
from gluetui.errors import ForgeError
from gluetui.events import EventAction
from gluetui.model import Kind
from gluetui.report import ledger, render_ledger
from gluetui.triage import triage_states


async def test_undoing_a_hand_off_that_acted_says_what_stays_and_keeps_the_ledger_true(
    tmp_path: Path,
) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    await delegate(rt, item, "rerun", hours_override=0.25)
    assert budget_status(rt.config, rt.store.events(), NOW).oversight_hours == 0.25

    undone = decisions.undo(rt)
    assert undone is not None and undone.event.action is EventAction.DELEGATED
    assert undone.on_forge == "did rerun_failed_jobs on 123."
    assert undone.message == (
        "Undid the hand-off to rerun here: the item is back in your queue (0.25 h freed). On the "
        "forge it stays done: did rerun_failed_jobs on 123. Undo that on the forge if it matters."
    )
    undo_event = rt.store.events()[-1]
    assert undo_event.action is EventAction.UNDONE
    assert undo_event.note == decisions.STAYS_ON_FORGE
    # Here the decision is gone: open again, its oversight freed.
    assert item.id not in triage_states(rt.store.events(), NOW)
    assert budget_status(rt.config, rt.store.events(), NOW).oversight_hours == 0
    # The hand-off happened: the ledger keeps it, marked.
    led = ledger(
        rt.config, rt.store.events(), rt.store.journal(), [item], NOW - timedelta(days=1), NOW
    )
    (line,) = led.delegations
    assert line.outcome == "done" and line.undone
    assert line.to_json()["undone"] is True
    assert "done (undone locally; the action stays on the forge)" in render_ledger(led)


async def test_undoing_a_hand_off_that_failed_is_a_plain_undo(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    forge = rt.forge("gh")
    assert isinstance(forge, FakeForge)
    forge.fail_with = ForgeError("Not Found")
    item = make_item()
    with pytest.raises(DelegationFailed):
        await delegate(rt, item, "rerun")
    # The failure reopened the item; undoing the reopening says nothing about the forge.
    undone = decisions.undo(rt)
    assert undone is not None and undone.on_forge == ""
    assert undone.message == f"Undid {undone.event.action.value}."
    led = ledger(
        rt.config, rt.store.events(), rt.store.journal(), [item], NOW - timedelta(days=1), NOW
    )
    assert not any(d.undone for d in led.delegations)


async def test_undoing_a_take_that_assigned_you_says_the_assignment_stays(tmp_path: Path) -> None:
    from gluetui.delegate import assign_on_take

    config = make_config(
        {"me": automation(kind="github.assign", fits=["unreviewed_pr"], assignees=["dana"])},
        assign_on_take=["me"],
    )
    rt = make_runtime(tmp_path, config=config)
    pr = make_item(Kind.UNREVIEWED_PR, key="7")
    decisions.take(rt, pr, 1.0)
    await assign_on_take(rt, pr)
    undone = decisions.undo(rt)
    assert undone is not None and undone.event.action is EventAction.TAKEN
    assert undone.on_forge == "did assign on 7."
    assert "(1 h freed)" in undone.message and "On the forge it stays done" in undone.message


async def test_an_item_gone_under_a_hand_off_is_shown_resolved_and_recorded_done(
    tmp_path: Path,
) -> None:
    """Outcomes (issue 16): the re-run turned the build green and the item left the snapshot; the
    dashboard still has it, its outcome first, and the follow-up records it done. Undone, it is
    simply gone."""
    from gluetui.delegate import Status, follow_up, record_resolved
    from gluetui.sync import current_items

    rt = make_runtime(tmp_path)
    red, other = make_item(), make_item(key="other.yml", title="Other CI")
    rt.store.save_snapshot("gh", [red, other], at=NOW - timedelta(hours=1))
    await delegate(rt, red, "rerun")
    rt.store.save_snapshot("gh", [other], at=NOW)  # the next refresh: green, no longer flagged
    shown = {i.id: i for i in current_items(rt, with_gone=True)}
    assert set(shown) == {red.id, other.id} and red.id not in {i.id for i in current_items(rt)}
    ghost = shown[red.id]
    assert ghost.evidence[0].label == "outcome"
    assert ghost.evidence[0].detail.startswith("Resolved on the forge: the workflow is green again")
    verdicts = follow_up([other], rt.store.events(), rt.store.journal(), NOW)
    assert verdicts[red.id].status is Status.RESOLVED
    assert verdicts[red.id].message == (
        "resolved on the forge: the workflow is green again since rerun took it"
    )
    (done,) = record_resolved(rt, verdicts)
    assert done.action is EventAction.DONE and done.note == verdicts[red.id].message
    assert {i.id: i.state.value for i in current_items(rt, with_gone=True)}[red.id] == "done"
    # Its hand-off undone, then its done undone: no decision in force, it is just gone.
    decisions.undo(rt)
    decisions.undo(rt)
    assert red.id not in {i.id for i in current_items(rt, with_gone=True)}
