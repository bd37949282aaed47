"""GitHubForge.perform: what each action kind sends, and how refusals are reported."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from gh_helpers import TOKEN, make_forge

from gluetui.forges.base import ActionRequest
from gluetui.forges.github.actions import GitHubActionError


class Recorder:
    def __init__(self, status: int = 201, body: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.body = body if body is not None else {"html_url": "https://github.com/x", "id": 7}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "GET":
            return httpx.Response(200, json={"default_branch": "trunk"})
        return httpx.Response(self.status, json=self.body)

    def sent(self) -> list[tuple[str, str, Any]]:
        return [
            (r.method, r.url.path, json.loads(r.content) if r.content else None)
            for r in self.requests
        ]


CASES = [
    (
        ActionRequest("rerun_failed_jobs", "acme/app", "42"),
        ("POST", "/repos/acme/app/actions/runs/42/rerun-failed-jobs", {}),
    ),
    (
        ActionRequest("rerun_workflow", "acme/app", "42"),
        ("POST", "/repos/acme/app/actions/runs/42/rerun", {}),
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
        ("POST", "/repos/acme/app/issues/12/labels", {"labels": ["glue", "docs"]}),
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


@pytest.mark.parametrize(("request_", "expected"), CASES, ids=[c[0].kind for c in CASES])
async def test_each_kind_sends_one_post(
    request_: ActionRequest, expected: tuple[str, str, Any]
) -> None:
    rec = Recorder(
        body={"html_url": "https://github.com/acme/app/issues/12", "id": 7, "number": 12}
    )
    forge = make_forge(httpx.MockTransport(rec))
    result = await forge.perform(request_)
    assert result.ok and result.message
    assert rec.sent()[-1] == expected
    posts = [r for r in rec.requests if r.method == "POST"]
    assert len(posts) == 1


async def test_copilot_assignment_carries_instructions() -> None:
    rec = Recorder()
    forge = make_forge(httpx.MockTransport(rec))
    await forge.perform(
        ActionRequest(
            "assign",
            "acme/app",
            "12",
            {"assignees": ["Copilot"], "agent_instructions": "Update the README only."},
        )
    )
    (_, _, body) = rec.sent()[-1]
    assert body == {
        "assignees": ["copilot-swe-agent[bot]"],
        "agent_assignment": {
            "target_repo": "acme/app",
            "custom_instructions": "Update the README only.",
        },
    }


async def test_refusal_becomes_action_error_with_status_and_hint() -> None:
    rec = Recorder(status=403, body={"message": "Must have admin rights to Repository."})
    forge = make_forge(httpx.MockTransport(rec))
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("rerun_workflow", "acme/app", "42"))
    err = info.value
    assert err.status == 403
    assert "Must have admin rights" in err.title
    assert "Actions" in err.hint
    assert TOKEN not in str(err)
    assert len(rec.requests) == 1  # never retried


async def test_server_error_on_post_not_retried() -> None:
    rec = Recorder(status=502, body={"message": "bad gateway"})
    forge = make_forge(httpx.MockTransport(rec))
    with pytest.raises(GitHubActionError) as info:
        await forge.perform(ActionRequest("comment", "acme/app", "3", {"body": "x"}))
    assert info.value.status == 502 and len(rec.requests) == 1


@pytest.mark.parametrize(
    "request_",
    [
        ActionRequest("explode", "acme/app", "1"),
        ActionRequest("comment", "acme/app", "run-abc", {"body": "x"}),
        ActionRequest("comment", "acme/app", "3", {}),
        ActionRequest("add_labels", "acme/app", "3", {"labels": []}),
    ],
)
async def test_bad_requests_fail_before_any_call(request_: ActionRequest) -> None:
    rec = Recorder()
    forge = make_forge(httpx.MockTransport(rec))
    with pytest.raises(GitHubActionError):
        await forge.perform(request_)
    assert rec.requests == []


async def test_find_action_cannot_tell() -> None:
    forge = make_forge(httpx.MockTransport(Recorder()))
    assert await forge.find_action(ActionRequest("comment", "acme/app", "3", {"body": "x"})) is None
