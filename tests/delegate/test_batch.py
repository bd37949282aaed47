"""Batches: one confirmation for several items, each journaled and settled on its own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from delegate_helpers import FakeForge, make_item, make_runtime

from gluetui.delegate import batch
from gluetui.delegate.batch import Proposal
from gluetui.errors import ForgeError
from gluetui.events import EventAction
from gluetui.factory import Runtime
from gluetui.model import Item, Kind, Route, State, Suggestion
from gluetui.report import ledger
from gluetui.store import NewMember


def _ci(n: int, **kw: object) -> Item:
    return make_item(Kind.BROKEN_CI, key=f"ci{n}", title=f"CI {n}", fingerprint=f"fp{n}", **kw)  # type: ignore[arg-type]


def _suggest(item: Item, route: Route, automation: str = "", hours: float = 0.0) -> Item:
    return replace(item, suggestion=Suggestion(route, f"why {item.title}", automation, hours))


def _forge(rt: Runtime) -> FakeForge:
    forge = rt.forge("gh")
    assert isinstance(forge, FakeForge)
    return forge


def _propose(rt: Runtime, items: list[Item], *, hand_off: bool) -> Proposal:
    return batch.propose(rt, items, {}, hand_off=hand_off)


async def test_a_hand_off_batch_journals_each_item_under_its_own_key(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    items = [_ci(n) for n in range(5)]
    proposal = _propose(rt, items, hand_off=True)
    assert [p.automation for p in proposal.members] == ["rerun"] * 5  # the first that fits
    assert all(p.plan is not None and p.plan.summary for p in proposal.members)
    report = await batch.run(rt, proposal)
    assert [m.outcome for m in report.members] == ["ok"] * 5
    assert report.message() == "5 hand-offs: 5 sent, 0 failed."
    journal = rt.store.journal()
    assert len({e.key for e in journal}) == 5
    assert sorted(e.request["batch_pos"] for e in journal) == list(range(5))
    assert {e.request["batch"] for e in journal} == {report.batch}
    assert len(_forge(rt).performed) == 5
    assert rt.store.unsettled_batches() == []
    # Every hand-off is a decision in the log and a line of the ledger.
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED] * 5
    led = ledger(rt.config, rt.store.events(), journal, items, rt.clock(), rt.clock())
    assert {d.outcome for d in led.delegations} == {"done"} and len(led.delegations) == 5
    rt.close()


async def test_one_failure_does_not_stop_the_others_and_is_counted(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    forge = _forge(rt)
    items = [_ci(n) for n in range(3)]
    calls = 0
    perform = forge.perform

    async def flaky(request):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ForgeError("GitHub said 500.", "Try again later.")
        return await perform(request)

    forge.perform = flaky  # type: ignore[method-assign]
    report = await batch.run(rt, _propose(rt, items, hand_off=True))
    assert [m.outcome for m in report.members] == ["ok", "failed", "ok"]
    assert "GitHub said 500." in report.members[1].message
    assert report.message() == "3 hand-offs: 2 sent, 1 failed."
    # The failed one is back in the queue; the others are delegated.
    states = {e.item_id: e.action for e in rt.store.events()}
    assert states[items[1].id] is EventAction.REOPENED
    rt.close()


async def test_accepting_marked_suggestions_delegates_takes_and_leaves(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    items = [
        _suggest(_ci(1), Route.DELEGATE, "rerun", 0.25),
        _suggest(_ci(2), Route.TAKE, hours=1.5),
        _suggest(_ci(3), Route.LEAVE),
        replace(_suggest(_ci(4), Route.TAKE, hours=1.0), state=State.TAKEN),
        _ci(5),  # no suggestion yet
    ]
    proposal = _propose(rt, items, hand_off=False)
    assert [(p.item.id, p.route) for p in proposal.members] == [
        (items[0].id, Route.DELEGATE),
        (items[1].id, Route.TAKE),
        (items[2].id, Route.LEAVE),
    ]
    assert [p.problem for p in proposal.refused] == [
        "already taken",
        "no suggestion yet (refresh to get one)",
    ]
    assert proposal.hours == pytest.approx(0.25 + 1.5)
    report = await batch.run(rt, proposal)
    assert report.message() == "3 items: 1 delegated, 1 taken, 1 left, 0 failed."
    by_item = {e.item_id: e for e in rt.store.events()}
    assert by_item[items[1].id].action is EventAction.TAKEN and by_item[items[1].id].hours == 1.5
    left = by_item[items[2].id]
    assert left.action is EventAction.SNOOZED and left.data["route"] == "leave"
    assert left.until is not None and left.note == f"left: why {items[2].title}"
    led = ledger(rt.config, rt.store.events(), rt.store.journal(), items, rt.clock(), rt.clock())
    assert [w.item_id for w in led.work] == [items[1].id]
    assert [d.item_id for d in led.delegations] == [items[0].id]
    assert [(line.item_id, line.reason) for line in led.left] == [
        (items[2].id, f"why {items[2].title}")
    ]
    rt.close()


async def test_an_item_no_automation_can_take_is_listed_apart(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    doc = make_item(Kind.STALE_DOC, key="d", source="gl", host="gitlab.example.com")
    proposal = _propose(rt, [doc, _ci(1)], hand_off=True)
    assert [p.item.id for p in proposal.members] == [_ci(1).id]
    (refused,) = proposal.refused
    assert refused.item.id == doc.id and refused.problem  # says why (no GitLab issue automation)
    rt.close()


async def test_a_batch_over_budget_says_so(tmp_path: Path) -> None:
    from gluetui.config.schema import CapacityConfig

    rt = make_runtime(tmp_path)
    rt.config = rt.config.model_copy(update={"capacity": CapacityConfig(hours_per_sprint=1.0)})
    items = [_suggest(_ci(n), Route.TAKE, hours=0.75) for n in range(2)]
    proposal = _propose(rt, items, hand_off=False)
    assert proposal.over_budget and proposal.hours == 1.5
    rt.close()


async def test_resume_finishes_what_a_crash_left_and_sends_nothing_twice(tmp_path: Path) -> None:
    """The crash is played in-process here (tests/reliability kills a real process): members 0-1
    settled, member 2's intent journaled but no outcome, members 3-4 never started."""
    rt = make_runtime(tmp_path)
    items = [_ci(n) for n in range(5)]
    proposal = _propose(rt, items, hand_off=True)
    members = [
        NewMember(p.item.to_json(), p.route.value, p.automation, p.hours, p.reason)
        for p in proposal.members
    ]
    store = rt.store
    batch_id = store.batch_create(members, at=rt.clock())
    for pos in (0, 1):
        await batch._settle(rt, store.batch_members(batch_id)[pos], resumed=False)
        store.batch_settle(batch_id, pos, outcome="ok", at=rt.clock())
    plan = proposal.members[2].plan
    assert plan is not None
    store.journal_intent(
        plan.key,
        item_id=items[2].id,
        automation="rerun",
        request={**plan.journal_request(), "batch": batch_id, "batch_pos": 2},
        at=rt.clock(),
    )
    sent_before = len(_forge(rt).performed)
    assert store.unsettled_batches() == [batch_id]

    (report,) = await batch.resume(rt)
    assert report.resumed
    assert [m.outcome for m in report.members] == ["ok", "ok", "unknown", "ok", "ok"]
    assert "unknown" in report.members[2].message
    # Only the two never started were sent now; the one in flight was asked about, not re-sent.
    assert len(_forge(rt).performed) == sent_before + 2
    assert store.unsettled_batches() == []
    assert await batch.resume(rt) == []  # nothing left to finish
    rt.close()


async def test_resume_skips_a_member_whose_item_was_decided_meanwhile(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = _ci(1)
    proposal = _propose(rt, [item], hand_off=True)
    p = proposal.members[0]
    rt.store.batch_create(
        [NewMember(item.to_json(), "delegate", p.automation, p.hours, p.reason)],
        at=rt.clock(),
    )
    rt.store.record(item.id, EventAction.DISMISSED, at=rt.clock(), note="not mine")
    (report,) = await batch.resume(rt)
    assert [m.outcome for m in report.members] == ["skipped"]
    assert _forge(rt).performed == []
    assert report.message() == "1 hand-off: 0 sent, 0 failed, 1 skipped (decided meanwhile)."
    rt.close()
