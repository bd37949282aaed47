"""What one refresh reads from GitLab: the watched projects, their open MRs and default-branch pipelines.

Call budget (REST through python-gitlab), per project on a cold refresh: one project GET (explicit
``repos`` only; group listings already carry the project), one MR list page, one pipeline list page,
plus detail calls only where a detector needs them: for each MR older than
``unreviewed_pr.min_age_hours`` its approvals, its notes (only when ``user_notes_count`` > 0 and no
approval was found) and its size (only while still unreviewed); for each failed pipeline and each
pipeline sharing a sha with a failed one, its jobs and its test report. Docs are in
:mod:`gluetui.forges.gitlab.docs`.
"""

from __future__ import annotations

import asyncio
import fnmatch
from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast
from urllib.parse import quote

from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import ForgeError
from gluetui.forges.gitlab import convert as conv
from gluetui.forges.gitlab.client import GitLabClient, Page
from gluetui.records import PullRequest, Review, Run

JSON = Mapping[str, Any]
T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")

#: Upper bounds that keep one refresh of a huge project cheap.
MAX_MRS = 300
MAX_PIPELINES = 300
#: Not a cap on what is watched, a guard against a server that pages for ever: a group listing
#: that reaches it is reported (the projects listed so far are read).
MAX_GROUP_PROJECTS = 100_000


def project_path(project: str | int) -> str:
    """``/projects/<url-encoded path or id>``."""
    return f"/projects/{quote(str(project), safe='')}"


def matches(full_name: str, source: SourceConfig) -> bool:
    """Include/exclude globs over ``group/sub/project``."""
    included = any(fnmatch.fnmatchcase(full_name, g) for g in source.include)
    return included and not any(fnmatch.fnmatchcase(full_name, g) for g in source.exclude)


def wanted(project: JSON, source: SourceConfig) -> bool:
    """Archived projects and forks are skipped unless the source opts in."""
    if project.get("archived") and not source.include_archived:
        return False
    return not (project.get("forked_from_project") is not None and not source.include_forks)


async def group_projects(client: GitLabClient, group: str) -> Page:
    """Every project of a group and its subgroups (paginated); ``complete`` says whether the
    listing reached its end (a page loop or the guard stop it)."""
    return await client.list(
        f"/groups/{quote(group, safe='')}/projects",
        {
            "include_subgroups": "true",
            "with_shared": "false",
            "order_by": "path",
            "sort": "asc",
        },
        limit=MAX_GROUP_PROJECTS,
    )


async def fetch_pulls(
    client: GitLabClient, project: JSON, repo: str, config: Config, now: datetime
) -> tuple[PullRequest, ...]:
    """Open merge requests, with reviews for those old enough to count as unreviewed."""
    base = project_path(project["id"])
    settings = config.detectors.unreviewed_pr
    page = await client.list(
        f"{base}/merge_requests",
        {"state": "opened", "order_by": "created_at", "sort": "desc"},
        limit=MAX_MRS,
    )
    # A bot's draft is kept: it may be an agent's merge request a hand-off is waiting for.
    mrs = [
        mr
        for mr in page.items
        if settings.include_drafts or not conv.is_draft(mr) or conv.is_bot(mr.get("author"))
    ]
    cutoff = now - timedelta(hours=settings.min_age_hours)
    pulls = await gather_all(*(_pull(client, base, repo, mr, cutoff) for mr in mrs))
    return tuple(p for p in pulls if p is not None)


