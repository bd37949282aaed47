"""GitLab JSON to forge-neutral records: pure functions, no IO.

Kept apart from the fetching so the mapping (pipeline statuses, retried jobs, approvals and notes as
reviews) can be read and tested on its own. GitLab omits fields freely across versions and editions,
so every lookup has a default and a malformed item is skipped rather than failing the project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from gluetui.records import BODY_MAX, Commit, Job, PullRequest, Repo, Review, Run, TestResult
from gluetui.textsafe import clean

JSON = Mapping[str, Any]

#: GitLab pipeline/job status -> (Run.status, conclusion).
_STATUS: dict[str, tuple[str, str]] = {
    "success": ("completed", "success"),
    "failed": ("completed", "failure"),
    "canceled": ("completed", "cancelled"),
    "canceling": ("in_progress", ""),
    "skipped": ("completed", "skipped"),
    "manual": ("waiting", ""),
    "scheduled": ("queued", ""),
    "created": ("queued", ""),
    "waiting_for_resource": ("queued", ""),
    "waiting_for_callback": ("queued", ""),
    "preparing": ("queued", ""),
    "pending": ("queued", ""),
    "running": ("in_progress", ""),
}

#: Project and group access-token users ("project_123_bot_<hash>") are GitLab's bots.
_BOT_NAME = re.compile(r"^(project|group)_\d+_bot(_[0-9a-f]+)?$|\[bot\]$|-bot$")


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 GitLab timestamp as an aware UTC datetime (None when absent or unreadable)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def username(user: object) -> str:
    """The username of a GitLab user object ("" when missing)."""
    if isinstance(user, Mapping):
        return clean(user.get("username") or "", 100)
    return ""


def is_bot(user: object) -> bool:
    """Whether a user object is a bot (flagged by GitLab, or an access-token bot by its name)."""
    if not isinstance(user, Mapping):
        return False
    return bool(user.get("bot")) or bool(_BOT_NAME.search(str(user.get("username") or "")))


def to_repo(host: str, project: JSON, fallback_name: str = "") -> Repo:
    """A project as a :class:`Repo` (``full_name`` is ``path_with_namespace``)."""
    full_name = str(project.get("path_with_namespace") or fallback_name or project.get("id", ""))
    url = str(project.get("web_url") or "")
    return Repo(
        host=host,
        full_name=full_name,
        url=url,
        # GitLab's canonical route; a host of any name serves it.
        blob_base=f"{url.rstrip('/')}/-/blob" if url else "",
        default_branch=str(project.get("default_branch") or "main"),
        archived=bool(project.get("archived", False)),
        fork=project.get("forked_from_project") is not None,
        forge_id=str(project.get("id", "")),
    )


def is_draft(mr: JSON) -> bool:
    """Draft or (older GitLab) work-in-progress merge request."""
    return bool(mr.get("draft") or mr.get("work_in_progress"))


def changed_files(mr: JSON) -> int:
    """``changes_count`` is a string such as ``"12"`` or ``"1000+"``; an int is enough for effort."""
    raw = str(mr.get("changes_count") or "0").rstrip("+")
    return int(raw) if raw.isdigit() else 0


def to_pull(
    repo: str, mr: JSON, reviews: Iterable[Review] = (), detail: JSON | None = None
) -> PullRequest | None:
    """An open merge request as a :class:`PullRequest` (None when it lacks its timestamps).

    ``detail`` is the single-MR document, when it was fetched, for ``changes_count`` and the head
    pipeline status that the list omits.
    """
    created = parse_time(mr.get("created_at"))
    if created is None or "iid" not in mr:
        return None
    updated = parse_time(mr.get("updated_at")) or created
    detail = detail or {}
    head = detail.get("head_pipeline") or mr.get("head_pipeline") or {}
    head_status = _STATUS.get(str(head.get("status", "")), ("", ""))[1] if head else ""
    if head and not head_status and head.get("status"):
        head_status = "pending"
    return PullRequest(
        repo=repo,
        number=int(mr["iid"]),
        title=clean(mr.get("title") or ""),
        url=str(mr.get("web_url") or ""),
        author=username(mr.get("author")),
        created_at=created,
        updated_at=updated,
        draft=is_draft(mr),
        author_is_bot=is_bot(mr.get("author")),
        changed_files=changed_files(detail) if detail else 0,
        head_branch=str(mr.get("source_branch") or ""),
        base_branch=str(mr.get("target_branch") or ""),
        head_sha=str(mr.get("sha") or ""),
        reviews=tuple(reviews),
        review_requests=tuple(u for u in (username(r) for r in mr.get("reviewers") or ()) if u),
        labels=tuple(clean(lbl, 100) for lbl in mr.get("labels") or () if isinstance(lbl, str)),
        assignees=tuple(u for u in (username(a) for a in mr.get("assignees") or ()) if u),
        head_status=head_status,
        body=clean(mr.get("description") or "", BODY_MAX, single_line=False),
    )


def approvals_to_reviews(approvals: JSON, fallback: datetime) -> list[Review]:
    """``approved_by`` entries as APPROVED reviews.

    The approvals endpoint carries no approval time on most GitLab versions, so the MR's
    ``updated_at`` (which an approval bumps) stands in when ``approved_at`` is absent.
    """
    out: list[Review] = []
    for entry in approvals.get("approved_by") or ():
        if not isinstance(entry, Mapping):
            continue
        who = username(entry.get("user"))
        if who:
            when = parse_time(entry.get("approved_at")) or fallback
            out.append(Review(author=who, state="APPROVED", submitted_at=when))
    return out


def notes_to_reviews(notes: Iterable[JSON], mr_author: str) -> list[Review]:
    """Human notes by someone other than the author, as COMMENTED reviews (system notes skipped)."""
    out: list[Review] = []
    for note in notes:
        if note.get("system"):
            continue
        who = username(note.get("author"))
        when = parse_time(note.get("created_at"))
        if who and who != mr_author and when is not None:
            out.append(Review(author=who, state="COMMENTED", submitted_at=when))
    return out


def to_jobs(jobs: Iterable[JSON]) -> tuple[Job, ...]:
    """Jobs of one pipeline (``include_retried=true``), with attempts numbered per job name.

    GitLab keeps a retried job's earlier attempts as separate jobs with the same name; the later one
    has the higher id. Every attempt but the last is marked ``retried``.
    """
    valid = [j for j in jobs if "id" in j]
    ordered = sorted(valid, key=lambda j: int(j["id"]))
    by_name: dict[str, list[JSON]] = {}
    for job in ordered:
        by_name.setdefault(str(job.get("name") or ""), []).append(job)
    out: list[Job] = []
    for name, attempts in by_name.items():
        for index, job in enumerate(attempts):
            out.append(
                Job(
                    name=clean(name, 200),
                    conclusion=_STATUS.get(str(job.get("status")), ("", ""))[1],
                    url=str(job.get("web_url") or ""),
                    id=str(job["id"]),
                    started_at=parse_time(job.get("started_at")),
                    completed_at=parse_time(job.get("finished_at")),
                    retried=bool(job.get("retried")) or index < len(attempts) - 1,
                    attempt=index + 1,
                )
            )
    return tuple(sorted(out, key=lambda j: int(j.id)))


_TEST_STATUS = {"success": "passed", "failed": "failed", "error": "error", "skipped": "skipped"}


def to_tests(report: JSON) -> tuple[TestResult, ...]:
    """A pipeline test report's cases as :class:`TestResult` (``classname.name``, suite = suite)."""
    out: list[TestResult] = []
    for suite in report.get("test_suites") or ():
        suite_name = clean(suite.get("name") or "", 200)
        for case in suite.get("test_cases") or ():
            status = _TEST_STATUS.get(str(case.get("status")))
            if status is None:
                continue
            name = str(case.get("name") or "")
            classname = str(case.get("classname") or "")
            full = f"{classname}.{name}" if classname and name else name or classname
            out.append(TestResult(name=clean(full, 300), status=status, suite=suite_name))
    return tuple(out)


