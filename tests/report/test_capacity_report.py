"""The capacity report: arithmetic, carry-over, queue, forecast, and four formats that parse back."""

from __future__ import annotations

import json
import tomllib
from datetime import timedelta

import pytest
from report_helpers import EVENTS, ITEMS, NOW, A, E, config, ev, item

from gluetui.events import EventAction
from gluetui.model import Kind
from gluetui.report import (
    EXIT_OVER_COMMITTED,
    capacity_exit_code,
    capacity_report,
    forecast_line,
    parse_markdown_table,
    render_capacity,
)
from gluetui.store import Arrival


def test_committed_remaining_and_carry_over() -> None:
    r = capacity_report(config(), EVENTS, ITEMS, NOW)
    assert r.sprint == "current"
    assert r.start.isoformat() == "2026-11-16"
    assert (r.budget.self_hours, r.budget.oversight_hours, r.budget.carry_over_hours) == (
        3.0,
        0.5,
        2.0,
    )
    assert r.budget.committed_hours == 5.5
    assert r.budget.remaining_hours == 2.5
    assert [c.title for c in r.carry_over] == ["Item c"]
    assert not r.budget.over
    assert capacity_exit_code(r) == 0


def test_queue_is_open_items_by_kind_and_repo() -> None:
    r = capacity_report(config(), EVENTS, ITEMS, NOW)
    assert r.queued_items == 3  # e, f, g; a taken, b delegated, c taken, d done
    assert r.queued_hours == 3.0
    assert {b.name: (b.items, b.hours) for b in r.queued_by_kind} == {
        "stale_doc": (1, 1.0),
        "broken_ci": (1, 1.5),
        "unreviewed_pr": (1, 0.5),
    }
    assert {b.name: b.hours for b in r.queued_by_repo} == {"acme/api": 1.5, "acme/web": 1.5}


def test_forecast_counts_items_started_in_the_last_four_weeks() -> None:
    r = capacity_report(config(), EVENTS, ITEMS, NOW)
    assert [w.items for w in r.forecast.weeks] == [0, 1, 1, 1]
    assert r.forecast.items_per_week == 0.75
    assert r.forecast.hours_per_week == 0.75  # (1 + 1.5 + 0.5) / 4
    assert r.forecast.hours_per_sprint == 1.5


def _arrival(name: str, days_ago: float, hours: float = 2.0, source: str = "gh") -> Arrival:
    return Arrival(
        f"github.com/acme/api#broken_ci/{name}",
        source,
        NOW - timedelta(days=days_ago),
        "broken_ci",
        hours,
    )


def test_forecast_counts_arrivals_on_the_forge_while_watched_not_the_backlog_found() -> None:
    """Issue 16: on a first refresh every item is new to gluetui; what was already there is the
    backlog (the queue), not incoming work. The forecast counts glue work by when it arrived on
    the forge, from when each source was first watched: resolved work too (it arrived)."""
    first_look = NOW - timedelta(days=14)
    backlog = [_arrival(f"old{n}", 14.5 + n / 10) for n in range(30)]  # there at the first look
    arrived = [_arrival("a", 10), _arrival("b", 3), _arrival("gone-since", 8)]  # gone: resolved
    r = capacity_report(
        config(hours=8),
        EVENTS,
        ITEMS,
        NOW,
        arrivals=[*backlog, *arrived],
        watching={"gh": first_look},
    )
    fc = r.forecast
    assert fc.known and fc.watched_days == 14 and fc.watching_since == first_look
    assert [w.name for w in fc.weeks] == ["2026-11-11", "2026-11-18"]  # the weeks watched
    assert [w.items for w in fc.weeks] == [2, 1]
    assert fc.items_per_week == 1.5 and fc.hours_per_week == 3.0 and fc.hours_per_sprint == 6.0
    assert not any("outpaces" in w for w in r.warnings)


def test_no_forecast_until_a_week_was_watched() -> None:
    """The demo (and any first day) has watched for minutes: no rate is claimed from it."""
    many = [_arrival(f"x{n}", 0.5 + n / 100) for n in range(60)]
    r = capacity_report(
        config(hours=8), [], ITEMS, NOW, arrivals=many, watching={"gh": NOW - timedelta(hours=2)}
    )
    assert not r.forecast.known and r.forecast.items_per_week == 0
    assert not any("outpaces" in w for w in r.warnings)
    assert forecast_line(r.forecast) == "no forecast until 2 Dec (needs a week)"
    assert r.to_json()["forecast"]["known"] is False
    nothing = capacity_report(config(), [], [], NOW, arrivals=[], watching={})
    assert forecast_line(nothing.forecast) == "no forecast: nothing refreshed yet"


