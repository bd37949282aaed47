"""Suggested routes: the rules, the built-in rule, the reasons, and what the budget leaves of them.

Pure functions (no IO): items are built here, the rules come from ``[routes]`` tables validated
like a config file's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gluetui.budget import Candidate, apply_budget, budget_leaves, over_budget, rank
from gluetui.config.loader import load_config_text
from gluetui.config.routes import CONDITIONS, DEFAULT_ROUTES, RouteRule, starter_routes
from gluetui.config.schema import automation
from gluetui.model import Item, Kind, Route, State, Suggestion, make_item_id
from gluetui.routes import RouteContext, conditions_in_words, item_facts, suggest

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

AUTOMATIONS = {
    "rerun-failed": automation(
        kind="github.rerun_failed_jobs", fits=["broken_ci", "flaky_test"], oversight_hours=0.1
    ),
    "retry-pipeline": automation(
        kind="gitlab.retry_pipeline", fits=["broken_ci", "flaky_test"], oversight_hours=0.2
    ),
    "hook": automation(kind="webhook", fits=["stale_doc"], url="https://hooks.example/x"),
}


def item(
    kind: Kind,
    n: int = 1,
    *,
    repo: str = "acme/api",
    age_hours: float = 30,
    effort: float = 1.0,
    accountable: bool = False,
    mine: bool = False,
    impact: float = 10.0,
    **metrics: float,
) -> Item:
    return Item(
        id=make_item_id("github.com", repo, kind, str(n)),
        kind=kind,
        source="gh",
        host="github.com",
        repo=repo,
        title=f"{kind.value} {n}",
        url=f"https://github.com/{repo}/{n}",
        since=NOW - timedelta(hours=age_hours),
        updated_at=NOW,
        metrics=metrics,
        impact=impact,
        effort_hours=effort,
        accountable=accountable,
        mine=mine,
    )


def rules(kind: Kind, *tables: dict[str, Any]) -> list[RouteRule]:
    return [RouteRule.model_validate(t) for t in tables]


def ctx(kind: Kind, *tables: dict[str, Any], dialect: str = "github") -> RouteContext:
    return RouteContext(rules(kind, *tables), AUTOMATIONS, dialect, NOW)


# -- rules ------------------------------------------------------------------------------------------


def test_the_first_rule_whose_conditions_all_hold_wins() -> None:
    c = ctx(
        Kind.FLAKY_TEST,
        {"route": "take", "min_flake_rate": 0.5, "reason": "it flakes too often"},
        {"route": "delegate", "automation": "rerun-failed", "max_flake_rate": 0.5},
    )
    often = suggest(item(Kind.FLAKY_TEST, flakes=6, runs=8, flake_rate=0.75), c)
    assert often.route is Route.TAKE
    assert often.reason == "flaked 6 of 8 runs, it flakes too often"
    assert often.hours == 1.0  # a take costs its effort estimate
    rarely = suggest(item(Kind.FLAKY_TEST, flakes=3, runs=12, flake_rate=0.25), c)
    assert rarely == Suggestion(
        Route.DELEGATE, "flaked 3 of 12 runs, re-runs usually pass", "rerun-failed", 0.1
    )


def test_a_delegate_rule_picks_the_automation_that_speaks_the_items_forge() -> None:
    tables = ({"route": "delegate", "automation": ["rerun-failed", "retry-pipeline"]},)
    gitlab = suggest(
        item(Kind.BROKEN_CI, hours_red=5), ctx(Kind.BROKEN_CI, *tables, dialect="gitlab")
    )
    assert (gitlab.automation, gitlab.hours) == ("retry-pipeline", 0.2)
    github = suggest(item(Kind.BROKEN_CI, hours_red=5), ctx(Kind.BROKEN_CI, *tables))
    assert github.automation == "rerun-failed"
    # No candidate can act on the item (a GitLab item, GitHub automations only): the next rule.
    only_github = ctx(
        Kind.BROKEN_CI,
        {"route": "delegate", "automation": "rerun-failed"},
        {"route": "leave", "reason": "no automation here"},
        dialect="gitlab",
    )
    assert suggest(item(Kind.BROKEN_CI), only_github).route is Route.LEAVE
    # A webhook (or command) acts on any forge's items.
    hook = ctx(Kind.STALE_DOC, {"route": "delegate", "automation": "hook"}, dialect="gitlab")
    assert suggest(item(Kind.STALE_DOC), hook).automation == "hook"


def test_no_rule_matches_take_where_accountable_and_leave_elsewhere() -> None:
    none = ctx(Kind.UNREVIEWED_PR)
    mine = suggest(item(Kind.UNREVIEWED_PR, accountable=True, effort=0.75), none)
    assert (mine.route, mine.hours) == (Route.TAKE, 0.75)
    assert mine.reason.endswith("in a repository you are accountable for")
    theirs = suggest(item(Kind.UNREVIEWED_PR), none)
    assert (theirs.route, theirs.hours) == (Route.LEAVE, 0.0)
    assert (
        theirs.reason
        == "waiting 30 h for a first review, nobody asked, outside your accountable repositories"
    )


@pytest.mark.parametrize(
    ("table", "facts", "holds"),
    [
        ({"repo": "acme/*"}, {}, True),
        ({"repo": ["orbital/*", "github.com/acme/a*"]}, {}, True),
        ({"repo": "orbital/*"}, {}, False),
        ({"accountable": True}, {"accountable": True}, True),
        ({"accountable": False}, {"accountable": True}, False),
        ({"mine": True}, {"mine": False}, False),
        ({"min_age_hours": 24}, {"age_hours": 30}, True),
        ({"max_age_hours": 24}, {"age_hours": 30}, False),
        ({"min_effort": 2}, {"effort": 1.0}, False),
        ({"max_effort": 2}, {"effort": 1.0}, True),
    ],
)
def test_common_conditions(table: dict[str, Any], facts: dict[str, Any], holds: bool) -> None:
    c = ctx(Kind.BROKEN_CI, {"route": "take", "reason": "r", **table})
    got = suggest(item(Kind.BROKEN_CI, **facts), c)
    assert (got.reason.endswith(", r")) is holds


@pytest.mark.parametrize(
    ("kind", "table", "metrics", "holds"),
    [
        (Kind.UNREVIEWED_PR, {"min_lines": 100}, {"lines_changed": 40}, False),
        (Kind.UNREVIEWED_PR, {"max_lines": 100}, {"lines_changed": 40}, True),
        (Kind.UNREVIEWED_PR, {"requested": False}, {"review_requests": 0}, True),
        (Kind.UNREVIEWED_PR, {"requested": True}, {}, False),
        (Kind.FLAKY_TEST, {"min_flakes": 3}, {"flakes": 2}, False),
        (Kind.FLAKY_TEST, {"max_flake_rate": 0.5}, {}, False),  # a missing fact meets no bound
        (Kind.STALE_DOC, {"drifted": True}, {"drift": 1.0}, True),
        (Kind.STALE_DOC, {"dead_references": True}, {"dead_refs": 0.0}, False),
        (Kind.STALE_DOC, {"review_overdue": False}, {"overdue_days": 0.0}, True),
    ],
)
def test_kind_conditions(
    kind: Kind, table: dict[str, Any], metrics: dict[str, float], holds: bool
) -> None:
    got = suggest(item(kind, **metrics), ctx(kind, {"route": "take", "reason": "r", **table}))
    assert got.reason.endswith(", r") is holds


def test_every_condition_is_a_rule_key_and_reads_in_words() -> None:
    assert {c.name for c in CONDITIONS} == set(RouteRule.model_fields) - {
        "route",
        "automation",
        "reason",
    }
    rule = RouteRule.model_validate(
        {"route": "take", "max_age_hours": 24.0, "mine": False, "repo": ["a/*", "b/*"]}
    )
    assert conditions_in_words(rule) == "in a/*, b/*, not asked of you, younger than 24 h"
    # A rule without a reason says its conditions.
    got = suggest(item(Kind.BROKEN_CI, age_hours=5, repo="a/x"), RouteContext([rule], {}, "", NOW))
    assert got.reason == "red for 5 h, in a/*, b/*, not asked of you, younger than 24 h"


def test_reasons_say_the_items_own_facts_in_plain_ascii() -> None:
    doc = item(Kind.STALE_DOC, dead_refs=2, drift=1, code_changes=17, overdue_days=40)
    assert item_facts(doc, NOW) == (
        "2 dead references; drifted over 17 code changes; review 40 days overdue"
    )
    assert item_facts(item(Kind.BROKEN_CI, age_hours=72), NOW) == "red for 3 days"
    pr = item(Kind.UNREVIEWED_PR, review_requests=1)
    assert item_facts(pr, NOW) == "waiting 30 h for a first review"
    every = [suggest(item(k, **{"flakes": 1, "runs": 2}), ctx(k)).reason for k in Kind]
    assert all(r.isascii() for r in every), every


# -- the defaults ------------------------------------------------------------------------------


def test_init_keeps_only_the_automations_it_writes() -> None:
    github_only = starter_routes(["rerun-failed", "doc-issue", "needs-review"])
    flaky = github_only["flaky_test"][0]
    assert flaky["automation"] == "rerun-failed"
    (delegate,) = [r for r in github_only["unreviewed_pr"] if r["route"] == "delegate"]
    assert delegate["automation"] == "needs-review"
    # Without any automation the delegate rules go; take and leave rules stay.
    bare = starter_routes([])
    assert all(r["route"] != "delegate" for rules in bare.values() for r in rules)
    assert set(bare) == set(DEFAULT_ROUTES) - {"flaky_test"}


# -- the budget ----------------------------------------------------------------------------------


def test_delegations_claim_hours_first_then_takes_each_by_impact() -> None:
    order = rank(
        [
            Candidate("t-high", 50, Route.TAKE, 1),
            Candidate("d-low", 1, Route.DELEGATE, 0.1),
            Candidate("t-low", 5, Route.TAKE, 1),
            Candidate("d-high", 9, Route.DELEGATE, 0.1),
        ]
    )
    assert [c.id for c in order] == ["d-high", "d-low", "t-high", "t-low"]


def test_what_no_longer_fits_is_left_and_smaller_ones_after_it_still_fit() -> None:
    over = over_budget(
        [
            Candidate("big", 9, Route.TAKE, 3.0),
            Candidate("small", 5, Route.TAKE, 0.5),
            Candidate("free", 1, Route.DELEGATE, 0.0),
            Candidate("leave", 8, Route.LEAVE, 0.0),
        ],
        remaining=2.0,
    )
    assert over == {"big": 2.0}
    # Already over budget: costless hand-offs still go, nothing else does.
    assert over_budget([Candidate("free", 1, Route.DELEGATE, 0.0)], -1.0) == {}
    assert over_budget([Candidate("d", 1, Route.DELEGATE, 0.1)], -1.0) == {"d": 0.0}


def test_apply_budget_turns_a_take_into_leave_with_why_and_keeps_decided_items() -> None:
    big = replace(
        item(Kind.BROKEN_CI, 1, effort=3, impact=9),
        suggestion=Suggestion(Route.TAKE, "red for 30 h, yours", hours=3.0),
    )
    taken = replace(
        item(Kind.BROKEN_CI, 2, effort=5, impact=99),
        suggestion=Suggestion(Route.TAKE, "red", hours=5.0),
        state=State.TAKEN,
    )
    leaves = budget_leaves([big, taken], remaining=2.5)
    assert list(leaves) == [big.id]
    left = leaves[big.id]
    assert (left.route, left.over_budget, left.hours, left.automation) == (
        Route.LEAVE,
        True,
        0.0,
        "",
    )
    assert left.reason == (
        "red for 30 h, yours; would take it, but beyond your remaining budget "
        "(3 h needed, 2.5 h left)"
    )
    applied = apply_budget([big, taken], 2.5)
    assert applied[0].suggestion == left and applied[1] is taken
    assert apply_budget([big], 3.0)[0] is big


def test_a_config_without_routes_suggests_take_or_leave_only() -> None:
    cfg = load_config_text("")
    assert cfg.routes == {}
    got = suggest(item(Kind.FLAKY_TEST, accountable=True), RouteContext([], {}, "github", NOW))
    assert got.route is Route.TAKE
