"""The fake forge inside the client's process, on a virtual clock: GitHub's budgets over hours, in
seconds.

An organisation-scale refresh (5,000 repositories) is measured for what it spends and when, not
for how long the fake takes to compute it: :class:`FakeTransport` hands each request straight to
:meth:`FakeForge.handle` (no socket, no latency), and one :class:`VirtualClock` is both the fake's
clock (its ledger, its hourly resets, what it refuses) and the client session's (its pacing, its
budget checks, its waits, which advance the clock instead of sleeping). So the per-minute and
per-hour figures are what GitHub would see of a client that never stops to think; real time is
only the CPU both sides spend.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx

from bench.fakeforge.server import FakeForge

ROOT = "http://fakeforge.invalid"


class VirtualClock:
    """Time that moves only when someone waits (the client's pacing, a ``Retry-After``)."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self.waited = 0.0

    def now(self) -> datetime:
        return self._now

    def seconds(self) -> float:
        return self._now.timestamp()

    async def sleep(self, seconds: float) -> None:
        self._now += timedelta(seconds=max(0.0, seconds))
        self.waited += max(0.0, seconds)
        await asyncio.sleep(0)


class FakeTransport(httpx.AsyncBaseTransport):
    """An httpx transport that asks a :class:`FakeForge` in this process."""

    def __init__(self, forge: FakeForge, root: str = ROOT) -> None:
        self.forge = forge
        self.root = root

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        headers = {k.lower(): v for k, v in request.headers.items()}
        answer = self.forge.handle(
            request.method, request.url.raw_path.decode(), headers, body, self.root
        )
        out = {"content-type": answer.content_type, **answer.headers}
        return httpx.Response(answer.status, headers=out, content=answer.body)


def virtual_forge(n_repos: int, clock: VirtualClock, seed: int = 0) -> FakeForge:
    """A fake that answers at once and enforces GitHub's limits on ``clock``."""
    return FakeForge(
        n_repos,
        seed=seed,
        latency=0.0,
        node_seconds=0.0,
        sleep=lambda s: None,
        clock=clock.seconds,
        enforce=True,
    )
