"""GitHub's JSON (GraphQL nodes, REST objects) -> forge-neutral records.

Pure functions, no IO. Every string a stranger can write (titles, branch names, logins, job names)
passes through :func:`gluetui.textsafe.clean`; missing or null fields (a deleted "ghost" author,
a commit without a status) become neutral defaults instead of errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from gluetui.records import (
    BODY_MAX,
    Commit,
    Job,
    PullRequest,
    Repo,
    Review,
    Run,
    TestResult,
)
from gluetui.textsafe import DEFAULT_MAX
from gluetui.textsafe import clean as _clean

JSON = Mapping[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_ROLLUP = {
    "SUCCESS": "success",
    "FAILURE": "failure",
    "ERROR": "failure",
    "PENDING": "pending",
    "EXPECTED": "pending",
}
#: Job conclusions that make an earlier attempt count as failed.
FAILED = frozenset({"failure", "timed_out", "startup_failure"})


@lru_cache(maxsize=16384)
def _clean_short(text: str, max_len: int, single_line: bool) -> str:
    return _clean(text, max_len, single_line=single_line)


def clean(text: object, max_len: int = DEFAULT_MAX, *, single_line: bool = True) -> str:
    """:func:`gluetui.textsafe.clean`, remembered for short strings.

    A refresh cleans the same workflow, job, branch and author names and commit titles thousands
    of times (every run of every repository); cleaning walks each character, so this is most of
    the conversion's CPU time at organisation scale.
    """
    if isinstance(text, str) and len(text) <= 256:
        return _clean_short(text, max_len, single_line)
    return _clean(text, max_len, single_line=single_line)


def int_of(value: object, default: int) -> int:
    """An integer field as GitHub documents it; anything else (``"2x"``, ``1.5``, ``null``, a
    bool) is ``default``, so one malformed field cannot fail the repository it came with."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return default


class Malformed(ValueError):
    """A field the forge sent that cannot mean anything: its repository fails, not the source."""


def attempt_of(run: JSON) -> int:
    """A run's (or job's) ``run_attempt``: 1 when absent, :class:`Malformed` when not a number.

    The attempt decides which jobs belong to which run: guessing would put one attempt's failure
    on another, so a repository whose runs say nonsense fails this refresh and keeps its last
    good items instead.
    """
    value = run.get("run_attempt")
    if value is None:
        return 1
    number = int_of(value, -1)
    if number < 1:
        raise Malformed(f"run_attempt {clean(repr(value), 40)} is not an attempt number")
    return number


def obj(value: object) -> JSON:
    if type(value) is dict:  # what json.loads makes: skips the slower ABC check
        return value
    return value if isinstance(value, Mapping) else {}


def nodes(conn: object) -> list[JSON]:
    """The non-null nodes of a GraphQL connection."""
    raw = obj(conn).get("nodes")
    if type(raw) is not list:
        return []
    return [n for n in raw if type(n) is dict or isinstance(n, Mapping)]


def when(value: object) -> datetime | None:
    """An ISO 8601 timestamp (GitHub writes ``Z``) as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def login_of(actor: object) -> tuple[str, bool]:
    """(login, is_bot). GraphQL bots lack REST's ``[bot]`` suffix; it is added for one spelling."""
    data = obj(actor)
    login = clean(data.get("login") or "ghost", 100)
    is_bot = data.get("__typename") == "Bot"
    if is_bot and not login.endswith("[bot]"):
        login += "[bot]"
    return login, is_bot


def repo_record(host: str, node: JSON) -> Repo:
    url = str(node.get("url", ""))
    return Repo(
        host=host,
        full_name=str(node.get("nameWithOwner", "")),
        url=url,
        blob_base=f"{url.rstrip('/')}/blob" if url else "",
        default_branch=clean(obj(node.get("defaultBranchRef")).get("name") or "", 200),
        archived=bool(node.get("isArchived")),
        fork=bool(node.get("isFork")),
        forge_id=str(node.get("id", "")),
    )


