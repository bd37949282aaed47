"""The GitLab adapter against the replay peer (python-gitlab's recorded mocks + the project's extras)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from gl_helpers import NOW, TOKEN, make_forge

from gluetui.errors import ActionError
from gluetui.forges.base import ActionRequest
from gluetui.records import RateLimit, RepoData, Review, SourceData

if TYPE_CHECKING:  # a type only: `from conftest` would depend on collection order
    from conftest import Peer

pytestmark = pytest.mark.peers


def _repo(data: SourceData, name: str) -> RepoData:
    return next(r for r in data.repos if r.repo.full_name == name)


async def test_explicit_projects_fetch_every_record_kind(peer: Peer) -> None:
    forge = make_forge(peer.url, repos=["acme/app", "acme/gone"])
    data = await forge.fetch(NOW)

    assert data.viewer == "username"  # recorded GET /user
    assert [e.repo for e in data.errors] == ["acme/gone"]
    assert "404" in data.errors[0].title
    app = _repo(data, "acme/app")
    assert app.repo.forge_id == "1"
    assert app.repo.default_branch == "main"
    assert app.repo.host == forge.host == peer.url.removeprefix("http://")

    pulls = {p.number: p for p in app.pulls}
    assert sorted(pulls) == [1, 2, 4]  # 3 is a draft
    only_author_notes = pulls[1]
    assert only_author_notes.reviews == ()
    assert only_author_notes.review_requests == ("kenyatta_oconnell",)
    assert only_author_notes.author == "admin"
    assert only_author_notes.labels == ("frontend",)
    approved = pulls[2]
    assert approved.reviews == (
        Review("root", "APPROVED", datetime(2026, 11, 22, 8, 30, tzinfo=UTC)),
    )
    assert pulls[4].reviews == ()

    runs = {r.id: r for r in app.runs}
    assert sorted(runs) == ["1", "2", "3"]
    failed = runs["1"]
    assert (failed.status, failed.conclusion, failed.event) == ("completed", "failure", "push")
    # Recorded python-gitlab mocks: first answer of pipelines/1/jobs and the documented test report.
    assert [(j.name, j.conclusion, j.id) for j in failed.jobs] == [("rubocop", "failure", "1")]
    assert [(t.name, t.status, t.suite) for t in failed.tests] == [
        (
            "vulnerability_management_spec.Security Reports can create an auto-remediation MR",
            "passed",
            "Secure",
        )
    ]
    retried = runs["2"]
    assert [(j.name, j.attempt, j.retried, j.conclusion) for j in retried.jobs] == [
        ("rspec", 1, True, "failure"),
        ("rspec", 2, False, "success"),
        ("lint", 1, False, "success"),
    ]
    assert {t.name: t.status for t in retried.tests} == {
        "spec.upload_spec.retries the upload": "failed",
        "spec.parser_spec.parses": "passed",
        "spec.parser_spec.slow path": "skipped",
    }
    assert runs["3"].workflow == "schedule" and runs["3"].jobs == ()

    assert app.tree == {"README.md", "docs/setup.md", "src/app.py", "src/cli.py"}
    assert app.tree_complete
    docs = {d.path: d for d in app.docs}
    readme = docs["README.md"]
    assert "src/app.py" in readme.text
    assert readme.last_commit is not None and readme.last_commit.sha == "c" * 40
    assert readme.described_paths == ("src/app.py", "src/cli.py")  # src/gone.py is not in the tree
    assert len(readme.code_commits_since) == 7
    assert readme.code_commit_count == 7
    setup = docs["docs/setup.md"]
    assert setup.described_paths == ()  # README.md is a doc, not code
    assert setup.code_commits_since == ()  # changed five days ago: too fresh to need history

    expected_limit = RateLimit(1987, 2000, datetime.fromtimestamp(1795608000, UTC), "rest")
    assert data.rate_limits == (expected_limit,)
    assert forge.rate_limits == (expected_limit,)
    # The call budget: 1 viewer + 2 projects + 1 MR list + 4 for old MRs + 1 pipeline list
    # + 4 for the two failure-related pipelines + 1 tree + 4 per-doc + 2 code-path histories.
    assert data.stats["requests"] == 20
    assert data.stats["writes"] == 0
    assert TOKEN not in repr(forge) and TOKEN not in repr(data)


async def test_group_listing_filters_archived_forks_and_excluded(peer: Peer) -> None:
    forge = make_forge(peer.url, groups=["acme"], exclude=["acme/legacy/*"])
    data = await forge.fetch(NOW)

    assert sorted(r.repo.full_name for r in data.repos) == ["acme/app", "acme/sub/tool"]
    assert data.errors == ()
    empty = _repo(data, "acme/sub/tool")
    assert (empty.tree, empty.tree_complete, empty.pulls, empty.runs) == (frozenset(), True, (), ())


async def test_one_failing_project_does_not_fail_the_others(peer: Peer) -> None:
    forge = make_forge(
        peer.url,
        groups=["acme", "nosuch"],
        include=["acme/sub/*", "acme/app"],
        include_archived=True,
    )
    data = await forge.fetch(NOW)

    assert sorted(r.repo.full_name for r in data.repos) == ["acme/app", "acme/sub/tool"]
    # acme/sub/lib (archived, now included) has no recordings: its own error only.
    assert sorted(e.repo for e in data.errors) == ["acme/sub/lib", "nosuch/*"]


async def test_recorded_retries_and_project_added_actions(peer: Peer) -> None:
    forge = make_forge(peer.url, repos=["acme/app"])
    await forge.fetch(NOW)  # learns acme/app -> project 1

    pipeline = await forge.perform(ActionRequest("retry_pipeline", "acme/app", "1"))
    assert (pipeline.ok, pipeline.ref) == (True, "46")  # recorded POST .../pipelines/1/retry
    job = await forge.perform(ActionRequest("retry_job", "1", "1"))
    assert job.url == "https://example.com/foo/bar/-/jobs/1"

    trigger = await forge.perform(
        ActionRequest("trigger_pipeline", "acme/app", "", {"ref": "main", "inputs": {"X": "1"}})
    )
    assert trigger.ref == "61" and "main" in trigger.message
    assign = await forge.perform(
        ActionRequest("assign", "acme/app", "!1", {"assignees": ["alice"]})
    )
    assert "alice" in assign.message and assign.url.endswith("/merge_requests/1")
    review = await forge.perform(
        ActionRequest("set_reviewers", "acme/app", "1", {"reviewers": ["alice", "bob"]})
    )
    assert review.ok
    labels = await forge.perform(
        ActionRequest("add_labels", "acme/app", "#7", {"labels": ["flaky"]})
    )
    assert labels.url.endswith("/issues/7")
    note = await forge.perform(
        ActionRequest("note", "acme/app", "!1", {"body": "Taking this one."})
    )
    assert note.ref == "303"
    issue = await forge.perform(
        ActionRequest("create_issue", "acme/app", "", {"title": "Stale README", "labels": ["docs"]})
    )
    assert issue.ref == "8" and issue.url.endswith("/issues/8")
    assert set(forge.action_specs()) == {
        "retry_pipeline",
        "retry_job",
        "trigger_pipeline",
        "assign",
        "set_reviewers",
        "add_labels",
        "note",
        "create_issue",
    }


async def test_action_failures_are_action_errors(peer: Peer) -> None:
    forge = make_forge(peer.url)
    with pytest.raises(ActionError, match="no user 'ghost'"):
        await forge.perform(ActionRequest("assign", "1", "!1", {"assignees": ["ghost"]}))
    with pytest.raises(ActionError, match="404") as info:
        await forge.perform(ActionRequest("retry_pipeline", "1", "999"))
    assert info.value.hint
    with pytest.raises(ActionError, match="cannot do"):
        await forge.perform(ActionRequest("merge", "1", "!1"))
