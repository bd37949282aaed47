"""The main screen's refreshing: the stored snapshot first, then every source in its own worker.

Each source refreshes in an exclusive worker of its own group, so one slow or failing forge never
holds up the others and the UI never waits. Progress arrives as coalesced messages; a failure is
handled in one place (``Worker.StateChanged``): notify, mark the source, keep the last good items.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from gluetui.forges.base import Forge
from gluetui.model import Item
from gluetui.records import RepoError
from gluetui.textsafe import clean
from gluetui.ui.backend import Backend
from gluetui.ui.messages import SyncProgress
from gluetui.ui.status import Phase, SourceStatus

if TYPE_CHECKING:
    from gluetui.sync import SyncReport

SYNC_GROUP = "sync:"
#: How long the full snapshot load waits for the first frame before going ahead anyway.
FIRST_FRAME_WAIT = 1.0


#: Reasons a partial refresh's notification lists (the status bar's tooltip has more).
NOTIFY_REASONS = 3


class RefreshMixin(Screen[None]):
    backend: Backend
    statuses: tuple[SourceStatus, ...]
    stale: set[str]
    #: Source -> what failed in its last refresh (items kept for it are stale too).
    failures: dict[str, list[RepoError]]
    refresh_on_start: bool

    def is_stale(self, item: Item) -> bool:
        """Whether ``item`` is older than its source's last refresh: the source failed, or the
        repository, owner or kind it belongs to did and its last good item was kept."""
        if item.source in self.stale:
            return True
        return any(
            e.covers(item.repo) and (not e.kinds or item.kind.value in e.kinds)
            for e in self.failures.get(item.source, ())
        )

    items: dict[str, Item]
    partial: bool

    def set_items(self, items: Iterable[Item], *, partial: bool | None = None) -> None:
        raise NotImplementedError

    def render_panels(self) -> None:
        raise NotImplementedError

    def remember_look(self) -> None:
        raise NotImplementedError

    def restate(self) -> None:
        raise NotImplementedError

    def start_reconcile(self) -> None:
        raise NotImplementedError

    def requeue_after_refresh(self) -> None:
        raise NotImplementedError

    def _initial_statuses(self) -> tuple[SourceStatus, ...]:
        runs = self.backend.last_syncs()
        stale, failures = self.stale, self.failures  # read once, by the screen's __init__
        out = []
        for forge in self.backend.forges:
            run = runs.get(forge.name)
            failed = run is not None and run.ok is False
            partial = run.error if run is not None and run.ok else ""
            out.append(
                SourceStatus(
                    forge.name,
                    phase=Phase.FAILED if failed else Phase.IDLE,
                    last_refresh=run.finished_at if run is not None and run.ok else None,
                    error_title=run.error if run is not None and failed else "",
                    stale=forge.name in stale,
                    partial=partial,
                    reasons=tuple(e.title for e in failures.get(forge.name, ())) if partial else (),
                )
            )
        return tuple(out)

    @property
    def running(self) -> bool:
        return any(s.phase is Phase.RUNNING for s in self.statuses)

    def _update_status(self, source: str, change: Callable[[SourceStatus], SourceStatus]) -> None:
        self.statuses = tuple(change(s) if s.name == source else s for s in self.statuses)

    def start_refreshing(self) -> None:
        """Show the stored snapshot at once, then refresh; and again every ``refresh_minutes``.

        Interrupted delegations from a previous run are settled with the forge alongside.
        """
        self.start_reconcile()
        self.run_worker(
            self._load_snapshot(),
            name="snapshot",
            group="snapshot",
            description="loading the stored snapshot",
            exclusive=True,
            exit_on_error=False,
        )
        minutes = self.backend.config.refresh_minutes
        self.set_interval(minutes * 60, self._periodic_refresh, name="periodic refresh")

    async def _load_snapshot(self) -> None:
        # The first screenful is already up (MainScreen.show_first_screenful): let its frame out
        # before parsing the rest, which would otherwise compete with it for the GIL.
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        with contextlib.suppress(TimeoutError):  # no frame (suspended, say): load anyway
            await asyncio.wait_for(painted.wait(), FIRST_FRAME_WAIT)
        await self.reload_items()
        if self.refresh_on_start:
            self.action_refresh()

    async def reload_items(self) -> None:
        """Load every stored item (off the UI thread) and show it with its triage state."""
        backend = self.backend
        decided = len(backend.events())
        items = await asyncio.to_thread(backend.load_items)
        self.set_items(items, partial=False)
        if len(backend.events()) != decided:
            # A decision landed while the snapshot was loading: its triage state is not in there.
            self.restate()

    def _periodic_refresh(self) -> None:
        self.refresh_sources(announce=False)

    def action_refresh(self) -> None:
        self.refresh_sources(announce=True)

    def refresh_sources(self, *, announce: bool) -> None:
        """Refresh every source not already refreshing (``announce``: say so when none could)."""
        started = False
        for forge in self.backend.forges:
            if any(s.name == forge.name and s.phase is Phase.RUNNING for s in self.statuses):
                continue  # a refresh of this source is under way; let it finish
            started = True
            self._update_status(forge.name, SourceStatus.running)
            self.run_worker(
                self._sync(forge),
                name=f"{SYNC_GROUP}{forge.name}",
                group=f"{SYNC_GROUP}{forge.name}",
                description=f"refresh {forge.name}",
                exclusive=True,
                exit_on_error=False,
            )
        if announce and not started and self.backend.forges:
            self.notify("Already refreshing.", timeout=3)

    async def _sync(self, forge: Forge) -> SyncReport:
        name = forge.name

        def progress(done: int, total: int, what: str) -> None:
            # Called from the forge, possibly from a thread: post_message is the safe way in.
            self.post_message(SyncProgress(name, done, total, what))

        report = await self.backend.refresh(forge, progress)
        self.failures = self.backend.failures()
        self._finished(report)
        await self._show_refreshed(report)
        if report.ok:
            self.requeue_after_refresh()
        return report

    async def _show_refreshed(self, report: SyncReport) -> None:
        """Show a refresh's result: its source's saved items in place of the old ones, the other
        sources' as they are. Reloading the whole store instead would hold a second copy of every
        item (and their rows) while the old ones are still on screen."""
        if not report.ok:
            self.render_panels()  # its items stay; the status and stale marks changed
            return
        if self.partial or (not report.saved_items and report.items):
            await self.reload_items()  # only a first screenful is loaded: load the rest
            return
        decided = len(self.backend.events())
        fresh = await asyncio.to_thread(self.backend.with_triage, report.source, report.saved_items)
        # Merged with what is on screen now (another source may have refreshed meanwhile), in
        # the store's order (by source, then as saved), as a reload would give them.
        by_source: dict[str, list[Item]] = {report.source: fresh}
        for item in self.items.values():
            if item.source != report.source:
                by_source.setdefault(item.source, []).append(item)
        self.set_items(
            [i for source in sorted(by_source) for i in by_source[source]], partial=False
        )
        if len(self.backend.events()) != decided:
            self.restate()  # a decision landed meanwhile

    def _finished(self, report: SyncReport) -> None:
        partial = report.summary() if report.ok else ""
        reasons = tuple(e.title for e in report.repo_errors) if partial else ()
        if report.ok:
            self.stale.discard(report.source)
            if partial:
                listed = "\n".join(clean(r, 200) for r in reasons[:NOTIFY_REASONS])
                more = len(reasons) - NOTIFY_REASONS
                self.notify(
                    listed + (f"\n… and {more} more (hover the status line)" if more > 0 else ""),
                    title=f"{clean(report.source, 40)}: {clean(partial, 80)}; their last items are "
                    "kept, marked stale",
                    severity="warning",
                    timeout=8,
                    markup=False,
                )
        else:
            self.stale.add(report.source)
            hint = f" {clean(report.error_hint, 200)}" if report.error_hint else ""
            # "Last items kept" only when there were some: the store keeps a failed source's
            # snapshot, which is what is on screen now.
            kept = any(i.source == report.source for i in self.items.values())
            outcome = "last items kept" if kept else "nothing to show from it yet"
            self.notify(
                f"{clean(report.error_title, 200)}{hint}",
                title=f"{clean(report.source, 40)}: refresh failed, {outcome}",
                severity="error",
                timeout=8,
                markup=False,
            )

        def change(s: SourceStatus) -> SourceStatus:
            return SourceStatus(
                s.name,
                phase=Phase.OK if report.ok else Phase.FAILED,
                last_refresh=report.finished_at if report.ok else s.last_refresh,
                error_title="" if report.ok else report.error_title,
                error_hint="" if report.ok else report.error_hint,
                rate_limits=report.rate_limits or s.rate_limits,
                stale=not report.ok,
                partial=partial,
                reasons=reasons,
            )

        self._update_status(report.source, change)

    @on(SyncProgress)
    def _progress(self, message: SyncProgress) -> None:
        self._update_status(
            message.source, lambda s: s.progress(message.done, message.total, message.what)
        )

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are handled: tell the user, keep the app and data."""
        worker = event.worker
        name = worker.name or ""
        if event.state is WorkerState.ERROR:
            error = worker.error
            what = clean(f"{type(error).__name__}: {error}", 200) if error else "unknown error"
            self.notify(
                what, title=f"{worker.description or name} failed", severity="error", markup=False
            )
            if name.startswith(SYNC_GROUP):
                source = name.removeprefix(SYNC_GROUP)
                self.stale.add(source)
                self._update_status(
                    source,
                    lambda s: SourceStatus(
                        s.name,
                        phase=Phase.FAILED,
                        last_refresh=s.last_refresh,
                        error_title=what,
                        rate_limits=s.rate_limits,
                        stale=True,
                    ),
                )
                self.render_panels()
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED) and (
            name.startswith(SYNC_GROUP) and not self.running
        ):
            self.remember_look()
