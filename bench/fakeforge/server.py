"""The loopback HTTP server: routing, latency, ETags/304s, rate-limit headers and point accounting.

One threaded server answers GitHub REST (at ``/`` and ``/api/v3``), GitHub GraphQL (``/graphql`` and
``/api/graphql``) and GitLab REST (``/api/v4``). Every answer is delayed by the configured latency
(GraphQL also by a per-node server time), so a client that sends fewer or more concurrent requests
feels it the way it would against a real forge. Counters are served at ``GET /_stats`` and cleared by
``POST /_reset``; neither is counted.

Accounting follows GitHub: a REST request costs 1 point unless it is a 304 (free), a GraphQL query
costs its computed points; both are written in a :class:`budget.Ledger` with the time, so the
bench reads the most spent in any minute and any hour. Budgets are reported (``x-ratelimit-*``)
and, with ``enforce``, refused past GitHub's limits on the fake's own clock (a virtual one for the
organisation-scale bench, which then waits no real time).

With ``cache_answers`` every answer is computed once (REST by request line, GraphQL by request
body) and served from memory afterwards: a benchmark primes the fake with one refresh and then
measures the client against answers that cost the fake almost nothing, so the wall time is the
simulated latency plus the client's own work. ``/_stats`` says how long the fake spent computing
answers (``fake_busy_s``) and its CPU time (``server_cpu_s``) since the last reset.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse

from bench.fakeforge import github_graphql, github_rest, gitlab_graphql, gitlab_rest
from bench.fakeforge.budget import HOURLY, Ledger
from bench.fakeforge.http import Request, Response, json_response
from bench.fakeforge.model import Organisation
from bench.fakeforge.schema import SchemaUnavailable, github_schema

REST_LIMIT = HOURLY["rest"]
GRAPHQL_LIMIT = HOURLY["graphql"]
GITLAB_LIMIT = 2000


@dataclass
class Stats:
    """Counters shared by the handler threads."""

    counters: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str = "", **counts: int) -> None:
        with self.lock:
            self.counters.update(counts)
            if route:
                self.routes[route] += 1

    def error(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 20:
                self.errors.append(message)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "fake_busy_s": self.counters.get("fake_busy_us", 0) / 1e6,
                **{k: self.counters.get(k, 0) for k in _KEYS},
                **{k: v for k, v in self.counters.items() if k not in _KEYS},
                "routes": dict(sorted(self.routes.items())),
                "graphql_error_samples": list(self.errors),
            }

    def reset(self) -> None:
        with self.lock:
            self.counters.clear()
            self.routes.clear()
            self.errors.clear()


_KEYS = (
    "requests",
    "github_rest",
    "github_rest_304",
    "github_rest_points",
    "github_graphql",
    "github_graphql_points",
    "github_graphql_nodes",
    "github_graphql_errors",
    "gitlab_rest",
    "gitlab_rest_304",
    "gitlab_graphql",
)


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest()[:40] + '"'


_GITLAB_ROOTS = frozenset({"currentUser", "project", "projects", "group", "namespace"})


def _is_gitlab_query(body: bytes) -> bool:
    """GitHub Enterprise and GitLab both answer at ``/api/graphql``: tell them apart by the root
    fields asked for (GitHub's Query has none of GitLab's ``project``/``projects``/``currentUser``)."""
    try:
        payload = json.loads(body or b"null")
        document = parse(payload["query"])
    except (ValueError, TypeError, KeyError, GraphQLError):
        return False
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            names = {
                s.name.value
                for s in definition.selection_set.selections
                if isinstance(s, FieldNode)
            }
            return bool(names & _GITLAB_ROOTS)
    return False


def _matches(header: str, etag: str) -> bool:
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") in (wanted, "*") for tag in header.split(","))


class FakeForge:
    """Transport-independent core: one call per request, answers plus bookkeeping."""

    def __init__(
        self,
        n_repos: int,
        *,
        seed: int = 0,
        latency: float = 0.1,
        node_seconds: float = 0.00005,
        sleep: Callable[[float], None] = time.sleep,
        pregenerate: bool = False,
        cache_answers: bool = False,
        clock: Callable[[], float] = time.time,
        enforce: bool = False,
    ) -> None:
        self.org = Organisation(n_repos, seed)
        if pregenerate:  # so a benchmark's first refresh does not pay for generating the data
            for index in range(n_repos):
                self.org.repo(index)
        self.latency = latency
        self.node_seconds = node_seconds
        self.sleep = sleep
        self.stats = Stats()
        self.views = github_graphql.Views(self.org)
        self._gen_lock = threading.Lock()
        self.clock = clock
        self.ledger = Ledger(clock, enforce)
        self.cache_answers = cache_answers
        self._answers: dict[Any, Any] = {}
        self._cpu0 = time.process_time()

    @property
    def reset_epoch(self) -> int:
        """When the budgets reset: the top of the fake clock's hour (headers only, never in an
        ETag'd body)."""
        return int(self.ledger.reset_at())

    # -- budgets --------------------------------------------------------------------------------

    def _rate_headers(self, resource: str) -> dict[str, str]:
        c = self.stats.counters
        if resource == "gitlab":
            used = c.get("gitlab_rest", 0) + c.get("gitlab_graphql", 0)
            return {
                "ratelimit-name": "throttle_authenticated_api",
                "ratelimit-limit": str(GITLAB_LIMIT),
                "ratelimit-observed": str(used),
                "ratelimit-remaining": str(max(0, GITLAB_LIMIT - used)),
                "ratelimit-reset": str(self.reset_epoch),
                "ratelimit-resettime": formatdate(self.reset_epoch, usegmt=True),
            }
        budget = "rest" if resource == "core" else "graphql"
        limit = HOURLY[budget]
        used = limit - self.ledger.remaining(budget)
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(self.reset_epoch),
            "x-ratelimit-resource": resource,
        }

    def _graphql_rate(self, cost: int) -> dict[str, Any]:
        used = GRAPHQL_LIMIT - self.ledger.remaining("graphql") + cost
        return {
            "cost": cost,
            "limit": GRAPHQL_LIMIT,
            "remaining": max(0, GRAPHQL_LIMIT - used),
            "used": used,
            "nodeCount": 0,
            "resetAt": datetime.fromtimestamp(self.reset_epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    # -- dispatch -------------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, root: str
    ) -> Response:
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if path == "/_stats":
            return json_response(
                {
                    **self.stats.snapshot(),
                    "server_cpu_s": time.process_time() - self._cpu0,
                    "budget": self.ledger.report(),
                }
            )
        if path == "/_reset" and method == "POST":
            self.stats.reset()
            self.ledger.clear()
            self._cpu0 = time.process_time()
            return json_response({"ok": True})
        if path.startswith("/api/v4/") or path == "/api/v4":
            req = Request(
                method, path[len("/api/v4") :] or "/", query, headers, body, f"{root}/api/v4", root
            )
            return self._gitlab(req)
        if path == "/api/graphql" and method == "POST" and _is_gitlab_query(body):
            return self._gitlab_graphql(headers, body, root)
        if path in ("/graphql", "/api/graphql"):
            return self._graphql(method, headers, body)
        prefix = "/api/v3" if path == "/api/v3" or path.startswith("/api/v3/") else ""
        req = Request(
            method, unquote(path[len(prefix) :]) or "/", query, headers, body, root + prefix, root
        )
        return self._rest(req)

    def _authorised(self, headers: Mapping[str, str], gitlab: bool = False) -> bool:
        if headers.get("authorization"):
            return True
        return gitlab and bool(headers.get("private-token") or headers.get("job-token"))

    def _rest(self, req: Request) -> Response:
        self.latency and self.sleep(self.latency)
        refused = self.ledger.check("rest", 1) if req.path != "/rate_limit" else None
        started = time.perf_counter()
        if refused is not None:
            response = self._refused("rest", *refused)
        elif not self._authorised(req.headers):
            response = json_response(
                {"message": "Requires authentication"}, status=401, route="401"
            )
        elif req.path == "/rate_limit":
            response = self._rate_limit_body()
        else:
            response = self._answer(
                ("REST", req.method, req.path, tuple(sorted(req.query.items())), req.base),
                lambda: github_rest.handle(self.org, req),
            )
        not_modified = self._conditional(req, response)
        free = not_modified or req.path == "/rate_limit" or refused is not None
        if not free:
            self.ledger.spend("rest", 1)
        self.stats.add(fake_busy_us=int((time.perf_counter() - started) * 1e6))
        self.stats.add(
            response.route,
            requests=1,
            github_rest=1,
            github_rest_304=int(not_modified),
            github_rest_points=0 if free else 1,
            **{f"status_{response.status}": 1},
        )
        response.headers.update(self._rate_headers("core"))
        response.headers.update(
            {
                "x-github-api-version-selected": "2022-11-28",
                "x-oauth-scopes": "repo, read:org",
                "x-accepted-oauth-scopes": "repo",
                "cache-control": "private, max-age=60, s-maxage=60",
                "vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
            }
        )
        return response

    def _answer(self, key: Any, compute: Callable[[], Response]) -> Response:
        """``compute()`` once per key when answers are cached (a copy each time: the caller
        adds headers), else every time."""
        if self.cache_answers:
            cached = self._answers.get(key)
            if cached is not None:
                self.stats.add(fake_cache_hits=1)
                return Response(
                    cached.status,
                    cached.body,
                    cached.content_type,
                    dict(cached.headers),
                    cached.route,
                )
        with self._gen_lock:  # generation is lazy; keep it single-threaded
            response = compute()
        if self.cache_answers:
            self.stats.add(fake_cache_misses=1)
            self._answers[key] = Response(
                response.status,
                response.body,
                response.content_type,
                dict(response.headers),
                response.route,
            )
        return response

    def _refused(self, budget: str, why: str, seconds: float) -> Response:
        """GitHub's answer past a limit: a secondary limit's 403 with ``Retry-After``, or the
        spent hourly budget (403 for REST, ``RATE_LIMITED`` for GraphQL)."""
        with self.stats.lock:
            self.stats.counters[f"refused_{why}"] += 1
        if why == "secondary":
            return json_response(
                {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
                status=403,
                route="403 secondary",
                headers={"retry-after": str(int(seconds + 0.999))},
            )
        if budget == "graphql":
            return json_response(
                {
                    "errors": [
                        {
                            "type": "RATE_LIMITED",
                            "message": "API rate limit exceeded for user ID 1.",
                        }
                    ]
                },
                route="RATE_LIMITED",
            )
        return json_response(
            {"message": "API rate limit exceeded for user ID 1."}, status=403, route="403 hourly"
        )

    def _rate_limit_body(self) -> Response:
        def budget(limit: int, key: str) -> dict[str, int]:
            used = limit - self.ledger.remaining("rest" if "rest" in key else "graphql")
            return {
                "limit": limit,
                "used": used,
                "remaining": max(0, limit - used),
                "reset": self.reset_epoch,
            }

        core = budget(REST_LIMIT, "github_rest_points")
        return json_response(
            {
                "resources": {
                    "core": core,
                    "graphql": budget(GRAPHQL_LIMIT, "github_graphql_points"),
                },
                "rate": core,
            },
            route="GET /rate_limit",
        )

    def _conditional(self, req: Request, response: Response) -> bool:
        """Give GETs an ETag; answer 304 (empty body) when the client already has it."""
        if req.method != "GET" or response.status != 200:
            return False
        etag = etag_of(response.body)
        response.headers["etag"] = etag
        header = req.headers.get("if-none-match", "")
        if header and _matches(header, etag):
            response.status = 304
            response.body = b""
            return True
        return False

    def _gitlab(self, req: Request) -> Response:
        self.latency and self.sleep(self.latency)
        if not self._authorised(req.headers, gitlab=True):
            response = json_response({"message": "401 Unauthorized"}, status=401, route="GL 401")
        else:
            with self._gen_lock:
                response = gitlab_rest.handle(self.org, req)
        not_modified = self._conditional(req, response)
        self.stats.add(
            response.route,
            requests=1,
            gitlab_rest=1,
            gitlab_rest_304=int(not_modified),
            **{f"status_{response.status}": 1},
        )
        response.headers.update(self._rate_headers("gitlab"))
        return response

    def _gitlab_graphql(self, headers: Mapping[str, str], body: bytes, root: str) -> Response:
        """GitLab's GraphQL: the same latency and per-node server time as GitHub's."""
        started = time.perf_counter()
        if not self._authorised(headers, gitlab=True):
            self.latency and self.sleep(self.latency)
            self.stats.add("GL 401", requests=1, gitlab_graphql=1, status_401=1)
            return json_response({"message": "401 Unauthorized"}, status=401, route="GL 401")
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            payload = None
        with self._gen_lock:
            answer, nodes = gitlab_graphql.run(self.org, root, payload)
        for error in answer.get("errors", ()):
            self.stats.error(str(error.get("message")))
        self.stats.add(
            "GL POST /api/graphql",
            requests=1,
            gitlab_graphql=1,
            gitlab_graphql_nodes=nodes,
            gitlab_graphql_errors=int("errors" in answer),
            status_200=1,
        )
        wait = self.latency + nodes * self.node_seconds - (time.perf_counter() - started)
        if wait > 0:
            self.sleep(wait)
        response = json_response(answer, route="GL POST /api/graphql")
        response.headers.update(self._rate_headers("gitlab"))
        return response

    def _graphql_outcome(self, schema: Any, payload: Any, body: bytes) -> github_graphql.Outcome:
        """The query's outcome, computed once per request body when answers are cached (a
        query asking for ``rateLimit`` is always computed: its answer moves)."""
        cacheable = self.cache_answers and b"rateLimit" not in body
        if cacheable:
            cached = self._answers.get(("GQL", body))
            if cached is not None:
                self.stats.add(fake_cache_hits=1)
                return cached  # type: ignore[no-any-return]
        with self._gen_lock:
            outcome = github_graphql.run(schema, self.views, payload, self._graphql_rate)
        if cacheable:
            self.stats.add(fake_cache_misses=1)
            self._answers[("GQL", body)] = outcome
        return outcome

    def _graphql(self, method: str, headers: Mapping[str, str], body: bytes) -> Response:
        if method != "POST":
            self.stats.add("GET /graphql", requests=1, **{"status_404": 1})
            return json_response({"message": "Not Found"}, status=404, route="GET /graphql")
        started = time.perf_counter()
        if not self._authorised(headers):
            self.latency and self.sleep(self.latency)
            self.stats.add("401", requests=1, github_graphql=1, status_401=1)
            return json_response(
                {"message": "This endpoint requires you to be authenticated."},
                status=401,
                route="401",
            )
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            payload = None
        try:
            schema = github_schema()
        except SchemaUnavailable as exc:
            self.stats.add("POST /graphql", requests=1, github_graphql=1, status_503=1)
            return json_response({"message": str(exc)}, status=503, route="POST /graphql")
        outcome = self._graphql_outcome(schema, payload, body)
        refused = self.ledger.check("graphql", outcome.points)
        if refused is not None:
            self.latency and self.sleep(self.latency)
            self.stats.add("POST /graphql", requests=1, github_graphql=1, status_200=1)
            response = self._refused("graphql", *refused)
            response.headers.update(self._rate_headers("graphql"))
            return response
        self.ledger.spend("graphql", outcome.points)
        self.stats.add(fake_busy_us=int((time.perf_counter() - started) * 1e6))
        for message in outcome.errors:
            self.stats.error(message)
        self.stats.add(
            "POST /graphql",
            requests=1,
            github_graphql=1,
            github_graphql_points=outcome.points,
            github_graphql_nodes=outcome.nodes,
            github_graphql_errors=int(bool(outcome.errors)),
            status_200=1,
        )
        # Latency plus GitHub-like server time per node, minus what executing here already took.
        spent = time.perf_counter() - started
        wait = self.latency + outcome.nodes * self.node_seconds - spent
        if wait > 0:
            self.sleep(wait)
        response = json_response(outcome.body, route="POST /graphql")
        response.headers.update(self._rate_headers("graphql"))
        return response


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        # Without TCP_NODELAY, headers and body go out as two segments and Nagle plus delayed ACKs
        # add ~40 ms to every request, which would swamp the latency being simulated.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = self.server.forge.handle(
            self.command, self.path, headers, body, self.server.root
        )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            if value != "":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    # http.server dispatches on these exact names.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve  # noqa: N815


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, forge: FakeForge, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.forge = forge
        self.root = f"http://127.0.0.1:{self.server_address[1]}"


def start_server(
    n_repos: int,
    latency: float = 0.1,
    seed: int = 0,
    *,
    port: int = 0,
    node_seconds: float = 0.00005,
    pregenerate: bool = False,
    cache_answers: bool = False,
) -> tuple[str, Callable[[], None]]:
    """Serve a fake forge in this process's threads: ``(base_url, stop)``.

    The GraphQL schema is built before this returns, so the first query is not charged for it
    (without npm it cannot be fetched: REST still works, GraphQL answers 503 saying why).
    """
    with contextlib.suppress(SchemaUnavailable):
        github_schema()
    forge = FakeForge(
        n_repos,
        seed=seed,
        latency=latency,
        node_seconds=node_seconds,
        pregenerate=pregenerate,
        cache_answers=cache_answers,
    )
    server = _Server(forge, port)
    thread = threading.Thread(target=server.serve_forever, name="fakeforge", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return server.root, stop
