"""The UI's only door to the runtime: what the screens read, and every decision they record.

Screens and the app hold a :class:`Backend` and call it; none of them touches the store, the
budget, the report or the delegation engine itself. That keeps the UI to showing and dispatching,
and gives tests one seam: ``sync`` and ``items`` can be swapped for fakes (a refresh that never
reaches a forge, a slow load). The core modules are imported lazily where the first frame does
not need them, so building the app stays cheap.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gluetui import browser, decisions
from gluetui.budget import BudgetStatus, budget_over, budget_status, shown_suggestion
from gluetui.capacity import Estimate, estimate
from gluetui.config.schema import Config
from gluetui.events import Event
from gluetui.factory import Runtime
from gluetui.forges.base import Forge, Progress
from gluetui.model import Item, Suggestion
from gluetui.records import RepoError

if TYPE_CHECKING:
    from gluetui.delegate import FollowUp, Outcome, Plan
    from gluetui.delegate.batch import BatchReport, Proposal
    from gluetui.report import CapacityReport
    from gluetui.store import BatchMember, JournalEntry, SyncRun
    from gluetui.sync import SyncReport

SyncFn = Callable[[Runtime, Forge, Progress | None], Awaitable["SyncReport"]]
ItemsFn = Callable[[Runtime], list[Item]]
FirstItemsFn = Callable[[Runtime, int], list[Item]]


@dataclass
class Backend:
    """The runtime plus the core functions the dashboard calls.

    ``first_items`` gives the first screenful before ``items`` gives everything; None skips it
    (the screen then waits for ``items``). ``open_url`` is :func:`gluetui.browser.open_url`.
    """

    runtime: Runtime
    sync: SyncFn
    items: ItemsFn
    first_items: FirstItemsFn | None = field(default_factory=lambda: first_items)
    #: Opens a link and says what happened (blocking: call it off the UI thread); tests fake it.
    open_url: Callable[[str], browser.Opened] = field(default=browser.open_url)

    # -- what the app and the screens read ---------------------------------------------------

    def load_items(self) -> list[Item]:
        """Every stored item with its triage state (blocking: call it off the UI thread)."""
        return self.items(self.runtime)

    def with_triage(self, source: str, items: Iterable[Item]) -> list[Item]:
        """``items`` (``source``'s, as a refresh saved them: the store is not read for them) with
        their triage state, plus the items of ``source`` that left under a decision (a re-run
        turned the build green: its outcome shows instead of a vanishing row)."""
        from gluetui.sync import current_items

        return current_items(self.runtime, list(items), with_gone=True, gone_of=source)

    async def refresh(self, forge: Forge, progress: Progress | None = None) -> SyncReport:
        """Refresh one source: fetch, detect, store."""
        return await self.sync(self.runtime, forge, progress)

    def first_screenful(self, per_kind: int) -> list[Item]:
        """The top ``per_kind`` items of each kind, quickly ([] when this backend has no quick
        first load: the screen then waits for the full one)."""
        return [] if self.first_items is None else self.first_items(self.runtime, per_kind)

    @property
    def config(self) -> Config:
        return self.runtime.config

    @property
    def forges(self) -> list[Forge]:
        return self.runtime.forges

    @property
    def config_path(self) -> Path | None:
        """Where the config was read from (None for the demo)."""
        return self.runtime.config_path

    @property
    def demo(self) -> bool:
        return self.runtime.demo

    def now(self) -> datetime:
        return self.runtime.clock()

    def events(self, item_id: str | None = None) -> list[Event]:
        """The decision log (of one item)."""
        return self.runtime.store.events(item_id)

    def journal(self, item_id: str | None = None) -> list[JournalEntry]:
        """The delegation journal (of one item)."""
        return self.runtime.store.journal(item_id)

    def last_syncs(self) -> Mapping[str, SyncRun]:
        return self.runtime.store.last_syncs()

    def failures(self) -> dict[str, list[RepoError]]:
        """Source -> what failed in its last saved refresh (those items are kept, stale)."""
        return self.runtime.store.failures()

    def stale_sources(self) -> set[str]:
        return self.runtime.store.stale_sources()

    def new_since(self, since: datetime | None, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` were first stored after ``since`` (none without a last look)."""
        if since is None:
            return set()
        return self.runtime.store.seen_since(since) & set(ids)

    def stored_counts(self) -> dict[str, int]:
        """Stored items per kind (decided ones too)."""
        return self.runtime.store.count_by_kind()

    def last_look(self) -> datetime | None:
        return self.runtime.store.last_look()

    def remember_look(self) -> None:
        """Items up to now are no longer new next time."""
        self.runtime.store.set_last_look(self.runtime.clock())

    def setting(self, name: str) -> str | None:
        return self.runtime.store.get_setting(name)

    def set_setting(self, name: str, value: str) -> None:
        self.runtime.store.set_setting(name, value)

    @property
    def recovered_from(self) -> Path | None:
        """Where a damaged store was moved aside, when it was rebuilt at start."""
        return self.runtime.store.recovered_from

    # -- the budget --------------------------------------------------------------------------

    def budget_now(self, events: Sequence[Event] | None = None) -> BudgetStatus:
        """The budget now; ``events`` is the decision log when the caller has just read it."""
        rt = self.runtime
        log = rt.store.events() if events is None else events
        return budget_status(rt.config, log, rt.clock())

    def capacity(self, items: Sequence[Item], sprint_offset: int = 0) -> CapacityReport:
        """The capacity report (``gluetui capacity``'s numbers) for this or the next sprint."""
        from gluetui.report import stored_capacity_report

        rt = self.runtime
        return stored_capacity_report(rt.config, rt.store, items, rt.clock(), sprint_offset)

    def check_budget(self, hours: float) -> BudgetStatus:
        """The budget now; raises :class:`gluetui.decisions.OverBudget` if ``hours`` do not fit."""
        return decisions.check_budget(self.runtime, hours)

    # -- decisions ---------------------------------------------------------------------------

    def effort_estimate(self, item: Item) -> float:
        return decisions.effort_estimate(self.runtime, item)

    def estimate(self, item: Item) -> Estimate:
        """How the item's effort is estimated under the configured rules (the detail says it)."""
        return estimate(item.kind, item.metrics, self.runtime.config.capacity.effort)

    def take(self, item: Item, hours: float, *, override: bool = False) -> BudgetStatus:
        return decisions.take(self.runtime, item, hours, override=override)

    def done(self, item: Item, hours: float | None = None) -> BudgetStatus:
        return decisions.done(self.runtime, item, hours)

    def snooze(self, item: Item, choice: decisions.SnoozeChoice) -> Event:
        return decisions.snooze(self.runtime, item, choice)

    def dismiss(self, item: Item, reason: str) -> Event:
        return decisions.dismiss(self.runtime, item, reason)

    def undo(self) -> decisions.Undone | None:
        return decisions.undo(self.runtime)

    def leave(self, item: Item, reason: str) -> Event:
        return decisions.leave(self.runtime, item, reason)

    def leave_until(self) -> datetime:
        """When an item left now comes back at the latest (the next sprint's first morning)."""
        return decisions.leave_until(self.runtime, self.runtime.clock())

    def budget_over(self, items: Iterable[Item], status: BudgetStatus) -> dict[str, float]:
        """Item id -> hours left, for each open item whose suggestion no longer fits ``status``
        (show it with :meth:`shown_suggestion`)."""
        return budget_over(items, status.remaining_hours)

    @staticmethod
    def shown_suggestion(item: Item, over: Mapping[str, float]) -> Suggestion | None:
        """``item``'s suggestion as shown: "leave" when it is in ``over``."""
        return shown_suggestion(item, over)

    def fitting_automations(self, item: Item) -> list[str]:
        return decisions.fitting_automations(self.runtime, item)

    def automation_choices(self, item: Item) -> list[decisions.AutomationChoice]:
        return decisions.automation_choices(self.runtime, item)

    # -- delegation --------------------------------------------------------------------------

    def plan(self, item: Item, automation: str) -> Plan:
        from gluetui.delegate import plan_for

        return plan_for(self.runtime, item, automation)

    async def delegate(self, item: Item, automation: str) -> Outcome:
        from gluetui.delegate import delegate

        return await delegate(self.runtime, item, automation)

    async def assign_on_take(self, item: Item) -> Outcome | None:
        from gluetui.delegate import assign_on_take

        return await assign_on_take(self.runtime, item)

    async def reconcile(self) -> list[Outcome]:
        from gluetui.delegate import reconcile

        return await reconcile(self.runtime)

    async def resume_batches(self) -> list[BatchReport]:
        """Finish the batches a crash interrupted (after :meth:`reconcile`)."""
        from gluetui.delegate import batch

        return await batch.resume(self.runtime)

    def propose_batch(
        self, items: Iterable[Item], suggestions: Mapping[str, Suggestion], *, hand_off: bool
    ) -> Proposal:
        from gluetui.delegate import batch

        return batch.propose(self.runtime, items, suggestions, hand_off=hand_off)

    async def run_batch(
        self, proposal: Proposal, settled: Callable[[BatchMember], None] | None = None
    ) -> BatchReport:
        """Run a confirmed batch; ``settled`` hears of each item as soon as it is settled."""
        from gluetui.delegate import batch

        return await batch.run(self.runtime, proposal, settled)

    def resolve_unknown(self, key: str, *, happened: bool) -> None:
        from gluetui.delegate import resolve_unknown

        resolve_unknown(self.runtime, key, happened=happened)

    def follow_ups(
        self, items: Sequence[Item], events: Sequence[Event] | None = None
    ) -> dict[str, FollowUp]:
        """Follow-up verdicts of the delegations in force (``events``: the log, if just read)."""
        from gluetui.delegate import follow_up

        rt = self.runtime
        log = rt.store.events() if events is None else events
        # An item that left the snapshot is shown (with its outcome) but resolved on the forge.
        gone = rt.store.gone_ids()
        on_forge = [i for i in items if i.id not in gone]
        return follow_up(on_forge, log, rt.store.journal(), rt.clock(), rt.store.handoff_pulls())

    def requeue_stalled(self, followups: Mapping[str, FollowUp]) -> list[Event]:
        from gluetui.delegate import requeue_stalled

        return requeue_stalled(self.runtime, followups)

    def record_resolved(self, followups: Mapping[str, FollowUp]) -> list[Event]:
        from gluetui.delegate import record_resolved

        return record_resolved(self.runtime, followups)


async def _sync(rt: Runtime, forge: Forge, progress: Progress | None) -> SyncReport:
    from gluetui.sync import sync_source

    return await sync_source(rt, forge, progress)


def dashboard_items(rt: Runtime) -> list[Item]:
    """What the dashboard shows: the snapshot, and the items that left it under a decision (with
    their outcome), triage applied."""
    from gluetui.sync import current_items

    return current_items(rt, with_gone=True)


def first_items(rt: Runtime, per_kind: int) -> list[Item]:
    """Of each kind, the ``per_kind`` stored items with most impact (the dashboard's default
    order) that no decision hides, triage applied (hidden ones included, as ``current_items``).

    A few hundred rows read through an index instead of the whole snapshot parsed, so the
    dashboard paints at once and loads the rest after. Only modules the dashboard has already
    imported are used, so the first frame waits for no import either.
    """
    from gluetui.model import Kind
    from gluetui.store.snapshot import parse_rows
    from gluetui.triage import apply_triage, triage_states

    now = rt.clock()
    states = triage_states(rt.store.events(), now)
    # Decided items may be hidden: ask for as many more, so per_kind visible ones remain.
    limit = per_kind + len(states)
    rows = [row for kind in Kind for row in rt.store.top_rows(kind.value, limit)]
    return apply_triage(parse_rows(rows), states, now)


def default_backend(runtime: Runtime) -> Backend:
    return Backend(runtime=runtime, sync=_sync, items=dashboard_items)
