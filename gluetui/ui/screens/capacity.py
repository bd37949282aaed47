"""The sprint's glue-work budget, as ``gluetui capacity`` computes it, plus what holds the hours.

Everything shown comes from one capacity report, asked of the backend (the same numbers as the
CLI; its budget says which decision holds how many hours); ``n`` flips to the next sprint for
planning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from gluetui.model import Item, Kind
from gluetui.report import Bucket, CapacityReport
from gluetui.textsafe import clean
from gluetui.ui.backend import Backend
from gluetui.ui.widgets.header import gauge_text


def _kind_name(name: str) -> str:
    try:
        return Kind(name).label
    except ValueError:
        return name


def summary_text(report: CapacityReport) -> Text:
    """Gauge, the arithmetic line by line, and every warning (words, not only red)."""
    budget = report.budget
    text = gauge_text(budget)
    last = report.end.toordinal() - 1
    text.append(
        f"\n{report.sprint.capitalize()} sprint {report.start:%d %b} – "
        f"{date.fromordinal(last):%d %b %Y}\n\n",
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
        text.append(f"{label:<36}{value:>7.1f} h\n", style=style)
    text.append(
        f"{'Queued (open items)':<36}{report.queued_hours:>7.1f} h  ({report.queued_items} items)\n"
    )
    fc = report.forecast
    text.append(
        f"{'Incoming, last 4 weeks':<36}{fc.hours_per_week:>7.1f} h/week  "
        f"({fc.items_per_week:g} items/week, ≈{fc.hours_per_sprint:g} h per sprint)\n"
    )
    if budget.over:
        text.append("\nOVER-COMMITTED\n", style="bold red")
    for warning in report.warnings:
        text.append("! ", style="bold yellow")
        text.append(clean(warning, 300) + "\n")
    return text


def _bucket_table(
    table: DataTable[Text], buckets: Sequence[Bucket], *, kinds: bool = False
) -> None:
    table.clear(columns=True)
    table.add_columns("Kind" if kinds else "Repository", "Items", "Hours")
    for b in buckets:
        table.add_row(
            Text(_kind_name(b.name) if kinds else clean(b.name, 24)),
            Text(str(b.items), justify="right"),
            Text(f"{b.hours:.1f}", justify="right"),
        )
    if not buckets:
        table.add_row(Text("nothing queued", style="dim"), Text(""), Text(""))


class CapacityScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close", id="capacity_close"),
        Binding("n", "next_sprint", "Next sprint", id="capacity_next"),
    ]

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
            box.border_subtitle = "n next/current sprint · escape closes"
            yield Static(id="capacity-summary")
            with Horizontal(id="capacity-queued"):
                yield DataTable[Text](id="capacity-kinds", cursor_type="none")
                yield DataTable[Text](id="capacity-repos", cursor_type="none")
                yield DataTable[Text](id="capacity-forecast", cursor_type="none")
            yield DataTable[Text](cursor_type="row", id="capacity-items")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        report = self.report()
        self.query_one("#capacity-summary", Static).update(summary_text(report))
        _bucket_table(
            self.query_one("#capacity-kinds", DataTable), report.queued_by_kind, kinds=True
        )
        _bucket_table(self.query_one("#capacity-repos", DataTable), report.queued_by_repo)
        forecast: DataTable[Text] = self.query_one("#capacity-forecast", DataTable)
        forecast.clear(columns=True)
        forecast.add_columns("Week of", "New", "Hours")
        for w in report.forecast.weeks:
            forecast.add_row(
                Text(w.name),
                Text(str(w.items), justify="right"),
                Text(f"{w.hours:.1f}", justify="right"),
            )
        self._commitments(report)

    def _commitments(self, report: CapacityReport) -> None:
        budget = report.budget
        table: DataTable[Text] = self.query_one("#capacity-items", DataTable)
        table.clear(columns=True)
        table.add_columns("Holds the hours", "Item", "Repository", "Hours", "Since")
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
                Text(how),
                Text(clean(title, 50)),
                Text(clean(repo, 30)),
                Text(f"{c.self_hours + c.oversight_hours:.1f}", justify="right"),
                Text(f"{c.at.astimezone():%d %b %H:%M}"),
            )
        for carried in report.carry_over:
            item = self._items.get(carried.item_id)
            table.add_row(
                Text("↻ carried over"),
                Text(clean(carried.title, 50)),
                Text(clean(item.repo, 30) if item else ""),
                Text(f"{carried.hours:.1f}", justify="right"),
                Text(f"{carried.taken_at.astimezone():%d %b %H:%M}"),
            )
        if not budget.commitments and not report.carry_over:
            table.add_row(Text("nothing taken or delegated in this sprint yet", style="dim"))

    def action_next_sprint(self) -> None:
        self._offset = 0 if self._offset else 1
        self.show()

    def action_close(self) -> None:
        self.dismiss(None)
