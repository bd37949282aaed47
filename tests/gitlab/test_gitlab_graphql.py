"""The batched GraphQL refresh against the benchmark's fake GitLab, and the REST fallback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bench.fakeforge import start_server
from bench.fakeforge.model import ANCHOR, ORG
from gluetui.config.schema import Config, SourceConfig
from gluetui.forges.gitlab.forge import GitLabForge

N = 3


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    base, stop = start_server(N, latency=0.0)
    try:
        yield base
    finally:
        stop()


def _forge(url: str, **kw: object) -> GitLabForge:
    src = SourceConfig(name="gl", kind="gitlab", url=url, groups=[ORG], timeout_seconds=10)
    return GitLabForge.from_config(src, Config(sources=[src]), token="bench-token-123", **kw)  # type: ignore[arg-type]


async def test_graphql_reads_the_same_records_as_rest(url: str) -> None:
    gql, rest = _forge(url), _forge(url, graphql=False)
    try:
        a = await gql.fetch(ANCHOR)
        b = await rest.fetch(ANCHOR)
    finally:
        await gql.aclose()
        await rest.aclose()
    assert gql.uses_graphql and not rest.uses_graphql
    assert a.errors == b.errors == ()
    assert a.viewer == b.viewer
    assert a.stats["graphql"] == 3 and a.stats["requests"] <= 3 * N < b.stats["requests"]
    for ra, rb in zip(a.repos, b.repos, strict=True):
        assert ra.repo == rb.repo
        assert ra.tree == rb.tree
        assert [p.number for p in ra.pulls] == [p.number for p in rb.pulls]
        assert [p.title for p in ra.pulls] == [p.title for p in rb.pulls]
        assert [r.id for r in ra.runs] == [r.id for r in rb.runs]
        assert [(r.status, r.conclusion, r.head_sha) for r in ra.runs] == [
            (r.status, r.conclusion, r.head_sha) for r in rb.runs
        ]
        assert [d.path for d in ra.docs] == [d.path for d in rb.docs]
        assert [d.text for d in ra.docs] == [d.text for d in rb.docs]
        assert [d.last_commit for d in ra.docs] == [d.last_commit for d in rb.docs]
        # Failed tests of failure-related pipelines come through testSuite(buildIds:).
        failed_a = {(r.id, t.name) for r in ra.runs for t in r.tests if t.status == "failed"}
        failed_b = {(r.id, t.name) for r in rb.runs for t in r.tests if t.status == "failed"}
        assert failed_a == failed_b


@pytest.mark.parametrize("status", [404, 403])
async def test_graphql_off_falls_back_to_rest_for_good(url: str, status: int) -> None:
    calls: list[str] = []

    def off(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(status, json={"message": "GraphQL disabled"})

    forge = _forge(url, transport=httpx.MockTransport(off))
    try:
        data = await forge.fetch(ANCHOR)
        again = await forge.fetch(ANCHOR)
    finally:
        await forge.aclose()
    assert calls == ["/api/graphql"]  # asked once, then REST only
    assert not forge.uses_graphql
    assert len(data.repos) == len(again.repos) == N and data.errors == ()


async def test_missing_field_falls_back_to_rest(url: str) -> None:
    def old(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "errors": [
                    {"message": "Field 'diffStatsSummary' doesn't exist on type 'MergeRequest'"}
                ]
            },
        )

    forge = _forge(url, transport=httpx.MockTransport(old))
    try:
        data = await forge.fetch(ANCHOR)
    finally:
        await forge.aclose()
    assert not forge.uses_graphql and len(data.repos) == N and data.errors == ()
