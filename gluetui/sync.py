"""One refresh: forge -> detectors -> store, one report per source, partial failure allowed.

A source that fails keeps its last good items (marked stale) and reports why; a repository that
fails inside an otherwise good refresh keeps its previous items too. Nothing here raises for a
forge's failure: the caller always gets a :class:`SyncReport`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gluetui.budget import apply_budget, budget_status
from gluetui.config.loader import is_accountable
from gluetui.detect import DetectContext
from gluetui.detect.run import detect_all
from gluetui.errors import ForgeError, GluetuiError, RateLimited
from gluetui.factory import Runtime
from gluetui.forges.base import Forge, Progress
from gluetui.model import Item
from gluetui.records import RateLimit, RepoError, SourceData
from gluetui.triage import apply_triage, triage_states

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """How one source's refresh went."""

    source: str
    ok: bool
    items: int
    started_at: datetime
    finished_at: datetime
    error_title: str = ""
    error_hint: str = ""
    rate_limits: tuple[RateLimit, ...] = ()
    repo_errors: tuple[RepoError, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    #: The CLI exit code this failure maps to (gluetui.errors); 0 when the refresh worked.
    exit_code: int = 0


def detect_context(rt: Runtime, forge: Forge, data: SourceData, now: datetime) -> DetectContext:
    """The detectors' view of the config for one source."""
    cfg = rt.config
    accountable = frozenset(
        r.repo.full_name for r in data.repos if is_accountable(cfg, forge.host, r.repo.full_name)
    )
    return DetectContext(
        now=now,
        source=forge.name,
        host=forge.host,
        settings=cfg.detectors,
        capacity=cfg.capacity,
        accountable=accountable,
        viewer=cfg.user or data.viewer,
        viewer_teams=data.viewer_teams,
        automations=cfg.automations,
        routes=cfg.routes,
        dialect=forge.dialect,
    )


async def sync_source(rt: Runtime, forge: Forge, progress: Progress | None = None) -> SyncReport:
    """Refresh one source into the store's snapshot. Never raises for a forge failure."""
    store = rt.store
    started = rt.clock()
    run_id = store.sync_started(forge.name, at=started)
    try:
        data = await forge.fetch(started, progress)
    except Exception as exc:  # a source's failure, whatever it is, never ends the refresh
        # The message reaches the user through the report; the log keeps only the type (no text
        # from the forge, no token) for --debug style diagnostics.
        log.info("refresh of %s failed: %s", forge.name, type(exc).__name__)
        title, hint = _describe(exc, forge)
        store.mark_stale(forge.name, True)
        finished = rt.clock()
        store.sync_finished(run_id, at=finished, ok=False, error=title)
        return SyncReport(
            forge.name,
            False,
            0,
            started,
            finished,
            title,
            hint,
            rate_limits=forge.rate_limits,
            exit_code=exc.exit_code if isinstance(exc, GluetuiError) else ForgeError.exit_code,
        )
    # Detecting and saving 10,000 items take a few hundred milliseconds of CPU: in a thread,
    # so the event loop (the dashboard's keys and frames) keeps running meanwhile.
    items = await asyncio.to_thread(_detect_and_save, rt, forge, data, started)
    store.mark_stale(forge.name, False)
    finished = rt.clock()
    stats = dict(data.stats)
    store.sync_finished(
        run_id,
        at=finished,
        ok=True,
        items=len(items),
        stats={**stats, "repo_errors": len(data.errors)},
    )
    return SyncReport(
        forge.name,
        True,
        len(items),
        started,
        finished,
        rate_limits=data.rate_limits or forge.rate_limits,
        repo_errors=data.errors,
        stats=stats,
    )


def _detect_and_save(rt: Runtime, forge: Forge, data: SourceData, started: datetime) -> list[Item]:
    items = detect_all(data, detect_context(rt, forge, data, started))
    if data.errors:
        # Keep the last good items of repositories that failed this time.
        failed = {e.repo for e in data.errors}
        kept = [i for i in rt.store.load_items([forge.name]) if i.repo in failed]
        items = items + kept
    rt.store.save_snapshot(forge.name, items, at=started)
    return items


async def sync_all(rt: Runtime, progress: Progress | None = None) -> list[SyncReport]:
    """Refresh every source concurrently."""
    return list(await asyncio.gather(*(sync_source(rt, f, progress) for f in rt.forges)))


def current_items(rt: Runtime, items: Sequence[Item] | None = None) -> list[Item]:
    """The stored snapshot with each item's triage state applied (hidden ones included)."""
    now = rt.clock()
    loaded = list(items) if items is not None else rt.store.load_items()
    return apply_triage(loaded, triage_states(rt.store.events(), now), now)


def suggested_items(rt: Runtime) -> list[Item]:
    """:func:`current_items` with the budget applied to their suggestions (what no longer fits
    the hours left is "leave"), for one-shot readers: ``items``, ``plan``."""
    now = rt.clock()
    events = rt.store.events()
    items = apply_triage(rt.store.load_items(), triage_states(events, now), now)
    return apply_budget(items, budget_status(rt.config, events, now).remaining_hours)


def _describe(exc: BaseException, forge: Forge) -> tuple[str, str]:
    if isinstance(exc, RateLimited) and exc.reset_at is not None:
        until = exc.reset_at.astimezone().strftime("%H:%M")
        return f"{forge.name}: rate limited until {until}.", exc.hint or "Last data kept."
    if isinstance(exc, GluetuiError):
        return exc.title, exc.hint
    if isinstance(exc, asyncio.TimeoutError):
        return f"{forge.name}: timed out.", "Check the network or raise timeout_seconds."
    return (
        f"{forge.name}: {exc.__class__.__name__}: {exc}",
        "Check the network and the source's url.",
    )
