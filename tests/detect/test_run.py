"""detect_all: every enabled detector over every repository, ranked, and robust to odd data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from detect_helpers import NOW, REPO, ctx, data, doc, pr, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gluetui.detect import run as run_module
from gluetui.detect.run import detect_all
from gluetui.model import Item, Kind
from gluetui.records import (
    Commit,
    DocFile,
    Job,
    PullRequest,
    Repo,
    RepoData,
    Review,
    Run,
    SourceData,
)
from gluetui.records import (
    TestResult as Result,
)

OTHER = Repo(host="github.com", full_name="acme/web", url="https://github.com/acme/web")


def _source(*repos: RepoData, **kw: object) -> SourceData:
    return SourceData(source="gh", host="github.com", repos=repos, **kw)  # type: ignore[arg-type]


def _mixed() -> SourceData:
    api = data(
        pulls=(pr(1, review_requests=("dana",)),),
        runs=(run("1", "failure", 30),),
        docs=(doc("README.md", "[x](gone.md)"),),
        tree=frozenset({"README.md"}),
    )
    web = RepoData(repo=OTHER, pulls=(pr(2, repo="acme/web", created_at=NOW.replace(day=1)),))
    return _source(api, web, viewer="dana")


def test_all_kinds_ranked_by_impact_with_the_viewer_from_the_forge() -> None:
    items = detect_all(_mixed(), ctx())
    assert {i.kind for i in items} == {Kind.UNREVIEWED_PR, Kind.BROKEN_CI, Kind.STALE_DOC}
    assert [i.impact for i in items] == sorted((i.impact for i in items), reverse=True)
    mine = [i for i in items if i.mine]
    assert [i.where["number"] for i in mine] == ["1"]
    # A configured user wins over the forge's viewer.
    assert not any(i.mine for i in detect_all(_mixed(), ctx(viewer="someone-else")))


def test_disabled_kinds_are_not_detected() -> None:
    settings = {"unreviewed_pr": {"enabled": False}, "stale_doc": {"enabled": False}}
    items = detect_all(_mixed(), ctx(detectors=settings))
    assert {i.kind for i in items} == {Kind.BROKEN_CI}


def test_a_raising_detector_loses_only_its_own_items(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(repo_data: RepoData, _ctx: object) -> list[Item]:
        if repo_data.repo.full_name == "acme/api":
            raise ValueError("odd data")
        return []

    patched = [(k, boom if k is Kind.UNREVIEWED_PR else d) for k, d in run_module.DETECTORS]
    monkeypatch.setattr(run_module, "DETECTORS", patched)
    items = detect_all(_mixed(), ctx())
    assert {i.kind for i in items} == {Kind.BROKEN_CI, Kind.STALE_DOC}


def test_empty_source() -> None:
    assert detect_all(_source(), ctx()) == []


# -- odd data: anything a forge might hand over must not make a detector raise ----------------

_times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)
_text = st.text(max_size=30)
_conclusion = st.sampled_from(
    ["success", "failure", "timed_out", "cancelled", "skipped", "", "neutral", "FAILURE", "weird"]
)
_jobs = st.builds(
    Job,
    name=st.sampled_from(["a", "b", "[bot]", ""]),
    conclusion=_conclusion,
    retried=st.booleans(),
    attempt=st.integers(-1, 3),
)
_tests = st.builds(
    Result,
    name=st.sampled_from(["t1", "t2", ""]),
    status=st.sampled_from(["passed", "failed", "error", "skipped", "?"]),
    suite=st.sampled_from(["", "s"]),
    job=_text,
)
_runs = st.builds(
    Run,
    repo=st.just("acme/api"),
    id=st.sampled_from(["1", "2", "3"]),
    workflow=st.sampled_from(["CI", "", "*"]),
    branch=st.sampled_from(["main", "dev", ""]),
    head_sha=st.sampled_from(["a", "b", ""]),
    status=st.sampled_from(["completed", "in_progress", "queued"]),
    conclusion=_conclusion,
    created_at=_times,
    updated_at=_times,
    attempt=st.integers(0, 3),
    jobs=st.lists(_jobs, max_size=4).map(tuple),
    tests=st.lists(_tests, max_size=3).map(tuple),
)
_pulls = st.builds(
    PullRequest,
    repo=st.just("acme/api"),
    number=st.integers(-5, 5),
    title=_text,
    url=_text,
    author=st.sampled_from(["alice", "", "dependabot[bot]", "dana"]),
    created_at=_times,
    updated_at=_times,
    ready_at=st.none() | _times,
    additions=st.integers(-10, 10**7),
    deletions=st.integers(-10, 10**7),
    reviews=st.lists(
        st.builds(
            Review, author=st.sampled_from(["alice", "bob", ""]), state=_text, submitted_at=_times
        ),
        max_size=2,
    ).map(tuple),
    review_requests=st.lists(st.sampled_from(["dana", "acme/team", ""]), max_size=2).map(tuple),
)
_commits = st.builds(Commit, sha=_text, title=_text, author=_text, date=_times)
_docs = st.builds(
    DocFile,
    path=st.sampled_from(["README.md", "docs/a.md", "docs/../x.md", "", "src/x.py"]),
    text=st.text(max_size=200) | st.just("---\nreview_by: 2000-01-01\n---\n[a](../../../b)"),
    last_commit=st.none() | _commits,
    code_commits_since=st.lists(_commits, max_size=3).map(tuple),
    code_commit_count=st.none() | st.integers(-3, 100),
    described_paths=st.lists(_text, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    runs=st.lists(_runs, max_size=8),
    pulls=st.lists(_pulls, max_size=4),
    docs=st.lists(_docs, max_size=3),
    tree=st.frozensets(st.sampled_from(["README.md", "b", "src/x.py", "docs/"]), max_size=4),
)
def test_odd_records_never_make_a_detector_raise(
    runs: list[Run], pulls: list[PullRequest], docs: list[DocFile], tree: frozenset[str]
) -> None:
    repo_data = RepoData(
        repo=REPO, pulls=tuple(pulls), runs=tuple(runs), docs=tuple(docs), tree=tree
    )
    for _kind, detector in run_module.DETECTORS:
        for item in detector(repo_data, ctx(viewer="dana")):
            assert item.repo == "acme/api" and item.impact >= 0 and item.effort_hours >= 0
            Item.from_json(item.to_json())
