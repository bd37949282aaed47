"""End to end on the embedded demo organisation: plan, delegate, refresh, follow up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from delegate_helpers import NOW

from gluetui.delegate import Status, delegate, follow_up, reconcile
from gluetui.delegate.engine import plan_for
from gluetui.errors import ActionError
from gluetui.events import EventAction
from gluetui.factory import Runtime, build_runtime
from gluetui.forges.base import ActionRequest, ActionResult
from gluetui.model import Item, Kind
from gluetui.sync import current_items, sync_all

RERUNS = ("rerun_failed_jobs", "rerun_workflow", "retry_pipeline", "retry_job")


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Runtime]:
    rt = build_runtime(demo=True, store_path=tmp_path / "s.sqlite3", clock=lambda: NOW)
    reports = await sync_all(rt)
    assert all(r.ok for r in reports)
    yield rt
    for forge in rt.forges:
        await forge.aclose()
    rt.close()


def _plannable(rt: Runtime, items: list[Item], name: str) -> Item | None:
    for item in items:
        try:
            plan_for(rt, item, name)
        except ActionError:
            continue
        return item
    return None


def _rerun_pair(rt: Runtime) -> tuple[Item, str]:
    items = [i for i in current_items(rt) if i.kind is Kind.BROKEN_CI]
    for name, automation in rt.config.automations.items():
        if automation.kind.split(".")[1] in RERUNS:
            item = _plannable(rt, items, name)
            if item is not None:
                return item, name
    raise AssertionError("the demo has no broken-CI item a re-run automation can act on")


def _count_performs(rt: Runtime) -> list[ActionRequest]:
    calls: list[ActionRequest] = []
    for forge in rt.forges:
        original = forge.perform

        async def counting(request: ActionRequest, _original=original) -> ActionResult:  # type: ignore[no-untyped-def]
            calls.append(request)
            return await _original(request)

        forge.perform = counting  # type: ignore[method-assign]
    return calls


async def test_every_demo_automation_plans_on_some_demo_item(demo: Runtime) -> None:
    items = current_items(demo)
    planned = {}
    for name in demo.config.automations:
        item = _plannable(demo, items, name)
        if item is not None:
            p = plan_for(demo, item, name)
            assert p.summary and all(line.strip() for line in p.summary)
            planned[name] = p.automation_kind
    assert planned, "no demo automation fits any demo item"
    assert any(kind.split(".")[-1] in RERUNS for kind in planned.values())


async def test_rerun_of_broken_ci_goes_through_and_the_item_clears(demo: Runtime) -> None:
    item, name = _rerun_pair(demo)
    calls = _count_performs(demo)
    outcome = await delegate(demo, item, name)
    assert outcome.ok, outcome.message
    (entry,) = demo.store.journal(item.id)
    assert entry.outcome_at is not None and entry.ok is True
    events = demo.store.events(item.id)
    assert [e.action for e in events] == [EventAction.DELEGATED]
    assert events[0].data["key"] == outcome.key
    # A second press does nothing more.
    again = await delegate(demo, item, name)
    assert again.repeated and len(calls) == 1
    # The next refresh sees the re-run: the item is gone, and the follow-up says so.
    await sync_all(demo)
    remaining = {i.id for i in demo.store.load_items()}
    assert item.id not in remaining
    verdict = follow_up(demo.store.load_items(), demo.store.events(), demo.store.journal(), NOW)
    assert verdict[item.id].status is Status.RESOLVED


async def test_crash_between_intent_and_outcome_is_reconciled_by_find_action(
    demo: Runtime,
) -> None:
    item, name = _rerun_pair(demo)
    p = plan_for(demo, item, name)
    assert p.request is not None
    demo.store.journal_intent(
        p.key, item_id=item.id, automation=name, request=p.journal_request(), at=NOW
    )
    forge = demo.forge(p.forge)
    assert forge is not None
    await forge.perform(p.request)  # it happened; then the process died
    calls = _count_performs(demo)
    outcomes = await reconcile(demo)
    assert [o.key for o in outcomes] == [p.key]
    assert calls == []
    assert demo.store.journal_pending() == []
    assert outcomes[0].ok is True


async def test_dry_run_on_the_demo_performs_nothing(demo: Runtime) -> None:
    item, name = _rerun_pair(demo)
    demo.config = demo.config.model_copy(update={"dry_run": True})
    calls = _count_performs(demo)
    outcome = await delegate(demo, item, name)
    assert outcome.dry_run and outcome.message.startswith("dry run: would ")
    assert calls == [] and demo.store.journal() == []
    await sync_all(demo)
    assert item.id in {i.id for i in demo.store.load_items()}
