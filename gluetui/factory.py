"""Builds everything the CLI and the UI need, in one place, so tests can build the same thing.

``build_runtime`` is the only function that decides which config, store, forges and clock a run
uses. Heavy modules (forge clients) are imported only when a source of that kind is configured.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gluetui import paths
from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import GluetuiError
from gluetui.forges.base import ActionRequest, ActionResult, Forge, Progress
from gluetui.records import SourceData
from gluetui.store import Store

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (the only place that reads it; tests pass their own)."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """A configured gluetui: config, forges, store and clock."""

    config: Config
    forges: list[Forge]
    store: Store
    clock: Clock = utc_now
    demo: bool = False
    config_path: Path | None = None
    #: Temporary directory owned by this runtime (demo store); removed by ``close``.
    _tmpdir: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def forge(self, name: str) -> Forge | None:
        return next((f for f in self.forges if f.name == name), None)

    def close(self) -> None:
        self.store.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None


class UnavailableForge(Forge):
    """Stands in for a source that could not be set up (no token, bad URL).

    Its refresh fails with the original error, so the source's status line shows what is wrong
    while every other source works normally.
    """

    def __init__(self, source: SourceConfig, error: GluetuiError) -> None:
        self.name = source.name
        self.kind = source.kind
        self.dialect = source.kind
        self.host = source.host
        self.error = error

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        raise self.error

    async def perform(self, request: ActionRequest) -> ActionResult:
        raise self.error


def make_forge(source: SourceConfig, config: Config, store: Store) -> Forge:
    """The forge adapter for one configured source (token resolved here, never stored)."""
    from gluetui.config.loader import resolve_token
    from gluetui.forges.registry import build_forge

    try:
        token = resolve_token(source)
        return build_forge(source, config, token, store)
    except GluetuiError as exc:
        return UnavailableForge(source, exc)


def _remember_sprint(store: Store, config: Config) -> None:
    """Keep the sprint settings where ``items --json`` (which loads no config) finds them, so its
    suggestions respect the same budget as the dashboard's."""
    from gluetui.budget import SprintBudget

    text = SprintBudget.of(config.capacity).to_text()
    if store.get_setting(SprintBudget.SETTING) != text:
        store.set_setting(SprintBudget.SETTING, text)


def build_runtime(
    config_path: str | Path | None = None,
    *,
    demo: bool = False,
    store_path: Path | None = None,
    clock: Clock | None = None,
) -> Runtime:
    """Build a runtime from the config file (or the embedded demo organisation)."""
    clock = clock or utc_now
    if demo:
        from gluetui.forges.demo.forge import demo_config, demo_forges

        tmp: tempfile.TemporaryDirectory[str] | None = None
        if store_path is None:
            tmp = tempfile.TemporaryDirectory(prefix="gluetui-demo-")
            store_path = Path(tmp.name) / "demo.sqlite3"
        store = Store.open(store_path)
        return Runtime(
            config=demo_config(),
            forges=list(demo_forges(clock())),
            store=store,
            clock=clock,
            demo=True,
            _tmpdir=tmp,
        )
    from gluetui.config.loader import load_config

    path = paths.config_path(config_path)
    config = load_config(path)
    store = Store.open(store_path or paths.store_path())
    _remember_sprint(store, config)
    forges = [make_forge(s, config, store) for s in config.sources]
    return Runtime(config=config, forges=forges, store=store, clock=clock, config_path=path)
