"""One convention for a sprint's dates, everywhere: its first and last day, both inclusive.

The dashboard's gauge, the capacity screen and ``gluetui capacity --demo`` in all four formats name
the same sprint with the same two days (issue 16: the header said "23 Nov–07 Dec", the screen
"23 Nov – 06 Dec", JSON ``end = 2026-12-07``).
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, date, datetime

import pytest

from gluetui import factory
from gluetui.cli import main
from gluetui.factory import build_runtime
from gluetui.sync import current_items
from gluetui.ui.backend import default_backend
from gluetui.ui.screens.capacity import summary_text
from gluetui.ui.widgets.header import gauge_text

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
FIRST, LAST = date(2026, 11, 23), date(2026, 12, 6)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "utc_now", lambda: NOW)


def _cli(capsys: pytest.CaptureFixture[str], fmt: str) -> str:
    main(["capacity", "--demo", "--format", fmt])
    return capsys.readouterr().out


def test_every_capacity_format_names_the_same_first_and_last_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = _cli(capsys, "table")
    markdown = _cli(capsys, "markdown")
    as_json = json.loads(_cli(capsys, "json"))
    as_toml = tomllib.loads(_cli(capsys, "toml"))
    span = f"{FIRST.isoformat()} to {LAST.isoformat()}"
    assert table.splitlines()[0] == f"Glue-work capacity, current sprint {span}"
    assert markdown.splitlines()[0] == f"## Glue-work capacity: current sprint ({span})"
    for doc in (as_json, as_toml):
        assert (doc["start"], doc["end"]) == (FIRST.isoformat(), LAST.isoformat())


async def test_the_dashboard_names_the_sprint_as_the_cli_does() -> None:
    rt = build_runtime(demo=True, clock=lambda: NOW)
    try:
        backend = default_backend(rt)
        budget = backend.budget_now()
        gauge = gauge_text(budget).plain
        assert gauge.startswith("Sprint 23 Nov – 6 Dec ")
        report = backend.capacity(current_items(rt))
        screen = summary_text(report).plain
        assert "Current sprint 23 Nov – 6 Dec 2026" in screen
        # The screen repeats the gauge: one sprint, one way of naming it.
        assert len(re.findall(r"23 Nov – 6 Dec", screen)) == 2
        assert (budget.start, budget.last_day) == (FIRST, LAST)
    finally:
        rt.close()
