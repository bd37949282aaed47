"""`assign_on_take`: after `m`, tell the forge who has the item — journaled, never a delegation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from delegate_helpers import NOW

from gluetui.config.schema import Config, automation
from gluetui.decisions import take
from gluetui.delegate import assign_on_take, reconcile
from gluetui.errors import ActionError
from gluetui.events import EventAction
from gluetui.factory import Runtime, build_runtime
from gluetui.forges.base import ActionRequest, ActionResult
from gluetui.model import Item, Kind
from gluetui.sync import current_items, sync_all


def _with_assign(cfg: Config, **over: object) -> Config:
    data = cfg.model_dump()
    data["automations"] |= {
        "assign-me": automation(
            kind="github.assign", fits=["unreviewed_pr"], assignees=["you"], **over
        ).model_dump(),
        "assign-me-gl": automation(
            kind="gitlab.assign", fits=["unreviewed_pr"], assignees=["you"], **over
        ).model_dump(),
    }
    data["assign_on_take"] = ["assign-me", "assign-me-gl"]
    return Config.model_validate(data)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Runtime]:
    rt = build_runtime(demo=True, store_path=tmp_path / "s.sqlite3", clock=lambda: NOW)
    assert all(r.ok for r in await sync_all(rt))
    rt.config = _with_assign(rt.config)
    yield rt
    for forge in rt.forges:
        await forge.aclose()
    rt.close()


def _pr(rt: Runtime, host_part: str) -> Item:
    return next(
        i for i in current_items(rt) if i.kind is Kind.UNREVIEWED_PR and host_part in i.source
    )


@pytest.mark.parametrize("source", ["github", "gitlab"])
async def test_taking_a_pr_assigns_it_on_its_own_forge(demo: Runtime, source: str) -> None:
    item = _pr(demo, source)
    take(demo, item, 1.0)
    outcome = await assign_on_take(demo, item)
    assert outcome is not None and outcome.ok
    assert outcome.automation == ("assign-me" if source == "github" else "assign-me-gl")
    [entry] = demo.store.journal(item.id)
    assert entry.ok and entry.request["on_take"] is True
    # Still taken, not delegated: the budget holds self hours, no oversight.
    actions = [e.action for e in demo.store.events(item.id)]
    assert actions == [EventAction.TAKEN]


async def test_items_it_cannot_act_on_are_left_alone(demo: Runtime) -> None:
    doc = next(i for i in current_items(demo) if i.kind is Kind.STALE_DOC)
    assert await assign_on_take(demo, doc) is None
    assert demo.store.journal(doc.id) == []


async def test_a_second_press_does_not_assign_twice(demo: Runtime) -> None:
    item = _pr(demo, "github")
    calls: list[ActionRequest] = []
    forge = demo.forge(item.source)
    assert forge is not None
    original = forge.perform

    async def counting(request: ActionRequest) -> ActionResult:
        calls.append(request)
        return await original(request)

    forge.perform = counting  # type: ignore[method-assign]
    first = await assign_on_take(demo, item)
    second = await assign_on_take(demo, item)
    assert first is not None and second is not None and second.repeated
    assert len(calls) == 1


async def test_a_failure_keeps_the_item_taken_and_is_journaled(demo: Runtime) -> None:
    item = _pr(demo, "github")
    forge = demo.forge(item.source)
    assert forge is not None

    async def refuse(request: ActionRequest) -> ActionResult:
        raise ActionError("422 Validation Failed: 'you' cannot be assigned.", "Check the login.")

    forge.perform = refuse  # type: ignore[method-assign]
    take(demo, item, 1.0)
    with pytest.raises(ActionError) as info:
        await assign_on_take(demo, item)
    assert "Taken, but 'assign-me' failed" in info.value.title
    [entry] = demo.store.journal(item.id)
    assert entry.ok is False and "422" in entry.message
    assert [e.action for e in demo.store.events(item.id)] == [EventAction.TAKEN]


async def test_a_crash_before_the_outcome_is_not_turned_into_a_delegation(demo: Runtime) -> None:
    item = _pr(demo, "github")
    take(demo, item, 1.0)
    demo.store.journal_intent(
        "crashed-key",
        item_id=item.id,
        automation="assign-me",
        request={"on_take": True, "item_url": item.url},
        at=NOW,
    )
    await reconcile(demo)
    assert [e.action for e in demo.store.events(item.id)] == [EventAction.TAKEN]


def test_config_refuses_an_unknown_assign_on_take() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="assign_on_take names 'nope'"):
        Config.model_validate({"assign_on_take": ["nope"]})
