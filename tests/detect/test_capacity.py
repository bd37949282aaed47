"""Sprint windows and effort estimates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gluetui.capacity import estimate_effort, sprint_window
from gluetui.config.schema import CapacityConfig, EffortConfig
from gluetui.model import Kind

CFG = CapacityConfig(sprint_start=date(2026, 1, 5), sprint_days=14)


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 1, 5, 0, 0), (date(2026, 1, 5), date(2026, 1, 19))),  # first instant
        (at(2026, 1, 18, 23, 59), (date(2026, 1, 5), date(2026, 1, 19))),  # last minute
        (at(2026, 1, 19, 0, 0), (date(2026, 1, 19), date(2026, 2, 2))),  # end is exclusive
        (at(2026, 11, 25), (date(2026, 11, 23), date(2026, 12, 7))),
        (at(2026, 1, 4, 23, 59), (date(2025, 12, 22), date(2026, 1, 5))),  # before the start
        (at(2025, 12, 22, 0, 0), (date(2025, 12, 22), date(2026, 1, 5))),
    ],
)
def test_sprint_window_boundaries(now: datetime, expected: tuple[date, date]) -> None:
    assert sprint_window(CFG, now) == expected


def test_sprint_window_offsets_move_by_whole_sprints() -> None:
    now = at(2026, 11, 25)
    current = sprint_window(CFG, now)
    assert sprint_window(CFG, now, 1) == (current[1], date(2026, 12, 21))
    assert sprint_window(CFG, now, -1) == (date(2026, 11, 9), current[0])


def test_one_day_sprints() -> None:
    cfg = CapacityConfig(sprint_start=date(2026, 1, 1), sprint_days=1)
    assert sprint_window(cfg, at(2026, 3, 3, 23, 59)) == (date(2026, 3, 3), date(2026, 3, 4))


EFFORT = EffortConfig()


def test_effort_base_per_kind() -> None:
    assert estimate_effort(Kind.STALE_DOC, {}, EFFORT) == 1.0
    assert estimate_effort(Kind.FLAKY_TEST, {}, EFFORT) == 2.0
    assert estimate_effort(Kind.UNREVIEWED_PR, {}, EFFORT) == 0.5
    assert estimate_effort(Kind.BROKEN_CI, {}, EFFORT) == 1.5


def test_review_effort_grows_with_lines_and_rounds_to_quarters() -> None:
    assert estimate_effort(Kind.UNREVIEWED_PR, {"lines_changed": 400}, EFFORT) == 1.5
    # 0.5 + 0.25 * 0.5 = 0.625 rounds half up to 0.75 (not banker's rounding to 0.5).
    assert estimate_effort(Kind.UNREVIEWED_PR, {"lines_changed": 50}, EFFORT) == 0.75
    assert estimate_effort(Kind.UNREVIEWED_PR, {"lines_changed": 10}, EFFORT) == 0.5


def test_ci_effort_counts_failing_jobs_beyond_the_first() -> None:
    assert estimate_effort(Kind.BROKEN_CI, {"failing_jobs": 1}, EFFORT) == 1.5
    assert estimate_effort(Kind.BROKEN_CI, {"failing_jobs": 3}, EFFORT) == 2.5
    assert estimate_effort(Kind.BROKEN_CI, {"failing_jobs": 0}, EFFORT) == 1.5


def test_effort_is_capped_and_ignores_odd_metrics() -> None:
    assert estimate_effort(Kind.UNREVIEWED_PR, {"lines_changed": 100_000}, EFFORT) == 8.0
    cfg = EffortConfig(max_hours=3.1)
    assert estimate_effort(Kind.BROKEN_CI, {"failing_jobs": 50}, cfg) == 3.1
    assert estimate_effort(Kind.UNREVIEWED_PR, {"lines_changed": float("nan")}, EFFORT) == 0.5
    assert estimate_effort(Kind.UNREVIEWED_PR, {"lines_changed": -500}, EFFORT) == 0.5
    # Size does not matter for kinds without a size rule.
    assert estimate_effort(Kind.STALE_DOC, {"lines_changed": 900}, EFFORT) == 1.0


def test_estimates_use_what_is_known_and_say_how() -> None:
    """Issue 16: every stale doc was 1 h and every flaky item 2 h."""
    from gluetui.capacity import estimate

    doc = estimate(Kind.STALE_DOC, {"dead_refs": 2, "code_changes": 12, "drift": 1}, EFFORT)
    assert doc.hours == 2.0
    assert doc.basis == (
        "1 h to bring a doc up to date + 0.5 h for 2 dead references (0.25 h each) + 0.6 h for "
        "12 code changes since the doc was edited (0.05 h each) = 2.1 h, to the quarter hour 2 h"
    )
    review = estimate(Kind.STALE_DOC, {"overdue_days": 40}, EFFORT)
    assert review.hours == 0.5 and review.basis.startswith("0.5 h for a review that is due")
    named = estimate(Kind.FLAKY_TEST, {"flaky_tests": 1}, EFFORT)
    unnamed = estimate(Kind.FLAKY_TEST, {"flaky_tests": 0}, EFFORT)
    assert (named.hours, unnamed.hours) == (1.0, 2.0)
    assert named.basis == "1 h for 1 named flaky test (1 h each)"
    assert unnamed.basis == "2 h to find why a job flakes (no test named)"
    red = estimate(Kind.BROKEN_CI, {"failing_jobs": 3, "hours_red": 80}, EFFORT)
    assert red.hours == 3.25  # 1.5 + 2 × 0.5 + 3 days × 0.25
    assert red.basis == (
        "1.5 h to fix a red build + 1 h for 2 more failing jobs (0.5 h each) + 0.75 h for "
        "3 days red (0.25 h a day) = 3.25 h"
    )
    big = estimate(Kind.UNREVIEWED_PR, {"lines_changed": 100_000}, EFFORT)
    assert big.hours == 8.0 and big.basis.endswith("capped at 8 h (max_hours)")
