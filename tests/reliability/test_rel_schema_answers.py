"""Refreshes over answers generated from the forges' published GraphQL schemas.

Every GraphQL document gluetui sends is answered by :class:`rel_schema.SchemaAnswers`: values
made up from GitHub's (``@octokit/graphql-schema``) or GitLab's SDL, with nulls wherever the schema
allows them, empty and full lists, enum values the schema does not list, hostile strings, dates
that are not dates, names with odd characters and lone surrogates. REST answers (GitHub's runs
listings, jobs and annotations; the few GitLab REST calls) are made up the same way, malformed
fields included. Each refresh goes through the whole pipeline (forge, detectors, store); the
promise checked: it never raises, the source never fails as a whole, and every failure is a
per-repository (or per-owner) error that names it. Hundreds of answers, a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, build_schema
from rel_fakes import NOW, _no_sleep
from rel_hostile import SHORT
from rel_schema import Gen, SchemaAnswers, lenient_enums
from rel_server import Answer, LocalServer, Request

from gluetui.config.schema import Config, SourceConfig
from gluetui.factory import Runtime
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.gitlab.forge import GitLabForge
from gluetui.forges.http import MemoryHttpCache
from gluetui.records import RepoError
from gluetui.store import Store
from gluetui.sync import sync_source
from gluetui.textsafe import clean

TESTS = Path(__file__).resolve().parents[1]
GITLAB_SCHEMA = TESTS / "gitlab" / "schema" / "gitlab-current-subset.graphql"
#: Refreshes per forge; each sends several documents (listing, details, docs, history, jobs).
REFRESHES = 70


def _peers() -> ModuleType:
    name = "gluetui_github_peers"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TESTS / "peers" / "github" / "peers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def github_schema() -> GraphQLSchema:
    peers = _peers()
    try:
        path = peers.graphql_schema()
    except peers.PeerUnavailable as exc:
        pytest.skip(str(exc))
    built = build_schema(path.read_text(encoding="utf-8"), assume_valid_sdl=True)
    built._validation_errors = []  # GitHub serves it as is (see tests/github)
    return lenient_enums(built)


def named(error: RepoError) -> bool:
    """Whether the error's title names what failed (the repository, or the owner)."""
    what = error.repo[:-2] if error.repo.endswith("/*") else error.repo
    return clean(what, 100)[:40] in error.title


def _pick(rng: random.Random, values: list[Any]) -> Any:
    return rng.choice(values)


def rest_runs(rng: random.Random) -> Any:
    """A runs listing as GitHub could send it, or as a broken one would."""
    roll = rng.random()
    if roll < 0.05:
        return "[" * 50_000 + "]" * 50_000  # nested past any parser's recursion limit
    if roll < 0.08:
        return "<html>not json</html>"
    runs = []
    for n in range(rng.choice([0, 1, 3, 6])):
        runs.append(
            {
                "id": _pick(rng, [n + 1, str(n + 1), None, "x"]),
                "name": _pick(rng, ["CI", None, rng.choice(SHORT)[1]]),
                "workflow_id": _pick(rng, [1, 2, None]),
                "head_branch": "main",
                "head_sha": _pick(rng, ["a" * 40, "b" * 40, None]),
                "run_attempt": _pick(rng, [1, 1, 2, 3, "x", None, 1.5, -2]),
                "status": _pick(rng, ["completed", "in_progress", None]),
                "conclusion": _pick(rng, ["failure", "success", "timed_out", None, "new_value"]),
                "created_at": _pick(rng, ["2026-11-24T10:00:00Z", "garbage", None]),
                "updated_at": _pick(rng, ["2026-11-24T10:10:00Z", None]),
                "run_started_at": _pick(rng, ["2026-11-24T10:00:00Z", 7]),
                "html_url": _pick(rng, ["https://github.com/a/b/actions/runs/1", None]),
                "node_id": _pick(rng, [f"WFR_{n}", None]),
                "head_commit": _pick(
                    rng, [{"message": rng.choice(SHORT)[1], "author": {"name": "x"}}, None, "x"]
                ),
            }
        )
    return {"total_count": len(runs), "workflow_runs": _pick(rng, [runs, runs, None, {}])}


