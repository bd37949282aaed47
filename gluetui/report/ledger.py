"""``gluetui report``: what glue work did I do? A ledger ready to paste into a 1:1.

Computed from (config, decision log, journal, snapshot, now) only. Items leave the snapshot when
they are resolved, which is exactly when they matter here, so each decision carries the facts
(title, repo, kind, url) the ledger falls back on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

from gluetui.delegate.plan import is_unknown
from gluetui.events import Event, EventAction, effective_events
from gluetui.model import Item
from gluetui.report.capacity import Bucket
from gluetui.textsafe import clean, safe_url

if TYPE_CHECKING:
    from gluetui.config.schema import Config
    from gluetui.store import JournalEntry


@dataclass(frozen=True, slots=True)
class WorkLine:
    """An item the user took on: how many hours and whether it is done."""

    item_id: str
    title: str
    repo: str
    kind: str
    url: str
    status: Literal["done", "in progress", "dropped"]
    hours: float
    taken_at: datetime | None
    done_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "repo": self.repo,
            "kind": self.kind,
            "url": self.url,
            "status": self.status,
            "hours": round(self.hours, 2),
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "done_at": self.done_at.isoformat() if self.done_at else None,
        }


@dataclass(frozen=True, slots=True)
class DelegationLine:
    """An item handed to an automation, and how it went according to the journal."""

    item_id: str
    title: str
    repo: str
    kind: str
    url: str
    automation: str
    at: datetime
    outcome: Literal["done", "failed", "unknown", "pending", "not journaled"]
    message: str
    result_url: str
    oversight_hours: float
    #: Undone in gluetui after the action was (or may have been) done on the forge: the hand-off
    #: happened, so it stays in the ledger, marked.
    undone: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "repo": self.repo,
            "kind": self.kind,
            "url": self.url,
            "automation": self.automation,
            "at": self.at.isoformat(),
            "outcome": self.outcome,
            "message": self.message,
            "result_url": self.result_url,
            "oversight_hours": round(self.oversight_hours, 2),
            "undone": self.undone,
        }


@dataclass(frozen=True, slots=True)
class LeftLine:
    """An item the user chose to leave, accepting its suggested route, and why."""

    item_id: str
    title: str
    repo: str
    kind: str
    url: str
    reason: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "repo": self.repo,
            "kind": self.kind,
            "url": self.url,
            "reason": self.reason,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Ledger:
    """The glue work of a period: what the user did, what they delegated, where the hours went."""

    since: datetime
    until: datetime
    work: tuple[WorkLine, ...]
    delegations: tuple[DelegationLine, ...]
    by_repo: tuple[Bucket, ...]
    by_kind: tuple[Bucket, ...]
    #: Items left (their suggested route accepted as "leave") in the period, and why.
    left: tuple[LeftLine, ...] = ()

    @property
    def hours_done(self) -> float:
        return round(sum(w.hours for w in self.work if w.status == "done"), 2)

    @property
    def hours_in_progress(self) -> float:
        return round(sum(w.hours for w in self.work if w.status == "in progress"), 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "hours_done": self.hours_done,
            "hours_in_progress": self.hours_in_progress,
            "work": [w.to_json() for w in self.work],
            "delegations": [d.to_json() for d in self.delegations],
            "by_repo": [b.to_json() for b in self.by_repo],
            "by_kind": [b.to_json() for b in self.by_kind],
            "left": [line.to_json() for line in self.left],
        }


def _facts(
    item_id: str, items: Mapping[str, Item], recorded: Mapping[str, Any] | None = None
) -> tuple[str, str, str, str]:
    """(title, repo, kind, url) from the snapshot, else from what a decision recorded, else the id.

    Items leave the snapshot when they are resolved, which is exactly when they matter here.
    """
    item = items.get(item_id)
    if item is not None:
        return _safe(item.title, item.repo, item.kind.value, item.url)
    # Ids are host/owner/name#kind/key (gluetui.model.make_item_id).
    left, _, right = item_id.partition("#")
    repo = left.split("/", 1)[1] if "/" in left else left
    kind = right.split("/", 1)[0]
    facts = recorded or {}
    return _safe(
        str(facts.get("title") or item_id),
        str(facts.get("repo") or repo),
        str(facts.get("kind") or kind),
        str(facts.get("url") or ""),
    )


def _safe(title: str, repo: str, kind: str, url: str) -> tuple[str, str, str, str]:
    """Forge text in a ledger is pasted into terminals and documents: no controls, bounded, and
    only a valid http(s) URL."""
    return clean(title, 300), clean(repo, 200), clean(kind, 40), safe_url(url)


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.min, tzinfo=UTC)


def ledger(
    cfg: Config,
    events: Iterable[Event],
    journal: Iterable[JournalEntry],
    items: Sequence[Item],
    since: date | datetime,
    now: datetime,
) -> Ledger:
    """What the user took, finished and delegated between ``since`` and ``now``."""
    events = list(events)  # walked twice: the effective log, then the undone hand-offs
    start = _as_datetime(since)
    snapshot = {i.id: i for i in items}
    by_key = {e.key: e for e in journal}
    work: dict[str, dict[str, Any]] = {}
    delegations: list[DelegationLine] = []
    left: list[LeftLine] = []
    for e in effective_events(events):
        if e.at > now:
            continue
        if e.action is EventAction.SNOOZED and e.data.get("route") == "leave" and e.at >= start:
            reason = clean(str(e.data.get("reason") or ""), 300)
            left.append(LeftLine(e.item_id, *_facts(e.item_id, snapshot, e.data), reason, e.at))
        current = work.get(e.item_id)
        if e.action is EventAction.TAKEN:
            work[e.item_id] = {
                "taken_at": e.at,
                "hours": e.hours or 0.0,
                "done_at": None,
                "status": "in progress",
                "facts": e.data,
            }
        elif e.action is EventAction.DONE and (current is None or current["status"] != "delegated"):
            line = current or {"taken_at": None, "hours": 0.0, "facts": {}}
            hours = e.hours if e.hours is not None else line["hours"]
            facts = {**line.get("facts", {}), **e.data}
            work[e.item_id] = {
                **line,
                "hours": hours,
                "done_at": e.at,
                "status": "done",
                "facts": facts,
            }
        elif e.action is EventAction.DELEGATED:
            work[e.item_id] = {"status": "delegated"}
            if e.at >= start:
                delegations.append(_delegation(e, by_key, snapshot))
        elif (
            e.action in (EventAction.SNOOZED, EventAction.DISMISSED, EventAction.REOPENED)
            and current is not None
            and current["status"] == "in progress"
        ):
            work[e.item_id] = {**current, "status": "dropped"}
    delegations += _undone_handoffs(events, by_key, snapshot, start, now)
    delegations.sort(key=lambda d: (d.at, d.item_id))
    lines = [
        WorkLine(
            item_id,
            *_facts(item_id, snapshot, w.get("facts")),
            w["status"],
            float(w["hours"]),
            w["taken_at"],
            w["done_at"],
        )
        for item_id, w in work.items()
        if w["status"] != "delegated" and _in_period(w, start, now)
    ]
    lines.sort(key=lambda w: (w.status != "done", w.done_at or w.taken_at or start, w.item_id))
    counted = [w for w in lines if w.status != "dropped"]
    return Ledger(
        since=start,
        until=now,
        work=tuple(lines),
        delegations=tuple(delegations),
        by_repo=_sum_by(counted, lambda w: w.repo),
        by_kind=_sum_by(counted, lambda w: w.kind),
        left=tuple(left),
    )


def _in_period(line: Mapping[str, Any], start: datetime, now: datetime) -> bool:
    stamps = [line.get("taken_at"), line.get("done_at")]
    return any(s is not None and start <= s <= now for s in stamps)


def _sum_by(lines: Iterable[WorkLine], key: Any) -> tuple[Bucket, ...]:
    sums: dict[str, list[float]] = {}
    for line in lines:
        sums.setdefault(str(key(line)), []).append(line.hours)
    buckets = [Bucket(name, len(h), round(sum(h), 2)) for name, h in sums.items()]
    return tuple(sorted(buckets, key=lambda b: (-b.hours, b.name)))


def _undone_handoffs(
    events: Iterable[Event],
    by_key: Mapping[str, JournalEntry],
    snapshot: Mapping[str, Item],
    start: datetime,
    now: datetime,
) -> list[DelegationLine]:
    """Hand-offs undone in gluetui after they acted on the forge: they happened, so the ledger
    keeps them (an undo cancels the decision here, not the re-run or the comment there)."""
    log = list(events)
    cancelled = {e.undoes for e in log if e.action is EventAction.UNDONE and e.undoes is not None}
    out = []
    for e in log:
        if e.action is not EventAction.DELEGATED or e.id not in cancelled:
            continue
        if not start <= e.at <= now:
            continue
        line = _delegation(e, by_key, snapshot)
        if line.outcome in ("done", "unknown"):
            out.append(replace(line, undone=True))
    return out


def _delegation(
    e: Event, by_key: Mapping[str, JournalEntry], snapshot: Mapping[str, Item]
) -> DelegationLine:
    entry = by_key.get(str(e.data.get("key", "")))
    outcome: Literal["done", "failed", "unknown", "pending", "not journaled"]
    if entry is None:
        outcome, message, url = "not journaled", "", ""
    else:
        # A reply's URL and message came from a forge or a webhook receiver: data, not commands.
        message, url = clean(entry.message, 500), safe_url(entry.url)
        if entry.pending:
            outcome = "pending"
        elif is_unknown(entry):
            outcome = "unknown"
        else:
            outcome = "done" if entry.ok else "failed"
    oversight = e.data.get("oversight_hours", 0.0)
    return DelegationLine(
        e.item_id,
        *_facts(e.item_id, snapshot, e.data),
        automation=e.automation,
        at=e.at,
        outcome=outcome,
        message=message,
        result_url=url,
        oversight_hours=float(oversight) if isinstance(oversight, int | float) else 0.0,
    )
