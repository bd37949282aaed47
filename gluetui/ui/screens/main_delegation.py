"""The main screen's delegations: pick, confirm the plan, run it in a worker, follow it up.

The engine (:mod:`gluetui.delegate`) does the work and the journaling; this mixin only asks, shows
and dispatches. Delegations run as async workers (forge calls are awaited, blocking libraries are
pushed to threads inside the forges), so the UI never waits; a failure is shown with its hint and
stays in the journal. On start, intents left by a crash are reconciled with the forge, and after
each refresh every delegated item gets a follow-up verdict; stalled ones return to the queue.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.screen import Screen
from textual.widgets.option_list import Option

from gluetui.decisions import OverBudget
from gluetui.delegate import DelegationFailed, FollowUp, Outcome, Status
from gluetui.delegate.batch import BatchReport
from gluetui.errors import GluetuiError
from gluetui.events import Event
from gluetui.model import Item
from gluetui.textsafe import clean, safe_url
from gluetui.ui import handoff
from gluetui.ui.backend import Backend
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen

DELEGATE_GROUP = "delegate:"
#: Follow-up verdicts worth a notification when a delegated item reaches them.
NEWS = frozenset(
    {
        Status.RESOLVED,
        Status.PR_OPENED,
        Status.CHANGED,
        Status.REVIEW,
        Status.MERGED,
        Status.CLOSED,
    }
)


def _about(item: Item) -> Text:
    return Text(f"{clean(item.title, 70)}\n{clean(item.repo, 60)}")


class DelegationMixin(Screen[None]):
    backend: Backend
    items: dict[str, Item]

    #: Item id -> follow-up verdict of its delegation in force (recomputed on every reload).
    followups: dict[str, FollowUp]
    #: Items whose delegation is running right now (``a`` is greyed out for them).
    delegating: set[str]
    #: The latest outcome per item this session (dry runs are only here: nothing is journaled).
    outcomes: dict[str, Outcome]

    @property
    def current_item(self) -> Item | None:
        raise NotImplementedError

    def target_item(self) -> Item | None:
        raise NotImplementedError

    def restate(self) -> None:
        raise NotImplementedError

    def update_detail(self) -> None:
        raise NotImplementedError

    def live_key(self, command_id: str) -> str:
        raise NotImplementedError

    def announce(self, report: BatchReport) -> None:
        raise NotImplementedError

    def init_delegation(self) -> None:
        self.followups = {}
        self.delegating = set()
        self.outcomes = {}

    # -- settling an unknown hand-off -----------------------------------------------------------

    def unknown_key(self, item: Item) -> str:
        """The journal key of the item's hand-off whose outcome nobody knows, or ""."""
        f = self.followups.get(item.id)
        return f.key if f is not None and f.status is Status.UNKNOWN and f.key else ""

    def action_settle(self) -> None:
        item = self.target_item()
        key = self.unknown_key(item) if item is not None else ""
        if item is None or not key:
            return
        f = self.followups[item.id]
        question = Text.assemble(
            _about(item),
            f"\n\n'{clean(f.automation, 60)}' may or may not have acted ({clean(f.message, 200)}).",
            f"\nCheck {clean(safe_url(item.url), 200) or 'the forge'}: did it happen?",
        )

        def answered(choice: str | None) -> None:
            if choice is None:
                return  # escape: nothing is recorded
            happened = choice == "yes"
            try:
                self.backend.resolve_unknown(key, happened=happened)
            except GluetuiError as exc:
                self.notify(clean(f"{exc.title} {exc.hint}", 400), severity="error", markup=False)
                return
            self.restate()
            self.notify(
                "Recorded: it happened."
                if happened
                else "Recorded: it did not; back in the queue.",
                timeout=4,
            )

        options = [
            ("yes", Text("It happened: record the hand-off as done")),
            ("no", Text("It did not: put the item back in the queue")),
        ]
        self.app.push_screen(ChoiceScreen("Did it happen?", question, options), answered)

    # -- follow-up --------------------------------------------------------------------------

    def compute_followups(self, events: Sequence[Event] | None = None) -> None:
        """Pure verdicts over what is loaded; cheap enough to run on every reload.

        A hand-off that turns into news during the session (resolved, PR opened, changed) is
        announced once; verdicts already standing when the app opened are only shown.
        ``events``: the decision log, when the caller has just read it.
        """
        before = self.followups
        self.followups = self.backend.follow_ups(list(self.items.values()), events)
        for item_id, f in self.followups.items():
            old = before.get(item_id)
            if old is not None and old.status is not f.status and f.status in NEWS:
                _, word, _ = handoff.FOLLOW_UP_TEXT[f.status]
                where = (
                    f" It moves to the done items ({self.live_key('hidden')} shows them)."
                    if f.status in (Status.RESOLVED, Status.MERGED)
                    else ""
                )
                self.notify(
                    f"{clean(f.automation, 40)}: {clean(f.message, 200)}.{where}",
                    title=f"Follow-up: {word}",
                    timeout=8,
                    markup=False,
                )

    def requeue_after_refresh(self) -> None:
        """Hand-offs resolved on the forge are done (a DONE decision each, the outcome in the
        item's history; ``h`` shows them); stalled ones go back to the queue (a REOPENED
        decision each), and we say so."""
        if self.backend.record_resolved(self.followups):
            self.restate()
        stalled = self.backend.requeue_stalled(self.followups)
        if stalled:
            self.restate()
            self.notify(
                f"{len(stalled)} delegated item(s) are back in the queue: no news in time, or "
                "the agent's pull request was closed without merging.",
                title="Follow-up",
                severity="warning",
                timeout=6,
                markup=False,
            )

    # -- reconcile on start -----------------------------------------------------------------

    def start_reconcile(self) -> None:
        self.run_worker(
            self._reconcile(),
            name="reconcile",
            group="reconcile",
            description="settling interrupted delegations",
            exclusive=True,
            exit_on_error=False,
        )

    async def _reconcile(self) -> list[Outcome]:
        outcomes = await self.backend.reconcile()
        # Batches a crash interrupted: every member not settled yet is settled now.
        for report in await self.backend.resume_batches():
            self.announce(report)
            self.restate()
        if not outcomes:
            return outcomes
        unresolved = [o for o in outcomes if o.unknown]
        settled = len(outcomes) - len(unresolved)
        if settled:
            self.notify(
                f"{settled} delegation(s) interrupted last time were settled with the forge.",
                title="Delegations",
                timeout=6,
                markup=False,
            )
        for o in unresolved:
            self.notify(
                f"{clean(o.automation, 40)} on {clean(o.item_id, 120)}: {clean(o.message, 200)}",
                title="Delegation may or may not have happened",
                severity="warning",
                timeout=12,
                markup=False,
            )
        self.restate()
        return outcomes

    # -- a: pick, confirm, run ----------------------------------------------------------------

    def action_delegate(self) -> None:
        item = self.target_item()
        if item is None:
            return
        choices = self.backend.automation_choices(item)
        options = []
        for c in choices:
            label = Text(c.name, style="bold")
            label.append(f"  {c.oversight_hours:g} h oversight", style="dim")
            if c.plan is not None and c.plan.dry_run:
                label.append("  dry run", style="yellow")
            if c.description:
                label.append(f"\n  {clean(c.description, 80)}")
            if c.problem:
                label.append(f"\n  cannot: {clean(c.problem, 120)}", style="red")
            options.append(Option(label, id=c.name, disabled=c.plan is None))

        def chosen(name: str | None) -> None:
            if name is not None:
                self.confirm_delegation(item, name)

        self.app.push_screen(ChoiceScreen("Delegate to…", _about(item), options), chosen)

    def confirm_delegation(self, item: Item, name: str) -> None:
        """Show the plan exactly as the engine will run it; run it only on yes.

        An automation with ``confirm = false`` (only the re-runs may say so: doing one twice does
        no harm) runs at once, unless it would go over budget.
        """
        try:
            plan = self.backend.plan(item, name)
        except GluetuiError as exc:
            self._failed(exc.title, exc.hint)
            return
        over = ""
        try:
            self.backend.check_budget(plan.oversight_hours)
        except OverBudget as exc:
            st = exc.status
            over = (
                f"its {plan.oversight_hours:g} h of oversight would go over the sprint's budget "
                f"({st.committed_hours:g} of {st.budget_hours:g} h already committed)."
            )
        automation = self.backend.config.automations.get(name)
        if automation is not None and not automation.confirm and not over:
            self.run_delegation(item, name)
            return
        title = "Dry run" if plan.dry_run else "Delegate — confirm"
        if over and not plan.dry_run:
            title = "Over budget — delegate anyway?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_delegation(item, name)
                return
            # "No" is the default over budget: say so, or enter, enter looks like it did nothing.
            why = f" Over budget: {over}" if over else ""
            self.notify(
                f"Not delegated: {clean(item.title, 60)}.{why}",
                title="Nothing sent",
                severity="warning" if over else "information",
                timeout=8 if over else 4,
                markup=False,
            )

        yes = "Show what it would do" if plan.dry_run else "Delegate"
        self.app.push_screen(
            ConfirmScreen(
                title,
                handoff.plan_text(plan, over_budget=over),
                yes=f"{yes} anyway" if over and not plan.dry_run else yes,
                wide=True,
                default_yes=not over,
            ),
            answered,
        )

    def run_delegation(self, item: Item, name: str) -> None:
        self.delegating.add(item.id)
        self.update_detail()
        self.run_worker(
            self._delegate(item, name),
            name=f"{DELEGATE_GROUP}{item.id}",
            group=f"{DELEGATE_GROUP}{item.id}",
            description=f"delegating to {name}",
            exit_on_error=False,
        )

    async def _delegate(self, item: Item, name: str) -> Outcome | None:
        try:
            outcome = await self.backend.delegate(item, name)
        except DelegationFailed as exc:
            self.outcomes[item.id] = exc.outcome
            self._failed(exc.title, exc.hint)
            return exc.outcome
        except GluetuiError as exc:
            self._failed(exc.title, exc.hint)
            return None
        finally:
            self.delegating.discard(item.id)
            self.restate()
        self.outcomes[item.id] = outcome
        self.notify(
            handoff.outcome_message(outcome),
            title="Dry run" if outcome.dry_run else "Delegation",
            severity="warning" if outcome.unknown else "information",
            timeout=8,
            markup=False,
        )
        self.update_detail()
        return outcome

    def _failed(self, title: str, hint: str) -> None:
        self.notify(
            clean(f"{title}\n{hint}".strip(), 600),
            title="Delegation failed",
            severity="error",
            timeout=12,
            markup=False,
        )
