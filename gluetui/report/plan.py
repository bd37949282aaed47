"""``gluetui plan``: the morning plan — what the suggestions would delegate (to what), take and
leave, and the budget after it — without acting.

Computed from (config, decision log, items, now) only: the items' suggested routes
(:mod:`gluetui.routes`) with the budget applied (:func:`gluetui.budget.apply_budget`), so the plan
says exactly what accepting every suggestion in the dashboard would do. Every open item is listed
once; items already decided (taken, delegated, snoozed...) are not part of the morning's queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from gluetui.budget import BudgetStatus, apply_budget, budget_status
from gluetui.events import Event
from gluetui.model import Item, Route, State, Suggestion
from gluetui.report.formats import md_cell, md_link, md_text
from gluetui.textsafe import cell_width, clean, clean_json, pad, safe_url

if TYPE_CHECKING:
    from gluetui.config.schema import Config

PlanFormat = Literal["table", "markdown", "json"]

#: The order the plan lists its sections in.
ROUTES = (Route.DELEGATE, Route.TAKE, Route.LEAVE)
_HEADINGS = {
    Route.DELEGATE: "Delegate",
    Route.TAKE: "Take myself",
    Route.LEAVE: "Leave",
}


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One open item and the route the plan gives it."""

    item: Item
    suggestion: Suggestion

    def to_json(self) -> dict[str, Any]:
        i, s = self.item, self.suggestion
        return {
            "id": i.id,
            "kind": i.kind.value,
            "repo": i.repo,
            "title": i.title,
            "url": i.url,
            **s.to_json(),
        }


@dataclass(frozen=True, slots=True)
class MorningPlan:
    """Every open item with its route, and the budget before and after accepting them all."""

    at: datetime
    budget: BudgetStatus
    lines: tuple[PlanLine, ...]

    def of(self, route: Route) -> list[PlanLine]:
        return [line for line in self.lines if line.suggestion.route is route]

    def hours(self, route: Route) -> float:
        return round(sum(line.suggestion.hours for line in self.of(route)), 2)

    @property
    def committed_after(self) -> float:
        return round(
            self.budget.committed_hours + self.hours(Route.DELEGATE) + self.hours(Route.TAKE), 2
        )

    @property
    def remaining_after(self) -> float:
        return round(self.budget.budget_hours - self.committed_after, 2)

    @property
    def over_budget_leaves(self) -> int:
        return sum(1 for line in self.of(Route.LEAVE) if line.suggestion.over_budget)

    def to_json(self) -> dict[str, Any]:
        b = self.budget
        return {
            "at": self.at.isoformat(),
            "sprint": {"start": b.start.isoformat(), "end": b.end.isoformat()},
            "budget": {
                "hours": b.budget_hours,
                "committed_before": b.committed_hours,
                "remaining_before": b.remaining_hours,
                "delegate_oversight_hours": self.hours(Route.DELEGATE),
                "take_hours": self.hours(Route.TAKE),
                "committed_after": self.committed_after,
                "remaining_after": self.remaining_after,
            },
            "totals": {
                **{r.value: len(self.of(r)) for r in ROUTES},
                "left_over_budget": self.over_budget_leaves,
                "no_suggestion": len(self.lines) - sum(len(self.of(r)) for r in ROUTES),
            },
            "items": [line.to_json() for line in self.lines],
        }


def morning_plan(
    cfg: Config, events: Sequence[Event], items: Iterable[Item], now: datetime
) -> MorningPlan:
    """The plan for the open ``items`` (triage states already applied), as the dashboard ranks
    them: every delegation, then what to take, then what to leave, each most impact first."""
    status = budget_status(cfg, events, now)
    queue = [i for i in items if i.state is State.OPEN]
    routed = apply_budget(queue, status.remaining_hours)
    lines = [
        PlanLine(i, i.suggestion or Suggestion(Route.LEAVE, "no suggestion yet: refresh"))
        for i in routed
    ]
    order = {r: n for n, r in enumerate(ROUTES)}
    lines.sort(key=lambda p: (order[p.suggestion.route], -p.item.impact, p.item.id))
    return MorningPlan(now, status, tuple(lines))


