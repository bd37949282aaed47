"""How numbers, ages, durations and dates read wherever gluetui shows them: one module, so the
dashboard, the CLI, the reports and the detectors' evidence never disagree ("10d" in one place and
"11d" in another, "2.2h" beside "2.25h", a sprint that ends on the 6th here and the 7th there).

The conventions, each chosen once:

- **Ages** count completed units (floor), the way a forge says "10 days ago": ``45m``, ``7h``
  (under two days), ``10d`` (under two weeks), ``5w`` (under two years), ``2y``.
- **Durations in prose** use the same thresholds in words: "45 minutes", "7 hours", "10 days".
- **Hours** of effort and budget are quarter hours, shown exactly, without trailing zeros:
  ``2.25h`` in a table cell, "2.25 h" in a sentence.
- **Estimates and averages** in prose are rounded to what they can tell: one decimal under ten,
  whole numbers from ten ("about 48 h", "2.5 items a week"), never "15.25 items".
- **A sprint** is named by its first and last day, both inclusive: "23 Nov – 6 Dec" for people,
  ``2026-11-23`` to ``2026-12-06`` in reports, ``start``/``end`` in JSON and TOML.

Pure functions of their arguments (no clock, no locale): tests and every exit get the same text.
"""

from __future__ import annotations

import math
from datetime import date, datetime

__all__ = [
    "about",
    "age",
    "age_from_hours",
    "day_month",
    "duration",
    "hours",
    "hours_cell",
    "iso_range",
    "sprint_range",
]


def _units(total_minutes: int) -> tuple[int, str]:
    """The value and unit (m, h, d, w, y) an age of ``total_minutes`` reads in (floor)."""
    if total_minutes < 60:
        return total_minutes, "m"
    hours_ = total_minutes // 60
    if hours_ < 48:
        return hours_, "h"
    days = hours_ // 24
    if days < 14:
        return days, "d"
    if days < 730:
        return days // 7, "w"
    return days // 365, "y"


def age_from_hours(value: float) -> str:
    """Compact age of ``value`` hours: ``45m``, ``7h``, ``10d``, ``5w``, ``2y``."""
    minutes = 0 if not math.isfinite(value) else max(0, int(value * 60))
    count, unit = _units(minutes)
    return f"{count}{unit}"


def age(since: datetime, now: datetime) -> str:
    """Compact age from ``since`` to ``now`` (see :func:`age_from_hours`)."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    count, unit = _units(minutes)
    return f"{count}{unit}"


_WORDS = {"m": "minute", "h": "hour", "d": "day", "w": "week", "y": "year"}


def duration(value_hours: float, unit: str = "") -> str:
    """``value_hours`` in words with the age thresholds: "45 minutes", "7 hours", "10 days".

    ``unit`` qualifies it ("working" gives "7 working hours", "3 working days").
    """
    minutes = 0 if not math.isfinite(value_hours) else max(0, int(value_hours * 60))
    count, short = _units(minutes)
    word = _WORDS[short] + ("" if count == 1 else "s")
    return f"{count} {unit} {word}" if unit else f"{count} {word}"


def _number(value: float, places: int) -> str:
    """``value`` rounded half up to ``places`` decimals, trailing zeros dropped (``2.5``, ``48``)."""
    if not math.isfinite(value):
        return "0"
    from decimal import ROUND_HALF_UP, Decimal  # here: `items --json` imports this module only

    step = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def hours(value: float) -> str:
    """Hours in a sentence, exact to the quarter hour: "2.25 h", "1 h", "0.5 h"."""
    return f"{_number(value, 2)} h"


def hours_cell(value: float) -> str:
    """Hours in a table cell (the dashboard's Effort column, ``gluetui items``): ``2.25h``."""
    return f"{_number(value, 2)}h"


def about(value: float) -> str:
    """An estimate or an average in prose: one decimal under ten, whole from ten (``2.5``, ``48``)."""
    return _number(value, 1 if abs(value) < 10 else 0)


def day_month(day: date) -> str:
    """``6 Dec`` (no leading zero)."""
    return f"{day.day} {day:%b}"


def sprint_range(start: date, last: date, *, year: bool = False) -> str:
    """A sprint for people, first and last day inclusive: "23 Nov – 6 Dec" (", 2026" with
    ``year``; both years when it spans two)."""
    if year and start.year != last.year:
        return f"{day_month(start)} {start.year} – {day_month(last)} {last.year}"
    text = f"{day_month(start)} – {day_month(last)}"
    return f"{text} {last.year}" if year else text


def iso_range(start: date, last: date) -> str:
    """A sprint in a report, first and last day inclusive: ``2026-11-23 to 2026-12-06``."""
    return f"{start.isoformat()} to {last.isoformat()}"
