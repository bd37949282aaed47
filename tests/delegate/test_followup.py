"""Follow-up: resolved, changed, PR opened, stalled — from the snapshot, the log and the journal."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from delegate_helpers import NOW, make_item, make_runtime

from gluetui.delegate import Status, follow_up, requeue_stalled
from gluetui.events import Event, EventAction
from gluetui.store import JournalEntry
from gluetui.triage import triage_states

ITEM = make_item()
AT = NOW - timedelta(hours=5)


def delegated(*, hours: float = 24.0, key: str = "k1", at: datetime = AT) -> Event:
    return Event(
        id=1,
        item_id=ITEM.id,
        action=EventAction.DELEGATED,
        at=at,
        automation="rerun",
        fingerprint=ITEM.fingerprint,
        data={"key": key, "follow_up_hours": hours, "oversight_hours": 0.25},
    )


def entry(**fields: Any) -> JournalEntry:
    base: dict[str, Any] = {
        "key": "k1",
        "item_id": ITEM.id,
        "automation": "rerun",
        "request": {},
        "intent_at": AT,
        "outcome_at": AT,
        "ok": True,
        "message": "done",
    }
    base.update(fields)
    return JournalEntry(**base)


def test_item_gone_is_resolved() -> None:
    (f,) = follow_up([], [delegated()], [entry()], NOW).values()
    assert f.status is Status.RESOLVED


def test_fingerprint_changed_is_changed() -> None:
    changed = replace(ITEM, fingerprint="fp-new")
    result = follow_up([changed], [delegated()], [entry()], NOW)
    assert result[ITEM.id].status is Status.CHANGED


def test_pr_url_in_the_journal_is_reported() -> None:
    j = entry(url="https://github.com/acme/api/pull/41")
    result = follow_up([ITEM], [delegated()], [j], NOW)
    assert result[ITEM.id].status is Status.PR_OPENED
    assert result[ITEM.id].message == "agent opened PR #41"
    gitlab = entry(url="https://gitlab.example.com/g/p/-/merge_requests/3")
    assert follow_up([ITEM], [delegated()], [gitlab], NOW)[ITEM.id].message == "agent opened PR #3"


def test_link_to_the_item_itself_is_not_a_new_pr() -> None:
    pr = make_item(key="7", where={"number": "7"})
    pr = replace(pr, url="https://github.com/acme/api/pull/7")
    event = replace(delegated(), item_id=pr.id)
    j = entry(item_id=pr.id, url="https://github.com/acme/api/pull/7")
    assert follow_up([pr], [event], [j], NOW)[pr.id].status is Status.WAITING


def test_nothing_after_follow_up_hours_is_stalled() -> None:
    assert follow_up([ITEM], [delegated(hours=4)], [entry()], NOW)[ITEM.id].status is Status.STALLED
    waiting = follow_up([ITEM], [delegated(hours=6)], [entry()], NOW)[ITEM.id]
    assert waiting.status is Status.WAITING and "1 h" in waiting.message


def test_unknown_and_failed_outcomes_are_surfaced() -> None:
    unknown = entry(ok=False, message="unknown — check https://x")
    assert follow_up([ITEM], [delegated()], [unknown], NOW)[ITEM.id].status is Status.UNKNOWN
    failed = entry(ok=False, message="403")
    assert follow_up([ITEM], [delegated()], [failed], NOW)[ITEM.id].status is Status.FAILED


def test_only_delegations_in_force_are_followed() -> None:
    reopened = Event(2, ITEM.id, EventAction.REOPENED, NOW)
    assert follow_up([ITEM], [delegated(), reopened], [entry()], NOW) == {}


def test_requeue_stalled_records_reopened(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path)
    rt.store.record(
        ITEM.id,
        EventAction.DELEGATED,
        at=NOW - timedelta(hours=30),
        automation="rerun",
        fingerprint=ITEM.fingerprint,
        data={"key": "k1", "follow_up_hours": 24},
    )
    result = follow_up([ITEM], rt.store.events(), [], NOW)
    assert result[ITEM.id].status is Status.STALLED
    (event,) = requeue_stalled(rt, result)
    assert event.action is EventAction.REOPENED
    assert triage_states(rt.store.events(), NOW)[ITEM.id].state.value == "open"
    assert follow_up([ITEM], rt.store.events(), [], NOW) == {}