def rest_jobs(rng: random.Random) -> Any:
    jobs = [
        {
            "id": _pick(rng, [10 + n, None, "j"]),
            "name": _pick(rng, ["unit", "lint", rng.choice(SHORT)[1]]),
            "conclusion": _pick(rng, ["failure", "success", None]),
            "status": "completed",
            "run_attempt": _pick(rng, [1, 2, "x"]),
            "started_at": _pick(rng, ["2026-11-24T10:01:00Z", None]),
            "completed_at": None,
            "html_url": "https://github.com/a/b/actions/runs/1/job/2",
        }
        for n in range(rng.choice([0, 2]))
    ]
    return {"total_count": len(jobs), "jobs": jobs}


def _json(body: Any, status: int = 200) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"content-type": "application/json"})


def github_transport(answers: SchemaAnswers, seed: int) -> httpx.MockTransport:
    rng = random.Random(seed)
    counter = iter(range(seed * 1000, seed * 1000 + 1000))

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql"):
            payload = json.loads(request.content)
            return _json(answers.answer(payload["query"], payload["variables"], next(counter)))
        path = request.url.path
        if rng.random() < 0.05:
            return _json({"message": "boom"}, rng.choice([500, 404, 422, 403]))
        if path.endswith("/actions/runs"):
            return _json(rest_runs(rng))
        if path.endswith("/jobs"):
            return _json(rest_jobs(rng))
        if path.endswith("/annotations"):
            return _json([{"annotation_level": "failure", "title": rng.choice(SHORT)[1]}])
        return _json({"message": "Not Found"}, 404)

    return httpx.MockTransport(handle)


def github_overrides() -> dict[str, Any]:
    def repository(source: Any, args: dict[str, Any], gen: Gen) -> Any:
        if gen.chance(0.08):
            return None
        asked = f"{args['owner']}/{args['name']}"
        return {"nameWithOwner": asked if gen.chance(0.92) else gen.string("nameWithOwner")}

    def listed(source: Any, args: dict[str, Any], gen: Gen) -> Any:
        owner = gen.rng.choice(["acme", "bob"])
        return gen.rng.choice(
            [f"{owner}/svc-{gen.rng.randrange(50)}", f"{owner}/{gen.string('name')}", "no-slash"]
        )

    return {
        "Query.repository": repository,
        "Repository.nameWithOwner": lambda s, a, g: (
            s.get("nameWithOwner")
            if isinstance(s, dict) and "nameWithOwner" in s
            else listed(s, a, g)
        ),
        "PageInfo.hasNextPage": lambda s, a, g: g.chance(0.3),
        "TreeEntry.type": lambda s, a, g: g.rng.choice(["blob", "tree", "commit", "x"]),
    }


def github_runtime(tmp: Path, seed: int, answers: SchemaAnswers) -> Runtime:
    src = SourceConfig(
        name="gh",
        kind="github",
        orgs=["acme"],
        users=["bob"],
        repos=["acme/app", "acme/docs-site"],
        timeout_seconds=5,
    )
    cfg = Config(sources=[src])
    forge = GitHubForge.from_config(
        src,
        cfg,
        token="ghp_SCHEMA0TOKEN",
        cache=MemoryHttpCache(),
        transport=github_transport(answers, seed),
    )
    forge.session.sleep = _no_sleep
    forge.session.clock = lambda: NOW
    return Runtime(
        config=cfg, forges=[forge], store=Store.open(tmp / f"s{seed}.sqlite3"), clock=lambda: NOW
    )


