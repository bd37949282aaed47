"""GitHubForge.perform through PyGithub: what each action kind sends, once, and how refusals,
timeouts and broken connections are reported. A local server stands in for GitHub (PyGithub
speaks HTTP over real sockets)."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gh_helpers import TOKEN, make_forge
from writeserver import Reply, Seen, WriteServer

from gluetui.errors import RateLimited
from gluetui.forges.base import ActionRequest
from gluetui.forges.github.actions import ACTIONS
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.github.pygithub import GitHubActionError


@pytest.fixture
def server() -> Iterator[WriteServer]:
    srv = WriteServer().start()
    yield srv
    srv.stop()


def _forge(url: str, **source: Any) -> GitHubForge:
    def no_reads(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"an action read through httpx: {request.url}")

    return make_forge(httpx.MockTransport(no_reads), url=url, **source)


CASES = [
    (
        ActionRequest("rerun_failed_jobs", "acme/app", "42"),
        ("POST", "/repos/acme/app/actions/runs/42/rerun-failed-jobs", None),
    ),
    (
        ActionRequest("rerun_workflow", "acme/app", "42"),
        ("POST", "/repos/acme/app/actions/runs/42/rerun", None),
    ),
    (
        ActionRequest(
            "dispatch_workflow", "acme/app", "", {"workflow": "ci.yml", "inputs": {"why": "flake"}}
        ),
        (
            "POST",
            "/repos/acme/app/actions/workflows/ci.yml/dispatches",
            {"ref": "trunk", "inputs": {"why": "flake"}},
        ),
    ),
    (
        ActionRequest("assign", "acme/app", "#12", {"assignees": ["octocat"]}),
        ("POST", "/repos/acme/app/issues/12/assignees", {"assignees": ["octocat"]}),
    ),
    (
        ActionRequest(
            "request_review",
            "acme/app",
            "12",
            {"reviewers": ["octocat"], "team_reviewers": ["acme/platform"]},
        ),
        (
            "POST",
            "/repos/acme/app/pulls/12/requested_reviewers",
            {"reviewers": ["octocat"], "team_reviewers": ["platform"]},
        ),
    ),
    (
        ActionRequest("add_labels", "acme/app", "12", {"labels": ["glue", "docs"]}),
        # PyGithub posts the bare array; GitHub accepts it (and the Prism peer is told so).
        ("POST", "/repos/acme/app/issues/12/labels", ["glue", "docs"]),
    ),
    (
        ActionRequest("comment", "acme/app", "12", {"body": "Looking at this."}),
        ("POST", "/repos/acme/app/issues/12/comments", {"body": "Looking at this."}),
    ),
    (
        ActionRequest(
            "create_issue",
            "acme/app",
            "",
            {"title": "Stale README", "body": "b", "labels": ["docs"], "assignees": []},
        ),
        (
            "POST",
            "/repos/acme/app/issues",
            {"title": "Stale README", "body": "b", "labels": ["docs"]},
        ),
    ),
]


def test_every_action_kind_has_a_case() -> None:
    assert {c[0].kind for c in CASES} == set(ACTIONS)


@pytest.mark.parametrize(("request_", "expected"), CASES, ids=[c[0].kind for c in CASES])
async def test_each_kind_sends_one_write_the_one_it_describes(
    server: WriteServer, request_: ActionRequest, expected: tuple[str, str, Any]
) -> None:
    forge = _forge(server.url)
    result = await forge.perform(request_)
    assert result.ok and result.message
    (write,) = server.writes()
    assert (write.method, write.path, write.body) == expected
    # What the confirmation modal said is what was sent.
    described = forge.describe(request_)
    assert described.startswith(f"{write.method} {server.url}{write.path}")
    assert write.headers["authorization"] == f"token {TOKEN}"
    assert write.headers["user-agent"] == "gluetui"
    await forge.aclose()


async def test_the_default_branch_known_from_a_refresh_costs_no_request(
    server: WriteServer,
) -> None:
    forge = _forge(server.url)
    forge._branches["acme/app"] = "main"
    await forge.perform(ActionRequest("dispatch_workflow", "acme/app", "", {"workflow": "ci.yml"}))
    assert [(s.method, s.body) for s in server.seen] == [("POST", {"ref": "main", "inputs": {}})]


async def test_copilot_assignment_carries_instructions(server: WriteServer) -> None:
    forge = _forge(server.url)
    await forge.perform(
        ActionRequest(
            "assign",
            "acme/app",
            "12",
            {"assignees": ["Copilot"], "agent_instructions": "Update the README only."},
        )
    )
    (write,) = server.writes()
    assert write.body == {
        "assignees": ["copilot-swe-agent[bot]"],
        "agent_assignment": {
            "target_repo": "acme/app",
            "custom_instructions": "Update the README only.",
        },
    }


async def test_issue_for_an_agent_carries_the_instructions_in_its_body(
    server: WriteServer,
) -> None:
    forge = _forge(server.url)
    await forge.perform(
        ActionRequest(
            "create_issue",
            "acme/app",
            "",
            {"title": "Fix it", "body": "Found by gluetui.", "agent_instructions": "Docs only."},
        )
    )
    (write,) = server.writes()
    assert write.body == {"title": "Fix it", "body": "Found by gluetui.\n\nDocs only."}


def _answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    def handler(seen: Seen) -> Reply:
        return Reply(status, body, headers or {})

    return handler


async def test_refusal_becomes_action_error_with_status_message_and_hint(
    server: WriteServer,
) -> None:
    server.handler = _answer(403, {"message": "Must have admin rights to Repository."})
    forge = _forge(server.url)
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("rerun_workflow", "acme/app", "42"))
    err = info.value
    assert err.status == 403
    assert "Must have admin rights" in err.title
    assert "Actions" in err.hint
    assert TOKEN not in str(err)
    assert len(server.seen) == 1  # never retried


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (401, {"message": "Bad credentials"}, ("rejected the token", "401")),
        (404, {"message": "Not Found"}, ("found nothing", "404")),
        (
            422,
            {
                "message": "Validation Failed",
                "errors": [{"resource": "Issue", "code": "invalid", "field": "assignees"}],
            },
            ("invalid (422)", "Validation Failed", "assignees"),
        ),
        (502, {"message": "bad gateway"}, ("server error (502)",)),
        (500, {"message": "oops"}, ("server error (500)",)),
    ],
)
async def test_each_status_is_said_with_a_fitting_hint_and_sent_once(
    server: WriteServer, status: int, body: Any, words: tuple[str, ...]
) -> None:
    server.handler = _answer(status, body)
    forge = _forge(server.url, token_env="WORK_TOKEN")
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    err = info.value
    assert err.status == status and all(w in err.title for w in words), err.title
    assert err.hint and TOKEN not in str(err)
    if status == 401:
        assert "WORK_TOKEN" in err.hint
    assert len(server.writes()) == 1


async def test_rate_limit_is_rate_limited_and_not_retried(server: WriteServer) -> None:
    server.handler = _answer(
        403,
        {"message": "API rate limit exceeded for user."},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"},
    )
    forge = _forge(server.url)
    with pytest.raises(RateLimited) as info:
        await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    assert info.value.reset_at is not None and info.value.reset_at.year == 2100
    assert len(server.writes()) == 1


async def test_a_token_echoed_by_the_server_is_scrubbed(server: WriteServer) -> None:
    server.handler = _answer(422, {"message": f"token {TOKEN} is weird"})
    forge = _forge(server.url)
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    assert TOKEN not in str(info.value) and "***" in info.value.title


async def test_timeout_says_may_or_may_not_and_is_sent_once(server: WriteServer) -> None:
    server.handler = lambda seen: Reply(201, {"id": 1}, delay=1.6)
    forge = _forge(server.url, timeout_seconds=1)
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    assert "may or may not" in str(info.value)
    assert len(server.writes()) == 1


async def test_refused_connection_is_retried_and_said_plainly() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    forge = _forge(f"http://127.0.0.1:{port}")
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    err = info.value
    assert "could not be reached" in err.title and "Nothing was sent" in err.hint
    assert "may or may not" not in str(err)


async def test_enterprise_server_api_prefix(server: WriteServer) -> None:
    forge = _forge(f"{server.url}/api/v3")
    await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    assert server.writes()[0].path == "/api/v3/repos/acme/app/issues/3/comments"
    assert forge.describe(ActionRequest("rerun_workflow", "acme/app", "4")) == (
        f"POST {server.url}/api/v3/repos/acme/app/actions/runs/4/rerun"
    )


def test_ca_bundle_and_tls_verification_reach_pygithub(server: WriteServer) -> None:
    import ssl

    cafile = ssl.get_default_verify_paths().cafile
    if not cafile:
        pytest.skip("no system CA file to stand in for a private CA bundle")
    forge = _forge(server.url, ca_bundle=cafile)
    requester = forge._actions.session.client().requester
    assert requester._Requester__verify == cafile  # type: ignore[attr-defined]
    plain = _forge(server.url)._actions.session.client().requester
    assert plain._Requester__verify is True  # type: ignore[attr-defined]
    # No blind retries: only connections that never reached the server are tried again.
    retry = requester._Requester__retry  # type: ignore[attr-defined]
    assert (retry.connect, retry.read, retry.status, retry.other) == (2, False, 0, 0)


@pytest.mark.parametrize(
    "request_",
    [
        ActionRequest("explode", "acme/app", "1"),
        ActionRequest("comment", "acme/app", "run-abc", {"body": "x"}),
        ActionRequest("comment", "acme/app", "3", {}),
        ActionRequest("add_labels", "acme/app", "3", {"labels": []}),
    ],
)
async def test_bad_requests_fail_before_any_call(
    server: WriteServer, request_: ActionRequest
) -> None:
    forge = _forge(server.url)
    with pytest.raises(GitHubActionError):
        await forge.perform(request_)
    assert server.seen == []


async def test_find_action_cannot_tell(server: WriteServer) -> None:
    forge = _forge(server.url)
    assert await forge.find_action(ActionRequest("comment", "acme/app", "3", {"body": "x"})) is None


def test_building_the_forge_does_not_import_pygithub() -> None:
    """Start-up pays for PyGithub only when the first action runs."""
    import subprocess

    code = (
        "import sys, httpx\n"
        "from gluetui.config.schema import Config, SourceConfig\n"
        "from gluetui.forges.github.forge import GitHubForge\n"
        "src = SourceConfig(name='w', kind='github')\n"
        "GitHubForge.from_config(src, Config(sources=[src]), token='x')\n"
        "print('github' in sys.modules, 'requests' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_init_asks_github_whose_token_it_is(server: WriteServer) -> None:
    from gluetui.config.schema import SourceConfig
    from gluetui.forges.github.pygithub import viewer_login

    server.handler = lambda seen: Reply(200, {"login": "octocat", "id": 1})
    source = SourceConfig(name="gh", kind="github", url=f"{server.url}/api/v3")
    assert viewer_login(source, TOKEN) == "octocat"
    (seen,) = server.seen
    assert (seen.method, seen.path) == ("GET", "/api/v3/user")
    server.handler = lambda seen: Reply(401, {"message": "Bad credentials"})
    assert viewer_login(source, TOKEN) == ""
