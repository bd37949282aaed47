"""Every command of the dashboard, defined once.

The :data:`COMMANDS` table is the single source for the main screen's ``BINDINGS`` (with stable ids so
``[keymap]`` in the config can rebind them via ``App.set_keymap``), the footer, the help screen, the
command palette, and the key table in the README (:func:`key_table_markdown`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Command:
    """One command.

    Attributes:
        id: Stable binding id; the key of ``[keymap]`` entries.
        keys: Default keys, comma-separated Textual key names.
        action: The main screen's action it runs.
        label: Short text for the footer and the palette.
        help: One sentence for the help screen, the palette and the README.
        footer: Whether the footer shows it (navigation keys are left out to save room).
        palette: Whether the command palette offers it.
        bind: False for keys Textual binds itself (the palette's ctrl+p).
    """

    id: str
    keys: str
    action: str
    label: str
    help: str
    footer: bool = True
    palette: bool = True
    bind: bool = True

    @property
    def display(self) -> str:
        """The keys as a person reads them (``j / ↓``)."""
        return " / ".join(_DISPLAY.get(k.strip(), k.strip()) for k in self.keys.split(","))

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.footer,
            key_display=_DISPLAY.get(self.keys.split(",")[0].strip()),
            id=self.id,
            tooltip=self.help,
        )


_DISPLAY: Mapping[str, str] = {
    "down": "↓",
    "up": "↑",
    "enter": "enter",
    "tab": "tab",
    "shift+tab": "shift+tab",
    "slash": "/",
    "question_mark": "?",
    "ctrl+p": "ctrl+p",
}

COMMANDS: tuple[Command, ...] = (
    Command("down", "j,down", "cursor_down", "Down", "Move to the next item.", footer=False),
    Command("up", "k,up", "cursor_up", "Up", "Move to the previous item.", footer=False),
    Command("top", "g", "cursor_top", "Top", "Jump to the first item.", footer=False),
    Command("bottom", "G", "cursor_bottom", "Bottom", "Jump to the last item.", footer=False),
    Command("next_panel", "tab", "next_panel", "Next panel", "Go to the next panel.", footer=False),
    Command(
        "prev_panel",
        "shift+tab",
        "prev_panel",
        "Previous panel",
        "Go to the previous panel.",
        footer=False,
    ),
    Command("panel_1", "1", "panel(0)", "Stale docs", "Go to Stale docs.", footer=False),
    Command("panel_2", "2", "panel(1)", "Broken CI", "Go to Broken CI.", footer=False),
    Command(
        "panel_3", "3", "panel(2)", "Unreviewed PRs", "Go to Unreviewed PRs/MRs.", footer=False
    ),
    Command("panel_4", "4", "panel(3)", "Flaky tests", "Go to Flaky tests.", footer=False),
    Command("detail", "enter", "toggle_detail", "Detail", "Show or hide the item's details."),
    Command("delegate", "a", "delegate", "Delegate", "Delegate the item to a fitting automation."),
    Command("take", "m", "take", "Mine", "Take the item yourself against the sprint budget."),
    Command("snooze", "s", "snooze", "Snooze", "Snooze until tomorrow, next week or it changes."),
    Command(
        "dismiss",
        "x",
        "dismiss_item",
        "Dismiss",
        "Dismiss the item as not glue work, with a reason.",
    ),
    Command("done", "d", "done", "Done", "Mark the item done (optionally with the hours spent)."),
    Command("undo", "u", "undo", "Undo", "Undo the last decision."),
    Command(
        "settle",
        "v",
        "settle",
        "Settle",
        "Say whether a hand-off whose outcome is unknown happened on the forge.",
        footer=False,
    ),
    Command("open", "o", "open_url", "Open", "Open the item in the browser.", footer=False),
    Command(
        "copy_url",
        "y",
        "copy_url",
        "Copy URL",
        "Copy the item's URL to the clipboard.",
        footer=False,
    ),
    Command(
        "filter",
        "slash",
        "filter",
        "Filter",
        "Filter: words, repo:, kind:, author:, mine, new.",
    ),
    Command(
        "sort",
        "S",
        "cycle_sort",
        "Sort",
        "Cycle the sort: impact, age, repository, effort.",
        footer=False,
    ),
    Command(
        "hidden",
        "h",
        "toggle_hidden",
        "Hidden",
        "Show or hide snoozed, dismissed and done items.",
        footer=False,
    ),
    Command("refresh", "r", "refresh", "Refresh", "Refresh every source now."),
    Command("capacity", "c", "capacity", "Capacity", "Show the sprint's glue-work budget."),
    Command(
        "back",
        "escape",
        "back",
        "Back",
        "Clear the filter, or close the detail pane.",
        footer=False,
    ),
    Command("help", "question_mark", "help", "Help", "Show every key."),
    Command("quit", "q", "quit", "Quit", "Quit gluetui.", palette=False),
    Command(
        "command_palette",
        "ctrl+p",
        "app.command_palette",
        "Commands",
        "Open the command palette (every command above).",
        palette=False,
        bind=False,
    ),
)

COMMANDS_BY_ID: Mapping[str, Command] = {c.id: c for c in COMMANDS}


def bindings() -> list[Binding]:
    """The main screen's BINDINGS."""
    return [c.binding() for c in COMMANDS if c.bind]


def key_table_markdown() -> str:
    """The README's key table: key | id | what it does."""
    lines = ["| Key | Id | What it does |", "| --- | --- | --- |"]
    for c in COMMANDS:
        keys = " / ".join(f"`{k}`" for k in c.display.split(" / "))
        lines.append(f"| {keys} | `{c.id}` | {c.help} |")
    return "\n".join(lines) + "\n"


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """Ids in the user's ``[keymap]`` that name no command (typos would otherwise do nothing)."""
    return sorted(k for k in keymap if k not in COMMANDS_BY_ID or not COMMANDS_BY_ID[k].bind)
