"""The command palette's dashboard commands, derived from the same table as the keys.

Only commands that apply right now are offered (the screen's ``check_action`` decides), so the
palette never proposes what a key press would refuse.
"""

from __future__ import annotations

from functools import partial

from rich.markup import escape
from textual.command import DiscoveryHit, Hit, Hits, Provider

from gluetui.keyplan import COMMANDS, KeyCommand, Scope


def _help(command: KeyCommand) -> str:
    """The palette renders help as markup; ours is our own text, escaped all the same."""
    return escape(f"{command.help}  (key: {command.display})")


class DashboardCommands(Provider):
    """Every palette-worthy dashboard entry of the key plan (:data:`gluetui.keyplan.COMMANDS`)."""

    def _available(self) -> list[KeyCommand]:
        screen = self.screen
        out = []
        for c in COMMANDS:
            if not c.palette or not c.live or Scope.MAIN not in c.scopes:
                continue
            name, _, _ = c.action.partition("(")
            if not hasattr(screen, f"action_{name}"):
                continue
            if screen.check_action(name, ()) is True:
                out.append(c)
        return out

    async def _run(self, command: KeyCommand) -> None:
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