def render_plan(plan: MorningPlan, fmt: PlanFormat | str = "table") -> str:
    """The plan as a terminal ``table``, ``markdown`` ready to paste, or ``json``."""
    if fmt == "json":
        return json.dumps(clean_json(plan.to_json()), indent=2, ensure_ascii=True) + "\n"
    if fmt == "markdown":
        return _markdown(plan)
    if fmt == "table":
        return _table(plan)
    raise ValueError(f"unknown format {fmt!r}; use table, markdown or json")


def _last_day(plan: MorningPlan) -> str:
    return (plan.budget.end - timedelta(days=1)).isoformat()


def _budget_line(plan: MorningPlan) -> str:
    b = plan.budget
    return (
        f"Budget {b.budget_hours:g} h this sprint ({b.start.isoformat()} to {_last_day(plan)}): "
        f"{b.committed_hours:g} h committed now, {plan.committed_after:g} h after this plan "
        f"(+{plan.hours(Route.DELEGATE):g} h oversight, +{plan.hours(Route.TAKE):g} h taken), "
        f"{plan.remaining_after:g} h left."
    )


def _counts(plan: MorningPlan) -> str:
    n = len(plan.lines)
    routed = len(plan.of(Route.DELEGATE)) + len(plan.of(Route.TAKE))
    share = f"{routed / n:.0%}" if n else "0%"
    over = plan.over_budget_leaves
    return (
        f"{n} open items: {len(plan.of(Route.DELEGATE))} to delegate, "
        f"{len(plan.of(Route.TAKE))} to take, {len(plan.of(Route.LEAVE))} to leave"
        + (f" ({over} of them beyond the budget)" if over else "")
        + f"; {share} routed."
    )


def _what(line: PlanLine) -> str:
    s = line.suggestion
    if s.route is Route.DELEGATE:
        return f"{s.automation} ({s.hours:g} h)"
    if s.route is Route.TAKE:
        return f"{s.hours:g} h"
    return ""


def _table(plan: MorningPlan) -> str:
    out = [f"Morning plan, {plan.at.date().isoformat()}", "", _budget_line(plan), _counts(plan)]
    for route in ROUTES:
        lines = plan.of(route)
        if not lines:
            continue
        out += ["", f"{_HEADINGS[route]} ({len(lines)})"]
        first = {Route.DELEGATE: ["AUTOMATION"], Route.TAKE: ["HOURS"]}.get(route, [])
        rows: list[list[str]] = [[*first, "REPO", "TITLE", "WHY"]]
        rows += [
            [
                *([_what(line)] if first else []),
                clean(line.item.repo, 30),
                clean(line.item.title, 50),
                clean(line.suggestion.reason, 110),
            ]
            for line in lines
        ]
        widths = [max(cell_width(r[c]) for r in rows) for c in range(len(rows[0]))]
        out += ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out) + "\n"


def _markdown(plan: MorningPlan) -> str:
    out = [
        f"## Morning plan, {plan.at.date().isoformat()}",
        "",
        f"- {md_text(_budget_line(plan), 400)}",
        f"- {md_text(_counts(plan), 400)}",
    ]
    for route in ROUTES:
        lines = plan.of(route)
        if not lines:
            continue
        out += ["", f"### {_HEADINGS[route]} ({len(lines)})", ""]
        if route is Route.DELEGATE:
            out += ["| Item | Repo | Automation | Hours | Why |", "| --- | --- | --- | --- | --- |"]
        elif route is Route.TAKE:
            out += ["| Item | Repo | Hours | Why |", "| --- | --- | --- | --- |"]
        else:
            out += ["| Item | Repo | Why |", "| --- | --- | --- |"]
        for line in lines:
            s = line.suggestion
            cells = [md_link(line.item.title, safe_url(line.item.url)), md_cell(line.item.repo)]
            if route is Route.DELEGATE:
                cells.append(md_cell(s.automation))
            if route is not Route.LEAVE:
                cells.append(f"{s.hours:g}")
            cells.append(md_cell(s.reason, 200))
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
