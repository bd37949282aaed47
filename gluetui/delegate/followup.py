"""Following delegated items up on each refresh: did it work, is it stuck?

:func:`follow_up` is pure (the snapshot, the decision log, the journal and ``now`` in; a verdict
per delegated item out), so the UI can call it after every refresh and tests can call it with
hand-made facts. :func:`requeue_stalled` is the one side effect: stalled items go back to the
queue with a REOPENED decision, so nothing delegated is silently forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from gluetui import formatting
from gluetui.agents import AgentPull, load
from gluetui.delegate.plan import is_unknown
from gluetui.events import Event, EventAction, effective_events
from gluetui.model import Item, Kind
from gluetui.textsafe import clean

if TYPE_CHECKING:
    from gluetui.factory import Runtime
    from gluetui.store import JournalEntry

_PR_URL = re.compile(r"/(?:pull|pulls|merge_requests)/(\d+)(?:[/?#]|$)")

DEFAULT_FOLLOW_UP_HOURS = 24.0


class Status(StrEnum):
    """Where a delegation stands."""

    RESOLVED = "resolved"
    CHANGED = "changed"
    PR_OPENED = "pr_opened"
    #: An agent's hand-off: the agent is at work (no pull request yet, within follow_up_hours).
    WORKING = "working"
    #: An agent's pull request is out of draft: its review is the hand-off's oversight.
    REVIEW = "review"
    #: An agent's pull request was merged (the hand-off is done).
    MERGED = "merged"
    #: An agent's pull request was closed without merging (the item is back in the queue).
    CLOSED = "closed"
    WAITING = "waiting"
    STALLED = "stalled"
    FAILED = "failed"
    UNKNOWN = "unknown"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The verdict on one delegated item: a status, a sentence and a link to look at."""

    item_id: str
    automation: str
    status: Status
    message: str
    delegated_at: datetime
    url: str = ""
    key: str = ""


def follow_up(
    items: Sequence[Item],
    events: Iterable[Event],
    journal: Iterable[JournalEntry],
    now: datetime,
    pulls: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, FollowUp]:
    """Item id -> verdict, for every item whose decision in force is a delegation.

    ``pulls``: journal key -> the last sighting of an agent hand-off's pull request
    (:class:`gluetui.agents.AgentPull` as JSON, from the store's ``handoff_pulls``).
    """
    found = pulls or {}
    latest: dict[str, Event] = {}
    for event in effective_events(events):
        latest[event.item_id] = event
    by_key = {e.key: e for e in journal}
    snapshot = {i.id: i for i in items}
    out: dict[str, FollowUp] = {}
    for item_id, event in latest.items():
        if event.action is not EventAction.DELEGATED:
            continue
        entry = by_key.get(str(event.data.get("key", "")))
        if event.data.get("agent"):
            pull = load(found.get(str(event.data.get("key", ""))))
            out[item_id] = _agent_verdict(event, entry, snapshot.get(item_id), pull, now)
        else:
            out[item_id] = _verdict(event, entry, snapshot.get(item_id), now)
    return out


_CHECKS = {"success": "CI green", "failure": "CI red", "pending": "CI running"}


def _agent_verdict(
    event: Event,
    entry: JournalEntry | None,
    item: Item | None,
    pull: AgentPull | None,
    now: datetime,
) -> FollowUp:
    """An agent's hand-off, followed through to its pull request: working, PR open, waiting for
    your review, merged, closed, or no sign of life after ``follow_up_hours``."""

    def made(status: Status, message: str, url: str = "") -> FollowUp:
        key = entry.key if entry is not None else ""
        return FollowUp(event.item_id, event.automation, status, message, event.at, url, key)

    agent = clean(str(event.data.get("agent") or "the agent"), 60)
    if entry is not None and is_unknown(entry):
        return made(Status.UNKNOWN, entry.message, entry.url)
    if entry is not None and entry.ok is False:
        name = event.automation or "the automation"
        return made(Status.FAILED, f"{name} failed: {entry.message}", entry.url)
    hours = _follow_up_hours(event)
    if pull is not None:
        pr = f"PR #{pull.number}"
        checks = _CHECKS.get(pull.checks, "")
        if pull.state == "merged":
            return made(Status.MERGED, f"{agent}'s {pr} was merged", pull.url)
        if pull.state == "closed":
            return made(
                Status.CLOSED,
                f"{agent}'s {pr} was closed without merging: back in the queue",
                pull.url,
            )
        if pull.ready:
            whom = "your review" if pull.asks_you else "a review"
            return made(
                Status.REVIEW,
                f"{agent}'s {pr} is waiting for {whom}" + (f" ({checks})" if checks else ""),
                pull.url,
            )
        quiet = now - pull.updated_at
        if quiet >= timedelta(hours=hours):
            return made(
                Status.STALLED,
                f"no sign of life from {agent} on draft {pr} for "
                f"{formatting.duration(quiet.total_seconds() / 3600)}: back in the queue",
                pull.url,
            )
        return made(
            Status.PR_OPENED,
            f"{agent} opened draft {pr} and is working on it" + (f" ({checks})" if checks else ""),
            pull.url,
        )
    if item is None:
        return made(Status.RESOLVED, f"resolved on the forge since {agent} took it")
    returned = entry.url if entry is not None else ""
    pr_link = _PR_URL.search(returned) if returned.rstrip("/") != item.url.rstrip("/") else None
    if pr_link:  # the action returned the pull request; no refresh has read it yet
        return made(Status.PR_OPENED, f"agent opened PR #{pr_link.group(1)}", returned)
    if entry is not None and entry.pending:
        return made(Status.PENDING, f"{event.automation or 'the hand-off'} is still running")
    deadline = event.at + timedelta(hours=hours)
    if now >= deadline:
        return made(
            Status.STALLED, f"no sign of life from {agent} (no pull request): back in the queue"
        )
    left = (deadline - now).total_seconds() / 3600
    return made(
        Status.WORKING,
        f"{agent} is working on it, no pull request yet "
        f"({formatting.duration(left)} before it counts as stalled)",
    )


