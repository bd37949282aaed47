"""Pure views: the delegation plan text, follow-up lines and the capacity gauge (no terminal)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ui_fakes import NOW, item, runtime

from gluetui.budget import BudgetStatus
from gluetui.config.schema import automation
from gluetui.delegate import FollowUp, Status, plan_for
from gluetui.model import Kind
from gluetui.store import JournalEntry
from gluetui.ui.handoff import handoff_text, plan_text
from gluetui.ui.widgets.header import gauge_text

HOSTILE = "[bold]x[/] $(rm -rf ~) \x1b[31mred\x1b[0m"


def test_plan_text_shows_argv_target_mode_and_cost_literally(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.config.automations["fixer"] = automation(
        kind="command", fits=["stale_doc"], argv=["echo", "{title}"], oversight_hours=0.75
    )
    try:
        doc = item(5, Kind.STALE_DOC, title=HOSTILE)
        text = plan_text(plan_for(rt, doc, "fixer"), over_budget="2 of 1 h committed")
    finally:
        rt.close()
    plain = text.plain
    assert "run: ['echo', '[bold]x[/] $(rm -rf ~)" in plain  # argv items, shown as data
    assert "\x1b" not in plain
    assert "Item      [bold]x[/] $(rm -rf ~)" in plain  # markup-like text stays literal
    assert "for real" in plain and "0.75 h oversight" in plain
    assert "Over budget: 2 of 1 h committed" in plain


def test_handoff_text_lists_the_verdict_and_every_attempt() -> None:
    follow = FollowUp("i", "bot", Status.PR_OPENED, "agent opened PR #7", NOW, "https://x/pull/7")
    entries = (
        JournalEntry("k0", "i", "bot", {}, NOW, NOW, False, "HTTP 500"),
        JournalEntry("k1", "i", "bot", {}, NOW, NOW, True, "assigned", "https://x/pull/7"),
        JournalEntry("k2", "i", "bot", {}, NOW, NOW, False, "unknown — check https://x"),
        JournalEntry("k3", "i", "bot", {}, NOW),
    )
    plain = handoff_text(follow, entries, running=True).plain
    assert "running" in plain and "↗ PR opened: agent opened PR #7" in plain
    assert "failed  HTTP 500" in plain and "ok  assigned" in plain
    assert "unknown  unknown — check" in plain and "pending" in plain
    assert handoff_text(None, ()).plain == "not delegated\n"


@pytest.mark.parametrize(
    ("committed", "word", "style"),
    [
        (1.0, "ok", "green"),
        (4.5, "filling", "yellow"),
        (7.0, "nearly full", "bold yellow"),
        (9.0, "OVER BUDGET", "bold red"),
    ],
)
def test_gauge_colour_and_word_follow_the_fill(committed: float, word: str, style: str) -> None:
    budget = BudgetStatus(date(2026, 11, 23), date(2026, 12, 7), 8.0, committed - 0.5, 0.5)
    text = gauge_text(budget)
    assert word in text.plain and "oversight 0.5 h" in text.plain
    styled = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert any(w.endswith(word) and st == style for w, st in styled.items())
