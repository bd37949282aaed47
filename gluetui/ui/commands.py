"""The command palette's dashboard commands, derived from the same table as the keys.

Only commands that apply right now are offered (the screen's ``check_action`` decides), so the
palette never proposes what a key press would refuse.
"""

from __future__ import annotations

from functools import partial

from rich.markup import escape
from textual.command import DiscoveryHit, Hit, Hits, Provider

from gluetui.ui.keys import COMMANDS, Command


def _help(command: Command) -> str:
    """The palette renders help as markup; ours is our own text, escaped all the same."""
    return escape(f"{command.help}  (key: {command.display})")


class DashboardCommands(Provider):
    """Every palette-worthy entry of :data:`gluetui.ui.keys.COMMANDS`."""

    def _available(self) -> list[Command]:
        screen = self.screen
        out = []
        for c in COMMANDS:
            if not c.palette:
                continue
            name, _, _ = c.action.partition("(")
            if not hasattr(screen, f"action_{name}"):
                continue
            if screen.check_action(name, ()) is True:
                out.append(c)
        return out

    async def _run(self, command: Command) -> None:
        await self.screen.run_action(command.action)

    async def discover(self) -> Hits:
        for c in self._available():
            yield DiscoveryHit(c.label, partial(self._run, c), help=_help(c))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for c in self._available():
            score = max(matcher.match(c.label), matcher.match(c.help) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(c.label),
                    partial(self._run, c),
                    help=_help(c),
                )
