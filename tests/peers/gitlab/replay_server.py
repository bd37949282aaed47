#!/usr/bin/env python3
"""Loopback HTTP server that replays GitLab API exchanges (stdlib only).

The project's pinned adaptation of the team harness's ``replay_server.py``. Corpora are JSON lists
of ``{"method", "path", "status", "headers", "response", "body", "file"}``:

* ``corpus.json`` — what ``gitlab_fixture_recorder.py`` extracts from python-gitlab 8.6.0's unit
  tests (bodies mostly GitLab documentation examples), built by ``build_corpus.py``;
* ``extra_exchanges.json`` — the project's own exchanges for what that corpus lacks, shaped from
  GitLab's REST API documentation, loaded with ``--extra-json`` and preferred over the corpus.

Changes from the harness version, each because the adapter needs it:

* ``path`` may carry a query; a recording matches a request when its query parameters are a subset
  of the request's (python-gitlab adds ``per_page`` and friends), and the most specific match wins.
  Extras outrank the recorded corpus for the same path.
* ``response`` may be a JSON value instead of a string (readable hand-written fixtures).
* ``--port 0`` binds a free port; the first stdout line is ``replay: listening on URL``.
* :func:`make_server` serves a list of exchanges in-process, for unit tests of error paths.

Several recordings with the same specificity are served in recorded order, the last repeating;
``POST /__replay/reset`` rewinds that. Unknown requests get a 404 naming the closest known keys.
``http://localhost`` (python-gitlab's test host) in bodies and Link headers becomes this server.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import difflib
import json
import sys
import threading
import urllib.parse
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection", "server"}
Exchange = dict[str, Any]


def norm_body(body: object) -> str | None:
    if body in (None, "None", ""):
        return None
    if not isinstance(body, str):
        return json.dumps(body, sort_keys=True, separators=(",", ":"))
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return body


def _split(path: str) -> tuple[str, dict[str, list[str]]]:
    parts = urllib.parse.urlsplit(path)
    return parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True)


def prepare(exchanges: Iterable[Exchange], priority: int = 0) -> list[Exchange]:
    """Normalise exchanges: string bodies, parsed queries, a priority (extras > recorded)."""
    out: list[Exchange] = []
    for ex in exchanges:
        ex = dict(ex)
        resp = ex.get("response", "")
        if not isinstance(resp, str):
            resp = json.dumps(resp)
        ex["response"] = resp
        ex["headers"] = [
            tuple(h) for h in ex.get("headers") or [("Content-Type", "application/json")]
        ]
        ex["body"] = norm_body(ex.get("body"))
        ex["_path"], ex["_query"] = _split(ex["path"])
        ex["_priority"] = priority
        out.append(ex)
    return out


def load(paths: Iterable[str | Path], priority: int = 0) -> list[Exchange]:
    out: list[Exchange] = []
    for path in paths:
        out += prepare(json.loads(Path(path).read_text(encoding="utf-8")), priority)
    return out


class Corpus:
    def __init__(self, exchanges: list[Exchange]) -> None:
        self.by_path: dict[tuple[str, str], list[Exchange]] = collections.defaultdict(list)
        for ex in exchanges:
            self.by_path[(ex["method"], ex["_path"])].append(ex)
        self.counters: collections.Counter[tuple[str, str, str | None]] = collections.Counter()
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.counters.clear()

    def lookup(self, method: str, path: str, body: str | None) -> Exchange | None:
        bare, query = _split(path)
        cands = [
            ex
            for ex in self.by_path.get((method, bare), [])
            if all(query.get(k) == v for k, v in ex["_query"].items())
        ]
        if not cands:
            return None
        best = max((ex["_priority"], len(ex["_query"])) for ex in cands)
        cands = [ex for ex in cands if (ex["_priority"], len(ex["_query"])) == best]
        nb = norm_body(body)
        same_body = [c for c in cands if c["body"] == nb] if nb is not None else []
        pool = same_body or cands
        key = (method, path, nb if same_body else None)
        with self.lock:
            n = self.counters[key]
            self.counters[key] += 1
        return pool[min(n, len(pool) - 1)]

    def keys(self) -> list[str]:
        return sorted(
            {f"{ex['method']} {ex['path']}" for exs in self.by_path.values() for ex in exs}
        )


def make_handler(
    corpus: Corpus, base_url: str, quiet: bool, rewrite: list[str]
) -> type[BaseHTTPRequestHandler]:
    def rw(text: str) -> str:
        for src in rewrite:
            text = text.replace(src, base_url)
        return text

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            if not quiet:
                sys.stderr.write("replay: " + format % args + "\n")

        def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            # send_response_only: a recorded Date header must not be doubled by the server's own.
            self.send_response_only(status)
            if not any(k.lower() == "date" for k, _ in headers):
                self.send_header("Date", self.date_time_string())
            for k, v in headers:
                if k.lower() not in DROP_HEADERS:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else None
            json_type = [("Content-Type", "application/json")]
            if self.path == "/__replay/keys":
                return self._send(200, json_type, json.dumps(corpus.keys()).encode())
            if self.path == "/__replay/reset":
                corpus.reset()
                return self._send(200, json_type, b'{"reset":true}')
            ex = corpus.lookup(self.command, self.path, body)
            if ex is None:
                near = difflib.get_close_matches(
                    f"{self.command} {self.path}", corpus.keys(), n=5, cutoff=0.3
                )
                msg = {
                    "message": "404 Not Found (no recording)",
                    "request": f"{self.command} {self.path}",
                    "closest": near,
                }
                return self._send(404, json_type, json.dumps(msg).encode())
            headers = [(k, rw(v) if k.lower() == "link" else v) for k, v in ex["headers"]]
            resp = "" if ex["status"] == 204 or ex["response"] == "None" else rw(ex["response"])
            headers.append(("X-Replay-File", str(ex.get("file") or "")))
            self._send(int(ex["status"]), headers, resp.encode("utf-8"))

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle  # noqa: N815

    return Handler


def make_server(
    exchanges: list[Exchange],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    quiet: bool = True,
    rewrite: list[str] | None = None,
) -> ThreadingHTTPServer:
    """A server over prepared exchanges (see :func:`prepare`); the caller runs serve_forever."""
    server = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    base = f"http://{host}:{server.server_address[1]}"
    server.RequestHandlerClass = make_handler(
        Corpus(exchanges), base, quiet, rewrite or ["http://localhost"]
    )
    server.daemon_threads = True
    return server


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--corpus-json", action="append", default=[], help="recorded corpus (repeatable)"
    )
    ap.add_argument(
        "--extra-json", action="append", default=[], help="preferred exchanges (repeatable)"
    )
    ap.add_argument("--rewrite", action="append", help="URL prefix rewritten to this server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=4021)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if not args.corpus_json and not args.extra_json:
        ap.error("give --corpus-json and/or --extra-json")
    exchanges = load(args.corpus_json, 0) + load(args.extra_json, 1)
    server = make_server(exchanges, args.host, args.port, quiet=args.quiet, rewrite=args.rewrite)
    print(
        f"replay: listening on http://{args.host}:{server.server_address[1]} ({len(exchanges)} exchanges)",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
