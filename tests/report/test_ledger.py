"""The ledger: what I took and finished, what I delegated and how it went, ready for a 1:1."""

from __future__ import annotations

import json
from datetime import date

from report_helpers import EVENTS, ITEMS, NOW, A, B, C, D, E, config, ev

from gluetui.events import Event, EventAction
from gluetui.report import ledger, parse_markdown_table, render_ledger
from gluetui.store import JournalEntry

JOURNAL = [
    JournalEntry(
        key="kb",
        item_id=B.id,
        automation="rerun",
        request={},
        intent_at=NOW,
        outcome_at=NOW,
        ok=True,
        message="Re-running the failed jobs of run 9.",
        url="https://github.com/acme/web/actions/runs/9",
    )
]


def build(events: list[Event] | None = None, since: date = date(2026, 11, 1)):  # type: ignore[no-untyped-def]
    return ledger(config(), EVENTS if events is None else events, JOURNAL, ITEMS, since, NOW)


def test_work_lines_hours_and_status() -> None:
    led = build()
    status = {w.item_id: (w.status, w.hours) for w in led.work}
    assert status == {D.id: ("done", 1.0), C.id: ("in progress", 2.0), A.id: ("in progress", 3.0)}
    assert led.hours_done == 1.0
    assert led.hours_in_progress == 5.0
    assert {b.name: b.hours for b in led.by_repo} == {"acme/api": 6.0}


def test_delegations_carry_their_journal_outcome() -> None:
    (d,) = build().delegations
    assert d.item_id == B.id and d.automation == "rerun"
    assert d.outcome == "done" and d.result_url.endswith("/runs/9")
    assert d.oversight_hours == 0.5


def test_period_filters_and_done_hours_override_taken_hours() -> None:
    events = [*EVENTS, ev(6, A, EventAction.DONE, 24, hours=4.5)]
    led = build(events, since=date(2026, 11, 15))
    assert {w.item_id for w in led.work} == {A.id}
    assert led.work[0].status == "done" and led.hours_done == 4.5


def test_undone_and_dropped_decisions() -> None:
    events = [
        *EVENTS,
        Event(6, A.id, EventAction.UNDONE, NOW, undoes=4),
        ev(7, C, EventAction.DISMISSED, 22),
        ev(8, E, EventAction.DELEGATED, 23, automation="hook", data={"key": "missing"}),
    ]
    led = build(events)
    status = {w.item_id: w.status for w in led.work}
    assert A.id not in status
    assert status[C.id] == "dropped"
    assert led.hours_in_progress == 0
    outcomes = {d.item_id: d.outcome for d in led.delegations}
    assert outcomes[E.id] == "not journaled"


def test_markdown_has_tables_with_links() -> None:
    md = render_ledger(build(), "markdown")
    assert md.startswith("## Glue work, 2026-11-01 to 2026-11-25")
    assert "- Finished myself: 1 item, 1 h" in md
    rows = parse_markdown_table(md, "Item")
    assert rows[0][0] == "[Item d](https://github.com/acme/api/x/d)"
    assert rows[0][2] == "Unreviewed PRs/MRs"
    delegated = [r for r in rows if "rerun" in r]
    assert delegated and delegated[0][3].startswith("[done](https://github.com/acme/web/")


def test_json_parses_back() -> None:
    led = build()
    parsed = json.loads(render_ledger(led, "json"))
    assert parsed == json.loads(json.dumps(led.to_json()))
    assert parsed["hours_done"] == 1.0
    assert parsed["delegations"][0]["outcome"] == "done"


def test_items_gone_from_the_snapshot_are_described_from_their_id() -> None:
    led = ledger(config(), EVENTS, JOURNAL, [], date(2026, 11, 1), NOW)
    line = next(w for w in led.work if w.item_id == D.id)
    assert (line.repo, line.kind, line.title) == ("acme/api", "unreviewed_pr", D.id)


def test_delegated_items_gone_from_the_snapshot_use_the_recorded_facts() -> None:
    recorded = {"key": "kb", "title": "CI red", "url": "https://x.test/r", "repo": "acme/web"}
    events = [ev(1, B, EventAction.DELEGATED, 21, automation="rerun", data=recorded)]
    (line,) = ledger(config(), events, JOURNAL, [], date(2026, 11, 1), NOW).delegations
    assert (line.title, line.url, line.repo, line.kind) == (
        "CI red",
        "https://x.test/r",
        "acme/web",
        "flaky_test",
    )
