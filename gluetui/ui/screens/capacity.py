"""The sprint's glue-work budget, as ``gluetui capacity`` computes it, plus what holds the hours.

Everything shown comes from one capacity report, asked of the backend (the same numbers as the
CLI; its budget says which decision holds how many hours); ``n`` flips to the next sprint for
planning. One page that scrolls with the movement keys; every table is fitted to
the dialog's width (cells shorten, headers stay whole), and the dialog never exceeds the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import DataTable, Static

from gluetui import formatting
from gluetui.budget import BudgetStatus
from gluetui.keyplan import Scope
from gluetui.model import Item, Kind
from gluetui.report import Bucket, CapacityReport, forecast_line
from gluetui.textsafe import clean
from gluetui.ui import keys
from gluetui.ui.backend import Backend
from gluetui.ui.screens.help import scroll_hint
from gluetui.ui.screens.paged import PagedModal
from gluetui.ui.widgets.header import gauge_text

#: Below this inner width the three small tables stack instead of sitting side by side.
SIDE_BY_SIDE_FROM = 96
#: Fixed columns of the "holds the hours" table: how, hours, since (the item and repo share the rest).
HOW_WIDTH, HOURS_WIDTH, SINCE_WIDTH = 18, 5, 12


def _kind_name(name: str) -> str:
    try:
        return Kind(name).label
    except ValueError:
        return name


def summary_text(report: CapacityReport, width: int | None = None) -> Text:
    """Gauge, the arithmetic line by line, and every warning (words, not only red)."""
    budget = report.budget
    text = gauge_text(budget, width)
    text.append(
        f"\n{report.sprint.capitalize()} sprint "
        f"{formatting.sprint_range(report.start, report.last_day, year=True)}\n\n",
        style="bold",
    )
    rows = (
        ("Budget", budget.budget_hours, ""),
        ("Taken on myself", budget.self_hours, ""),
        ("Oversight of delegated work", budget.oversight_hours, ""),
        ("Carried over from earlier sprints", budget.carry_over_hours, ""),
        ("Committed", budget.committed_hours, "bold"),
        ("Remaining", budget.remaining_hours, "bold red" if budget.over else "bold green"),
    )
    for label, value, style in rows:
        text.append(f"{label:<36}{formatting.hours(value):>9}\n", style=style)
    text.append(
        f"{'Queued (open items)':<36}{formatting.hours(report.queued_hours):>9}"
        f"  ({report.queued_items} items)\n"
    )
    text.append(f"{'Incoming, last 4 weeks':<36}{forecast_line(report.forecast)}\n")
    if budget.over:
        text.append("\nOVER-COMMITTED\n", style="bold red")
    for warning in report.warnings:
        text.append("! ", style="bold yellow")
        text.append(clean(warning, 300) + "\n")
    text.rstrip()
    return text


def bucket_table(
    title: str, first: str, rows: Sequence[tuple[str, int, float]], empty: str = "nothing"
) -> Table:
    """A small table (kind / repository / week, items, hours) that fits whatever width it gets."""
    table = Table(title=title, title_justify="left", title_style="bold", box=None, expand=True)
    table.add_column(first, ratio=1, no_wrap=True, overflow="ellipsis", min_width=len(first))
    table.add_column("Items", justify="right", no_wrap=True, min_width=5)
    table.add_column("Hours", justify="right", no_wrap=True, min_width=5)
    for name, count, hours in rows:
        table.add_row(Text(name), str(count), _hours(hours))
    if not rows:
        table.add_row(Text(empty, style="dim"), "", "")
    return table


def _buckets(buckets: Sequence[Bucket], *, kinds: bool = False) -> list[tuple[str, int, float]]:
    return [(_kind_name(b.name) if kinds else clean(b.name, 60), b.items, b.hours) for b in buckets]


class CapacityScreen(PagedModal):
    PAGE_ID = "capacity-body"

    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings(Scope.CAPACITY))

    def __init__(self, backend: Backend, items: Mapping[str, Item]) -> None:
        super().__init__(classes="modal")
        self._backend = backend
        self._items = items
        self._offset = 0

    def report(self) -> CapacityReport:
        return self._backend.capacity(list(self._items.values()), self._offset)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog capacity") as box:
            box.border_title = "Capacity"
            keymap = self._backend.config.keymap
            next_key = keys.live_display(keys.COMMANDS_BY_ID["capacity_next"], keymap)
            box.border_subtitle = (
                f"{next_key} next/current sprint · {scroll_hint(keymap, 'capacity_close')}"
            )
            with VerticalScroll(id="capacity-body"):
                yield Static(id="capacity-summary")
                # What holds the hours comes first: it is what you can act on.
                yield DataTable[Text](cursor_type="none", id="capacity-items")
                with Horizontal(id="capacity-queued"):
                    yield Static(id="capacity-kinds")
                    yield Static(id="capacity-repos")
                    yield Static(id="capacity-forecast")

    def on_mount(self) -> None:
        self.show()

    @on(Resize)
    def _resized(self) -> None:
        width = self.query_one("#capacity-body").scrollable_content_region.width
        queued = self.query_one("#capacity-queued")
        stacked = width < SIDE_BY_SIDE_FROM
        queued.styles.layout = "vertical" if stacked else "horizontal"
        queued.set_class(stacked, "-stacked")
        self.show()

    def show(self) -> None:
        report = self.report()
        budget = report.budget
        width = self.query_one("#capacity-body").scrollable_content_region.width or None
        self.query_one("#capacity-summary", Static).update(summary_text(report, width))
        self.query_one("#capacity-kinds", Static).update(
            bucket_table("Queued by kind", "Kind", _buckets(report.queued_by_kind, kinds=True))
        )
        self.query_one("#capacity-repos", Static).update(
            bucket_table("Queued by repository", "Repository", _buckets(report.queued_by_repo))
        )
        weeks = [(w.name, w.items, w.hours) for w in report.forecast.weeks]
        self.query_one("#capacity-forecast", Static).update(
            bucket_table(
                "Incoming per week",
                "Week of",
                weeks if report.forecast.known else [],
                # The summary above says until when; the column is narrow.
                "not yet",
            )
        )
        self._commitments(report, budget)

    def _columns(self, table: DataTable[Text]) -> None:
        """The five columns, the item and repository sharing what the fixed ones leave."""
        width = self.query_one("#capacity-body").scrollable_content_region.width or 100
        # DataTable pads each cell by one on both sides.
        rest = max(24, width - HOW_WIDTH - HOURS_WIDTH - SINCE_WIDTH - 2 * 5)
        repo = max(len("Repository"), rest * 2 // 5)
        table.add_column("Holds the hours", width=HOW_WIDTH)
        table.add_column("Item", width=rest - repo)
        table.add_column("Repository", width=repo)
        table.add_column("Hours", width=HOURS_WIDTH)
        table.add_column("Since", width=SINCE_WIDTH)

    def _commitments(self, report: CapacityReport, budget: BudgetStatus) -> None:
        table: DataTable[Text] = self.query_one("#capacity-items", DataTable)
        table.clear(columns=True)
        self._columns(table)
        # An item resolved since the decision has left the snapshot; its decision recorded it.
        facts = {e.item_id: e.data for e in self._backend.events() if e.data.get("title")}
        for c in sorted(budget.commitments, key=lambda c: c.at):
            item = self._items.get(c.item_id)
            known = facts.get(c.item_id, {})
            title = item.title if item else str(known.get("title", c.item_id))
            repo = item.repo if item else str(known.get("repo", ""))
            how = f"→ {clean(c.automation, 30)}" if c.automation else "◆ taken"
            if c.done:
                how += " ✓ done"
            table.add_row(
                _cell(how),
                _cell(clean(title, 120)),
                _cell(clean(repo, 80)),
                Text(_hours(c.self_hours + c.oversight_hours), justify="right"),
                Text(f"{c.at.astimezone():%d %b %H:%M}"),
            )
        for carried in report.carry_over:
            item = self._items.get(carried.item_id)
            table.add_row(
                _cell("↻ carried over"),
                _cell(clean(carried.title, 120)),
                _cell(clean(item.repo, 80) if item else ""),
                Text(_hours(carried.hours), justify="right"),
                Text(f"{carried.taken_at.astimezone():%d %b %H:%M}"),
            )
        if not budget.commitments and not report.carry_over:
            table.add_row(
                Text("—", style="dim"),
                Text("nothing taken or delegated in this sprint yet", style="dim"),
            )

    def action_next_sprint(self) -> None:
        self._offset = 0 if self._offset else 1
        self.show()


def _hours(value: float) -> str:
    """Hours in a column headed "Hours": the number only (``2.25``)."""
    return formatting.hours(value).removesuffix(" h")


def _cell(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")
