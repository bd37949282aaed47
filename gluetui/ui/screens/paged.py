"""A modal that is one scrolling page: help and capacity read the same movement keys.

Both screens bind the dashboard's movement commands (``down``, ``up``, ``page_down``...) in their
own scope of the key plan; this is what those commands do on a page instead of a list.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import ModalScreen


class PagedModal(ModalScreen[None]):
    """A modal whose body is one :class:`VerticalScroll`, named by :attr:`PAGE_ID`."""

    #: The id of the scrolling body (without ``#``).
    PAGE_ID = ""

    @property
    def page(self) -> VerticalScroll:
        return self.query_one(f"#{self.PAGE_ID}", VerticalScroll)

    def action_cursor_down(self) -> None:
        self.page.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self.page.scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.page.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.page.scroll_page_up(animate=False)

    def action_cursor_top(self) -> None:
        self.page.scroll_home(animate=False)

    def action_cursor_bottom(self) -> None:
        self.page.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
