"""Reliability fixtures: both forges behind real 127.0.0.1 sockets, tokens planted in the env."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rel_fakes import (
    GH_TOKEN,
    GL_TOKEN,
    FakeGitLab,
    aclose,
    config,
    github_handler,
    github_hub,
    runtime,
    source,
)
from rel_server import LocalServer

from gluetui.factory import Runtime
from gluetui.model import Item
from gluetui.sync import sync_all


@pytest.fixture(autouse=True)
def planted_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REL_GH_TOKEN", GH_TOKEN)
    monkeypatch.setenv("REL_GL_TOKEN", GL_TOKEN)


@pytest.fixture
def gh_server() -> Iterator[tuple[LocalServer, Any]]:
    hub = github_hub()
    server = LocalServer(github_handler(hub)).start()
    yield server, hub
    server.stop()


@pytest.fixture
def gl_server() -> Iterator[LocalServer]:
    server = LocalServer(FakeGitLab()).start()
    yield server
    server.stop()


@dataclass
class World:
    """Both sources refreshed once successfully: ``baseline`` holds the last good items."""

    rt: Runtime
    gh: LocalServer
    gl: LocalServer
    hub: Any
    baseline: dict[str, list[Item]]

    def server(self, kind: str) -> LocalServer:
        return self.gh if kind == "github" else self.gl


async def make_world(
    tmp_path: Path, gh: LocalServer, gl: LocalServer, hub: Any, **src: Any
) -> AsyncIterator[World]:
    cfg = config([source("github", gh.url, **src), source("gitlab", gl.url, **src)])
    with runtime(cfg, tmp_path / "store.sqlite3") as rt:
        try:
            reports = await sync_all(rt)
            assert all(r.ok for r in reports), reports
            baseline = {s: rt.store.load_items([s]) for s in ("gh", "gl")}
            assert all(baseline.values()), baseline
            gh.clear()
            gl.clear()
            yield World(rt, gh, gl, hub, baseline)
        finally:
            await aclose(rt)


@pytest.fixture
async def world(
    tmp_path: Path, gh_server: tuple[LocalServer, Any], gl_server: LocalServer
) -> AsyncIterator[World]:
    async for w in make_world(tmp_path, gh_server[0], gl_server, gh_server[1]):
        yield w
