"""GitLab over a real socket: a deadline for the whole exchange, and no redirect to another host.

requests (under python-gitlab) and httpx both time out per read, so a server that trickles a byte
a second would hold a refresh for ever; the adapter reads every answer against a deadline of the
source's ``timeout_seconds``. A redirect to another host is refused, for REST and GraphQL alike.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from gl_helpers import NOW, make_forge
from gl_schema import _rel

from gluetui.errors import ForgeError
from gluetui.forges.http import Unreachable

rel_server = _rel("rel_server")
Answer = rel_server.Answer


@pytest.fixture
def server() -> Iterator[Any]:
    started = rel_server.LocalServer().start()
    yield started
    started.stop()


def test_a_trickling_rest_answer_fails_in_about_the_timeout(server: Any) -> None:
    server.handler = lambda req: Answer(200, [{"id": 1}] * 50, trickle=0.05)
    forge = make_forge(server.url, groups=["acme"], timeout_seconds=1)
    started = time.monotonic()
    import asyncio

    with pytest.raises(Unreachable) as info:
        asyncio.run(forge.fetch(NOW))
    assert time.monotonic() - started < 5  # ~1 s, not the ~40 s the body would take
    assert "did not answer within 1 s" in info.value.title


async def test_a_trickling_graphql_answer_fails_in_about_the_timeout(server: Any) -> None:
    server.handler = lambda req: Answer(200, {"data": {"projects": {"nodes": []}}}, trickle=0.05)
    forge = make_forge(server.url, repos=["acme/lib"], graphql=True, timeout_seconds=1)
    started = time.monotonic()
    try:
        with pytest.raises(Unreachable) as info:
            await forge.fetch(NOW)
    finally:
        await forge.aclose()
    assert time.monotonic() - started < 5
    assert "did not answer a GraphQL query in time" in info.value.title


async def test_a_rest_redirect_to_another_host_is_refused(server: Any) -> None:
    elsewhere = rel_server.LocalServer(lambda req: Answer(200, [])).start()
    try:
        server.handler = lambda req: Answer(302, b"", {"Location": f"{elsewhere.url}{req.path}"})
        forge = make_forge(server.url, groups=["acme"])
        with pytest.raises(ForgeError) as info:
            await forge.fetch(NOW)
    finally:
        elsewhere.stop()
        await forge.aclose()
    assert elsewhere.requests == []  # neither the token nor the question went there
    assert "redirected GET /user to another host" in info.value.title


async def test_a_graphql_redirect_is_refused(server: Any) -> None:
    server.handler = lambda req: Answer(301, b"", {"Location": "https://login.example/sso"})
    forge = make_forge(server.url, repos=["acme/lib"], graphql=True)
    try:
        with pytest.raises(ForgeError) as info:
            await forge.fetch(NOW)
    finally:
        await forge.aclose()
    assert "redirected a GraphQL query" in info.value.title
