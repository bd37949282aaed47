"""Hand-offs to AI agents, followed through: find the agent's pull/merge request after a hand-off.

An automation with an ``agent`` (the Copilot coding agent assigned to an issue, a comment that
mentions ``@claude`` or ``@codex``, a GitLab agent user...) hands an item to an agent that works on
the forge and opens a pull/merge request. Each refresh looks for that request among what the forge
returned anyway (the open pull requests, and the few merged or closed lately), so following a
hand-off costs no request. Pure: records, hand-offs and the viewer in; sightings out. The store
keeps the last sighting per hand-off (``handoff_pulls``), and :mod:`gluetui.delegate.followup`
turns it into "working", "PR open", "waiting for your review", "merged"...

How a pull request is linked to a hand-off, in order:

1. it is the one the hand-off's action returned (the forge said which);
2. it is linked from the issue or item: its title or description says ``#N`` (``Fixes #12``) or the
   item's URL, where ``N`` is the issue the hand-off opened or the item's own number;
3. its branch names ``N`` (``copilot/fix-12``);
4. the agent opened it after the hand-off (the newest such), when the agent is known by login.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gluetui.events import Event, EventAction, effective_events
from gluetui.model import Item
from gluetui.records import PullRequest, RepoData
from gluetui.textsafe import clean

#: A pull request made within this much before the hand-off was recorded still counts (clocks).
_SLACK = timedelta(minutes=5)
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class HandOff:
    """A delegation in force to an automation with an agent: what to look for."""

    key: str
    item_id: str
    repo: str
    agent: str
    at: datetime
    #: The number the action returned (the issue it opened, the PR it assigned), "" if none.
    ref: str = ""
    #: The URL the action returned.
    url: str = ""
    #: The item's own URL and number (a PR assigned to the agent).
    item_url: str = ""
    number: str = ""


@dataclass(frozen=True, slots=True)
class AgentPull:
    """What the agent's pull/merge request looked like at the last refresh that saw it."""

    number: int
    url: str
    title: str
    #: open, merged or closed.
    state: str
    draft: bool
    #: The head commit's checks: success, failure, pending, or "".
    checks: str
    #: A review of it is requested from you (or a team of yours).
    asks_you: bool
    updated_at: datetime
    #: How it was linked to the hand-off, in words.
    how: str
    author: str = ""

    @property
    def ready(self) -> bool:
        """Open and out of draft: waiting for a person's review."""
        return self.state == "open" and not self.draft

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "url": self.url,
            "title": self.title,
            "state": self.state,
            "draft": self.draft,
            "checks": self.checks,
            "asks_you": self.asks_you,
            "updated_at": self.updated_at.isoformat(),
            "how": self.how,
            "author": self.author,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AgentPull:
        return cls(
            number=int(data.get("number") or 0),
            url=str(data.get("url") or ""),
            title=str(data.get("title") or ""),
            state=str(data.get("state") or "open"),
            draft=bool(data.get("draft", False)),
            checks=str(data.get("checks") or ""),
            asks_you=bool(data.get("asks_you", False)),
            updated_at=datetime.fromisoformat(str(data["updated_at"])),
            how=str(data.get("how") or ""),
            author=str(data.get("author") or ""),
        )


def load(data: Mapping[str, Any] | None) -> AgentPull | None:
    """A stored sighting, or None when there is none or it cannot be read (another version
    wrote it): then the hand-off reads as not seen yet, and the next refresh stores it again."""
    if not data:
        return None
    try:
        return AgentPull.from_json(data)
    except (KeyError, TypeError, ValueError):
        return None


def agent_matches(author: str, agent: str) -> bool:
    """Whether ``author`` is the agent (``copilot-swe-agent[bot]`` ~ ``Copilot``, ``claude`` ~
    ``claude[bot]``, ``codex`` ~ ``chatgpt-codex-connector[bot]``)."""
    a, b = _bare(author), _bare(agent)
    if not a or not b:
        return False
    return a == b or a.startswith(b) or b.startswith(a) or b in a.split("-")


def _bare(login: str) -> str:
    low = login.strip().lstrip("@").lower().removesuffix("[bot]")
    return {"copilot": "copilot-swe-agent"}.get(low, low)


