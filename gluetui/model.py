"""The domain: a unit of glue work (an :class:`Item`) and its triage state.

Items are plain frozen dataclasses so that detectors can build them without IO, the store can
serialise them to JSON, and the UI and ``gluetui items --json`` show the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The four kinds of glue work, one panel each. The values are the public names (JSON, CLI)."""

    STALE_DOC = "stale_doc"
    BROKEN_CI = "broken_ci"
    UNREVIEWED_PR = "unreviewed_pr"
    FLAKY_TEST = "flaky_test"

    @property
    def label(self) -> str:
        """The panel title."""
        return _KIND_LABELS[self]

    @property
    def resolved(self) -> str:
        """What it means on the forge that an item of this kind is no longer flagged."""
        return _KIND_RESOLVED.get(self, "it is no longer flagged")


_KIND_LABELS = {
    Kind.STALE_DOC: "Stale docs",
    Kind.BROKEN_CI: "Broken CI",
    Kind.UNREVIEWED_PR: "Unreviewed PRs/MRs",
    Kind.FLAKY_TEST: "Flaky tests",
}


#: Said when an item leaves the snapshot (a kind not listed: "it is no longer flagged").
_KIND_RESOLVED = {
    Kind.STALE_DOC: "the doc is no longer flagged (updated, or its problems fixed)",
    Kind.BROKEN_CI: "the workflow is green again",
    Kind.UNREVIEWED_PR: "it was reviewed, merged, closed or turned back into a draft",
    Kind.FLAKY_TEST: "no flake in the window any more",
}


class State(StrEnum):
    """Where an item stands in the user's triage, derived from the store's decision log."""

    OPEN = "open"
    TAKEN = "taken"
    DELEGATED = "delegated"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"
    DONE = "done"


class Route(StrEnum):
    """Where an item should go, as its suggestion says: the values are the public names (JSON)."""

    DELEGATE = "delegate"
    TAKE = "take"
    LEAVE = "leave"


class Severity(StrEnum):
    """How loudly an item should be shown; always rendered with a word or symbol, not only colour."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason an item was flagged, shown in the detail pane and in JSON.

    ``label`` is a short heading ("failing since", "dead link"), ``detail`` a sentence of plain text
    (forge text inside it is data and is escaped by whoever renders it), ``url`` an optional link.
    """

    label: str
    detail: str
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "detail": self.detail, "url": self.url}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(label=str(data["label"]), detail=str(data["detail"]), url=data.get("url"))


