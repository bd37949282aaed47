"""A GitHub refresh at GitHub's limits, against a fake that enforces them (``fakehub``).

The fake refuses any query over 500,000 nodes with GitHub's documented MAX_NODE_LIMIT_EXCEEDED
answer, times out queries by the server time of the repositories they read, spends points by the
documented formula, enforces the hourly budget and the per-minute secondary limits, and answers
``Retry-After``, all on a virtual clock (no real waiting).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fakehub import SERVER_SECONDS, FakeGitHub, FakeRepo, pr_node, run_json
from gh_helpers import NOW, make_forge

from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.http import MemoryHttpCache

Build = Callable[..., GitHubForge]

#: Detectors that read no REST and no docs: what is measured is the GraphQL listing/reading.
GRAPHQL_ONLY = {
    "detectors": {
        "broken_ci": {"enabled": False},
        "flaky_test": {"enabled": False},
        "stale_doc": {"enabled": False},
    }
}


def org_hub(owners: dict[str, int], **repo: Any) -> FakeGitHub:
    repos = []
    for owner, n in owners.items():
        names = [f"{owner}/r{i:05d}" for i in range(n)]
        repos += [FakeRepo(name, **repo) for name in names]
    hub = FakeGitHub(repos)
    for owner, n in owners.items():
        hub.orgs[owner] = [f"{owner}/r{i:05d}" for i in range(n)]
    return hub


def wired(hub: FakeGitHub, **kw: Any) -> GitHubForge:
    kw.setdefault("cache", MemoryHttpCache())
    return hub.wire(make_forge(hub.transport(), **kw))


@pytest.mark.parametrize(("owners", "each"), [(1, 120), (4, 60), (50, 20)])
async def test_a_cold_refresh_of_many_owners_stays_under_the_node_limit(
    owners: int, each: int
) -> None:
    """Four owners used to go in one 530,400-node query, refused by GitHub every time. (A page
    asks for 50 detailed repositories whatever the owner has: the node count is the same.)"""
    hub = org_hub({f"org{i}": each for i in range(owners)}, pulls=[pr_node(1)])
    forge = wired(hub, orgs=[f"org{i}" for i in range(owners)], config=GRAPHQL_ONLY)
    data = await forge.fetch(NOW)
    assert not data.errors
    assert len(data.repos) == each * owners
    assert max(hub.node_counts) <= 500_000
    assert hub.calls["graphql:MAX_NODE_LIMIT_EXCEEDED"] == 0


async def test_a_thousand_explicit_repositories_stay_under_every_limit() -> None:
    """1,000 repositories: batches under the node limit, read through GraphQL alone (their runs
    are check suites, their jobs check runs): no REST call, nothing refused."""
    hub = org_hub({"acme": 1000}, runs=[run_json(1, conclusion="failure")])
    names = sorted(hub.repos)
    forge = wired(hub, repos=names)
    data = await forge.fetch(NOW)
    assert not data.errors and len(data.repos) == 1000
    assert all(r.runs for r in data.repos)
    assert max(hub.node_counts) <= 500_000
    assert hub.calls["graphql:MAX_NODE_LIMIT_EXCEEDED"] == 0
    assert hub.calls["secondary"] == 0
    assert not any(k.startswith("rest:") for k in hub.calls)


async def test_a_thousand_rest_reads_are_paced_under_the_secondary_limit() -> None:
    """On a GitHub whose GraphQL cannot resolve runs, 1,000 repositories' jobs are read over REST:
    paced under GitHub's 900 REST points a minute (the session waits; the fake refuses
    nothing)."""
    hub = org_hub({"acme": 1000}, runs=[run_json(1, conclusion="failure")])
    hub.unresolvable = {"WFR_1"}
    forge = wired(hub, repos=sorted(hub.repos))
    data = await forge.fetch(NOW)
    assert not data.errors and len(data.repos) == 1000
    assert hub.calls["secondary"] == 0
    assert hub.calls["rest:jobs"] == 1000
    assert hub.now - NOW >= timedelta(seconds=60)  # it waited (on the virtual clock)


async def test_an_owner_of_20000_repositories_is_listed_whole() -> None:
    """No cap: 400 pages of 50 detailed repositories (GitHub Enterprise, rate limits off)."""
    hub = org_hub({"big": 20_000})
    hub.hourly = None
    forge = wired(hub, orgs=["big"], config=GRAPHQL_ONLY)
    data = await forge.fetch(NOW)
    assert not data.errors
    assert len(data.repos) == 20_000
    assert {r.repo.full_name for r in data.repos} == set(hub.repos)


async def test_a_looping_cursor_stops_that_owner_and_says_so(forge_for: Build) -> None:
    hub = org_hub({"acme": 250, "other": 3})
    original = hub._owner

    def looping(login: str, cursor: str | None, *args: Any) -> Any:
        page = original(login, None if login == "acme" else cursor, *args)
        return page

    hub._owner = looping  # type: ignore[method-assign]
    forge = forge_for(hub, orgs=["acme", "other"], config=GRAPHQL_ONLY, cache=MemoryHttpCache())
    data = await forge.fetch(NOW)
    assert [e.repo for e in data.errors] == ["acme/*"]
    assert "sent before" in data.errors[0].title
    assert {r.repo.full_name for r in data.repos} >= {"other/r00000", "acme/r00000"}


async def test_batches_over_a_size_time_out_and_are_halved_down_to_what_passes() -> None:
    """Any query reading more than 5 repositories takes longer than GitHub's 10 s: the batch is
    halved until it passes, every repository is read, and the size that worked is kept."""
    hub = org_hub({"acme": 60})
    hub.repo_seconds = SERVER_SECONDS / 5 + 0.01
    cache = MemoryHttpCache()
    names = sorted(hub.repos)
    forge = wired(hub, repos=names, config=GRAPHQL_ONLY, cache=cache)
    data = await forge.fetch(NOW)
    assert not data.errors and len(data.repos) == 60
    assert hub.calls["graphql:timeout"] > 0
    # 60 of a batch of 100 -> 30 -> 15 -> 7 is over (7 x 2.01 s), 3 passes.
    assert forge.sizes["repos"] == 3
    # The next refresh of the source (a new process, same store) starts at the size that worked.
    again = wired(hub, repos=names, config=GRAPHQL_ONLY, cache=MemoryHttpCache(dict(cache.entries)))
    before = hub.calls["graphql:timeout"]
    await again.fetch(NOW)
    assert hub.calls["graphql:timeout"] == before


async def test_a_repository_too_slow_even_alone_fails_alone() -> None:
    hub = org_hub({"acme": 30})
    hub.repo_seconds = 0.5
    hub.slow["acme/r00007"] = SERVER_SECONDS + 1
    forge = wired(hub, repos=sorted(hub.repos), config=GRAPHQL_ONLY)
    data = await forge.fetch(NOW)
    assert [e.repo for e in data.errors] == ["acme/r00007"]
    assert "acme/r00007" in data.errors[0].title and "gave up" in data.errors[0].title
    assert len(data.repos) == 29
    # The size kept is one that passed for the others: at most 20 (20 x 0.5 s = 10 s).
    assert 10 <= forge.sizes["repos"] <= 20


async def test_detail_batches_that_time_out_shrink() -> None:
    """An owner whose repositories' details take too long in batches of 100 is read in smaller
    batches (the listing pages themselves carry no details)."""
    hub = org_hub({"acme": 120})
    hub.repo_seconds = SERVER_SECONDS / 12 + 0.01
    forge = wired(hub, orgs=["acme"], config=GRAPHQL_ONLY)
    data = await forge.fetch(NOW)
    assert not data.errors and len(data.repos) == 120
    assert forge.sizes["repos"] == 6  # 100 -> 50 -> 25 -> 12 is just over -> 6
    assert forge.sizes["page"] == 100


async def test_at_the_edge_of_the_hourly_budget_the_refresh_pauses_and_continues() -> None:
    """With 40 points left (a whole cold refresh of 300 repositories costs 28, with one point kept
    back per repository for the rounds that follow its details), the refresh reads what the
    budget pays for, reports the rest as waiting (each by name, with when it continues), and the
    next refresh after the reset reads only the rest."""
    files = {"README.md": "hello", "docs/a.md": "see `src`"}
    hub = org_hub({"big": 300}, pulls=[pr_node(1)], files=files)
    hub.remaining["graphql"] = 40
    cache = MemoryHttpCache()
    forge = wired(hub, orgs=["big"], cache=cache)
    first = await forge.fetch(hub.now)
    read = {r.repo.full_name for r in first.repos}
    assert 0 < len(read) < 300
    waiting = {e.repo for e in first.errors}
    assert waiting == set(hub.repos) - read
    assert all("waits for the rate limit" in e.title and e.repo in e.title for e in first.errors)
    assert first.paused_until == hub.reset_at
    assert hub.calls["spent:graphql"] == 0  # it stopped before GitHub had to refuse anything
    hub.advance((hub.reset_at - hub.now).total_seconds())
    details = hub.calls["graphql:Details"]
    second = await forge.fetch(hub.now)
    assert not second.errors and len(second.repos) == 300
    assert second.paused_until is None
    # Only the waiting ones were read (100 a batch); the others came from the store.
    assert hub.calls["graphql:Details"] - details == -(-len(waiting) // 100)


async def test_retry_after_is_honoured() -> None:
    hub = org_hub({"acme": 3})
    hub.retry_after = [30, 5]
    forge = wired(hub, repos=sorted(hub.repos))
    data = await forge.fetch(NOW)
    assert not data.errors and len(data.repos) == 3
    assert hub.slept[:2] == [30.0, 5.0]
    assert hub.calls["secondary"] == 2


async def test_a_spent_budget_from_the_start_fails_the_source_with_its_reset() -> None:
    from gluetui.errors import RateLimited

    hub = org_hub({"acme": 3})
    hub.remaining["graphql"] = 0
    forge = wired(hub, orgs=["acme"])
    with pytest.raises(RateLimited) as info:
        await forge.fetch(NOW)
    assert info.value.reset_at == hub.reset_at
