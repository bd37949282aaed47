"""Measuring gluetui's own adapters against a fake forge: one refresh, its requests, wall and CPU time.

Written against the adapters' public entry points (``GitHubForge.from_config(...)`` then
``await forge.fetch(now)``); when an adapter is not importable the measurement says so instead of
failing, so the baseline can still be run while the adapters are being written.
"""

from __future__ import annotations

import importlib
import json
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.fakeforge.model import ANCHOR, ORG


@dataclass
class Refresh:
    """One refresh as the server counted it, plus the client's own time."""

    requests: int = 0
    graphql: int = 0
    rest: int = 0
    not_modified: int = 0
    rest_points: int = 0
    graphql_points: int = 0
    graphql_errors: int = 0
    repos: int = 0
    #: Repositories and owners the refresh reported as failed (or waiting for the budget).
    repo_errors: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    #: The longest chain of dependent GraphQL queries (the listing is the first).
    graphql_rounds: int = 0
    #: How long the fake spent computing answers, and its CPU time, during the refresh.
    fake_busy_s: float = 0.0
    server_cpu_s: float = 0.0
    #: What the fake's ledger says: points per budget, the most in any minute / hour, refusals.
    budget: Mapping[str, float] = field(default_factory=dict)
    client_stats: Mapping[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return self.rest_points + self.graphql_points


def server_stats(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/_stats", timeout=30) as reply:  # loopback only
        data: dict[str, Any] = json.loads(reply.read())
    return data


def reset_stats(base_url: str) -> None:
    req = urllib.request.Request(f"{base_url}/_reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30):
        pass


def _refresh_from(stats: Mapping[str, Any], wall: float, cpu: float) -> Refresh:
    rest = int(stats.get("github_rest", 0)) + int(stats.get("gitlab_rest", 0))
    return Refresh(
        requests=int(stats.get("requests", 0)),
        graphql=int(stats.get("github_graphql", 0)),
        rest=rest,
        not_modified=int(stats.get("github_rest_304", 0)) + int(stats.get("gitlab_rest_304", 0)),
        rest_points=int(stats.get("github_rest_points", 0)),
        graphql_points=int(stats.get("github_graphql_points", 0)),
        graphql_errors=int(stats.get("github_graphql_errors", 0)),
        wall_s=wall,
        cpu_s=cpu,
        fake_busy_s=float(stats.get("fake_busy_s", 0.0)),
        server_cpu_s=float(stats.get("server_cpu_s", 0.0)),
        budget=dict(stats.get("budget") or {}),
        error_samples=list(stats.get("graphql_error_samples", [])),
    )


class MemoryCache:
    """An in-memory ``HttpCache`` (used when gluetui.forges.http offers none)."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}

    def http_get(self, key: str) -> Any:
        return self.entries.get(key)

    def http_put(
        self,
        key: str,
        *,
        etag: str,
        last_modified: str = "",
        body: bytes,
        headers: Mapping[str, str],
        at: datetime,
    ) -> None:
        from types import SimpleNamespace

        self.entries[key] = SimpleNamespace(
            etag=etag, last_modified=last_modified, body=body, headers=dict(headers), stored_at=at
        )


def new_cache() -> Any:
    try:
        http = importlib.import_module("gluetui.forges.http")
        return http.MemoryHttpCache()
    except (ImportError, AttributeError):
        return MemoryCache()


def github_available() -> str:
    """ "" when the GitHub adapter imports, else why not."""
    try:
        importlib.import_module("gluetui.forges.github.forge").GitHubForge  # noqa: B018
    except Exception as exc:  # any failure to import means "not measurable yet"
        return f"gluetui GitHub adapter not available ({type(exc).__name__}: {exc})"
    return ""


def gitlab_available() -> str:
    try:
        importlib.import_module("gluetui.forges.gitlab.forge").GitLabForge  # noqa: B018
    except Exception as exc:
        return f"gluetui GitLab adapter not available ({type(exc).__name__}: {exc})"
    return ""


class GluetuiClient:
    """One configured source against the fake forge, refreshed as often as asked.

    ``inprocess`` (a :class:`bench.fakeforge.inprocess.FakeTransport` and its
    :class:`~bench.fakeforge.inprocess.VirtualClock`) runs the fake in this process on a virtual
    clock: the session's clock and waits are the fake's, so pacing costs no real time.
    """

    def __init__(
        self,
        base_url: str,
        kind: str = "github",
        *,
        org: str = ORG,
        inprocess: tuple[Any, Any] | None = None,
    ) -> None:
        from gluetui.config.schema import Config, SourceConfig

        self.base_url = base_url
        self.kind = kind
        self.transport: Any = inprocess[0] if inprocess is not None else None
        self.clock: Any = inprocess[1] if inprocess is not None else None
        if kind == "github":
            source = SourceConfig(name="bench", kind="github", url=base_url, orgs=[org])
            module = importlib.import_module("gluetui.forges.github.forge")
            self.cache = new_cache()
            self.forge = module.GitHubForge.from_config(
                source,
                Config(sources=[source]),
                token="bench-token",
                cache=self.cache,
                transport=self.transport,
            )
            if self.clock is not None:
                self.forge.session.clock = self.clock.now
                self.forge.session.sleep = self.clock.sleep
        else:
            source = SourceConfig(name="bench-gl", kind="gitlab", url=base_url, groups=[org])
            module = importlib.import_module("gluetui.forges.gitlab.forge")
            self.forge = module.GitLabForge.from_config(
                source, Config(sources=[source]), token="bench-token"
            )

    def _stats(self) -> dict[str, Any]:
        if self.transport is None:
            return server_stats(self.base_url)
        fake = self.transport.forge
        return {**fake.stats.snapshot(), "budget": fake.ledger.report()}

    def _reset(self) -> None:
        if self.transport is None:
            reset_stats(self.base_url)
        else:
            self.transport.forge.stats.reset()
            self.transport.forge.ledger.clear()

    async def refresh(self, now: datetime = ANCHOR) -> Refresh:
        self._reset()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        data = await self.forge.fetch(now)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        result = _refresh_from(self._stats(), wall, cpu)
        result.repos = len(data.repos)
        result.repo_errors = len(data.errors)
        result.graphql_rounds = int(data.stats.get("graphql_rounds", 0))
        result.client_stats = dict(data.stats)
        return result

    async def aclose(self) -> None:
        await self.forge.aclose()