@dataclass(frozen=True, slots=True)
class PullFacts:
    """What a reviewer decides on, for a pull/merge request item (shown in the detail pane).

    Forge text (labels, reviewers, the description) is data, cleaned by whoever shows it.
    """

    number: int
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0
    #: Logins and ``org/team`` slugs a review is requested from.
    reviewers: tuple[str, ...] = ()
    #: Combined status of the head commit: success, failure, pending, or "" when unknown.
    checks: str = ""
    labels: tuple[str, ...] = ()
    #: The first lines of the description.
    description: str = ""
    draft: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "additions": self.additions,
            "deletions": self.deletions,
            "changed_files": self.changed_files,
            "reviewers": list(self.reviewers),
            "checks": self.checks,
            "labels": list(self.labels),
            "description": self.description,
            "draft": self.draft,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PullFacts:
        return cls(
            number=int(data.get("number") or 0),
            additions=int(data.get("additions") or 0),
            deletions=int(data.get("deletions") or 0),
            changed_files=int(data.get("changed_files") or 0),
            reviewers=tuple(str(r) for r in data.get("reviewers") or ()),
            checks=str(data.get("checks") or ""),
            labels=tuple(str(lb) for lb in data.get("labels") or ()),
            description=str(data.get("description") or ""),
            draft=bool(data.get("draft", False)),
        )


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The route :mod:`gluetui.routes` suggests for an item, with a one-line reason.

    ``hours`` is what accepting it costs against the budget: the effort estimate for ``take``,
    the automation's oversight hours for ``delegate``, nothing for ``leave``. ``over_budget`` says
    a take or delegate suggestion became ``leave`` because it no longer fits the remaining hours.
    """

    route: Route
    reason: str
    automation: str = ""
    hours: float = 0.0
    over_budget: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "route": self.route.value,
            "automation": self.automation or None,
            "reason": self.reason,
            "hours": round(self.hours, 2),
            "over_budget": self.over_budget,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Suggestion:
        return cls(
            route=Route(data["route"]),
            reason=str(data.get("reason") or ""),
            automation=str(data.get("automation") or ""),
            hours=float(data.get("hours") or 0.0),
            over_budget=bool(data.get("over_budget", False)),
        )


def make_item_id(host: str, repo: str, kind: Kind, key: str) -> str:
    """The stable id of an item: the same glue work gets the same id on every refresh.

    The host is part of it so that ``acme/api`` on github.com and on a GitHub Enterprise Server never
    collide; ``key`` is what identifies the work inside the repository (PR number, workflow, doc path,
    job or test name).
    """
    return f"{host}/{repo}#{kind.value}/{key}"


@dataclass(frozen=True, slots=True)
class Item:
    """A unit of glue work.

    Attributes:
        id: Stable across refreshes (see :func:`make_item_id`).
        kind: Which panel it belongs to.
        source: The configured source name it came from.
        host: The forge host (``github.com``, ``gitlab.example.com``).
        repo: ``owner/name`` or ``group/sub/project``.
        title: Human title; forge text, never trusted as markup.
        url: Where to open it in a browser.
        since: When the glue work started (PR opened, CI first broke, doc last changed, first flake).
        updated_at: Last change on the forge that this item reflects.
        author: Who the work is waiting on or came from (PR author, commit author), if any.
        where: Location facts for the detail pane: ``branch``, ``workflow``, ``job``, ``file``,
            ``test``, ``commit`` — whatever applies.
        evidence: Why it was flagged.
        metrics: Numbers the effort rules and sorting use (``lines_changed``, ``failing_jobs``,
            ``flake_rate``, ``code_changes``...).
        severity: How urgent it is.
        impact: Ranking score; repositories the user is accountable for weigh more.
        effort_hours: Estimated hours for a human to do it.
        automations: Names of configured automations that fit it.
        accountable: Whether the user is accountable for the repository.
        mine: Whether it is asking for the user specifically (review requested from them...).
        fingerprint: Changes when the item materially changes; "snooze until it changes" watches it.
        pull: For a pull/merge request: size, reviewers, checks, labels, description.
        taken_by: Who else has it on the forge (logins, cleaned): assigned to someone other than
            you, or a glue label names them (``taken_labels``). Its suggestion is then "leave",
            and taking it too asks first.
        suggestion: The suggested route (delegate, take, leave) as the config's ``[routes]`` gave
            it when the item was detected; :func:`gluetui.routes.apply_budget` turns what no
            longer fits the budget into ``leave`` when the item is shown. None for an item
            stored before suggestions existed (until the next refresh).
        state: Triage state, filled in from the store's decision log.
    """

    id: str
    kind: Kind
    source: str
    host: str
    repo: str
    title: str
    url: str
    since: datetime
    updated_at: datetime
    author: str | None = None
    where: Mapping[str, str] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    metrics: Mapping[str, float] = field(default_factory=dict)
    severity: Severity = Severity.MEDIUM
    impact: float = 0.0
    effort_hours: float = 0.0
    automations: tuple[str, ...] = ()
    accountable: bool = False
    mine: bool = False
    fingerprint: str = ""
    pull: PullFacts | None = None
    taken_by: tuple[str, ...] = ()
    suggestion: Suggestion | None = None
    state: State = State.OPEN

    def with_state(self, state: State) -> Item:
        return replace(self, state=state)

    def age_hours(self, now: datetime) -> float:
        """Hours since the glue work started."""
        return max(0.0, (now - self.since).total_seconds() / 3600)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; the shape ``gluetui items --json`` prints and the store keeps."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "source": self.source,
            "host": self.host,
            "repo": self.repo,
            "title": self.title,
            "url": self.url,
            "since": self.since.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "author": self.author,
            "where": dict(self.where),
            "evidence": [e.to_json() for e in self.evidence],
            "metrics": dict(self.metrics),
            "severity": self.severity.value,
            "impact": round(self.impact, 3),
            "effort_hours": round(self.effort_hours, 2),
            "automations": list(self.automations),
            "accountable": self.accountable,
            "mine": self.mine,
            "fingerprint": self.fingerprint,
            "pull": None if self.pull is None else self.pull.to_json(),
            "taken_by": list(self.taken_by),
            "suggestion": None if self.suggestion is None else self.suggestion.to_json(),
            "state": self.state.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            id=str(data["id"]),
            kind=Kind(data["kind"]),
            source=str(data["source"]),
            host=str(data["host"]),
            repo=str(data["repo"]),
            title=str(data["title"]),
            url=str(data["url"]),
            since=datetime.fromisoformat(data["since"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            author=data.get("author"),
            where={str(k): str(v) for k, v in (data.get("where") or {}).items()},
            evidence=tuple(Evidence.from_json(e) for e in data.get("evidence") or ()),
            metrics={str(k): float(v) for k, v in (data.get("metrics") or {}).items()},
            severity=Severity(data.get("severity", "medium")),
            impact=float(data.get("impact", 0.0)),
            effort_hours=float(data.get("effort_hours", 0.0)),
            automations=tuple(data.get("automations") or ()),
            accountable=bool(data.get("accountable", False)),
            mine=bool(data.get("mine", False)),
            fingerprint=str(data.get("fingerprint", "")),
            pull=PullFacts.from_json(data["pull"]) if data.get("pull") else None,
            taken_by=tuple(str(t) for t in data.get("taken_by") or ()),
            suggestion=Suggestion.from_json(data["suggestion"]) if data.get("suggestion") else None,
            state=State(data.get("state", "open")),
        )


def fingerprint(*parts: object) -> str:
    """A short, stable digest of the facts that make an item "the same" (for snooze-until-changed)."""
    blob = json.dumps([str(p) for p in parts], ensure_ascii=True)
    import hashlib  # here: reading stored items never hashes

    return hashlib.sha256(blob.encode()).hexdigest()[:16]
