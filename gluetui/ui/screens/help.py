"""Every key, generated from the command table (the keys shown are the live ones, keymap applied)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from gluetui.ui.handoff import follow_up_legend
from gluetui.ui.keys import COMMANDS
from gluetui.ui.render import legend


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
    ]

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__(classes="modal")
        self._keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help") as box:
            box.border_title = "Keys"
            table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="help-keys")
            table.add_columns("Key", "Id", "What it does")
            for c in COMMANDS:
                keys = self._keymap.get(c.id)
                table.add_row(keys.replace(",", " / ") if keys else c.display, c.id, c.help)
            yield table
            yield Label(f"Row marks: {legend()}", classes="subtitle", markup=False)
            yield Label(f"Delegated rows: {follow_up_legend()}", classes="subtitle", markup=False)
            yield Label(
                'Rebind any key in config.toml, e.g. [keymap] delegate = "ctrl+d".  Escape closes.',
                classes="subtitle",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
