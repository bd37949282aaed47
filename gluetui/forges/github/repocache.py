"""What a refresh read per repository, kept so an unchanged repository costs no request at all.

GraphQL has no ETags, so an unchanged refresh would re-ask every repository's pull requests, runs,
tree, docs and code history. Instead the cheap listing query that finds the repositories also
reads a *stamp* per repository: the default branch's head commit and its combined check state (a
push, a run that finished, failed or was re-run on the head), and the open pull requests' count
and newest ``updatedAt`` (a review, a review request, a label or a new/closed pull request all
change it). A repository whose stamp, settings and validity window match its stored entry is
served from the store, runs included (the HTTP cache table, under keys no URL can produce):
an unchanged organisation of 5,000 repositories costs its 50 listing pages and nothing else.
Entries expire after about :data:`MAX_AGE` anyway (a re-run on an older commit changes no stamp),
spread over the last quarter of it so a large organisation is not re-read all at once, and
earlier when a doc that was too fresh to be stale will reach ``stale_doc.min_age_days``.

A changed repository's entry still lends its runs' jobs: a run whose status, conclusion, update
time and attempt are unchanged has the same jobs (:func:`suites.run_key`), so only new or re-run
runs get their jobs asked.

Entries are encoded positionally (field order, no names) without ``dataclasses.asdict``, which
deep-copies every record: encoding 500 repositories took half a second that way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from gluetui.forges.github import convert as conv
from gluetui.forges.http import HttpCache, loads
from gluetui.records import Commit, DocFile, PullRequest, Repo, Review, TestResult

#: How long a stored repository is trusted without being re-read, whatever its stamp says.
MAX_AGE = timedelta(hours=6)
#: Bumped when what is stored changes shape.
VERSION = "4"  # 3: runs stored with the entry, positional encoding; 4: assignees, closed pulls

JSON = Mapping[str, Any]


def stamp_of(node: JSON) -> str:
    """The stamp of a repository node that carries ``...RepoStamp``; "" when it has none."""
    if "stampPulls" not in node:
        return ""
    ref = conv.obj(node.get("defaultBranchRef"))
    target = conv.obj(ref.get("target"))
    pulls = conv.obj(node.get("stampPulls"))
    newest = conv.nodes(pulls)
    parts = [
        str(ref.get("name") or ""),
        str(target.get("oid") or ""),
        str(conv.obj(target.get("statusCheckRollup")).get("state") or ""),
        str(pulls.get("totalCount") or 0),
        str(newest[0].get("updatedAt") or "") if newest else "",
        str(bool(node.get("isArchived"))),
    ]
    return "|".join(parts)


def settings_key(*parts: object) -> str:
    """A short hash of whatever settings shape the stored data (doc globs, limits...)."""
    text = json.dumps([VERSION, *map(str, parts)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RepoEntry:
    """A repository as a refresh read it: records, and its runs as GitHub described them."""

    repo: Repo
    pulls: tuple[PullRequest, ...]
    docs: tuple[DocFile, ...]
    tree: frozenset[str]
    tree_complete: bool
    valid_until: datetime
    #: REST-shaped runs (newest first), their jobs by run id and tests by job id.
    runs: tuple[JSON, ...] = ()
    jobs: Mapping[str, Sequence[JSON]] = field(default_factory=dict)
    tests: Mapping[str, Sequence[TestResult]] = field(default_factory=dict)
    #: The newest merged or closed pull requests (what an agent's pull request became).
    closed: tuple[PullRequest, ...] = ()


def _key(kind: str, host: str, repo: str) -> str:
    return f"gluetui:github-{kind}:{host}/{repo}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _commit_row(c: Commit | None) -> list[Any] | None:
    return None if c is None else [c.sha, c.title, c.author, c.date.isoformat(), c.url]


def _commit(row: Any) -> Commit | None:
    if row is None:
        return None
    sha, title, author, date, url = row
    return Commit(str(sha), str(title), str(author), datetime.fromisoformat(date), str(url))


def _pull_row(p: PullRequest) -> list[Any]:
    return [
        p.repo,
        p.number,
        p.title,
        p.url,
        p.author,
        p.created_at.isoformat(),
        p.updated_at.isoformat(),
        p.draft,
        p.author_is_bot,
        _iso(p.ready_at),
        p.additions,
        p.deletions,
        p.changed_files,
        p.head_branch,
        p.base_branch,
        p.head_sha,
        [[r.author, r.state, r.submitted_at.isoformat()] for r in p.reviews],
        list(p.review_requests),
        list(p.labels),
        p.head_status,
        p.body,
        list(p.assignees),
        p.state,
        _iso(p.closed_at),
    ]


def _pull(row: Sequence[Any]) -> PullRequest:
    (repo, number, title, url, author, created, updated, draft, bot, ready) = row[:10]
    (adds, dels, files, head_branch, base_branch, head_sha, reviews, requests) = row[10:18]
    labels, status, body, assignees, state, closed = row[18:24]
    return PullRequest(
        repo=repo,
        number=int(number),
        title=title,
        url=url,
        author=author,
        created_at=datetime.fromisoformat(created),
        updated_at=datetime.fromisoformat(updated),
        draft=bool(draft),
        author_is_bot=bool(bot),
        ready_at=_date(ready),
        additions=int(adds),
        deletions=int(dels),
        changed_files=int(files),
        head_branch=head_branch,
        base_branch=base_branch,
        head_sha=head_sha,
        reviews=tuple(Review(a, s, datetime.fromisoformat(d)) for a, s, d in reviews),
        review_requests=tuple(requests),
        labels=tuple(labels),
        head_status=status,
        body=body,
        assignees=tuple(assignees),
        state=str(state),
        closed_at=_date(closed),
    )


def _doc_row(d: DocFile) -> list[Any]:
    return [
        d.path,
        d.text,
        _commit_row(d.last_commit),
        list(d.described_paths),
        [_commit_row(c) for c in d.code_commits_since],
        d.code_commit_count,
        d.renamed_from,
    ]


def _doc(row: Sequence[Any]) -> DocFile:
    path, text, last, described, since, count, renamed = row
    return DocFile(
        path=path,
        text=text,
        last_commit=_commit(last),
        described_paths=tuple(described),
        code_commits_since=tuple(c for c in map(_commit, since) if c is not None),
        code_commit_count=None if count is None else int(count),
        renamed_from=renamed,
    )


def encode(entry: RepoEntry) -> bytes:
    r = entry.repo
    data = [
        [r.host, r.full_name, r.url, r.default_branch, r.archived, r.fork, r.forge_id, r.blob_base],
        [_pull_row(p) for p in entry.pulls],
        [_doc_row(d) for d in entry.docs],
        sorted(entry.tree),
        entry.tree_complete,
        entry.valid_until.isoformat(),
        list(entry.runs),
        {k: list(v) for k, v in entry.jobs.items()},
        {k: [[t.name, t.status, t.suite, t.job] for t in v] for k, v in entry.tests.items()},
        [_pull_row(p) for p in entry.closed],
    ]
    try:
        # A fifth of json.dumps's time, for 500 entries of a cold refresh (70 ms of CPU).
        return orjson.dumps(data)
    except TypeError:
        # Runs are stored as GitHub sent them, and a lone surrogate it may send is valid
        # escaped JSON but not UTF-8 (orjson refuses it): ASCII escapes then.
        return json.dumps(data, separators=(",", ":")).encode()


def decode(body: bytes) -> RepoEntry | None:
    """The stored entry, or None when it cannot be read (then the repository is re-read)."""
    try:
        repo, pulls, docs, tree, complete, until, runs, jobs, tests, closed = loads(body)
        return RepoEntry(
            repo=Repo(*repo),
            pulls=tuple(_pull(p) for p in pulls),
            docs=tuple(_doc(d) for d in docs),
            tree=frozenset(tree),
            tree_complete=bool(complete),
            valid_until=datetime.fromisoformat(until),
            runs=tuple(r for r in runs if isinstance(r, dict)),
            jobs={str(k): [j for j in v if isinstance(j, dict)] for k, v in dict(jobs).items()},
            tests={str(k): [TestResult(*t) for t in v] for k, v in dict(tests).items()},
            closed=tuple(_pull(p) for p in closed),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def valid_until(docs: Sequence[DocFile], now: datetime, min_age: timedelta) -> datetime:
    """When the stored docs stop being right even if nothing changes: a fresh doc ages."""
    until = now + MAX_AGE
    for d in docs:
        if d.last_commit is not None and now - d.last_commit.date < min_age:
            until = min(until, d.last_commit.date + min_age)
    return until


def max_age(repo: str) -> timedelta:
    """How long ``repo``'s entry is trusted: between 3/4 of :data:`MAX_AGE` and all of it, by a
    hash of its name, so the entries of one cold refresh do not all expire in the same refresh."""
    spread = int(hashlib.sha256(repo.encode("utf-8", "replace")).hexdigest()[:4], 16) / 0xFFFF
    return MAX_AGE * (0.75 + 0.25 * spread)


class RepoCache:
    """Reads and writes :class:`RepoEntry` s in an :class:`HttpCache`."""

    def __init__(self, cache: HttpCache | None, host: str) -> None:
        self.cache = cache
        self.host = host

    def get(self, repo: str, stamp: str, settings: str, now: datetime) -> RepoEntry | None:
        if self.cache is None or not stamp:
            return None
        stored = self.cache.http_get(_key("repo", self.host, repo))
        if stored is None or stored.etag != f"{settings}:{stamp}":
            return None
        if now - stored.stored_at >= max_age(repo):
            return None
        entry = decode(stored.body)
        if entry is None or now >= entry.valid_until:
            return None
        return entry

    def previous(self, repo: str) -> RepoEntry | None:
        """The stored entry whatever its stamp (a changed repository's runs lend their jobs)."""
        if self.cache is None:
            return None
        stored = self.cache.http_get(_key("repo", self.host, repo))
        return decode(stored.body) if stored is not None else None

    def put(self, entry: RepoEntry, stamp: str, settings: str, now: datetime) -> None:
        if self.cache is None or not stamp:
            return
        self.cache.http_put(
            _key("repo", self.host, entry.repo.full_name),
            etag=f"{settings}:{stamp}",
            body=encode(entry),
            headers={},
            at=now,
        )

    def seen(self, settings: str) -> bool:
        """Whether an earlier refresh stored entries (then the cheap listing pays off)."""
        if self.cache is None:
            return False
        return self.cache.http_get(_key("seen", self.host, settings)) is not None

    def mark_seen(self, settings: str, now: datetime) -> None:
        if self.cache is not None:
            key = _key("seen", self.host, settings)
            self.cache.http_put(key, etag=VERSION, body=b"", headers={}, at=now)

    def get_teams(self, viewer: str, now: datetime) -> tuple[str, ...] | None:
        if self.cache is None:
            return None
        stored = self.cache.http_get(_key("teams", self.host, viewer))
        if stored is None or stored.etag != VERSION or now - stored.stored_at >= MAX_AGE:
            return None
        try:
            return tuple(str(t) for t in json.loads(stored.body))
        except (TypeError, ValueError):
            return None

    def put_teams(self, viewer: str, teams: Sequence[str], now: datetime) -> None:
        if self.cache is not None:
            body = json.dumps(list(teams)).encode()
            key = _key("teams", self.host, viewer)
            self.cache.http_put(key, etag=VERSION, body=body, headers={}, at=now)


#: How long a batch size learnt from a timeout is trusted before the default is tried again.
SIZES_MAX_AGE = timedelta(days=1)


def get_sizes(cache: HttpCache | None, host: str, source: str, now: datetime) -> dict[str, int]:
    """The batch sizes that worked for ``source`` (after GitHub gave up on bigger ones)."""
    if cache is None:
        return {}
    stored = cache.http_get(_key("sizes", host, source))
    if stored is None or stored.etag != VERSION or now - stored.stored_at >= SIZES_MAX_AGE:
        return {}
    try:
        data = json.loads(stored.body)
        return {str(k): int(v) for k, v in dict(data).items() if int(v) >= 1}
    except (TypeError, ValueError):
        return {}


def put_sizes(
    cache: HttpCache | None, host: str, source: str, sizes: Mapping[str, int], now: datetime
) -> None:
    if cache is not None:
        body = json.dumps(dict(sizes), sort_keys=True).encode()
        cache.http_put(_key("sizes", host, source), etag=VERSION, body=body, headers={}, at=now)
