"""Webhook automations: POST the item as JSON to a URL the user configured.

The body carries the item (``Item.to_json`` with forge text made inert, as ``items --json`` prints
it), the automation name and the idempotency key, which is also sent as the ``Idempotency-Key``
header. Header values (bearer tokens) come from
environment variables named in the config, never from the config itself.

Retries happen only when the request may not have reached the receiver's logic or the receiver
failed (connection errors, timeouts, 5xx), never on a 4xx (the receiver said no; repeating will
not change its mind). A retry after a read timeout or a 5xx may repeat a request the receiver
already acted on; that is safe because every retry carries the same ``Idempotency-Key``, and a
receiver that honours the key (the IETF ``Idempotency-Key`` draft, Stripe-style) answers the
repeat with the first result instead of acting twice. Receivers that ignore the key should set
``retries = 0``.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from gluetui import __version__
from gluetui.errors import ActionError
from gluetui.textsafe import clean, safe_url

Sleep = Callable[[float], Awaitable[None]]

#: Seconds before retry n (1-based) is ``BACKOFF * 2**(n-1)``, capped at ``MAX_BACKOFF``.
BACKOFF = 0.5
MAX_BACKOFF = 8.0


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """The receiver's answer: status, a short cleaned excerpt of the body, a link if it gave one."""

    status: int
    attempts: int
    excerpt: str
    url: str = ""


def header_values(headers_env: Mapping[str, str], *, automation: str) -> dict[str, str]:
    """Header name -> value read from its environment variable; a missing one is an error."""
    out: dict[str, str] = {}
    for header, env in headers_env.items():
        value = os.environ.get(env)
        if not value:
            raise ActionError(
                f"Automation '{automation}': environment variable ${env} (for the {header} header) "
                "is not set.",
                f"Export {env} before starting gluetui, or remove the header from headers_env.",
            )
        out[header] = value
    return out


def json_body(payload: Mapping[str, Any]) -> bytes:
    """The payload (:func:`~gluetui.delegate.command.item_payload`) as ASCII JSON: nothing in it
    can act on a terminal that shows the receiver's log."""
    return json.dumps(dict(payload), ensure_ascii=True).encode("ascii")


async def post_webhook(
    url: str,
    payload: Mapping[str, Any],
    *,
    key: str,
    headers: Mapping[str, str],
    timeout: float,
    retries: int,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
) -> WebhookResult:
    """POST ``payload``; retry connection errors and 5xx with the same key; raise on failure."""
    all_headers = {
        "User-Agent": f"gluetui/{__version__}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        **headers,
    }
    body = json_body(payload)
    last_problem = ""
    # Whether some attempt may have reached the receiver's logic (then "unknown", not "failed").
    maybe_applied = False
    async with httpx.AsyncClient(
        timeout=timeout, transport=transport, follow_redirects=False
    ) as client:
        for attempt in range(1, retries + 2):
            if attempt > 1:
                await sleep(min(MAX_BACKOFF, BACKOFF * 2 ** (attempt - 2)))
            try:
                response = await client.post(url, content=body, headers=all_headers)
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {clean(str(exc), 120) or 'no detail'}"
                maybe_applied |= not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                continue
            if response.status_code >= 500:
                last_problem = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 300:
                raise ActionError(
                    f"The webhook answered HTTP {response.status_code}.",
                    _excerpt(response) or "The receiver refused the request; it was not retried.",
                )
            return WebhookResult(response.status_code, attempt, _excerpt(response), _link(response))
    raise ActionError(
        f"The webhook failed after {retries + 1} attempt(s): {last_problem}.",
        "Every attempt carried the same Idempotency-Key"
        + ("; the request may or may not have been applied" if maybe_applied else "")
        + ". Check the receiver before retrying.",
    )


def _excerpt(response: httpx.Response) -> str:
    return clean(response.text, 200)


def _link(response: httpx.Response) -> str:
    """A URL the receiver returned (``url``/``html_url``/``pr_url`` in JSON), for the follow-up."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("pr_url", "html_url", "url", "web_url"):
            value = safe_url(data.get(key))
            if value:
                return value
    return ""
