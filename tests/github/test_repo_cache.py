"""An unchanged repository costs no GraphQL query on the next refresh; a changed one is re-read."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from fakehub import FakeGitHub, FakeRepo, commit_node, job_json, pr_node, run_json
from gh_helpers import NOW
from test_github_fetch import _ci_repo, _doc_repo, simple_refs

from gluetui.forges.github import docs as github_docs
from gluetui.forges.github import repocache as rc
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.http import MemoryHttpCache
from gluetui.records import DocFile

Build = Callable[..., GitHubForge]


@pytest.fixture(autouse=True)
def _docrefs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(github_docs, "referenced_paths", simple_refs)


def _repos() -> list[FakeRepo]:
    docs = _doc_repo()
    docs.pulls = [pr_node(7, updatedAt="2026-11-24T08:00:00Z")]
    ci = _ci_repo()
    ci.full = "acme/ci"
    for run in ci.runs:
        run["node_id"] = f"WFR_{run['id']}"
    return [docs, ci]


def _graphql(hub: FakeGitHub) -> dict[str, int]:
    return {k: v for k, v in hub.calls.items() if k.startswith("graphql:")}


async def test_unchanged_repositories_cost_only_the_listing(forge_for: Build) -> None:
    hub = FakeGitHub(_repos())
    hub.orgs["acme"] = ["acme/app", "acme/ci"]
    forge = forge_for(hub, orgs=["acme"], cache=MemoryHttpCache())
    first = await forge.fetch(NOW)
    cold = _graphql(hub)
    # Nothing stored: one listing page with the trees and sizes, one details query (the docs'
    # texts, the runs, the viewer's teams), one followup (doc history, the runs' jobs), and the
    # failed tests of the flaky job.
    assert cold == {
        "graphql:Owners": 1,
        "graphql:Details": 1,
        "graphql:Followup": 1,
        "graphql:Tests": 1,
    }
    hub.calls.clear()
    second = await forge.fetch(NOW + timedelta(minutes=5))
    # One listing query (stamps unchanged), nothing else: no REST, no other query.
    assert _graphql(hub) == {"graphql:Owners": 1}
    assert sum(hub.calls.values()) == 1
    assert second.repos == first.repos
    assert second.viewer_teams == first.viewer_teams == ("acme/platform",)


async def test_a_push_or_a_pull_request_update_rereads_that_repository(forge_for: Build) -> None:
    repos = _repos()
    hub = FakeGitHub(repos)
    forge = forge_for(hub, repos=["acme/app", "acme/ci"], cache=MemoryHttpCache())
    await forge.fetch(NOW)
    repos[0].head = "a" * 40  # a push to the default branch
    repos[0].files["src/new.py"] = "x"
    hub.calls.clear()
    data = await forge.fetch(NOW)
    # Only the pushed repository is read: its details (with its tree), then its docs' texts.
    assert hub.calls["graphql:Details"] == 1 and hub.calls["graphql:Docs"] == 1
    details = next(r for r in reversed(hub.requests) if b"query Details" in r.content)
    assert b"acme/ci" not in details.content.replace(b"acme/app", b"")
    assert "src/new.py" in data.repos[0].tree
    repos[1].pulls = [pr_node(9, updatedAt="2026-11-25T07:00:00Z")]  # a new pull request
    hub.calls.clear()
    data = await forge.fetch(NOW)
    assert hub.calls["graphql:Details"] == 1 and hub.calls["graphql:Docs"] == 0
    assert [p.number for p in data.repos[1].pulls] == [9]


async def test_entries_expire(forge_for: Build) -> None:
    hub = FakeGitHub(_repos())
    forge = forge_for(hub, repos=["acme/app", "acme/ci"], cache=MemoryHttpCache())
    await forge.fetch(NOW)
    hub.calls.clear()
    await forge.fetch(NOW + rc.MAX_AGE)
    assert hub.calls["graphql:Details"] == 1  # too old to trust, whatever the stamp says


async def test_a_push_asks_only_the_new_runs_jobs(forge_for: Build) -> None:
    repos = _repos()
    hub = FakeGitHub(repos)
    forge = forge_for(hub, repos=["acme/app", "acme/ci"], cache=MemoryHttpCache())
    await forge.fetch(NOW)
    ci = repos[1]
    # A push, and its run failed: the head and its check state move, so the stamp does.
    ci.head = "9" * 40
    ci.runs.insert(0, run_json(40, conclusion="failure", head_sha="9" * 40, node_id="WFR_40"))
    ci.jobs[40] = [job_json(401, "lint", "failure")]
    hub.calls.clear()
    data = await forge.fetch(NOW)
    assert hub.calls["graphql:Details"] == 1 and hub.calls["graphql:Followup"] == 1
    followup = next(r for r in reversed(hub.requests) if b"query Followup" in r.content)
    # The runs that were there before lend their stored jobs: only the new one is asked.
    asked = [
        i
        for k, v in json.loads(followup.content)["variables"].items()
        if k.startswith("j")
        for i in v
    ]
    assert asked == ["WFR_40"]
    assert any(r.id == "20" and r.attempt == 2 for r in data.repos[1].runs)
    newest = next(r for r in data.repos[1].runs if r.id == "40")
    assert [(j.name, j.conclusion) for j in newest.jobs] == [("lint", "failure")]


def test_a_fresh_doc_shortens_validity() -> None:
    fresh = DocFile("a.md", "", commit_node_record("2026-11-20T00:00:00Z"))
    old = DocFile("b.md", "", commit_node_record("2025-01-01T00:00:00Z"))
    until = rc.valid_until([old, fresh], NOW, timedelta(days=30))
    assert until == min(NOW + rc.MAX_AGE, fresh.last_commit.date + timedelta(days=30))  # type: ignore[union-attr]
    assert rc.valid_until([old], NOW, timedelta(days=30)) == NOW + rc.MAX_AGE


async def test_entries_round_trip_and_bad_bodies_are_misses(forge_for: Build) -> None:
    assert rc.decode(b"not json") is None
    assert rc.decode(b'{"repo": {}}') is None
    assert rc.decode(b"[[], [], [], [], true, 1, [], {}, {}]") is None
    hub = FakeGitHub(_repos())
    cache = MemoryHttpCache()
    data = await forge_for(hub, repos=["acme/app", "acme/ci"], cache=cache).fetch(NOW)
    stored = [e for k, e in cache.entries.items() if k.startswith("gluetui:github-repo:")]
    assert len(stored) == 2
    for entry in stored:
        decoded = rc.decode(entry.body)
        assert decoded is not None and rc.decode(rc.encode(decoded)) == decoded
        got = next(r for r in data.repos if r.repo == decoded.repo)
        assert (decoded.pulls, decoded.docs, decoded.tree) == (got.pulls, got.docs, got.tree)


def commit_node_record(date: str) -> rc.Commit:
    from gluetui.forges.github.convert import commit_record

    got = commit_record(commit_node("1" * 40, date))
    assert got is not None
    return got


def test_an_entry_with_a_lone_surrogate_round_trips() -> None:
    """orjson refuses a lone surrogate (GitHub may send one, escaped); json stores it then."""
    from gluetui.forges.github.repocache import decode, encode
    from gluetui.records import Repo

    repo = Repo("github.com", "acme/app", "https://github.com/acme/app", "main")
    run = {"id": 1, "name": "ci \ud800", "conclusion": "failure", "n": 2**70}
    entry = rc.RepoEntry(repo, (), (), frozenset({"a.py"}), True, NOW, runs=(run,))
    got = decode(encode(entry))
    assert got is not None and got.runs[0]["name"] == "ci \ud800"
