"""One refresh: forge -> detectors -> store, one report per source, partial failure allowed.

A source that fails keeps its last good items (marked stale) and reports why; a repository (or an
owner's listing, or a repository's docs) that fails inside an otherwise good refresh keeps its
previous items too, marked stale with the reason (the store does this in the same transaction).
A partial failure is never reported as success: :attr:`SyncReport.exit_code` is the forge's code
whenever anything failed, and :meth:`SyncReport.summary` says how much ("3 of 120 repositories
failed"). Nothing here raises for a forge's failure: the caller always gets a :class:`SyncReport`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from gluetui.budget import apply_budget, budget_status
from gluetui.config.loader import is_accountable
from gluetui.detect import DetectContext
from gluetui.detect.run import detect_all
from gluetui.errors import ForgeError, GluetuiError, RateLimited
from gluetui.factory import Runtime
from gluetui.forges.base import Forge, Progress
from gluetui.model import Evidence, Item, State
from gluetui.records import RateLimit, RepoError, SourceData
from gluetui.textsafe import clean
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
    #: The CLI exit code this failure maps to (gluetui.errors); 0 only when everything worked.
    exit_code: int = 0
    #: Repositories this refresh read (the denominator of "3 of 120 repositories failed").
    repos: int = 0
    #: When the refresh stopped at a rate limit: when it continues.
    paused_until: datetime | None = None
    #: The source's items as saved (detected, plus the last good ones kept for what failed),
    #: triage state open: the dashboard shows these instead of reloading the whole store.
    saved_items: tuple[Item, ...] = field(default=(), repr=False, compare=False)

    @property
    def partial(self) -> bool:
        """The source refreshed, but some of it did not."""
        return self.ok and bool(self.repo_errors)

    def summary(self) -> str:
        """What did not refresh, in one phrase ("" when everything did).

        ``3 of 120 repositories failed``, ``1 owner could not be listed``, ``docs of 2
        repositories failed``, ``paused until 14:05``, joined with commas.
        """
        if not self.repo_errors:
            return ""
        owners = {e.repo.lower() for e in self.repo_errors if e.is_owner}
        whole = {e.repo.lower() for e in self.repo_errors if not e.is_owner and not e.kinds}
        narrow = {e.repo.lower() for e in self.repo_errors if e.kinds} - whole
        parts = []
        if whole:
            total = self.repos + len(whole)
            parts.append(f"{len(whole):,} of {total:,} repositories failed")
        if narrow:
            parts.append(
                f"part of {len(narrow):,} {'repository' if len(narrow) == 1 else 'repositories'} failed"
            )
        if owners:
            parts.append(f"{len(owners)} {'owner' if len(owners) == 1 else 'owners'} not listed")
        if self.paused_until is not None:
            parts.append(f"paused until {self.paused_until.astimezone():%H:%M}")
        return ", ".join(parts)

    def failure_lines(self) -> list[str]:
        """One line per failed repository or owner: what failed and why (for stderr, a log)."""
        return [clean(f"{self.source}: {e.title}", 400) for e in self.repo_errors]


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
        taken_labels=tuple(cfg.taken_labels),
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
    code = 0
    if data.errors:
        code = RateLimited.exit_code if data.paused_until is not None else ForgeError.exit_code
    report = SyncReport(
        forge.name,
        True,
        len(items),
        started,
        finished,
        rate_limits=data.rate_limits or forge.rate_limits,
        repo_errors=data.errors,
        stats=stats,
        exit_code=code,
        repos=len(data.repos),
        paused_until=data.paused_until,
        saved_items=tuple(items),
    )
    store.sync_finished(
        run_id,
        at=finished,
        ok=True,
        error=report.summary(),
        items=len(items),
        stats={**stats, "repo_errors": len(data.errors), "repos": len(data.repos)},
    )
    return report


def _detect_and_save(rt: Runtime, forge: Forge, data: SourceData, started: datetime) -> list[Item]:
    ctx = detect_context(rt, forge, data, started)
    items = follow_agents(rt, forge, data, detect_all(data, ctx), ctx.viewer, started)
    # A repository, owner or kind that failed keeps its last good items (the store decides which,
    # in the same transaction that replaces the rest).
    fresh = [r.repo.full_name for r in data.repos]
    kept = rt.store.save_snapshot(forge.name, items, at=started, failed=data.errors, fresh=fresh)
    narrow = [e for e in data.errors if e.kinds]
    if narrow:
        items = [
            i
            for i in items
            if not any(e.covers(i.repo) and i.kind.value in e.kinds for e in narrow)
        ]
    return items + kept


def follow_agents(
    rt: Runtime, forge: Forge, data: SourceData, items: list[Item], viewer: str, now: datetime
) -> list[Item]:
    """Find each agent hand-off's pull request in what this refresh read (no request more),
    remember it, and leave the agents' pull requests out of the items: reviewing one is its
    hand-off's oversight, not a new "unreviewed PR"."""
    from gluetui import agents

    events = rt.store.events()
    if not any(e.data.get("agent") for e in events):
        return items  # no hand-off to an agent ever: the journal need not be read
    prefix = f"{forge.host}/"
    known = {i.id: i for i in items}
    journal = {e.key: (e.url, e.ref) for e in rt.store.journal() if e.ok}
    found = [h for h in agents.handoffs(events, journal, known) if h.item_id.startswith(prefix)]
    if not found:
        return items
    seen = agents.sightings(found, data.repos, viewer=viewer, viewer_teams=data.viewer_teams)
    rt.store.save_handoff_pulls(
        {key: (h.item_id, pull.to_json()) for key, (h, pull) in seen.items()}, at=now
    )
    stored = rt.store.handoff_pulls()
    pulls = [p for p in (agents.load(stored.get(h.key)) for h in found) if p is not None]
    return agents.fold(items, pulls)


async def sync_all(rt: Runtime, progress: Progress | None = None) -> list[SyncReport]:
    """Refresh every source concurrently."""
    return list(await asyncio.gather(*(sync_source(rt, f, progress) for f in rt.forges)))


def current_items(
    rt: Runtime,
    items: Sequence[Item] | None = None,
    *,
    with_gone: bool = False,
    gone_of: str | None = None,
) -> list[Item]:
    """The stored snapshot with each item's triage state applied (hidden ones included).

    ``with_gone`` adds the items that left the snapshot while a decision was on them (a re-run
    turned the build green), each with its outcome as its first evidence, so the dashboard shows
    what happened instead of letting the row vanish; ``gone_of`` only those of that source.
    """
    now = rt.clock()
    loaded = list(items) if items is not None else rt.store.load_items()
    states = triage_states(rt.store.events(), now)
    current = apply_triage(loaded, states, now)
    if with_gone:
        gone = [
            gone_item(g.item, g.gone_at)
            for g in rt.store.gone_items()
            if gone_of is None or g.item.source == gone_of
        ]
        # Only while a decision is in force: an undone or reopened one is simply gone.
        current += [i for i in apply_triage(gone, states, now) if i.state is not State.OPEN]
    return current


def gone_item(item: Item, gone_at: datetime) -> Item:
    """``item`` as last seen, its outcome first among its evidence."""
    outcome = Evidence(
        "outcome",
        f"Resolved on the forge: {item.kind.resolved} "
        f"(no longer flagged since {gone_at:%Y-%m-%d %H:%M} UTC).",
    )
    return replace(item, evidence=(outcome, *item.evidence))


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
