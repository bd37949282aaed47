"""Failures that must never pass for data, and messages that name the real cause.

A redirect to another host, an answer without what was asked for, a server without a GraphQL
endpoint, a 403 that is about rights rather than the token, a body that trickles, JSON nested past
any parser, a doc path that cannot be sent, a malformed field: each fails only what it concerns,
with a sentence that says what happened.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fakehub import FakeGitHub, FakeRepo, commit_node, job_json, run_json
from gh_helpers import NOW, make_forge

from gluetui.errors import AuthError, ForgeError
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.http import HttpSession, MemoryHttpCache, Unreachable, make_client

Build = Callable[..., GitHubForge]


def hub_of(*names: str, **repo: Any) -> FakeGitHub:
    return FakeGitHub([FakeRepo(n, **repo) for n in names])


async def test_a_redirect_to_another_host_is_an_error_never_data(forge_for: Build) -> None:
    hub = hub_of("acme/app")
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.host)
        if request.url.host == "api.github.com":
            return httpx.Response(301, headers={"location": "https://evil.example/graphql"})
        return hub.handle(request)  # what the other host would have said: never asked

    forge = forge_for(httpx.MockTransport(handle), repos=["acme/app"])
    with pytest.raises(ForgeError) as info:
        await forge.fetch(NOW)
    assert "another host (evil.example)" in info.value.title
    assert asked == ["api.github.com"]


async def test_a_same_host_redirect_is_followed(forge_for: Build) -> None:
    """GitHub redirects a renamed repository's REST URLs on its own host."""
    hub = hub_of(
        "acme/app",
        runs=[run_json(1, conclusion="failure")],
        jobs={1: [job_json(11, "test", "failure")]},
    )

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/repos/acme/old-name/actions/runs/1/jobs":
            return httpx.Response(
                301, headers={"location": "/repos/acme/app/actions/runs/1/jobs?filter=all"}
            )
        return hub.handle(request)

    forge = forge_for(httpx.MockTransport(handle), repos=["acme/app"])
    from gluetui.forges.github import runs as github_runs

    jobs, _ = await github_runs.rest_jobs(forge.session, "acme/old-name", [{"id": 1}])
    assert [j["id"] for j in jobs["1"]] == [11]


async def test_an_answer_without_the_asked_alias_is_an_error(forge_for: Build) -> None:
    hub = hub_of("acme/app")
    hub.orgs["acme"] = ["acme/app"]

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql") and b"query Owners" in request.content:
            # 5 MB of something else, but not w0.
            return httpx.Response(
                200, json={"data": {"viewer": {"login": "x"}, "blob": "x" * 5_000_000}}
            )
        return hub.handle(request)

    forge = forge_for(httpx.MockTransport(handle), orgs=["acme"], cache=MemoryHttpCache())
    with pytest.raises(ForgeError) as info:
        await forge.fetch(NOW)
    assert "lacks what was asked for" in info.value.title


async def test_an_owner_github_cannot_resolve_is_an_owner_error(forge_for: Build) -> None:
    hub = hub_of("acme/app", "other/lib")
    hub.orgs["other"] = ["other/lib"]  # "acme" is unknown: null plus NOT_FOUND at its path
    forge = forge_for(hub, orgs=["acme", "other"], cache=MemoryHttpCache())
    data = await forge.fetch(NOW)
    assert [e.repo for e in data.errors] == ["acme/*"]
    assert "acme" in data.errors[0].title and "not found" in data.errors[0].title
    assert [r.repo.full_name for r in data.repos] == ["other/lib"]


@pytest.mark.parametrize("url", ["https://ghe.example.com", "https://ghe.example.com/api/v3"])
async def test_no_graphql_endpoint_says_so(url: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "Not Found"})

    forge = make_forge(httpx.MockTransport(handle), repos=["acme/app"], url=url)
    with pytest.raises(ForgeError) as info:
        await forge.fetch(NOW)
    assert "There is no GitHub GraphQL API at https://ghe.example.com/" in info.value.title
    assert "api/v3" in info.value.hint
    assert "repositories was not found" not in info.value.title


