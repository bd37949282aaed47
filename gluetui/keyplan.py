"""The one key plan: every command of the dashboard and its dialogs, with its id and default keys.

Plain data, no Textual, so ``gluetui config check`` can refuse a ``[keymap]`` that names no command or
gives two commands one key without importing the UI. Everything else is generated from
:data:`COMMANDS`: the screens' ``BINDINGS`` (:mod:`gluetui.ui.keys`), the footer, the help screen,
the command palette and the README's key table (:func:`key_table_markdown`).

Commands that a planned feature will add are *reserved*: their ids and default keys are in the plan
(so the README documents them and no remap can take their keys), but nothing is bound to them yet
(none is reserved now; the mechanism stays for the next feature that needs it).

A command lives in one or more *scopes*, the places where its keys are live: the main screen, the help
screen, the capacity screen, the small question dialogs. Two commands clash only when they share a key
in a scope they share. The panel commands come from :class:`gluetui.model.Kind`, so a new kind gets a
panel key (``1``..``9``) without anyone editing this file.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from gluetui.model import Kind
from gluetui.textsafe import clean


class Scope(StrEnum):
    """Where a command's keys are live."""

    MAIN = "main"
    HELP = "help"
    CAPACITY = "capacity"
    DIALOG = "dialog"

    @property
    def heading(self) -> str:
        """How the help and the README name it."""
        return _SCOPE_TITLES[self]


_SCOPE_TITLES = {
    Scope.MAIN: "Dashboard",
    Scope.HELP: "Help",
    Scope.CAPACITY: "Capacity",
    Scope.DIALOG: "Questions",
}

#: Lists and pages that scroll answer the same movement keys as the dashboard's lists.
LISTS = (Scope.MAIN, Scope.HELP, Scope.CAPACITY)


@dataclass(frozen=True, slots=True)
class KeyCommand:
    """One command.

    Attributes:
        id: Stable binding id; the key of ``[keymap]`` entries.
        keys: Default keys, comma-separated Textual key names (``j,down``).
        action: The action it runs on its screen (``cursor_down``, ``panel(1)``).
        label: Short text for the footer and the palette.
        help: One sentence for the help screen, the palette and the README.
        scopes: Where its keys are live.
        footer: Whether the footer shows it (movement keys are left out to save room).
        palette: Whether the command palette offers it.
        bind: False for keys Textual binds itself (the palette's ctrl+p).
        reserved: For a command not built yet: what it will be for; it is bound to nothing.
    """

    id: str
    keys: str
    action: str
    label: str
    help: str
    scopes: tuple[Scope, ...] = (Scope.MAIN,)
    footer: bool = True
    palette: bool = True
    bind: bool = True
    reserved: str = ""

    @property
    def key_list(self) -> tuple[str, ...]:
        return split_keys(self.keys)

    @property
    def display(self) -> str:
        """The keys as a person reads them (``j / ↓``)."""
        return display_keys(self.keys)

    @property
    def live(self) -> bool:
        """Bound to an action now (not reserved, not Textual's own)."""
        return self.bind and not self.reserved


# -- key names --------------------------------------------------------------------------------

_DISPLAY: Mapping[str, str] = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "slash": "/",
    "question_mark": "?",
    "asterisk": "*",
    "pagedown": "pgdn",
    "pageup": "pgup",
    "escape": "esc",
}

#: Textual's short names for some characters' Unicode names.
_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_UNICODE_OF = {v: k for k, v in _NAME_REPLACEMENTS.items()}
_NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        *(f"f{n}" for n in range(1, 25)),
    }
)
_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def normalize_key(key: str) -> str:
    """A key as Textual names it: ``?`` is ``question_mark``, ``Ctrl+D`` is ``ctrl+D``."""
    key = key.strip()
    if len(key) == 1:
        if key.isalnum():
            return key
        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return "tab" if key == "\t" else key
        return _NAME_REPLACEMENTS.get(name, name)
    *mods, base = key.split("+") if "+" in key[1:] else ("", key)
    mods = [m.strip().lower() for m in mods if m.strip()]
    base = base.strip()
    if len(base) == 1:
        base = normalize_key(base)
    elif base.lower() in _NAMED_KEYS:
        base = base.lower()
    return "+".join([*mods, base])


def split_keys(keys: str) -> tuple[str, ...]:
    """``"j, down"`` -> ``("j", "down")`` (normalized, empties dropped)."""
    return tuple(normalize_key(k) for k in keys.split(",") if k.strip())


def display_keys(keys: str) -> str:
    return " / ".join(_DISPLAY.get(k, k) for k in split_keys(keys))


