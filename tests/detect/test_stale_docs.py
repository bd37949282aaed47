"""Stale docs: drift, dead references, overdue reviews."""

from __future__ import annotations

from detect_helpers import ago, commit, ctx, data, doc

from gluetui.detect.stale_docs import detect
from gluetui.model import Kind, Severity, make_item_id
from gluetui.records import DocFile

TREE = frozenset({"README.md", "src/app.py", "src/db/models.py", "docs/guide.md", "Makefile"})
COMMITS = tuple(commit(f"{i:0>40}", i, f"change {i}", "carol") for i in range(1, 8))


def test_drift_names_commits_and_described_paths() -> None:
    readme = doc(
        "README.md",
        "Run `src/app.py`.",
        days_old=90,
        described_paths=("src/app.py",),
        code_commits_since=COMMITS,
    )
    (item,) = detect(data(docs=(readme,), tree=TREE), ctx())
    assert item.id == make_item_id("github.com", "acme/api", Kind.STALE_DOC, "README.md")
    assert item.title == "README.md: drifted from its code"
    assert item.metrics["code_changes"] == 7 and item.metrics["dead_refs"] == 0
    drift = item.evidence[0]
    assert drift.label == "drift" and "src/app.py changed 7 times" in drift.detail
    shown = [e.detail for e in item.evidence if e.label == "code change"]
    assert "change 1 by carol (2026-11-24)" in shown[0] and shown[-1] == "…and 4 more."
    assert item.since == ago(days=90) and item.where["file"] == "README.md"
    assert item.url == "https://github.com/acme/api/blob/main/README.md"
    # 1 h + 7 code changes × 0.05 h = 1.35 h, to the quarter hour.
    assert item.effort_hours == 1.25 and item.severity is Severity.MEDIUM


def test_drift_needs_both_age_and_code_changes_and_uses_the_count() -> None:
    fresh = doc("README.md", "", days_old=10, code_commits_since=COMMITS)
    quiet = doc("README.md", "", days_old=200, code_commits_since=COMMITS[:2])
    assert detect(data(docs=(fresh,), tree=TREE), ctx()) == []
    assert detect(data(docs=(quiet,), tree=TREE), ctx()) == []
    counted = doc(
        "README.md", "", days_old=200, code_commits_since=COMMITS[:2], code_commit_count=40
    )
    (item,) = detect(data(docs=(counted,), tree=TREE), ctx())
    assert "repository code changed 40 times" in item.evidence[0].detail
    assert item.severity is Severity.HIGH  # 40 >= 4 * min_code_changes


def test_renamed_doc_keeps_its_history() -> None:
    moved = doc(
        "docs/guide.md", "", days_old=100, code_commits_since=COMMITS, renamed_from="GUIDE.md"
    )
    (item,) = detect(data(docs=(moved,), tree=TREE), ctx())
    assert "renamed from GUIDE.md" in item.evidence[0].detail
    assert item.where["renamed_from"] == "GUIDE.md"


def test_dead_link_is_flagged_but_existing_dirs_and_files_are_not() -> None:
    text = (
        "See [models](../src/db/) and [the app](../src/app.py), `src/db`, [home](../README.md),\n"
        "[gone](../src/old.py), `src/removed/thing.py` and [web](https://x.example/y.py).\n"
    )
    guide = doc("docs/guide.md", text, days_old=1)
    (item,) = detect(data(docs=(guide,), tree=TREE), ctx())
    dead = [e.detail for e in item.evidence if e.label == "dead reference"]
    assert dead == [
        "src/removed/thing.py does not exist in the default branch.",
        "../src/old.py (src/old.py) does not exist in the default branch.",
    ]
    assert item.title == "docs/guide.md: 2 dead references"
    assert item.metrics["dead_refs"] == 2


def test_dead_references_need_a_complete_tree_and_the_setting() -> None:
    guide = doc("docs/guide.md", "[gone](missing.md)", days_old=1)
    assert detect(data(docs=(guide,), tree=TREE, tree_complete=False), ctx()) == []
    off = ctx(detectors={"stale_doc": {"check_references": False}})
    assert detect(data(docs=(guide,), tree=TREE), off) == []


def test_overdue_front_matter() -> None:
    deadline = doc("docs/a.md", "---\nreview_by: 2026-11-01\n---\n# A\n", days_old=1)
    reviewed = doc("docs/b.md", "---\nlast_reviewed: 2026-01-01\n---\n", days_old=1)
    recent = doc(
        "docs/c.md", "---\nlast_reviewed: 2026-10-01\nreview_by: 2027-01-01\n---\n", days_old=1
    )
    found = {
        i.where["file"]: i
        for i in detect(data(docs=(deadline, reviewed, recent), tree=TREE), ctx())
    }
    assert set(found) == {"docs/a.md", "docs/b.md"}
    assert found["docs/a.md"].metrics["overdue_days"] == 24
    assert found["docs/a.md"].severity is Severity.LOW
    assert "more than 180 days ago" in found["docs/b.md"].evidence[0].detail
    assert found["docs/b.md"].title == "docs/b.md: review overdue"


def test_all_signals_in_one_item_and_globs_choose_docs() -> None:
    text = "---\nreview_by: 2026-01-01\n---\nSee `src/gone.py`."
    both = doc("docs/guide.md", text, days_old=100, code_commits_since=COMMITS)
    not_a_doc = doc("src/app.py", text, days_old=100, code_commits_since=COMMITS)
    (item,) = detect(data(docs=(both, not_a_doc), tree=TREE), ctx())
    assert item.title == "docs/guide.md: drifted from its code, 1 dead reference, review overdue"
    assert item.severity is Severity.HIGH
    assert {e.label for e in item.evidence} == {
        "drift",
        "code change",
        "dead reference",
        "review overdue",
    }


def test_fingerprint_ignores_new_code_commits_but_not_new_dead_refs() -> None:
    def fp(text: str, commits: int) -> str:
        d = doc("README.md", text, days_old=100, code_commits_since=COMMITS[:commits])
        return detect(data(docs=(d,), tree=TREE), ctx())[0].fingerprint

    assert fp("x", 6) == fp("x", 7)
    assert fp("`src/a.py`", 7) != fp("`src/b.py`", 7)


def test_doc_without_history_or_text() -> None:
    orphan = DocFile(path="README.md", text="[x](nope.md)", last_commit=None)
    (item,) = detect(data(docs=(orphan,), tree=TREE), ctx())
    assert item.since == ctx().now and item.author is None and "commit" not in item.where


def test_doc_url_is_the_forge_declared_blob_url() -> None:
    """The forge says where files live (GitLab's ``/-/blob/`` on any host name); no guessing."""
    from dataclasses import replace

    repo = replace(
        data().repo,
        host="code.example.org",
        url="https://code.example.org/grp/proj",
        blob_base="https://code.example.org/grp/proj/-/blob",
        default_branch="trunk",
    )
    readme = doc("README.md", "See `src/gone.py`.", days_old=90)
    (item,) = detect(replace(data(docs=(readme,), tree=TREE), repo=repo), ctx())
    assert item.url == "https://code.example.org/grp/proj/-/blob/trunk/README.md"
