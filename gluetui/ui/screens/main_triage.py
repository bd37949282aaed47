"""The main screen's decisions: ask in a modal, record through :mod:`gluetui.ui.decisions`, redraw.

Cancelling any modal records nothing. Taking an item that would go over the sprint's budget asks
for explicit confirmation first.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from gluetui.events import Event
from gluetui.model import Item
from gluetui.textsafe import clean
from gluetui.ui import decisions
from gluetui.ui.backend import Backend
from gluetui.ui.decisions import SnoozeChoice
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen, PromptScreen, parse_hours


def _about(item: Item) -> Text:
    return Text(f"{clean(item.title, 70)}\n{clean(item.repo, 60)}")


class TriageMixin(Screen[None]):
    backend: Backend

    @property
    def current_item(self) -> Item | None:
        raise NotImplementedError

    def restate(self) -> None:
        raise NotImplementedError

    def _recorded(self, event: Event, message: str) -> None:
        self.restate()
        self.notify(message, timeout=4, markup=False)

    def action_delegate(self) -> None:
        item = self.current_item
        if item is None:
            return
        rt = self.backend.runtime
        options = []
        for name in decisions.fitting_automations(rt, item):
            auto = rt.config.automations[name]
            label = Text(name, style="bold")
            label.append(f"  {auto.oversight_hours:g} h oversight", style="dim")
            if auto.description:
                label.append(f"\n  {clean(auto.description, 80)}")
            options.append((name, label))

        def chosen(name: str | None) -> None:
            if name is not None:
                event = decisions.delegate(rt, item, name)
                self._recorded(event, f"Delegated to {name}.")

        self.app.push_screen(ChoiceScreen("Delegate to…", _about(item), options), chosen)

    def action_take(self) -> None:
        item = self.current_item
        if item is None:
            return

        def hours_given(text: str | None) -> None:
            hours = None if text is None else parse_hours(text)
            if hours is None:
                return
            budget = self.backend.budget_now()
            if not budget.would_exceed(hours):
                self._take(item, hours)
                return
            question = Text(
                f"Taking this ({hours:g} h) goes over the sprint's budget: "
                f"{budget.committed_hours:g} of {budget.budget_hours:g} h already committed.\n"
                "Take it anyway?"
            )

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._take(item, hours, over=True)

            self.app.push_screen(
                ConfirmScreen("Over budget", question, yes="Take anyway"), confirmed
            )

        self.app.push_screen(
            PromptScreen(
                "Take it myself",
                Text.assemble(_about(item), "\nHours you expect to spend:"),
                value=f"{item.effort_hours:g}",
                validate=lambda s: parse_hours(s) is not None,
                failure="Give a number of hours (1.5, 2h, 90m).",
            ),
            hours_given,
        )

    def _take(self, item: Item, hours: float, *, over: bool = False) -> None:
        event = decisions.take(self.backend.runtime, item, hours)
        self._recorded(event, f"Taken ({hours:g} h){' over budget' if over else ''}.")

    def action_snooze(self) -> None:
        item = self.current_item
        if item is None:
            return
        options = [(c.value, Text(c.label)) for c in SnoozeChoice]

        def chosen(value: str | None) -> None:
            if value is not None:
                choice = SnoozeChoice(value)
                event = decisions.snooze(self.backend.runtime, item, choice)
                self._recorded(event, f"Snoozed {choice.label.lower()}.")

        self.app.push_screen(ChoiceScreen("Snooze", _about(item), options), chosen)

    def action_dismiss_item(self) -> None:
        item = self.current_item
        if item is None:
            return

        def reason_given(reason: str | None) -> None:
            if reason is not None:
                event = decisions.dismiss(self.backend.runtime, item, reason.strip())
                self._recorded(event, "Dismissed.")

        self.app.push_screen(
            PromptScreen(
                "Dismiss",
                Text.assemble(_about(item), "\nWhy is this not glue work for you?"),
                placeholder="reason",
                validate=lambda s: bool(s.strip()),
                failure="Say why, so future you knows.",
            ),
            reason_given,
        )

    def action_done(self) -> None:
        item = self.current_item
        if item is None:
            return

        def hours_given(text: str | None) -> None:
            if text is None:
                return
            hours = parse_hours(text) if text.strip() else None
            event = decisions.done(self.backend.runtime, item, hours)
            self._recorded(event, "Marked done.")

        self.app.push_screen(
            PromptScreen(
                "Mark done",
                Text.assemble(_about(item), "\nHours actually spent (optional):"),
                placeholder="e.g. 1.5 — leave empty if you don't know",
                validate=lambda s: not s.strip() or parse_hours(s) is not None,
                failure="Give a number of hours, or leave it empty.",
            ),
            hours_given,
        )

    def action_undo(self) -> None:
        undone = decisions.undo(self.backend.runtime)
        if undone is None:
            self.notify("Nothing to undo.", timeout=3)
            return
        self.restate()
        self.notify(f"Undid {undone.action.value}.", timeout=4)
