"""How delegations read on screen: the confirmation text, the follow-up marks and lines.

Pure (plans, verdicts and journal entries in; ``rich.text.Text`` out), so the modal, the detail
pane and the row marks say the same thing and can be tested without a terminal. Every string that
came from a forge or the config goes through ``clean()`` into ``Text``, never into markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text

from gluetui.budget import BudgetStatus
from gluetui.delegate import FollowUp, Outcome, Plan, Status
from gluetui.delegate.batch import Proposal
from gluetui.delegate.plan import is_unknown
from gluetui.model import Item, Route, Suggestion
from gluetui.store import JournalEntry
from gluetui.textsafe import clean, safe_url

#: Status -> (row symbol, word, style). Symbols differ from the triage-state ones in render.py.
FOLLOW_UP_TEXT: dict[Status, tuple[str, str, str]] = {
    Status.WAITING: ("→", "waiting", "bold magenta"),
    Status.PENDING: ("⟳", "running", "bold yellow"),
    Status.WORKING: ("…", "agent working", "bold magenta"),
    Status.PR_OPENED: ("↗", "PR opened", "bold green"),
    Status.REVIEW: ("⚑", "agent's PR waits for review", "bold cyan"),
    Status.MERGED: ("✓", "agent's PR merged", "green"),
    Status.CLOSED: ("✗", "agent's PR closed", "bold yellow"),
    Status.CHANGED: ("Δ", "changed", "bold cyan"),
    Status.RESOLVED: ("✓", "resolved", "green"),
    Status.STALLED: ("⌛", "stalled", "bold yellow"),
    Status.FAILED: ("✖", "failed", "bold red"),
    Status.UNKNOWN: ("?", "unknown: check the forge", "bold red"),
}


def follow_up_mark(status: Status) -> Text:
    sym, _, style = FOLLOW_UP_TEXT[status]
    return Text(sym, style=style)


def follow_up_legend() -> str:
    """The delegated-row marks, for the help screen."""
    return "   ".join(f"{sym} {word}" for sym, word, _ in FOLLOW_UP_TEXT.values())


def plan_text(plan: Plan, *, over_budget: str = "") -> Text:
    """The confirmation modal: exactly what will happen, to what, at what cost."""
    text = Text()
    text.append("Item      ", style="dim")
    text.append(clean(plan.item.title, 80), style="bold")
    text.append("\nTarget    ", style="dim")
    text.append(clean(plan.target, 80))
    text.append("\nAutomation", style="dim")
    text.append(f" {clean(plan.automation, 40)} ({clean(plan.automation_kind, 40)})")
    text.append("\nMode      ", style="dim")
    if plan.dry_run:
        text.append("DRY RUN: nothing will be sent, nothing recorded", style="bold yellow")
    else:
        text.append("for real", style="bold")
    text.append("\nCost      ", style="dim")
    text.append(
        f"{plan.oversight_hours:g} h oversight against the budget; back in the queue after "
        f"{plan.follow_up_hours:g} h without news"
    )
    text.append("\n\nWhat will happen:\n", style="bold underline")
    for line in plan.summary:
        text.append("• ")
        text.append(clean(line, 400))
        text.append("\n")
    if plan.attempt:
        text.append(f"(attempt {plan.attempt + 1}: earlier attempts failed)\n", style="dim")
    if over_budget:
        text.append("\n")
        text.append("Over budget: ", style="bold red")
        text.append(clean(over_budget, 300))
        text.append("\n")
    return text


def outcome_message(outcome: Outcome) -> str:
    """The notification after a delegation ran (plain text; shown with markup off)."""
    if outcome.dry_run:
        return clean(outcome.message, 400)
    head = "Already done before" if outcome.repeated else "Delegated"
    if outcome.unknown:
        head = "Unclear whether it happened"
    msg = f"{head} ({outcome.automation}): {clean(outcome.message, 300)}"
    if outcome.url:
        msg += f" {clean(safe_url(outcome.url), 200)}"
    return msg


def handoff_text(
    follow: FollowUp | None,
    journal: Iterable[JournalEntry],
    *,
    running: bool = False,
    last: Outcome | None = None,
) -> Text:
    """The detail pane's hand-off section: how the delegation is going, and every attempt."""
    text = Text()
    if running:
        text.append("⟳ delegation running…\n", style="bold yellow")
    if follow is not None:
        sym, word, style = FOLLOW_UP_TEXT[follow.status]
        text.append(f"{sym} {word}: ", style=style)
        text.append(clean(follow.message, 200))
        if follow.url and (url := clean(safe_url(follow.url), 200)):
            text.append(f"\n  {url}", style="dim")
        text.append("\n")
    if last is not None and last.dry_run:
        text.append(clean(last.message, 400) + "\n", style="yellow")
    for e in journal:
        when = e.intent_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if e.pending:
            word, style = "pending", "yellow"
        elif is_unknown(e):
            word, style = "unknown", "bold red"
        elif e.ok:
            word, style = "ok", "green"
        else:
            word, style = "failed", "red"
        text.append(f"{when}  {clean(e.automation, 30)}  ")
        text.append(word, style=style)
        if e.message:
            text.append(f"  {clean(e.message, 160)}")
        if e.url and (url := clean(safe_url(e.url), 200)):
            text.append(f"\n  {url}", style="dim")
        text.append("\n")
    if not text.plain:
        text.append("not delegated\n", style="dim")
    return text


