"""The top of the dashboard: the sprint's capacity gauge and one status line per source.

Both are dumb views: the screen binds its state to their reactives (``data_bind``).
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from gluetui import formatting
from gluetui.budget import BudgetStatus
from gluetui.ui.status import SourceStatus, reason_line, status_line

BAR_WIDTH = 24
#: The bar never gets narrower than this; below it the oversight part goes first.
BAR_MIN = 8


def gauge_text(budget: BudgetStatus | None, width: int | None = None) -> Text:
    """``Sprint 23 Nov – 6 Dec ▕██████░░░░▏ 5.5 / 8 h  69% filling  ·  2.5 h left  ·  oversight 1.5 h``.

    The sprint is named by its first and last day, as everywhere (:mod:`gluetui.formatting`).

    ``width``: fit that many cells, whole words only — the bar shrinks first, then the oversight
    part goes; what is left (the hours that remain) always stays.
    """
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
    head = f"Sprint {formatting.sprint_range(budget.start, budget.last_day)} "
    hours = (
        f"▏ {formatting.hours(budget.committed_hours).removesuffix(' h')}"
        f" / {formatting.hours(budget.budget_hours)}  "
    )
    state = f"{frac:.0%} {word}"
    left = f"  ·  {formatting.hours(budget.remaining_hours)} left"
    oversight = f"  ·  oversight {formatting.hours(budget.oversight_hours)}"
    bar = BAR_WIDTH
    if width is not None:
        fixed = len(head) + 1 + len(hours) + len(state) + len(left)
        if fixed + bar + len(oversight) > width:
            bar = max(BAR_MIN, width - fixed - len(oversight))
        if fixed + bar + len(oversight) > width:
            oversight = ""
            bar = max(BAR_MIN, min(BAR_WIDTH, width - fixed))
    filled = min(bar, round(frac * bar))
    text = Text("Sprint ", style="bold")
    text.append(head.removeprefix("Sprint "))
    text.append("▕")
    text.append("█" * filled, style=style)
    text.append("░" * (bar - filled), style="dim")
    text.append(hours)
    text.append(state, style=style)
    text.append(left, style="dim")
    text.append(oversight, style="dim")
    return text


class CapacityGauge(Static):
    """Committed / budget hours, with a word and a percentage so colour is never the only carrier."""

    budget: reactive[BudgetStatus | None] = reactive(None, always_update=True)

    def render(self) -> Text:
        return gauge_text(self.budget, self.size.width or None)


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
