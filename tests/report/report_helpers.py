"""A small, hand-checked history for the capacity and ledger tests."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta
from typing import Any

from gluetui.config.schema import CapacityConfig, Config
from gluetui.events import Event, EventAction
from gluetui.model import Item, Kind

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SPRINT_START = dt.date(2026, 11, 16)


def config(hours: float = 8.0) -> Config:
    return Config(
        capacity=CapacityConfig(sprint_start=SPRINT_START, sprint_days=14, hours_per_sprint=hours)
    )


def item(
    name: str,
    kind: Kind = Kind.STALE_DOC,
    *,
    repo: str = "acme/api",
    effort: float = 1.0,
    since: datetime | None = None,
    title: str | None = None,
) -> Item:
    return Item(
        id=f"github.com/{repo}#{kind.value}/{name}",
        kind=kind,
        source="gh",
        host="github.com",
        repo=repo,
        title=title or f"Item {name}",
        url=f"https://github.com/{repo}/x/{name}",
        since=since or NOW - timedelta(days=40),
        updated_at=NOW - timedelta(days=1),
        effort_hours=effort,
        fingerprint=f"fp-{name}",
    )


A = item("a", Kind.BROKEN_CI, effort=3)
B = item("b", Kind.FLAKY_TEST, repo="acme/web", effort=2)
C = item("c", Kind.STALE_DOC, effort=2)
D = item("d", Kind.UNREVIEWED_PR, effort=1)
E = item("e", Kind.STALE_DOC, effort=1, since=NOW - timedelta(days=3))
F = item("f", Kind.BROKEN_CI, repo="acme/web", effort=1.5, since=NOW - timedelta(days=10))
G = item("g", Kind.UNREVIEWED_PR, effort=0.5, since=NOW - timedelta(days=20))
ITEMS = [A, B, C, D, E, F, G]


def ev(n: int, it: Item, action: EventAction, day: int, **fields: Any) -> Event:
    at = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
    return Event(id=n, item_id=it.id, action=action, at=at, fingerprint=it.fingerprint, **fields)


EVENTS = [
    ev(1, D, EventAction.TAKEN, 4, hours=1.0),
    ev(2, D, EventAction.DONE, 6),
    ev(3, C, EventAction.TAKEN, 5, hours=2.0),  # earlier sprint, not done: carried over
    ev(4, A, EventAction.TAKEN, 20, hours=3.0),
    ev(
        5,
        B,
        EventAction.DELEGATED,
        21,
        automation="rerun",
        data={"oversight_hours": 0.5, "key": "kb", "follow_up_hours": 24},
    ),
]
