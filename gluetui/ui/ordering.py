"""How a panel's rows are ordered; the sort key cycles with one key press."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from gluetui.model import Item


class SortKey(StrEnum):
    """Orders a panel can show; the value is the word shown in the panel title."""

    IMPACT = "impact"
    AGE = "age"
    REPO = "repository"
    EFFORT = "effort"

    def next(self) -> SortKey:
        members = list(SortKey)
        return members[(members.index(self) + 1) % len(members)]


def sort_items(items: Iterable[Item], key: SortKey) -> list[Item]:
    """Most pressing first: highest impact, oldest, repository A-Z, or cheapest effort first.

    Ties fall back to impact then id, so the order is stable across refreshes.
    """
    rows = list(items)
    if key is SortKey.IMPACT:
        return sorted(rows, key=lambda i: (-i.impact, i.since, i.id))
    if key is SortKey.AGE:
        return sorted(rows, key=lambda i: (i.since, -i.impact, i.id))
    if key is SortKey.REPO:
        return sorted(rows, key=lambda i: (i.repo.casefold(), -i.impact, i.id))
    return sorted(rows, key=lambda i: (i.effort_hours, -i.impact, i.id))
