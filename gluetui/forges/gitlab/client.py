"""python-gitlab behind an async, bounded, accounted and error-translating facade.

python-gitlab blocks, sleeps through 429s and raises its own exceptions. Everything the GitLab adapter
sends goes through :class:`GitLabClient`, which runs each call in a worker thread under a semaphore
of ``source.max_concurrency``, never retries (a POST must not be repeated blindly, and a refresh is
repeated anyway on the next cycle), reads the rate-limit headers of every response, counts requests,
and turns library errors into :mod:`gluetui.errors` types with a hint. The token lives only inside
the python-gitlab object; it is scrubbed from any server text that could end up in a message.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import gitlab
import requests

from gluetui.config.schema import SourceConfig
from gluetui.errors import AuthError, ForgeError, RateLimited
from gluetui.forges.http import Unreachable
from gluetui.records import RateLimit
from gluetui.textsafe import clean

T = TypeVar("T")

#: The longest a read waits for GitLab's ``Retry-After`` before the source gives up until later.
MAX_RETRY_AFTER = 90.0

AUTH_HINT = (
    "Set GITLAB_TOKEN (or the source's token_env / token_command, e.g. "
    '["glab", "config", "get", "token"]) to a token with the read_api scope.'
)


class CrossHostRedirect(requests.exceptions.InvalidURL):
    """GitLab answered with a redirect to another host: not followed, never taken as data."""


class DeadlineExceeded(requests.exceptions.ReadTimeout):
    """The whole exchange took longer than the source's timeout (a server trickling bytes)."""


