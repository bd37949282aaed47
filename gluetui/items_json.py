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

from gluetui.budget import Candidate, budget_note, over_budget
from gluetui.model import Item, Kind, Route, State
from gluetui.store.snapshot import SnapshotRow
from gluetui.textsafe import JSON_MAX, clean_json, plain_json

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
    remaining: float | None = None,
) -> list[str]:
    """Lines for the rows of ``kinds`` that are open (all with ``include_hidden``), by impact.

    Rows whose id is in ``decided`` are parsed and get ``state_of`` their Item; the others are
    open. Rows that are not JSON or name no known kind are skipped, as ``load_items`` skips them.
    With ``remaining`` (the hours left in the budget), the open items' suggestions go through
    :func:`gluetui.budget.over_budget` — every kind's, as the dashboard's — and those that no
    longer fit are printed as "leave" (only those rows are parsed again).
    """
    picked: list[tuple[float, str, str]] = []
    candidates: list[Candidate] = []
    budgeted = remaining is not None
    for row in rows:
        if row.kind not in _KINDS:
            log.warning("skipping an unreadable stored item: %s", row.id[:80])
            continue
        wanted = row.kind in kinds
        if not wanted and not (budgeted and row.route in _ROUTED):
            continue
        text = row.text
        state = State.OPEN
        if row.id in decided:
            try:
                data = json.loads(text)
                state = state_of(Item.from_json(data))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("skipping an unreadable stored item: %s", type(exc).__name__)
                continue
            if state is not State.OPEN:
                data["state"] = state.value
                text = item_line(data)
        if budgeted and state is State.OPEN and row.route in _ROUTED:
            candidates.append(
                Candidate(row.id, row.impact or 0.0, _ROUTE_OF[row.route], row.cost or 0.0)
            )
        if wanted and (state is State.OPEN or include_hidden):
            picked.append((-float(row.impact or 0.0), row.id, text))
    over = {} if remaining is None else over_budget(candidates, remaining)
    picked.sort()  # (-impact, id, text): tuples compare faster than a key; the text breaks a tie
    # only for one id read by two sources (still one order every run)
    if not over:
        return _inert([text for _, _, text in picked])
    # The note is the same for every suggestion of one route and size once the hours run out:
    # encoded once each.
    notes: dict[tuple[Route, float, float], str] = {}
    note_of: dict[str, str] = {}
    for c in candidates:
        if c.id in over:
            key = (c.route, c.hours, over[c.id])
            if key not in notes:
                notes[key] = json.dumps(budget_note(*key))[1:-1]
            note_of[c.id] = notes[key]
    return _inert([_left(text, note_of[i]) if i in over else text for _, i, text in picked])


_ROUTE_OF = {Route.DELEGATE.value: Route.DELEGATE, Route.TAKE.value: Route.TAKE}
_ROUTED = frozenset(_ROUTE_OF)


_SUGGESTION_KEY = ',"suggestion":'
_STATE_KEY = ',"state":'
_REASON_KEY = '"reason":"'
_HOURS_KEY = '","hours":'


def _left(text: str, note: str) -> str:
    """The row with its suggestion turned into "leave" for the budget, as
    :func:`gluetui.budget.leave_for_budget` would write it.

    A row is compact JSON in ``Item.to_json`` order: ``suggestion`` comes just before ``state``,
    the last key, and its own keys are in ``Suggestion.to_json`` order. Inside a JSON string
    every quote is escaped, so these keys occur only as keys: the reason is taken as it is
    stored (still JSON-escaped) and the suggestion is replaced without parsing the row — at
    10,000 rows, most of them over budget, parsing them took longer than everything else.
    """
    start, end = text.rfind(_SUGGESTION_KEY), text.rfind(_STATE_KEY)
    if start < 0 or end < start:
        return text
    segment = text[start:end]
    r0 = segment.find(_REASON_KEY)
    r1 = segment.find(_HOURS_KEY, r0 + len(_REASON_KEY))
    if r0 < 0 or r1 < 0:
        return text
    reason = segment[r0 + len(_REASON_KEY) : r1]
    shown = (
        f'{{"route":"leave","automation":null,"reason":"{reason}{note}",'
        '"hours":0.0,"over_budget":true}'
    )
    return f"{text[:start]}{_SUGGESTION_KEY}{shown}{text[end:]}"


def _inert(lines: list[str]) -> list[str]:
    """``lines`` with every row :func:`~gluetui.textsafe.plain_json` cannot vouch for parsed and
    cleaned. Nearly every row is plain, so all of them are first vouched for at once (one
    check over the rows joined by commas, which no check can match across: 10 ms instead of
    23 ms for 10,000 rows); only when that fails is each row checked."""
    if not lines or (max(map(len, lines)) <= JSON_MAX and plain_json(",".join(lines), limit=None)):
        return lines
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
