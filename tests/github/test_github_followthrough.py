"""The GitHub adapter reads what "who else has it" and agents' hand-offs need, in its own queries.

Over the in-process fake GitHub: a pull request's assignees, and the lately merged or closed pull
requests (``closedPulls`` beside the open ones), through the details query and the repository cache
an unchanged refresh serves from (which costs only the listing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fakehub import FakeGitHub, FakeRepo, pr_node
from gh_helpers import NOW

from gluetui import agents
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.http import MemoryHttpCache

Build = Callable[..., GitHubForge]


def _agent_pr(number: int, state: str) -> dict[str, object]:
    node = pr_node(
        number,
        author={"__typename": "Bot", "login": "copilot-swe-agent"},
        headRefName="copilot/fix-12",
        bodyText="Fixes #12",
        state=state,
        closedAt="2026-11-24T10:00:00Z",
        mergedAt="2026-11-24T10:00:00Z" if state == "MERGED" else None,
    )
    return node


async def test_assignees_and_merged_pulls_come_with_the_details(forge_for: Build) -> None:
    repo = FakeRepo(
        "acme/app",
        pulls=[pr_node(7, assignees={"nodes": [{"login": "gus"}]})],
        closed=[_agent_pr(13, "MERGED"), _agent_pr(14, "CLOSED")],
    )
    hub = FakeGitHub([repo])
    hub.orgs["acme"] = ["acme/app"]
    forge = forge_for(hub, orgs=["acme"], cache=MemoryHttpCache())
    cold = (await forge.fetch(NOW)).repos[0]
    assert cold.pulls[0].assignees == ("gus",)
    merged, closed = cold.closed_pulls
    assert (merged.number, merged.state, merged.author) == (13, "merged", "copilot-swe-agent[bot]")
    assert (closed.number, closed.state) == (14, "closed")
    assert merged.closed_at is not None and merged.head_branch == "copilot/fix-12"
    hub.calls.clear()
    warm = (await forge.fetch(NOW + timedelta(minutes=5))).repos[0]  # unchanged: from the cache
    assert dict(hub.calls) == {"graphql:Owners": 1}  # the listing only
    assert warm.pulls[0].assignees == ("gus",)
    assert [(p.number, p.state) for p in warm.closed_pulls] == [(13, "merged"), (14, "closed")]
    handoff = agents.HandOff(
        "k",
        "github.com/acme/app#broken_ci/CI",
        "acme/app",
        "Copilot",
        NOW - timedelta(days=30),
        ref="12",
    )
    found = agents.find(handoff, warm)
    assert found is not None and (found.number, found.state) == (13, "merged")
