"""A loopback fake GitHub (REST + GraphQL) and GitLab (REST) serving a synthetic organisation.

``start_server`` runs it in this process's threads (tests); ``spawn_server`` in a child process, so a
benchmark's client-side CPU time is not polluted by the server's work. Both return
``(base_url, stop)``. ``python -m bench.fakeforge`` serves from the command line.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.fakeforge.model import ANCHOR, ORG, VIEWER
from bench.fakeforge.server import FakeForge, start_server

ROOT = Path(__file__).resolve().parents[2]


def spawn_server(
    n_repos: int,
    latency: float = 0.1,
    seed: int = 0,
    *,
    node_seconds: float = 0.00005,
    cache_answers: bool = False,
) -> tuple[str, Callable[[], None]]:
    """Serve from a child process (``python -m bench.fakeforge``); ``stop`` ends exactly that PID.

    With ``cache_answers`` each answer is computed once and served from memory afterwards (see
    :mod:`bench.fakeforge.server`).
    """
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.fakeforge",
            "--repos",
            str(n_repos),
            "--latency-ms",
            str(latency * 1000),
            "--seed",
            str(seed),
            "--node-us",
            str(node_seconds * 1e6),
            "--pregenerate",
            *(["--cache-answers"] if cache_answers else []),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("READY "):
        proc.kill()
        proc.wait(timeout=10)
        raise RuntimeError(f"fake forge did not start: {line!r}")

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()

    return line.split(" ", 1)[1], stop


__all__ = ["ANCHOR", "ORG", "VIEWER", "FakeForge", "spawn_server", "start_server"]
