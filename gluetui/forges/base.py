"""The interface every forge implements, and the action vocabulary delegation speaks.

A forge talks to one forge and nothing else: it fetches forge-neutral records
(:mod:`gluetui.records`) and performs actions. It raises only :mod:`gluetui.errors` types.

Actions are the forge's own vocabulary: it declares which it performs (:meth:`Forge.action_specs`,
saying where each one finds its target on an item) and describes the exact request it will send
(:meth:`Forge.describe`, for the confirmation modal), next to the code that sends it. Delegation
asks; it keeps no table of anyone's routes.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gluetui.records import RateLimit, SourceData
from gluetui.textsafe import clean

#: Called with (done, total, what) while a refresh runs; must be cheap and thread-safe.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """One thing to do on a forge on the user's behalf.

    ``kind`` is an automation kind without its forge prefix (``rerun_failed_jobs``, ``comment``...),
    ``repo`` the repository, ``target`` what it acts on (PR/MR number, run/pipeline/job id, or "" for
    repository-level actions such as ``create_issue``), ``params`` the rendered parameters.
    ``idempotency_key`` lets the forge (and reconciliation) recognise a repeat.
    """

    kind: str
    repo: str
    target: str
    params: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """Where one action kind finds its target on an item, so a plan can refuse before sending.

    ``target_keys`` are the item's ``where`` keys tried in order (``"number"`` is the PR/MR number);
    none means the action acts on the repository (``create_issue``). ``target_noun`` names the
    target in messages ("workflow run"); ``target_prefix`` is how the forge writes it in a
    reference (GitLab merge requests are ``!7``; ``#7`` would be an issue).
    """

    target_keys: tuple[str, ...] = ()
    target_noun: str = ""
    target_prefix: str = ""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action did: a sentence for the user, and a link/reference to follow it up."""

    ok: bool
    message: str
    url: str = ""
    ref: str = ""


class Forge(abc.ABC):
    """One configured source (a GitHub or GitLab account on one host, or the demo organisation)."""

    #: The configured source name.
    name: str
    #: "github", "gitlab" or "demo".
    kind: str
    #: The web host used in item ids.
    host: str
    #: Whose API its actions speak: automations ``<dialect>.<action>`` run on it. A forge's own
    #: kind for GitHub and GitLab; the demo organisation declares the forge it imitates.
    dialect: str

    @abc.abstractmethod
    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        """Fetch everything the detectors need for every watched repository.

        A failing repository goes into ``SourceData.errors`` and does not fail the others; a failure
        of the whole source (bad token, host unreachable, rate limit spent) raises a
        :class:`gluetui.errors.ForgeError` subclass.
        """

    @abc.abstractmethod
    async def perform(self, request: ActionRequest) -> ActionResult:
        """Do one action. Raises :class:`gluetui.errors.ActionError` (or a ForgeError) on failure."""

    def action_specs(self) -> Mapping[str, ActionSpec]:
        """The actions (without prefix) this forge performs, and where each finds its target."""
        return {}

    def describe(self, request: ActionRequest) -> str:
        """One line saying exactly what :meth:`perform` will send for ``request`` (the
        confirmation modal shows it), e.g. ``POST https://api.github.com/repos/o/r/issues/7/labels
        (labels: glue)``."""
        details = describe_params(request.params)
        where = f"{request.repo} {request.target}".strip()
        return f"{request.kind} on {where}" + (f" ({details})" if details else "")

    async def find_action(self, request: ActionRequest) -> ActionResult | None:
        """Whether an action with this idempotency key already happened (for crash reconciliation).

        Forges that cannot tell return None, and the journal then asks the user instead of re-posting.
        """
        return None

    @property
    def rate_limits(self) -> tuple[RateLimit, ...]:
        """The latest known rate-limit budgets."""
        return ()

    async def aclose(self) -> None:
        """Release connections."""
        return None


#: Parameters worth showing in a description, in this order.
_SHOWN = ("ref", "assignees", "reviewers", "team_reviewers", "labels", "title", "body")


def describe_params(params: Mapping[str, Any]) -> str:
    """``labels: glue, docs; body: Could someone...``: the parameters of a request, one line.

    Item text lands here (a rendered title): it is cleaned of terminal escapes and bounded.
    """
    parts: list[str] = []
    for key in _SHOWN:
        value = params.get(key)
        if not value:
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{key}: {clean(text, 60)}")
    inputs = params.get("inputs")
    if isinstance(inputs, Mapping) and inputs:
        parts.append("inputs: " + ", ".join(f"{k}={clean(str(v), 30)}" for k, v in inputs.items()))
    return "; ".join(parts)
