"""GitLab JSON -> records mapping edge cases (pure, no server)."""

from __future__ import annotations

from datetime import UTC, datetime

from gluetui.config.schema import SourceConfig
from gluetui.forges.gitlab import convert as conv
from gluetui.forges.gitlab.docs import is_doc
from gluetui.forges.gitlab.fetch import matches, wanted

T0 = "2026-11-20T09:00:00.000Z"


def test_retried_job_that_passed_is_flaky_shaped() -> None:
    jobs = conv.to_jobs(
        [
            {"id": 12, "name": "test", "status": "success", "web_url": "u12"},
            {"id": 10, "name": "test", "status": "failed", "retried": True},
            {"id": 11, "name": "lint", "status": "canceled"},
        ]
    )
    assert [(j.id, j.name, j.attempt, j.retried, j.conclusion) for j in jobs] == [
        ("10", "test", 1, True, "failure"),
        ("11", "lint", 1, False, "cancelled"),
        ("12", "test", 2, False, "success"),
    ]


def test_failed_pipeline_with_test_report() -> None:
    tests = conv.to_tests(
        {
            "test_suites": [
                {
                    "name": "unit",
                    "test_cases": [
                        {"status": "failed", "name": "test_upload", "classname": "tests.test_io"},
                        {"status": "error", "name": "test_boot", "classname": ""},
                        {"status": "weird", "name": "ignored"},
                    ],
                }
            ]
        }
    )
    assert [(t.name, t.status, t.suite) for t in tests] == [
        ("tests.test_io.test_upload", "failed", "unit"),
        ("test_boot", "error", "unit"),
    ]
    run = conv.to_run(
        "g/p", {"id": 9, "status": "failed", "created_at": T0, "ref": "main"}, tests=tests
    )
    assert run is not None
    assert (run.conclusion, run.workflow, run.tests) == ("failure", "pipeline", tests)
    running = conv.to_run("g/p", {"id": 9, "status": "running", "created_at": T0, "source": "web"})
    assert running is not None and (running.status, running.conclusion, running.workflow) == (
        "in_progress",
        "",
        "web",
    )


def test_only_author_and_system_notes_are_no_review() -> None:
    notes = [
        {"author": {"username": "ann"}, "created_at": T0, "system": False},
        {"author": {"username": "bob"}, "created_at": T0, "system": True},
    ]
    assert conv.notes_to_reviews(notes, "ann") == []
    notes.append({"author": {"username": "bob"}, "created_at": T0, "system": False})
    assert [(r.author, r.state) for r in conv.notes_to_reviews(notes, "ann")] == [
        ("bob", "COMMENTED")
    ]


def test_approval_uses_approved_at_when_present() -> None:
    fallback = datetime(2026, 1, 1, tzinfo=UTC)
    reviews = conv.approvals_to_reviews(
        {
            "approved_by": [
                {"user": {"username": "a"}, "approved_at": T0},
                {"user": {"username": "b"}},
            ]
        },
        fallback,
    )
    assert [(r.author, r.submitted_at) for r in reviews] == [
        ("a", datetime(2026, 11, 20, 9, tzinfo=UTC)),
        ("b", fallback),
    ]


def test_merge_request_fields_and_hostile_title() -> None:
    mr = {
        "iid": 5,
        "title": "Fix \x1b[31mred\x1b[0m",
        "created_at": T0,
        "draft": False,
        "work_in_progress": True,
        "author": {"username": "project_12_bot_ab12"},
        "reviewers": [{"username": "r1"}],
        "labels": ["x"],
    }
    pull = conv.to_pull(
        "g/p", mr, detail={"changes_count": "1000+", "head_pipeline": {"status": "failed"}}
    )
    assert pull is not None
    assert (pull.title, pull.draft, pull.author_is_bot) == ("Fix red", True, True)
    assert (pull.changed_files, pull.head_status, pull.review_requests) == (
        1000,
        "failure",
        ("r1",),
    )
    assert conv.to_pull("g/p", {"iid": 1}) is None  # no timestamps: skipped, not a crash


def test_source_filters() -> None:
    src = SourceConfig(name="s", kind="gitlab", include=["acme/*"], exclude=["acme/legacy/*"])
    assert matches("acme/sub/lib", src) and not matches("acme/legacy/x", src)
    assert not matches("other/x", src)
    assert not wanted({"archived": True}, src)
    assert not wanted({"forked_from_project": {"id": 1}}, src)
    assert wanted({"archived": False}, src)
    opted = SourceConfig(name="s", kind="gitlab", include_archived=True, include_forks=True)
    assert wanted({"archived": True, "forked_from_project": {"id": 1}}, opted)


def test_doc_globs_match_names_anywhere_and_paths() -> None:
    globs = ["README*", "docs/**", "*.md"]
    assert is_doc("README", globs) and is_doc("sub/README.rst", globs)
    assert is_doc("docs/a/b.txt", globs) and is_doc("x/y/z.md", globs)
    assert not is_doc("src/app.py", globs)


def test_doc_mentions_resolve_like_the_detector() -> None:
    """./ and ../ are relative to the doc's folder; a leading dot of a file name is kept."""
    from gluetui.config.schema import StaleDocSettings
    from gluetui.forges.gitlab.docs import DocReader

    reader = DocReader(
        None,  # type: ignore[arg-type]  # _described never calls the forge
        "",
        "main",
        StaleDocSettings(),
        datetime(2026, 11, 25, tzinfo=UTC),
        find_paths=lambda text: text.split(),
    )
    tree = frozenset({".gitlab-ci.yml", "src/app.py", "docs/guide.md", "lib/x.py"})
    found = reader._described(
        ".gitlab-ci.yml ../src/app.py /lib/x.py", "docs/guide.md", tree, {"src", "lib"}
    )
    assert found == (".gitlab-ci.yml", "src/app.py", "lib/x.py")
