"""Hand-offs to AI agents followed through: the agent's pull request, found on later refreshes.

On the demo organisation (whose coding agent answers an issue assigned to Copilot one refresh at a
time: a draft pull request, then ready for your review with green checks, then merged), and with
hand-made records for the linking rules and "no sign of life".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gluetui import agents
from gluetui.config.schema import automation
from gluetui.delegate import Status, follow_up, record_resolved, requeue_stalled
from gluetui.delegate.engine import delegate
from gluetui.events import Event, EventAction
from gluetui.factory import Runtime, build_runtime
from gluetui.model import Item, Kind, State
from gluetui.records import PullRequest, Repo, RepoData
from gluetui.sync import current_items, sync_all

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


async def _refresh(rt: Runtime) -> dict[str, Status]:
    await sync_all(rt)
    items = current_items(rt)
    found = follow_up(items, rt.store.events(), rt.store.journal(), NOW, rt.store.handoff_pulls())
    return {k: f.status for k, f in found.items()}


async def test_the_demo_agent_goes_from_working_to_pr_open_to_merged(tmp_path: Path) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        await sync_all(rt)
        item = next(
            i
            for i in current_items(rt)
            if i.kind is Kind.BROKEN_CI
            and "copilot-fix" in i.automations
            and i.host == "github.com"
        )
        outcome = await delegate(rt, item, "copilot-fix")
        assert outcome.ok, outcome.message
        (event,) = rt.store.events(item.id)
        assert event.data["agent"] == "copilot-swe-agent[bot]"
        verdicts = follow_up(current_items(rt), rt.store.events(), rt.store.journal(), NOW)
        assert verdicts[item.id].status is Status.WORKING
        assert "no pull request yet" in verdicts[item.id].message

        assert (await _refresh(rt))[item.id] is Status.PR_OPENED  # a draft, CI running
        pull = agents.AgentPull.from_json(rt.store.handoff_pulls()[event.data["key"]])
        assert pull.draft and pull.checks == "pending" and pull.how.startswith("linked from #")

        assert (await _refresh(rt))[item.id] is Status.REVIEW
        items = current_items(rt)
        # The agent's PR is the hand-off's oversight, not a new "unreviewed PR" item.
        assert not any(i.url == pull.url for i in items)
        found = follow_up(
            items, rt.store.events(), rt.store.journal(), NOW, rt.store.handoff_pulls()
        )
        assert "waiting for your review (CI green)" in found[item.id].message

        assert (await _refresh(rt))[item.id] is Status.MERGED
        found = follow_up(
            current_items(rt), rt.store.events(), rt.store.journal(), NOW, rt.store.handoff_pulls()
        )
        done = record_resolved(rt, found)
        assert [e.action for e in done] == [EventAction.DONE]
        assert next(i for i in current_items(rt) if i.id == item.id).state is State.DONE
    finally:
        rt.close()


async def test_a_comment_mentioning_claude_is_followed_to_claudes_pull_request(
    tmp_path: Path,
) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    rt.config.automations["ask-claude"] = automation(
        kind="github.comment", fits=["unreviewed_pr"], body="@claude please review and fix {url}"
    )
    try:
        await sync_all(rt)
        item = next(
            i for i in current_items(rt) if i.kind is Kind.UNREVIEWED_PR and i.host == "github.com"
        )
        assert (await delegate(rt, item, "ask-claude")).ok
        (event,) = rt.store.events(item.id)
        assert event.data["agent"] == "claude"
        assert (await _refresh(rt))[item.id] is Status.PR_OPENED
        pull = agents.AgentPull.from_json(rt.store.handoff_pulls()[event.data["key"]])
        assert pull.author == "claude"
    finally:
        rt.close()


# -- the rules, on hand-made records ---------------------------------------------------------------

REPO = Repo("github.com", "acme/api", "https://github.com/acme/api")
AT = NOW - timedelta(hours=2)


def _pr(number: int, **kw: object) -> PullRequest:
    base: dict[str, object] = {
        "repo": "acme/api",
        "number": number,
        "title": f"PR {number}",
        "url": f"https://github.com/acme/api/pull/{number}",
        "author": "someone",
        "created_at": AT + timedelta(minutes=10),
        "updated_at": AT + timedelta(minutes=20),
    }
    base.update(kw)
    return PullRequest(**base)  # type: ignore[arg-type]


HANDOFF = agents.HandOff(
    key="k1",
    item_id="github.com/acme/api#broken_ci/CI",
    repo="acme/api",
    agent="copilot-swe-agent[bot]",
    at=AT,
    ref="41",
    url="https://github.com/acme/api/issues/41",
)


def test_a_pull_request_is_linked_from_the_issue_by_branch_or_by_its_author() -> None:
    linked = _pr(50, body="Fixes #41")
    branch = _pr(51, head_branch="copilot/fix-41")
    by_agent = _pr(52, author="Copilot")
    older = _pr(53, author="copilot-swe-agent[bot]", created_at=AT - timedelta(days=1))
    unrelated = _pr(54, body="Fixes #410")

    def found(*pulls: PullRequest) -> int | None:
        hit = agents.find(HANDOFF, RepoData(REPO, pulls=pulls))
        return hit.number if hit else None

    assert found(unrelated, by_agent, branch, linked) == 50
    assert found(unrelated, by_agent, branch) == 51
    assert found(unrelated, by_agent) == 52
    assert found(unrelated, older) is None  # made before the hand-off: not its answer
    merged = replace(linked, state="merged", closed_at=NOW)
    hit = agents.find(HANDOFF, RepoData(REPO, closed_pulls=(merged,)))
    assert hit is not None and hit.state == "merged"


def _delegated(agent: str = "copilot-swe-agent[bot]", hours: float = 24) -> Event:
    return Event(
        1,
        HANDOFF.item_id,
        EventAction.DELEGATED,
        AT,
        automation="copilot-fix",
        data={"key": "k1", "agent": agent, "follow_up_hours": hours},
    )


def _item() -> Item:
    return Item(
        id=HANDOFF.item_id,
        kind=Kind.BROKEN_CI,
        source="gh",
        host="github.com",
        repo="acme/api",
        title="CI is red",
        url="https://github.com/acme/api/actions/runs/1",
        since=AT,
        updated_at=AT,
    )


def _status(pull: PullRequest | None, hours: float = 24, now: datetime = NOW) -> Status:
    pulls = {}
    if pull is not None:
        hit = agents.find(HANDOFF, RepoData(REPO, pulls=(pull,), closed_pulls=()))
        hit = hit or agents.find(HANDOFF, RepoData(REPO, closed_pulls=(pull,)))
        assert hit is not None
        pulls = {"k1": hit.to_json()}
    return follow_up([_item()], [_delegated(hours=hours)], [], now, pulls)[HANDOFF.item_id].status


def test_every_state_of_an_agents_hand_off() -> None:
    assert _status(None) is Status.WORKING
    assert _status(None, hours=1) is Status.STALLED  # no sign of life after follow_up_hours
    assert _status(_pr(50, body="Fixes #41", draft=True)) is Status.PR_OPENED
    quiet = _pr(50, body="Fixes #41", draft=True, updated_at=AT)
    assert _status(quiet, hours=1) is Status.STALLED
    assert _status(_pr(50, body="Fixes #41")) is Status.REVIEW
    assert _status(_pr(50, body="Fixes #41", state="merged", closed_at=NOW)) is Status.MERGED
    assert _status(_pr(50, body="Fixes #41", state="closed", closed_at=NOW)) is Status.CLOSED


def test_stalled_and_closed_hand_offs_go_back_to_the_queue(tmp_path: Path) -> None:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    try:
        closed = agents.find(
            HANDOFF,
            RepoData(
                REPO, closed_pulls=(_pr(50, body="Fixes #41", state="closed", closed_at=NOW),)
            ),
        )
        assert closed is not None
        verdicts = follow_up([_item()], [_delegated()], [], NOW, {"k1": closed.to_json()})
        assert [e.action for e in requeue_stalled(rt, verdicts)] == [EventAction.REOPENED]
    finally:
        rt.close()


def test_the_agents_pull_request_is_folded_into_its_hand_off() -> None:
    pull = agents.AgentPull(
        7, "https://github.com/acme/api/pull/7", "Fix", "open", False, "success", True, NOW, "x"
    )
    mine = replace(_item(), id="a", url="https://github.com/acme/api/pull/7/")
    other = replace(_item(), id="b", url="https://github.com/acme/api/pull/8")
    assert [i.id for i in agents.fold([mine, other], [pull])] == ["b"]


def test_an_automation_names_its_agent_or_implies_it() -> None:
    assert automation(kind="github.assign", assignees=["Copilot"]).agent_login == (
        "copilot-swe-agent[bot]"
    )
    assert automation(kind="github.comment", body="@codex fix {url}").agent_login == "codex"
    assert automation(kind="github.comment", body="mail me@claude.ai").agent_login == ""
    explicit = automation(kind="gitlab.note", body="/assign @duo", agent="duo-developer")
    assert explicit.agent_login == "duo-developer"
    assert automation(kind="github.rerun_failed_jobs").agent_login == ""


def test_gitlab_merged_and_closed_merge_requests_read_as_closed_pulls() -> None:
    from gluetui.forges.gitlab.gql_convert import closed_pulls

    def node(iid: str, updated: str, **kw: object) -> dict[str, object]:
        return {
            "iid": iid,
            "title": f"MR {iid}",
            "createdAt": "2026-11-20T10:00:00Z",
            "updatedAt": updated,
            "webUrl": f"https://gitlab.example.com/g/p/-/merge_requests/{iid}",
            "sourceBranch": "duo/fix-3",
            "author": {"username": "duo-agent", "bot": True},
            **kw,
        }

    merged = node("5", "2026-11-24T12:00:00Z", mergedAt="2026-11-24T11:00:00Z")
    closed = node("6", "2026-11-24T13:00:00Z")
    pulls = closed_pulls("g/p", [merged], [closed])
    assert [(p.number, p.state) for p in pulls] == [(6, "closed"), (5, "merged")]
    assert pulls[1].closed_at == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)


def test_an_unreadable_stored_sighting_reads_as_not_seen_yet() -> None:
    assert agents.load({"number": 3}) is None  # no updated_at
    assert agents.load({"updated_at": "yesterday"}) is None
    assert agents.load(None) is None
    verdicts = follow_up([_item()], [_delegated()], [], NOW, {"k1": {"number": "x"}})
    assert verdicts[HANDOFF.item_id].status is Status.WORKING
