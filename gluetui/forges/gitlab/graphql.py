"""GitLab GraphQL (``POST /api/graphql``) over httpx, accounted and bounded like the REST calls.

GraphQL lets one request read many projects at once (``projects(fullPaths: ...)`` and aliased
``project(fullPath: ...)`` fields), which is what keeps a cold refresh near a few requests per
project. Self-hosted GitLab may be older than the fields used here, or have GraphQL switched off;
those answers raise :class:`GraphQLUnavailable` so the forge falls back to REST for the source.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
from collections.abc import Mapping
from typing import Any

import httpx

from gluetui.errors import AuthError, ForgeError
from gluetui.forges.gitlab.client import (
    GitLabClient,
    TooManyRequests,
    auth_hint,
    reset_from_headers,
)
from gluetui.forges.http import Unreachable, sendable, tls_verify

JSON = Mapping[str, Any]

#: Error texts that mean "this GitLab does not have what the query asks for" (not "try again"):
#: graphql-ruby's (GitLab's) wordings, and the GraphQL reference implementation's.
_MISSING = re.compile(
    r"doesn't exist on type|does not exist on type|Unknown argument|Unknown type|"
    r"doesn't accept argument|isn't a defined input type|has no field|Cannot query field",
    re.IGNORECASE,
)
#: GitLab refuses a query that is too big (its complexity or depth limit, or more than
#: MAX_FULL_PATHS paths); the caller splits the batch and asks again.
_TOO_COMPLEX = re.compile(
    r"exceeds max complexity|exceeds max depth|too many|cannot provide more than",
    re.IGNORECASE,
)
#: ``projects(fullPaths:)`` takes at most this many paths ("You cannot provide more than 50
#: full_paths", GitLab's resolver).
MAX_FULL_PATHS = 50


class GraphQLUnavailable(ForgeError):
    """GraphQL is off on this GitLab, or lacks a field we use: read this source over REST."""


class QueryTooComplex(ForgeError):
    """GitLab's complexity limit refused the query; a smaller batch will pass."""


class Unsendable(ValueError):
    """A value (a path, a branch) that is not valid Unicode, so no query can carry it."""


def literal(value: str) -> str:
    """A GraphQL string literal (JSON's escaping is valid GraphQL, but for lone surrogates,
    which GraphQL refuses: those raise :class:`Unsendable`)."""
    if not sendable(value):
        raise Unsendable(f"{value!r} is not valid Unicode")
    return json.dumps(value)


class GraphQL:
    """Posts queries to one GitLab host's ``/api/graphql`` with the source's token and limits."""

    def __init__(
        self,
        client: GitLabClient,
        token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client = client
        self.url = client.source.api_url + "/api/graphql"
        self._token = token
        self._transport = transport
        #: Opened per refresh and closed after it: a CLI may run each refresh in its own event loop.
        self._http: httpx.AsyncClient | None = None

    def _session(self) -> httpx.AsyncClient:
        if self._http is None:
            source = self.client.source
            self._http = httpx.AsyncClient(
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
                timeout=source.timeout_seconds,
                verify=tls_verify(source.ca_bundle),
                follow_redirects=False,
                transport=self._transport,
            )
        return self._http

    def __repr__(self) -> str:
        return f"GraphQL(url={self.url!r})"

    async def aclose(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    async def query(self, text: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of one query; any GraphQL error fails it (partial answers would silently
        drop projects from the snapshot)."""
        return await self.client.run_async(lambda: self._post(text, dict(variables or {})))

    async def _post(self, text: str, variables: dict[str, Any]) -> dict[str, Any]:
        name, host = self.client.source.name, self.client.source.host
        try:
            json.dumps(variables, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, TypeError, ValueError):
            raise ForgeError(
                f"A GraphQL query for GitLab at {host} cannot be sent: a value in it is not "
                f"valid Unicode (source '{name}').",
                "The value came from an earlier answer; the next refresh asks again.",
            ) from None
        try:
            # The deadline covers the whole exchange: httpx's timeouts are per read, so a server
            # trickling bytes would otherwise hold the refresh for ever.
            async with asyncio.timeout(self.client.source.timeout_seconds):
                response = await self._session().post(
                    self.url, json={"query": text, "variables": variables}
                )
        except (httpx.TimeoutException, TimeoutError):
            raise Unreachable(
                f"GitLab at {host} did not answer a GraphQL query in time (source '{name}').",
                "Check the network, or raise timeout_seconds for this source.",
            ) from None
        except httpx.HTTPError as exc:
            if _is_tls(exc):
                raise ForgeError(
                    f"TLS verification failed for GitLab at {host} (source '{name}').",
                    "For a private CA, set ca_bundle to its PEM file in this source.",
                ) from None
            raise Unreachable(
                f"Could not reach GitLab GraphQL at {host} (source '{name}').",
                "Check the network, a proxy, and the source's url setting.",
            ) from None
        self.client.account("POST", response.status_code, response.headers, read=True)
        self.client.stats["graphql"] += 1
        status = response.status_code
        if response.is_redirect:
            where = response.headers.get("location", "")
            raise ForgeError(
                f"GitLab at {host} redirected a GraphQL query ({status}) to "
                f"{self.client.scrub(where) or 'somewhere else'}; the answer was not used "
                f"(source '{name}').",
                "Check the source's url: it should name the GitLab instance itself (https://...).",
                status=status,
            )
        if status == 401:
            raise AuthError(
                f"GitLab rejected the token for source '{name}' (401).",
                auth_hint(self.client.source),
                status=401,
            )
        if status == 429:
            reset = reset_from_headers(response.headers)
            when = f" until {reset:%H:%M} UTC" if reset else ""
            after = response.headers.get("retry-after", "")
            raise TooManyRequests(
                f"GitLab rate limit reached for source '{name}'{when}.",
                "The last data is kept; the next refresh after the reset picks up.",
                reset_at=reset,
                status=429,
                retry_after=int(after) if after.isdigit() else None,
            )
        if status in (403, 404, 405):
            # GraphQL switched off, blocked by a proxy, or an API that predates it.
            raise GraphQLUnavailable(
                f"GitLab at {host} does not serve GraphQL ({status}); reading over REST.",
                status=status,
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, Mapping):
            raise ForgeError(
                f"GitLab at {host} answered a GraphQL query with something that is not JSON "
                f"({status}, source '{name}').",
                "A proxy or captive portal may be in the way; check the source's url.",
                status=status,
            )
        errors = body.get("errors") or []
        if errors:
            raw = _first_message(errors)
            message = self.client.scrub(raw)
            if _MISSING.search(raw):
                raise GraphQLUnavailable(
                    f"GitLab at {host} lacks a GraphQL field gluetui uses; reading over REST.",
                    message,
                )
            if _TOO_COMPLEX.search(raw):
                raise QueryTooComplex(f"GitLab refused a GraphQL query as too big: {message}")
            raise ForgeError(f"GitLab GraphQL failed (source '{name}').", message, status=status)
        if status >= 400:
            raise ForgeError(
                f"GitLab at {host} failed a GraphQL query ({status}).",
                "GitLab may be degraded; the next refresh retries.",
                status=status,
            )
        data = body.get("data")
        return dict(data) if isinstance(data, Mapping) else {}


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_message(errors: object) -> str:
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, Mapping):
            return str(first.get("message") or "")
        return str(first)
    return str(errors)
