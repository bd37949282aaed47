"""GitLab GraphQL nodes as the REST-shaped documents :mod:`gitlab_convert` already maps: pure, no IO.

Going through the REST shapes keeps one mapping (statuses, retried jobs, approvals and notes as
reviews) for both transports, so a project reads the same whichever one served it. GraphQL ids are
global (``gid://gitlab/Ci::Pipeline/123``); the numeric tail is the REST id actions need.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from gluetui.forges.gitlab import convert as conv
from gluetui.records import Commit, Job, PullRequest, Review, Run, TestResult

JSON = Mapping[str, Any]


def nodes(connection: object) -> list[JSON]:
    """The ``nodes`` of a connection (empty for null, a hidden field or a malformed answer)."""
    if not isinstance(connection, Mapping):
        return []
    return [n for n in connection.get("nodes") or () if isinstance(n, Mapping)]


def has_more(connection: object) -> bool:
    if not isinstance(connection, Mapping):
        return False
    info = connection.get("pageInfo")
    return isinstance(info, Mapping) and bool(info.get("hasNextPage"))


def gid_number(gid: object) -> int | None:
    """``gid://gitlab/Project/42`` -> 42 (None when it does not end in a number)."""
    tail = str(gid or "").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def web_root(project: JSON) -> str:
    """The instance's web root, from a project's ``webUrl`` and ``fullPath``."""
    url, full = str(project.get("webUrl") or ""), str(project.get("fullPath") or "")
    if full and url.endswith("/" + full):
        return url[: -len(full) - 1]
    return url.rsplit("/", full.count("/") + 1)[0] if url else ""


def _lower(value: object) -> str:
    return str(value or "").lower()


def project_doc(project: JSON) -> dict[str, Any]:
    """A project node as a REST project document."""
    repo = project.get("repository")
    root_ref = repo.get("rootRef") if isinstance(repo, Mapping) else None
    return {
        "id": gid_number(project.get("id")) or 0,
        "path_with_namespace": str(project.get("fullPath") or ""),
        "web_url": str(project.get("webUrl") or ""),
        "default_branch": root_ref or "main",
        "archived": bool(project.get("archived")),
    }


def _user(node: object) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        return {}
    return {"username": node.get("username") or "", "bot": bool(node.get("bot"))}


def mr_doc(mr: JSON) -> dict[str, Any]:
    """A merge request node as a REST merge request list entry."""
    head = mr.get("headPipeline")
    return {
        "iid": int(str(mr.get("iid") or "0")) if str(mr.get("iid") or "").isdigit() else None,
        "title": mr.get("title") or "",
        "description": mr.get("description") or "",
        "draft": bool(mr.get("draft")),
        "created_at": mr.get("createdAt"),
        "updated_at": mr.get("updatedAt"),
        "web_url": mr.get("webUrl") or "",
        "source_branch": mr.get("sourceBranch") or "",
        "target_branch": mr.get("targetBranch") or "",
        "sha": mr.get("diffHeadSha") or "",
        "author": _user(mr.get("author")),
        "reviewers": [_user(r) for r in nodes(mr.get("reviewers"))],
        "assignees": [_user(a) for a in nodes(mr.get("assignees"))],
        "labels": [str(lbl.get("title") or "") for lbl in nodes(mr.get("labels"))],
        "head_pipeline": {"status": _lower(head.get("status"))}
        if isinstance(head, Mapping)
        else None,
    }


def to_pull(repo: str, mr: JSON) -> PullRequest | None:
    """An open merge request with its approvals, others' notes and its size, from one node."""
    doc = mr_doc(mr)
    if doc["iid"] is None:
        return None
    created = conv.parse_time(doc["created_at"])
    updated = conv.parse_time(doc["updated_at"]) or created
    reviews: list[Review] = []
    if updated is not None:
        approved = [{"user": _user(u)} for u in nodes(mr.get("approvedBy"))]
        reviews = conv.approvals_to_reviews({"approved_by": approved}, updated)
    notes = [
        {
            "system": bool(n.get("system")),
            "author": _user(n.get("author")),
            "created_at": n.get("createdAt"),
        }
        for n in nodes(mr.get("notes"))
    ]
    reviews += conv.notes_to_reviews(notes, conv.username(doc["author"]))
    stats = mr.get("diffStatsSummary")
    stats = stats if isinstance(stats, Mapping) else {}
    pull = conv.to_pull(repo, doc, reviews, {"changes_count": stats.get("fileCount") or 0})
    if pull is None:
        return None
    return dataclasses.replace(
        pull,
        additions=int(stats.get("additions") or 0),
        deletions=int(stats.get("deletions") or 0),
    )