def pull_record(repo: str, node: JSON) -> PullRequest | None:
    created = when(node.get("createdAt"))
    if (
        created is None
        or not isinstance(node.get("number"), int)
        or isinstance(node.get("number"), bool)
    ):
        return None
    author, is_bot = login_of(node.get("author"))
    reviews = []
    for r in nodes(node.get("reviews")):
        at = when(r.get("submittedAt"))
        if at is None or r.get("state") == "PENDING":  # a draft review nobody else can see
            continue
        reviews.append(Review(login_of(r.get("author"))[0], str(r.get("state", "")), at))
    requests = []
    for rr in nodes(node.get("reviewRequests")):
        who = obj(rr.get("requestedReviewer"))
        if who.get("__typename") == "Team":
            requests.append(clean(who.get("combinedSlug") or "", 200))
        elif who:
            requests.append(login_of(who)[0])
    rollup = obj(node.get("statusCheckRollup"))  # the head commit's combined state
    ready = [when(e.get("createdAt")) for e in nodes(node.get("timelineItems"))]
    return PullRequest(
        repo=repo,
        number=int(node["number"]),
        title=clean(node.get("title", "")),
        url=str(node.get("url", "")),
        author=author,
        created_at=created,
        updated_at=when(node.get("updatedAt")) or created,
        draft=bool(node.get("isDraft")),
        author_is_bot=is_bot,
        ready_at=next((r for r in reversed(ready) if r is not None), None),
        additions=max(0, int_of(node.get("additions"), 0)),
        deletions=max(0, int_of(node.get("deletions"), 0)),
        changed_files=max(0, int_of(node.get("changedFiles"), 0)),
        head_branch=clean(node.get("headRefName", ""), 200),
        base_branch=clean(node.get("baseRefName", ""), 200),
        head_sha=str(node.get("headRefOid") or ""),
        reviews=tuple(reviews),
        review_requests=tuple(r for r in requests if r),
        labels=tuple(clean(lb.get("name", ""), 100) for lb in nodes(node.get("labels"))),
        assignees=tuple(
            a for a in (clean(u.get("login") or "", 100) for u in nodes(node.get("assignees"))) if a
        ),
        head_status=_ROLLUP.get(str(rollup.get("state", "")), ""),
        body=clean(node.get("bodyText") or "", BODY_MAX, single_line=False),
    )


def closed_pull_record(repo: str, node: JSON) -> PullRequest | None:
    """A merged or closed pull request (:data:`details.CLOSED_PULLS` of them per repository)."""
    pull = pull_record(repo, node)
    if pull is None:
        return None
    merged = when(node.get("mergedAt"))
    closed = merged or when(node.get("closedAt"))
    state = "merged" if merged is not None or node.get("state") == "MERGED" else "closed"
    return replace(pull, state=state, closed_at=closed)


def commit_record(node: JSON) -> Commit | None:
    date = when(node.get("committedDate"))
    if date is None or not node.get("oid"):
        return None
    author = obj(node.get("author"))
    login = obj(author.get("user")).get("login")
    return Commit(
        sha=str(node["oid"]),
        title=clean(node.get("messageHeadline", "")),
        author=clean(login or author.get("name") or "", 100),
        date=date,
        url=str(node.get("url", "")),
    )


def tree_paths(tree: object, into_files: set[str], into_dirs: set[str], expanded: set[str]) -> None:
    """Collect blob and tree paths of a (nested) GraphQL tree; note which dirs were listed."""
    for entry in obj(tree).get("entries") or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
            continue
        path = entry["path"]
        if entry.get("type") == "tree":
            into_dirs.add(path)
            sub = obj(entry.get("object"))
            if "entries" in sub:
                expanded.add(path)
                tree_paths(sub, into_files, into_dirs, expanded)
        elif entry.get("type") == "blob":
            into_files.add(path)


def job_record(data: JSON) -> Job:
    return Job(
        name=clean(data.get("name", "")),
        conclusion=str(data.get("conclusion") or ""),
        url=str(data.get("html_url") or ""),
        id=str(data.get("id", "")),
        started_at=when(data.get("started_at")),
        completed_at=when(data.get("completed_at")),
        attempt=attempt_of(data),
    )


