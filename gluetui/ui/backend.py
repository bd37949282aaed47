"""What the dashboard needs from the core, injected so tests can hand in fakes.

The UI talks to the runtime only through :class:`Backend`: the stored items with triage applied
(a first screenful of them, then all), one source's refresh, and the sprint budget. :func:`default_backend` wires the real functions
(imported lazily, so building the app stays cheap and import-cycle free).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from gluetui.config.schema import Config
from gluetui.events import Event
from gluetui.factory import Runtime
from gluetui.forges.base import Forge, Progress
from gluetui.model import Item
from gluetui.records import RateLimit, RepoError


class SyncReportLike(Protocol):
    """The parts of :class:`gluetui.sync.SyncReport` the status line shows."""

    @property
    def source(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def items(self) -> int: ...
    @property
    def finished_at(self) -> datetime: ...
    @property
    def error_title(self) -> str: ...
    @property
    def error_hint(self) -> str: ...
    @property
    def rate_limits(self) -> tuple[RateLimit, ...]: ...
    @property
    def repo_errors(self) -> tuple[RepoError, ...]: ...
    def summary(self) -> str: ...


class CommitmentLike(Protocol):
    @property
    def item_id(self) -> str: ...
    @property
    def self_hours(self) -> float: ...
    @property
    def oversight_hours(self) -> float: ...
    @property
    def automation(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def done(self) -> bool: ...


class BudgetLike(Protocol):
    """The parts of :class:`gluetui.budget.BudgetStatus` the gauge and capacity screen show."""

    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def budget_hours(self) -> float: ...
    @property
    def self_hours(self) -> float: ...
    @property
    def oversight_hours(self) -> float: ...
    @property
    def committed_hours(self) -> float: ...
    @property
    def remaining_hours(self) -> float: ...
    @property
    def over(self) -> bool: ...
    @property
    def fraction(self) -> float: ...
    @property
    def commitments(self) -> Sequence[CommitmentLike]: ...
    def would_exceed(self, extra_hours: float) -> bool: ...


SyncFn = Callable[[Runtime, Forge, Progress | None], Awaitable[SyncReportLike]]
ItemsFn = Callable[[Runtime], list[Item]]
FirstItemsFn = Callable[[Runtime, int], list[Item]]
BudgetFn = Callable[[Config, Sequence[Event], datetime], BudgetLike]


@dataclass
class Backend:
    """The runtime plus the core functions the dashboard calls.

    ``first_items`` gives the first screenful before ``items`` gives everything; None skips it
    (the screen then waits for ``items``).
    """

    runtime: Runtime
    sync: SyncFn
    items: ItemsFn
    budget: BudgetFn
    first_items: FirstItemsFn | None = field(default_factory=lambda: first_items)

    def budget_now(self, events: Sequence[Event] | None = None) -> BudgetLike:
        """The budget now; ``events`` is the decision log when the caller has just read it."""
        rt = self.runtime
        log = rt.store.events() if events is None else events
        return self.budget(rt.config, log, rt.clock())


async def _sync(rt: Runtime, forge: Forge, progress: Progress | None) -> SyncReportLike:
    from gluetui.sync import sync_source

    return await sync_source(rt, forge, progress)


def _items(rt: Runtime) -> list[Item]:
    from gluetui.sync import current_items

    return current_items(rt)


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


def _budget(cfg: Config, events: Sequence[Event], now: datetime) -> BudgetLike:
    from gluetui.budget import budget_status

    return budget_status(cfg, events, now)


def default_backend(runtime: Runtime) -> Backend:
    return Backend(runtime=runtime, sync=_sync, items=_items, budget=_budget)
