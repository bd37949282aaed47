"""Small builders for hand-made records, so each detector test states only what matters to it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from gluetui.config.schema import DetectorSettings, automation
from gluetui.detect import DetectContext
from gluetui.records import (
    Commit,
    DocFile,
    Job,
    PullRequest,
    Repo,
    RepoData,
    Review,
    Run,
    TestResult,
)

#: A Wednesday.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REPO = Repo(
    host="github.com",
    full_name="acme/api",
    url="https://github.com/acme/api",
    blob_base="https://github.com/acme/api/blob",
)


def ago(hours: float = 0.0, days: float = 0.0) -> datetime:
    return NOW - timedelta(hours=hours, days=days)


def ctx(**kw: Any) -> DetectContext:
    settings = kw.pop("settings", None)
    if settings is None:
        settings = DetectorSettings.model_validate(kw.pop("detectors", {}))
    base: dict[str, Any] = {
        "now": NOW,
        "source": "gh",
        "host": "github.com",
        "settings": settings,
        "automations": {
            "rerun": automation(kind="github.rerun_failed_jobs", fits=["broken_ci", "flaky_test"])
        },
    }
    base.update(kw)
    return DetectContext(**base)


def data(**kw: Any) -> RepoData:
    kw.setdefault("repo", REPO)
    return RepoData(**kw)


def pr(number: int = 1, **kw: Any) -> PullRequest:
    base: dict[str, Any] = {
        "repo": "acme/api",
        "number": number,
        "title": f"PR {number}",
        "url": f"https://github.com/acme/api/pull/{number}",
        "author": "alice",
        "created_at": ago(hours=48),
        "updated_at": ago(hours=40),
        "head_sha": "a" * 40,
        "head_branch": "feature",
        "base_branch": "main",
        "additions": 100,
        "deletions": 20,
        "changed_files": 3,
    }
    base.update(kw)
    return PullRequest(**base)


def review(author: str, hours_ago: float = 10.0, state: str = "COMMENTED") -> Review:
    return Review(author=author, state=state, submitted_at=ago(hours=hours_ago))


def job(name: str, conclusion: str = "success", **kw: Any) -> Job:
    return Job(name=name, conclusion=conclusion, **kw)


def run(
    run_id: str,
    conclusion: str,
    hours_ago: float,
    *,
    sha: str | None = None,
    workflow: str = "CI",
    branch: str = "main",
    attempt: int = 1,
    status: str = "completed",
    jobs: Iterable[Job] = (),
    tests: Iterable[TestResult] = (),
    **kw: Any,
) -> Run:
    created = ago(hours=hours_ago)
    return Run(
        repo="acme/api",
        id=run_id,
        workflow=workflow,
        branch=branch,
        head_sha=sha or f"{run_id:0>40}",
        status=status,
        conclusion=conclusion if status == "completed" else "",
        created_at=created,
        updated_at=created + timedelta(minutes=10 * attempt),
        url=f"https://github.com/acme/api/actions/runs/{run_id}",
        attempt=attempt,
        jobs=tuple(jobs),
        tests=tuple(tests),
        **kw,
    )


def commit(sha: str, days_ago: float, title: str = "change", author: str = "bob") -> Commit:
    return Commit(sha=sha, title=title, author=author, date=ago(days=days_ago))


def doc(path: str, text: str, days_old: float = 100, **kw: Any) -> DocFile:
    return DocFile(path=path, text=text, last_commit=commit("d" * 40, days_old, "docs"), **kw)
