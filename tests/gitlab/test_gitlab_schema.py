"""Every GitLab GraphQL document against GitLab's published schema, its 50-path limit, and the REST
fallback on a GitLab whose schema lacks a field gluetui uses.

The schemas are test data (``tests/gitlab/schema/``, provenance in its README): the current one
(with ``Query.projects(fullPaths:)``, ``Pipeline.source`` and ``Commit.committedDate``) and GitLab
16.3's, which has none of the three.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gl_helpers import NOW, TOKEN
from gl_schema import CURRENT, OLD, SCHEMAS, SchemaGitLab, errors_against, project, schema
from graphql import build_schema

from bench.fakeforge import start_server
from bench.fakeforge.model import ANCHOR, ORG
from gluetui.config.schema import Config, SourceConfig
from gluetui.forges.gitlab import gql_fetch
from gluetui.forges.gitlab.forge import GitLabForge
from gluetui.forges.gitlab.graphql import MAX_FULL_PATHS

#: A REST address nothing listens on: a GraphQL refresh that falls back to REST would fail loudly.
NO_REST = "http://127.0.0.1:9"


def forge(url: str, server: SchemaGitLab, **source: Any) -> GitLabForge:
    src = SourceConfig(name="gl", kind="gitlab", url=url, timeout_seconds=5, **source)
    return GitLabForge.from_config(
        src, Config(sources=[src]), token=TOKEN, transport=server.transport()
    )


def rich_project(path: str, number: int) -> dict[str, Any]:
    """A project whose refresh needs every round: docs (old enough to be stale), a failed pipeline
    with test suites, an open merge request."""
    commit = {
        "sha": "a" * 40,
        "title": "Write the guide",
        "authorName": "Dana",
        "committedDate": "2025-01-01T00:00:00Z",
        "webUrl": f"https://gitlab.example.com/{path}/-/commit/{'a' * 40}",
    }
    tree = {
        "blobs": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [{"path": "docs/guide.md"}, {"path": "src/app.py"}, {"path": "README.md"}],
        },
        "trees": {"pageInfo": {"hasNextPage": False}, "nodes": [{"path": "docs"}, {"path": "src"}]},
        "lastCommit": commit,
    }
    blobs = {"nodes": [{"path": "docs/guide.md", "rawTextBlob": "Run `src/app.py` to start."}]}
    pipeline = {
        "id": "gid://gitlab/Ci::Pipeline/900",
        "iid": "9",
        "sha": "d" * 40,
        "ref": "main",
        "status": "FAILED",
        "source": "push",
        "createdAt": "2026-11-24T10:00:00Z",
        "updatedAt": "2026-11-24T10:10:00Z",
        "path": f"/{path}/-/pipelines/900",
        "jobs": {"nodes": []},
        "testReportSummary": {"testSuites": {"nodes": [{"name": "rspec", "buildIds": ["5000"]}]}},
    }
    return project(
        path,
        number,
        repository={"rootRef": "main", "tree": tree, "blobs": blobs},
        pipelines={"nodes": [pipeline]},
    )


async def test_every_document_validates_against_the_current_schema() -> None:
    paths = ["acme/lib", "acme/sub/tool"]
    server = SchemaGitLab(CURRENT, {p: rich_project(p, n) for n, p in enumerate(paths, 7)})
    gl = forge(NO_REST, server, repos=paths)
    try:
        data = await gl.fetch(NOW)
    finally:
        await gl.aclose()
    assert not server.refused, server.refused
    assert not data.errors and {r.repo.full_name for r in data.repos} == set(paths)
    assert gl.uses_graphql
    sent = server.documents
    # Every round was sent: explicit projects, round A, docs and tests (B), code history (C).
    assert any(d == gql_fetch.ROUND_0 for d in sent)
    assert any(d == gql_fetch.ROUND_A for d in sent)
    assert any("blobs(paths:" in d and "testSuite(buildIds:" in d for d in sent)
    assert any(" c0: tree(" in d for d in sent)
    for document in sent:
        assert errors_against(CURRENT, document) == []


def test_what_gitlab_16_3_lacks_is_what_the_documents_use() -> None:
    """The three fields the current schema adds are exactly the ones 16.3 refuses."""
    assert errors_against(OLD, gql_fetch.ROUND_0) == [
        "Field 'projects' doesn't accept argument 'fullPaths'"
    ]
    round_a = errors_against(OLD, gql_fetch.ROUND_A)
    assert "Field 'projects' doesn't accept argument 'fullPaths'" in round_a
    assert "Field 'source' doesn't exist on type 'Pipeline'" in round_a
    commit = f'query {{ project(fullPath: "a/b") {{ repository {{ tree {{ {gql_fetch._COMMIT} }} }} }} }}'
    assert errors_against(CURRENT, commit) == []
    assert errors_against(OLD, commit) == ["Field 'committedDate' doesn't exist on type 'Commit'"]
    assert (SCHEMAS / "README.md").exists()  # provenance travels with the files
    assert schema(OLD) is not schema(CURRENT)


@pytest.mark.parametrize("n", [51, 500])
async def test_explicit_projects_go_at_most_50_paths_a_query(n: int) -> None:
    """GitLab refuses more than 50 fullPaths ("You cannot provide more than 50 full_paths")."""
    paths = [f"acme/p{i:03d}" for i in range(n)]
    server = SchemaGitLab(CURRENT, {p: project(p, i + 1) for i, p in enumerate(paths)})
    gl = forge(NO_REST, server, repos=paths)
    try:
        data = await gl.fetch(NOW)
    finally:
        await gl.aclose()
    assert not data.errors
    assert len(data.repos) == n
    assert server.max_paths <= MAX_FULL_PATHS
    assert server.calls["too_many_paths"] == 0
    assert sum(1 for d in server.documents if d == gql_fetch.ROUND_0) == -(-n // MAX_FULL_PATHS)


async def test_a_server_refusing_over_50_paths_is_met_by_splitting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were the batch bigger (an older gluetui's 100), GitLab's refusal splits it, not fails."""
    monkeypatch.setattr(gql_fetch, "MAX_FULL_PATHS", 100)
    paths = [f"acme/p{i:03d}" for i in range(80)]
    server = SchemaGitLab(CURRENT, {p: project(p, i + 1) for i, p in enumerate(paths)})
    gl = forge(NO_REST, server, repos=paths)
    try:
        data = await gl.fetch(NOW)
    finally:
        await gl.aclose()
    assert server.calls["too_many_paths"] == 1
    assert not data.errors and len(data.repos) == 80