async def _pull(
    client: GitLabClient, base: str, repo: str, mr: JSON, cutoff: datetime
) -> PullRequest | None:
    created = conv.parse_time(mr.get("created_at"))
    if created is None or created > cutoff or "iid" not in mr:
        # Too young to be flagged: no detail calls.
        return conv.to_pull(repo, mr)
    mr_base = f"{base}/merge_requests/{int(mr['iid'])}"
    updated = conv.parse_time(mr.get("updated_at")) or created
    reviews: list[Review] = conv.approvals_to_reviews(
        await client.get(f"{mr_base}/approvals"), updated
    )
    if not reviews and int(mr.get("user_notes_count") or 0) > 0:
        notes = await client.list(
            f"{mr_base}/notes", {"sort": "asc", "order_by": "created_at"}, limit=200
        )
        reviews += conv.notes_to_reviews(notes.items, conv.username(mr.get("author")))
    detail: JSON | None = None
    if not reviews:
        # Still unreviewed: its size feeds the effort estimate.
        detail = await client.get(mr_base)
    return conv.to_pull(repo, mr, reviews, detail)


async def fetch_runs(
    client: GitLabClient, project: JSON, repo: str, branch: str, config: Config, now: datetime
) -> tuple[Run, ...]:
    """Default-branch pipelines in the flaky window; jobs and tests where a failure is involved."""
    base = project_path(project["id"])
    since = now - timedelta(days=config.detectors.flaky_test.window_days)
    page = await client.list(
        f"{base}/pipelines",
        {
            "ref": branch,
            "updated_after": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "order_by": "id",
            "sort": "desc",
        },
        limit=MAX_PIPELINES,
    )
    # Defensive: a server that ignores ?ref= must not leak other branches into broken-CI items.
    pipelines = [p for p in page.items if str(p.get("ref", branch)) == branch]
    failed_shas = {p.get("sha") for p in pipelines if p.get("status") == "failed"}
    runs = await gather_all(
        *(_run(client, base, repo, p, p.get("sha") in failed_shas) for p in pipelines)
    )
    return tuple(r for r in runs if r is not None)


async def _run(
    client: GitLabClient, base: str, repo: str, pipeline: JSON, deep: bool
) -> Run | None:
    if not deep or "id" not in pipeline:
        return conv.to_run(repo, pipeline)
    pipe_base = f"{base}/pipelines/{int(pipeline['id'])}"
    jobs_page, report = await gather2(
        client.list(f"{pipe_base}/jobs", {"include_retried": "true"}, limit=500),
        _test_report(client, pipe_base),
    )
    return conv.to_run(repo, pipeline, conv.to_jobs(jobs_page.items), conv.to_tests(report))


async def _test_report(client: GitLabClient, pipe_base: str) -> JSON:
    """The pipeline's test report; an empty one where reports are unavailable (404/403)."""
    try:
        report = await client.get(f"{pipe_base}/test_report")
    except ForgeError as exc:
        if exc.status in (403, 404):
            return {}
        raise
    return report if isinstance(report, Mapping) else {}


async def viewer(client: GitLabClient) -> str:
    """The token owner's username."""
    user = await client.get("/user")
    return conv.username(user) if isinstance(user, Mapping) else ""


async def gather_all(*aws: Awaitable[T]) -> list[T]:
    """Await every awaitable, then raise the first failure (no orphaned tasks, no lost results)."""
    results = await asyncio.gather(*aws, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return cast("list[T]", results)


async def gather2(a: Awaitable[A], b: Awaitable[B]) -> tuple[A, B]:
    """Two different awaitables at once, with :func:`gather_all`'s failure rule."""
    ra, rb = await asyncio.gather(a, b, return_exceptions=True)
    for result in (ra, rb):
        if isinstance(result, BaseException):
            raise result
    return cast("A", ra), cast("B", rb)


async def gather3(a: Awaitable[A], b: Awaitable[B], c: Awaitable[C]) -> tuple[A, B, C]:
    """Three different awaitables at once, with :func:`gather_all`'s failure rule."""
    ra, rb, rc = await asyncio.gather(a, b, c, return_exceptions=True)
    for result in (ra, rb, rc):
        if isinstance(result, BaseException):
            raise result
    return cast("A", ra), cast("B", rb), cast("C", rc)


def unique(names: Sequence[str]) -> list[str]:
    """Names in first-seen order without repeats."""
    return list(dict.fromkeys(names))
