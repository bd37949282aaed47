"""The bench smoke's two GitHub measurements again, with hand-offs followed through and the
team's view read back: an agent automation configured, an agent's hand-off in flight and a
teammate-assigned pull request. The counts must be what they are without them (issue 17's
budgets): both features read inside the queries gluetui already makes.

The fake forge's first repository has a pull request assigned to a teammate, its second a draft by
the Copilot coding agent (``copilot/fix-1``) — the answer to a hand-off made before the refresh.
Counts only, never times.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bench.fakeforge import ANCHOR, start_server
from bench.fakeforge.model import AGENT, VIEWER
from bench.fakeforge.schema import SchemaUnavailable, github_schema
from bench.gluetui_side import GluetuiClient, github_available
from gluetui import agents
from gluetui.config.schema import Config, SourceConfig
from gluetui.detect import DetectContext
from gluetui.detect.run import detect_all
from gluetui.records import SourceData

N = 4
#: The automations a team following agents has: Copilot by assignment, Claude by mention.
AUTOMATIONS: dict[str, dict[str, Any]] = {
    "copilot-agent": {
        "kind": "github.create_issue",
        "fits": ["broken_ci", "stale_doc", "flaky_test"],
        "title": "Fix: {title}",
        "assignees": ["Copilot"],
        "agent": AGENT,
    },
    "claude-agent": {
        "kind": "github.comment",
        "fits": ["unreviewed_pr"],
        "body": "@claude please fix what blocks the review",
    },
}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    base, stop = start_server(N, 0.0, 0)
    try:
        yield base
    finally:
        stop()


@pytest.fixture(autouse=True)
def schema_ready() -> None:
    try:
        github_schema()
    except SchemaUnavailable as exc:
        pytest.skip(f"GitHub's GraphQL schema is unavailable: {exc}")
    why = github_available()
    if why:
        pytest.skip(why)


def _config(source: SourceConfig, **extra: Any) -> Config:
    return Config.model_validate(
        {"sources": [source.model_dump()], "automations": AUTOMATIONS, **extra}
    )


def _handoff() -> agents.HandOff:
    """Issue #1 of repo-0001 was handed to Copilot three and a half hours before the anchor."""
    return agents.HandOff(
        key="bench-handoff",
        item_id="bench/bench-org/repo-0001#broken_ci/CI",
        repo="bench-org/repo-0001",
        agent=AGENT,
        at=ANCHOR - timedelta(hours=3, minutes=30),
        ref="1",
    )


def _check_features(data: SourceData, config: Config) -> None:
    """What both features show from this refresh's records alone."""
    ctx = DetectContext(
        now=ANCHOR,
        source="bench",
        host="bench",
        settings=config.detectors,
        viewer=VIEWER,
        automations=config.automations,
        taken_labels=tuple(config.taken_labels),
    )
    items = detect_all(data, ctx)
    taken = [i for i in items if i.taken_by]
    assert taken and all(VIEWER not in i.taken_by for i in taken)
    assert all(i.suggestion is not None and i.suggestion.route.value == "leave" for i in taken)
    found = agents.sightings([_handoff()], data.repos, viewer=VIEWER)
    (_, pull) = found["bench-handoff"]
    assert (pull.number, pull.draft, pull.state) == (1, True, "open")
    assert pull.how == "its branch names #1"
    assert config.automations["claude-agent"].agent_login == "claude"


async def test_cold_then_warm_with_both_features_on(url: str) -> None:
    client = GluetuiClient(url, "github")
    source = SourceConfig(name="bench", kind="github", url=url, orgs=["bench-org"])
    config = _config(source)
    await client.forge.aclose()
    from gluetui.forges.github.forge import GitHubForge

    client.forge = GitHubForge.from_config(source, config, token="bench-token", cache=client.cache)
    try:
        cold = await client.refresh(ANCHOR)
        cold_data = await client.forge.fetch(ANCHOR)  # the warm refresh's records...
        warm = await client.refresh(ANCHOR)  # ...and its counts
    finally:
        await client.aclose()
    assert cold.repos == N and cold.repo_errors == 0
    # As without the features: the listing, details, followup and whole runs; GraphQL only.
    assert cold.graphql == 4 and cold.graphql_rounds == 4
    assert cold.rest == 0 and cold.graphql_errors == 0, cold.error_samples
    # Nothing changed: one listing page. The assignee and the agent's draft come from the store.
    assert warm.requests == warm.graphql == 1 and warm.rest == 0
    assert warm.graphql_points == 1 and warm.graphql_errors == 0
    _check_features(cold_data, config)


LARGE = 1000
QUIET = {
    "broken_ci": {"enabled": False},
    "flaky_test": {"enabled": False},
    "stale_doc": {"enabled": False},
}


async def test_a_large_organisation_with_both_features_on() -> None:
    """Issue 17's 1,000-repository measurement with the features on: at most N/25 queries and 1
    point per repository cold, at most N/50 requests unchanged."""
    from bench.fakeforge.inprocess import ROOT, FakeTransport, VirtualClock, virtual_forge
    from gluetui.forges.github.forge import GitHubForge

    clock = VirtualClock(ANCHOR)
    fake = virtual_forge(LARGE, clock)
    client = GluetuiClient(ROOT, "github", inprocess=(FakeTransport(fake), clock))
    source = SourceConfig(name="bench", kind="github", url=ROOT, orgs=["bench-org"])
    config = _config(source, detectors=QUIET)
    await client.forge.aclose()
    client.forge = GitHubForge.from_config(
        source, config, token="bench-token", cache=client.cache, transport=client.transport
    )
    client.forge.session.clock, client.forge.session.sleep = clock.now, clock.sleep
    try:
        cold = await client.refresh(ANCHOR)
        warm = await client.refresh(ANCHOR)
        data = await client.forge.fetch(ANCHOR)
    finally:
        await client.aclose()
    assert cold.repos == LARGE and cold.repo_errors == 0
    assert cold.graphql <= LARGE // 25 and cold.rest == 0
    assert cold.points <= LARGE
    budget = cold.budget
    assert budget["refused_secondary"] == budget["refused_hourly"] == 0
    assert warm.repos == LARGE and warm.repo_errors == 0
    assert warm.requests <= LARGE // 50 and warm.rest == 0
    assert warm.requests == LARGE // 100
    _check_features(data, config)


async def test_gitlab_reads_both_features_in_its_own_queries(url: str) -> None:
    """The same organisation over GitLab (GraphQL, then the REST fallback): the teammate's
    assignment and the agent's draft merge request are in the records, at the same cost as
    without the features (3 GraphQL queries for the 4 projects)."""
    from gluetui.forges.gitlab.forge import GitLabForge

    source = SourceConfig(name="bench-gl", kind="gitlab", url=url, groups=["bench-org"])
    config = _config(source)
    for graphql in (True, False):
        forge = GitLabForge.from_config(source, config, token="bench-token", graphql=graphql)
        try:
            data = await forge.fetch(ANCHOR)
        finally:
            await forge.aclose()
        assert len(data.repos) == N and not data.errors
        if graphql:
            assert data.stats.get("graphql") == 3
        _check_features(data, config)
