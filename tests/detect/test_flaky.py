"""Flaky jobs and tests."""

from __future__ import annotations

from detect_helpers import ago, ctx, data, job, run

from gluetui.detect.flaky import detect
from gluetui.model import Kind, make_item_id
from gluetui.records import TestResult as Result

SHA = "f" * 40


def test_rerun_that_passed_makes_a_flaky_job() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("lint"), job("e2e", "failure"))),
        run("1", "success", 10, sha=SHA, attempt=2, jobs=(job("lint"), job("e2e"))),
    )
    (item,) = detect(data(runs=runs), ctx())
    assert item.id == make_item_id("github.com", "acme/api", Kind.FLAKY_TEST, "job:CI/e2e")
    assert item.metrics["flakes"] == 1 and item.metrics["runs"] == 2
    assert item.metrics["flake_rate"] == 0.5
    assert (
        item.where["job"] == "e2e" and item.where["run_id"] == "1" and item.where["commit"] == SHA
    )
    assert item.since == ago(hours=10) and item.automations == ("rerun",)


def test_failures_that_never_passed_on_the_commit_are_not_flaky() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("e2e", "failure"),)),
        run("2", "success", 5, sha="e" * 40, jobs=(job("e2e"),)),
    )
    assert detect(data(runs=runs), ctx()) == []


def test_a_green_rerun_without_job_details_vouches_for_the_jobs() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("e2e", "failure"),)),
        run("1", "success", 10, sha=SHA, attempt=2),
    )
    assert [i.where["job"] for i in detect(data(runs=runs), ctx())] == ["e2e"]


def test_a_job_allowed_to_fail_in_a_green_pipeline_is_not_flaky() -> None:
    runs = (run("1", "success", 10, jobs=(job("build"), job("optional", "failure"))),)
    assert detect(data(runs=runs), ctx()) == []


def test_gitlab_retried_job_inside_one_pipeline() -> None:
    jobs = (job("unit", "failure", retried=True), job("unit", "success", attempt=2), job("lint"))
    (item,) = detect(data(runs=(run("9", "success", 3, jobs=jobs),)), ctx())
    assert item.where["job"] == "unit" and item.metrics["flakes"] == 1


def test_test_level_flake_keyed_by_suite_and_name() -> None:
    failed = Result("test_refresh", "failed", suite="tests/test_auth.py", job="unit")
    passed = Result("test_refresh", "passed", suite="tests/test_auth.py", job="unit")
    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("unit", "failure"),), tests=(failed,)),
        run("2", "success", 9, sha=SHA, jobs=(job("unit"),), tests=(passed,)),
    )
    items = {i.id.rsplit("#flaky_test/", 1)[1]: i for i in detect(data(runs=runs), ctx())}
    assert set(items) == {"job:CI/unit", "test:tests/test_auth.py::test_refresh"}
    test_item = items["test:tests/test_auth.py::test_refresh"]
    assert test_item.where["test"] == "tests/test_auth.py::test_refresh"
    assert test_item.where["job"] == "unit"
    assert test_item.title.startswith("Flaky test: tests/test_auth.py::test_refresh")


def test_error_status_counts_as_a_failed_test() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, tests=(Result("t", "error"),)),
        run("1", "success", 10, sha=SHA, attempt=2, tests=(Result("t", "passed"),)),
    )
    keys = [i.id.rsplit("/", 1)[1] for i in detect(data(runs=runs), ctx())]
    assert "test:t" in keys


def test_window_min_flakes_and_ignore_globs() -> None:
    def flake(n: int, hours: float, name: str = "e2e") -> tuple:  # type: ignore[type-arg]
        sha = f"{n:0>40}"
        return (
            run(str(n), "failure", hours, sha=sha, jobs=(job(name, "failure"),)),
            run(str(n), "success", hours, sha=sha, attempt=2, jobs=(job(name),)),
        )

    old = flake(1, 24 * 20)
    assert detect(data(runs=old), ctx()) == []  # outside the 14-day window
    two = flake(2, 30) + flake(3, 10)
    (item,) = detect(data(runs=two), ctx(detectors={"flaky_test": {"min_flakes": 2}}))
    assert item.metrics["flakes"] == 2 and item.where["run_id"] == "3"
    assert detect(data(runs=flake(4, 5)), ctx(detectors={"flaky_test": {"min_flakes": 2}})) == []
    ignored = ctx(detectors={"flaky_test": {"ignore_jobs": ["E2E*"]}})
    assert detect(data(runs=two), ignored) == []


def test_same_commit_in_two_workflows_is_two_groups() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, workflow="A", jobs=(job("x", "failure"),)),
        run("2", "success", 9, sha=SHA, workflow="B", jobs=(job("x"),)),
    )
    assert detect(data(runs=runs), ctx()) == []


def test_in_progress_runs_are_ignored() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("x", "failure"),)),
        run("1", "", 10, sha=SHA, attempt=2, status="in_progress", jobs=(job("x", ""),)),
    )
    assert detect(data(runs=runs), ctx()) == []
