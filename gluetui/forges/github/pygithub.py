"""PyGithub, configured for gluetui's promises: the GitHub write path and one-off reads.

PyGithub blocks and takes a while to import, so this module imports it only inside the functions
that run in the acting thread (:func:`asyncio.to_thread` from the forge's ``perform``); start-up
and ``gluetui items --json`` never load it. Its client is configured so that

* a write is never repeated blindly: the retry policy retries only connections that failed before
  anything was sent (PyGithub's default ``GithubRetry`` also retries POSTs on 403 and 5xx);
* GitHub's advice for writes is kept (a second between two writes, none between reads) and can be
  switched off (tests);
* TLS is always verified, against the source's ``ca_bundle`` when it names one; GitHub Enterprise
  Server works through the source's ``url`` (``https://HOST/api/v3``);
* every failure becomes a :class:`GitHubActionError` (a spent rate limit: :class:`RateLimited`),
  with GitHub's own message, a hint that fits the status, and a read timeout said as "may or may not have been applied" (the delegation
  journal then records an unknown outcome instead of risking a double post). The token never
  appears in a message: it is scrubbed from anything a server or library echoes.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gluetui.errors import (
    ActionError,
    ConfigError,
    GluetuiError,
    RateLimited,
)
from gluetui.textsafe import clean

if TYPE_CHECKING:
    from github import Github

    from gluetui.config.schema import SourceConfig

T = TypeVar("T")

#: Connection attempts when nothing reached the server (a refused or unroutable connection).
CONNECT_RETRIES = 2
#: GitHub's documented spacing between write requests (secondary rate limits); None disables.
WRITE_SPACING_SECONDS: float | None = 1.0
API_VERSION = "2022-11-28"

WRITE_HINT = (
    "A classic token needs the repo scope; a fine-grained token needs write access to Actions "
    "(re-run, dispatch) or Issues and Pull requests (assign, review, label, comment, issue)."
)
MAYBE_APPLIED = "The action may or may not have been applied; check on GitHub before repeating it."


class GitHubActionError(ActionError):
    """An action GitHub refused; ``status`` is the HTTP status (None when none was received)."""

    def __init__(self, title: str, hint: str = "", *, status: int | None = None) -> None:
        super().__init__(title, hint)
        self.status = status


class PyGithubSession:
    """One source's PyGithub client, built on first use in the thread that acts.

    Args:
        source: The configured source (API URL, timeout, CA bundle, name for messages).
        token: The source's token; it goes into the client's auth and nowhere else.
        auth_hint: What to do about a rejected token (names ``token_env``/``token_command``).
        write_spacing: Seconds between two writes (None: no spacing).
    """

    def __init__(
        self,
        source: SourceConfig,
        token: str,
        *,
        auth_hint: str,
        write_spacing: float | None = WRITE_SPACING_SECONDS,
    ) -> None:
        self.source = source
        self._token = token
        self.auth_hint = auth_hint
        self.write_spacing = write_spacing
        self._client: Github | None = None
        self._lock = threading.Lock()
        # One action at a time per source: PyGithub's client (its pacing clock, its connection
        # pool) is not made for several threads, and GitHub asks writes not to be concurrent.
        self._calls = threading.Lock()

    def __repr__(self) -> str:  # never the token
        return f"PyGithubSession(source={self.source.name!r}, url={self.source.api_url!r})"

    def client(self) -> Github:
        """The PyGithub client (imported and built on first use; blocking)."""
        with self._lock:
            if self._client is None:
                self._client = make_client(
                    self.source, self._token, write_spacing=self.write_spacing
                )
            return self._client

    def call(self, what: str, fn: Callable[[Github], T]) -> T:
        """Run ``fn`` with the client (blocking); any failure becomes a :mod:`gluetui.errors` type."""
        try:
            with self._calls:
                return fn(self.client())
        except GluetuiError as exc:
            exc.title, exc.hint = self.scrub(exc.title), self.scrub(exc.hint)
            raise
        except Exception as exc:
            err = translate(exc, what, self.source, self.auth_hint)
            err.title, err.hint = self.scrub(err.title), self.scrub(err.hint)
            raise err from None

    def scrub(self, text: str) -> str:
        """``text`` without the token (a server or a library may echo the credentials)."""
        return text.replace(self._token, "***") if len(self._token) >= 8 else text

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


def make_client(source: SourceConfig, token: str, *, write_spacing: float | None) -> Github:
    """A PyGithub client for ``source``: no blind retries, TLS verified, GHES via ``url``."""
    from github import Auth, Github
    from urllib3.util import Retry

    # Only failures before anything was sent are retried (connect); a read error, a reset after
    # sending and every status go back to the caller at once. PyGithub's default GithubRetry
    # retries POSTs on 403 and 5xx, which could post a comment twice.
    retry = Retry(
        total=CONNECT_RETRIES,
        connect=CONNECT_RETRIES,
        read=False,
        redirect=0,
        status=0,
        other=0,
        backoff_factor=0.5,
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    return Github(
        auth=Auth.Token(token),
        base_url=source.api_url,
        # PyGithub takes whole seconds; the source's timeout is rounded up, never down.
        timeout=max(1, math.ceil(source.timeout_seconds)),
        user_agent="gluetui",
        verify=_verify(source.ca_bundle),
        retry=retry,
        seconds_between_requests=None,
        seconds_between_writes=write_spacing,
        lazy=True,
        api_version=API_VERSION,
    )


def _verify(ca_bundle: str) -> bool | str:
    """TLS is always verified; a CA bundle adds a private CA (GitHub Enterprise Server)."""
    if not ca_bundle:
        return True
    path = Path(ca_bundle).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"The CA bundle {path} could not be read.",
            "Point ca_bundle at a PEM file with the forge's CA certificate(s).",
        )
    return str(path)


#: ``gluetui init`` waits at most this long for GitHub to say whose token it holds.
LOGIN_TIMEOUT_SECONDS = 10.0


def viewer_login(source: SourceConfig, token: str) -> str:
    """Whose token this is (``GET /user``), for ``gluetui init``; "" when GitHub will not say."""
    quick = source.model_copy(
        update={"timeout_seconds": min(source.timeout_seconds, LOGIN_TIMEOUT_SECONDS)}
    )
    session = PyGithubSession(quick, token, auth_hint="", write_spacing=None)
    try:
        return session.call("your login", lambda gh: str(gh.get_user().login or ""))
    except GluetuiError:
        return ""
    finally:
        session.close()


# ---------------------------------------------------------------------------------------------
# Translating PyGithub's (and requests') errors


def translate(exc: Exception, what: str, source: SourceConfig, auth_hint: str) -> GluetuiError:
    """The :mod:`gluetui.errors` error for a failure of PyGithub while ``what``."""
    from github import GithubException
    from requests import exceptions as rex

    if isinstance(exc, GithubException):
        return _status_error(exc.status, exc.data, exc.headers or {}, what, source, auth_hint)
    host = source.host
    if isinstance(exc, rex.ConnectTimeout | rex.SSLError) or (
        isinstance(exc, rex.ConnectionError) and _never_sent(exc)
    ):
        return GitHubActionError(
            f"GitHub at {host} could not be reached ({what}): {type(exc).__name__}.",
            "Nothing was sent. Check the network, the source's url and, for a private CA, "
            "ca_bundle.",
        )
    if isinstance(exc, rex.Timeout):
        return GitHubActionError(
            f"GitHub did not answer in time ({what}).",
            f"The forge may be slow; raise the source's timeout_seconds. {MAYBE_APPLIED}",
        )
    if isinstance(exc, rex.RequestException):
        # The connection broke after the request went out: GitHub may have acted on it.
        return GitHubActionError(
            f"The connection to GitHub at {host} broke ({what}): {type(exc).__name__}.",
            MAYBE_APPLIED,
        )
    # PyGithub refuses redirects to another host or scheme with RuntimeError or AssertionError.
    return GitHubActionError(
        f"GitHub's answer could not be used ({what}): {clean(str(exc), 160)}",
        "Check the source's url: GitHub Enterprise Server is https://HOST/api/v3.",
    )


def _never_sent(exc: Exception) -> bool:
    """Whether a requests ConnectionError happened before anything reached the server."""
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def _status_error(
    status: int,
    data: Any,
    headers: Mapping[str, str],
    what: str,
    source: SourceConfig,
    auth_hint: str,
) -> GluetuiError:
    hdrs = {str(k).lower(): str(v) for k, v in headers.items()}
    message = _message(data)
    said = f": {message}" if message else ""
    if status == 429 or (status == 403 and _rate_limited(hdrs, message)):
        reset_at = _reset_at(hdrs)
        when = reset_at.astimezone().strftime("%H:%M")
        return RateLimited(
            f"GitHub rate limit spent until {when} ({what} was not done).",
            "Nothing was retried; delegate again after that time. Many actions in a row trip "
            "GitHub's secondary limit: space them out.",
            reset_at=reset_at,
            status=status,
        )
    if status == 401:
        return GitHubActionError(
            f"GitHub rejected the token for source '{source.name}' (401) while {what}.",
            auth_hint,
            status=401,
        )
    if status == 403:
        needed = [s.strip() for s in hdrs.get("x-accepted-oauth-scopes", "").split(",") if s]
        granted = {s.strip() for s in hdrs.get("x-oauth-scopes", "").split(",")}
        if "saml" in message.lower():
            return GitHubActionError(
                f"GitHub needs the token for source '{source.name}' authorised for SAML SSO "
                f"({what}).",
                f"Authorise the token for the organisation at https://{source.host}/settings/tokens.",
                status=403,
            )
        if needed and not any(s in granted for s in needed):
            return GitHubActionError(
                f"The token for source '{source.name}' lacks the {' or '.join(needed)} scope "
                f"GitHub needs for {what} (403){said}.",
                WRITE_HINT,
                status=403,
            )
        return GitHubActionError(
            f"GitHub refused {what} (403){said}.",
            f"The token lacks a permission on this repository, or an organisation policy "
            f"forbids it. {WRITE_HINT}",
            status=403,
        )
    if status == 404:
        return GitHubActionError(
            f"GitHub found nothing for {what} (404){said}.",
            "Check that the repository, run, workflow or pull request still exists; a token "
            "that cannot see a private repository also gets 404.",
            status=404,
        )
    if status == 422:
        return GitHubActionError(
            f"GitHub refused {what} as invalid (422){said}.",
            "Check the automation's parameters: the users, teams and labels must exist, and a "
            "dispatched workflow must declare workflow_dispatch and the inputs given.",
            status=422,
        )
    if status >= 500:
        return GitHubActionError(
            f"GitHub had a server error ({status}) while {what}{said}.",
            "It was not repeated. Usually transient: try again in a while.",
            status=status,
        )
    return GitHubActionError(
        f"GitHub refused {what} ({status}){said}.",
        f"Check the automation's parameters and the token's permissions. {WRITE_HINT}",
        status=status,
    )


def _message(data: Any) -> str:
    """GitHub's own message (and the first validation detail), cleaned: it is data."""
    if not isinstance(data, Mapping):
        return clean(str(data), 200) if isinstance(data, str) else ""
    text = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, Mapping):
            detail = first.get("message") or " ".join(
                str(first.get(k)) for k in ("field", "code") if first.get(k)
            )
        else:
            detail = str(first)
        if detail:
            text = f"{text} ({detail})" if text else str(detail)
    return clean(text, 200)


def _rate_limited(headers: Mapping[str, str], message: str) -> bool:
    return (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in message.lower()
    )


def _reset_at(headers: Mapping[str, str]) -> datetime:
    now = datetime.now(UTC)
    after = headers.get("retry-after", "")
    if after.isdigit():
        return now + timedelta(seconds=int(after))
    reset = headers.get("x-ratelimit-reset", "")
    if reset.isdigit():
        return datetime.fromtimestamp(int(reset), UTC)
    return now + timedelta(seconds=60)  # a secondary limit names no time: GitHub asks a minute
