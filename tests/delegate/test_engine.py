"""The engine: intent before the call, decision before the call, outcome after; never twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from delegate_helpers import FakeForge, make_config, make_item, make_runtime

from gluetui.delegate import DelegationFailed, delegate, reconcile, resolve_unknown
from gluetui.delegate.engine import plan_for
from gluetui.errors import ActionError, ForgeError
from gluetui.events import EventAction
from gluetui.factory import Runtime


def _forge(rt: Runtime) -> FakeForge:
    forge = rt.forge("gh")
    assert isinstance(forge, FakeForge)
    return forge


async def test_delegate_journals_intent_and_outcome_and_records_the_decision(
    tmp_path: Path,
) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    outcome = await delegate(rt, item, "rerun", hours_override=0.5)
    assert outcome.ok and not outcome.repeated
    (entry,) = rt.store.journal()
    assert entry.key == outcome.key and entry.ok is True and entry.outcome_at is not None
    assert entry.request["kind"] == "rerun_failed_jobs"
    assert entry.request["forge_target"] == "123"
    (event,) = rt.store.events()
    assert event.action is EventAction.DELEGATED
    assert event.automation == "rerun"
    assert event.data["key"] == outcome.key
    assert event.data["oversight_hours"] == 0.5
    assert event.data["plan"] == list(plan_for(rt, item, "rerun").summary)
    assert event.fingerprint == item.fingerprint
    assert len(_forge(rt).performed) == 1


async def test_decision_is_recorded_before_the_forge_call(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    seen: list[list[str]] = []
    forge = _forge(rt)
    original = forge.perform

    async def spying(request):  # type: ignore[no-untyped-def]
        seen.append([e.action.value for e in rt.store.events()])
        assert rt.store.journal_pending()
        return await original(request)

    forge.perform = spying  # type: ignore[method-assign]
    await delegate(rt, make_item(), "rerun")
    assert seen == [["delegated"]]


async def test_double_delegate_performs_once(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    first = await delegate(rt, item, "rerun")
    second = await delegate(rt, item, "rerun")
    assert len(_forge(rt).performed) == 1
    assert second.repeated and second.ok and second.key == first.key
    assert len(rt.store.journal()) == 1
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED]


async def test_concurrent_double_press_performs_once(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    forge = _forge(rt)
    release = asyncio.Event()
    original = forge.perform

    async def slow(request):  # type: ignore[no-untyped-def]
        await release.wait()
        return await original(request)

    forge.perform = slow  # type: ignore[method-assign]
    item = make_item()
    first = asyncio.create_task(delegate(rt, item, "rerun"))
    await asyncio.sleep(0)
    with pytest.raises(ActionError, match="already running"):
        await delegate(rt, item, "rerun")
    release.set()
    assert (await first).ok
    assert len(forge.performed) == 1


async def test_crash_after_intent_is_reconciled_without_performing_again(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    p = plan_for(rt, item, "rerun")
    # Simulate a crash: intent written, the forge did it, the outcome never made it to disk.
    rt.store.journal_intent(
        p.key, item_id=item.id, automation="rerun", request=p.journal_request(), at=rt.clock()
    )
    forge = _forge(rt)
    assert p.request is not None
    await forge.perform(p.request)
    forge.performed.clear()
    (outcome,) = await reconcile(rt)
    assert outcome.ok and outcome.key == p.key
    assert forge.performed == []
    assert forge.asked[0].idempotency_key == p.key and forge.asked[0].target == "123"
    assert rt.store.journal_pending() == []
    # Delegating again now returns the recorded outcome.
    again = await delegate(rt, item, "rerun")
    assert again.repeated and forge.performed == []


async def test_unknown_outcome_is_never_re_posted(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    p = plan_for(rt, item, "rerun")
    rt.store.journal_intent(
        p.key, item_id=item.id, automation="rerun", request=p.journal_request(), at=rt.clock()
    )
    (outcome,) = await reconcile(rt)
    assert outcome.unknown
    assert outcome.message == f"unknown — check {item.url}"
    again = await delegate(rt, item, "rerun")
    assert again.unknown and again.repeated
    assert _forge(rt).performed == []
    # The user checks, it did not happen: the next delegation is a new attempt.
    resolve_unknown(rt, p.key, happened=False)
    third = await delegate(rt, item, "rerun")
    assert third.ok and third.key != p.key
    assert len(_forge(rt).performed) == 1


async def test_pending_entry_found_on_repeat_is_reconciled_not_performed(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    item = make_item()
    p = plan_for(rt, item, "rerun")
    rt.store.journal_intent(
        p.key, item_id=item.id, automation="rerun", request=p.journal_request(), at=rt.clock()
    )
    outcome = await delegate(rt, item, "rerun")
    assert outcome.unknown and _forge(rt).performed == []
    assert rt.store.journal_pending() == []


async def test_dry_run_performs_and_records_nothing(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, config=make_config(dry_run=True))
    outcome = await delegate(rt, make_item(), "rerun")
    assert outcome.dry_run and outcome.ok
    assert outcome.message.startswith("dry run: would POST https://api.github.com/")
    assert _forge(rt).performed == []
    assert rt.store.journal() == [] and rt.store.events() == []


async def test_forge_failure_is_journaled_requeued_and_raised(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    _forge(rt).fail_with = ForgeError("GitHub said 403.", "Token lacks actions:write.", status=403)
    item = make_item()
    with pytest.raises(DelegationFailed) as info:
        await delegate(rt, item, "rerun")
    assert "403" in info.value.title
    assert "actions:write" in info.value.hint
    assert info.value.outcome.ok is False
    (entry,) = rt.store.journal()
    assert entry.ok is False and "403" in entry.message
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED, EventAction.REOPENED]
    # A definite failure may be retried: a new attempt, a new key, performed again.
    _forge(rt).fail_with = None
    retry = await delegate(rt, item, "rerun")
    assert retry.ok and retry.key != entry.key
    assert len(_forge(rt).performed) == 2


async def test_unexpected_exception_becomes_an_action_error(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    _forge(rt).fail_with = RuntimeError("kaboom")
    with pytest.raises(ActionError, match="RuntimeError: kaboom"):
        await delegate(rt, make_item(), "rerun")
    (entry,) = rt.store.journal()
    assert entry.ok is False


async def test_planning_errors_journal_nothing(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    with pytest.raises(ActionError):
        await delegate(rt, make_item(where={}), "rerun")
    assert rt.store.journal() == [] and rt.store.events() == []


async def test_a_write_that_timed_out_is_unknown_and_not_retried(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    _forge(rt).fail_with = ForgeError(
        "GitHub did not answer in time (re-running run 123).",
        "Raise timeout_seconds. The action may or may not have been applied.",
    )
    item = make_item()
    with pytest.raises(DelegationFailed) as info:
        await delegate(rt, item, "rerun")
    assert info.value.outcome.unknown
    (entry,) = rt.store.journal()
    assert entry.message.startswith("unknown — check https://github.com/acme/api")
    # The item stays delegated, and pressing again does not send it again.
    assert [e.action for e in rt.store.events()] == [EventAction.DELEGATED]
    _forge(rt).fail_with = None
    again = await delegate(rt, item, "rerun")
    assert again.unknown and again.repeated
    assert len(_forge(rt).performed) == 1
