"""GitLab adapter fixtures: the replay peer (session), in-process scenario servers, forge builders.

The peer is the project's own replay server (``tests/peers/gitlab/``) over python-gitlab 8.6.0's
unit-test mocks plus the project's ``extra_exchanges.json``. The corpus is built on first use into
``.peers/gitlab/`` (pip download from PyPI); if that fails the ``peers`` tests skip with the reason.
The server runs on a free 127.0.0.1 port and is stopped by its recorded PID.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from gl_helpers import EXTRAS, PEERS_DIR, build_corpus, replay, simple_paths


@dataclass
class Peer:
    url: str
    pid: int

    def reset(self) -> None:
        req = urllib.request.Request(f"{self.url}/__replay/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=5) as resp:
            resp.read()


@pytest.fixture(scope="session")
def gitlab_peer_session() -> Iterator[Peer]:
    try:
        corpus = build_corpus.build()
    except Exception as exc:  # any build failure means: no peer on this machine
        pytest.skip(f"GitLab replay corpus could not be built: {exc}")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(PEERS_DIR / "replay_server.py"),
            "--quiet",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--corpus-json",
            str(corpus),
            "--extra-json",
            str(EXTRAS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    pid = proc.pid
    pidfile = corpus.parent / f"replay-{pid}.pid"
    pidfile.write_text(str(pid))
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("replay: listening on "):
            pytest.skip(f"GitLab replay peer did not start: {line!r}")
        url = line.removeprefix("replay: listening on ").split()[0]
        yield Peer(url=url, pid=pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
        pidfile.unlink(missing_ok=True)


@pytest.fixture
def peer(gitlab_peer_session: Peer) -> Peer:
    """The session peer, rewound so recordings replay from their first answer."""
    gitlab_peer_session.reset()
    return gitlab_peer_session


@pytest.fixture
def serve() -> Iterator[Callable[[list[dict[str, Any]]], str]]:
    """Start an in-process replay server over hand-written exchanges; returns its base URL."""
    servers: list[Any] = []

    def start(exchanges: list[dict[str, Any]]) -> str:
        server = replay.make_server(replay.prepare(exchanges, 1))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _docrefs(monkeypatch: pytest.MonkeyPatch) -> None:
    from gluetui.forges.gitlab import docs as gitlab_docs

    monkeypatch.setattr(gitlab_docs, "referenced_paths", simple_paths)
