"""The main screen's suggested routes and batches: accept a suggestion, mark items, hand them off.

Every open item carries a suggested route (delegate, take, leave; :mod:`gluetui.routes`), and
the budget turns what no longer fits into "leave" (:func:`gluetui.budget.budget_over`, run
again after every decision). ``A`` accepts the highlighted item's suggestion through the same
confirmation as ``a`` (a take or a leave gets its own short one); an automation with
``confirm = false`` — only the re-runs may — runs at once unless the budget would go over.

Marks (``space``, ``*`` for what is to be delegated, ``V`` for everything in view) gather items
for one confirmation listing each request: ``b`` hands them all off, ``A`` accepts each one's
suggestion. The batch is written before anything is sent and each item is journaled on its own
(:mod:`gluetui.delegate.batch`), so a crash in the middle is finished on the next start.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.screen import Screen

from gluetui.budget import BudgetStatus
from gluetui.delegate.batch import BatchReport, Proposal
from gluetui.errors import GluetuiError
from gluetui.model import Item, Kind, Route, State, Suggestion
from gluetui.store import BatchMember
from gluetui.textsafe import clean
from gluetui.ui import handoff
from gluetui.ui.backend import Backend
from gluetui.ui.screens.modals import ConfirmScreen
from gluetui.ui.widgets.item_table import ItemTable

BATCH_GROUP = "batch"


class BatchMixin(Screen[None]):
    backend: Backend
    items: dict[str, Item]
    delegating: set[str]
    budget: BudgetStatus | None

    #: Items marked for a batch, across every panel (cleared by escape and by a batch).
    marked: set[str]
    #: Item id -> "leave" for the open items whose suggestion no longer fits the budget.
    #: Item id -> hours left when its suggestion came up, for those the budget turns to "leave".
    over_budget: dict[str, float]

    @property
    def current_item(self) -> Item | None:
        raise NotImplementedError

    @property
    def table(self) -> ItemTable:
        raise NotImplementedError

    def target_item(self) -> Item | None:
        raise NotImplementedError

    def restate(self) -> None:
        raise NotImplementedError

    def render_panels(self) -> None:
        raise NotImplementedError

    def panel_items(self, kind: Kind) -> tuple[list[Item], int]:
        raise NotImplementedError

    def current_kind(self) -> Kind:
        raise NotImplementedError

    if TYPE_CHECKING:  # the other mixins' (after this one in the screen's MRO)

        def confirm_delegation(self, item: Item, name: str) -> None: ...
        def run_delegation(self, item: Item, name: str) -> None: ...
        def _take(self, item: Item, hours: float) -> None: ...

    def init_batch(self) -> None:
        self.marked = set()
        self.over_budget = {}

    # -- suggestions as shown ----------------------------------------------------------------

    def compute_routes(self) -> None:
        """What the budget leaves of each open item's suggestion (after every reload or decision;
        the screen's budget is current then)."""
        status = self.budget if self.budget is not None else self.backend.budget_now()
        self.over_budget = self.backend.budget_over(self.items.values(), status)
        self.marked &= self.items.keys()

    def suggestion(self, item: Item) -> Suggestion | None:
        """The item's suggestion as shown: the budget applied."""
        return self.backend.shown_suggestion(item, self.over_budget)

    def marked_in(self, rows: Iterable[Item]) -> int:
        return sum(1 for i in rows if i.id in self.marked) if self.marked else 0

    def check_batch_action(self, action: str) -> bool | None:
        """Grey out ``A`` (nothing to accept), ``b`` (nothing marked), ``*``/``V`` (empty view)."""
        if action == "accept":
            if self.marked:
                return True
            item = self.current_item
            if item is None or item.state is not State.OPEN or item.id in self.delegating:
                return None
            return True if self.suggestion(item) is not None else None
        if action == "hand_off":
            return True if self.marked else None
        if action in ("mark_delegate", "mark_all"):
            return True if self.table.row_count else None
        return True

    # -- marks --------------------------------------------------------------------------------

    def _show_marks(self) -> None:
        self.render_panels()

    def clear_marks(self) -> None:
        count = len(self.marked)
        self.marked.clear()
        self._show_marks()
        self.notify(f"Cleared {count} mark{'s' if count != 1 else ''}.", timeout=3)

    def action_mark(self) -> None:
        item = self.target_item()
        if item is None:
            return
        self.marked ^= {item.id}
        self._show_marks()
        # Like a file manager's mark: on to the next row, so consecutive items take one key each.
        self.table.action_cursor_down()

    def _view(self) -> list[Item]:
        """The open items of the current list, as filtered and sorted on screen."""
        rows, _ = self.panel_items(self.current_kind())
        return [i for i in rows if i.state is State.OPEN]

    def _toggle(self, ids: list[str], what: str) -> None:
        """Mark ``ids``, or unmark them when all are marked already. The panel's border counts
        the marks (a toast would sit over the confirmation that usually comes next)."""
        if not ids:
            self.notify(f"Nothing in view {what}.", timeout=4)
            return
        if all(i in self.marked for i in ids):
            self.marked.difference_update(ids)
        else:
            self.marked.update(ids)
        self._show_marks()

    def action_mark_delegate(self) -> None:
        ids = [
            i.id
            for i in self._view()
            if (s := self.suggestion(i)) is not None and s.route is Route.DELEGATE
        ]
        self._toggle(ids, "to delegate")

    def action_mark_all(self) -> None:
        self._toggle([i.id for i in self._view()], "in view")

    # -- A: accept the highlighted item's suggestion -------------------------------------------

    def action_accept(self) -> None:
        if self.marked:
            self._batch(hand_off=False)
            return
        item = self.target_item()
        suggestion = self.suggestion(item) if item is not None else None
        if item is None or suggestion is None or item.state is not State.OPEN:
            return
        if suggestion.route is Route.DELEGATE:
            self._accept_delegation(item, suggestion)
        elif suggestion.route is Route.TAKE:
            self._accept_take(item, suggestion)
        else:
            self._accept_leave(item, suggestion)

    def _accept_delegation(self, item: Item, suggestion: Suggestion) -> None:
        # The same confirmation as ``a`` (skipped for an automation with confirm = false).
        self.confirm_delegation(item, suggestion.automation)

    def _accept_take(self, item: Item, suggestion: Suggestion) -> None:
        hours = suggestion.hours or self.backend.effort_estimate(item)
        text = handoff.route_text(item, suggestion, self.backend.budget_now(), hours=hours)

        def answered(yes: bool | None) -> None:
            if yes:
                self._take(item, hours)
            else:
                self.notify(f"Not taken: {clean(item.title, 60)}.", timeout=4, markup=False)

        self.app.push_screen(
            ConfirmScreen("Take it — confirm", text, yes="Take it", wide=True, default_yes=True),
            answered,
        )

    def _accept_leave(self, item: Item, suggestion: Suggestion) -> None:
        until = self.backend.leave_until()
        text = handoff.route_text(item, suggestion, self.backend.budget_now(), until=until)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.backend.leave(item, suggestion.reason)
            self.restate()
            self.notify(
                f"Left until it changes or {until.astimezone():%a %Y-%m-%d}.",
                timeout=4,
                markup=False,
            )

        self.app.push_screen(
            ConfirmScreen("Leave it — confirm", text, yes="Leave it", wide=True, default_yes=True),
            answered,
        )

    # -- b / A with marks: one confirmation, then each item on its own ----------------------------

    def action_hand_off(self) -> None:
        if self.marked:
            self._batch(hand_off=True)

    def _marked_items(self) -> list[Item]:
        """The marked items in the order the lists show them: panel by panel, ranked."""
        order = {kind: n for n, kind in enumerate(Kind)}
        items = [self.items[i] for i in self.marked if i in self.items]
        return sorted(items, key=lambda i: (order[i.kind], -i.impact, i.since, i.id))

    def _batch(self, *, hand_off: bool) -> None:
        items = self._marked_items()
        shown = {i.id: s for i in items if (s := self.suggestion(i)) is not None}
        proposal = self.backend.propose_batch(items, shown, hand_off=hand_off)
        if not proposal.members:
            self.notify(
                "None of the marked items can go: "
                + "; ".join(clean(p.problem, 80) for p in proposal.refused[:3]),
                title="Nothing to do",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        over = proposal.over_budget
        n = len(proposal.members)
        verb = "Hand off" if hand_off else "Accept"
        title = f"{verb} {n} — confirm"
        if over:
            title = f"Over budget — {verb.lower()} {n} anyway?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_batch(proposal)
                return
            self.notify(
                "Nothing sent; the marks are kept." + (" Over budget." if over else ""),
                title="Not confirmed",
                severity="warning" if over else "information",
                timeout=5,
                markup=False,
            )

        self.app.push_screen(
            ConfirmScreen(
                title,
                handoff.batch_text(proposal),
                yes=f"{verb} {n}" + (" anyway" if over else ""),
                wide=True,
                default_yes=not over,
            ),
            answered,
        )

    def run_batch(self, proposal: Proposal) -> None:
        ids = {p.item.id for p in proposal.members}
        self.marked -= ids
        self.delegating |= {p.item.id for p in proposal.members if p.route is Route.DELEGATE}
        self._show_marks()
        self.run_worker(
            self._run_batch(proposal, ids),
            name=BATCH_GROUP,
            group=BATCH_GROUP,
            description=f"a batch of {len(ids)}",
            exit_on_error=False,
        )

    async def _run_batch(self, proposal: Proposal, ids: set[str]) -> BatchReport | None:
        def settled(member: BatchMember) -> None:
            # Each item shows its new state as soon as it is settled, not when the batch ends.
            self.delegating.discard(member.item_id)
            self.restate()

        try:
            report = await self.backend.run_batch(proposal, settled)
        except GluetuiError as exc:
            self.notify(
                clean(f"{exc.title}\n{exc.hint}".strip(), 600),
                title="Batch stopped",
                severity="error",
                timeout=12,
                markup=False,
            )
            return None
        finally:
            self.delegating -= ids
            self.restate()
        self.announce(report)
        return report

    def announce(self, report: BatchReport) -> None:
        """The toast after a batch: how many went, failed, or are unknown."""
        trouble = report.count("failed") or report.count("unknown")
        title = "Batch finished after a restart" if report.resumed else "Batch"
        self.notify(
            report.message(),
            title=title,
            severity="warning" if trouble else "information",
            timeout=12 if trouble else 8,
            markup=False,
        )