def key_problem(key: str) -> str:
    """Why ``key`` (normalized) is not a key name Textual knows, or "" (the key is quoted as
    plain characters: a config value may hold invisible or terminal-control ones)."""
    shown = clean(key, 40)
    *mods, base = key.split("+") if "+" in key[1:] else ("", key)
    bad = [m for m in mods if m and m not in _MODIFIERS]
    if bad:
        return (
            f"{shown!r} is not a key: unknown modifier {clean(bad[0], 20)!r} "
            f"(use {', '.join(_MODIFIERS)})"
        )
    if len(base) == 1 or base in _NAMED_KEYS:
        return ""
    try:
        unicodedata.lookup(_UNICODE_OF.get(base, base).replace("_", " "))
    except KeyError:
        return (
            f"{shown!r} is not a key: use a character, a name such as enter, escape, tab, space, "
            "pagedown or f5, with modifiers such as ctrl+"
        )
    return ""


# -- the plan ---------------------------------------------------------------------------------


def _panel_commands() -> tuple[KeyCommand, ...]:
    """``panel_1``.. ``panel_N``, one per :class:`Kind` in declaration order (at most nine)."""
    return tuple(
        KeyCommand(
            f"panel_{n}",
            str(n),
            f"panel({n - 1})",
            kind.label,
            f"Go to {kind.label}.",
            footer=False,
        )
        for n, kind in enumerate(list(Kind)[:9], 1)
    )


