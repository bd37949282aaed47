"""A GitHub stand-in on 127.0.0.1 for the write path: PyGithub talks HTTP over real sockets.

Actions go through PyGithub (``requests``), which an httpx MockTransport cannot see; this server
records every request (method, path, headers, JSON body) and answers with ``handler``, optionally
after a delay (a timeout). Started and stopped per test; bound to loopback only.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Handler = Callable[[Seen], Reply]


def default_handler(seen: Seen) -> Reply:
    """Plausible GitHub answers: a repository, an issue, a comment."""
    if seen.method == "GET":
        return Reply(200, {"default_branch": "trunk", "full_name": "acme/app"})
    return Reply(
        201,
        {
            "id": 7,
            "number": 12,
            "html_url": "https://github.com/acme/app/issues/12",
        },
    )


class WriteServer:
    def __init__(self, handler: Handler = default_handler) -> None:
        self.handler = handler
        self.seen: list[Seen] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                seen = Seen(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                server.seen.append(seen)
                reply = server.handler(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = json.dumps(reply.body).encode() if reply.status != 204 else b""
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WriteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def writes(self) -> list[Seen]:
        return [s for s in self.seen if s.method != "GET"]
