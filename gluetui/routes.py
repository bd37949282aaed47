"""Which route to suggest for an item — delegate, take or leave — and why, in one line.

A pure function of the item, the config's ``[routes]`` rules for its kind, the automations and
``now``: no IO, no clock. It runs when the item is detected (:func:`gluetui.detect.common.build_item`),
so the suggestion is stored with the item and every reader (the dashboard, ``items --json``,
``gluetui plan``) shows the same one. What changes between refreshes — the hours left in the
budget — is applied when items are shown, by :func:`gluetui.budget.apply_budget`.

The suggestion comes from the first of :data:`STEPS` that gives one: the user's rules (first
match wins), then the built-in rule (take it in a repository you are accountable for, leave it
elsewhere). A step that must overrule the user's rules (say, "someone else has taken it") goes
before them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from gluetui.model import Item, Kind, Route, Suggestion

if TYPE_CHECKING:
    from gluetui.config.automations import Automation
    from gluetui.config.routes import Condition, RouteRule


@dataclass(frozen=True, slots=True)
class RouteContext:
    """What a suggestion may depend on besides the item.

    Attributes:
        rules: The ``[[routes.<kind>]]`` rules of the item's kind, in order.
        automations: The configured automations, by name.
        dialect: Which forge's actions the item's source speaks (``github``, ``gitlab``); ""
            when unknown (any forge automation is then taken to fit).
        now: The time the item is judged at (its age).
    """

    rules: Sequence[RouteRule]
    automations: Mapping[str, Automation]
    dialect: str
    now: datetime


Step = Callable[[Item, RouteContext], Suggestion | None]


def suggest(item: Item, ctx: RouteContext) -> Suggestion:
    """The suggested route for ``item`` (never None: the built-in rule always answers)."""
    for step in STEPS:
        found = step(item, ctx)
        if found is not None:
            return found
    raise AssertionError("the built-in rule always answers")  # pragma: no cover


def taken_by_someone_else(item: Item, ctx: RouteContext) -> Suggestion | None:
    """Someone else has it on the forge (assigned, or a glue label names them): leave it to them,
    whatever the rules say, so two teammates do not both pick up the same work."""
    if not item.taken_by:
        return None
    who = ", ".join(f"@{login}" for login in item.taken_by[:3])
    return _decided(item, Route.LEAVE, reason(item, ctx.now, f"taken by {who}"))


def from_rules(item: Item, ctx: RouteContext) -> Suggestion | None:
    """The first of the user's rules whose conditions all hold (a delegate rule also needs one
    of its automations to be able to act on the item)."""
    for rule in ctx.rules:
        if not all(holds(item, c, v, ctx.now) for c, v in rule.conditions()):
            continue
        why = rule.reason or conditions_in_words(rule)
        if rule.route == Route.DELEGATE.value:
            name = pick_automation(item, rule.candidates, ctx)
            if name is None:
                continue  # none of its automations speaks this item's forge: the next rule
            return Suggestion(
                Route.DELEGATE,
                reason(item, ctx.now, why),
                automation=name,
                hours=float(ctx.automations[name].oversight_hours),
            )
        return _decided(item, Route(rule.route), reason(item, ctx.now, why))
    return None


def built_in(item: Item, ctx: RouteContext) -> Suggestion:
    """No rule matched: yours to take where you are accountable, someone else's elsewhere."""
    if item.accountable:
        return _decided(
            item, Route.TAKE, reason(item, ctx.now, "in a repository you are accountable for")
        )
    return _decided(
        item, Route.LEAVE, reason(item, ctx.now, "outside your accountable repositories")
    )


#: Tried in order; the first suggestion wins.
STEPS: tuple[Step, ...] = (taken_by_someone_else, from_rules, built_in)


def _decided(item: Item, route: Route, why: str) -> Suggestion:
    hours = item.effort_hours if route is Route.TAKE else 0.0
    return Suggestion(route, why, hours=float(hours))


