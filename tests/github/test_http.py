"""The shared HTTP layer: retries, rate limits, conditional GETs and error translation."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from gh_helpers import NOW, TOKEN, make_forge

from gluetui.errors import AuthError, ConfigError, ForgeError, RateLimited
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.http import (
    HttpSession,
    MemoryHttpCache,
    Unreachable,
    make_client,
    parse_rate_limit,
    retry_after,
    spent_title,
)

Handler = Callable[[httpx.Request], httpx.Response]


def session(
    handler: Handler, *, cache: MemoryHttpCache | None = None
) -> tuple[HttpSession, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = make_client(
        "https://api.github.com",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
        transport=httpx.MockTransport(handler),
    )
    s = HttpSession(
        client,
        label="GitHub",
        source="work",
        auth_hint="Set GITHUB_TOKEN.",
        cache=cache,
        sleep=sleep,
        clock=lambda: NOW,
    )
    return s, slept


def forge(handler: Handler) -> GitHubForge:
    return make_forge(httpx.MockTransport(handler), repos=["acme/app"], token_env="WORK_TOKEN")


def test_rate_limit_headers_parse() -> None:
    limit = parse_rate_limit(
        {
            "x-ratelimit-remaining": "42",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-reset": str(int(NOW.timestamp()) + 60),
            "x-ratelimit-resource": "graphql",
        }
    )
    assert limit is not None
    assert (limit.remaining, limit.limit, limit.resource) == (42, 5000, "graphql")
    assert limit.reset_at == NOW + timedelta(seconds=60)
    assert parse_rate_limit({}) is None
    assert retry_after({"retry-after": "3"}, NOW) == 3.0
    assert retry_after({"retry-after": "Wed, 25 Nov 2026 12:00:30 GMT"}, NOW) == 30.0


async def test_short_retry_after_is_retried() -> None:
    answers = [
        httpx.Response(429, headers={"retry-after": "2"}, json={"message": "slow down"}),
        httpx.Response(200, json={"ok": True}),
    ]
    s, slept = session(lambda r: answers.pop(0))
    reply = await s.get("/x", what="x")
    assert reply.json() == {"ok": True}
    assert slept == [2.0]
    assert s.stats["requests"] == 2


async def test_far_reset_raises_rate_limited_at_once() -> None:
    reset = NOW + timedelta(hours=1, minutes=5)
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            403,
            headers={
                "x-ratelimit-remaining": "0",
                "x-ratelimit-limit": "5000",
                "x-ratelimit-reset": str(int(reset.timestamp())),
            },
            json={"message": "API rate limit exceeded for user ID 1."},
        )

    s, slept = session(handler)
    with pytest.raises(RateLimited) as info:
        await s.get("/x", what="x")
    assert len(calls) == 1 and slept == []
    assert info.value.reset_at is not None
    assert abs((info.value.reset_at - reset).total_seconds()) <= 1
    assert info.value.title == spent_title("GitHub", info.value.reset_at)
    assert "GitHub rate limit spent until" in info.value.title
    assert s.rate_limits[0].remaining == 0


async def test_near_reset_waits_a_moment() -> None:
    reset = int((NOW + timedelta(seconds=2)).timestamp())
    answers = [
        httpx.Response(
            403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}, json={}
        ),
        httpx.Response(200, json=[]),
    ]
    s, slept = session(lambda r: answers.pop(0))
    await s.get("/x", what="x")
    assert slept and slept[0] <= 5


async def test_secondary_limit_without_retry_after() -> None:
    s, slept = session(
        lambda r: httpx.Response(
            403, json={"message": "You have exceeded a secondary rate limit. Please wait."}
        )
    )
    with pytest.raises(RateLimited) as info:
        await s.get("/x", what="x")
    assert info.value.reset_at == NOW + timedelta(seconds=60)
    # GitHub asks for at least a minute: the session waits that long (three times), then leaves
    # the rest to the next refresh.
    assert slept == [60.0, 60.0, 60.0]


async def test_server_errors_are_retried_then_reported() -> None:
    s, slept = session(lambda r: httpx.Response(502, text="bad gateway"))
    with pytest.raises(ForgeError) as info:
        await s.get("/x", what="the runs of acme/app")
    assert info.value.status == 502
    assert "server error (502)" in info.value.title and "transient" in info.value.hint
    assert s.stats["requests"] == 3 and len(slept) == 2


async def test_post_is_not_retried_on_server_error() -> None:
    s, _ = session(lambda r: httpx.Response(500, json={"message": "oops"}))
    with pytest.raises(ForgeError):
        await s.post("/x", {}, what="x")
    assert s.stats["requests"] == 1


async def test_post_retried_when_connection_never_opened() -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": 1})

    s, _ = session(handler)
    assert (await s.post("/x", {}, what="x")).status == 201
    assert len(attempts) == 2


async def test_post_timeout_is_not_retried() -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        raise httpx.ReadTimeout("slow", request=request)

    s, _ = session(handler)
    with pytest.raises(ForgeError) as info:
        await s.post("/x", {}, what="commenting")
    assert len(attempts) == 1
    assert "may or may not have been applied" in info.value.hint


async def test_get_timeout_is_reported_at_once_and_fails_fast_after() -> None:
    """The deadline covers the whole exchange: repeating it would make a refresh wait a multiple
    of timeout_seconds, so a timeout is reported at once and the next request fails with it."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    s, slept = session(handler)
    with pytest.raises(Unreachable) as info:
        await s.get("/x", what="the runs")
    assert "did not answer in time" in info.value.title
    assert s.stats["requests"] == 1 and slept == []
    with pytest.raises(Unreachable):
        await s.get("/y", what="the jobs")
    assert s.stats["requests"] == 1


