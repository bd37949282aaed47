"""Delegation: automations (forge actions, local commands, webhooks), the journal, follow-up.

The UI and the CLI call :func:`plan_for` (for the confirmation modal), :func:`delegate`,
:func:`reconcile` (on start) and :func:`follow_up`; taking an item yourself and the other triage
decisions are :mod:`gluetui.decisions`. Nothing here imports Textual.
"""

from gluetui.delegate.engine import (
    DelegationFailed,
    Outcome,
    assign_on_take,
    automation_config,
    delegate,
    plan_for,
    reconcile,
    resolve_unknown,
)
from gluetui.delegate.followup import (
    FollowUp,
    Status,
    follow_up,
    record_resolved,
    requeue_stalled,
)
from gluetui.delegate.plan import Plan, idempotency_key, plan
from gluetui.delegate.templates import PLACEHOLDERS, TemplateError, render

__all__ = [
    "PLACEHOLDERS",
    "DelegationFailed",
    "FollowUp",
    "Outcome",
    "Plan",
    "Status",
    "TemplateError",
    "assign_on_take",
    "automation_config",
    "delegate",
    "follow_up",
    "idempotency_key",
    "plan",
    "plan_for",
    "reconcile",
    "record_resolved",
    "render",
    "requeue_stalled",
    "resolve_unknown",
]
