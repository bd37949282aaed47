"""A CI-sized run of the benchmark harness: counts requests, never times.

The fake forge (4 repositories, no latency) runs in this process's threads. The checks: the
baseline's own request count equals the server's; 304s are free and GraphQL points follow GitHub's
rule; the server executes real queries against GitHub's schema; and, once the adapters exist, a
warm gluetui refresh costs no REST points and its GraphQL documents execute without errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bench.baseline_pygithub import run_baseline
from bench.fakeforge import ANCHOR, spawn_server, start_server
from bench.fakeforge.model import Organisation
from bench.fakeforge.schema import SchemaUnavailable, github_schema
from bench.gluetui_side import (
    GluetuiClient,
    github_available,
    gitlab_available,
    reset_stats,
    server_stats,
)

N = 4
AUTH = {"Authorization": "Bearer bench-token"}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    base, stop = start_server(N, 0.0, 0)
    try:
        yield base
    finally:
        stop()


@pytest.fixture
def schema_ready() -> None:
    try:
        github_schema()
    except SchemaUnavailable as exc:
        pytest.skip(f"GitHub's GraphQL schema is unavailable: {exc}")


def graphql(url: str, query: str, **variables: Any) -> dict[str, Any]:
    reply = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, headers=AUTH
    )
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    return body


def test_the_organisation_is_deterministic_from_the_seed() -> None:
    a, b, c = Organisation(5, seed=0), Organisation(5, seed=0), Organisation(5, seed=1)
    assert a.repo(3) == b.repo(3)
    assert a.repo(3).commits != c.repo(3).commits
    flaky = [r for i in range(40) for r in Organisation(40).repo(i).runs if len(r.attempts) > 1]
    assert flaky, "some runs are flaky: attempt 1 failed, attempt 2 passed"
    assert all(
        r.attempts[0].conclusion == "failure" and r.latest.conclusion == "success" for r in flaky
    )


def test_baseline_request_count_matches_the_server(url: str) -> None:
    reset_stats(url)
    result = run_baseline(url)
    stats = server_stats(url)
    routes = stats["routes"]
    assert result.repos == N
    assert result.requests > 0
    assert result.requests == stats["requests"] == stats["github_rest"]
    assert stats["github_rest_points"] == result.requests  # no 304s: PyGithub sends no ETags
    assert routes["GET /repos/{owner}/{repo}/pulls"] == N
    assert routes["GET /repos/{owner}/{repo}/actions/runs"] == N
    assert routes["GET /repos/{owner}/{repo}/git/trees/{sha}"] == N
    assert routes.get("GET /repos/{owner}/{repo}/pulls/{number}/reviews", 0) == result.pulls
    assert (
        routes.get("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", 0)
        == result.runs_with_jobs
    )
    assert routes["GET /repos/{owner}/{repo}/contents/{path}"] == result.docs
    assert stats.get("status_404", 0) == 0


def test_baseline_works_under_the_enterprise_prefix(url: str) -> None:
    reset_stats(url)
    direct = run_baseline(url)
    reset_stats(url)
    prefixed = run_baseline(f"{url}/api/v3")
    assert prefixed.requests == direct.requests == server_stats(url)["requests"]


def test_conditional_get_is_a_free_304(url: str) -> None:
    reset_stats(url)
    path = f"{url}/repos/bench-org/repo-0001/actions/runs"
    first = httpx.get(path, params={"branch": "main"}, headers=AUTH)
    again = httpx.get(
        path, params={"branch": "main"}, headers={**AUTH, "If-None-Match": first.headers["etag"]}
    )
    assert (first.status_code, again.status_code) == (200, 304)
    assert again.content == b""
    assert first.headers["x-ratelimit-used"] == again.headers["x-ratelimit-used"] == "1"
    assert again.headers["x-ratelimit-resource"] == "core"
    stats = server_stats(url)
    assert (stats["github_rest"], stats["github_rest_304"], stats["github_rest_points"]) == (
        2,
        1,
        1,
    )


def test_unauthenticated_requests_are_refused(url: str) -> None:
    assert httpx.get(f"{url}/orgs/bench-org/repos").status_code == 401
    assert httpx.get(f"{url}/api/v4/user").status_code == 401


@pytest.mark.usefixtures("schema_ready")
def test_graphql_points_follow_githubs_rule(url: str) -> None:
    reset_stats(url)
    body = graphql(
        url,
        """query($org: String!) {
          rateLimit { cost remaining }
          organization(login: $org) {
            repositories(first: 100) {
              nodes { nameWithOwner pullRequests(first: 50, states: OPEN) { nodes { number } } }
            }
          }
          missing: repository(owner: "bench-org", name: "nope") { id }
        }""",
        org="bench-org",
    )
    # 1 request for the repositories + 100 (one per repository) for their pull requests = 101 -> 1.
    assert body["data"]["rateLimit"] == {"cost": 1, "remaining": 4999}
    assert len(body["data"]["organization"]["repositories"]["nodes"]) == N
    assert body["data"]["missing"] is None
    assert [e.get("type") for e in body["errors"]] == ["NOT_FOUND"]
    deep = graphql(
        url,
        """{ organization(login: "bench-org") { repositories(first: 100) { nodes {
              pullRequests(first: 50) { nodes { reviews(first: 20) { totalCount } } } } } } }""",
    )
    assert "errors" not in deep
    stats = server_stats(url)
    # 1 + 100 + 100 * 50 = 5101 requests -> 51 points.
    assert stats["github_graphql_points"] == 1 + 51
    assert stats["github_graphql"] == 2
    assert stats["github_graphql_errors"] == 0


@pytest.mark.usefixtures("schema_ready")
def test_graphql_history_tree_and_unmodelled_fields(url: str) -> None:
    body = graphql(
        url,
        """{ repository(owner: "bench-org", name: "repo-0002") {
              defaultBranchRef { target { ... on Commit {
                history(first: 2, path: "README.md") { totalCount nodes { oid committedDate } } } } }
              root: object(expression: "HEAD:") { ... on Tree { entries { name path type } } }
              readme: object(expression: "HEAD:README.md") { ... on Blob { text } }
              forkCount stargazerCount viewerPermission
        } }""",
    )
    repo = body["data"]["repository"]
    history = repo["defaultBranchRef"]["target"]["history"]
    assert history["totalCount"] >= 1 and len(history["nodes"]) <= 2
    assert {"path": "README.md", "name": "README.md", "type": "blob"} in repo["root"]["entries"]
    assert "`src/" in repo["readme"]["text"]
    assert repo["forkCount"] == 0  # not modelled: a non-null zero rather than an error
    assert "errors" not in body


def test_gitlab_paths_serve_the_same_organisation(url: str) -> None:
    headers = {"PRIVATE-TOKEN": "bench-token"}
    projects = httpx.get(f"{url}/api/v4/groups/bench-org/projects", headers=headers).json()
    assert [p["path_with_namespace"] for p in projects] == [
        f"bench-org/repo-{i:04d}" for i in range(N)
    ]
    raw = httpx.get(
        f"{url}/api/v4/projects/bench-org%2Frepo-0001/repository/files/README.md/raw",
        params={"ref": "main"},
        headers=headers,
    )
    assert raw.status_code == 200 and raw.text.startswith("# bench-org/repo-0001")


def test_spawned_server_answers_and_stops() -> None:
    base, stop = spawn_server(2, 0.0)
    try:
        assert httpx.get(f"{base}/orgs/bench-org/repos", headers=AUTH).status_code == 200
        assert server_stats(base)["requests"] == 1
    finally:
        stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/_stats", timeout=2)


@pytest.mark.usefixtures("schema_ready")
async def test_gluetui_github_cold_then_warm(url: str) -> None:
    why = github_available()
    if why:
        pytest.skip(why)
    client = GluetuiClient(url, "github")
    try:
        cold = await client.refresh(ANCHOR)
        warm = await client.refresh(ANCHOR)
    finally:
        await client.aclose()
    assert cold.repos == N and cold.repo_errors == 0
    # The listing (stamps, trees, window sizes), one details query, one followup (doc history,
    # what failed in each run), one for the runs read whole: GraphQL only, no REST.
    assert cold.graphql == 4 and cold.graphql_rounds == 4
    assert cold.rest == 0 and cold.client_stats.get("rest_calls") == 0
    assert cold.graphql_errors == 0, cold.error_samples
    assert cold.requests == cold.client_stats.get("requests", cold.requests)
    # Nothing changed: one listing page, its stamps say so; everything else from the store.
    assert warm.requests == warm.graphql == 1 and warm.rest == 0
    assert warm.graphql_points == 1 and warm.graphql_errors == 0


LARGE = 1000
QUIET = {
    "broken_ci": {"enabled": False},
    "flaky_test": {"enabled": False},
    "stale_doc": {"enabled": False},
}


@pytest.mark.usefixtures("schema_ready")
async def test_a_large_organisation_is_listed_whole_within_githubs_budgets() -> None:
    """1,000 repositories against the fake in this process on a virtual clock that enforces
    GitHub's limits (the detectors that need runs and docs are off, to keep the fake's own work
    small): every repository listed, within the budgets, nothing refused; then an unchanged
    refresh costs its listing pages only, at most N/50 requests."""
    why = github_available()
    if why:
        pytest.skip(why)
    from bench.fakeforge.inprocess import ROOT, FakeTransport, VirtualClock, virtual_forge
    from gluetui.config.schema import Config, SourceConfig
    from gluetui.forges.github.forge import GitHubForge

    clock = VirtualClock(ANCHOR)
    fake = virtual_forge(LARGE, clock)
    client = GluetuiClient(ROOT, "github", inprocess=(FakeTransport(fake), clock))
    source = SourceConfig(name="bench", kind="github", url=ROOT, orgs=["bench-org"])
    config = Config.model_validate({"sources": [source.model_dump()], "detectors": QUIET})
    await client.forge.aclose()
    client.forge = GitHubForge.from_config(
        source, config, token="bench-token", cache=client.cache, transport=client.transport
    )
    client.forge.session.clock, client.forge.session.sleep = clock.now, clock.sleep
    try:
        cold = await client.refresh(ANCHOR)
        warm = await client.refresh(ANCHOR)
    finally:
        await client.aclose()
    assert cold.repos == LARGE and cold.repo_errors == 0
    assert cold.graphql <= LARGE // 25 and cold.rest == 0
    assert cold.points <= LARGE
    budget = cold.budget
    assert budget["refused_secondary"] == budget["refused_hourly"] == 0
    assert budget["graphql_max_points_per_hour"] <= 5000
    assert budget["graphql_max_secondary_per_minute"] <= 2000
    assert warm.repos == LARGE and warm.repo_errors == 0
    assert warm.requests <= LARGE // 50 and warm.rest == 0
    assert warm.requests == LARGE // 100  # one listing page per 100 repositories


async def test_gluetui_gitlab_cold(url: str) -> None:
    why = gitlab_available()
    if why:
        pytest.skip(why)
    client = GluetuiClient(url, "gitlab")
    try:
        cold = await client.refresh(ANCHOR)
    finally:
        await client.aclose()
    assert cold.repos == N
    # Batched GraphQL: 3 queries for the 4 projects, the group listing, and one REST commit count
    # per project whose docs drifted; issue 7's target is <= 3 requests per project.
    assert cold.requests == cold.client_stats.get("requests", cold.requests)
    assert cold.client_stats.get("graphql") == 3
    assert cold.requests <= 3 * N
    assert cold.graphql_errors == 0
