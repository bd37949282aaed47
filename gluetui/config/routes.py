"""``[routes]``: the rules that suggest a route (delegate, take, leave) for each item.

One list of rules per kind of glue work (``[[routes.flaky_test]]``...). The first rule whose
conditions all hold gives the suggestion; an item no rule matches is taken when you are
accountable for its repository and left otherwise (:mod:`gluetui.routes` evaluates them). A
condition a rule does not give is not checked, so a rule with none matches every item of its kind.

The conditions are declared once, in :data:`CONDITIONS`: which item fact each one reads and which
kinds it applies to. The schema, ``config check`` (a condition on a kind it cannot apply to is an
error, like an unknown one) and the evaluation all read that table. :data:`DEFAULT_ROUTES` is what
``gluetui init`` writes (keeping the automations it writes) and what the demo organisation runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from gluetui.config.strict import Strict
from gluetui.model import Kind, Route

#: How a condition compares the item's fact with the rule's value.
Test = Literal["min", "max", "is", "flag", "glob"]


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition a rule may give.

    Attributes:
        name: The rule's key.
        fact: What it reads: an ``Item.metrics`` key, or ``age_hours``, ``effort_hours``,
            ``accountable``, ``mine``, ``repo``.
        test: ``min``/``max``: the fact is at least / at most the value; ``is``: a boolean fact
            equals it; ``flag``: the metric is non-zero (true) or zero (false); ``glob``: the
            repository matches one of the globs.
        kinds: The kinds it applies to (empty: every kind).
        words: How a reason says it was met (``{v}`` is the rule's value).
    """

    name: str
    fact: str
    test: Test
    kinds: tuple[Kind, ...] = ()
    words: str = ""


CONDITIONS: tuple[Condition, ...] = (
    Condition("repo", "repo", "glob", words="in {v}"),
    Condition("accountable", "accountable", "is", words="you are accountable for the repository"),
    Condition("mine", "mine", "is", words="asked of you"),
    Condition("min_age_hours", "age_hours", "min", words="older than {v} h"),
    Condition("max_age_hours", "age_hours", "max", words="younger than {v} h"),
    Condition("min_effort", "effort_hours", "min", words="at least {v} h of work"),
    Condition("max_effort", "effort_hours", "max", words="at most {v} h of work"),
    Condition("min_lines", "lines_changed", "min", (Kind.UNREVIEWED_PR,), "{v}+ lines"),
    Condition("max_lines", "lines_changed", "max", (Kind.UNREVIEWED_PR,), "small"),
    Condition("requested", "review_requests", "flag", (Kind.UNREVIEWED_PR,), "review requested"),
    Condition("min_flake_rate", "flake_rate", "min", (Kind.FLAKY_TEST,), "flakes often"),
    Condition("max_flake_rate", "flake_rate", "max", (Kind.FLAKY_TEST,), "re-runs usually pass"),
    Condition("min_flakes", "flakes", "min", (Kind.FLAKY_TEST,), "flaked {v}+ times"),
    Condition("drifted", "drift", "flag", (Kind.STALE_DOC,), "drifted from its code"),
    Condition("dead_references", "dead_refs", "flag", (Kind.STALE_DOC,), "dead references"),
    Condition("review_overdue", "overdue_days", "flag", (Kind.STALE_DOC,), "review overdue"),
)


class RouteRule(Strict):
    """One rule of ``[[routes.<kind>]]``: when every condition it gives holds, suggest ``route``.

    The conditions (``accountable``, ``min_age_hours``, ``max_flake_rate``...) are the other keys;
    each one given must hold. ``config check`` refuses a condition that does not apply to the kind.
    """

    route: Literal["delegate", "take", "leave"]
    """``delegate`` to an automation, ``take`` it yourself, or ``leave`` it."""
    automation: str | list[str] = []
    """For ``delegate``: the automation to use, or several in order of preference (the first that
    fits the item's kind and speaks its forge, so one rule covers GitHub and GitLab)."""
    reason: str = ""
    """A few words on why, shown after the item's own facts ("re-runs usually pass"). Empty: the
    conditions, in words."""
    repo: str | list[str] = []
    """Globs over ``owner/name`` (or ``host/owner/name``) the item's repository must match."""
    accountable: bool | None = None
    """Whether you must (true) or must not (false) be accountable for the repository."""
    mine: bool | None = None
    """Whether the item asks for you (a review requested from you or your team)."""
    min_age_hours: float | None = Field(default=None, ge=0)
    """The glue work is at least this old (a red branch: red for this long)."""
    max_age_hours: float | None = Field(default=None, ge=0)
    """The glue work is at most this old."""
    min_effort: float | None = Field(default=None, ge=0)
    """The effort estimate is at least this many hours."""
    max_effort: float | None = Field(default=None, ge=0)
    """The effort estimate is at most this many hours."""
    min_lines: int | None = Field(default=None, ge=0)
    """Pull/merge requests: at least this many lines changed."""
    max_lines: int | None = Field(default=None, ge=0)
    """Pull/merge requests: at most this many lines changed."""
    requested: bool | None = None
    """Pull/merge requests: whether anyone has been asked to review it."""
    min_flake_rate: float | None = Field(default=None, ge=0, le=1)
    """Flaky jobs and tests: the share of runs that flaked is at least this (0 to 1)."""
    max_flake_rate: float | None = Field(default=None, ge=0, le=1)
    """Flaky jobs and tests: the share of runs that flaked is at most this, so a re-run usually
    passes."""
    min_flakes: int | None = Field(default=None, ge=0)
    """Flaky jobs and tests: flaked at least this many times in the window."""
    drifted: bool | None = None
    """Stale docs: whether the doc drifted from the code it describes."""
    dead_references: bool | None = None
    """Stale docs: whether the doc points at paths or links that no longer exist."""
    review_overdue: bool | None = None
    """Stale docs: whether its review date (front matter) has passed."""

    @model_validator(mode="after")
    def _automation_goes_with_delegate(self) -> RouteRule:
        if self.route == Route.DELEGATE.value and not self.candidates:
            raise ValueError('route = "delegate" needs automation = "NAME" (or a list of names)')
        if self.route != Route.DELEGATE.value and self.candidates:
            raise ValueError(f'automation only goes with route = "delegate", not {self.route!r}')
        return self

    @property
    def candidates(self) -> tuple[str, ...]:
        """The automation names, in order of preference."""
        if isinstance(self.automation, str):
            return (self.automation,) if self.automation else ()
        return tuple(self.automation)

    @property
    def globs(self) -> tuple[str, ...]:
        return (self.repo,) if isinstance(self.repo, str) else tuple(self.repo)

    def conditions(self) -> list[tuple[Condition, Any]]:
        """The conditions this rule gives, with their values, in :data:`CONDITIONS` order."""
        out = []
        for condition in CONDITIONS:
            value = getattr(self, condition.name)
            if value is not None and value != []:
                out.append((condition, value))
        return out


