"""Small key/value settings (theme picked in the palette...) and the "last look" time.

The last look is when the user last saw the dashboard; items first seen after it are "new".
It lives among the settings under a key of the store's own, prefixed so no UI setting collides.
"""

from __future__ import annotations

from datetime import datetime

from .db import Part, from_text, to_text

_LAST_LOOK = "store.last_look"


class SettingsPart(Part):
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.read(
            lambda c: c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        )
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        self._db.write(
            lambda c: c.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )

    def last_look(self) -> datetime | None:
        text = self.get_setting(_LAST_LOOK)
        return None if text is None else from_text(text)

    def set_last_look(self, at: datetime) -> None:
        self.set_setting(_LAST_LOOK, to_text(at))
