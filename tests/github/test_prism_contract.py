"""Contract tests against Prism serving GitHub's official OpenAPI description (loopback only).

1. Every REST request the adapter sends in the fake-GitHub scenarios (jobs of every attempt and
   annotations through httpx, for runs GraphQL cannot resolve; and each action kind through
   PyGithub, recorded by a local server)
   is replayed to Prism, which validates method, path, query and body against GitHub's
   description: a violation is a 422 with an ``sl-violations`` header.
2. The adapter reads GitHub's own documented example responses (served by Prism) into records, and
   performs every action kind against Prism itself, PyGithub end to end.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakehub import FakeGitHub, FakeRepo, job_json, run_json
from gh_helpers import make_forge
from writeserver import WriteServer

from gluetui.forges.base import ActionRequest
from gluetui.forges.github.actions import ACTIONS as GITHUB_ACTIONS
from gluetui.forges.github.runs import build_runs, rest_jobs

#: (method, raw path with query, headers, body) of one request to replay to Prism.
Sent = tuple[str, str, dict[str, str], bytes]

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


def test_every_action_kind_is_exercised() -> None:
    assert {a.kind for a in ACTIONS} == set(GITHUB_ACTIONS)


async def _recorded_reads() -> list[Sent]:
    """The REST reads of a refresh with a broken, a re-run and a flaky run (fake GitHub), on a
    GitHub whose GraphQL cannot resolve the runs (so their jobs are read over REST)."""
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
    hub.unresolvable = {"WFR_30", "WFR_20"}
    await make_forge(hub.transport(), repos=[repo.full]).fetch(NOW)
    reads = [r for r in hub.requests if not r.url.path.endswith("/graphql")]
    assert {r.url.path.rsplit("/", 1)[-1] for r in reads} == {"jobs", "annotations"}
    return [(r.method, r.url.raw_path.decode(), dict(r.headers), r.content) for r in reads]


async def _recorded_actions() -> list[Sent]:
    """Every action kind, performed through PyGithub against a local recorder."""
    server = WriteServer().start()
    try:
        forge = make_forge(httpx.MockTransport(lambda r: httpx.Response(500)), url=server.url)
        for action in ACTIONS:
            await forge.perform(action)
        await forge.aclose()
    finally:
        server.stop()
    return [
        (s.method, s.path, s.headers, json.dumps(s.body).encode() if s.body is not None else b"")
        for s in server.seen
    ]


async def test_every_request_passes_prism_validation(prism_url: str) -> None:
    requests = await _recorded_reads() + await _recorded_actions()
    assert {m for m, *_ in requests} >= {"GET", "POST"}
    async with httpx.AsyncClient(base_url=prism_url, timeout=30) as client:
        for method, path, sent_headers, content in requests:
            headers = {
                k: v
                for k, v in sent_headers.items()
                if k.lower() in ("accept", "content-type", "x-github-api-version")
            }
            resp = await client.request(
                method, path, headers={**headers, "Authorization": "Bearer x"}, content=content
            )
            # Violations located in the *response* are GitHub's own examples disagreeing with its
            # own schemas (documented in PEERS.md); only request violations are ours.
            violations = [
                v
                for v in json.loads(resp.headers.get("sl-violations") or "[]")
                if v.get("location", [""])[0] != "response"
            ]
            assert resp.status_code < 400 and not violations, (
                f"{method} {path} -> {resp.status_code}: {violations}"
            )


async def test_documented_job_examples_parse(prism_url: str) -> None:
    """GitHub's documented jobs listing (served by Prism) becomes a run's jobs."""
    forge = make_forge(httpx.AsyncHTTPTransport(), url=prism_url, repos=["octocat/hello-world"])
    run: dict[str, Any] = {
        "id": 30433642,
        "name": "CI",
        "head_branch": "main",
        "head_sha": "a" * 40,
        "status": "completed",
        "conclusion": "failure",
        "created_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:10:00Z",
    }
    try:
        jobs, tests = await rest_jobs(forge.session, "octocat/hello-world", [run])
    finally:
        await forge.aclose()
    runs = build_runs("octocat/hello-world", [run], jobs, tests)
    assert runs and runs[-1].id == "30433642"
    assert runs[-1].jobs, "GitHub's example lists a job"
    assert all(j.name and j.id for r in runs for j in r.jobs)


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


async def test_documented_not_found_is_an_action_error(
    prism_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prism answers with GitHub's documented 404 (``Prefer: code=404``) for a comment."""
    import requests

    from gluetui.forges.github.pygithub import GitHubActionError

    send = requests.adapters.HTTPAdapter.send

    def prefer_404(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        request.headers["Prefer"] = "code=404"
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", prefer_404)
    forge = make_forge(httpx.AsyncHTTPTransport(), url=prism_url)
    try:
        with pytest.raises(GitHubActionError) as info:
            await forge.perform(ACTIONS[-2])
    finally:
        await forge.aclose()
    assert info.value.status == 404 and "404" in info.value.title
