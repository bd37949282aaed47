"""The top of the dashboard: the sprint's capacity gauge and one status line per source.

Both are dumb views: the screen binds its state to their reactives (``data_bind``).
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from gluetui.ui.backend import BudgetLike
from gluetui.ui.status import SourceStatus, reason_line, status_line

BAR_WIDTH = 24


def gauge_text(budget: BudgetLike | None) -> Text:
    """``Sprint 23 Nov–6 Dec ▕██████░░░░▏ 5.5 / 8.0 h  69% filling · oversight 1.5 h``."""
    if budget is None:
        return Text("Capacity: unknown", style="dim")
    frac = max(0.0, budget.fraction)
    if budget.over:
        word, style = "OVER BUDGET", "bold red"
    elif frac >= 0.8:
        word, style = "nearly full", "bold yellow"
    elif frac >= 0.5:
        word, style = "filling", "yellow"
    else:
        word, style = "ok", "green"
    filled = min(BAR_WIDTH, round(frac * BAR_WIDTH))
    text = Text("Sprint ", style="bold")
    text.append(f"{budget.start:%d %b}–{budget.end:%d %b} ")
    text.append("▕")
    text.append("█" * filled, style=style)
    text.append("░" * (BAR_WIDTH - filled), style="dim")
    text.append("▏ ")
    text.append(f"{budget.committed_hours:.1f} / {budget.budget_hours:.1f} h  ")
    text.append(f"{frac:.0%} {word}", style=style)
    text.append(f"  ·  oversight {budget.oversight_hours:.1f} h", style="dim")
    text.append(f"  ·  {budget.remaining_hours:.1f} h left", style="dim")
    return text


class CapacityGauge(Static):
    """Committed / budget hours, with a word and a percentage so colour is never the only carrier."""

    budget: reactive[BudgetLike | None] = reactive(None, always_update=True)

    def render(self) -> Text:
        return gauge_text(self.budget)


#: Reasons listed in the status bar's tooltip (the full list is on stderr with the CLI).
TOOLTIP_REASONS = 20


class SyncStatusBar(Static):
    """One line per source: last refresh, progress, error title, what failed in part (and the
    first reason why, the others in the tooltip), rate limit, stale marker."""

    statuses: reactive[tuple[SourceStatus, ...]] = reactive((), layout=True)

    def render(self) -> Text:
        if not self.statuses:
            return Text("No sources configured: run `gluetui init`.", style="dim")
        lines: list[Text] = []
        for s in self.statuses:
            lines.append(status_line(s))
            if (reason := reason_line(s)) is not None:
                lines.append(reason)
        return Text("\n").join(lines)

    def watch_statuses(self, statuses: tuple[SourceStatus, ...]) -> None:
        reasons = [r for s in statuses for r in s.reasons]
        if not reasons:
            self.tooltip = None
            return
        shown = reasons[:TOOLTIP_REASONS]
        more = len(reasons) - len(shown)
        self.tooltip = Text("\n").join(
            [Text(r) for r in shown] + ([Text(f"… and {more} more")] if more else [])
        )
