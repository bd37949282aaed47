"""Automations: one model per ``kind``, so a key that does not belong to the kind is refused.

Every automation has the keys of :class:`Automation` (what it fits, how much oversight it costs,
when it is followed up). Its ``kind`` picks the model for the rest: :class:`CommandAutomation`
runs a local program, :class:`WebhookAutomation` posts the item, and each forge's actions
(``github.comment``, ``gitlab.note``...) are :class:`ForgeAutomation` models declared with the
forge in :mod:`gluetui.config.forges`. The schema joins them into one pydantic discriminated union
on ``kind``, so ``kind = "github.comment"`` with an ``argv`` is an error that names both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from gluetui.config.strict import KindName, Strict
from gluetui.model import Kind

#: The Copilot coding agent's login; assigning ``Copilot`` (any of :data:`_COPILOT`) hands to it.
COPILOT_AGENT = "copilot-swe-agent[bot]"
_COPILOT = frozenset({"copilot", "copilot-swe-agent", "copilot-swe-agent[bot]"})
#: Agents a comment hands work to by mentioning them, and their logins.
_MENTIONED = {"claude": "claude", "codex": "codex", "copilot": COPILOT_AGENT}
_MENTION = re.compile(r"(?<![\w@])@(claude|codex|copilot)\b", re.IGNORECASE)

#: A forge action's parameter: text, a list of texts, or a table of texts; all templated.
Param = str | list[str] | dict[str, str]


class Automation(Strict):
    """What every automation has, whatever it does.

    Templated strings may use ``{title}``, ``{url}``, ``{repo}``, ``{kind}``, ``{id}``, ``{number}``,
    ``{branch}``, ``{workflow}`` and the other placeholders of :mod:`gluetui.delegate.templates`.
    """

    kind: str
    """What the automation does (each subclass narrows it to its own literal)."""
    fits: list[KindName] = []
    """Item kinds it fits (shown in the ``a`` picker only for those)."""
    description: str = ""
    """One line shown in the picker."""
    oversight_hours: float = Field(default=0.25, ge=0)
    """Hours someone spends checking what the automation did; counts against the budget."""
    dry_run: bool = False
    """Show what would happen without doing it."""
    follow_up_hours: float = Field(default=24.0, gt=0)
    """If nothing happened after this long, the item returns to the queue."""
    confirm: bool = True
    """Ask before acting (``a``, ``A``). ``false`` is allowed only for an idempotent kind (the
    re-runs): doing it twice does no harm. Going over budget and batches always ask."""
    agent: str = ""
    """The AI agent the hand-off goes to, by its login on the forge (``copilot-swe-agent[bot]``,
    ``claude``, ``chatgpt-codex-connector[bot]``, a GitLab agent user): later refreshes find its
    pull/merge request (linked from the issue, by branch, or by its author) and show how it goes
    on the item. Implied by assigning ``Copilot`` or by mentioning ``@claude``, ``@codex`` or
    ``@copilot`` in the body; empty otherwise."""

    #: Doing it twice leaves the forge as doing it once (a re-run): ``confirm = false`` may skip
    #: the question. A comment or an issue posted twice is two of them, so other kinds may not.
    idempotent: ClassVar[bool] = False

    @property
    def agent_login(self) -> str:
        """:attr:`agent`, or the agent its assignees or body name ("" when none)."""
        if self.agent:
            return self.agent
        assignees = getattr(self, "assignees", None) or []
        if any(str(a).strip().lstrip("@").lower() in _COPILOT for a in assignees):
            return COPILOT_AGENT
        body = str(getattr(self, "body", "") or "")
        found = _MENTION.search(body)
        if found:
            return _MENTIONED[found.group(1).lower()]
        return ""

    @property
    def fits_kinds(self) -> frozenset[Kind]:
        return frozenset(Kind(k) for k in self.fits)

    @classmethod
    def own_keys(cls) -> list[str]:
        """The keys this kind takes beyond the ones every automation has (for error messages)."""
        return [name for name in cls.model_fields if name not in Automation.model_fields]


class ForgeAutomation(Automation):
    """An action a forge performs (``<forge>.<action>``). Its own keys are the action's parameters,
    rendered as templates and handed to the forge as :attr:`ActionRequest.params`."""

    #: Parameters that are never templated (none yet; a forge may name some).
    untemplated: ClassVar[frozenset[str]] = frozenset()

    @property
    def forge(self) -> str:
        """The forge whose API the action speaks (``github``, ``gitlab``)."""
        return self.kind.partition(".")[0]

    @property
    def action(self) -> str:
        """The action, without the forge prefix (``rerun_failed_jobs``, ``note``...)."""
        return self.kind.partition(".")[2]

    def params(self) -> dict[str, Param]:
        """The action's parameters that are set (empty strings, lists and tables left out)."""
        out: dict[str, Param] = {}
        for name in self.own_keys():
            value: Any = getattr(self, name)
            if value:
                out[name] = value
        return out


class CommandAutomation(Automation):
    """Runs a local program with the item's facts (argv items, JSON on stdin, GLUETUI_* env)."""

    kind: Literal["command"]
    argv: list[str] = Field(min_length=1)
    """The program and its arguments (templated per argument; never a shell string)."""
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    """Give up after this long."""


class WebhookAutomation(Automation):
    """POSTs the item as JSON to a URL, with an ``Idempotency-Key`` header."""

    kind: Literal["webhook"]
    url: str = Field(min_length=1)
    """Where the item is POSTed as JSON."""
    headers_env: dict[str, str] = {}
    """Header name -> environment variable holding its value."""
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    """Give up after this long."""
    retries: int = Field(default=2, ge=0, le=10)
    """Retries on connection errors and 5xx."""


def fitting(automations: Mapping[str, Automation], kind: Kind) -> tuple[str, ...]:
    """Names of the automations that fit items of ``kind``, in config order (the one rule the
    detectors, which list them on each item, and the ``a`` picker share)."""
    return tuple(name for name, a in automations.items() if kind in a.fits_kinds)


#: The automations that belong to no forge.
LOCAL_AUTOMATIONS: tuple[type[Automation], ...] = (CommandAutomation, WebhookAutomation)
