"""Contract tests against Prism serving GitHub's official OpenAPI description (loopback only).

1. Every REST request the adapter sends in the fake-GitHub scenarios (runs, jobs of every attempt,
   annotations, and each action kind) is replayed to Prism, which validates method, path, query and
   body against GitHub's description: a violation is a 422 with an ``sl-violations`` header.
2. The adapter reads GitHub's own documented example responses (served by Prism) into records.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakehub import FakeGitHub, FakeRepo, job_json, run_json
from gh_helpers import make_forge

from gluetui.forges.base import ActionRequest
from gluetui.forges.github.runs import fetch_runs

pytestmark = pytest.mark.peers
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

ACTIONS = [
    ActionRequest("rerun_failed_jobs", "octocat/hello-world", "30433642"),
    ActionRequest("rerun_workflow", "octocat/hello-world", "30433642"),
    ActionRequest(
        "dispatch_workflow",
        "octocat/hello-world",
        "",
        {"workflow": "ci.yml", "ref": "main", "inputs": {"reason": "flake"}},
    ),
    ActionRequest("dispatch_workflow", "octocat/hello-world", "", {"workflow": "161335"}),
    ActionRequest("assign", "octocat/hello-world", "1347", {"assignees": ["octocat"]}),
    ActionRequest(
        "assign",
        "octocat/hello-world",
        "1347",
        {"assignees": ["copilot"], "agent_instructions": "Only touch docs/."},
    ),
    ActionRequest(
        "request_review",
        "octocat/hello-world",
        "1347",
        {"reviewers": ["octocat"], "team_reviewers": ["github/justice-league"]},
    ),
    ActionRequest("add_labels", "octocat/hello-world", "1347", {"labels": ["bug", "glue"]}),
    ActionRequest("comment", "octocat/hello-world", "1347", {"body": "On it."}),
    ActionRequest(
        "create_issue",
        "octocat/hello-world",
        "",
        {"title": "Stale README", "body": "Found by gluetui.", "labels": ["docs"]},
    ),
]


async def _recorded_reads() -> list[httpx.Request]:
    """The REST reads of a refresh with a broken, a re-run and a flaky run (fake GitHub)."""
    runs = [
        run_json(30, conclusion="failure", head_sha="c" * 40),
        run_json(20, run_attempt=2, conclusion="success"),
    ]
    jobs = {
        30: [job_json(301, "test", "failure")],
        20: [job_json(201, "test", "failure", 1), job_json(203, "test", "success", 2)],
    }
    repo = FakeRepo("octocat/hello-world", runs=runs, jobs=jobs)
    hub = FakeGitHub([repo])
    await make_forge(hub.transport(), repos=[repo.full]).fetch(NOW)
    reads = [r for r in hub.requests if not r.url.path.endswith("/graphql")]
    assert {r.url.path.rsplit("/", 1)[-1] for r in reads} == {"runs", "jobs", "annotations"}
    return reads


async def _recorded_actions() -> list[httpx.Request]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json={"default_branch": "main", "number": 1})

    forge = make_forge(httpx.MockTransport(handler))
    for action in ACTIONS:
        await forge.perform(action)
    return sent


async def test_every_request_passes_prism_validation(prism_url: str) -> None:
    requests = await _recorded_reads() + await _recorded_actions()
    async with httpx.AsyncClient(base_url=prism_url, timeout=30) as client:
        for req in requests:
            headers = {
                k: v
                for k, v in req.headers.items()
                if k.lower() in ("accept", "content-type", "x-github-api-version")
            }
            resp = await client.request(
                req.method,
                req.url.raw_path.decode(),
                headers={**headers, "Authorization": "Bearer x"},
                content=req.content,
            )
            # Violations located in the *response* are GitHub's own examples disagreeing with its
            # own schemas (documented in PEERS.md); only request violations are ours.
            violations = [
                v
                for v in json.loads(resp.headers.get("sl-violations") or "[]")
                if v.get("location", [""])[0] != "response"
            ]
            assert resp.status_code < 400 and not violations, (
                f"{req.method} {req.url.raw_path.decode()} -> {resp.status_code}: {violations}"
            )


async def test_documented_run_and_job_examples_parse(prism_url: str) -> None:
    forge = make_forge(httpx.AsyncHTTPTransport(), url=prism_url, repos=["octocat/hello-world"])
    try:
        runs = await fetch_runs(forge.session, "octocat/hello-world", "main", NOW, 14)
    finally:
        await forge.aclose()
    assert runs, "GitHub's example lists one workflow run"
    run = runs[-1]
    assert run.repo == "octocat/hello-world" and run.id and run.head_sha
    assert run.workflow and run.created_at.tzinfo is not None


@pytest.mark.parametrize("action", ACTIONS, ids=[f"{a.kind}-{i}" for i, a in enumerate(ACTIONS)])
async def test_actions_against_documented_responses(prism_url: str, action: ActionRequest) -> None:
    forge = make_forge(httpx.AsyncHTTPTransport(), url=prism_url)
    try:
        result = await forge.perform(action)
    finally:
        await forge.aclose()
    assert result.ok and result.message
    if action.kind in ("comment", "create_issue"):
        assert result.url.startswith("https://github.com/")


async def test_documented_not_found_is_an_action_error(prism_url: str) -> None:
    from gluetui.forges.github.actions import GitHubActionError

    def prefer_404(request: httpx.Request) -> None:
        request.headers["Prefer"] = "code=404"

    forge = make_forge(httpx.AsyncHTTPTransport(), url=prism_url)
    forge.session.client.event_hooks["request"] = [_async(prefer_404)]
    try:
        with pytest.raises(GitHubActionError) as info:
            await forge.perform(ACTIONS[-2])
    finally:
        await forge.aclose()
    assert info.value.status == 404


def _async(fn: Any) -> Any:
    async def hook(request: httpx.Request) -> None:
        fn(request)

    return hook
