"""A scriptable HTTP server on 127.0.0.1, in-process, for the fault matrix.

Real sockets matter here: timeouts, refused connections, TLS spoken to a plain-HTTP port, a body cut
short and redirects to another host only happen on a wire, not in an httpx MockTransport. The
server records every request (method, path, headers, body) so tests can count what was sent and
grep it for the token. ``fault`` is consulted before ``handler`` and may answer instead.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    """One request as the server saw it (header names lower-case)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def bare_path(self) -> str:
        return self.path.split("?", 1)[0]


@dataclass
class Answer:
    """What to send back. ``body`` that is not bytes/str is JSON-encoded.

    ``delay`` sleeps before answering (a timeout); ``truncate`` promises more bytes than it sends
    and closes the connection (a body cut short); ``trickle`` sends the body one byte every that
    many seconds (a server that never times out a read, and never finishes).
    """

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False
    trickle: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


Handler = Callable[[Request], Answer]
Fault = Callable[[Request], "Answer | None"]


def not_found(_: Request) -> Answer:
    return Answer(404, {"message": "Not Found"})


class LocalServer:
    """A ThreadingHTTPServer on a free 127.0.0.1 port; ``stop()`` shuts it down and frees the port."""

    def __init__(self, handler: Handler = not_found) -> None:
        self.handler = handler
        self.fault: Fault | None = None
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopped = False
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server._lock:
                    server.requests.append(req)
                fault = server.fault
                answer = (fault(req) if fault is not None else None) or server.handler(req)
                if answer.delay:
                    time.sleep(answer.delay)
                payload = answer.payload()
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                if answer.truncate:
                    self.send_header("Content-Length", str(len(payload) + 500))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload[: max(1, len(payload) // 2)])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if answer.trickle:
                    try:
                        for i in range(len(payload)):
                            if server._stopped:
                                return
                            self.wfile.write(payload[i : i + 1])
                            self.wfile.flush()
                            time.sleep(answer.trickle)
                    except OSError:  # the client gave up: that is the point
                        self.close_connection = True
                    return
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down and free the port (idempotent, so a test may stop a fixture's server early)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def count(self, method: str | None = None, contains: str = "") -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method) and contains in r.path
            )

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()


def closed_port() -> int:
    """A port nothing listens on (bound, then released: connecting is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
