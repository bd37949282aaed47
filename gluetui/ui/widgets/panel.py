"""One panel: a kind of glue work, its count and sort in the title, its table, its empty state."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from gluetui.model import Kind
from gluetui.ui.widgets.item_table import ItemTable


class Panel(Vertical):
    """A titled box around an :class:`ItemTable`; the screen tells it what to say."""

    def __init__(self, kind: Kind, number: int) -> None:
        super().__init__(id=f"panel-{kind.value}", classes="panel")
        self.kind = kind
        self.number = number
        self.border_title = f"{number} {kind.label}"

    def compose(self) -> ComposeResult:
        yield ItemTable(id=f"table-{self.kind.value}")
        yield Label("", classes="empty")

    @property
    def table(self) -> ItemTable:
        return self.query_one(ItemTable)

    def summarize(
        self,
        shown: int,
        total: int,
        sort: str,
        empty_text: str,
        *,
        loading: bool = False,
        marked: int = 0,
    ) -> None:
        """Title with the count (``shown/total`` when filtered) and the sort; empty-state text.

        ``loading``: the count is provisional (``…`` after it) until every item is loaded;
        ``marked``: how many of the panel's items are marked for a batch.
        """
        count = f"{shown}" if shown == total else f"{shown}/{total}"
        if loading:
            count += "…"
        self.border_title = f"{self.number} {self.kind.label} ({count})"
        self.border_subtitle = f"{marked} marked · sort: {sort}" if marked else f"sort: {sort}"
        self.set_class(shown == 0, "-empty")
        self.query_one(".empty", Label).update(empty_text)
