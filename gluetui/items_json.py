"""``gluetui items --json``: one item per line, and on the stored snapshot without parsing it.

The snapshot already holds each item as the compact JSON ``Item.to_json`` gives (state open), so the
stored path hands those rows out as they are: SQLite pulls the id, kind and impact for filtering and
sorting, only items with a triage decision are parsed (their state is derived from the log), and
a row that :func:`gluetui.textsafe.plain_json` cannot vouch for (anything but printable ASCII, an
escape, a URL that is not plainly http(s)) is parsed and goes through
:func:`gluetui.textsafe.clean_json` like every other item: human-readable fields cleaned, URLs
validated, the id exact and ASCII-escaped. Parsing 10,000 rows into Items and pretty-printing them
took most of a second; this takes the time of one query. Both paths print the same layout::

    {"items": [
      {"id":"…","kind":"broken_ci",…},
      {"id":"…",…}
    ]}
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, TextIO

from gluetui.model import Item, Kind, State
from gluetui.store.snapshot import SnapshotRow
from gluetui.textsafe import clean_json, plain_json

if TYPE_CHECKING:
    from gluetui.store import Store

log = logging.getLogger(__name__)

_KINDS = frozenset(k.value for k in Kind)
_SEPARATORS = (",", ":")

#: One snapshot row: its JSON text and the fields filtering and sorting need.
StoredRow = SnapshotRow


def stored_rows(store: Store) -> list[StoredRow]:
    """The snapshot's rows as stored, in ``Store.load_items`` order."""
    return store.snapshot_rows()


def item_line(data: dict[str, Any]) -> str:
    """One item as printed: compact, ASCII only, keys in ``Item.to_json`` order, forge text inert
    (:func:`~gluetui.textsafe.clean_json`)."""
    return json.dumps(clean_json(data), ensure_ascii=True, separators=_SEPARATORS)


def select(
    rows: Iterable[StoredRow],
    kinds: Collection[str],
    include_hidden: bool,
    decided: Collection[str],
    state_of: Callable[[Item], State],
) -> list[str]:
    """Lines for the rows of ``kinds`` that are open (all with ``include_hidden``), by impact.

    Rows whose id is in ``decided`` are parsed and get ``state_of`` their Item; the others are
    open. Rows that are not JSON or name no known kind are skipped, as ``load_items`` skips them.
    """
    picked: list[tuple[float, str, str]] = []
    for row in rows:
        if row.kind not in _KINDS:
            log.warning("skipping an unreadable stored item: %s", row.id[:80])
            continue
        if row.kind not in kinds:
            continue
        text = row.text
        if row.id in decided:
            try:
                data = json.loads(text)
                state = state_of(Item.from_json(data))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("skipping an unreadable stored item: %s", type(exc).__name__)
                continue
            if state is not State.OPEN and not include_hidden:
                continue
            if state is not State.OPEN:
                data["state"] = state.value
                text = item_line(data)
        picked.append((-float(row.impact or 0.0), row.id, text))
    picked.sort(key=lambda p: (p[0], p[1]))
    return _inert([text for _, _, text in picked])


def _inert(lines: list[str]) -> list[str]:
    """``lines`` with every row :func:`~gluetui.textsafe.plain_json` cannot vouch for parsed and
    cleaned (about 1.5 µs a row for the check; nearly every row is plain)."""
    out: list[str] = []
    for text in lines:
        if not plain_json(text):
            try:
                text = item_line(json.loads(text))
            except ValueError as exc:
                log.warning("skipping an unreadable stored item: %s", type(exc).__name__)
                continue
        out.append(text)
    return out


def write(lines: Iterable[str], out: TextIO) -> None:
    """``{"items": [...]}`` with one item per line (``lines`` from :func:`item_line`)."""
    body = ",\n  ".join(lines)
    out.write('{"items": [\n  ' + body + "\n]}\n" if body else '{"items": []}\n')