COMMANDS: tuple[KeyCommand, ...] = (
    # Moving around.
    KeyCommand(
        "down", "j,down", "cursor_down", "Down", "Move to the next item.", LISTS, footer=False
    ),
    KeyCommand("up", "k,up", "cursor_up", "Up", "Move to the previous item.", LISTS, footer=False),
    KeyCommand(
        "page_down", "pagedown", "page_down", "Page down", "Move a page down.", LISTS, footer=False
    ),
    KeyCommand("page_up", "pageup", "page_up", "Page up", "Move a page up.", LISTS, footer=False),
    KeyCommand("top", "g,home", "cursor_top", "Top", "Jump to the first item.", LISTS, False),
    KeyCommand(
        "bottom", "G,end", "cursor_bottom", "Bottom", "Jump to the last item.", LISTS, False
    ),
    KeyCommand(
        "next_panel", "tab", "next_panel", "Next panel", "Go to the next panel.", footer=False
    ),
    KeyCommand(
        "prev_panel",
        "shift+tab",
        "prev_panel",
        "Previous panel",
        "Go to the previous panel.",
        footer=False,
    ),
    *_panel_commands(),
    # The highlighted item.
    KeyCommand("detail", "enter", "toggle_detail", "Detail", "Show or hide the item's details."),
    KeyCommand(
        "detail_down",
        "ctrl+d",
        "detail_down",
        "Detail down",
        "Scroll the detail a page down.",
        footer=False,
    ),
    KeyCommand(
        "detail_up",
        "ctrl+u",
        "detail_up",
        "Detail up",
        "Scroll the detail a page up.",
        footer=False,
    ),
    KeyCommand(
        "delegate", "a", "delegate", "Delegate", "Delegate the item to a fitting automation."
    ),
    KeyCommand(
        "take",
        "m",
        "take",
        "Mine",
        "Take the item yourself against the sprint budget (asks first if a teammate has it).",
    ),
    KeyCommand(
        "snooze", "s", "snooze", "Snooze", "Snooze until tomorrow, next week or it changes."
    ),
    KeyCommand(
        "dismiss",
        "x",
        "dismiss_item",
        "Dismiss",
        "Dismiss the item as not glue work, with a reason.",
    ),
    KeyCommand(
        "done", "d", "done", "Done", "Mark the item done (optionally with the hours spent)."
    ),
    KeyCommand("undo", "u", "undo", "Undo", "Undo the last decision."),
    KeyCommand(
        "settle",
        "v",
        "settle",
        "Settle",
        "Say whether a hand-off whose outcome is unknown happened on the forge.",
        footer=False,
    ),
    KeyCommand(
        "accept",
        "A",
        "accept",
        "Accept",
        "Accept the suggested route (delegate, take or leave), confirmed like delegating; "
        "with items marked, every marked item's.",
    ),
    KeyCommand(
        "mark",
        "space",
        "mark",
        "Mark",
        "Mark or unmark the item for a batch (b or A).",
        footer=False,
    ),
    KeyCommand(
        "mark_delegate",
        "asterisk",
        "mark_delegate",
        "Mark delegable",
        "Mark every open item in view whose suggestion is to delegate (again: unmark them).",
        footer=False,
    ),
    KeyCommand(
        "mark_all",
        "V",
        "mark_all",
        "Mark all",
        "Mark every open item in view (again: unmark them).",
        footer=False,
    ),
    KeyCommand(
        "hand_off",
        "b",
        "hand_off",
        "Hand off",
        "Hand off every marked item, after one confirmation listing each request.",
    ),
    KeyCommand("open", "o", "open_url", "Open", "Open the item in the browser.", footer=False),
    KeyCommand(
        "copy_url",
        "y",
        "copy_url",
        "Copy URL",
        "Copy the item's URL to the clipboard.",
        footer=False,
    ),
    # The view.
    KeyCommand(
        "filter",
        "slash",
        "filter",
        "Filter",
        "Filter: words, repo:, kind:, author:, mine (reviews asked of you), new.",
    ),
    KeyCommand(
        "sort",
        "S",
        "cycle_sort",
        "Sort",
        "Cycle the sort: impact, age, repository, effort.",
        footer=False,
    ),
    KeyCommand(
        "hidden",
        "h",
        "toggle_hidden",
        "Hidden",
        "Show or hide snoozed, dismissed and done items.",
        footer=False,
    ),
    KeyCommand("refresh", "r", "refresh", "Refresh", "Refresh every source now."),
    KeyCommand("capacity", "c", "capacity", "Capacity", "Show the sprint's glue-work budget."),
    KeyCommand(
        "back",
        "escape",
        "back",
        "Back",
        "Clear the filter, or the marks, or close the detail.",
        footer=False,
    ),
    KeyCommand("help", "question_mark", "help", "Help", "Show every key."),
    KeyCommand("quit", "q", "quit", "Quit", "Quit gluetui.", palette=False),
    KeyCommand(
        "command_palette",
        "ctrl+p",
        "app.command_palette",
        "Commands",
        "Open the command palette (every command above).",
        palette=False,
        bind=False,
    ),
    # The help screen, the capacity screen and the question dialogs.
    KeyCommand(
        "help_close",
        "escape,q,question_mark",
        "close",
        "Close",
        "Close the help.",
        (Scope.HELP,),
        palette=False,
    ),
    KeyCommand(
        "capacity_close",
        "escape,q,c",
        "close",
        "Close",
        "Close the capacity screen.",
        (Scope.CAPACITY,),
        palette=False,
    ),
    KeyCommand(
        "capacity_next",
        "n",
        "next_sprint",
        "Next sprint",
        "Flip between this sprint and the next.",
        (Scope.CAPACITY,),
        palette=False,
    ),
    KeyCommand(
        "modal_cancel",
        "escape",
        "cancel",
        "Cancel",
        "Close the question without recording anything.",
        (Scope.DIALOG,),
        palette=False,
    ),
    KeyCommand(
        "modal_yes", "y", "answer(True)", "Yes", "Answer yes.", (Scope.DIALOG,), palette=False
    ),
    KeyCommand(
        "modal_down",
        "j,down",
        "scroll_question(1)",
        "Scroll down",
        "Scroll a long confirmation down.",
        (Scope.DIALOG,),
        footer=False,
        palette=False,
    ),
    KeyCommand(
        "modal_up",
        "k,up",
        "scroll_question(-1)",
        "Scroll up",
        "Scroll a long confirmation up.",
        (Scope.DIALOG,),
        footer=False,
        palette=False,
    ),
    KeyCommand(
        "modal_page_down",
        "pagedown,ctrl+d",
        "scroll_question(10)",
        "Page down",
        "Scroll a long confirmation a page down.",
        (Scope.DIALOG,),
        footer=False,
        palette=False,
    ),
    KeyCommand(
        "modal_page_up",
        "pageup,ctrl+u",
        "scroll_question(-10)",
        "Page up",
        "Scroll a long confirmation a page up.",
        (Scope.DIALOG,),
        footer=False,
        palette=False,
    ),
    KeyCommand(
        "modal_no", "n", "answer(False)", "No", "Answer no.", (Scope.DIALOG,), palette=False
    ),
)

COMMANDS_BY_ID: Mapping[str, KeyCommand] = {c.id: c for c in COMMANDS}

#: Keys Textual itself holds on every screen; no command may use them.
TEXTUAL_KEYS: Mapping[str, str] = {
    "ctrl+q": "Textual's quit key",
    "ctrl+c": "Textual's copy/quit key",
}


def commands(scope: Scope) -> tuple[KeyCommand, ...]:
    return tuple(c for c in COMMANDS if scope in c.scopes)


# -- checking a [keymap] ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeymapProblem:
    """One entry of ``[keymap]`` that cannot work; ``id`` is the entry's key in the table."""

    id: str
    message: str