def pipeline_doc(pipeline: JSON, root: str) -> dict[str, Any]:
    """A pipeline node as a REST pipeline list entry."""
    path = str(pipeline.get("path") or "")
    return {
        "id": gid_number(pipeline.get("id")),
        "iid": pipeline.get("iid"),
        "sha": pipeline.get("sha") or "",
        "ref": pipeline.get("ref") or "",
        "status": _lower(pipeline.get("status")),
        "source": pipeline.get("source") or "",
        "name": pipeline.get("name") or "",
        "created_at": pipeline.get("createdAt"),
        "updated_at": pipeline.get("updatedAt"),
        "web_url": root + path if path.startswith("/") else path,
    }


def to_jobs(jobs: Iterable[JSON], root: str) -> tuple[Job, ...]:
    docs = []
    for job in jobs:
        number = gid_number(job.get("id"))
        if number is None:
            continue
        path = str(job.get("webPath") or "")
        docs.append(
            {
                "id": number,
                "name": job.get("name") or "",
                "status": _lower(job.get("status")),
                "retried": bool(job.get("retried")),
                "started_at": job.get("startedAt"),
                "finished_at": job.get("finishedAt"),
                "web_url": root + path if path.startswith("/") else path,
            }
        )
    return conv.to_jobs(docs)


def to_tests(suites: Iterable[JSON]) -> tuple[TestResult, ...]:
    """``testSuite`` answers (one per suite) as test results."""
    report = {
        "test_suites": [
            {
                "name": suite.get("name") or "",
                "test_cases": [
                    {
                        "name": case.get("name") or "",
                        "classname": case.get("classname") or "",
                        "status": _lower(case.get("status")),
                    }
                    for case in nodes(suite.get("testCases"))
                ],
            }
            for suite in suites
        ]
    }
    return conv.to_tests(report)


def to_run(repo: str, pipeline: JSON, root: str, tests: tuple[TestResult, ...] = ()) -> Run | None:
    doc = pipeline_doc(pipeline, root)
    if doc["id"] is None:
        return None
    return conv.to_run(repo, doc, to_jobs(nodes(pipeline.get("jobs")), root), tests)


def to_commit(commit: object, root: str) -> Commit | None:
    """A ``lastCommit`` node as a :class:`Commit`."""
    if not isinstance(commit, Mapping):
        return None
    url = str(commit.get("webUrl") or commit.get("webPath") or "")
    return conv.to_commit(
        {
            "id": commit.get("sha"),
            "title": commit.get("title"),
            "author_name": commit.get("authorName"),
            "committed_date": commit.get("committedDate") or commit.get("authoredDate"),
            "web_url": root + url if url.startswith("/") else url,
        }
    )


def newer(commit: Commit | None, than: datetime) -> bool:
    return commit is not None and commit.date > than


def closed_pulls(
    repo: str, merged: Sequence[JSON], closed: Sequence[JSON]
) -> tuple[PullRequest, ...]:
    """The lately merged and closed merge requests (what an agent's merge request became),
    newest first. GitLab 16.3 has no ``closedAt``: a closed one's last update stands in."""
    out: list[PullRequest] = []
    for nodes_, state in ((merged, "merged"), (closed, "closed")):
        for mr in nodes_:
            pull = to_pull(repo, mr)
            if pull is None:
                continue
            at = conv.parse_time(mr.get("mergedAt")) if state == "merged" else None
            out.append(dataclasses.replace(pull, state=state, closed_at=at or pull.updated_at))
    return tuple(sorted(out, key=lambda p: p.closed_at or p.updated_at, reverse=True))
