"""Ages and hours read the same in the dashboard and the CLI (issue 16: "10d" vs "11d", "2.2h" vs
"2.25h"); prose numbers carry no false precision."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from ui_fakes import NOW, item

from gluetui import cli
from gluetui.config.schema import Config
from gluetui.model import Kind
from gluetui.report import capacity_report, render_capacity
from gluetui.ui import render
from gluetui.ui.widgets.detail import DetailView, detail_text


def test_row_cells_and_the_cli_table_agree(capsys: pytest.CaptureFixture[str]) -> None:
    # 10.6 days old, a quarter-hour estimate: the cases that used to differ.
    pr = item(1, Kind.UNREVIEWED_PR, age_hours=254.4, effort=2.25)
    cells = render.row_cells(pr, NOW, is_new=False)
    at = render.COLUMN_KEYS.index
    age, effort = cells[at("age")].plain, cells[at("effort")].plain
    assert (age, effort) == ("10d", "2.25h")
    cli._print_table([pr], NOW)
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[-3:-1] == [age, effort]
    detail = detail_text(DetailView(item=pr, now=NOW)).plain
    assert "· 10d old" in detail and "(10d ago)" in detail


def test_capacity_prose_has_no_two_decimal_averages() -> None:
    # 19 items over four weeks, 2.25 h each: 4.75 items and 10.6875 h a week.
    items = [
        replace(item(n, Kind.FLAKY_TEST, effort=2.25), since=NOW - timedelta(days=n * 1.3))
        for n in range(1, 20)
    ]
    cfg = Config.model_validate({"capacity": {"hours_per_sprint": 8}})
    report = capacity_report(cfg, [], items, NOW)
    assert report.forecast.known and report.forecast.items_per_week == 19 / 4
    text = render_capacity(report, "table")
    assert "about 4.8 items, 11 h a week (about 21 h a sprint)" in text
    assert "4.75" not in text and "10.69" not in text
    warning = next(w for w in report.warnings if "outpaces" in w)
    assert "about 21 h a sprint" in warning


def test_the_detail_says_how_the_estimate_was_made() -> None:
    from gluetui.capacity import estimate
    from gluetui.config.schema import EffortConfig
    from gluetui.ui.widgets.detail import side_text

    doc = replace(
        item(1, Kind.STALE_DOC, effort=1.5),
        metrics={"dead_refs": 2.0, "drift": 0.0, "code_changes": 0.0},
    )
    how = estimate(doc.kind, doc.metrics, EffortConfig())
    side = side_text(DetailView(item=doc, now=NOW, estimate=how)).plain
    assert "1.5 h estimated" in side
    assert (
        "how: 1 h to bring a doc up to date + 0.5 h for 2 dead references (0.25 h each) = 1.5 h"
        in side
    )
    assert "the rules now say" not in side
    stale = side_text(DetailView(item=replace(doc, effort_hours=1.0), now=NOW, estimate=how)).plain
    assert "(the rules now say 1.5 h: the list shows the estimate of the last refresh)" in stale
