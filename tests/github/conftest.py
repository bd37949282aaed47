"""GitHub adapter fixtures: forge builders over the in-process fake, and the Prism peer (session).

The Prism peer is installed on first use into ``.peers/github`` (npm registry only; ~1 min the first
time), started on a free 127.0.0.1 port, and stopped by the PID it was started with. Without node
and npm the ``peers`` tests skip with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakehub import FakeGitHub
from gh_helpers import NOW, TOKEN, load_peers, make_forge  # noqa: F401  (re-exported)

from gluetui.forges.github.forge import GitHubForge


@pytest.fixture
def forge_for() -> Iterator[Callable[..., GitHubForge]]:
    """Build forges over a FakeGitHub (or any transport); closes them afterwards."""
    made: list[GitHubForge] = []

    def build(hub: FakeGitHub | httpx.AsyncBaseTransport, **kw: Any) -> GitHubForge:
        transport = hub.transport() if isinstance(hub, FakeGitHub) else hub
        forge = make_forge(transport, **kw)
        made.append(forge)
        return forge

    yield build
    # The clients hold no sockets (MockTransport); dropping them is enough.
    made.clear()


@pytest.fixture(scope="session")
def github_schema_path() -> Path:
    """GitHub's published GraphQL schema (npm pack of @octokit/graphql-schema, cached)."""
    peers = load_peers()
    try:
        path: Path = peers.graphql_schema()
    except peers.PeerUnavailable as exc:
        pytest.skip(str(exc))
    return path


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """A Prism mock of GitHub's REST API on 127.0.0.1, for the whole session."""
    peers = load_peers()
    try:
        prism = peers.start_prism()
    except peers.PeerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield prism.url
    finally:
        prism.stop()