#: ``[routes]``: kind -> its rules, first match wins.
Routes = dict[str, list[RouteRule]]


def route_problems(
    routes: Mapping[str, Sequence[RouteRule]],
    automations: Mapping[str, Any],
) -> list[tuple[tuple[str | int, ...], str]]:
    """What is wrong with ``[routes]`` that the schema cannot see: an automation that is not
    configured or does not fit the kind, and a condition that does not apply to the kind."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for kind_name, rules in routes.items():
        kind = Kind(kind_name)
        for index, rule in enumerate(rules):
            at: tuple[str | int, ...] = ("routes", kind_name, index)
            for condition, _ in rule.conditions():
                if condition.kinds and kind not in condition.kinds:
                    where = ", ".join(k.value for k in condition.kinds)
                    found.append(
                        (
                            (*at, condition.name),
                            f"{condition.name!r} does not apply to {kind.value} items "
                            f"(it applies to {where})",
                        )
                    )
            for position, name in enumerate(rule.candidates):
                key = (
                    (*at, "automation")
                    if isinstance(rule.automation, str)
                    else (
                        *at,
                        "automation",
                        position,
                    )
                )
                problem = _automation_problem(name, kind, automations)
                if problem:
                    found.append((key, problem))
    return found


def _automation_problem(name: str, kind: Kind, automations: Mapping[str, Any]) -> str:
    automation = automations.get(name)
    if automation is None:
        known = sorted(automations)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            return f"no automation named {name!r}; did you mean {close[0]!r}?"
        listed = ", ".join(known) if known else "none are configured"
        return f"no automation named {name!r} (automations: {listed})"
    if kind not in automation.fits_kinds:
        fits = ", ".join(automation.fits) or "nothing"
        return (
            f"automation {name!r} does not fit {kind.value} items (it fits: {fits}); add "
            f"{kind.value!r} to automations.{name}.fits or name another automation"
        )
    return ""


#: What ``gluetui init`` writes (keeping only the automations it writes) and the demo runs with.
#: The automation names are the ones ``init`` gives its automations (``config/forges.py``); the
#: lists name one automation per forge, and ``ask-review`` only where a team to ask is known.
DEFAULT_ROUTES: Mapping[str, Sequence[Mapping[str, Any]]] = {
    Kind.STALE_DOC.value: (
        {
            "route": "take",
            "accountable": True,
            "dead_references": True,
            "reason": "it misleads readers of a repository you are accountable for",
        },
        {
            "route": "delegate",
            "drifted": True,
            "automation": ["doc-issue", "doc-issue-gitlab"],
            "reason": "an agent can bring it up to date",
        },
    ),
    Kind.BROKEN_CI.value: (
        {
            "route": "take",
            "accountable": True,
            "min_age_hours": 24.0,
            "reason": "your default branch has been red for over a day",
        },
        {
            "route": "delegate",
            "max_age_hours": 24.0,
            "automation": ["rerun-failed", "retry-pipeline"],
            "reason": "a re-run tells a flake from a break",
        },
    ),
    Kind.UNREVIEWED_PR.value: (
        {
            "route": "take",
            "mine": True,
            "accountable": True,
            "reason": "your review is asked in a repository you are accountable for",
        },
        {
            "route": "delegate",
            "requested": False,
            "automation": ["ask-review", "needs-review", "nudge-mr"],
            "reason": "a review request gets it seen",
        },
        {
            "route": "leave",
            "requested": True,
            "mine": False,
            "reason": "the reviewers asked have it",
        },
    ),
    Kind.FLAKY_TEST.value: (
        {
            "route": "delegate",
            "max_flake_rate": 0.5,
            "automation": ["rerun-failed", "retry-pipeline"],
            "reason": "re-runs usually pass",
        },
    ),
}


def starter_routes(automations: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """:data:`DEFAULT_ROUTES` for a config whose automations are ``automations``: a delegate
    rule keeps the names configured, and is dropped when none is."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, rules in DEFAULT_ROUTES.items():
        kept = []
        for rule in rules:
            data = dict(rule)
            if "automation" in data:
                names = [n for n in data["automation"] if n in automations]
                if not names:
                    continue
                data["automation"] = names if len(names) > 1 else names[0]
            kept.append(data)
        if kept:
            out[kind] = kept
    return out
