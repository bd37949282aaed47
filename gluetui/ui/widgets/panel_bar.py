"""One line naming every panel with its count, the current one highlighted (when one list shows).

It says what the other panels hold without taking a row from the list; a click switches panel.
Labels shorten to their first word, then further (never the number or the count), when the line is
too narrow for them whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

SEPARATOR = "  "


@dataclass(frozen=True, slots=True)
class PanelTab:
    number: int
    label: str
    count: str


def _shorten(label: str, width: int) -> str:
    return label if cell_len(label) <= width else label[: max(1, width - 1)] + "…"


def bar_cells(tabs: Sequence[PanelTab], width: int) -> list[str]:
    """Each tab's text: whole labels if they fit ``width``, else their first words, else labels
    shortened evenly (the number and the count always stay)."""

    def fits(texts: list[str]) -> bool:
        return sum(map(cell_len, texts)) + len(SEPARATOR) * (len(texts) - 1) <= width

    texts = [f" {t.number} {t.label} {t.count} " for t in tabs]
    if fits(texts):
        return texts
    firsts = [t.label.split()[0] if t.label.split() else t.label for t in tabs]
    texts = [f" {t.number} {first} {t.count} " for t, first in zip(tabs, firsts, strict=True)]
    limit = max((cell_len(f) for f in firsts), default=0)
    while limit > 3 and not fits(texts):
        limit -= 1
        texts = [
            f" {t.number} {_shorten(first, limit)} {t.count} "
            for t, first in zip(tabs, firsts, strict=True)
        ]
    return texts


class PanelBar(Widget):
    """``1 Stale docs 17  2 Broken CI 10 …`` with the current panel in reverse."""

    DEFAULT_CSS = """
    PanelBar { height: 1; }
    """

    tabs: reactive[tuple[PanelTab, ...]] = reactive(())
    current: reactive[int] = reactive(0)

    class Picked(Message):
        """A click on a panel's name."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        for n, text in enumerate(bar_cells(self.tabs, self.size.width)):
            if n:
                line.append(SEPARATOR)
            line.append(text, style="reverse bold" if n == self.current else "")
        return line

    def on_click(self, event: Click) -> None:
        x = 0
        for n, text in enumerate(bar_cells(self.tabs, self.size.width)):
            end = x + cell_len(text)
            if x <= event.x < end:
                self.post_message(self.Picked(n))
                return
            x = end + len(SEPARATOR)