async def test_unreachable_host() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    s, _ = session(handler)
    with pytest.raises(ForgeError) as info:
        await s.get("/x", what="x")
    assert "could not be reached" in info.value.title and "ca_bundle" in info.value.hint


async def test_conditional_get_reuses_body_on_304() -> None:
    cache = MemoryHttpCache()
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("if-none-match"))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return httpx.Response(200, headers={"etag": '"v1"'}, json={"n": 1})

    s, _ = session(handler, cache=cache)
    first = await s.get("/x", {"a": 1}, what="x")
    second = await s.get("/x", {"a": 1}, what="x")
    assert seen == [None, '"v1"']
    assert second.cached and second.json() == first.json() == {"n": 1}
    assert s.stats["not_modified"] == 1
    (key,) = cache.entries
    assert key == "GET /x?a=1" and TOKEN not in key
    assert "authorization" not in cache.entries[key].headers


async def test_401_names_the_token_source_not_the_token() -> None:
    f = forge(lambda r: httpx.Response(401, json={"message": "Bad credentials"}))
    with pytest.raises(AuthError) as info:
        await f.fetch(NOW)
    err = info.value
    assert err.title == "GitHub rejected the token for source 'work' (401)."
    assert "WORK_TOKEN" in err.hint and "read:org" in err.hint
    assert TOKEN not in str(err)


async def test_403_missing_scope_names_it() -> None:
    f = forge(
        lambda r: httpx.Response(
            403,
            headers={"x-accepted-oauth-scopes": "read:org", "x-oauth-scopes": "repo"},
            json={"message": "Forbidden"},
        )
    )
    with pytest.raises(AuthError) as info:
        await f.fetch(NOW)
    assert "lacks the read:org scope" in info.value.title


async def test_403_fine_grained_permission() -> None:
    f = forge(
        lambda r: httpx.Response(
            403, json={"message": "Resource not accessible by personal access token"}
        )
    )
    with pytest.raises(AuthError) as info:
        await f.fetch(NOW)
    assert "Pull requests" in info.value.hint and "Actions" in info.value.hint


