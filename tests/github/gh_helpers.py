"""Shared values and builders for the GitHub adapter tests (imported by name, not via conftest,
so running several test directories together never picks up another directory's conftest)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from gluetui.config.schema import Config, SourceConfig
from gluetui.forges.github.forge import GitHubForge
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
    """A forge whose reads go through ``transport`` and whose writes (PyGithub) go to ``url``."""
    src = SourceConfig(name="work", kind="github", url=url, repos=repos or [], **source)
    cfg = Config.model_validate({"sources": [src.model_dump()], **(config or {})})
    forge = GitHubForge.from_config(
        src, cfg, token=TOKEN, cache=cache, transport=transport, write_spacing=None
    )
    forge.session.sleep = _no_sleep
    forge.session.clock = lambda: NOW
    return forge