def _verdict(
    event: Event, entry: JournalEntry | None, item: Item | None, now: datetime
) -> FollowUp:
    def made(status: Status, message: str, url: str = "") -> FollowUp:
        key = entry.key if entry is not None else ""
        return FollowUp(event.item_id, event.automation, status, message, event.at, url, key)

    name = event.automation or "the automation"
    result_url = entry.url if entry is not None else ""
    if entry is not None and is_unknown(entry):
        return made(Status.UNKNOWN, entry.message, result_url)
    if entry is not None and entry.ok is False:
        return made(Status.FAILED, f"{name} failed: {entry.message}", result_url)
    if item is None:
        try:
            resolved = Kind(str(event.data.get("kind", ""))).resolved
        except ValueError:
            resolved = "it is no longer flagged"
        return made(Status.RESOLVED, f"resolved on the forge: {resolved} since {name} took it")
    # A link to the item itself (assigning a PR returns the PR) is not news; another PR is.
    pr = _PR_URL.search(result_url) if result_url.rstrip("/") != item.url.rstrip("/") else None
    if pr:
        return made(Status.PR_OPENED, f"agent opened PR #{pr.group(1)}", result_url)
    if event.fingerprint and item.fingerprint != event.fingerprint:
        return made(Status.CHANGED, f"changed since the hand-off to {name}", item.url)
    if entry is not None and entry.pending:
        return made(Status.PENDING, f"{name} is still running (or was interrupted)")
    hours = _follow_up_hours(event)
    deadline = event.at + timedelta(hours=hours)
    if now >= deadline:
        return made(Status.STALLED, "stalled: back in the queue", item.url)
    left = (deadline - now).total_seconds() / 3600
    return made(
        Status.WAITING,
        f"waiting for {name} ({formatting.duration(left)} before it counts as stalled)",
    )


def _follow_up_hours(event: Event) -> float:
    value = event.data.get("follow_up_hours", DEFAULT_FOLLOW_UP_HOURS)
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return DEFAULT_FOLLOW_UP_HOURS
    return hours if hours > 0 else DEFAULT_FOLLOW_UP_HOURS


def record_resolved(runtime: Runtime, followups: Mapping[str, FollowUp]) -> list[Event]:
    """Record DONE for every hand-off resolved on the forge (the re-run turned the build green):
    the outcome is in the item's history, the item moves to the done ones (``h`` shows it), and
    its oversight hours stay spent in the budget (the work was done)."""
    now = runtime.clock()
    return [
        runtime.store.record(
            f.item_id,
            EventAction.DONE,
            at=now,
            automation=f.automation,
            note=f.message,
            data={"key": f.key, "follow_up": f.status.value},
        )
        for f in followups.values()
        if f.status in (Status.RESOLVED, Status.MERGED)
    ]


def requeue_stalled(runtime: Runtime, followups: Mapping[str, FollowUp]) -> list[Event]:
    """Record REOPENED for every stalled delegation, so it returns to the queue."""
    now = runtime.clock()
    return [
        runtime.store.record(
            f.item_id,
            EventAction.REOPENED,
            at=now,
            automation=f.automation,
            note=f.message,
            data={"key": f.key, "follow_up": f.status.value},
        )
        for f in followups.values()
        if f.status in (Status.STALLED, Status.CLOSED)
    ]
