"""Faults on actions, through the delegation engine and the real adapters: never re-POST blindly.

A write that failed definitely (409, 422, 500, 502) is sent once, journaled as failed and the item
goes back to the queue. A write that timed out may have been applied: it is sent once, journaled
as "unknown", and pressing the key again sends nothing. Only a connection refused before anything
was sent may be repeated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from rel_fakes import GH_TOKEN, GL_TOKEN, NOW
from rel_server import Answer, Request, closed_port
from test_rel_faults import _rebuild

from gluetui.delegate import delegate
from gluetui.delegate.engine import DelegationFailed
from gluetui.events import EventAction
from gluetui.model import Item, Kind

if TYPE_CHECKING:  # a type only: `from conftest` would depend on collection order
    from conftest import World

AUTOMATION = {"github": "rerun", "gitlab": "retry"}
ACTION_PATH = {"github": "/rerun-failed-jobs", "gitlab": "/pipelines/900/retry"}


def broken_ci(world: World, kind: str) -> Item:
    source = "gh" if kind == "github" else "gl"
    return next(i for i in world.rt.store.load_items([source]) if i.kind is Kind.BROKEN_CI)


def on_action(answer: Answer, kind: str) -> object:
    def fault(req: Request) -> Answer | None:
        return answer if req.method == "POST" and ACTION_PATH[kind] in req.path else None

    return fault


def posts(world: World, kind: str) -> int:
    return world.server(kind).count("POST", ACTION_PATH[kind])


@pytest.mark.parametrize("kind", ["github", "gitlab"])
@pytest.mark.parametrize("status", [409, 422, 500, 502])
async def test_refused_action_is_sent_once_journaled_and_requeued(
    world: World, kind: str, status: int
) -> None:
    item = broken_ci(world, kind)
    world.server(kind).fault = on_action(
        Answer(status, {"message": "Cannot retry this pipeline / run"}), kind
    )
    with pytest.raises(DelegationFailed) as info:
        await delegate(world.rt, item, AUTOMATION[kind])
    assert posts(world, kind) == 1
    err = info.value
    assert str(status) in err.title and AUTOMATION[kind] in err.title and err.hint
    assert GH_TOKEN not in str(err) and GL_TOKEN not in str(err)
    assert err.exit_code == 8
    (entry,) = world.rt.store.journal(item.id)
    assert entry.ok is False and not entry.pending
    actions = [e.action for e in world.rt.store.events(item.id)]
    assert actions == [EventAction.DELEGATED, EventAction.REOPENED]


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_timed_out_action_is_unknown_and_never_re_posted(world: World, kind: str) -> None:
    # PyGithub (GitHub's write path) takes whole seconds: the timeout is rounded up to 1 s.
    timeout, delay = (0.3, 0.8) if kind == "gitlab" else (1.0, 1.8)
    await _rebuild(world, kind, timeout_seconds=timeout)
    item = broken_ci(world, kind)
    world.server(kind).fault = on_action(Answer(201, {"id": 900}, delay=delay), kind)
    with pytest.raises(DelegationFailed) as info:
        await delegate(world.rt, item, AUTOMATION[kind])
    assert info.value.outcome.unknown
    assert posts(world, kind) == 1
    again = await delegate(world.rt, item, AUTOMATION[kind])  # the user presses the key again
    assert again.repeated and posts(world, kind) == 1
    (entry,) = world.rt.store.journal(item.id)
    assert "unknown" in entry.message
    # The decision stays: the item is still delegated, not silently back in the queue.
    assert [e.action for e in world.rt.store.events(item.id)] == [EventAction.DELEGATED]


async def test_github_connection_refused_write_may_be_repeated_nothing_sent(world: World) -> None:
    """Nothing reached a server, so retrying the connection is safe; the failure is definite."""
    await _rebuild(world, "github", url=f"http://127.0.0.1:{closed_port()}")
    item = broken_ci(world, "github")
    with pytest.raises(DelegationFailed) as info:
        await delegate(world.rt, item, "rerun")
    assert info.value.outcome.ok is False
    assert "reach" in info.value.title.lower()


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_rate_limited_action_is_not_retried(world: World, kind: str) -> None:
    headers = (
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"}
        if kind == "github"
        else {"Retry-After": "3600"}
    )
    status = 403 if kind == "github" else 429
    world.server(kind).fault = on_action(Answer(status, {"message": "rate limit"}, headers), kind)
    with pytest.raises(DelegationFailed):
        await delegate(world.rt, broken_ci(world, kind), AUTOMATION[kind])
    assert posts(world, kind) == 1


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_successful_action_is_posted_once_even_when_pressed_twice(
    world: World, kind: str
) -> None:
    world.server(kind).fault = on_action(Answer(201, {"id": 900, "web_url": ""}), kind)
    item = broken_ci(world, kind)
    first = await delegate(world.rt, item, AUTOMATION[kind])
    second = await delegate(world.rt, item, AUTOMATION[kind])
    assert first.ok and second.repeated and posts(world, kind) == 1
    assert world.rt.clock() == NOW
