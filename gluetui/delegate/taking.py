"""Taking an item on yourself against the sprint budget, and marking it done.

Taking is where the budget bites: the hours are checked against what is left before the decision
is recorded, and going over needs an explicit override (the UI asks; the CLI has a flag).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gluetui.budget import BudgetStatus, budget_status
from gluetui.errors import ActionError, GluetuiError
from gluetui.events import EventAction
from gluetui.model import Item

if TYPE_CHECKING:
    from gluetui.factory import Runtime


class OverBudget(GluetuiError):
    """Taking the item would go over the sprint's glue-work budget; ``status`` is the budget now."""

    exit_code = 9

    def __init__(self, status: BudgetStatus, hours: float) -> None:
        super().__init__(
            f"Taking this ({hours:g} h) would go over the sprint's glue-work budget: "
            f"{status.committed_hours:g} of {status.budget_hours:g} h already committed.",
            "Take it anyway (override), mark finished items done, delegate it instead, "
            "or raise capacity.hours_per_sprint.",
        )
        self.status = status
        self.hours = hours


def item_facts(item: Item) -> dict[str, str]:
    """What the ledger shows for an item once it has left the snapshot (resolved items do)."""
    return {"title": item.title, "repo": item.repo, "kind": item.kind.value, "url": item.url}


def take(runtime: Runtime, item: Item, hours: float, *, override: bool = False) -> BudgetStatus:
    """Record TAKEN with ``hours``; raises :class:`OverBudget` unless it fits or ``override``.

    Re-taking an item already held this sprint replaces its hours, so only the difference counts.
    Returns the budget after the decision.
    """
    if not math.isfinite(hours) or hours < 0:
        raise ActionError(f"{hours!r} is not a number of hours.", "Give 0 or more hours.")
    now = runtime.clock()
    cfg = runtime.config
    status = budget_status(cfg, runtime.store.events(), now)
    held = next((c for c in status.commitments if c.item_id == item.id and not c.done), None)
    extra = hours - (held.self_hours + held.oversight_hours if held else 0.0)
    if not override and extra > 0 and status.would_exceed(extra):
        raise OverBudget(status, hours)
    runtime.store.record(
        item.id,
        EventAction.TAKEN,
        at=now,
        hours=hours,
        fingerprint=item.fingerprint,
        data={
            **item_facts(item),
            **({"override": True} if override and status.would_exceed(extra) else {}),
        },
    )
    return budget_status(cfg, runtime.store.events(), now)


def done(runtime: Runtime, item: Item, hours: float | None = None) -> BudgetStatus:
    """Record DONE (``hours``: what it really took, if the user says). Returns the budget after."""
    if hours is not None and (not math.isfinite(hours) or hours < 0):
        raise ActionError(f"{hours!r} is not a number of hours.", "Give 0 or more hours.")
    now = runtime.clock()
    runtime.store.record(
        item.id,
        EventAction.DONE,
        at=now,
        hours=hours,
        fingerprint=item.fingerprint,
        data=item_facts(item),
    )
    return budget_status(runtime.config, runtime.store.events(), now)


def check_budget(runtime: Runtime, hours: float) -> BudgetStatus:
    """The budget now; raises :class:`OverBudget` if ``hours`` more would not fit (for delegate)."""
    status = budget_status(runtime.config, runtime.store.events(), runtime.clock())
    if status.would_exceed(hours):
        raise OverBudget(status, hours)
    return status