@pytest.fixture(scope="module")
def rest_url() -> Iterator[str]:
    base, stop = start_server(3, latency=0.0)
    try:
        yield base
    finally:
        stop()


async def _rest_only(url: str) -> Any:
    src = SourceConfig(name="gl", kind="gitlab", url=url, groups=[ORG], timeout_seconds=10)
    rest = GitLabForge.from_config(
        src, Config(sources=[src]), token="bench-token-123", graphql=False
    )
    try:
        return await rest.fetch(ANCHOR)
    finally:
        await rest.aclose()


def _same(a: Any, b: Any) -> None:
    assert a.errors == b.errors == ()
    assert [r.repo for r in a.repos] == [r.repo for r in b.repos]
    assert [[p.number for p in r.pulls] for r in a.repos] == [
        [p.number for p in r.pulls] for r in b.repos
    ]
    assert [[x.id for x in r.runs] for r in a.repos] == [[x.id for x in r.runs] for r in b.repos]


async def test_on_gitlab_16_3_the_source_reads_over_rest(rest_url: str) -> None:
    server = SchemaGitLab(OLD, {})
    src = SourceConfig(name="gl", kind="gitlab", url=rest_url, groups=[ORG], timeout_seconds=10)
    gl = GitLabForge.from_config(
        src, Config(sources=[src]), token="bench-token-123", transport=server.transport()
    )
    try:
        data = await gl.fetch(ANCHOR)
        again = await gl.fetch(ANCHOR)
    finally:
        await gl.aclose()
    assert not gl.uses_graphql  # for the rest of this forge's life
    assert server.refused and "doesn't accept argument 'fullPaths'" in server.refused[0]
    assert len(server.documents) == 1  # the second refresh did not ask GraphQL again
    expected = await _rest_only(rest_url)
    _same(data, expected)
    _same(again, expected)


async def test_a_gitlab_without_commit_committed_date_reads_over_rest(rest_url: str) -> None:
    """Between versions: projects(fullPaths:) exists, Commit.committedDate does not (the docs
    round is refused): the source still falls back to REST and reads everything."""
    expected = await _rest_only(rest_url)
    sdl = (SCHEMAS / CURRENT).read_text(encoding="utf-8")
    field = '  """\n  Timestamp of when the commit was committed.\n  """\n  committedDate: Time\n'
    assert field in sdl
    without = build_schema(sdl.replace(field, "", 1))
    model = {
        r.repo.full_name: rich_project(r.repo.full_name, n) for n, r in enumerate(expected.repos, 1)
    }
    server = SchemaGitLab(without, model)
    src = SourceConfig(name="gl", kind="gitlab", url=rest_url, groups=[ORG], timeout_seconds=10)
    gl = GitLabForge.from_config(
        src, Config(sources=[src]), token="bench-token-123", transport=server.transport()
    )
    try:
        data = await gl.fetch(ANCHOR)
    finally:
        await gl.aclose()
    assert not gl.uses_graphql
    assert any("committedDate" in r for r in server.refused)
    _same(data, expected)
