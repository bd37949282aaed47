"""Error translation at the python-gitlab boundary, against in-process 127.0.0.1 servers."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from gl_helpers import NOW, TOKEN, exchange, make_forge

from gluetui.errors import ActionError, AuthError, ForgeError, RateLimited
from gluetui.forges.base import ActionRequest

Serve = Callable[[list[dict[str, Any]]], str]


def _no_token(exc: BaseException) -> None:
    assert TOKEN not in str(exc)
    assert TOKEN not in getattr(exc, "hint", "")
    assert TOKEN not in repr(exc)


async def test_401_is_auth_error_with_token_hint(serve: Serve) -> None:
    forge = make_forge(
        serve([exchange("GET", "/api/v4/user", {"message": "401 Unauthorized"}, 401)])
    )
    with pytest.raises(AuthError) as info:
        await forge.fetch(NOW)
    assert info.value.title == "GitLab rejected the token for source 'gl' (401)."
    for needle in ("GITLAB_TOKEN", "token_env", "token_command", "glab", "read_api"):
        assert needle in info.value.hint
    _no_token(info.value)
    assert TOKEN not in repr(forge)


async def test_403_names_the_scopes(serve: Serve) -> None:
    url = serve(
        [exchange("GET", "/api/v4/user", {"message": "403 Forbidden - insufficient_scope"}, 403)]
    )
    with pytest.raises(AuthError) as info:
        await make_forge(url).fetch(NOW)
    assert info.value.status == 403
    assert "read_api" in info.value.hint and "api scope" in info.value.hint
    _no_token(info.value)


async def test_429_raises_rate_limited_at_once_with_reset(serve: Serve) -> None:
    headers = [
        ["Content-Type", "application/json"],
        ["RateLimit-Reset", "1795608000"],
        ["RateLimit-Remaining", "0"],
        ["RateLimit-Limit", "2000"],
        ["Retry-After", "3600"],
    ]
    forge = make_forge(serve([exchange("GET", "/api/v4/user", {"message": "429"}, 429, headers)]))
    with pytest.raises(RateLimited) as info:
        await forge.fetch(NOW)
    assert info.value.reset_at == datetime.fromtimestamp(1795608000, UTC)
    assert forge.rate_limits[0].remaining == 0
    assert forge._client.stats["requests"] == 1  # python-gitlab did not sleep and retry


async def test_429_retry_after_counts_from_the_response_date(serve: Serve) -> None:
    headers = [
        ["Content-Type", "application/json"],
        ["Retry-After", "60"],
        ["Date", "Wed, 25 Nov 2026 12:00:00 GMT"],
    ]
    forge = make_forge(serve([exchange("GET", "/api/v4/user", {}, 429, headers)]))
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    forge._client.sleep = sleep
    with pytest.raises(RateLimited) as info:
        await forge.fetch(NOW)
    assert info.value.reset_at == datetime(2026, 11, 25, 12, 1, tzinfo=UTC)
    # A short Retry-After is honoured (a read waits and asks again, twice), then it gives up.
    assert waited == [60.0, 60.0]
    assert forge._client.stats["requests"] == 3


async def test_a_short_retry_after_is_waited_out(serve: Serve) -> None:
    busy = [["Content-Type", "application/json"], ["Retry-After", "2"]]
    url = serve(
        [
            exchange("GET", "/api/v4/user", {}, 429, busy),
            exchange("GET", "/api/v4/user", {"id": 1, "username": "carol"}),
        ]
    )
    forge = make_forge(url)
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    forge._client.sleep = sleep
    data = await forge.fetch(NOW)
    assert waited == [2.0] and data.viewer == "carol"


async def test_500_is_forge_error_without_retry(serve: Serve) -> None:
    forge = make_forge(serve([exchange("GET", "/api/v4/user", {"message": "500 Internal"}, 500)]))
    with pytest.raises(ForgeError) as info:
        await forge.fetch(NOW)
    assert info.value.status == 500 and "next refresh" in info.value.hint
    assert forge._client.stats["requests"] == 1


def _project(pid: int, path: str) -> dict[str, Any]:
    return {
        "id": pid,
        "path_with_namespace": path,
        "default_branch": "main",
        "web_url": f"http://x/{path}",
    }


async def test_project_500_and_ci_403_stay_local(serve: Serve) -> None:
    url = serve(
        [
            exchange("GET", "/api/v4/user", {"username": "me"}),
            exchange("GET", "/api/v4/projects/a%2Fbroken", _project(1, "a/broken")),
            exchange("GET", "/api/v4/projects/a%2Fnoci", _project(2, "a/noci")),
            exchange("GET", "/api/v4/projects/1/merge_requests", {"message": "500"}, 500),
            exchange("GET", "/api/v4/projects/2/merge_requests", []),
            exchange("GET", "/api/v4/projects/2/pipelines", {"message": "403 Forbidden"}, 403),
            exchange("GET", "/api/v4/projects/2/repository/tree", []),
        ]
    )
    data = await make_forge(url, repos=["a/broken", "a/noci"]).fetch(NOW)
    assert [r.repo.full_name for r in data.repos] == ["a/noci"]
    assert data.repos[0].runs == ()
    assert [e.repo for e in data.errors] == ["a/broken"]
    assert "500" in data.errors[0].title and data.errors[0].hint


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung GitLab)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


async def test_timeout_on_a_write_says_the_outcome_is_unknown(silent_port: int) -> None:
    forge = make_forge(f"http://127.0.0.1:{silent_port}", timeout_seconds=0.3)
    with pytest.raises(ActionError) as info:
        await forge.perform(ActionRequest("retry_job", "1", "5"))
    assert "did not answer" in info.value.title and "may or may not" in info.value.hint
    assert forge._client.stats["requests"] == 0  # no response ever arrived; sent once


async def test_unreachable_host() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ForgeError, match="Could not reach GitLab") as info:
        await make_forge(f"http://127.0.0.1:{port}").fetch(NOW)
    _no_token(info.value)


async def test_action_errors_hint_the_api_scope_and_hide_the_token(serve: Serve) -> None:
    url = serve(
        [
            exchange(
                "POST", "/api/v4/projects/1/pipelines/2/retry", {"message": "403 Forbidden"}, 403
            ),
            exchange(
                "POST",
                "/api/v4/projects/1/issues",
                {"message": f"title is invalid for {TOKEN}"},
                400,
            ),
        ]
    )
    forge = make_forge(url)
    with pytest.raises(ActionError) as forbidden:
        await forge.perform(ActionRequest("retry_pipeline", "1", "2"))
    assert "api scope" in forbidden.value.hint
    with pytest.raises(ActionError) as bad:
        await forge.perform(ActionRequest("create_issue", "1", "", {"title": "x"}))
    assert "***" in bad.value.hint
    _no_token(bad.value)
