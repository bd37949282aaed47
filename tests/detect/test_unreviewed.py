"""Unreviewed pull/merge requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from detect_helpers import NOW, ago, ctx, data, pr, review
from hypothesis import given
from hypothesis import strategies as st

from gluetui.detect.unreviewed import detect, working_hours_between
from gluetui.model import Kind, Severity, make_item_id
from gluetui.records import PullRequest


def test_old_pr_without_reviews_is_flagged_with_facts() -> None:
    (item,) = detect(data(pulls=(pr(7, title="Add retries", additions=300, deletions=50),)), ctx())
    assert item.id == make_item_id("github.com", "acme/api", Kind.UNREVIEWED_PR, "7")
    assert item.kind is Kind.UNREVIEWED_PR and item.title == "Add retries"
    assert item.where["number"] == "7" and item.where["branch"] == "feature"
    assert item.metrics["lines_changed"] == 350 and item.metrics["changed_files"] == 3
    assert item.metrics["age_hours"] == 48
    assert item.effort_hours == 1.5  # 0.5 + 0.25 * 3.5 = 1.375 -> 1.5
    assert item.since == ago(hours=48) and item.author == "alice"
    assert item.evidence and item.fingerprint and not item.mine and not item.accountable
    assert item.automations == ()  # the helper's automation does not fit PRs


def test_young_drafts_bots_and_reviewed_prs_are_skipped() -> None:
    pulls = (
        pr(1, created_at=ago(hours=5)),
        pr(2, draft=True),
        pr(3, author="dependabot[bot]"),
        pr(4, author="ci-helper", author_is_bot=True),
        pr(5, reviews=(review("bob"),)),
        pr(6, author="Renovate[bot]"),  # globs ignore case
    )
    assert detect(data(pulls=pulls), ctx()) == []


def test_drafts_are_flagged_when_asked_and_custom_bot_globs_apply() -> None:
    pulls = (pr(1, draft=True), pr(2, author="release-robot"))
    settings = {"unreviewed_pr": {"include_drafts": True, "bot_authors": ["*-robot"]}}
    assert [i.where["number"] for i in detect(data(pulls=pulls), ctx(detectors=settings))] == ["1"]


def test_reviews_by_the_author_do_not_count() -> None:
    item = pr(1, reviews=(review("alice"), review("ALICE")))
    (found,) = detect(data(pulls=(item,)), ctx())
    assert any(e.label == "author comments" for e in found.evidence)


def test_reviews_on_an_older_head_still_count_after_a_force_push() -> None:
    # The review was submitted before the head moved (force-push); someone still looked at it.
    pushed = pr(1, head_sha="b" * 40, updated_at=ago(hours=1), reviews=(review("bob", 30),))
    assert detect(data(pulls=(pushed,)), ctx()) == []


def test_fingerprint_changes_with_the_head() -> None:
    (a,) = detect(data(pulls=(pr(1, head_sha="a" * 40),)), ctx())
    (b,) = detect(data(pulls=(pr(1, head_sha="b" * 40),)), ctx())
    assert a.id == b.id and a.fingerprint != b.fingerprint


def test_age_counts_from_ready_for_review() -> None:
    was_draft = pr(1, created_at=ago(hours=200), ready_at=ago(hours=10))
    assert detect(data(pulls=(was_draft,)), ctx()) == []
    (item,) = detect(
        data(pulls=(was_draft,)), ctx(detectors={"unreviewed_pr": {"min_age_hours": 5}})
    )
    assert item.since == ago(hours=10)


def test_mine_when_requested_from_me_or_my_team_but_not_my_own_pr() -> None:
    pulls = (
        pr(1, review_requests=("dana",)),
        pr(2, review_requests=("acme/platform",)),
        pr(3, review_requests=("bob",)),
        pr(4, author="dana", review_requests=("dana",)),
    )
    found = detect(data(pulls=pulls), ctx(viewer="Dana", viewer_teams=("acme/platform",)))
    assert {i.where["number"]: i.mine for i in found} == {
        "1": True,
        "2": True,
        "3": False,
        "4": False,
    }


def test_ranking_prefers_older_bigger_mine_and_accountable() -> None:
    def impact(pull: PullRequest, **context: Any) -> float:
        (item,) = detect(data(pulls=(pull,)), ctx(**context))
        return item.impact

    base = impact(pr(1))
    assert impact(pr(1, created_at=ago(hours=300))) > base
    assert impact(pr(1, additions=3000)) > base
    assert impact(pr(1, review_requests=("dana",)), viewer="dana") > base
    assert impact(pr(1), accountable=frozenset({"acme/api"})) == 2 * base


def test_severity_grows_with_waiting_time() -> None:
    sev = {
        h: detect(data(pulls=(pr(1, created_at=ago(hours=h)),)), ctx())[0].severity
        for h in (30, 60, 200)
    }
    assert sev == {30: Severity.LOW, 60: Severity.MEDIUM, 200: Severity.HIGH}


def test_working_hours_skip_the_weekend() -> None:
    friday_evening = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    monday_morning = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert working_hours_between(friday_evening, monday_morning) == 6 + 9
    assert working_hours_between(monday_morning, friday_evening) == 0.0
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert working_hours_between(saturday, saturday + timedelta(hours=20)) == 0.0
    # Three whole weeks are 15 working days, whatever weekday they start on.
    assert working_hours_between(saturday, saturday + timedelta(weeks=3)) == 15 * 24


def test_working_hours_setting_keeps_a_weekend_pr_young() -> None:
    opened = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # Friday evening
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    pulls = (pr(1, created_at=opened),)
    assert len(detect(data(pulls=pulls), ctx(now=monday))) == 1  # 63 wall-clock hours
    settings = {"unreviewed_pr": {"working_hours": True}}
    assert detect(data(pulls=pulls), ctx(now=monday, detectors=settings)) == []
    (item,) = detect(data(pulls=pulls), ctx(now=NOW, detectors=settings))
    assert item.metrics["age_hours"] == 6 + 24 * 2 + 12  # Fri 18-24, Mon, Tue, Wed to noon
    assert item.evidence[0].detail.startswith("Ready for review for 2 working days (since")


def test_waiting_time_reads_in_days_like_the_age_column() -> None:
    """260 hours is "10 days", as the Age column says "10d" (not "Ready for review for 260
    hours")."""
    (item,) = detect(data(pulls=(pr(1, created_at=ago(hours=260)),)), ctx())
    assert item.evidence[0].detail.startswith("Ready for review for 10 days (since ")


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.floats(min_value=0, max_value=24 * 60),
)
def test_working_hours_never_exceed_wall_hours(start: datetime, span: float) -> None:
    begin = start.replace(tzinfo=UTC)
    end = begin + timedelta(hours=span)
    got = working_hours_between(begin, end)
    assert 0.0 <= got <= span + 1e-6
    assert got >= span * 5 / 7 - 48 - 1e-6  # at most one weekend's worth below the average
