"""GitHub adapter fixtures: forge builders over the in-process fake, and the Prism peer (session).

The Prism peer is installed on first use into ``.peers/github`` (npm registry only; ~1 min the first
time), started on a free 127.0.0.1 port, and stopped by the PID it was started with. Without node
and npm the ``peers`` tests skip with the reason.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fakehub import FakeGitHub

from gluetui.config_schema import Config, SourceConfig
from gluetui.forges.github import GitHubForge
from gluetui.forges.http import MemoryHttpCache

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TOKEN = "ghp_TESTTOKEN0123456789abcdefSECRET"  # fake: proves the token never leaks
PEERS = Path(__file__).resolve().parents[1] / "peers" / "github" / "peers.py"


def load_peers() -> ModuleType:
    """The project's peer helper (tests/peers/github/peers.py), imported by path."""
    if "gluetui_github_peers" in sys.modules:
        return sys.modules["gluetui_github_peers"]
    spec = importlib.util.spec_from_file_location("gluetui_github_peers", PEERS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gluetui_github_peers"] = module
    spec.loader.exec_module(module)
    return module


async def _no_sleep(seconds: float) -> None:
    return None


def make_forge(
    transport: httpx.AsyncBaseTransport,
    *,
    repos: list[str] | None = None,
    url: str = "",
    cache: MemoryHttpCache | None = None,
    config: dict[str, Any] | None = None,
    **source: Any,
) -> GitHubForge:
    src = SourceConfig(name="work", kind="github", url=url, repos=repos or [], **source)
    cfg = Config.model_validate({"sources": [src.model_dump()], **(config or {})})
    forge = GitHubForge.from_config(src, cfg, token=TOKEN, cache=cache, transport=transport)
    forge.session.sleep = _no_sleep
    forge.session.clock = lambda: NOW
    return forge


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
