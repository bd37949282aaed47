"""The main screen's own decisions: ask in a modal, record (through the backend), redraw.

The decisions themselves are :mod:`gluetui.decisions`' (headless): taking owns the budget rule,
and going over asks for explicit confirmation here and then overrides. Cancelling any modal
records nothing. Telling the forge (``assign_on_take``) runs in a worker that can fail without
taking the app down: the one ``Worker.StateChanged`` handler reports it.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from gluetui.decisions import OverBudget, SnoozeChoice
from gluetui.errors import GluetuiError
from gluetui.model import Item
from gluetui.textsafe import clean
from gluetui.ui import render
from gluetui.ui.backend import Backend
from gluetui.ui.screens.modals import ChoiceScreen, ConfirmScreen, PromptScreen, parse_hours


def _about(item: Item) -> Text:
    return Text(f"{clean(item.title, 70)}\n{clean(item.repo, 60)}")


class TriageMixin(Screen[None]):
    backend: Backend

    @property
    def current_item(self) -> Item | None:
        raise NotImplementedError

    def target_item(self) -> Item | None:
        raise NotImplementedError

    def restate(self) -> None:
        raise NotImplementedError

    def _recorded(self, message: str) -> None:
        self.restate()
        self.notify(message, timeout=4, markup=False)

    def _refused(self, exc: GluetuiError) -> None:
        self.notify(
            clean(f"{exc.title}\n{exc.hint}".strip(), 600),
            title="Not recorded",
            severity="error",
            timeout=10,
            markup=False,
        )

    def action_take(self) -> None:
        item = self.target_item()
        if item is None:
            return
        if item.taken_by:
            self._ask_taken_too(item)
            return
        self._ask_hours(item)

    def _ask_taken_too(self, item: Item) -> None:
        """A teammate has it on the forge: say who, and take it only on an explicit yes."""
        question = Text.assemble(
            _about(item),
            "\n\n",
            (f"T{render.taken_words(item)[1:]} on the forge.", "bold"),
            "\nTaking it too means two people on the same work. Take it anyway?",
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._ask_hours(item)
                return
            self.notify(
                f"Not taken: {clean(item.title, 60)} ({render.taken_words(item)}).",
                title="Nothing recorded",
                timeout=6,
                markup=False,
            )

        self.app.push_screen(
            ConfirmScreen("Someone else has it", question, yes="Take it too"), confirmed
        )

    def _ask_hours(self, item: Item) -> None:
        prefill = self.backend.effort_estimate(item)

        def hours_given(text: str | None) -> None:
            hours = None if text is None else parse_hours(text)
            if hours is not None:
                self._take(item, hours)

        self.app.push_screen(
            PromptScreen(
                "Take it myself",
                Text.assemble(_about(item), "\nHours you expect to spend (from the effort rules):"),
                value=f"{prefill:g}",
                validate=lambda s: parse_hours(s) is not None,
                failure="Give a number of hours (1.5, 2h, 90m).",
            ),
            hours_given,
        )

    def _take(self, item: Item, hours: float) -> None:
        try:
            self.backend.take(item, hours)
        except OverBudget as exc:
            question = Text(f"{exc.title}\n{exc.hint}\n\nTake it anyway?")
            why = exc.title  # ``exc`` is gone once the except block ends

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._override(item, hours)
                    return
                # "No" is the default: say so, or enter, enter looks like it did nothing.
                self.notify(
                    f"Not taken: {clean(item.title, 60)}. {why}",
                    title="Nothing recorded",
                    severity="warning",
                    timeout=8,
                    markup=False,
                )

            self.app.push_screen(
                ConfirmScreen("Over budget", question, yes="Take anyway"), confirmed
            )
            return
        except GluetuiError as exc:
            self._refused(exc)
            return
        self._recorded(f"Taken ({hours:g} h).")
        self._tell_forge(item)

    def _override(self, item: Item, hours: float) -> None:
        try:
            self.backend.take(item, hours, override=True)
        except GluetuiError as exc:
            self._refused(exc)
            return
        self._recorded(f"Taken ({hours:g} h) over budget.")
        self._tell_forge(item)

    def _tell_forge(self, item: Item) -> None:
        """Run the config's ``assign_on_take`` automation off the UI thread (if one fits)."""
        if self.backend.config.assign_on_take:
            self.run_worker(
                self._assign_on_take(item),
                name=f"assign-on-take:{item.id}",
                group="assign-on-take",
                description="telling the forge you took it",
                exit_on_error=False,
            )

    async def _assign_on_take(self, item: Item) -> None:
        try:
            outcome = await self.backend.assign_on_take(item)
        except GluetuiError as exc:
            self.notify(
                clean(f"{exc.title}\n{exc.hint}".strip(), 600),
                title="Taken; the forge was not told",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        if outcome is not None:
            self.notify(clean(outcome.message, 300), title="On the forge", timeout=4, markup=False)

    def action_snooze(self) -> None:
        item = self.target_item()
        if item is None:
            return
        options = [(c.value, Text(c.label)) for c in SnoozeChoice]

        def chosen(value: str | None) -> None:
            if value is not None:
                choice = SnoozeChoice(value)
                self.backend.snooze(item, choice)
                self._recorded(f"Snoozed {choice.label.lower()}.")

        self.app.push_screen(ChoiceScreen("Snooze", _about(item), options), chosen)

    def action_dismiss_item(self) -> None:
        item = self.target_item()
        if item is None:
            return

        def reason_given(reason: str | None) -> None:
            if reason is not None:
                self.backend.dismiss(item, reason.strip())
                self._recorded("Dismissed.")

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
        item = self.target_item()
        if item is None:
            return

        def hours_given(text: str | None) -> None:
            if text is None:
                return
            hours = parse_hours(text) if text.strip() else None
            try:
                self.backend.done(item, hours)
            except GluetuiError as exc:
                self._refused(exc)
                return
            self._recorded("Marked done" + (f" ({hours:g} h)." if hours is not None else "."))

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
        undone = self.backend.undo()
        if undone is None:
            self.notify("Nothing to undo.", timeout=3)
            return
        self.restate()
        if undone.on_forge:
            # Undo is local: say what stays on the forge, or it reads as if nothing happened.
            self.notify(
                clean(undone.message, 600),
                title="Undone here, not on the forge",
                severity="warning",
                timeout=12,
                markup=False,
            )
            return
        self.notify(undone.message, timeout=4, markup=False)
