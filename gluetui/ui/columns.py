"""Which columns a list shows at a given width, and how wide each is (pure, so it is tested alone).

Columns are added in priority order while the title keeps the room each column asks it to leave,
so a narrow list drops the least useful columns whole instead of cutting every header: a column is
either shown with its whole header and whole values, or not at all. The one exception is the
repository, which may be cut in the middle when the title would otherwise have less than
:data:`TITLE_KEEP` cells; from about 100 columns (one list) and 200 (the grid) the demo's longest
repository name shows whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

#: Blank cells between two columns (and before the first).
GAP = 1
#: The title never gets less than this.
TITLE_MIN = 16
#: What the title keeps before content-sized columns grow to their widest value.
TITLE_KEEP = 30


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the item lists.

    Attributes:
        key: Which cell of a row it shows (see :func:`gluetui.ui.render.row_cells`).
        label: The header.
        width: Its width; for a content-sized column, the least it takes.
        priority: 0 for columns always shown; others are added in this order.
        min_title: The title width this column must leave, or it is not shown.
        fit: Content-sized when > 0: as wide as its widest value, up to ``fit``.
        justify: Where the text sits in the column.
        cut: May be narrower than its widest value (down to ``width``), cut in the middle
            (``platform/obs…/collector``); other columns show their values whole or not at all.
        wide: A wider form (width, label, the title it must leave), e.g. the severity as a word.
    """

    key: str
    label: str
    width: int
    priority: int = 0
    min_title: int = 0
    fit: int = 0
    justify: Literal["left", "right"] = "left"
    cut: bool = False
    wide: tuple[int, str, int] | None = None


@dataclass(frozen=True, slots=True)
class Placed:
    """A column as shown: its index in the row's cells, width and header."""

    index: int
    column: Column
    width: int
    label: str


def _desired(column: Column, content: Mapping[str, int]) -> int:
    """The width a column asks for: its own, or for a content-sized one its widest value."""
    if not column.fit:
        return max(column.width, len(column.label))
    return max(len(column.label), min(column.fit, content.get(column.key, 0)))


def _floor(column: Column, content: Mapping[str, int]) -> int:
    """The least a column takes: a cuttable one its header and ``width``, others what they ask."""
    if column.cut:
        return min(_desired(column, content), max(column.width, len(column.label)))
    return _desired(column, content)


def fit_columns(
    columns: Sequence[Column], width: int, content: Mapping[str, int] | None = None
) -> list[Placed]:
    """The columns shown in ``width`` cells, in row order, each with its width.

    Columns are considered in priority order at the width they ask for; each is added only if the
    title keeps ``min_title`` (and :data:`TITLE_MIN`). Then, if the title has less than
    :data:`TITLE_KEEP`, cuttable columns (the repository) give back down to their floor. Finally a
    column's wider form (the severity as a word) is used when the title can spare it.
    ``content`` gives the widest value of each content-sized column (0 or missing: every value is
    empty, and the column is left out).
    """
    content = content or {}
    present = [
        n
        for n, c in enumerate(columns)
        if c.key == "title" or not c.fit or content.get(c.key, 0) > 0
    ]
    chosen = [n for n in present if columns[n].priority == 0]
    widths = {n: _desired(columns[n], content) for n in present}
    labels = {n: columns[n].label for n in present}

    def title_room(ns: Sequence[int]) -> int:
        others = sum(widths[n] for n in ns if columns[n].key != "title")
        return width - others - GAP * (len(ns) + 1)

    for n in sorted((n for n in present if columns[n].priority), key=lambda n: columns[n].priority):
        trial = sorted([*chosen, n])
        room = title_room(trial)
        if columns[n].cut:
            # A cuttable column may start narrower: down to its floor, to keep the title.
            give = min(widths[n] - _floor(columns[n], content), max(0, TITLE_KEEP - room))
            widths[n] -= give
            room += give
        if room >= max(TITLE_MIN, columns[n].min_title):
            chosen = trial
    # Cuttable columns give back toward their floor while the title has less than TITLE_KEEP.
    for n in sorted(chosen, key=lambda n: -columns[n].priority):
        if columns[n].cut:
            short = TITLE_KEEP - title_room(chosen)
            if short > 0:
                widths[n] -= min(short, widths[n] - _floor(columns[n], content))
    # Wider forms (the severity as a word) when the title can spare them.
    for n in chosen:
        c = columns[n]
        if c.wide is not None:
            wide_width, wide_label, leave = c.wide
            if title_room(chosen) - (wide_width - widths[n]) >= leave:
                widths[n], labels[n] = wide_width, wide_label
    title = next((n for n in chosen if columns[n].key == "title"), None)
    if title is not None:
        widths[title] = max(TITLE_MIN, title_room(chosen))
    return [Placed(n, columns[n], widths[n], labels[n]) for n in chosen]


def total_width(placed: Sequence[Placed]) -> int:
    return sum(p.width for p in placed) + GAP * (len(placed) + 1)