def route_text(
    item: Item,
    suggestion: Suggestion,
    budget: BudgetStatus,
    *,
    hours: float = 0.0,
    until: datetime | None = None,
) -> Text:
    """The confirmation of accepting a take or a leave: what is recorded, why, the budget after."""
    text = Text()
    text.append("Item      ", style="dim")
    text.append(clean(item.title, 80), style="bold")
    text.append("\nRepo      ", style="dim")
    text.append(clean(item.repo, 80))
    text.append("\nWhy       ", style="dim")
    text.append(clean(suggestion.reason, 400))
    text.append("\n\n")
    if suggestion.route is Route.TAKE:
        after = round(budget.committed_hours + hours, 2)
        text.append(f"Take it yourself: {hours:g} h against the sprint's budget", style="bold")
        text.append(f"\n{after:g} of {budget.budget_hours:g} h committed after it.")
    else:
        text.append("Leave it: out of the queue", style="bold")
        if until is not None:
            text.append(f" until it changes or {until.astimezone():%a %Y-%m-%d} (the next sprint)")
        text.append(".\nNothing is sent; undo (u) brings it back.")
    return text


_ROUTE_MARK = {Route.DELEGATE: "»", Route.TAKE: "◇", Route.LEAVE: "·"}


def batch_text(proposal: Proposal) -> Text:
    """The batch confirmation: every request that will be sent, every take and leave, what
    cannot go and why, and the budget after."""
    text = Text()
    n = len(proposal.members)
    delegations = proposal.count(Route.DELEGATE)
    if proposal.hand_off:
        text.append(f"{n} hand-off{'s' if n != 1 else ''}, one request each:\n", style="bold")
    else:
        text.append(
            f"{n} suggestion{'s' if n != 1 else ''}: {delegations} to delegate, "
            f"{proposal.count(Route.TAKE)} to take, {proposal.count(Route.LEAVE)} to leave\n",
            style="bold",
        )
    for p in proposal.members:
        text.append(f"\n{_ROUTE_MARK[p.route]} ", style="bold")
        if p.route is Route.DELEGATE:
            text.append(clean(p.automation, 30), style="bold magenta")
        elif p.route is Route.TAKE:
            text.append(f"take {p.hours:g} h", style="bold cyan")
        else:
            text.append("leave", style="dim")
        text.append(f"  {clean(p.item.title, 70)}", style="bold")
        text.append(f"  {clean(p.item.repo, 40)}\n", style="dim")
        if p.plan is not None:
            if p.plan.dry_run:
                text.append("    DRY RUN: nothing will be sent\n", style="yellow")
            for line in p.plan.summary:
                text.append(f"    {clean(line, 300)}\n")
        elif p.reason:
            text.append(f"    {clean(p.reason, 300)}\n", style="dim")
    if proposal.refused:
        text.append(f"\nNot included ({len(proposal.refused)}):\n", style="bold")
        for p in proposal.refused:
            text.append(f"  {clean(p.item.title, 60)}: {clean(p.problem, 200)}\n", style="dim")
    b = proposal.budget
    after = round(b.committed_hours + proposal.hours, 2)
    text.append("\nBudget    ", style="dim")
    text.append(f"+{proposal.hours:g} h: {after:g} of {b.budget_hours:g} h committed after it")
    if proposal.over_budget:
        text.append("  OVER BUDGET", style="bold red")
    text.append(
        "\nEach item is journaled on its own: a crash in the middle neither repeats nor loses one.",
        style="dim",
    )
    return text
