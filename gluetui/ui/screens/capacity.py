"""The sprint's glue-work budget: what is committed, to whom, and what is left."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from gluetui.model import Item
from gluetui.textsafe import clean
from gluetui.ui.backend import BudgetLike
from gluetui.ui.widgets.header import gauge_text


def summary_text(budget: BudgetLike) -> Text:
    text = gauge_text(budget)
    text.append("\n\n")
    rows = (
        ("Budget", budget.budget_hours),
        ("Taken by you", budget.self_hours),
        ("Oversight of delegated work", budget.oversight_hours),
        ("Committed", budget.committed_hours),
        ("Remaining", budget.remaining_hours),
    )
    for label, value in rows:
        text.append(f"{label:<30}{value:>7.1f} h\n")
    if budget.over:
        text.append("Over budget: mark finished items done, delegate, or snooze.", style="bold red")
    return text


class CapacityScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close", id="capacity_close"),
    ]

    def __init__(self, budget: BudgetLike, items: Mapping[str, Item]) -> None:
        super().__init__(classes="modal")
        self._budget = budget
        self._items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog capacity") as box:
            box.border_title = "Capacity this sprint"
            yield Static(summary_text(self._budget), id="capacity-summary")
            table: DataTable[Text] = DataTable(cursor_type="row", id="capacity-items")
            table.add_columns("Decision", "Item", "Repository", "Hours", "Since")
            for c in sorted(self._budget.commitments, key=lambda c: c.at):
                item = self._items.get(c.item_id)
                how = f"→ {c.automation}" if c.automation else "◆ taken"
                if c.done:
                    how += " ✓ done"
                hours = c.self_hours + c.oversight_hours
                table.add_row(
                    Text(how),
                    Text(clean(item.title if item else c.item_id, 50)),
                    Text(clean(item.repo, 30) if item else ""),
                    Text(f"{hours:.1f}", justify="right"),
                    Text(f"{c.at.astimezone():%d %b %H:%M}"),
                )
            if not self._budget.commitments:
                table.add_row(Text("nothing taken or delegated this sprint yet", style="dim"))
            yield table

    def action_close(self) -> None:
        self.dismiss(None)
