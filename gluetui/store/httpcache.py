"""Responses kept for conditional requests: send ``If-None-Match``, and on 304 reuse the body.

A 304 does not count against GitHub's rate limit, so a refresh of unchanged repositories is
nearly free. The key is whatever the forge code chooses (method + URL, typically); tokens never
go in it, and the forge keeps authorisation headers out of ``headers``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from .db import Part, from_text, to_text

if TYPE_CHECKING:  # imported where used: the store opens for `items --json` without it
    from gluetui.records import CachedResponse


class HttpCachePart(Part):
    def http_get(self, key: str) -> CachedResponse | None:
        row = self._db.read(
            lambda c: c.execute(
                "SELECT etag, last_modified, body, headers, stored_at FROM http_cache WHERE key = ?",
                (key,),
            ).fetchone()
        )
        if row is None:
            return None
        from gluetui.records import CachedResponse

        etag, last_modified, body, headers, stored_at = row
        return CachedResponse(
            etag=etag,
            last_modified=last_modified,
            body=bytes(body),
            headers={str(k): str(v) for k, v in json.loads(headers).items()},
            stored_at=from_text(stored_at),
        )

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
        row = (
            key,
            etag,
            last_modified,
            sqlite3.Binary(body),
            json.dumps(dict(headers)),
            to_text(at),
        )
        self._db.write(
            lambda c: c.execute(
                "INSERT OR REPLACE INTO http_cache (key, etag, last_modified, body, headers,"
                " stored_at) VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
        )
