"""The interface every forge implements, and the action vocabulary delegation speaks.

A forge talks to one forge and nothing else: it fetches forge-neutral records
(:mod:`gluetui.records`) and performs actions. It raises only :mod:`gluetui.errors` types.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gluetui.records import RateLimit, SourceData

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

    def actions(self) -> frozenset[str]:
        """Action kinds (without prefix) this forge can perform."""
        return frozenset()

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
