"""The request/response values the fake APIs trade, and REST pagination shared by GitHub and GitLab."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    #: Path below the API prefix (``/repos/o/r``, ``/projects/7``).
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    #: URL prefix for links in payloads (``http://127.0.0.1:PORT`` or ``.../api/v3``).
    base: str
    #: ``http://127.0.0.1:PORT``
    root: str

    def int_arg(self, name: str, default: int) -> int:
        try:
            return int(self.query.get(name, default))
        except ValueError:
            return default


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: Route template for the per-route counters (``GET /repos/{owner}/{repo}/pulls``).
    route: str = ""


def json_response(
    obj: Any, *, status: int = 200, route: str = "", headers: Mapping[str, str] | None = None
) -> Response:
    body = json.dumps(obj, separators=(",", ":"), sort_keys=False).encode()
    return Response(status, body, headers=dict(headers or {}), route=route)


def not_found(route: str = "", message: str = "Not Found") -> Response:
    return json_response(
        {"message": message, "documentation_url": "https://docs.github.com/rest", "status": "404"},
        status=404,
        route=route or "404",
    )


def paginate(
    req: Request,
    items: Sequence[T],
    *,
    default_per_page: int = 30,
    max_per_page: int = 100,
    totals: bool = False,
) -> tuple[list[T], dict[str, str]]:
    """One page of ``items`` and the ``Link`` header (with ``totals``, GitLab's ``x-total`` family)."""
    per_page = max(1, min(req.int_arg("per_page", default_per_page), max_per_page))
    page = max(1, req.int_arg("page", 1))
    start = (page - 1) * per_page
    chunk = list(items[start : start + per_page])
    last = max(1, -(-len(items) // per_page))
    links = []

    def url(n: int) -> str:
        params = {**req.query, "page": str(n), "per_page": str(per_page)}
        return f"{req.base}{req.path}?{urlencode(params)}"

    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
        links.append(f'<{url(last)}>; rel="last"')
    if page > 1:
        links.append(f'<{url(1)}>; rel="first"')
        links.append(f'<{url(page - 1)}>; rel="prev"')
    headers: dict[str, str] = {}
    if totals:
        headers = {
            "x-total": str(len(items)),
            "x-total-pages": str(last),
            "x-page": str(page),
            "x-per-page": str(per_page),
            "x-next-page": str(page + 1) if page < last else "",
        }
    if links:
        headers["link"] = ", ".join(links)
    return chunk, headers