def pick_automation(item: Item, names: Sequence[str], ctx: RouteContext) -> str | None:
    """The first of ``names`` that is configured, fits the item's kind and speaks its forge."""
    for name in names:
        automation = ctx.automations.get(name)
        if automation is None or item.kind not in automation.fits_kinds:
            continue
        forge = getattr(automation, "forge", None)  # command and webhook act anywhere
        if forge is not None and ctx.dialect and forge != ctx.dialect:
            continue
        return name
    return None


# -- conditions ---------------------------------------------------------------------------------


def fact(item: Item, name: str, now: datetime) -> Any:
    """The item fact a condition reads (see :data:`gluetui.config.routes.CONDITIONS`)."""
    if name == "age_hours":
        return item.age_hours(now)
    if name in ("effort_hours", "accountable", "mine", "repo"):
        return getattr(item, name)
    return item.metrics.get(name)


def holds(item: Item, condition: Condition, value: Any, now: datetime) -> bool:
    """Whether ``item`` meets ``condition`` with the rule's ``value``; a fact the item lacks
    meets no bound."""
    found = fact(item, condition.fact, now)
    if condition.test == "glob":
        globs = (value,) if isinstance(value, str) else tuple(value)
        names = (item.repo.lower(), f"{item.host}/{item.repo}".lower())
        return any(fnmatch.fnmatchcase(n, g.lower()) for g in globs for n in names)
    if condition.test == "is":
        return bool(found) is bool(value)
    if condition.test == "flag":
        return (float(found or 0.0) > 0) is bool(value)
    if found is None:
        return False
    if condition.test == "min":
        return float(found) >= float(value)
    return float(found) <= float(value)


def conditions_in_words(rule: RouteRule) -> str:
    """A rule without a reason says its conditions: ``younger than 24 h, asked of you``."""
    parts = []
    for condition, value in rule.conditions():
        if condition.test in ("is", "flag") and not value:
            parts.append(f"not {condition.words}")
        else:
            shown = value if condition.test != "glob" else ", ".join(rule.globs)
            shown = f"{shown:g}" if isinstance(shown, float) else shown
            parts.append(condition.words.format(v=shown))
    return ", ".join(parts) or f"every {rule.route} rule"


# -- reasons --------------------------------------------------------------------------------------


def reason(item: Item, now: datetime, why: str) -> str:
    """``flaked 3 of 12 runs, re-runs usually pass``: the item's own facts, then why.

    Plain ASCII: it is stored in the item's JSON, which ``items --json`` prints as it is.
    """
    own = item_facts(item, now)
    return f"{own}, {why}" if own and why else own or why


def item_facts(item: Item, now: datetime) -> str:
    """The facts a person weighs the route with, per kind (a kind not named here: its age)."""
    m = item.metrics
    if item.kind is Kind.FLAKY_TEST and "flakes" in m:
        return f"flaked {_n(m['flakes'])} of {_n(m.get('runs', m['flakes']))} runs"
    if item.kind is Kind.BROKEN_CI:
        return f"red for {_span(m.get('hours_red', item.age_hours(now)))}"
    if item.kind is Kind.UNREVIEWED_PR:
        asked = "" if m.get("review_requests") else ", nobody asked"
        return f"waiting {_span(item.age_hours(now))} for a first review{asked}"
    if item.kind is Kind.STALE_DOC:
        bits = []
        if m.get("dead_refs"):
            n = int(m["dead_refs"])
            bits.append(f"{n} dead reference{'s' if n != 1 else ''}")
        if m.get("drift"):
            bits.append(f"drifted over {_n(m.get('code_changes', 0))} code changes")
        if m.get("overdue_days"):
            bits.append(f"review {_n(m['overdue_days'])} days overdue")
        return "; ".join(bits) or f"{_span(item.age_hours(now))} old"
    return f"{_span(item.age_hours(now))} old"


def _n(value: float) -> str:
    return f"{value:g}"


def _span(hours: float) -> str:
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"