def to_run(
    repo: str, pipeline: JSON, jobs: tuple[Job, ...] = (), tests: tuple[TestResult, ...] = ()
) -> Run | None:
    """A pipeline as a :class:`Run` (workflow = its source: push, schedule, web...)."""
    created = parse_time(pipeline.get("created_at"))
    if created is None or "id" not in pipeline:
        return None
    status, conclusion = _STATUS.get(str(pipeline.get("status")), ("queued", ""))
    source = str(pipeline.get("source") or "")
    return Run(
        repo=repo,
        id=str(pipeline["id"]),
        workflow=clean(pipeline.get("name") or source or "pipeline", 200),
        branch=str(pipeline.get("ref") or ""),
        head_sha=str(pipeline.get("sha") or ""),
        status=status,
        conclusion=conclusion,
        created_at=created,
        updated_at=parse_time(pipeline.get("updated_at")) or created,
        url=str(pipeline.get("web_url") or ""),
        attempt=1,
        event=source or "push",
        jobs=jobs,
        tests=tests,
        commit_url=_commit_url(pipeline),
    )


def _commit_url(pipeline: JSON) -> str:
    """The web page of the pipeline's commit: ``{project}/-/commit/{sha}``."""
    web, sha = str(pipeline.get("web_url") or ""), str(pipeline.get("sha") or "")
    if "/-/pipelines/" not in web or not sha or not web.startswith("https://"):
        return ""
    return f"{web.split('/-/pipelines/', 1)[0]}/-/commit/{sha}"


def to_commit(commit: JSON) -> Commit | None:
    """A commit list entry as a :class:`Commit` (None without a date)."""
    when = parse_time(commit.get("committed_date") or commit.get("created_at"))
    if when is None or not commit.get("id"):
        return None
    return Commit(
        sha=str(commit["id"]),
        title=clean(commit.get("title") or ""),
        author=clean(commit.get("author_name") or "", 100),
        date=when,
        url=str(commit.get("web_url") or ""),
    )
