"""Small modal questions: pick one of several, type a value, or confirm.

Each returns its answer through ``dismiss`` (None when cancelled with escape), so the main screen
reads them with ``push_screen(..., callback)`` and records nothing on cancel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Function
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from gluetui.keyplan import Scope
from gluetui.ui import keys

_DIALOG = {b.id: b for b in keys.bindings(Scope.DIALOG)}
_CANCEL: list[BindingType] = [_DIALOG["modal_cancel"]]


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one option; returns its id."""

    BINDINGS: ClassVar[list[BindingType]] = _CANCEL

    def __init__(
        self, title: str, subtitle: Text | str, options: Sequence[Option | tuple[str, Text]]
    ) -> None:
        super().__init__(classes="modal")
        self._title = title
        self._subtitle = subtitle
        self._options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self._title
            yield Label(self._subtitle, classes="subtitle")
            yield OptionList(
                *(o if isinstance(o, Option) else Option(o[1], id=o[0]) for o in self._options)
            )

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def parse_hours(text: str) -> float | None:
    """Hours typed by a person (``1.5``, ``2h``, ``90m``); None when it is not a finite, >= 0 number."""
    s = text.strip().lower().replace(",", ".")
    scale = 1.0
    if s.endswith("m"):
        s, scale = s[:-1], 1 / 60
    elif s.endswith("h"):
        s = s[:-1]
    try:
        value = float(s) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


class PromptScreen(ModalScreen[str | None]):
    """Type a value; returns the text (validated) or None."""

    BINDINGS: ClassVar[list[BindingType]] = _CANCEL

    def __init__(
        self,
        title: str,
        subtitle: Text | str,
        *,
        value: str = "",
        placeholder: str = "",
        validate: Callable[[str], bool] | None = None,
        failure: str = "",
    ) -> None:
        super().__init__(classes="modal")
        self._title = title
        self._subtitle = subtitle
        self._value = value
        self._placeholder = placeholder
        self._check = validate
        self._failure = failure

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self._title
            yield Label(self._subtitle, classes="subtitle")
            validators = [Function(self._check, self._failure)] if self._check else []
            yield Input(
                self._value,
                placeholder=self._placeholder,
                validators=validators,
                select_on_focus=True,
                id="prompt-input",
            )
            yield Label("", id="prompt-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        field = self.query_one("#prompt-input", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#prompt-error", Label).update(self._failure)
            return
        self.dismiss(field.value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no; escape means no.

    ``default_yes`` focuses the yes button so enter confirms (the delegation plan); otherwise the
    focused "No" makes enter the safe answer (going over budget). A long question (a batch
    listing every request) scrolls, with the movement and page keys, while a button keeps focus.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *_CANCEL,
        _DIALOG["modal_yes"],
        _DIALOG["modal_no"],
        _DIALOG["modal_down"],
        _DIALOG["modal_up"],
        _DIALOG["modal_page_down"],
        _DIALOG["modal_page_up"],
    ]

    def __init__(
        self,
        title: str,
        question: Text | str,
        yes: str = "Yes",
        *,
        wide: bool = False,
        default_yes: bool = False,
    ) -> None:
        super().__init__(classes="modal")
        self._title = title
        self._question = question
        self._yes = yes
        self._wide = wide
        self._default_yes = default_yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide" if self._wide else "dialog") as box:
            box.border_title = self._title
            with VerticalScroll(classes="question", can_focus=False):
                yield Label(self._question, classes="subtitle")
            with Horizontal(classes="buttons"):
                yield Button(self._yes, variant="warning", id="yes")
                yield Button("No", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self._default_yes else "#no", Button).focus()
        # Earlier toasts sit where the buttons are (bottom right): the question comes first.
        self.app.clear_notifications()
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """A question taller than the screen leaves: the dialog takes the screen's height and
        the question scrolls above the buttons, which always show."""
        dialog = self.query_one(".dialog", Vertical)
        width = max(20, min(self.app.size.width, 100 if self._wide else 72) - 8)
        question = self._question if isinstance(self._question, Text) else Text(self._question)
        lines = len(question.wrap(self.app.console, width))
        dialog.set_class(lines > self.app.size.height - 12, "-tall")

    def action_scroll_question(self, lines: int) -> None:
        self.query_one(".question", VerticalScroll).scroll_relative(y=lines, animate=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_cancel(self) -> None:
        self.dismiss(False)
