"""Docs and the code history they should keep up with, read from a GitLab repository.

Costs per project: the recursive tree (keyset pages of 100), then per doc (at most
``stale_doc.max_docs_per_repo``) its content and its last commit; and only for docs older than
``stale_doc.min_age_days`` the commits since then to each code path it describes (one first page per
path, at most :data:`MAX_PATHS_PER_DOC` paths, memoised across docs). GitLab's commit list takes one
path per call, which is why this is the expensive part of a GitLab refresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from gluetui.config.schema import StaleDocSettings
from gluetui.docrefs import is_doc, referenced_paths, resolve
from gluetui.errors import ForgeError
from gluetui.forges.gitlab import convert as conv
from gluetui.forges.gitlab.client import GitLabClient
from gluetui.forges.gitlab.fetch import gather2, gather_all
from gluetui.records import Commit, DocFile

MAX_TREE_ENTRIES = 5000
MAX_PATHS_PER_DOC = 5
MAX_DOC_BYTES = 256 * 1024


async def fetch_tree(
    client: GitLabClient, base: str, ref: str
) -> tuple[frozenset[str], set[str], bool]:
    """Blob paths, directory paths, and whether the listing is complete.

    An empty repository has no tree (GitLab answers 404); that is an empty, complete tree.
    """
    try:
        page = await client.list(
            f"{base}/repository/tree",
            {"recursive": "true", "ref": ref, "pagination": "keyset"},
            limit=MAX_TREE_ENTRIES,
        )
    except ForgeError as exc:
        if exc.status == 404:
            return frozenset(), set(), True
        raise
    blobs = frozenset(str(e["path"]) for e in page.items if e.get("type") == "blob" and "path" in e)
    dirs = {str(e["path"]) for e in page.items if e.get("type") == "tree" and "path" in e}
    return blobs, dirs, page.complete


class DocReader:
    """Reads docs of one project, sharing "commits to path since" answers between docs."""

    def __init__(
        self,
        client: GitLabClient,
        base: str,
        ref: str,
        settings: StaleDocSettings,
        now: datetime,
        find_paths: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.client = client
        self.base = base
        self.ref = ref
        self.settings = settings
        self.now = now
        # Looked up at call time, so a test's stand-in for the module's name is used.
        self.find_paths = find_paths or (lambda text: referenced_paths(text))
        self._since: dict[tuple[str, str], asyncio.Task[tuple[list[Commit], int | None]]] = {}

    async def read(self, tree: frozenset[str], dirs: set[str]) -> tuple[DocFile, ...]:
        docs = sorted(p for p in tree if is_doc(p, self.settings.doc_globs))
        docs = docs[: self.settings.max_docs_per_repo]
        found = await gather_all(*(self._doc(p, tree, dirs) for p in docs))
        return tuple(d for d in found if d is not None)

    async def _doc(self, path: str, tree: frozenset[str], dirs: set[str]) -> DocFile | None:
        try:
            text, last = await gather2(self._text(path), self._last_commit(path))
        except ForgeError as exc:
            if exc.status == 404:  # vanished between the tree listing and now
                return None
            raise
        described = self._described(text, path, tree, dirs)
        if last is None or self.now - last.date < timedelta(days=self.settings.min_age_days):
            # Too fresh to be stale: the code history is not needed.
            return DocFile(path=path, text=text, last_commit=last, described_paths=described)
        targets = described[:MAX_PATHS_PER_DOC] or ("",)
        answers = await gather_all(*(self._commits_since(p, last.date) for p in targets))
        commits: dict[str, Commit] = {}
        totals: list[int] = []
        for items, total in answers:
            for c in items:
                if c.sha != last.sha:
                    commits.setdefault(c.sha, c)
            totals.append(total if total is not None else len(items))
        ordered = tuple(sorted(commits.values(), key=lambda c: c.date, reverse=True))
        count = max([len(ordered), *totals]) if totals else len(ordered)
        return DocFile(
            path=path,
            text=text,
            last_commit=last,
            described_paths=described,
            code_commits_since=ordered,
            code_commit_count=count,
        )

    def _described(
        self, text: str, doc: str, tree: frozenset[str], dirs: set[str]
    ) -> tuple[str, ...]:
        out: list[str] = []
        for raw in self.find_paths(text):
            # Relative to the doc's folder for ./ and ../, like the detector and GitHub read it
            # (lstrip("./") used to eat the dot of .gitlab-ci.yml and ignore ../).
            p = resolve(raw, doc)
            if (
                p
                and p != doc
                and (p in tree or p in dirs)
                and not is_doc(p, self.settings.doc_globs)
            ):
                out.append(p)
        return tuple(dict.fromkeys(out))

    async def _text(self, path: str) -> str:
        raw = await self.client.get_raw(
            f"{self.base}/repository/files/{quote(path, safe='')}/raw", {"ref": self.ref}
        )
        return raw[:MAX_DOC_BYTES].decode("utf-8", "replace")

    async def _last_commit(self, path: str) -> Commit | None:
        page = await self.client.first_page(
            f"{self.base}/repository/commits", {"ref_name": self.ref, "path": path}, per_page=1
        )
        return next((c for c in map(conv.to_commit, page.items) if c is not None), None)

    def _commits_since(
        self, path: str, since: datetime
    ) -> asyncio.Task[tuple[list[Commit], int | None]]:
        key = (path, since.isoformat())
        task = self._since.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch_since(path, since))
            self._since[key] = task
        return task

    async def _fetch_since(self, path: str, since: datetime) -> tuple[list[Commit], int | None]:
        query: dict[str, Any] = {
            "ref_name": self.ref,
            "since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if path:
            query["path"] = path
        page = await self.client.first_page(
            f"{self.base}/repository/commits",
            query,
            per_page=max(20, self.settings.min_code_changes * 2),
        )
        commits = [c for c in map(conv.to_commit, page.items) if c is not None]
        return commits, page.total