def test_a_source_added_later_brings_its_backlog_not_a_flood() -> None:
    watching = {"gh": NOW - timedelta(days=28), "gl": NOW - timedelta(days=1)}
    gl_backlog = [_arrival(f"gl{n}", 3 + n / 10, source="gl") for n in range(40)]
    r = capacity_report(
        config(), [], [], NOW, arrivals=[*gl_backlog, _arrival("gh1", 5)], watching=watching
    )
    assert r.forecast.known and sum(w.items for w in r.forecast.weeks) == 1


def test_over_commitment_warns_and_exits_9() -> None:
    more = [*EVENTS, ev(6, E, EventAction.TAKEN, 24, hours=4.0)]
    r = capacity_report(config(), more, ITEMS, NOW)
    assert r.budget.over and r.budget.committed_hours == 9.5
    assert capacity_exit_code(r) == EXIT_OVER_COMMITTED == 9
    assert any("Over-committed" in w and "carried over" in w for w in r.warnings)


def test_next_sprint_carries_this_sprints_unfinished_work() -> None:
    r = capacity_report(config(), EVENTS, ITEMS, NOW, sprint_offset=1)
    assert r.sprint == "next" and r.start.isoformat() == "2026-11-30"
    assert r.budget.self_hours == 0 and r.budget.carry_over_hours == 5.0  # c (2 h) + a (3 h)


def test_done_items_are_not_carried_over() -> None:
    done = [*EVENTS, ev(6, A, EventAction.DONE, 24)]
    r = capacity_report(config(), done, ITEMS, NOW, sprint_offset=1)
    assert r.budget.carry_over_hours == 2.0


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_json_and_toml_parse_back(fmt: str) -> None:
    r = capacity_report(config(), EVENTS, ITEMS, NOW)
    text = render_capacity(r, fmt)
    parsed = json.loads(text) if fmt == "json" else tomllib.loads(text)
    assert parsed == r.to_json()
    assert parsed["committed_hours"] == 5.5
    assert parsed["queued"]["by_kind"][0]["name"] == "broken_ci"


def test_markdown_tables_parse_back() -> None:
    hostile = item(
        "h",
        Kind.STALE_DOC,
        title="a | b [x](javascript:alert(1)) <img>",
        since=NOW - timedelta(days=1),
    )
    more = [*EVENTS, ev(6, hostile, EventAction.TAKEN, 1, hours=1.0)]
    r = capacity_report(config(), more, [*ITEMS, hostile], NOW)
    md = render_capacity(r, "markdown")
    rows = dict(parse_markdown_table(md, "Metric"))
    assert rows["Committed"] == "6.5 h"
    assert rows["Remaining"] == "1.5 h"
    kinds = parse_markdown_table(md, "Name")
    assert ["Broken CI", "1", "1.5"] in kinds
    carried = parse_markdown_table(md, "Item")
    assert all(len(row) == 3 for row in carried)
    assert "[x](javascript" not in md and " <img>" not in md
    assert "\\[x\\]" in md and "\\<img\\>" in md


def test_table_format_is_plain_text() -> None:
    r = capacity_report(config(), EVENTS, ITEMS, NOW)
    text = render_capacity(r, "table")
    assert "Committed" in text and "5.5 h" in text
    assert "2026-11-16 to 2026-11-29" in text
    assert "\x1b" not in text


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="yaml"):
        render_capacity(capacity_report(config(), EVENTS, ITEMS, NOW), "yaml")


def test_the_gauge_and_the_report_agree_on_committed_hours() -> None:
    """The header gauge and take()'s budget check use budget_status; carry-over counts there too."""
    from gluetui.budget import budget_status

    r = capacity_report(config(), EVENTS, ITEMS, NOW)
    status = budget_status(config(), EVENTS, NOW)
    # The report holds the budget itself: one rule, read by the gauge, the screen and the CLI.
    assert r.budget == status
    assert status.carry_over_hours == 2.0
