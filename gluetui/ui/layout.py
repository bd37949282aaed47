"""Which layout the dashboard takes at a terminal size (pure, so it is tested without a terminal).

Two ways to show the lists:

- **Grid**: every panel at once, two columns (three past four kinds), for an overview. Only when
  each panel is wide enough for its title, repository, age and effort (from 160 columns) and tall
  enough for several rows (from 30 lines).
- **One list**: the current panel across the whole width, with a one-line bar of every panel and its
  count above it (``tab`` and ``1``..``N`` switch). Below 160 columns, and whenever the detail is open.

The detail (``enter``) sits like gh-dash's preview: to the **right** of the list when the list keeps
at least :data:`LIST_MIN_WIDTH` columns beside it, **below** the list when the terminal is tall
enough for both, and otherwise it takes the **full** body (the list comes back when it closes).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: The grid needs this many columns (two panels of 80) and lines.
GRID_MIN_WIDTH = 160
GRID_MIN_HEIGHT = 30
#: A list beside the detail keeps at least this many columns (gh-dash keeps 80).
LIST_MIN_WIDTH = 84
#: The detail's share of the width when it sits on the right, and the least it takes.
DETAIL_SHARE = 0.45
DETAIL_MIN_WIDTH = 56
#: Below this many lines the detail takes the whole body instead of sharing it with the list.
BELOW_MIN_HEIGHT = 28


class DetailSpot(StrEnum):
    RIGHT = "right"
    BELOW = "below"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class ScreenLayout:
    """What the main screen shows: the grid or one list, and where the detail sits (if open)."""

    grid: bool
    detail: DetailSpot | None = None

    @property
    def classes(self) -> dict[str, bool]:
        """The screen's CSS classes for this layout (app.tcss styles each)."""
        return {
            "-grid": self.grid,
            "-single": not self.grid,
            "-detail": self.detail is not None,
            **{f"-detail-{spot.value}": self.detail is spot for spot in DetailSpot},
        }


def detail_width(width: int) -> int:
    """The detail's width when it sits on the right."""
    return max(DETAIL_MIN_WIDTH, round(width * DETAIL_SHARE))


def choose_layout(width: int, height: int, *, detail_open: bool) -> ScreenLayout:
    """The layout for a ``width`` x ``height`` terminal."""
    if not detail_open:
        return ScreenLayout(grid=width >= GRID_MIN_WIDTH and height >= GRID_MIN_HEIGHT)
    if width - detail_width(width) >= LIST_MIN_WIDTH:
        spot = DetailSpot.RIGHT
    elif height >= BELOW_MIN_HEIGHT:
        spot = DetailSpot.BELOW
    else:
        spot = DetailSpot.FULL
    return ScreenLayout(grid=False, detail=spot)


def grid_columns(panels: int) -> int:
    """Two panels a row up to four kinds; three beyond."""
    return 2 if panels <= 4 else 3
