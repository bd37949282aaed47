"""The fault matrix: every way a forge fails, for GitHub and GitLab, through the real adapters.

Each case breaks one source after a good refresh and refreshes both. The broken source's report
says what failed and what to do (and carries the CLI's exit code); the other source refreshes
normally; the broken source's last good items stay, marked stale, neither lost nor duplicated;
nothing raises; the token appears nowhere. Requests are counted to prove retries happen only
where they are safe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from rel_fakes import GH_TOKEN, GL_TOKEN, build_forges, source
from rel_server import Answer, Request, closed_port

from gluetui.sync import SyncReport, sync_all

if TYPE_CHECKING:  # a type only: `from conftest` would depend on collection order
    from conftest import World

Fault = Callable[[Request], "Answer | None"]

RESET = 4_102_444_800  # 2100-01-01: a reset far away, so nothing sleeps through it


def always(answer: Answer) -> Fault:
    return lambda req: answer


def rate_limited(kind: str) -> Answer:
    if kind == "github":
        return Answer(
            403,
            {"message": "API rate limit exceeded for user ID 1."},
            {
                "x-ratelimit-remaining": "0",
                "x-ratelimit-limit": "5000",
                "x-ratelimit-reset": str(RESET),
            },
        )
    return Answer(429, {"message": "429 Too Many Requests"}, {"Retry-After": "3600"})


def missing_scope(kind: str) -> Answer:
    if kind == "github":
        return Answer(
            403,
            {"message": "Resource not accessible by personal access token"},
            {"x-accepted-oauth-scopes": "repo", "x-oauth-scopes": "gist"},
        )
    return Answer(403, {"error": "insufficient_scope", "scope": "read_api"})


@dataclass(frozen=True)
class Case:
    name: str
    fault: Callable[[str], Fault]
    exit_code: int
    #: Words the title or hint must contain (case-insensitive), per forge kind.
    says: tuple[str, ...]


CASES = [
    Case("401", lambda k: always(Answer(401, {"message": "Bad credentials"})), 6, ("401", "token")),
    Case("403-scope", lambda k: always(missing_scope(k)), 6, ("403", "scope")),
    Case("rate-limited", lambda k: always(rate_limited(k)), 7, ("rate limit",)),
    Case("500", lambda k: always(Answer(500, {"message": "boom"})), 5, ("500",)),
    Case("502", lambda k: always(Answer(502, "<html>Bad gateway</html>")), 5, ("502",)),
    Case("timeout", lambda k: always(Answer(200, {}, delay=1.2)), 5, ("time",)),
    Case(
        "truncated", lambda k: always(Answer(200, {"data": {"x": "y" * 400}}, truncate=True)), 5, ()
    ),
    Case(
        "invalid-json",
        lambda k: always(Answer(200, "<html>captive portal</html>", {"Content-Type": "text/html"})),
        5,
        ("json",),
    ),
]


def _gh_other(kind: str) -> str:
    return "gl" if kind == "github" else "gh"


def _name(kind: str) -> str:
    return "gh" if kind == "github" else "gl"


def check_failed_source(world: World, reports: list[SyncReport], kind: str) -> SyncReport:
    """The common promises of a failed refresh; returns the failed source's report."""
    by = {r.source: r for r in reports}
    bad, good = by[_name(kind)], by[_gh_other(kind)]
    assert not bad.ok
    assert bad.error_title and bad.error_hint, bad
    for token in (GH_TOKEN, GL_TOKEN):
        assert token not in bad.error_title + bad.error_hint
    assert good.ok and good.items == len(world.baseline[_gh_other(kind)])
    store = world.rt.store
    kept = store.load_items([_name(kind)])
    assert [i.id for i in kept] == [i.id for i in world.baseline[_name(kind)]]
    assert store.stale_sources() == {_name(kind)}
    every = store.load_items()
    assert len({i.id for i in every}) == len(every)  # nothing duplicated
    assert store.last_syncs()[_name(kind)].ok is False
    return bad


