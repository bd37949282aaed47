"""GitHubForge.fetch over the in-process fake: batching, pagination, partial errors, mapping, cost."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fakehub import FakeGitHub, FakeRepo, commit_node, job_json, pr_node, run_json
from gh_helpers import NOW, TOKEN

from gluetui.forges.github import docs as github_docs
from gluetui.forges.github.forge import GitHubForge
from gluetui.forges.http import MemoryHttpCache
from gluetui.records import RepoData

Build = Callable[..., GitHubForge]


def simple_refs(text: str) -> list[str]:
    """A stand-in for gluetui.docrefs: backticked paths and markdown link targets."""
    return re.findall(r"`([\w./-]+)`", text) + re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.fixture(autouse=True)
def _docrefs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(github_docs, "referenced_paths", simple_refs)


def by_name(data: Any) -> dict[str, RepoData]:
    return {r.repo.full_name: r for r in data.repos}


async def test_sixty_repos_cost_one_listing_and_one_details_query(forge_for: Build) -> None:
    repos = [FakeRepo(f"acme/r{i:02d}") for i in range(60)]
    hub = FakeGitHub(repos)
    forge = forge_for(hub, repos=[r.full for r in repos])
    data = await forge.fetch(NOW)
    assert len(data.repos) == 60 and not data.errors
    assert hub.calls["graphql:Owners"] == 1  # the viewer's login and the 60 stamps
    assert hub.calls["graphql:Details"] == 1  # 60 of a batch of 100, the viewer's teams with it
    assert hub.calls["graphql:Followup"] == 0  # no runs, no docs: nothing to follow up
    assert data.stats["graphql_queries"] == 2
    assert data.viewer == "alice"
    assert data.viewer_teams == ("acme/platform",)
    assert data.stats["rest_calls"] == 0  # runs come from the commits' check suites


async def test_org_listing_paginates_past_100_and_filters(forge_for: Build) -> None:
    names = [f"acme/svc{i:03d}" for i in range(230)]
    repos = [FakeRepo(n) for n in names]
    repos[3].archived = True
    repos[4].fork = True
    hub = FakeGitHub(repos)
    hub.orgs["acme"] = names
    forge = forge_for(hub, orgs=["acme"], exclude=["acme/svc2*"], cache=MemoryHttpCache())
    data = await forge.fetch(NOW)
    got = {r.repo.full_name for r in data.repos}
    # Nothing stored: 100 repositories a page (3 pages) with their trees and sizes, then the
    # 198 watched ones are read in two details queries.
    assert hub.calls["graphql:Owners"] == 3 and hub.calls["graphql:Details"] == 2
    assert "acme/svc003" not in got and "acme/svc004" not in got  # archived, fork
    assert not any(n.startswith("acme/svc2") for n in got)
    assert len(got) == 200 - 2
    hub.calls.clear()
    again = await forge.fetch(NOW)
    # Then only stamps are listed, 100 a page, and the unchanged repositories are not re-read.
    assert hub.calls["graphql:Owners"] == 3 and hub.calls["graphql:Details"] == 0
    assert sum(hub.calls.values()) == 3
    assert {r.repo.full_name for r in again.repos} == got


async def test_archived_and_forks_included_on_request(forge_for: Build) -> None:
    repos = [FakeRepo("acme/old", archived=True), FakeRepo("acme/copy", fork=True)]
    hub = FakeGitHub(repos)
    hub.orgs["acme"] = ["acme/old", "acme/copy"]
    forge = forge_for(hub, orgs=["acme"], include_archived=True, include_forks=True)
    data = await forge.fetch(NOW)
    assert {r.repo.full_name for r in data.repos} == {"acme/old", "acme/copy"}
    assert by_name(data)["acme/old"].repo.archived


async def test_unknown_org_is_an_error_not_a_failure(forge_for: Build) -> None:
    hub = FakeGitHub([FakeRepo("acme/app")])
    forge = forge_for(hub, repos=["acme/app"], orgs=["nope"])
    data = await forge.fetch(NOW)
    assert [r.repo.full_name for r in data.repos] == ["acme/app"]
    assert data.errors[0].repo == "nope/*"


async def test_pulls_paginate_past_100(forge_for: Build) -> None:
    repo = FakeRepo("acme/app", pulls=[pr_node(n) for n in range(1, 181)])
    hub = FakeGitHub([repo])
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    pulls = data.repos[0].pulls
    assert len(pulls) == 180
    assert len({p.number for p in pulls}) == 180
    # The listing counted 180: 100 in the details query, then the other 80 in one more page.
    assert hub.calls["graphql:MorePulls"] == 1


async def test_partial_graphql_errors_become_repo_errors(forge_for: Build) -> None:
    hub = FakeGitHub([FakeRepo("acme/app"), FakeRepo("acme/lib")])
    forge = forge_for(hub, repos=["acme/app", "acme/gone", "acme/lib"])
    data = await forge.fetch(NOW)
    assert {r.repo.full_name for r in data.repos} == {"acme/app", "acme/lib"}
    (err,) = data.errors
    assert err.repo == "acme/gone"
    assert "not found" in err.title
    assert "private repository" in err.hint


async def test_pull_request_mapping(forge_for: Build) -> None:
    pulls = [
        pr_node(
            1,
            isDraft=False,
            author={"__typename": "Bot", "login": "dependabot"},
            reviews={
                "nodes": [
                    {
                        "state": "APPROVED",
                        "submittedAt": "2026-11-22T10:00:00Z",
                        "author": {"login": "carol"},
                    },
                    {"state": "PENDING", "submittedAt": None, "author": {"login": "dave"}},
                ]
            },
            reviewRequests={
                "nodes": [
                    {"requestedReviewer": {"__typename": "User", "login": "erin"}},
                    {"requestedReviewer": {"__typename": "Team", "combinedSlug": "acme/platform"}},
                    {"requestedReviewer": None},
                ]
            },
            labels={"nodes": [{"name": "deps"}]},
            timelineItems={"nodes": [{"createdAt": "2026-11-20T12:00:00Z"}]},
            statusCheckRollup={"state": "ERROR"},
            title="Bump \x1b[31mthing\x1b[0m",
        ),
        # Force-pushed onto a commit with no checks yet; author account deleted (ghost).
        pr_node(2, author=None, statusCheckRollup=None),
        pr_node(3, statusCheckRollup={}, isDraft=True),
    ]
    hub = FakeGitHub([FakeRepo("acme/app", pulls=pulls)])
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    p1, p2, p3 = sorted(data.repos[0].pulls, key=lambda p: p.number)
    assert p1.author == "dependabot[bot]" and p1.author_is_bot
    assert [(r.author, r.state) for r in p1.reviews] == [("carol", "APPROVED")]
    assert p1.review_requests == ("erin", "acme/platform")
    assert p1.labels == ("deps",)
    assert p1.head_status == "failure"
    assert p1.ready_at is not None and p1.ready_at.hour == 12
    assert p1.title == "Bump thing"
    assert p2.author == "ghost" and p2.head_status == "" and p2.head_sha == f"{2:040x}"
    assert p3.draft and p3.head_status == ""


def _doc_repo() -> FakeRepo:
    files = {
        "README.md": "Run `src/app.py`; see [guide](docs/guide/setup.md) and `src/old.py`.",
        "docs/guide/setup.md": "Configure `pkg/deep/nested/conf.py` and `pkg/deep/nested/gone.py`.",
        "docs/guide/img.png": "",
        "docs/notes.txt.png": "\x89PNG",
        "src/app.py": "print()",
        "pkg/deep/nested/conf.py": "x = 1",
        "CONTRIBUTING.md": "Fresh doc about `src/app.py`.",
    }
    return FakeRepo(
        "acme/app",
        files=files,
        last_commits={
            "README.md": commit_node("d" * 40, "2026-06-01T00:00:00Z", "Write README"),
            # Renamed from guide.md: the rename is the doc's last commit.
            "docs/guide/setup.md": commit_node(
                "e" * 40, "2026-05-01T00:00:00Z", "Rename guide.md to guide/setup.md"
            ),
            "CONTRIBUTING.md": commit_node("f" * 40, "2026-11-20T00:00:00Z"),
        },
        since={
            "src/app.py": (
                12,
                [commit_node(f"{i:040x}", f"2026-10-{i + 10:02d}T00:00:00Z") for i in range(5)],
            ),
            "pkg/deep/nested/conf.py": (7, [commit_node("c" * 40, "2026-09-01T00:00:00Z")]),
        },
    )


async def test_docs_text_history_and_deep_references(forge_for: Build) -> None:
    hub = FakeGitHub([_doc_repo()])
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    (rd,) = data.repos
    docs = {d.path: d for d in rd.docs}
    assert set(docs) == {"README.md", "docs/guide/setup.md", "CONTRIBUTING.md"}
    readme = docs["README.md"]
    assert readme.last_commit is not None and readme.last_commit.title == "Write README"
    assert readme.described_paths == ("src/app.py",)  # src/old.py is dead, the guide is a doc
    assert readme.code_commit_count == 12 and len(readme.code_commits_since) == 5
    guide = docs["docs/guide/setup.md"]
    assert guide.described_paths == ("pkg/deep/nested/conf.py",)
    assert guide.code_commit_count == 7
    fresh = docs["CONTRIBUTING.md"]
    assert fresh.code_commits_since == () and fresh.code_commit_count is None
    # Deep paths docs mention were checked: the live one is in the tree, the dead one is not.
    assert "pkg/deep/nested/conf.py" in rd.tree and "pkg/deep/nested/gone.py" not in rd.tree
    assert "src/old.py" not in rd.tree and "docs/guide/setup.md" in rd.tree
    assert rd.tree_complete
    # The listing carried the tree, so the details query read the texts; the history of the code
    # they mention came with the followup query: no query of their own.
    assert hub.calls["graphql:Docs"] == 0 and hub.calls["graphql:Since"] == 0
    assert hub.calls["graphql:Details"] == 1 and hub.calls["graphql:Followup"] == 1


async def test_doc_gone_between_tree_and_read_is_skipped(forge_for: Build) -> None:
    repo = _doc_repo()
    hub = FakeGitHub([repo])
    original = hub._details

    def vanish(r: FakeRepo, i: str, variables: dict[str, Any], query: str) -> Any:
        node = original(r, i, variables, query)
        node["f0"] = None  # CONTRIBUTING.md (sorted first) was deleted meanwhile
        return node

    hub._details = vanish  # type: ignore[method-assign]
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    assert "CONTRIBUTING.md" not in {d.path for d in data.repos[0].docs}


async def test_docs_skipped_when_detector_disabled(forge_for: Build) -> None:
    hub = FakeGitHub([_doc_repo()])
    forge = forge_for(
        hub, repos=["acme/app"], config={"detectors": {"stale_doc": {"enabled": False}}}
    )
    data = await forge.fetch(NOW)
    assert data.repos[0].docs == () and hub.calls["graphql:Docs"] == 0
    assert hub.calls["graphql:Followup"] == 0


def _ci_repo() -> FakeRepo:
    runs = [
        run_json(30, conclusion="failure", head_sha="c" * 40),  # newest of CI: broken
        run_json(20, run_attempt=2, conclusion="success", head_sha="b" * 40),  # re-run: flaky
        run_json(10, conclusion="success"),
        run_json(5, status="in_progress", conclusion=None, name="Deploy", workflow_id=9),
    ]
    jobs = {
        30: [job_json(301, "test", "failure"), job_json(302, "lint", "success")],
        20: [
            job_json(201, "test", "failure", attempt=1),
            job_json(202, "lint", "success", attempt=1),
            job_json(203, "test", "success", attempt=2),
        ],
    }
    annotations = {
        201: [
            {
                "path": "tests/test_parser.py",
                "annotation_level": "failure",
                "title": "test_parser.test_unicode",
                "message": "AssertionError",
            },
            {
                "path": ".github",
                "annotation_level": "failure",
                "title": "",
                "message": "Process completed with exit code 1.",
            },
        ]
    }
    return FakeRepo("acme/app", runs=runs, jobs=jobs, annotations=annotations)


async def test_runs_attempts_jobs_and_tests(forge_for: Build) -> None:
    hub = FakeGitHub([_ci_repo()])
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    runs = {(r.id, r.attempt): r for r in data.repos[0].runs}
    assert set(runs) == {("30", 1), ("20", 1), ("20", 2), ("10", 1), ("5", 1)}
    first, second = runs[("20", 1)], runs[("20", 2)]
    assert first.conclusion == "failure" and second.conclusion == "success"
    assert [j.name for j in first.jobs] == ["test", "lint"]
    assert [j.conclusion for j in second.jobs] == ["success"]
    assert first.url.endswith("/actions/runs/20/attempts/1")
    assert [t.name for t in first.tests] == ["test_parser.test_unicode"]
    assert first.tests[0].job == "test" and first.tests[0].status == "failed"
    broken = runs[("30", 1)]
    assert [j.name for j in broken.jobs if j.conclusion == "failure"] == ["test"]
    assert broken.commit_title == "Fix parser" and broken.commit_author == "Bob"
    assert runs[("10", 1)].jobs == ()  # (the fake gives it none)
    assert runs[("5", 1)].status == "in_progress" and runs[("5", 1)].conclusion == ""
    # Runs are the check suites of the window's commits (details), every run's jobs one
    # followup query, the flaky job's failed tests one more; no REST at all.
    assert hub.calls["graphql:Details"] == 1 and hub.calls["graphql:Followup"] == 1
    assert hub.calls["graphql:Tests"] == 1 and hub.calls["check_nodes"] == 1
    assert not any("/repos/" in r.url.path for r in hub.requests)
    details = next(r for r in hub.requests if b"query Details" in r.content)
    assert json.loads(details.content)["variables"]["since"] == "2026-11-11T00:00:00Z"


async def test_jobs_and_tests_read_over_graphql_match_the_rest_path(forge_for: Build) -> None:
    unresolvable = FakeGitHub([_ci_repo()])
    unresolvable.unresolvable = {f"WFR_{r['id']}" for r in _ci_repo().runs}
    over_rest = await forge_for(unresolvable, repos=["acme/app"]).fetch(NOW)
    assert unresolvable.calls["rest:jobs"] == 4 and unresolvable.calls["rest:annotations"] == 1
    hub = FakeGitHub([_ci_repo()])
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    assert hub.calls["graphql:Followup"] == 1
    assert hub.calls["rest:jobs"] == 0 and hub.calls["rest:annotations"] == 0
    assert data.stats["rest_calls"] == 0
    # The same records as the all-REST path: attempts, jobs, conclusions and the flaky test.
    key = [
        (r.id, r.attempt, r.conclusion, [(j.name, j.conclusion) for j in r.jobs], r.tests)
        for r in data.repos[0].runs
    ]
    want = [
        (r.id, r.attempt, r.conclusion, [(j.name, j.conclusion) for j in r.jobs], r.tests)
        for r in over_rest.repos[0].runs
    ]
    assert key == want
    flaky = next(r for r in data.repos[0].runs if (r.id, r.attempt) == ("20", 1))
    assert [t.name for t in flaky.tests] == ["test_parser.test_unicode"]


async def test_a_run_graphql_cannot_resolve_falls_back_to_rest(forge_for: Build) -> None:
    repo = _ci_repo()
    repo.runs[0]["node_id"] = "WFR_30"
    repo.runs[1]["node_id"] = "WFR_20"
    hub = FakeGitHub([repo])
    hub.unresolvable.add("WFR_30")  # answered with null
    data = await forge_for(hub, repos=["acme/app"]).fetch(NOW)
    runs = {(r.id, r.attempt): r for r in data.repos[0].runs}
    assert hub.calls["graphql:Followup"] == 1 and hub.calls["rest:jobs"] == 1
    assert [j.name for j in runs[("30", 1)].jobs if j.conclusion == "failure"] == ["test"]
    assert [j.name for j in runs[("20", 1)].jobs] == ["test", "lint"]


async def test_no_runs_and_only_running_runs(forge_for: Build) -> None:
    idle = FakeRepo("acme/idle")
    busy = FakeRepo(
        "acme/busy",
        runs=[run_json(1, status="queued", conclusion=None), run_json(2, status="in_progress")],
    )
    busy.runs[1]["conclusion"] = None
    empty = FakeRepo("acme/empty", default_branch=None)
    hub = FakeGitHub([idle, busy, empty])
    data = await forge_for(hub, repos=["acme/idle", "acme/busy", "acme/empty"]).fetch(NOW)
    got = by_name(data)
    assert got["acme/idle"].runs == ()
    assert {r.status for r in got["acme/busy"].runs} == {"queued", "in_progress"}
    assert got["acme/empty"].runs == () and got["acme/empty"].tree == frozenset()
    assert hub.calls["rest:jobs"] == 0
    # The empty repository has no branch: its details ask for no runs.
    details = json.loads(next(r for r in hub.requests if b"query Details" in r.content).content)
    empty_line = next(x for x in details["query"].splitlines() if x.startswith("  r2: "))
    assert "checkSuites" not in empty_line and "history" not in empty_line


async def test_second_refresh_of_an_unchanged_repository_costs_the_listing_only(
    forge_for: Build,
) -> None:
    hub = FakeGitHub([_ci_repo()])
    cache = MemoryHttpCache()
    forge = forge_for(hub, repos=["acme/app"], cache=cache)
    first = await forge.fetch(NOW)
    sent = len(hub.requests)
    second = await forge.fetch(NOW)
    # The stamp (head, its check state, pull requests) is unchanged: runs, jobs and tests are
    # the stored ones; nothing but the listing is asked.
    assert len(hub.requests) - sent == 1 and b"query Owners" in hub.requests[-1].content
    assert first.stats["rest_calls"] == second.stats["rest_calls"] == 0
    assert second.stats["graphql_queries"] == 1
    assert second.repos[0].runs == first.repos[0].runs
    assert not any(TOKEN in repr(v) for v in cache.entries.values())


async def test_rate_limits_reported(forge_for: Build) -> None:
    hub = FakeGitHub([FakeRepo("acme/app")])
    forge = forge_for(hub, repos=["acme/app"])
    data = await forge.fetch(NOW)
    limits = {r.resource: r for r in data.rate_limits}
    assert set(limits) == {"graphql"}  # no REST call was needed
    assert limits["graphql"].limit == 5000
    # Points by GitHub's formula (the teams lookup alone is 101 requests: 1 point, ...).
    assert limits["graphql"].remaining == 5000 - hub.points < 4999
    assert limits["graphql"].reset_at is not None
    assert forge.rate_limits == data.rate_limits


async def test_progress_reports_and_repr_has_no_token(forge_for: Build) -> None:
    hub = FakeGitHub([FakeRepo("acme/app")])
    forge = forge_for(hub, repos=["acme/app"])
    seen: list[tuple[int, int, str]] = []
    await forge.fetch(NOW, lambda done, total, what: seen.append((done, total, what)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert TOKEN not in repr(forge) and TOKEN not in repr(forge.session)
    assert hub.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert set(forge.action_specs()) >= {"comment", "rerun_failed_jobs"}
    assert TOKEN not in repr(forge._actions.session)


async def test_enterprise_server_urls(forge_for: Build) -> None:
    hub = FakeGitHub([FakeRepo("acme/app", runs=[run_json(1, conclusion="failure")])])
    hub.unresolvable = {"WFR_1"}  # an older server: the run's jobs are read over REST
    forge = forge_for(hub, url="https://ghe.example.com/api/v3", repos=["acme/app"])
    data = await forge.fetch(NOW)
    assert forge.host == "ghe.example.com" and data.host == "ghe.example.com"
    urls = {str(r.url).split("?")[0] for r in hub.requests}
    assert "https://ghe.example.com/api/graphql" in urls
    assert "https://ghe.example.com/api/v3/repos/acme/app/actions/runs/1/jobs" in urls