def effective_keys(keymap: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Every command's keys once ``keymap`` is applied (an entry replaces the defaults)."""
    out = {}
    for c in COMMANDS:
        given = keymap.get(c.id)
        out[c.id] = split_keys(given) if isinstance(given, str) else c.key_list
    return out


def keymap_problems(keymap: Mapping[str, object]) -> list[KeymapProblem]:
    """What is wrong with ``keymap``: ids that name no command (with the nearest id), keys that
    are not keys, and keys that two commands would share in one scope (naming the other command)."""
    problems: list[KeymapProblem] = []
    valid: dict[str, str] = {}
    for entry, value in keymap.items():
        command = COMMANDS_BY_ID.get(entry)
        if command is None:
            problems.append(KeymapProblem(entry, _unknown_id(entry)))
        elif not command.bind:
            problems.append(
                KeymapProblem(entry, f"{command.display} belongs to Textual and cannot be rebound")
            )
        elif not isinstance(value, str) or not split_keys(value):
            problems.append(
                KeymapProblem(entry, 'expected one or more keys, such as "a" or "a,ctrl+d"')
            )
        elif bad := next((p for k in split_keys(value) if (p := key_problem(k))), ""):
            problems.append(KeymapProblem(entry, bad))
        else:
            valid[entry] = value
    problems += _clashes(valid)
    return problems


def _unknown_id(entry: str) -> str:
    close = difflib.get_close_matches(entry, list(COMMANDS_BY_ID), n=1, cutoff=0.6)
    if close:
        return f"no such binding id; did you mean {close[0]!r}?"
    return "no such binding id; the help screen (?) and the README list every id"


def _clashes(keymap: Mapping[str, str]) -> list[KeymapProblem]:
    """Two commands on one key in a scope they share; said at the entry the user wrote last."""
    keys = effective_keys(keymap)
    order = {entry: n for n, entry in enumerate(keymap)}
    out: list[KeymapProblem] = []
    reported: set[tuple[str, str]] = set()
    for entry in keymap:
        command = COMMANDS_BY_ID[entry]
        for key in keys[entry]:
            if key in TEXTUAL_KEYS:
                out.append(KeymapProblem(entry, f"{display_keys(key)} is {TEXTUAL_KEYS[key]}"))
                continue
            for other in _sharing(command, key, keys):
                pair = (key, min(entry, other.id) + "|" + max(entry, other.id))
                if pair in reported:
                    continue
                # Say it where the user can fix it: at the later of two entries they wrote.
                if other.id in keymap and order[other.id] > order[entry]:
                    continue
                reported.add(pair)
                out.append(KeymapProblem(entry, _clash_message(key, other, keymap)))
    return out


def _sharing(
    command: KeyCommand, key: str, keys: Mapping[str, tuple[str, ...]]
) -> Iterable[KeyCommand]:
    for other in COMMANDS:
        shared = set(other.scopes) & set(command.scopes)
        if other.id != command.id and key in keys[other.id] and shared:
            yield other


def _clash_message(key: str, other: KeyCommand, keymap: Mapping[str, str]) -> str:
    whose = "the key" if other.id in keymap else "the default key"
    what = f"{other.id!r} ({other.help.rstrip('.')}"
    what += f"; reserved for {other.reserved})" if other.reserved else ")"
    return f"{display_keys(key)} is also {whose} of {what}; two commands cannot share a key"


# -- the README's table -----------------------------------------------------------------------


def key_table_markdown() -> str:
    """The README's key tables: the dashboard's, the other screens', then what is reserved."""
    main = [c for c in COMMANDS if Scope.MAIN in c.scopes and not c.reserved]
    out = ["| Key | Id | What it does |", "| --- | --- | --- |"]
    out += [f"| {_keys_cell(c)} | `{c.id}` | {c.help} |" for c in main]
    out += [
        "",
        "On the other screens (the help and capacity screens also scroll with the movement keys):",
        "",
        "| Where | Key | Id | What it does |",
        "| --- | --- | --- | --- |",
    ]
    for scope in (Scope.HELP, Scope.CAPACITY, Scope.DIALOG):
        out += [
            f"| {scope.heading} | {_keys_cell(c)} | `{c.id}` | {c.help} |"
            for c in COMMANDS
            if c.scopes == (scope,)
        ]
    reserved = [c for c in COMMANDS if c.reserved]
    if reserved:
        out += [
            "",
            "Reserved for features on their way: bound to nothing yet, and no `[keymap]` entry may "
            "take their keys.",
            "",
            "| Key | Id | What it will do |",
            "| --- | --- | --- |",
        ]
        out += [f"| {_keys_cell(c)} | `{c.id}` | {c.help} |" for c in reserved]
    return "\n".join(out) + "\n"


def _keys_cell(command: KeyCommand) -> str:
    return " / ".join(f"`{k}`" for k in command.display.split(" / "))
