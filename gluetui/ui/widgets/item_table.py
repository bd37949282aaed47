"""A panel's table: fast first paint for big snapshots, in-place updates on refresh.

Textual's DataTable does work per row before painting, so a 10,000-row snapshot is added a
screenful first and the rest in chunks after each refresh of the screen. A refresh that changes a
few items updates those cells and adds/removes only the rows that changed, keeping the cursor on
the same item instead of clearing the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from gluetui.ui.render import COLUMNS

TITLE = "title"
TITLE_MIN = next(w for key, _, w in COLUMNS if key == TITLE)
#: Room kept for the vertical scrollbar.
SCROLLBAR = 2

Cells = tuple[Text, ...]

#: Rows added before the first paint (a tall terminal's screenful).
FIRST_CHUNK = 120
#: Rows added per later step.
CHUNK = 1500


class _KeyedText(Text):
    """The first cell of a row, carrying the item id so ordering can use public ``sort``."""

    item_id: str


def _keyed(text: Text, item_id: str) -> _KeyedText:
    cell = _KeyedText(text.plain, style=text.style)
    cell.item_id = item_id
    return cell


class ItemTable(DataTable[Text], inherit_bindings=False):
    """Rows keyed by item id. Only navigation keys are bound here; the screen owns the rest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]

    class Loaded(Message):
        """Every pending row has been added (tests and benchmarks wait for it)."""

        def __init__(self, table: ItemTable) -> None:
            super().__init__()
            self.table = table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._cells: dict[str, Cells] = {}
        self._pending: list[tuple[str, Cells]] = []
        self._order: dict[str, int] = {}
        self._generation = 0

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self, event: Resize) -> None:
        """Give the title column whatever the fixed columns leave, so titles are as long as fit."""
        fixed = sum(w for key, _, w in COLUMNS if key != TITLE)
        padding = 2 * self.cell_padding * len(COLUMNS)
        width = max(TITLE_MIN, event.size.width - fixed - padding - SCROLLBAR)
        column = self.columns.get(ColumnKey(TITLE))
        if column is not None and column.width != width:
            column.width = width
            # DataTable has no public "column width changed"; this flag makes it re-measure.
            self._require_update_dimensions = True
            self.refresh()

    @property
    def loading_rows(self) -> bool:
        return bool(self._pending)

    @property
    def current_id(self) -> str | None:
        """The highlighted item's id."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # the cursor can point past rows removed a moment ago
            return None
        return None if key.value is None else str(key.value)

    def show(self, order: Sequence[str], cells: Mapping[str, Cells]) -> None:
        """Make the table show ``order`` (item ids) with ``cells``, changing as little as possible."""
        self._generation += 1
        self._pending = []
        keep = self.current_id
        self._order = {item_id: pos for pos, item_id in enumerate(order)}
        for gone in [i for i in self._cells if i not in self._order]:
            self.remove_row(gone)
            del self._cells[gone]
        added: list[tuple[str, Cells]] = []
        for item_id in order:
            new = cells[item_id]
            old = self._cells.get(item_id)
            if old is None:
                added.append((item_id, new))
            elif old != new:
                self._update(item_id, old, new)
        self._add(added[:FIRST_CHUNK])
        self._pending = added[FIRST_CHUNK:]
        self._arrange(keep)
        if self._pending:
            self.call_after_refresh(self._add_more, self._generation)
        else:
            self.post_message(self.Loaded(self))

    def _update(self, item_id: str, old: Cells, new: Cells) -> None:
        for (key, _, _), before, after in zip(COLUMNS, old, new, strict=True):
            if before != after:
                value = _keyed(after, item_id) if key == COLUMNS[0][0] else after
                self.update_cell(item_id, key, value)
        self._cells[item_id] = new

    def _add(self, rows: Sequence[tuple[str, Cells]]) -> None:
        for item_id, cells in rows:
            self.add_row(_keyed(cells[0], item_id), *cells[1:], key=item_id)
            self._cells[item_id] = cells

    def _add_more(self, generation: int) -> None:
        if generation != self._generation or not self._pending:
            return
        chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
        keep = self.current_id
        self._add(chunk)
        self._arrange(keep)
        if self._pending:
            self.call_after_refresh(self._add_more, generation)
        else:
            self.post_message(self.Loaded(self))

    def _arrange(self, keep: str | None) -> None:
        """Order rows as asked and keep the cursor on the same item when it is still here."""
        order = self._order
        last = len(order)
        self.sort(COLUMNS[0][0], key=lambda cell: order.get(getattr(cell, "item_id", ""), last))
        if keep is not None and keep in self._cells:
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        elif self.row_count:
            self.move_cursor(row=min(self.cursor_row, self.row_count - 1), animate=False)

    def row_id_at(self, index: int) -> str | None:
        if not 0 <= index < self.row_count:
            return None
        key: RowKey = self.coordinate_to_cell_key((index, 0)).row_key  # type: ignore[arg-type]
        return None if key.value is None else str(key.value)
