"""What the GraphQL stages found per repository, kept so an unchanged repository costs no query.

GraphQL has no ETags, so an unchanged refresh would re-ask every repository's pull requests, tree,
docs and code history (hundreds of points for a large organisation). Instead the cheap listing
query that finds the repositories also reads a *stamp* per repository: the default branch's head
commit and the open pull requests' count and newest ``updatedAt`` (a push, a review, a review
request, a label or a new/closed pull request all change it). A repository whose stamp, settings
and validity window match its stored entry is served from the store (the HTTP cache table, under
keys no URL can produce). Entries expire after :data:`MAX_AGE` anyway, and earlier when a doc
that was too fresh to be stale will reach ``stale_doc.min_age_days``.

Workflow-run jobs are cached the same way, keyed by the runs they belong to (id, attempt, status,
update time): a finished run's jobs never change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from gluetui.forges.github import convert as conv
from gluetui.forges.http import HttpCache
from gluetui.records import Commit, DocFile, PullRequest, Repo, Review, TestResult

#: How long a stored repository is trusted without being re-read, whatever its stamp says.
MAX_AGE = timedelta(hours=6)
#: Bumped when what is stored changes shape.
VERSION = "2"  # 2: Repo records carry blob_base

JSON = Mapping[str, Any]


def stamp_of(node: JSON) -> str:
    """The stamp of a repository node that carries ``...RepoStamp``; "" when it has none."""
    if "stampPulls" not in node:
        return ""
    ref = conv.obj(node.get("defaultBranchRef"))
    pulls = conv.obj(node.get("stampPulls"))
    newest = conv.nodes(pulls)
    parts = [
        str(ref.get("name") or ""),
        str(conv.obj(ref.get("target")).get("oid") or ""),
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
    """A repository's GraphQL-derived data (everything but its runs)."""

    repo: Repo
    pulls: tuple[PullRequest, ...]
    docs: tuple[DocFile, ...]
    tree: frozenset[str]
    tree_complete: bool
    valid_until: datetime


def _key(kind: str, host: str, repo: str) -> str:
    return f"gluetui:github-{kind}:{host}/{repo}"


def _date(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _commit(data: object) -> Commit | None:
    if not isinstance(data, dict):
        return None
    return Commit(
        sha=data["sha"],
        title=data["title"],
        author=data["author"],
        date=datetime.fromisoformat(data["date"]),
        url=data.get("url", ""),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def encode(entry: RepoEntry) -> bytes:
    data = {
        "repo": asdict(entry.repo),
        "pulls": [_plain(asdict(p)) for p in entry.pulls],
        "docs": [_plain(asdict(d)) for d in entry.docs],
        "tree": sorted(entry.tree),
        "tree_complete": entry.tree_complete,
        "valid_until": entry.valid_until.isoformat(),
    }
    return json.dumps(data, separators=(",", ":")).encode()


def decode(body: bytes) -> RepoEntry | None:
    """The stored entry, or None when it cannot be read (then the repository is re-read)."""
    try:
        data = json.loads(body)
        pulls = []
        for p in data["pulls"]:
            p = dict(p)
            p["reviews"] = tuple(
                Review(r["author"], r["state"], datetime.fromisoformat(r["submitted_at"]))
                for r in p["reviews"]
            )
            for name in ("created_at", "updated_at"):
                p[name] = datetime.fromisoformat(p[name])
            p["ready_at"] = _date(p.get("ready_at"))
            for name in ("review_requests", "labels"):
                p[name] = tuple(p[name])
            pulls.append(PullRequest(**p))
        docs = []
        for d in data["docs"]:
            d = dict(d)
            d["last_commit"] = _commit(d.get("last_commit"))
            d["described_paths"] = tuple(d["described_paths"])
            d["code_commits_since"] = tuple(
                c for c in map(_commit, d["code_commits_since"]) if c is not None
            )
            docs.append(DocFile(**d))
        return RepoEntry(
            repo=Repo(**data["repo"]),
            pulls=tuple(pulls),
            docs=tuple(docs),
            tree=frozenset(data["tree"]),
            tree_complete=bool(data["tree_complete"]),
            valid_until=datetime.fromisoformat(data["valid_until"]),
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


class RepoCache:
    """Reads and writes :class:`RepoEntry` s and run jobs in an :class:`HttpCache`."""

    def __init__(self, cache: HttpCache | None, host: str) -> None:
        self.cache = cache
        self.host = host

    def get(self, repo: str, stamp: str, settings: str, now: datetime) -> RepoEntry | None:
        if self.cache is None or not stamp:
            return None
        stored = self.cache.http_get(_key("repo", self.host, repo))
        if stored is None or stored.etag != f"{settings}:{stamp}":
            return None
        if now - stored.stored_at >= MAX_AGE:
            return None
        entry = decode(stored.body)
        if entry is None or now >= entry.valid_until:
            return None
        return entry

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

    @staticmethod
    def runs_stamp(runs: Sequence[JSON]) -> str:
        fields = ("id", "run_attempt", "status", "conclusion", "updated_at", "node_id")
        text = json.dumps([[r.get(f) for f in fields] for r in runs], default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def get_jobs(
        self, repo: str, runs: Sequence[JSON]
    ) -> tuple[dict[str, list[JSON]], dict[str, list[TestResult]]] | None:
        if self.cache is None:
            return None
        stored = self.cache.http_get(_key("jobs", self.host, repo))
        if stored is None or stored.etag != self.runs_stamp(runs):
            return None
        try:
            data = json.loads(stored.body)
            tests = {k: [TestResult(**t) for t in v] for k, v in dict(data["tests"]).items()}
            return dict(data["jobs"]), tests
        except (KeyError, TypeError, ValueError):
            return None

    def put_jobs(
        self,
        repo: str,
        runs: Sequence[JSON],
        jobs: Mapping[str, Sequence[JSON]],
        tests: Mapping[str, Sequence[TestResult]],
        now: datetime,
    ) -> None:
        if self.cache is None:
            return
        body = {
            "jobs": {k: [dict(j) for j in v] for k, v in jobs.items()},
            "tests": {k: [asdict(t) for t in v] for k, v in tests.items()},
        }
        self.cache.http_put(
            _key("jobs", self.host, repo),
            etag=self.runs_stamp(runs),
            body=json.dumps(body, separators=(",", ":")).encode(),
            headers={},
            at=now,
        )


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