def handoffs(
    events: Iterable[Event],
    journal_urls: Mapping[str, tuple[str, str]],
    items: Mapping[str, Item],
) -> list[HandOff]:
    """The delegations in force whose automation names an agent (``data["agent"]``).

    ``journal_urls``: journal key -> (url, ref) the action returned; ``items``: the items known
    (the item's URL and number), by id.
    """
    latest: dict[str, Event] = {}
    for event in effective_events(events):
        latest[event.item_id] = event
    out = []
    for item_id, event in latest.items():
        agent = str(event.data.get("agent") or "")
        if event.action is not EventAction.DELEGATED or not agent:
            continue
        key = str(event.data.get("key") or "")
        url, ref = journal_urls.get(key, ("", ""))
        item = items.get(item_id)
        out.append(
            HandOff(
                key=key,
                item_id=item_id,
                repo=str(event.data.get("repo") or (item.repo if item else "")),
                agent=agent,
                at=event.at,
                ref=ref if ref.isdigit() else "",
                url=url,
                item_url=item.url if item else str(event.data.get("url") or ""),
                number=item.where.get("number", "") if item else "",
            )
        )
    return out


def find(
    handoff: HandOff,
    data: RepoData,
    *,
    viewer: str = "",
    viewer_teams: Sequence[str] = (),
) -> AgentPull | None:
    """The hand-off's pull request among ``data``'s open and lately closed ones, or None."""
    own = handoff.item_url.rstrip("/")
    candidates = [
        p
        for p in (*data.pulls, *data.closed_pulls)
        if p.url.rstrip("/") != own and p.created_at >= handoff.at - _SLACK
    ]
    if handoff.url:
        for p in (*data.pulls, *data.closed_pulls):
            if p.url and p.url.rstrip("/") == handoff.url.rstrip("/") and p.url.rstrip("/") != own:
                return _sighting(p, "the pull request the hand-off returned", viewer, viewer_teams)
    numbers = [n for n in (handoff.ref, handoff.number) if n]
    newest_first = sorted(candidates, key=lambda p: p.created_at, reverse=True)
    for n in numbers:
        mention = re.compile(rf"#{n}\b|!{n}\b")
        for p in newest_first:
            if mention.search(p.title) or mention.search(p.body) or (own and own in p.body):
                return _sighting(p, f"linked from #{n}", viewer, viewer_teams)
    for n in numbers:
        for p in newest_first:
            if n in _DIGITS.findall(p.head_branch):
                return _sighting(p, f"its branch names #{n}", viewer, viewer_teams)
    for p in newest_first:
        if agent_matches(p.author, handoff.agent):
            return _sighting(p, f"opened by @{clean(p.author, 60)}", viewer, viewer_teams)
    return None


def _sighting(p: PullRequest, how: str, viewer: str, viewer_teams: Sequence[str]) -> AgentPull:
    me = {t.lower() for t in viewer_teams} | ({viewer.lower()} if viewer else set())
    return AgentPull(
        number=p.number,
        url=p.url,
        title=clean(p.title, 200),
        state=p.state,
        draft=p.draft,
        checks=p.head_status,
        asks_you=bool(me & {r.lower() for r in p.review_requests}),
        updated_at=p.closed_at or p.updated_at,
        how=how,
        author=clean(p.author, 100),
    )


def sightings(
    found: Sequence[HandOff],
    repos: Iterable[RepoData],
    *,
    viewer: str = "",
    viewer_teams: Sequence[str] = (),
) -> dict[str, tuple[HandOff, AgentPull]]:
    """Hand-off key -> (hand-off, its pull request) for those found in ``repos``."""
    by_repo: dict[str, RepoData] = {r.repo.full_name.lower(): r for r in repos}
    out: dict[str, tuple[HandOff, AgentPull]] = {}
    for handoff in found:
        data = by_repo.get(handoff.repo.lower())
        if data is None:
            continue
        pull = find(handoff, data, viewer=viewer, viewer_teams=viewer_teams)
        if pull is not None:
            out[handoff.key] = (handoff, pull)
    return out


def fold(items: Sequence[Item], pulls: Iterable[AgentPull]) -> list[Item]:
    """``items`` without the agents' own pull requests: reviewing one is the hand-off's
    oversight (already counted), not a new unrelated "unreviewed PR"."""
    urls = {p.url.rstrip("/") for p in pulls if p.url}
    if not urls:
        return list(items)
    return [i for i in items if i.url.rstrip("/") not in urls]
