"""One way to write ages, hours, estimates and sprints (gluetui/formatting.py), used by every exit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gluetui import formatting

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "compact", "words"),
    [
        (0.75, "45m", "45 minutes"),
        (1.0, "1h", "1 hour"),
        (47.9, "47h", "47 hours"),
        (254.4, "10d", "10 days"),  # 10.6 days: completed days, as a forge says "10 days ago"
        (260.0, "10d", "10 days"),  # "Ready for review for 260 hours" reads in days
        (24 * 13.9, "13d", "13 days"),
        (24 * 20, "2w", "2 weeks"),
        (24 * 800, "2y", "2 years"),
    ],
)
def test_ages_and_durations_use_the_same_units(hours: float, compact: str, words: str) -> None:
    assert formatting.age(NOW - timedelta(hours=hours), NOW) == compact
    assert formatting.age_from_hours(hours) == compact
    assert formatting.duration(hours) == words


def test_working_time_reads_in_working_units() -> None:
    assert formatting.duration(260.0, "working") == "10 working days"
    assert formatting.duration(1.0, "working") == "1 working hour"


@pytest.mark.parametrize(
    ("value", "cell", "prose"),
    [(2.25, "2.25h", "2.25 h"), (1.0, "1h", "1 h"), (0.5, "0.5h", "0.5 h"), (12.0, "12h", "12 h")],
)
def test_hours_are_exact_quarter_hours_without_trailing_zeros(
    value: float, cell: str, prose: str
) -> None:
    assert formatting.hours_cell(value) == cell
    assert formatting.hours(value) == prose


@pytest.mark.parametrize(
    ("value", "text"),
    [(15.25, "15"), (48.375, "48"), (2.25, "2.3"), (2.0, "2"), (0.04, "0"), (9.96, "10")],
)
def test_estimates_in_prose_have_no_false_precision(value: float, text: str) -> None:
    assert formatting.about(value) == text


def test_a_sprint_is_its_first_and_last_day() -> None:
    first, last = date(2026, 11, 23), date(2026, 12, 6)
    assert formatting.sprint_range(first, last) == "23 Nov – 6 Dec"
    assert formatting.sprint_range(first, last, year=True) == "23 Nov – 6 Dec 2026"
    assert formatting.iso_range(first, last) == "2026-11-23 to 2026-12-06"
    assert (
        formatting.sprint_range(date(2026, 12, 28), date(2027, 1, 10), year=True)
        == "28 Dec 2026 – 10 Jan 2027"
    )
