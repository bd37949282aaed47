"""Detectors: pure functions from fetched records to items.

Each module owns one kind (``stale_docs``, ``broken_ci``, ``unreviewed``, ``flaky``) and exposes
``detect(data: RepoData, ctx: DetectContext) -> list[Item]``. No IO, no clock reads (``ctx.now``),
no Textual. :func:`detect_all` runs all enabled detectors over a source's data; the caller
(:mod:`gluetui.sync`) then stores the items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gluetui.config.automations import Automation, fitting
from gluetui.config.routes import RouteRule
from gluetui.config.schema import CapacityConfig, DetectorSettings
from gluetui.model import Kind
from gluetui.routes import RouteContext


@dataclass(frozen=True, slots=True)
class DetectContext:
    """Everything a detector may know besides the fetched records.

    Attributes:
        now: The current time (timezone-aware UTC); detectors never read the clock.
        source: The configured source name (goes into ``Item.source``).
        host: The forge web host (goes into item ids).
        settings: Per-kind detector settings from the config.
        capacity: Budget settings; ``capacity.effort`` drives effort estimates.
        accountable: ``owner/name`` of repositories the user is accountable for (already matched
            against the config's globs by the caller).
        viewer: The user's login on this forge ("" if unknown).
        viewer_teams: ``org/team`` slugs the user belongs to.
        automations: The configured automations, by name.
        routes: The ``[routes]`` rules per kind (``stale_doc`` -> its rules), for each item's
            suggested route.
        dialect: Which forge's actions the source speaks (``github``, ``gitlab``): a delegate
            route picks an automation of that forge.
        taken_labels: The config's ``taken_labels`` (glue labels naming who has an item).
    """

    now: datetime
    source: str
    host: str
    settings: DetectorSettings = field(default_factory=DetectorSettings)
    capacity: CapacityConfig = field(default_factory=CapacityConfig)
    accountable: frozenset[str] = frozenset()
    viewer: str = ""
    viewer_teams: tuple[str, ...] = ()
    automations: Mapping[str, Automation] = field(default_factory=dict)
    routes: Mapping[str, Sequence[RouteRule]] = field(default_factory=dict)
    dialect: str = ""
    taken_labels: tuple[str, ...] = ("taken-by:{login}",)

    def route_context(self, kind: Kind) -> RouteContext:
        """What :func:`gluetui.routes.suggest` needs for an item of ``kind``."""
        return RouteContext(
            self.routes.get(kind.value, ()), self.automations, self.dialect, self.now
        )

    def fitting_automations(self, kind: Kind) -> tuple[str, ...]:
        """Names of the configured automations that fit items of this kind, in config order."""
        return fitting(self.automations, kind)
