"""A believable past for the demo organisation, so `capacity --demo` and `report --demo` say something.

The demo store is thrown away after each run, so without this the ledger of a demo would always
be empty. The history is deterministic (relative to ``now``) and goes through the same store calls
the dashboard and the delegation engine use: decisions in the event log, hand-offs in the journal.
Past work refers to items that have since been resolved (they are no longer in the snapshot), so
the current demo queue is left as the detectors found it, except for one item taken this sprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from gluetui.capacity import sprint_window
from gluetui.config.schema import Config
from gluetui.events import EventAction
from gluetui.model import Item, Kind, State, make_item_id
from gluetui.store import Store


@dataclass(frozen=True, slots=True)
class _Past:
    """A resolved piece of glue work: who did it, when (days before now) and how long it took."""

    repo: str
    kind: Kind
    key: str
    title: str
    taken_days_ago: float
    done_days_ago: float | None
    hours: float
    automation: str = ""
    result_url: str = ""


_HOST = "github.com"

_PAST: tuple[_Past, ...] = (
    _Past("acme/api", Kind.BROKEN_CI, "Nightly", "Nightly is failing on main", 26, 25.5, 2.5),
    _Past(
        "acme/web",
        Kind.STALE_DOC,
        "docs/deploy.md",
        "docs/deploy.md: drifted from its code",
        20,
        19,
        1.5,
    ),
    _Past("acme/payments", Kind.UNREVIEWED_PR, "412", "Bump stripe-go to v79", 17, 17, 0.5),
    _Past("acme/infra", Kind.FLAKY_TEST, "plan-smoke", "Flaky job: plan-smoke", 15, None, 2.0),
    _Past("acme/api", Kind.UNREVIEWED_PR, "388", "Add request ids to access logs", 9, 8.5, 1.0),
    _Past(
        "acme/mobile",
        Kind.FLAKY_TEST,
        "ui-tests-ipad",
        "Flaky job: ui-tests (iPad Air)",
        12,
        None,
        0.1,
        automation="rerun-failed",
        result_url="https://github.com/acme/mobile/actions/runs/9100001",
    ),
    _Past(
        "acme/docs-site",
        Kind.STALE_DOC,
        "docs/install.md",
        "docs/install.md: 3 dead references",
        6,
        None,
        0.5,
        automation="copilot-fix",
        result_url="https://github.com/acme/docs-site/pull/77",
    ),
)


def seed_history(store: Store, config: Config, items: Sequence[Item], now: datetime) -> None:
    """Write the demo's past decisions into a fresh demo store (no-op if it already has some)."""
    if store.events():
        return
    for past in _PAST:
        _seed_past(store, past, now)
    _take_one_now(store, config, items, now)


def _seed_past(store: Store, past: _Past, now: datetime) -> None:
    item_id = make_item_id(_HOST, past.repo, past.kind, past.key)
    url = f"https://{_HOST}/{past.repo}"
    facts = {"title": past.title, "repo": past.repo, "kind": past.kind.value, "url": url}
    taken_at = now - timedelta(days=past.taken_days_ago)
    if past.automation:
        key = f"demo-history:{item_id}:{past.automation}"
        store.journal_intent(
            key, item_id=item_id, automation=past.automation, request={"demo": True}, at=taken_at
        )
        store.record(
            item_id,
            EventAction.DELEGATED,
            at=taken_at,
            automation=past.automation,
            data={"oversight_hours": past.hours, "key": key, **facts},
        )
        store.journal_outcome(
            key,
            ok=True,
            message="went green" if past.kind is Kind.FLAKY_TEST else f"opened {past.result_url}",
            url=past.result_url,
            at=taken_at + timedelta(minutes=20),
        )
        return
    store.record(item_id, EventAction.TAKEN, at=taken_at, hours=past.hours, data=facts)
    if past.done_days_ago is not None:
        store.record(
            item_id,
            EventAction.DONE,
            at=now - timedelta(days=past.done_days_ago),
            hours=past.hours,
            data=facts,
        )


def _take_one_now(store: Store, config: Config, items: Sequence[Item], now: datetime) -> None:
    """Take the most blocking open PR this sprint, so the current budget is not empty."""
    start, _ = sprint_window(config.capacity, now)
    prs = sorted(
        (i for i in items if i.kind is Kind.UNREVIEWED_PR and i.state is State.OPEN),
        key=lambda i: (-i.impact, i.id),
    )
    if not prs:
        return
    item = prs[0]
    at = max(now - timedelta(hours=2), datetime.combine(start, now.timetz()))
    facts = {"title": item.title, "repo": item.repo, "kind": item.kind.value, "url": item.url}
    store.record(
        item.id,
        EventAction.TAKEN,
        at=at,
        hours=item.effort_hours,
        fingerprint=item.fingerprint,
        data=facts,
    )