async def test_admin_rights_are_a_permission_not_a_bad_token(forge_for: Build) -> None:
    hub = hub_of("acme/app", "acme/lib", runs=[run_json(1, conclusion="failure")])
    hub.unresolvable = {"WFR_1"}  # the runs' jobs are read over REST
    original = hub.rest

    def rest(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/repos/acme/app/"):
            return httpx.Response(403, json={"message": "Must have admin rights to Repository."})
        return original(request)

    hub.rest = rest  # type: ignore[method-assign]
    forge = forge_for(hub, repos=["acme/app", "acme/lib"])
    data = await forge.fetch(NOW)
    (error,) = data.errors
    assert error.repo == "acme/app"
    assert "lacks admin rights" in error.title and "Must have admin rights" in error.title
    assert "token itself is valid" in error.hint
    assert "Put a valid token" not in error.hint
    assert [r.repo.full_name for r in data.repos] == ["acme/lib"]


async def test_json_nested_past_any_parser_fails_only_its_repository(forge_for: Build) -> None:
    hub = hub_of("acme/app", "acme/lib", runs=[run_json(1, conclusion="failure")])
    hub.unresolvable = {"WFR_1"}  # the runs' jobs are read over REST
    original = hub.rest

    def rest(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/repos/acme/app/actions/runs/1/jobs":
            return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)
        return original(request)

    hub.rest = rest  # type: ignore[method-assign]
    forge = forge_for(hub, repos=["acme/app", "acme/lib"])
    data = await forge.fetch(NOW)
    (error,) = data.errors
    assert error.repo == "acme/app" and "nested too deeply" in error.title
    assert "RecursionError" not in error.title + error.hint
    assert [r.repo.full_name for r in data.repos] == ["acme/lib"]


async def test_a_malformed_run_attempt_fails_only_its_repository(forge_for: Build) -> None:
    bad = run_json(2, conclusion="failure")
    jobs = {2: [job_json(21, "test", "failure", attempt="2x")]}  # type: ignore[arg-type]
    hub = FakeGitHub(
        [FakeRepo("acme/app", runs=[bad], jobs=jobs), FakeRepo("acme/lib", runs=[run_json(3)])]
    )
    hub.unresolvable = {"WFR_2", "WFR_3"}  # REST says the attempt (GraphQL numbers them itself)
    forge = forge_for(hub, repos=["acme/app", "acme/lib"])
    data = await forge.fetch(NOW)
    (error,) = data.errors
    assert error.repo == "acme/app" and "run_attempt" in error.title
    assert [r.repo.full_name for r in data.repos] == ["acme/lib"]


def _docs_repo(name: str, doc: str) -> FakeRepo:
    old = commit_node("d" * 40, "2025-01-01T00:00:00Z")
    return FakeRepo(
        name,
        files={doc: "Run `src/app.py`.", "src/app.py": "print()", "README.md": "hi"},
        last_commits={doc: old},
    )


async def test_a_lone_surrogate_in_a_doc_path_fails_only_that_repositorys_docs(
    forge_for: Build,
) -> None:
    hub = FakeGitHub(
        [_docs_repo("acme/app", "docs/\udc80broken.md"), _docs_repo("acme/lib", "docs/guide.md")]
    )
    forge = forge_for(hub, repos=["acme/app", "acme/lib"])
    data = await forge.fetch(NOW)
    (error,) = data.errors
    assert error.repo == "acme/app" and error.kinds == ("stale_doc",)
    assert "not valid Unicode" in error.title
    by = {r.repo.full_name: r for r in data.repos}
    assert set(by) == {"acme/app", "acme/lib"}  # its pull requests and runs still refresh
    assert "docs/guide.md" in [d.path for d in by["acme/lib"].docs]


async def test_a_doc_path_with_odd_characters_is_read_by_its_real_name(forge_for: Build) -> None:
    odd = "docs/guide ünïcode [draft] #1?%20.md"
    hub = FakeGitHub([_docs_repo("acme/app", odd)])
    forge = forge_for(hub, repos=["acme/app"])
    data = await forge.fetch(NOW)
    assert not data.errors
    (repo,) = data.repos
    assert odd in [d.path for d in repo.docs]
    sent = [json.loads(r.content) for r in hub.requests if r.url.path.endswith("/graphql")]
    assert any(odd in v.values() for v in (p["variables"] for p in sent))


class Trickle(httpx.AsyncByteStream):
    """A body that arrives one byte every ``every`` (virtual) seconds."""

    def __init__(self, body: bytes, every: float, sleep: Callable[[float], Any]) -> None:
        self.body, self.every, self.sleep = body, every, sleep

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for i in range(len(self.body)):
            yield self.body[i : i + 1]
            await self.sleep(self.every)


async def test_a_trickling_body_fails_in_about_the_timeout() -> None:
    """httpx's timeouts are per read: a byte every 2 s never trips a 5 s timeout. The session's
    deadline covers the whole exchange, on the (virtual) clock."""
    now = [NOW]

    async def sleep(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)
        await asyncio.sleep(0)

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Trickle(b'{"data": {}}' * 100, 2.0, sleep))

    client = make_client(
        "https://api.github.com", headers={}, timeout=5, transport=httpx.MockTransport(handle)
    )
    session = HttpSession(
        client, label="GitHub", source="work", auth_hint="", sleep=sleep, clock=lambda: now[0]
    )
    with pytest.raises(Unreachable) as info:
        await session.get("/repos/acme/app/actions/runs", what="the runs of acme/app")
    assert "did not answer in time" in info.value.title
    assert timedelta(seconds=5) < now[0] - NOW <= timedelta(seconds=8)
    assert session.stats["requests"] == 1  # not tried again: that would double the wait


async def test_a_403_about_the_token_itself_still_names_the_token(forge_for: Build) -> None:
    """Only a 401 says 'replace the token'; a plain 403 names what the token lacks."""

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "Forbidden"})

    forge = forge_for(httpx.MockTransport(handle), repos=["acme/app"])
    with pytest.raises(AuthError) as info:
        await forge.fetch(NOW)
    assert "lacks a permission" in info.value.title and "(403)" in info.value.title