def run_records(
    repo: str,
    run: JSON,
    jobs: Iterable[JSON] | None,
    tests: Mapping[str, Sequence[TestResult]],
) -> list[Run]:
    """One :class:`Run` per attempt of a workflow run.

    ``jobs`` (None when they were not fetched) may span several attempts (``filter=all``); earlier
    attempts get their conclusion from their jobs, since the run object only describes the latest.
    """
    latest = attempt_of(run)
    created = when(run.get("created_at")) or EPOCH
    updated = when(run.get("updated_at")) or created
    head = obj(run.get("head_commit"))
    base_url = str(run.get("html_url") or "")
    common: dict[str, Any] = {
        "repo": repo,
        "id": str(run.get("id", "")),
        "workflow": clean(run.get("name") or run.get("path") or "", 200),
        "branch": clean(run.get("head_branch") or "", 200),
        "head_sha": str(run.get("head_sha") or ""),
        "event": str(run.get("event") or "push"),
        "commit_title": clean(str(head.get("message") or "").split("\n", 1)[0]),
        "commit_author": clean(obj(head.get("author")).get("name") or "", 100),
        "commit_url": _commit_url(run, base_url),
    }
    by_attempt: dict[int, list[Job]] = {}
    for j in jobs or ():
        job = job_record(j)
        by_attempt.setdefault(job.attempt if job.attempt else latest, []).append(job)

    def tests_of(js: list[Job]) -> tuple[TestResult, ...]:
        return tuple(t for j in js for t in tests.get(j.id, ()))

    out: list[Run] = []
    for attempt in sorted(a for a in by_attempt if a < latest):
        js = by_attempt[attempt]
        concl = {j.conclusion for j in js}
        conclusion = (
            "failure" if concl & FAILED else "cancelled" if "cancelled" in concl else "success"
        )
        starts = [j.started_at for j in js if j.started_at]
        ends = [j.completed_at for j in js if j.completed_at]
        out.append(
            Run(
                **common,
                status="completed",
                conclusion=conclusion,
                created_at=min(starts, default=created),
                updated_at=max(ends, default=updated),
                url=f"{base_url}/attempts/{attempt}" if base_url else "",
                attempt=attempt,
                jobs=tuple(js),
                tests=tests_of(js),
            )
        )
    last_jobs = by_attempt.get(latest, [])
    out.append(
        Run(
            **common,
            status=str(run.get("status") or ""),
            conclusion=str(run.get("conclusion") or ""),
            created_at=when(run.get("run_started_at")) or created if latest > 1 else created,
            updated_at=updated,
            url=base_url,
            attempt=latest,
            jobs=tuple(last_jobs),
            tests=tests_of(last_jobs),
        )
    )
    return out


def _commit_url(run: JSON, run_url: str) -> str:
    """The web page of the run's head commit: ``{repository}/commit/{sha}``."""
    sha = str(run.get("head_sha") or "")
    repo_url = str(obj(run.get("repository")).get("html_url") or "")
    if not repo_url and "/actions/runs/" in run_url:
        repo_url = run_url.split("/actions/runs/", 1)[0]
    return f"{repo_url}/commit/{sha}" if repo_url.startswith("https://") and sha else ""


def annotation_tests(job: Job, annotations: Iterable[JSON]) -> list[TestResult]:
    """Failure annotations that name a test (pytest/JUnit reporters write one per failed test).

    The runner's own "Process completed with exit code 1." and annotations without a title are not
    tests and are skipped.
    """
    out: list[TestResult] = []
    for a in annotations:
        if a.get("annotation_level") != "failure":
            continue
        title = clean(a.get("title") or "", 200)
        path = clean(a.get("path") or "", 200)
        if not title or title.lower().startswith("process completed") or path == ".github":
            continue
        out.append(TestResult(name=title, status="failed", suite=path, job=job.name))
    return out
