"""Textual bindings built from the one key plan (:mod:`gluetui.keyplan`).

The plan is plain data so the config check can read it headless; this module turns it into each
screen's ``BINDINGS`` (with the stable ids that ``[keymap]`` rebinds through ``App.set_keymap``).
Reserved commands (planned, not built) get no binding.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

from gluetui.keyplan import COMMANDS, COMMANDS_BY_ID, KeyCommand, Scope, display_keys

__all__ = ["COMMANDS", "COMMANDS_BY_ID", "bindings", "live_display"]


def _binding(command: KeyCommand, scope: Scope) -> Binding:
    first = command.key_list[0]
    return Binding(
        command.keys,
        command.action,
        command.label,
        show=command.footer and scope is Scope.MAIN,
        key_display=display_keys(first) if display_keys(first) != first else None,
        id=command.id,
        tooltip=command.help,
    )


#: The footer's order: help first, so a narrow terminal that cuts the footer still shows it.
FOOTER_FIRST = (
    "help",
    "detail",
    "accept",
    "delegate",
    "take",
    "snooze",
    "dismiss",
    "done",
    "undo",
    "hand_off",
)


def bindings(scope: Scope = Scope.MAIN) -> list[Binding]:
    """The ``BINDINGS`` of the screen that owns ``scope`` (in footer order; the order does not
    change which key runs what)."""
    live = [c for c in COMMANDS if scope in c.scopes and c.live]
    first = [c for name in FOOTER_FIRST for c in live if c.id == name]
    return [_binding(c, scope) for c in (*first, *(c for c in live if c not in first))]


def live_display(command: KeyCommand, keymap: Mapping[str, str]) -> str:
    """The keys a person presses for ``command`` now, the user's ``[keymap]`` applied."""
    given = keymap.get(command.id)
    return display_keys(given) if given else command.display
