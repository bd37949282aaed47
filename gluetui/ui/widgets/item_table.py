"""A panel's table, virtualised: only the rows on screen are ever rendered.

Textual's DataTable measures and stores every cell of every row, which costs about a second and
tens of megabytes for a 10,000-item snapshot, and again on every refresh or filter keystroke. This
table keeps the order (a list of item ids) and a function that renders one row's cells; a paint
asks for the twenty-odd visible rows only (Textual's Line API: ``ScrollView`` + ``render_line``).
Showing a new order is a list assignment, so a refresh, a sort or a filter costs the same at
10,000 rows as at ten.

Which columns show, and how wide, follows the width (:func:`gluetui.ui.columns.fit_columns`): a
column is shown whole, header included, or not at all.

The cursor acts on what the user sees. Until the user moves in a list (or acts on its item), its
highlight stays on the first row whatever arrives; after that it stays on the item they chose
while refreshes reorder the rows. When a refresh takes the highlighted item away, the highlight
lands on a neighbour, and :attr:`ItemTable.unseen_change` says so until that row has been painted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.events import Click, Leave, MouseMove, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gluetui.ui.columns import GAP, Column, Placed, fit_columns, total_width
from gluetui.ui.render import COLUMNS

#: The header line above the rows.
HEADER = 1

Cells = tuple[Text, ...]
CellSource = Mapping[str, Cells] | Callable[[str], Cells]


class ItemTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows keyed by item id. Only navigation keys are bound here; the screen owns the rest."""

    DEFAULT_CSS = """
    ItemTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        overflow-x: hidden;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        &:focus {
            background-tint: $foreground 5%;
            & > .item-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .item-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .item-table--even-row { background: $surface-darken-1 40%; }
        & > .item-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .item-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .item-table--even-row { background: $surface-lighten-1 50%; }
        & > .item-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .item-table--hover { background: $block-hover-background; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-table--header",
        "item-table--even-row",
        "item-table--odd-row",
        "item-table--cursor",
        "item-table--hover",
    }

    # No bindings of its own: every key is in the screen's plan (gluetui.keyplan), so [keymap]
    # rebinds all of them.

    cursor_row: reactive[int] = reactive(0, init=False, always_update=False)
    """Index of the highlighted row (0 when the table is empty)."""

    class RowHighlighted(Message):
        """The highlighted item changed (cursor moved, or a new order moved it)."""

        def __init__(self, table: ItemTable, cursor_row: int, item_id: str | None) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.item_id = item_id

        @property
        def control(self) -> ItemTable:
            return self.table

    def __init__(self, *, id: str | None = None, columns: tuple[Column, ...] = COLUMNS) -> None:
        super().__init__(id=id)
        self._order: list[str] = []
        self._index: dict[str, int] | None = None
        self._source: Callable[[str], Cells] = _no_cells
        self._cells: LRUCache[str, Cells] = LRUCache(512)
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._columns = columns
        self._content: Mapping[str, int] = {}
        self._placed: list[Placed] = fit_columns(columns, 80)
        self._hover = -1
        self._highlighted: str | None = None
        self._generation = 0
        self._base: Style | None = None
        #: The user chose the highlighted item (moved, clicked, acted): refreshes keep it.
        self.pinned = False
        #: A refresh moved the highlight to another item and that row has not been painted yet.
        self.unseen_change = False

    # -- data ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def current_id(self) -> str | None:
        """The highlighted item's id."""
        return self.row_id_at(self.cursor_row)

    def row_id_at(self, index: int) -> str | None:
        return self._order[index] if 0 <= index < len(self._order) else None

    def get_row_index(self, item_id: str) -> int:
        """Where ``item_id`` is shown; ``KeyError`` when it is not."""
        return self._position_map()[item_id]

    def get_row(self, item_id: str) -> Cells:
        """The cells shown for ``item_id`` (rendered on demand); ``KeyError`` when not shown."""
        self.get_row_index(item_id)
        return self._row_cells(item_id)

    def show(
        self, order: Sequence[str], cells: CellSource, content: Mapping[str, int] | None = None
    ) -> None:
        """Show ``order`` (item ids), rendering a row with ``cells`` when it comes on screen.

        ``cells`` maps an id to its row (a mapping, or a function for lazy rendering); ``content``
        gives the widest value of each content-sized column. Until the user has chosen a row
        (:attr:`pinned`) the first row is highlighted; after that the highlighted item stays
        highlighted, or, when it is gone, the row at its position.
        """
        keep = self.current_id
        self._order = list(order)
        self._index = None
        self._source = cells.__getitem__ if isinstance(cells, Mapping) else cells
        self._cells.clear()
        self._lines.clear()
        self._generation += 1
        if content is not None and content != self._content:
            self._content = dict(content)
            self._relayout()
        self.virtual_size = Size(self._table_width(), len(self._order) + HEADER)
        row = 0
        if self.pinned:
            row = self.cursor_row
            if keep is not None and keep in self._position_map():
                row = self.get_row_index(keep)
        self._set_cursor(min(row, max(0, len(self._order) - 1)))
        if self.pinned and keep is not None and self.current_id != keep:
            self.unseen_change = True
        self._announce()
        self.refresh()

    def _position_map(self) -> dict[str, int]:
        if self._index is None:
            self._index = {key: pos for pos, key in enumerate(self._order)}
        return self._index

    def _row_cells(self, item_id: str) -> Cells:
        cells = self._cells.get(item_id)
        if cells is None:
            cells = self._source(item_id)
            self._cells[item_id] = cells
        return cells

    # -- cursor -------------------------------------------------------------------------------

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """The user highlights row ``row`` (clamped) and scrolls it into view; refreshes keep it."""
        del animate  # the cursor jumps; kept for DataTable's call shape
        self.pin()
        self._set_cursor(max(0, min(row, len(self._order) - 1)))

    def pin(self) -> None:
        """The user has chosen the highlighted row (moved to it, or acted on its item)."""
        self.pinned = True
        self.unseen_change = False

    def _set_cursor(self, row: int) -> None:
        self.cursor_row = max(0, row)
        self._scroll_into_view()

    def watch_cursor_row(self) -> None:
        self._show_hover(-1)
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        item_id = self.current_id
        if item_id != self._highlighted:
            self._highlighted = item_id
            self.post_message(self.RowHighlighted(self, self.cursor_row, item_id))

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER)

    def move_cursor_into_view(self) -> None:
        """Scroll so the highlighted row shows (after the table changed height)."""
        self._scroll_into_view()

    def _scroll_into_view(self) -> None:
        top = round(self.scroll_y)
        row, visible = self.cursor_row, self._visible_rows()
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, force=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._visible_rows())

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._visible_rows())

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._order) - 1)

    # -- mouse --------------------------------------------------------------------------------

    def _row_under(self, event: Click | MouseMove) -> int:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER:
            return -1
        row = round(self.scroll_y) + offset.y - HEADER
        return row if row < len(self._order) else -1

    def on_click(self, event: Click) -> None:
        row = self._row_under(event)
        if row >= 0:
            self.move_cursor(row=row)

    def on_mouse_move(self, event: MouseMove) -> None:
        self._show_hover(self._row_under(event))

    def on_leave(self, event: Leave) -> None:
        self._show_hover(-1)

    def _show_hover(self, row: int) -> None:
        if row != self._hover:
            self._hover = row
            self.refresh()

    # -- layout and painting ------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Styles changed (theme, focus, CSS): rendered lines are stale."""
        super().notify_style_update()
        self._lines.clear()

    def on_resize(self, event: Resize) -> None:
        self._relayout()
        self._scroll_into_view()

    def _relayout(self) -> None:
        """Pick the columns that fit the width (whole columns only; the title takes the rest)."""
        width = self.scrollable_content_region.width or self.size.width
        placed = fit_columns(self._columns, width, self._content)
        if placed != self._placed:
            self._placed = placed
            self._lines.clear()
            self.refresh()
        self.virtual_size = Size(self._table_width(), len(self._order) + HEADER)

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """The keys of the columns shown now (tests and the layout docs use it)."""
        return tuple(p.column.key for p in self._placed)

    def _table_width(self) -> int:
        return total_width(self._placed)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint the lines in ``crop``, working out the inherited style once for all of them."""
        self._base = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        # ``rich_style`` walks every ancestor: once per paint (render_lines), not once per line.
        base = self._base if self._base is not None else self.rich_style
        if y < HEADER:
            key: tuple[object, ...] = ("header", width, base, self.has_focus)
            style = base + self.get_component_rich_style("item-table--header")
            return self._strip(key, (), style, Style.null(), width, header=True)
        row = round(self.scroll_y) + y - HEADER
        item_id = self.row_id_at(row)
        if item_id is None:
            return Strip.blank(width, base)
        cursor, hover = row == self.cursor_row, row == self._hover
        if cursor:
            self.unseen_change = False  # painted: the user can see which item is highlighted
        key = (item_id, row % 2, cursor, hover, width, base, self.has_focus, self._generation)
        stripe = "item-table--odd-row" if row % 2 else "item-table--even-row"
        style = base + self.get_component_rich_style(stripe)
        post = Style.null()
        if hover:
            style += self.get_component_rich_style("item-table--hover")
        if cursor:
            cursor_style = self.get_component_rich_style("item-table--cursor")
            style += cursor_style
            # As DataTable's default: the cursor's colour wins over the cell's own.
            post = Style.from_color(color=cursor_style.color)
        return self._strip(key, self._row_cells(item_id), style, post, width)

    def _strip(
        self,
        key: tuple[object, ...],
        cells: Cells,
        style: Style,
        post: Style,
        width: int,
        *,
        header: bool = False,
    ) -> Strip:
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        line = Text(no_wrap=True, end="")
        gap = " " * GAP
        line.append(gap)
        for placed in self._placed:
            cell = cells[placed.index] if placed.index < len(cells) else Text()
            if header:
                cell = Text(placed.label, justify=placed.column.justify)
            line.append_text(_fit(cell, placed.width, middle=placed.column.cut))
            line.append(gap)
        segments = list(Segment.apply_style(line.render(self.app.console), style, post))
        strip = Strip(segments).adjust_cell_length(width, style).simplify()
        self._lines[key] = strip
        return strip


def _fit(cell: Text, width: int, *, middle: bool = False) -> Text:
    """The cell cut (with an ellipsis, or cropped when the cell says so) or padded to ``width``."""
    text = cell.copy()
    if middle and text.cell_len > width >= 5:
        text = _cut_middle(text, width)
    text.truncate(width, overflow=cell.overflow or "ellipsis")
    gap = width - text.cell_len
    if gap > 0:
        if cell.justify == "right":
            text.pad_left(gap)
        elif cell.justify == "center":
            text.pad_left(gap // 2)
            text.pad_right(gap - gap // 2)
        else:
            text.pad_right(gap)
    return text


def _cut_middle(text: Text, width: int) -> Text:
    """``platform/observability/collector`` in 24 cells: ``platform/obs…/collector``.

    The end of a repository path is its name and the start its owner: both tell repositories
    apart better than the middle does.
    """
    plain = text.plain
    tail = max(1, (width - 1) // 2)
    if "/" in plain:
        last = plain[plain.rindex("/") :]
        if len(last) < width - 4:
            tail = len(last)
    head = width - 1 - tail
    out = text[:head]
    out.append("…")
    out.append_text(text[len(plain) - tail :])
    return out


def _no_cells(item_id: str) -> Cells:
    raise KeyError(item_id)
