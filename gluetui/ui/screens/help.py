"""Every key, generated from the key plan (the keys shown are the live ones, ``[keymap]`` applied).

One scrolling page: the dashboard's keys, then the other screens', then the keys reserved for
commands on their way, then what the row marks and columns mean. It scrolls with the same
movement keys as the lists (``j``/``k``/``↓``/``↑``, page keys, ``g``/``G``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from gluetui.keyplan import COMMANDS, COMMANDS_BY_ID, KeyCommand, Scope
from gluetui.ui import keys
from gluetui.ui.filtering import FILTER_HELP
from gluetui.ui.handoff import follow_up_legend
from gluetui.ui.render import legend_entries
from gluetui.ui.screens.paged import PagedModal


def _table(rows: Iterable[KeyCommand], keymap: Mapping[str, str], *, where: bool = False) -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, expand=True, header_style="bold")
    if where:
        table.add_column("Where", no_wrap=True, style="dim", min_width=9)
    table.add_column("Key", no_wrap=True, style="bold cyan", min_width=5)
    table.add_column("Id", no_wrap=True, style="dim", min_width=6)
    table.add_column("What it does", ratio=1, min_width=20)
    for c in rows:
        cells = [keys.live_display(c, keymap), c.id, c.help]
        if where:
            cells.insert(0, c.scopes[0].heading)
        table.add_row(*cells)
    return table


def _filter_table() -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, expand=True, show_header=False)
    table.add_column("Word", no_wrap=True, style="bold cyan", min_width=11)
    table.add_column("What it keeps", ratio=1, min_width=20)
    for word, meaning in FILTER_HELP:
        table.add_row(word, meaning)
    return table


def scroll_hint(keymap: Mapping[str, str], close: str) -> str:
    """``j / ↓  k / ↑ scroll · esc / q / ? closes`` with the keys in force."""

    def shown(command_id: str) -> str:
        return keys.live_display(COMMANDS_BY_ID[command_id], keymap)

    return f"{shown('down')}  {shown('up')} scroll · {shown(close)} closes"


def help_page(keymap: Mapping[str, str]) -> RenderableType:
    """The help page as one renderable (tests read its text)."""
    main = [c for c in COMMANDS if Scope.MAIN in c.scopes and not c.reserved]
    others = [c for c in COMMANDS if Scope.MAIN not in c.scopes]
    reserved = [c for c in COMMANDS if c.reserved]
    parts: list[RenderableType] = [
        Text("Dashboard", style="bold underline"),
        _table(main, keymap),
        Text("\nHelp, capacity and questions", style="bold underline"),
        Text("The help and capacity screens also scroll with the movement keys.", style="dim"),
        _table(others, keymap, where=True),
    ]
    if reserved:
        parts += [
            Text("\nReserved for commands on their way (not bound yet)", style="bold underline"),
            _table(reserved, keymap),
        ]
    parts += [
        Text("\nFilter (/)", style="bold underline"),
        _filter_table(),
        Text("\nRow marks", style="bold underline"),
        Columns([Text(e) for e in legend_entries()], padding=(0, 3)),
        Text("\nDelegated rows", style="bold underline"),
        Columns([Text(e) for e in follow_up_legend().split("   ")], padding=(0, 3)),
        Text("\nColumns", style="bold underline"),
        Text(
            "Sev (▲ high ■ medium ▼ low), # (pull/merge request number), Title, Repository, "
            "Author, Age (since when), Effort (estimated hours), Suggested (the automation to "
            "delegate to, take or leave; wide lists only, its symbol is always in the marks). "
            "Narrow lists drop Suggested, Author, # and Effort first; a column shows whole or "
            "not at all."
        ),
        Text(
            '\nRebind any key in config.toml, e.g. [keymap] delegate = "a,f2"; '
            "`gluetui config check` refuses unknown ids and two commands on one key.",
            style="dim",
        ),
    ]
    return Group(*parts)


class HelpScreen(PagedModal):
    PAGE_ID = "help-keys"

    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings(Scope.HELP))

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__(classes="modal")
        self._keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help") as box:
            box.border_title = "Keys"
            box.border_subtitle = scroll_hint(self._keymap, "help_close")
            with VerticalScroll(id="help-keys"):
                yield Static(help_page(self._keymap), id="help-page")
