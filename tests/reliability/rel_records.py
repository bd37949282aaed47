"""Forge records carrying one hostile string everywhere a stranger can write, straight to detectors.

The adapters clean some text as they convert it; these records skip the adapters on purpose, so the
later stages are tested on raw hostile text too (a future adapter, the demo forge or a cache may
not clean it).
"""

from __future__ import annotations

from datetime import timedelta

from rel_fakes import NOW

from gluetui.config.schema import Config, DetectorSettings
from gluetui.detect import DetectContext
from gluetui.detect.run import detect_all
from gluetui.model import Item, Kind
from gluetui.records import (
    Commit,
    DocFile,
    Job,
    PullRequest,
    Repo,
    RepoData,
    Run,
    SourceData,
    TestResult,
)


def _run(
    n: int, conclusion: str, text: str, sha: str, hours: float, repo: str, attempt: int = 1
) -> Run:
    created = NOW - timedelta(hours=hours)
    return Run(
        repo=repo,
        id=str(n),
        workflow=text,
        branch="main",
        head_sha=sha,
        status="completed",
        conclusion=conclusion,
        created_at=created,
        updated_at=created + timedelta(minutes=5),
        url=f"https://github.com/{repo}/actions/runs/{n}",
        attempt=attempt,
        jobs=(
            Job(name=text, conclusion=conclusion, id=f"{n}0", attempt=attempt),
            Job(name="lint", conclusion="success", id=f"{n}1"),
        ),
        tests=(
            TestResult(
                name=text, status="failed" if conclusion == "failure" else "passed", job=text
            ),
        ),
    )


def hostile_data(text: str, full_name: str = "acme/api") -> SourceData:
    """One repository whose PR, branch, author, workflow, job, test and doc all say ``text``."""
    url = f"https://github.com/{full_name}"
    repo = Repo(host="github.com", full_name=full_name, url=url, blob_base=f"{url}/blob")
    pull = PullRequest(
        repo=full_name,
        number=7,
        title=text,
        url=f"https://github.com/{full_name}/pull/7",
        author=text,
        created_at=NOW - timedelta(days=5),
        updated_at=NOW - timedelta(days=5),
        head_sha="a" * 40,
        head_branch=text,
        base_branch="main",
        additions=10,
        deletions=1,
        changed_files=1,
    )
    runs = (
        # Flaky: the same commit failed, then passed on a re-run.
        _run(1, "failure", text, "b" * 40, 60, full_name),
        _run(2, "success", text, "b" * 40, 59, full_name, attempt=2),
        # Broken: the newest run on the default branch is red.
        _run(3, "failure", text, "c" * 40, 20, full_name),
        _run(4, "failure", text, "d" * 40, 10, full_name),
    )
    old = Commit(sha="e" * 40, title=text, author=text, date=NOW - timedelta(days=400))
    doc = DocFile(
        path="README.md",
        # Bounded: docrefs' link regex is quadratic on a long line of "[" (reported, not ours).
        text=f"# {text[:2000]}\n\nRun `src/app.py` and see docs/setup.md.\n",
        last_commit=old,
    )
    data = RepoData(
        repo=repo,
        pulls=(pull,),
        runs=runs,
        docs=(doc,),
        tree=("README.md", "src/main.py"),
        tree_complete=True,
    )
    return SourceData(source="gh", host="github.com", repos=(data,), viewer="me")


def context(config: Config) -> DetectContext:
    return DetectContext(
        now=NOW,
        source="gh",
        host="github.com",
        settings=config.detectors if config.detectors else DetectorSettings(),
        capacity=config.capacity,
        accountable=frozenset({"acme/api"}),
        viewer="me",
        automations=config.automations,
    )


def hostile_items(text: str, config: Config, full_name: str = "acme/api") -> list[Item]:
    return detect_all(hostile_data(text, full_name), context(config))


def kinds(items: list[Item]) -> set[Kind]:
    return {i.kind for i in items}
