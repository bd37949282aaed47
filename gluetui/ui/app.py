"""The Textual app: theme, keymap and palette wiring around the main screen.

Everything about items lives in :class:`~gluetui.ui.screens.main.MainScreen`; the app only sets up
what is app-wide. Build it with :func:`make_app` (the CLI and the tests use the same function).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.theme import BUILTIN_THEMES

from gluetui.factory import Runtime
from gluetui.ui.backend import Backend, default_backend
from gluetui.ui.commands import DashboardCommands
from gluetui.ui.screens.main import MainScreen

THEME_SETTING = "theme"


class GluetuiApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "gluetui"
    COMMANDS: ClassVar = App.COMMANDS | {DashboardCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, backend: Backend, *, refresh_on_start: bool = True) -> None:
        super().__init__()
        self.backend = backend
        self._refresh_on_start = refresh_on_start
        self.sub_title = "demo organisation" if backend.demo else ""
        self.theme = self._pick_theme()
        self.set_keymap(dict(backend.config.keymap))

    def _pick_theme(self) -> str:
        """The theme picked in the palette last time, else the config's, else Textual's default."""
        backend = self.backend
        for name in (backend.setting(THEME_SETTING), backend.config.theme):
            if name and name in BUILTIN_THEMES:
                return name
        return "textual-dark"

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        backend = self.backend
        if backend.recovered_from is not None:
            self.notify(
                f"The store was damaged and rebuilt; the old file is {backend.recovered_from}.",
                severity="warning",
                markup=False,
            )
        self.push_screen(MainScreen(self.backend, refresh_on_start=self._refresh_on_start))

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str) and name in BUILTIN_THEMES:
            self.backend.set_setting(THEME_SETTING, name)


def make_app(
    runtime: Runtime, *, backend: Backend | None = None, refresh_on_start: bool = True
) -> GluetuiApp:
    """The dashboard over ``runtime`` (``backend`` swaps the core functions, for tests)."""
    return GluetuiApp(backend or default_backend(runtime), refresh_on_start=refresh_on_start)