async def test_github_refreshes_over_schema_generated_answers(
    github_schema: GraphQLSchema, tmp_path: Path
) -> None:
    answers = SchemaAnswers(github_schema, overrides=github_overrides())
    failures: list[RepoError] = []
    for seed in range(REFRESHES):
        rt = github_runtime(tmp_path, seed, answers)
        try:
            report = await sync_source(rt, rt.forges[0])
        finally:
            await rt.forges[0].aclose()
            rt.close()
        assert report.ok, (seed, report.error_title, report.error_hint)
        for error in report.repo_errors:
            assert named(error), (seed, error)
        failures += report.repo_errors
    # Hundreds of generated answers, and they did break some repositories (else the generator
    # would prove nothing): each of those failed alone, by name.
    assert answers.answered >= 200
    assert failures


# -- GitLab ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gitlab_schema() -> GraphQLSchema:
    return lenient_enums(build_schema(GITLAB_SCHEMA.read_text(encoding="utf-8")))


def gitlab_rest(seed: int) -> Any:
    """The few REST calls a GraphQL refresh makes (viewer, big trees, commit counts)."""
    rng = random.Random(seed)

    def handle(req: Request) -> Answer:
        path = req.bare_path.removeprefix("/api/v4")
        if path == "/user":
            return Answer(200, {"id": 1, "username": rng.choice(SHORT)[1]})
        if path.endswith("/repository/tree"):
            return Answer(200, [{"path": "docs/a.md", "type": "blob"}, {"type": None}])
        if path.endswith("/repository/commits"):
            return Answer(200, rng.choice([[], [{"id": "x", "created_at": "nope"}], {}]))
        return Answer(404, {"message": "404 Not Found"})

    return handle


def gitlab_overrides() -> dict[str, Any]:
    def projects(source: Any, args: dict[str, Any], gen: Gen) -> Any:
        paths = list(args.get("fullPaths") or [])
        assert len(paths) <= 50, "GitLab refuses more than 50 full_paths"
        nodes = [
            {"fullPath": p if gen.chance(0.9) else gen.string("fullPath")}
            for p in paths
            if not gen.chance(0.1)
        ]
        return {"nodes": nodes}

    return {
        "Query.projects": projects,
        "Query.project": lambda s, a, g: None if g.chance(0.1) else {"fullPath": a["fullPath"]},
        "PageInfo.hasNextPage": lambda s, a, g: g.chance(0.2),
    }


async def test_gitlab_refreshes_over_schema_generated_answers(
    gitlab_schema: GraphQLSchema, tmp_path: Path
) -> None:
    answers = SchemaAnswers(gitlab_schema, overrides=gitlab_overrides())
    failures: list[RepoError] = []
    for seed in range(REFRESHES):
        counter = iter(range(seed * 1000, seed * 1000 + 1000))

        def handle(request: httpx.Request, counter: Iterator[int] = counter) -> httpx.Response:
            payload = json.loads(request.content)
            body = answers.answer(payload["query"], payload.get("variables") or {}, next(counter))
            return _json(body)

        server = LocalServer(gitlab_rest(seed)).start()
        try:
            src = SourceConfig(
                name="gl",
                kind="gitlab",
                url=server.url,
                repos=["acme/lib", "acme/sub/tool", "acme/docs"],
                timeout_seconds=5,
            )
            cfg = Config(sources=[src])
            forge = GitLabForge.from_config(
                src, cfg, token="glpat-SCHEMA-TOKEN", transport=httpx.MockTransport(handle)
            )
            rt = Runtime(
                config=cfg,
                forges=[forge],
                store=Store.open(tmp_path / f"l{seed}.sqlite3"),
                clock=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
            )
            try:
                report = await sync_source(rt, forge)
            finally:
                await forge.aclose()
                rt.close()
        finally:
            server.stop()
        assert report.ok, (seed, report.error_title, report.error_hint)
        assert forge.uses_graphql, seed  # the current schema has every field gluetui asks for
        for error in report.repo_errors:
            assert named(error), (seed, error)
        failures += report.repo_errors
    assert answers.answered >= 100
    assert failures
