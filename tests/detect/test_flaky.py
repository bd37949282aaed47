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


def test_a_flaky_test_is_listed_under_its_job_one_item_per_flake() -> None:
    """A test that flakes fails its job on that attempt: one item (the job), the test named in
    it, counted and estimated once."""
    failed = Result("test_refresh", "failed", suite="tests/test_auth.py", job="unit")
    passed = Result("test_refresh", "passed", suite="tests/test_auth.py", job="unit")
    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("unit", "failure"),), tests=(failed,)),
        run("2", "success", 9, sha=SHA, jobs=(job("unit"),), tests=(passed,)),
    )
    (item,) = detect(data(runs=runs), ctx())
    assert item.id.rsplit("#flaky_test/", 1)[1] == "job:CI/unit"
    assert item.where["test"] == "tests/test_auth.py::test_refresh"
    assert item.where["job"] == "unit"
    assert item.title == "Flaky test: tests/test_auth.py::test_refresh in unit (CI)"
    assert item.metrics["flakes"] == 1 and item.metrics["flaky_tests"] == 1
    tests = [e.detail for e in item.evidence if e.label == "flaky test"]
    assert tests == [
        "tests/test_auth.py::test_refresh: failed and then passed 1 time in 2 runs (50%)."
    ]


def test_several_flaky_tests_of_one_job_are_one_item_listing_them() -> None:
    def results(status: str) -> tuple[Result, ...]:
        return (Result("a", status, job="unit"), Result("b", status, job="unit"))

    runs = (
        run("1", "failure", 10, sha=SHA, jobs=(job("unit", "failure"),), tests=results("failed")),
        run("1", "success", 10, sha=SHA, attempt=2, jobs=(job("unit"),), tests=results("passed")),
    )
    (item,) = detect(data(runs=runs), ctx())
    assert item.title == "Flaky job: unit (CI), 2 flaky tests"
    assert [e.detail.split(":")[0] for e in item.evidence if e.label == "flaky test"] == ["a", "b"]
    assert item.metrics["flaky_tests"] == 2


def test_a_flaky_test_without_a_known_job_stands_alone() -> None:
    runs = (
        run("1", "failure", 10, sha=SHA, tests=(Result("t", "failed"),)),
        run("1", "success", 10, sha=SHA, attempt=2, tests=(Result("t", "passed"),)),
    )
    (item,) = detect(data(runs=runs), ctx())
    assert item.id.rsplit("#flaky_test/", 1)[1] == "test:t"
    assert item.title == "Flaky test: t (CI)"


def test_a_flaky_test_whose_job_was_not_recorded_makes_the_job_item() -> None:
    """GitLab reports test results without failing the recorded jobs: the job item still comes,
    its flakes from its test."""
    runs = (
        run("1", "failure", 10, sha=SHA, tests=(Result("t", "failed", job="unit"),)),
        run("1", "success", 10, sha=SHA, attempt=2, tests=(Result("t", "passed", job="unit"),)),
    )
    (item,) = detect(data(runs=runs), ctx())
    assert item.id.rsplit("#flaky_test/", 1)[1] == "job:CI/unit"
    assert item.metrics["flakes"] == 1 and item.where["test"] == "t"


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