@pytest.mark.parametrize("kind", ["github", "gitlab"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_source_failure_keeps_last_items_and_says_why(
    world: World, kind: str, case: Case
) -> None:
    if case.name == "timeout":
        await _rebuild(world, kind, timeout_seconds=0.3)
    world.server(kind).fault = case.fault(kind)
    reports = await sync_all(world.rt)
    bad = check_failed_source(world, reports, kind)
    text = f"{bad.error_title} {bad.error_hint}".lower()
    for word in case.says:
        assert word in text, (case.name, bad.error_title, bad.error_hint)
    assert bad.exit_code == case.exit_code, (bad.error_title, bad.exit_code)
    # Which source failed: its name, its forge or its host.
    assert re.search(rf"\b{_name(kind)}\b|github|gitlab|127\.0\.0\.1", text), text
    if case.name == "401":
        assert "rel_g" in text  # names where the token comes from (token_env), never the token


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_retries_reads_only_where_safe(world: World, kind: str) -> None:
    """A 5xx read is retried a bounded number of times (GitHub) or not at all (GitLab)."""
    world.server(kind).fault = always(Answer(503, {"message": "unavailable"}))
    await sync_all(world.rt)
    sent = world.server(kind).count()
    assert 1 <= sent <= 3, sent


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_rate_limit_is_not_slept_through(world: World, kind: str) -> None:
    world.server(kind).fault = always(rate_limited(kind))
    reports = await sync_all(world.rt)
    bad = next(r for r in reports if r.source == _name(kind))
    assert "until" in bad.error_title
    assert world.server(kind).count() == 1  # a spent budget is not hammered


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_connection_refused(world: World, kind: str) -> None:
    await _rebuild(world, kind, url=f"http://127.0.0.1:{closed_port()}")
    reports = await sync_all(world.rt)
    bad = check_failed_source(world, reports, kind)
    assert "reach" in (bad.error_title + bad.error_hint).lower()
    assert bad.exit_code == 5


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_tls_failure_is_not_bypassed(world: World, kind: str) -> None:
    """https spoken to a plain-HTTP port: the handshake fails and nothing falls back to http."""
    before = world.server(kind).count()
    await _rebuild(world, kind, url=f"https://127.0.0.1:{world.server(kind).port}")
    reports = await sync_all(world.rt)
    bad = check_failed_source(world, reports, kind)
    assert "ca_bundle" in bad.error_hint or "tls" in (bad.error_title + bad.error_hint).lower()
    # Whatever reached the plain port was a TLS hello, not an HTTP request with the token.
    assert world.server(kind).count() == before


@pytest.mark.parametrize("kind", ["github", "gitlab"])
async def test_missing_repository_is_a_repo_error_and_keeps_its_items(
    world: World, kind: str
) -> None:
    if kind == "github":
        world.hub.repos.pop("acme/app")
    else:
        world.gl.fault = lambda req: (
            Answer(404, {"message": "404 Project Not Found"}) if "acme%2Flib" in req.path else None
        )
    reports = await sync_all(world.rt)
    report = next(r for r in reports if r.source == _name(kind))
    assert report.ok and len(report.repo_errors) == 1
    err = report.repo_errors[0]
    assert "acme/" in err.repo and "not found" in err.title.lower() and err.hint
    kept = world.rt.store.load_items([_name(kind)])
    assert [i.id for i in kept] == [i.id for i in world.baseline[_name(kind)]]


async def test_github_graphql_partial_error_keeps_the_rest(world: World) -> None:
    """A GraphQL answer with data and an error on one alias: that repository fails alone."""

    def partial(req: Request) -> Answer | None:
        if not req.bare_path.endswith("/graphql"):
            return None
        payload = json.loads(req.body)
        answer = world.hub.graphql(payload["query"], payload["variables"])
        data = answer.get("data") or {}
        # Whichever query names the repository (a change check or the full read), it fails.
        aliases = [k for k in data if re.fullmatch(r"[a-z]0", k) and k != "w0"]
        for alias in aliases:
            data[alias] = None
        answer["errors"] = [
            {"type": "FORBIDDEN", "path": [a], "message": "Resource protected by SAML"}
            for a in aliases
        ]
        return Answer(200, answer)

    world.gh.fault = partial
    reports = await sync_all(world.rt)
    gh = next(r for r in reports if r.source == "gh")
    assert gh.ok and [e.repo for e in gh.repo_errors] == ["acme/app"]
    assert "SAML" in gh.repo_errors[0].title and gh.repo_errors[0].hint
    kept = world.rt.store.load_items(["gh"])
    assert [i.id for i in kept] == [i.id for i in world.baseline["gh"]]


async def test_github_graphql_error_without_data_fails_the_source(world: World) -> None:
    world.gh.fault = always(
        Answer(200, {"errors": [{"type": "INTERNAL", "message": "Something went wrong"}]})
    )
    reports = await sync_all(world.rt)
    bad = check_failed_source(world, reports, "github")
    assert "graphql" in bad.error_title.lower()


async def test_github_pagination_loop_is_bounded(world: World) -> None:
    """MorePulls answering the same cursor forever (an empty page each time) must end."""

    def loop(req: Request) -> Answer | None:
        if not req.bare_path.endswith("/graphql"):
            return None
        payload: dict[str, Any] = json.loads(req.body)
        page = {"hasNextPage": True, "endCursor": "same"}
        if "query MorePulls" in payload["query"]:
            conn = {"totalCount": 1, "pageInfo": page, "nodes": []}
            return Answer(200, {"data": {"repository": {"pullRequests": conn}}})
        data = world.hub.graphql(payload["query"], payload["variables"])
        for key, node in data.get("data", {}).items():
            if key.startswith("r") and isinstance(node, dict) and "pullRequests" in node:
                node["pullRequests"]["pageInfo"] = page
        return Answer(200, data)

    world.gh.fault = loop
    reports = await sync_all(world.rt)
    gh = next(r for r in reports if r.source == "gh")
    assert world.gh.count(contains="graphql") <= 60, world.gh.count()
    items = world.rt.store.load_items(["gh"])
    assert len({i.id for i in items}) == len(items)
    assert gh.ok or gh.error_hint


async def test_gitlab_pagination_loop_is_bounded(world: World) -> None:
    """A Link: rel=next that points back at the same page must not loop forever."""

    def loop(req: Request) -> Answer | None:
        if "/merge_requests?" not in req.path:
            return None
        link = f'<{world.gl.url}{req.path}>; rel="next"'
        mr = world.gl.handler(Request("GET", req.bare_path, {}, b""))
        return Answer(200, mr.body, {"Link": link, "X-Next-Page": "2", "X-Page": "1"})

    world.gl.fault = loop
    reports = await sync_all(world.rt)
    gl = next(r for r in reports if r.source == "gl")
    assert world.gl.count(contains="/merge_requests?") <= 20, world.gl.count()
    items = world.rt.store.load_items(["gl"])
    assert len({i.id for i in items}) == len(items)
    assert gl.ok or gl.error_hint


async def test_every_failure_then_recovery_loses_nothing(world: World) -> None:
    """Fail, fail differently, then succeed: the snapshot comes back fresh and not stale."""
    for answer in (Answer(500, {}), Answer(401, {}), rate_limited("github")):
        world.gh.fault = always(answer)
        await sync_all(world.rt)
    world.gh.fault = None
    reports = await sync_all(world.rt)
    assert all(r.ok for r in reports)
    assert world.rt.store.stale_sources() == set()
    assert [i.id for i in world.rt.store.load_items(["gh"])] == [i.id for i in world.baseline["gh"]]


async def _rebuild(world: World, kind: str, **over: Any) -> None:
    """Replace one source's forge with one built for a changed source config."""
    server = world.server(kind)
    fields: dict[str, Any] = {"url": server.url, **over}
    src = source(kind, **fields)
    cfg = world.rt.config.model_copy(
        update={"sources": [src if s.kind == kind else s for s in world.rt.config.sources]}
    )
    forge = build_forges(cfg, world.rt.store)[0 if kind == "github" else 1]
    old = next(f for f in world.rt.forges if f.kind == kind)
    world.rt.forges = [forge if f.kind == kind else f for f in world.rt.forges]
    await old.aclose()
