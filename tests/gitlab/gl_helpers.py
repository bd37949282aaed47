"""Shared helpers of the GitLab adapter tests (a module of its own so test files can import it)."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from gluetui.config.schema import Config, SourceConfig
from gluetui.forges.gitlab.forge import GitLabForge

PEERS_DIR = Path(__file__).resolve().parents[1] / "peers" / "gitlab"
EXTRAS = PEERS_DIR / "extra_exchanges.json"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TOKEN = "glpat-SECRET-token-never-shown"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"gluetui_peer_{name}", PEERS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


replay = _load("replay_server")
build_corpus = _load("build_corpus")


def make_forge(
    url: str, config: Config | None = None, *, graphql: bool = False, **source: Any
) -> GitLabForge:
    """A forge against a local server (no sleeping, no retries, small timeout).

    REST-only by default: the replay peer serves GitLab's REST recordings only.
    """
    fields: dict[str, Any] = {"name": "gl", "kind": "gitlab", "url": url, "timeout_seconds": 5.0}
    fields.update(source)
    src = SourceConfig(**fields)
    return GitLabForge.from_config(
        src, config or Config(sources=[src]), token=TOKEN, graphql=graphql
    )


def simple_paths(text: str) -> list[str]:
    """Stand-in for gluetui.docrefs: words that look like paths (so tests do not depend on it)."""
    words = text.replace("`", " ").replace(";", " ").replace(",", " ").split()
    return [w.rstrip(".") for w in words if "/" in w or w.endswith(".md")]


def exchange(
    method: str, path: str, response: Any, status: int = 200, headers: list[list[str]] | None = None
) -> dict[str, Any]:
    """One hand-written exchange for :fixture:`serve`."""
    return {
        "method": method,
        "path": path,
        "status": status,
        "response": response,
        "headers": headers or [["Content-Type", "application/json"]],
    }


def extras() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(EXTRAS.read_text(encoding="utf-8"))
    return data
