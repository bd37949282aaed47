"""Broken CI on the default branch."""

from __future__ import annotations

from detect_helpers import ago, ctx, data, job, run

from gluetui.detect.broken_ci import detect
from gluetui.model import Kind, Severity, make_item_id


def test_red_after_green_names_the_breaking_commit_and_jobs() -> None:
    runs = (
        run("1", "success", 30),
        run("2", "failure", 20, commit_title="Drop py3.10", commit_author="bob",
            jobs=(job("lint"), job("test", "failure", id="j2", url="https://x/j2"))),
        run("3", "failure", 10, jobs=(job("lint", "failure"), job("test", "failure", id="j3"))),
    )  # fmt: skip
    (item,) = detect(data(runs=runs), ctx())
    assert item.id == make_item_id("github.com", "acme/api", Kind.BROKEN_CI, "CI")
    assert item.since == ago(hours=20) and item.author == "bob"
    assert item.metrics == {"failing_jobs": 2.0, "failing_runs": 2.0, "hours_red": 20.0}
    assert item.where["run_id"] == "3" and item.where["first_bad_commit"] == "0" * 39 + "2"
    assert item.where["job"] == "lint" and item.where["workflow"] == "CI"
    details = " ".join(e.detail for e in item.evidence)
    assert "Drop py3.10" in details and "2 consecutive failing runs" in details
    assert [e.detail for e in item.evidence if e.label == "failing job"] == [
        "lint (failure)",
        "test (failure)",
    ]
    assert item.effort_hours == 2.0 and item.automations == ("rerun",)
    assert item.severity is Severity.MEDIUM  # red for 20 h, not accountable


def test_long_red_or_accountable_is_high() -> None:
    runs = (run("1", "failure", 30),)
    assert detect(data(runs=runs), ctx())[0].severity is Severity.HIGH
    fresh = (run("1", "failure", 2),)
    (item,) = detect(data(runs=fresh), ctx(accountable=frozenset({"acme/api"})))
    assert item.severity is Severity.HIGH and item.accountable


def test_green_latest_run_means_no_item() -> None:
    runs = (run("1", "failure", 20), run("2", "success", 10))
    assert detect(data(runs=runs), ctx()) == []


def test_no_runs_and_only_in_progress_runs_mean_no_item() -> None:
    assert detect(data(), ctx()) == []
    running = (run("1", "", 2, status="in_progress"), run("2", "", 1, status="queued"))
    assert detect(data(runs=running), ctx()) == []


def test_in_progress_run_after_a_failure_keeps_it_red() -> None:
    runs = (run("1", "failure", 5), run("2", "", 1, status="in_progress"))
    (item,) = detect(data(runs=runs), ctx())
    assert item.where["run_id"] == "1"


def test_cancelled_runs_neither_break_nor_fix() -> None:
    runs = (
        run("1", "success", 50),
        run("2", "failure", 40),
        run("3", "cancelled", 30),
        run("4", "failure", 20),
        run("5", "skipped", 10),
    )
    (item,) = detect(data(runs=runs), ctx())
    assert item.since == ago(hours=40) and item.metrics["failing_runs"] == 2
    assert detect(data(runs=(run("1", "cancelled", 3),)), ctx()) == []


def test_latest_attempt_of_a_commit_counts() -> None:
    sha = "c" * 40
    rerun_green = (
        run("1", "failure", 10, sha=sha, attempt=1),
        run("1", "success", 10, sha=sha, attempt=2),
    )
    assert detect(data(runs=rerun_green), ctx()) == []
    rerun_red = (
        run("1", "success", 10, sha=sha, attempt=1),
        run("1", "failure", 10, sha=sha, attempt=2),
    )
    assert len(detect(data(runs=rerun_red), ctx())) == 1


def test_other_branches_ignored_workflows_and_other_conclusions() -> None:
    runs = (
        run("1", "failure", 5, branch="feature"),
        run("2", "failure", 5, workflow="Nightly fuzz"),
        run("3", "timed_out", 5, workflow="Deploy"),
        run("4", "action_required", 5, workflow="Approve"),
    )
    settings = {"broken_ci": {"ignore_workflows": ["nightly*"]}}
    found = detect(data(runs=runs), ctx(detectors=settings))
    assert [i.where["workflow"] for i in found] == ["Deploy"]


def test_one_item_per_workflow() -> None:
    runs = (run("1", "failure", 5, workflow="A"), run("2", "failure", 5, workflow="B"))
    assert sorted(i.where["workflow"] for i in detect(data(runs=runs), ctx())) == ["A", "B"]


def test_retried_gitlab_jobs_are_not_failing_jobs() -> None:
    jobs = (
        job("unit", "failure", retried=True),
        job("unit", "success", attempt=2),
        job("e2e", "failure"),
    )
    (item,) = detect(data(runs=(run("1", "failure", 3, jobs=jobs),)), ctx())
    assert item.metrics["failing_jobs"] == 1 and item.where["job"] == "e2e"


def test_fingerprint_follows_the_latest_failing_run() -> None:
    first = detect(data(runs=(run("1", "failure", 5),)), ctx())[0]
    later = detect(data(runs=(run("1", "failure", 5), run("2", "failure", 2))), ctx())[0]
    assert first.id == later.id and first.fingerprint != later.fingerprint
