"""The shared async HTTP layer of the forge adapters: bounded, conditional, rate-aware, translated.

Every request a forge adapter sends through :class:`HttpSession` is

* bounded: at most ``max_concurrency`` in flight (plus at most two read-only GraphQL queries), each
  with a deadline of the source's timeout for the whole exchange (connect, headers and body: a
  server that trickles one byte at a time fails in about that time), TLS always verified
  (optionally against the source's CA bundle), redirects followed only on the same host (a
  redirect elsewhere is an error, never data);
* conditional: a cached GET is revalidated with ``If-None-Match``/``If-Modified-Since`` and a 304
  reuses the stored body (GitHub does not count a 304 against the rate limit);
* rate-aware: ``Retry-After`` and ``x-ratelimit-*`` are read from every answer; a short wait (a
  secondary limit asks for about a minute) is slept, at most :data:`MAX_WAIT_SECONDS`, a long one
  raises :class:`RateLimited` at once with the time the budget returns, so a refresh never hangs
  on a spent budget; a request the known hourly budget cannot pay for is not sent at all, and the
  per-minute limits the adapter names are paced (:class:`Pacer`): the session waits instead of
  being refused;
* translated: httpx errors and error statuses become :mod:`gluetui.errors` types with a hint.

Nothing here knows GitHub or GitLab: the adapter passes its label (``"GitHub"``), the auth hint and
an optional ``classify`` hook for forge-specific statuses (missing scopes).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import json
import ssl
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import orjson

from gluetui.errors import AuthError, ConfigError, ForgeError, GluetuiError, RateLimited
from gluetui.records import CachedResponse, RateLimit
from gluetui.textsafe import clean

#: The longest a refresh sleeps for a rate limit (a secondary limit without ``Retry-After`` asks for
#: a minute) before giving up with RateLimited; longer waits are left to the next refresh.
MAX_WAIT_SECONDS = 90.0
#: Attempts per GET (the first plus retries on 5xx and connection failures).
MAX_ATTEMPTS = 3
#: Rate-limit waits per request before it gives up with RateLimited.
MAX_RATE_WAITS = 3
#: Pause before retrying a 5xx or a connection failure, by attempt.
BACKOFF_SECONDS = (0.5, 1.0)
#: GitHub's documented wait for a secondary rate limit that names no Retry-After.
SECONDARY_WAIT = timedelta(seconds=60)
#: Redirects followed per request (same origin only).
MAX_REDIRECTS = 5
#: The largest answer read; a bigger one is an error rather than a memory spike.
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Statuses a GraphQL query gets when the server gave up on it (a gateway timeout): a smaller
#: query may pass, repeating the same one will not, so these are returned, not retried.
GATEWAY_TIMEOUTS = (502, 504)

JSON = dict[str, Any]
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]
#: Told when the session waits for a rate limit: (until when, why).
WaitHook = Callable[[datetime, str], None]


class Unreachable(ForgeError):
    """The forge could not be reached, or did not answer within the deadline.

    Unlike an error answer this says nothing about one repository: the whole source fails, and
    the session's later requests fail at once with the same error instead of each waiting.
    """


class HttpCache(Protocol):
    """Where conditional-request validators live (the store implements it; tests use memory)."""

    def http_get(self, key: str) -> CachedResponse | None: ...

    def http_put(
        self,
        key: str,
        *,
        etag: str,
        last_modified: str = "",
        body: bytes,
        headers: Mapping[str, str],
        at: datetime,
    ) -> None: ...


@dataclass
class MemoryHttpCache:
    """An in-memory :class:`HttpCache`, for tests and one-off runs."""

    entries: dict[str, CachedResponse] = field(default_factory=dict)

    def http_get(self, key: str) -> CachedResponse | None:
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
        self.entries[key] = CachedResponse(etag, last_modified, body, dict(headers), at)


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer: status, headers (lower-case names), body; ``cached`` when it came from a 304."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    cached: bool = False

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return loads(self.body)
        except RecursionError:
            host = httpx.URL(self.url).host if self.url else ""
            raise ForgeError(
                f"The forge at {host or 'the configured url'} answered with JSON nested too "
                "deeply to read.",
                "The answer is not what the forge's API sends; check the source's url.",
                status=self.status,
            ) from None
        except ValueError as exc:
            host = httpx.URL(self.url).host if self.url else ""
            raise ForgeError(
                f"The forge at {host or 'the configured url'} answered with something that is "
                "not JSON.",
                "A proxy or captive portal may be in the way; check the source's url.",
                status=self.status,
            ) from exc


def loads(body: bytes) -> Any:
    """A forge's JSON answer decoded, with the cyclic garbage collector paused.

    A decoded answer holds no reference cycles, but its hundreds of thousands of new dicts and
    lists trigger collections that walk every object alive, the answers decoded before included:
    decoding a cold refresh's 11 MB took 0.4 s that way, 0.08 s with the collector paused.
    :func:`decode` does the decoding.
    """
    if not gc.isenabled():
        return decode(body)
    gc.disable()
    try:
        return decode(body)
    finally:
        gc.enable()


def decode(body: bytes) -> Any:
    """``orjson.loads`` (about three times as fast as ``json.loads`` on GitHub's answers), and
    ``json.loads`` for what orjson refuses but JSON allows — a lone surrogate escape — so a
    hostile answer decodes as it did before (or fails with ``json``'s ValueError). orjson reads
    an integer beyond 64 bits as a float; no forge id is that large (GitHub's and GitLab's are
    64-bit at most, and exact)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


#: Allocations between two young-generation collections while a refresh runs (CPython's is 700).
REFRESH_GC_THRESHOLD = 50_000
_gc_holds = 0
_gc_saved: tuple[int, int, int] = (700, 10, 10)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a refresh turns answers into records.

    A refresh allocates millions of short-lived, acyclic objects; at CPython's default threshold
    the collector runs hundreds of times per refresh, each run walking objects that are all still
    alive (a fifth of a cold refresh's CPU at 500 repositories). Nested and concurrent refreshes
    share one hold; the last to finish restores the threshold it found.
    """
    global _gc_holds, _gc_saved
    if _gc_holds == 0:
        _gc_saved = gc.get_threshold()
        gc.set_threshold(max(_gc_saved[0], REFRESH_GC_THRESHOLD), *_gc_saved[1:])
    _gc_holds += 1
    try:
        yield
    finally:
        _gc_holds -= 1
        if _gc_holds == 0:
            gc.set_threshold(*_gc_saved)


#: Headers worth keeping in the cache (never authorisation, never cookies).
_KEPT_HEADERS = ("content-type", "etag", "last-modified", "link")


def tls_verify(ca_bundle: str) -> ssl.SSLContext | bool:
    """TLS is always verified; a CA bundle adds a private CA (self-hosted forges)."""
    if not ca_bundle:
        return True
    path = Path(ca_bundle).expanduser()
    try:
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"The CA bundle {path} could not be read.",
            "Point ca_bundle at a PEM file with the forge's CA certificate(s).",
        ) from exc


def make_client(
    base_url: str,
    *,
    headers: Mapping[str, str],
    timeout: float,
    ca_bundle: str = "",
    max_concurrency: int = 6,
    transport: httpx.AsyncBaseTransport | None = None,
    query_lanes: int = 2,
) -> httpx.AsyncClient:
    """An httpx client for one source (the caller puts the token in ``headers``; it goes nowhere else)."""
    return httpx.AsyncClient(
        base_url=base_url,
        headers=dict(headers),
        timeout=httpx.Timeout(timeout),
        verify=tls_verify(ca_bundle),
        limits=httpx.Limits(max_connections=max_concurrency + query_lanes),
        transport=transport,
        # HttpSession follows redirects itself, and only on the same origin: GitHub redirects a
        # renamed repository on its own host, and an answer from anywhere else is not data.
        follow_redirects=False,
        trust_env=True,
    )


def cache_key(method: str, url: str, params: Mapping[str, Any] | None) -> str:
    """A cache key from the request line only (no headers, so never a token)."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items()))
    return f"{method} {url}{'?' + query if query else ''}"


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """The budget an answer reports (``x-ratelimit-*``; GitLab's ``ratelimit-*`` too)."""

    def num(*names: str) -> int | None:
        for name in names:
            value = headers.get(name)
            if value is not None:
                with contextlib.suppress(ValueError):
                    return int(value)
        return None

    remaining = num("x-ratelimit-remaining", "ratelimit-remaining")
    if remaining is None:
        return None
    limit = num("x-ratelimit-limit", "ratelimit-limit")
    reset = num("x-ratelimit-reset", "ratelimit-reset")
    reset_at = datetime.fromtimestamp(reset, UTC) if reset is not None else None
    resource = headers.get("x-ratelimit-resource", "core")
    return RateLimit(
        remaining=remaining,
        limit=limit,
        reset_at=reset_at,
        resource="rest" if resource == "core" else resource,
    )


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds from ``Retry-After`` (delta-seconds or an HTTP date)."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def spent_title(label: str, reset_at: datetime) -> str:
    """ "GitHub rate limit spent until 14:05." in the user's local time."""
    return f"{label} rate limit spent until {reset_at.astimezone().strftime('%H:%M')}."


def server_message(body: bytes) -> str:
    """The forge's own one-line error message, cleaned (it is data, and may be hostile)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        msg = data.get("message") or data.get("error") or ""
        return clean(msg, 200)
    return ""


def _is_rate_limited(status: int, headers: Mapping[str, str], body: bytes) -> bool:
    if status == 429:
        return True
    if status != 403:
        return False
    if headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers:
        return True
    return b"rate limit" in body[:2000].lower()


def sendable(text: str) -> bool:
    """Whether ``text`` can go into a request at all: a lone surrogate (valid in a Python str,
    and in JSON as ``"\\ud800"``) is not Unicode and no forge can be asked for it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Same scheme, host and port: where a redirect may lead and still be the same forge."""
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


#: Resource names as a message says them.
_NAMES = {"rest": "REST", "graphql": "GraphQL"}


class Pacer:
    """Keeps one session under per-minute point limits by waiting, never by failing.

    ``per_minute`` maps a resource (``rest``, ``graphql``) to the points it may spend in any
    60 seconds. Time comes from the injected clock; if that clock does not move while the pacer
    sleeps (a frozen test clock), the sleep still counts, so pacing can never wait forever.
    """

    WINDOW = 60.0

    def __init__(self, per_minute: Mapping[str, int], clock: Clock, sleep: Sleep) -> None:
        self.per_minute = dict(per_minute)
        self.clock = clock
        self.sleep = sleep
        self._spent: dict[str, list[tuple[float, int]]] = {}
        self._skew = 0.0
        self._lock = asyncio.Lock()
        #: Seconds waited so far, for tests and the status line.
        self.waited = 0.0

    def now(self) -> float:
        return self.clock().timestamp() + self._skew

    async def take(self, resource: str, points: int, on_wait: WaitHook | None = None) -> None:
        """Spend ``points`` of ``resource``, first waiting until the last minute has room."""
        limit = self.per_minute.get(resource)
        if not limit:
            return
        points = min(points, limit)
        async with self._lock:  # one waiter at a time keeps the order fair
            spent = self._spent.setdefault(resource, [])
            while True:
                now = self.now()
                spent[:] = [(t, p) for t, p in spent if t > now - self.WINDOW]
                if sum(p for _, p in spent) + points <= limit:
                    spent.append((now, points))
                    return
                wait = max(0.01, spent[0][0] + self.WINDOW - now)
                if on_wait is not None:
                    until = datetime.fromtimestamp(now + wait, UTC)
                    on_wait(until, f"the {_NAMES.get(resource, resource)} points-per-minute limit")
                before = self.clock().timestamp()
                await self.sleep(wait)
                self.waited += wait
                moved = self.clock().timestamp() - before
                if moved < wait:
                    self._skew += wait - moved


class HttpSession:
    """Sends one source's requests: bounded, conditional, rate-aware, counted and translated.

    Args:
        client: The httpx client (from :func:`make_client`, base URL and token headers set).
        label: The forge's name in messages (``"GitHub"``).
        source: The configured source name, for messages.
        auth_hint: What to do about a rejected token (names ``token_env``/``token_command``).
        cache: Where ETags and bodies live between refreshes; None disables conditional GETs.
        max_concurrency: Requests in flight at once.
        classify: Forge-specific translation of an error answer (e.g. missing scopes), or None.
        sleep, clock: Injected so tests neither wait nor read the real clock.
        timeout: The deadline of one whole exchange (connect, headers, body), in seconds.
        per_minute: Points per minute per resource (``rest``, ``graphql``) to pace below.
        query_lanes: Read-only POSTs (GraphQL queries) in flight at once, beside the reads.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        label: str,
        source: str,
        auth_hint: str,
        cache: HttpCache | None = None,
        max_concurrency: int = 6,
        classify: Callable[[Reply, str], GluetuiError | None] | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        max_wait: float = MAX_WAIT_SECONDS,
        timeout: float | None = None,
        per_minute: Mapping[str, int] | None = None,
        query_lanes: int = 2,
    ) -> None:
        self.client = client
        self.label = label
        self.source = source
        self.auth_hint = auth_hint
        self.cache = cache
        self.classify = classify
        self.sleep = sleep
        self.clock = clock or (lambda: datetime.now(UTC))
        self.max_wait = max_wait
        configured = client.timeout.read or client.timeout.connect
        self.timeout = float(timeout if timeout is not None else configured or 30.0)
        self._sem = asyncio.Semaphore(max_concurrency)
        # Read-only POSTs (GraphQL queries) have their own small lane, so a queue of REST reads
        # never holds up the next query; the client's pool has room for them (see make_client).
        self._query_sem = asyncio.Semaphore(max(1, query_lanes))
        self.stats: Counter[str] = Counter()
        self.limits: dict[str, RateLimit] = {}
        self.pacer = Pacer(per_minute or {}, lambda: self.clock(), lambda s: self.sleep(s))
        #: Told when a request waits for a rate limit (the forge turns it into progress).
        self.on_wait: WaitHook | None = None
        #: A failure of the whole source (unreachable, no answer in time, token rejected): later
        #: requests fail at once with it. The forge clears it when a refresh or action starts.
        self.fatal: ForgeError | None = None

    def __repr__(self) -> str:
        return f"HttpSession(label={self.label!r}, source={self.source!r})"

    @property
    def rate_limits(self) -> tuple[RateLimit, ...]:
        return tuple(self.limits[k] for k in sorted(self.limits))

    async def aclose(self) -> None:
        # Kept-alive connections opened under an event loop that has since closed (a caller that
        # refreshed in one asyncio.run and closes in another) cannot be closed politely; their
        # loop is gone, so they are dead already. Closing must not crash the caller.
        with contextlib.suppress(RuntimeError):
            await self.client.aclose()

    async def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        what: str,
        conditional: bool = True,
        ok: tuple[int, ...] = (),
    ) -> Reply:
        """GET ``url``; with a cache entry, revalidate it. Statuses in ``ok`` are returned, not raised."""
        key = cache_key("GET", url, params)
        entry = self.cache.http_get(key) if (conditional and self.cache) else None
        headers: dict[str, str] = {}
        if entry is not None:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        reply = await self._send("GET", url, params=params, headers=headers, what=what)
        if reply.status == 304 and entry is not None:
            self.stats["not_modified"] += 1
            return Reply(
                200, {**entry.headers, **reply.headers}, entry.body, reply.url, cached=True
            )
        if reply.status < 300 and self.cache is not None and conditional:
            etag = reply.headers.get("etag", "")
            modified = reply.headers.get("last-modified", "")
            if etag or modified:
                kept = {k: v for k, v in reply.headers.items() if k in _KEPT_HEADERS}
                self.cache.http_put(
                    key,
                    etag=etag,
                    last_modified=modified,
                    body=reply.body,
                    headers=kept,
                    at=self.clock(),
                )
        if reply.status >= 400 and reply.status not in ok:
            raise self.error(reply, what)
        return reply

    async def post(
        self,
        url: str,
        body: Any,
        *,
        what: str,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (),
        retry: bool = False,
        points: int = 1,
    ) -> Reply:
        """POST JSON (``body``, or its encoding as bytes) once, retried only when the connection
        failed before anything was sent.

        ``retry=True`` marks a POST that only reads (a GraphQL query), retried like a GET (but
        for a gateway timeout, which is returned: a smaller query may pass where this one did
        not). ``points`` is what the POST costs of its resource's hourly budget, when known.
        """
        reply = await self._send(
            "POST",
            url,
            json_body=body,
            headers=dict(headers or {}),
            what=what,
            idempotent=retry,
            points=points,
        )
        if reply.status >= 400 and reply.status not in ok:
            raise self.error(reply, what)
        return reply

    def resource(self, method: str, url: str) -> str:
        """Which budget a request spends (GitHub's names; GitLab reports only one)."""
        return "graphql" if httpx.URL(url).path.endswith("/graphql") else "rest"

    def ensure_budget(self, resource: str, points: int) -> float:
        """Seconds to wait before ``points`` of ``resource`` can be spent (0: now).

        Raises :class:`RateLimited` when the last known budget cannot pay for them before its
        reset and that reset is further away than ``max_wait``: the request is never sent, so
        a refresh stops at the budget's edge instead of being refused past it.
        """
        limit = self.limits.get(resource)
        if limit is None or limit.remaining is None or limit.reset_at is None:
            return 0.0
        now = self.clock()
        if limit.remaining >= points or limit.reset_at <= now:
            return 0.0
        wait = (limit.reset_at - now).total_seconds() + 1.0
        if wait > self.max_wait:
            raise self._spent(limit.reset_at, None)
        return wait

    async def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        idempotent: bool = False,
        points: int = 1,
    ) -> Reply:
        idempotent = idempotent or method in ("GET", "HEAD")
        if self.fatal is not None:
            raise self.fatal
        resource = self.resource(method, str(self.client.base_url.join(url)))
        attempt = waits = 0
        while True:
            last = attempt >= MAX_ATTEMPTS - 1
            wait = self.ensure_budget(resource, points)
            if wait:
                name = _NAMES.get(resource, resource)
                self._waiting(wait, f"{self.label}'s hourly {name} budget")
                await self.sleep(wait)
            # GitHub's secondary limits count a read as 1 point and a write as 5.
            await self.pacer.take(resource, 1 if idempotent else 5, self.on_wait)
            try:
                lane = self._query_sem if method == "POST" and idempotent else self._sem
                async with lane:
                    self.stats["requests"] += 1
                    reply = await self._exchange(method, url, params, headers, json_body, what)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Nothing reached the server: even a POST may be repeated.
                if last:
                    raise self._unreachable(exc, what) from exc
                await self.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
                attempt += 1
                continue
            except (httpx.TimeoutException, TimeoutError) as exc:
                # The deadline covers the whole exchange; repeating it would double the wait.
                self.fatal = Unreachable(
                    f"{self.label} did not answer in time ({what}, {self.timeout:g} s).",
                    "The forge may be slow or unreachable; raise the source's timeout_seconds "
                    "or try again later."
                    + ("" if idempotent else " The action may or may not have been applied."),
                )
                raise self.fatal from exc
            except httpx.HTTPError as exc:
                raise self._unreachable(exc, what) from exc
            self._note_rate_limit(reply.headers)
            if _is_rate_limited(reply.status, reply.headers, reply.body):
                wait = self._rate_wait(reply.headers)  # raises when long
                if idempotent and waits < MAX_RATE_WAITS:
                    self._waiting(wait, f"{self.label}'s rate limit")
                    await self.sleep(wait)
                    waits += 1
                    continue
                raise self._spent(self.clock() + timedelta(seconds=wait), reply.status)
            gateway = method == "POST" and reply.status in GATEWAY_TIMEOUTS
            if reply.status >= 500 and idempotent and not last and not gateway:
                await self.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
                attempt += 1
                continue
            return reply

    async def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json_body: Any,
        what: str,
    ) -> Reply:
        """One request and its same-origin redirects, within the deadline."""
        started = self.clock()
        if isinstance(json_body, bytes):
            # Encoded by the caller already (a GraphQL query checks it can be sent by encoding it).
            headers = {**(headers or {}), "content-type": "application/json"}
            payload: dict[str, Any] = {"content": json_body}
        else:
            payload = {"json": json_body}
        async with asyncio.timeout(self.timeout):
            request = self.client.build_request(
                method, url, params=params, headers=headers, **payload
            )
            origin = request.url
            for _ in range(MAX_REDIRECTS + 1):
                resp = await self.client.send(request, stream=True)
                try:
                    if resp.is_redirect and "location" in resp.headers:
                        target = request.url.join(resp.headers["location"])
                        if not same_origin(origin, target):
                            raise ForgeError(
                                f"{self.label} at {origin.host} redirected {what} to another "
                                f"host ({clean(target.host, 80)}); the answer was not used.",
                                "Check the source's url: it should name the forge's API "
                                "itself, not a page that forwards elsewhere.",
                                status=resp.status_code,
                            )
                        # 307/308 repeat the method and body; 301/302/303 become a GET.
                        if resp.status_code in (307, 308):
                            request = self.client.build_request(
                                method, target, headers=headers, **payload
                            )
                        else:
                            request = self.client.build_request("GET", target, headers=headers)
                        continue
                    body = await self._body(resp, started, what)
                finally:
                    await resp.aclose()
                hdrs = {k.lower(): v for k, v in resp.headers.items()}
                return Reply(resp.status_code, hdrs, body, str(resp.url))
        raise ForgeError(
            f"{self.label} redirected {what} too many times.",
            "Check the source's url.",
        )

    async def _body(self, resp: httpx.Response, started: datetime, what: str) -> bytes:
        """The whole body, failing once it takes longer than the deadline or grows too big."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ForgeError(
                    f"{self.label} answered {what} with more than "
                    f"{MAX_BODY_BYTES // (1024 * 1024)} MB.",
                    "That is not an answer gluetui asked for; check the source's url.",
                    status=resp.status_code,
                )
            if (self.clock() - started).total_seconds() > self.timeout:
                raise TimeoutError(what)
        return b"".join(chunks)

    def _waiting(self, seconds: float, why: str) -> None:
        if self.on_wait is not None:
            self.on_wait(self.clock() + timedelta(seconds=seconds), why)

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        limit = parse_rate_limit(headers)
        if limit is not None:
            self.limits[limit.resource] = limit

    def _rate_wait(self, headers: Mapping[str, str]) -> float:
        """Seconds to wait before retrying, or RateLimited when that is longer than ``max_wait``."""
        now = self.clock()
        after = retry_after(headers, now)
        if after is None and headers.get("x-ratelimit-remaining") == "0":
            limit = parse_rate_limit(headers)
            if limit is not None and limit.reset_at is not None:
                after = max(0.0, (limit.reset_at - now).total_seconds()) + 1.0
        if after is None:
            # A secondary limit without a Retry-After: GitHub asks for at least a minute.
            after = SECONDARY_WAIT.total_seconds()
        if after > self.max_wait:
            raise self._spent(now + timedelta(seconds=after), None)
        return after

    def _spent(self, reset_at: datetime, status: int | None) -> RateLimited:
        return RateLimited(
            spent_title(self.label, reset_at),
            f"Source '{self.source}' keeps its last data until then; the next refresh after "
            "that time continues. Watching fewer repositories spends less.",
            reset_at=reset_at,
            status=status,
        )

    def _unreachable(self, exc: httpx.HTTPError, what: str) -> ForgeError:
        host = self.client.base_url.host or "the forge"
        self.fatal = Unreachable(
            f"{self.label} at {host} could not be reached ({what}): {type(exc).__name__}.",
            "Check the network, the source's url and, for a private CA, ca_bundle.",
        )
        return self.fatal

    def scrub(self, text: str) -> str:
        """``text`` without this session's token (a server or proxy may echo the credentials)."""
        secret = self._secret()
        return text.replace(secret, "***") if secret else text

    def _secret(self) -> str:
        auth = self.client.headers.get("authorization", "")
        secret = auth.split(" ", 1)[-1].strip()
        return secret if len(secret) >= 8 else ""

    def error(self, reply: Reply, what: str) -> GluetuiError:
        """The error for an error answer, with any echo of the token taken out."""
        secret = self._secret()
        if secret and secret.encode() in reply.body:
            # Before cleaning and truncating, so that no piece of the token survives either.
            reply = dataclasses.replace(reply, body=reply.body.replace(secret.encode(), b"***"))
        exc = self._error(reply, what)
        exc.title, exc.hint = self.scrub(exc.title), self.scrub(exc.hint)
        if isinstance(exc, AuthError) and exc.status == 401:
            self.fatal = exc  # a rejected token is rejected for every request
        return exc

    def _error(self, reply: Reply, what: str) -> GluetuiError:
        """The error for an error answer; the adapter's ``classify`` hook gets the first word."""
        if self.classify is not None:
            special = self.classify(reply, what)
            if special is not None:
                return special
        msg = server_message(reply.body)
        detail = f": {msg}" if msg else ""
        status = reply.status
        if status == 401:
            return AuthError(
                f"{self.label} rejected the token for source '{self.source}' (401).",
                self.auth_hint,
                status=401,
            )
        if status == 403:
            # The token was accepted (a bad one is a 401): what is missing is a permission.
            return AuthError(
                f"The token for source '{self.source}' lacks a permission {self.label} needs for "
                f"{what} (403){detail}.",
                "The token itself is valid: give it (or its owner) access to this, or stop "
                "watching what it cannot read.",
                status=403,
            )
        if status == 404:
            return ForgeError(
                f"{what[:1].upper()}{what[1:]} was not found on {self.label} (404).",
                "Check the name; a private repository also answers 404 when the token cannot see it.",
                status=404,
            )
        if status >= 500:
            return ForgeError(
                f"{self.label} had a server error ({status}) on {what}.",
                "Usually transient; the next refresh tries again.",
                status=status,
            )
        return ForgeError(
            f"{self.label} refused {what} ({status}){detail}.",
            "Check the automation's parameters and the token's permissions.",
            status=status,
        )