class _SameHostAuthSession(requests.Session):
    """The python-gitlab session: a deadline per request, and redirects only on the same host.

    requests' timeout applies to each read, so a server that trickles a byte every few seconds
    never times out: every answer here is read in pieces against a deadline of ``deadline``
    seconds for the whole exchange. A redirect to another host raises :class:`CrossHostRedirect`
    (the token never goes there, and what it answers is not GitLab's data); requests drops
    ``Authorization`` on such a hop anyway, and this drops GitLab's ``PRIVATE-TOKEN`` too.
    """

    def __init__(self, deadline: float = 30.0) -> None:
        super().__init__()
        self.deadline = deadline

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        streamed = bool(kwargs.get("stream"))
        kwargs["stream"] = True
        started = time.monotonic()
        response = super().send(request, **kwargs)
        if streamed or response.raw is None:
            return response
        chunks: list[bytes] = []
        try:
            while True:
                if time.monotonic() - started > self.deadline:
                    raise DeadlineExceeded(
                        f"no complete answer within {self.deadline:g} s", response=response
                    )
                chunk = response.raw.read1(65536, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
        except BaseException:
            response.close()
            raise
        response._content = b"".join(chunks)
        response._content_consumed = True
        response.raw.release_conn()
        return response

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target:
            here = urlsplit(resp.url)
            there = urlsplit(urljoin(resp.url, target))
            if (here.scheme, here.hostname, here.port) != (
                there.scheme,
                there.hostname,
                there.port,
            ):
                raise CrossHostRedirect(
                    f"redirected to another host ({there.hostname or target})", response=resp
                )
        return target

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        super().rebuild_auth(prepared_request, response)
        old = response.request.url if response.request is not None else None
        if old is None or self.should_strip_auth(old, prepared_request.url or ""):
            for name in ("PRIVATE-TOKEN", "JOB-TOKEN"):
                prepared_request.headers.pop(name, None)


def build_gitlab(source: SourceConfig, token: str) -> gitlab.Gitlab:
    """The python-gitlab client for one source: bounded timeout, TLS always verified, no retries."""
    return gitlab.Gitlab(
        source.api_url,
        private_token=token,
        timeout=source.timeout_seconds,
        ssl_verify=source.ca_bundle or True,
        retry_transient_errors=False,
        per_page=100,
        keep_base_url=True,
        session=_SameHostAuthSession(deadline=source.timeout_seconds),
    )


def auth_hint(source: SourceConfig) -> str:
    """How to fix a rejected token, naming where this source takes it from (never the token)."""
    if source.token_env:
        return (
            f"Put a valid token in the environment variable {source.token_env} "
            "(read_api scope to read, api for actions)."
        )
    if source.token_command:
        return "Check that token_command prints a valid token (read_api scope to read, api for actions)."
    return AUTH_HINT


class TooManyRequests(RateLimited):
    """A 429; ``retry_after`` is GitLab's ``Retry-After`` in seconds, when it sent one."""

    def __init__(
        self,
        title: str,
        hint: str = "",
        *,
        reset_at: datetime | None = None,
        status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(title, hint, reset_at=reset_at, status=status)
        self.retry_after = retry_after


class RequestTimeout(Unreachable):
    """GitLab did not answer in time; for a write, whether it was applied is unknown."""


class Page:
    """One listing: the items read, and what the server said about the rest."""

    __slots__ = ("complete", "items", "total")

    def __init__(self, items: list[dict[str, Any]], total: int | None, complete: bool) -> None:
        self.items = items
        self.total = total
        self.complete = complete


class GitLabClient:
    """Async access to one GitLab host through python-gitlab, with accounting.

    Args:
        source: The configured source (name, host, concurrency, timeout).
        gl: A python-gitlab client (built by :func:`build_gitlab`, or injected by tests).
        token: The token, only to scrub it from server text that reaches a message.
    """

    def __init__(self, source: SourceConfig, gl: gitlab.Gitlab, token: str) -> None:
        self.source = source
        self.gl = gl
        self._token = token
        self._sem = asyncio.Semaphore(source.max_concurrency)
        self._lock = threading.Lock()
        self._local = threading.local()
        self.stats: Counter[str] = Counter()
        self.rate_limit: RateLimit | None = None
        #: Injected so tests do not wait for a Retry-After.
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        #: The first source-wide failure (bad token, rate limit); later calls fail fast with it.
        self.fatal: ForgeError | None = None
        gl.session.hooks.setdefault("response", []).append(self._on_response)

    def __repr__(self) -> str:
        return f"GitLabClient(source={self.source.name!r}, host={self.source.host!r})"

    # -- accounting ---------------------------------------------------------------------------

    def _on_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """requests response hook: count, remember the rate-limit budget and this thread's response."""
        self._local.last = response
        method = (response.request.method or "GET").upper() if response.request else "GET"
        self.account(method, response.status_code, response.headers)

    def account(
        self, method: str, status: int, headers: Mapping[str, str], *, read: bool = False
    ) -> None:
        """Count one request and remember the rate-limit budget it reported.

        ``read`` counts a POST as a read (a GraphQL query changes nothing).
        """
        writes = method in ("POST", "PUT", "PATCH", "DELETE") and not read
        with self._lock:
            self.stats["requests"] += 1
            self.stats["writes" if writes else "reads"] += 1
            if status >= 400:
                self.stats[f"status_{status}"] += 1
            limit = _rate_limit(headers)
            if limit is not None:
                self.rate_limit = limit

    # -- calls --------------------------------------------------------------------------------

    async def run(self, what: str, fn: Callable[[], T]) -> T:
        """Run one blocking python-gitlab call in a thread, translating its errors."""
        return await self.run_async(
            lambda: asyncio.to_thread(self._call, what, fn), read=what.startswith("GET ")
        )

    async def run_async(self, fn: Callable[[], Awaitable[T]], *, read: bool = True) -> T:
        """Run one request of another transport (GraphQL over httpx) under the same bound and
        fail-fast rule as the python-gitlab calls.

        A read GitLab answers with 429 and a short ``Retry-After`` (at most
        :data:`MAX_RETRY_AFTER` seconds) waits that long and is asked again (twice at most); a
        longer wait fails the source until the next refresh. A write is never repeated.
        """
        waits = 0
        while True:
            if self.fatal is not None:
                raise self.fatal
            async with self._sem:
                if self.fatal is not None:
                    raise self.fatal
                try:
                    return await fn()
                except RateLimited as exc:
                    wait = self._short_wait(exc)
                    if not (read and wait is not None and waits < 2):
                        if exc.status == 429 and self.fatal is None:
                            self.fatal = exc
                        raise
                    waits += 1
                except AuthError as exc:
                    if exc.status == 401 and self.fatal is None:
                        self.fatal = exc
                    raise
                except Unreachable as exc:
                    # Down or too slow for one request is down for all: the rest fail at once.
                    if self.fatal is None:
                        self.fatal = exc
                    raise
            await self.sleep(wait)  # outside the bound: the others go on meanwhile

    @staticmethod
    def _short_wait(exc: RateLimited) -> float | None:
        """GitLab's ``Retry-After`` when it asks for a short wait; None otherwise."""
        after = exc.retry_after if isinstance(exc, TooManyRequests) else None
        if after is None or not 0 <= after <= MAX_RETRY_AFTER:
            return None
        return float(after)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        self._local.last = None
        try:
            return fn()
        except (gitlab.exceptions.GitlabError, requests.RequestException) as exc:
            last = getattr(self._local, "last", None)
            raise self.translate(exc, what, last) from None

    async def get(self, path: str, query: Mapping[str, Any] | None = None) -> Any:
        """GET one JSON document."""
        doc = await self.run(
            f"GET {path}",
            lambda: self.gl.http_get(path, query_data=dict(query or {}), obey_rate_limit=False),
        )
        if isinstance(doc, requests.Response):
            # python-gitlab hands back the raw response when it is not JSON (a proxy's or a
            # captive portal's HTML page): reading it as "nothing there" would empty the snapshot.
            raise ForgeError(
                f"GitLab at {self.source.host} answered GET {path} with something that is not "
                f"JSON (source '{self.source.name}').",
                "A proxy or captive portal may be in the way; check the source's url.",
            )
        return doc

    async def get_raw(self, path: str, query: Mapping[str, Any] | None = None) -> bytes:
        """GET a raw body (file content)."""

        def call() -> bytes:
            result = self.gl.http_get(
                path, query_data=dict(query or {}), raw=True, obey_rate_limit=False
            )
            return result.content if isinstance(result, requests.Response) else b""

        return await self.run(f"GET {path}", call)

    async def list(
        self, path: str, query: Mapping[str, Any] | None = None, *, limit: int = 1000
    ) -> Page:
        """GET a paginated list, following pages up to ``limit`` items."""
        params = {"per_page": min(100, limit), **dict(query or {})}

        def call() -> Page:
            # Page by page, following rel="next" ourselves: a server whose next link points back
            # at a page already read (a loop) ends the listing instead of recursing forever.
            url: str | None = self.gl.api_url + path
            query: dict[str, Any] = params
            seen: set[str] = set()
            items: list[dict[str, Any]] = []
            total: int | None = None
            while url is not None:
                seen.add(url)
                pages = gitlab.client.GitlabList(
                    self.gl, url, query, get_next=False, obey_rate_limit=False
                )
                total = pages.total if total is None else total
                for item in pages:
                    if len(items) >= limit:
                        return Page(items, total, False)
                    items.append(item)
                url, query = pages._next_url, {}  # python-gitlab keeps it private; 8.x is pinned
                if url is not None and url in seen:
                    return Page(items, total, False)
            return Page(items, total, True)

        return await self.run(f"GET {path}", call)

    async def first_page(
        self, path: str, query: Mapping[str, Any] | None = None, *, per_page: int = 20
    ) -> Page:
        """GET only the first page of a list (with the server's total, when it sends one)."""
        params = {"per_page": per_page, **dict(query or {})}

        def call() -> Page:
            pages = gitlab.client.GitlabList(
                self.gl, self.gl.api_url + path, params, get_next=False, obey_rate_limit=False
            )
            items = list(pages)
            return Page(items, pages.total, pages.next_page is None)

        return await self.run(f"GET {path}", call)

    async def post(self, path: str, data: Mapping[str, Any] | None = None) -> Any:
        """POST once (never retried)."""
        return await self.run(
            f"POST {path}",
            lambda: self.gl.http_post(
                path, post_data=dict(data or {}), obey_rate_limit=False, max_retries=0
            ),
        )

    async def put(self, path: str, data: Mapping[str, Any] | None = None) -> Any:
        """PUT once (never retried)."""
        return await self.run(
            f"PUT {path}",
            lambda: self.gl.http_put(
                path, post_data=dict(data or {}), obey_rate_limit=False, max_retries=0
            ),
        )

    # -- errors -------------------------------------------------------------------------------

    def scrub(self, text: object) -> str:
        """Server text made safe for a message: no token, no control characters, bounded."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        s = str(text or "")
        if self._token:
            s = s.replace(self._token, "***")
        return clean(s, 200)

    def translate(
        self, exc: BaseException, what: str, response: requests.Response | None = None
    ) -> ForgeError:
        """A python-gitlab/requests exception as one of our errors, with a hint for the user."""
        name, host = self.source.name, self.source.host
        if isinstance(exc, requests.exceptions.SSLError):
            return ForgeError(
                f"TLS verification failed for GitLab at {host} (source '{name}').",
                "For a private CA, set ca_bundle to its PEM file in this source.",
            )
        if isinstance(exc, CrossHostRedirect):
            return ForgeError(
                f"GitLab at {host} redirected {what} to another host; the answer was not used "
                f"(source '{name}').",
                "Check the source's url: it should name the GitLab instance itself, not a page "
                "that forwards elsewhere.",
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return RequestTimeout(
                f"GitLab at {host} did not answer within {self.source.timeout_seconds:g} s "
                f"(source '{name}').",
                "Check the network, or raise timeout_seconds for this source.",
            )
        if isinstance(exc, requests.RequestException):
            return Unreachable(
                f"Could not reach GitLab at {host} (source '{name}').",
                "Check the network, a proxy, and the source's url setting.",
            )
        assert isinstance(exc, gitlab.exceptions.GitlabError)
        status = exc.response_code
        detail = self.scrub(exc.error_message)
        if status == 401:
            return AuthError(
                f"GitLab rejected the token for source '{name}' (401).",
                auth_hint(self.source),
                status=401,
            )
        if status == 403:
            return AuthError(
                f"GitLab refused {what} for source '{name}' (403).",
                "The token needs the read_api scope to read and the api scope for actions "
                "(and enough project access).",
                status=403,
            )
        if status == 429:
            reset = _reset_at(response)
            when = f" until {reset:%H:%M} UTC" if reset else ""
            return TooManyRequests(
                f"GitLab rate limit reached for source '{name}'{when}.",
                "The last data is kept; the next refresh after the reset picks up.",
                reset_at=reset,
                status=429,
                retry_after=(
                    _int(response.headers.get("Retry-After")) if response is not None else None
                ),
            )
        if status == 404:
            return ForgeError(
                f"GitLab found nothing at {what} (404, source '{name}').",
                "Check the path (group/sub/project), that it still exists, and that the token "
                "can see it.",
                status=404,
            )
        if status is not None and status >= 500:
            return ForgeError(
                f"GitLab at {host} failed on {what} ({status}).",
                "GitLab may be degraded; the next refresh retries.",
                status=status,
            )
        if status is None:
            return ForgeError(f"GitLab answered {what} with unreadable data.", detail, status=None)
        return ForgeError(f"GitLab refused {what} ({status}).", detail, status=status)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    remaining = _int(headers.get("RateLimit-Remaining"))
    limit = _int(headers.get("RateLimit-Limit"))
    if remaining is None and limit is None:
        return None
    reset = _int(headers.get("RateLimit-Reset"))
    reset_at = datetime.fromtimestamp(reset, UTC) if reset is not None else None
    return RateLimit(remaining=remaining, limit=limit, reset_at=reset_at, resource="rest")


def _reset_at(response: requests.Response | None) -> datetime | None:
    """When a 429 ends: RateLimit-Reset (epoch seconds), else Retry-After from the response Date."""
    if response is None:
        return None
    return reset_from_headers(response.headers)


def reset_from_headers(headers: Mapping[str, str]) -> datetime | None:
    """When a 429 ends, from RateLimit-Reset or Retry-After (relative to the response Date)."""
    reset = _int(headers.get("RateLimit-Reset"))
    if reset is not None:
        return datetime.fromtimestamp(reset, UTC)
    after = _int(headers.get("Retry-After"))
    if after is None:
        return None
    try:
        base = parsedate_to_datetime(headers["Date"]) if "Date" in headers else datetime.now(UTC)
    except (TypeError, ValueError):
        base = datetime.now(UTC)
    return base.astimezone(UTC) + timedelta(seconds=after)
