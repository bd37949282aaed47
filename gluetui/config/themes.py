"""The themes ``theme =`` may name: Textual's built-in themes.

Kept here as a constant so that validating a config never imports Textual (``gluetui items --json``
and ``config check`` stay fast and headless); ``tests/config/test_config_strict.py`` checks it
against ``textual.theme.BUILTIN_THEMES`` of the installed Textual, so an upgrade that adds or
removes a theme fails the suite instead of silently drifting.
"""

from __future__ import annotations

THEMES: tuple[str, ...] = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)