async def test_graphql_insufficient_scopes_is_auth_error() -> None:
    f = forge(
        lambda r: httpx.Response(
            200,
            json={
                "errors": [
                    {
                        "type": "INSUFFICIENT_SCOPES",
                        "message": "Your token has not been granted the required scopes.",
                    }
                ]
            },
        )
    )
    with pytest.raises(AuthError) as info:
        await f.fetch(NOW)
    assert "repo and read:org" in info.value.hint


async def test_404_on_one_repo_runs_is_a_repo_error() -> None:
    from fakehub import FakeGitHub, FakeRepo, run_json

    runs = [run_json(1, conclusion="failure")]
    hub = FakeGitHub([FakeRepo("acme/app", runs=runs), FakeRepo("acme/lib", runs=runs)])
    hub.unresolvable = {"WFR_1"}  # the runs' jobs are read over REST
    original = hub.rest

    def rest(request: httpx.Request) -> httpx.Response:
        if "acme/lib" in request.url.path:
            return httpx.Response(404, json={"message": "Not Found"})
        return original(request)

    hub.rest = rest  # type: ignore[method-assign]
    f = make_forge(hub.transport(), repos=["acme/app", "acme/lib"])
    data = await f.fetch(NOW)
    assert [r.repo.full_name for r in data.repos] == ["acme/app"]
    (err,) = data.errors
    assert err.repo == "acme/lib" and "(404)" in err.title


def test_missing_ca_bundle_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        make_client("https://x", headers={}, timeout=1, ca_bundle=str(tmp_path / "nope.pem"))
    assert "ca_bundle" in info.value.hint


def test_spent_title_uses_local_time() -> None:
    reset = datetime(2026, 11, 25, 14, 5, tzinfo=UTC)
    assert spent_title("GitHub", reset).endswith(f"{reset.astimezone().strftime('%H:%M')}.")


async def test_rate_limit_during_runs_pauses_the_repository() -> None:
    from fakehub import FakeGitHub, FakeRepo, run_json

    hub = FakeGitHub([FakeRepo("acme/app", runs=[run_json(1, conclusion="failure")])])
    hub.unresolvable = {"WFR_1"}  # the run's jobs are read over REST
    original = hub.rest
    reset = str(int((NOW + timedelta(hours=2)).timestamp()))

    def rest(request: httpx.Request) -> httpx.Response:
        if "actions/runs" in request.url.path:
            headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
            return httpx.Response(403, headers=headers, json={"message": "rate limit"})
        return original(request)

    hub.rest = rest  # type: ignore[method-assign]
    data = await make_forge(hub.transport(), repos=["acme/app"]).fetch(NOW)
    # The refresh stops at the budget's edge: the repository waits (its last items are kept),
    # and the source says when it continues.
    assert data.repos == ()
    assert [e.repo for e in data.errors] == ["acme/app"]
    assert "waits for the rate limit" in data.errors[0].title
    assert data.paused_until is not None
    assert abs((data.paused_until - datetime.fromtimestamp(int(reset), UTC)).total_seconds()) <= 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a": [1, 2.5, "x"]}', {"a": [1, 2.5, "x"]}),
        # What orjson refuses and JSON allows decodes as the standard library does.
        (b'{"t": "\\ud800 lone"}', {"t": "\ud800 lone"}),
        (b'{"id": 9223372036854775807}', {"id": 2**63 - 1}),  # every 64-bit id is exact
    ],
)
def test_answers_decode_as_the_standard_library_decodes_them(body: bytes, expected: object) -> None:
    from gluetui.forges.http import loads

    assert loads(body) == expected == json.loads(body)


@pytest.mark.parametrize("body", [b"{no", b"\xff\xfe", b"[1,]"])
def test_what_is_not_json_is_still_a_value_error(body: bytes) -> None:
    from gluetui.forges.http import loads

    with pytest.raises(ValueError):
        loads(body)
