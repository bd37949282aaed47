"""Builders shared by the store and triage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gluetui.events import Event, EventAction
from gluetui.model import Evidence, Item, Kind, Severity

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_item(n: int, *, source: str = "gh", fingerprint: str = "fp0", **changes: object) -> Item:
    fields: dict[str, object] = {
        "id": f"github.com/acme/api#stale_doc/docs/{n}.md",
        "kind": Kind.STALE_DOC,
        "source": source,
        "host": "github.com",
        "repo": "acme/api",
        "title": f"docs/{n}.md is stale — “quoted” \x1b[31m",
        "url": f"https://github.com/acme/api/blob/main/docs/{n}.md",
        "since": NOW - timedelta(days=90),
        "updated_at": NOW - timedelta(days=1),
        "author": "octo",
        "where": {"file": f"docs/{n}.md", "branch": "main"},
        "evidence": (Evidence("code changed", "12 commits since", "https://x.test/c"),),
        "metrics": {"code_changes": 12.0},
        "severity": Severity.HIGH,
        "impact": 1.5,
        "effort_hours": 0.5,
        "automations": ("agent",),
        "accountable": True,
        "fingerprint": fingerprint,
    }
    fields.update(changes)
    return Item(**fields)  # type: ignore[arg-type]


def ev(
    id_: int,
    item_id: str,
    action: EventAction,
    at: datetime,
    **kw: object,
) -> Event:
    return Event(id=id_, item_id=item_id, action=action, at=at, **kw)  # type: ignore[arg-type]
