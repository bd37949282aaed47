"""The last sighting of each agent hand-off's pull/merge request (see :mod:`gluetui.agents`).

One row per hand-off (its journal key), replaced by every refresh that sees the pull request, so
the follow-up can say "merged" even once the fix has made the item leave the snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .db import Part, to_text


class HandoffsPart(Part):
    def save_handoff_pulls(
        self, found: Mapping[str, tuple[str, Mapping[str, Any]]], *, at: datetime
    ) -> None:
        """Store ``key -> (item id, pull facts)`` for every hand-off a refresh found."""
        if not found:
            return
        rows = [
            (key, item_id, json.dumps(dict(pull), ensure_ascii=True), to_text(at))
            for key, (item_id, pull) in found.items()
        ]
        self._db.write(
            lambda c: c.executemany(
                "INSERT INTO handoff_pulls (key, item_id, pull, seen_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET pull = excluded.pull,"
                " seen_at = excluded.seen_at",
                rows,
            )
        )

    def handoff_pulls(self) -> dict[str, dict[str, Any]]:
        """Journal key -> the last pull facts seen for that hand-off."""
        rows = self._db.read(lambda c: c.execute("SELECT key, pull FROM handoff_pulls").fetchall())
        out: dict[str, dict[str, Any]] = {}
        for key, text in rows:
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if isinstance(value, dict):
                out[str(key)] = value
        return out
