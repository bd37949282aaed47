"""Docs and the code history they should keep up with, for many GitHub repositories at once.

The main query already listed each default branch's tree two levels deep (and documentation
directories three levels more), so docs are chosen without another call. Then, batched across
repositories:

1. one query (per :data:`~gluetui.forges.github.graphql.MAX_ALIASES` aliases) reads every doc's
   text and last commit (``object(expression: "HEAD:path")``, ``history(first: 1, path:)``);
2. one more asks, only for docs older than ``stale_doc.min_age_days``, how many commits touched each
   code path the doc mentions since the doc last changed (``history(since:, path:) { totalCount }``),
   and whether mentioned paths deeper than the listed tree exist (``object(expression:)``).

So the tree in :class:`~gluetui.records.RepoData` holds every path two levels deep, every path under
documentation directories, and every deeper path a doc mentions that exists: enough to tell a dead
reference from a live one without listing a monorepo recursively.

A batch GitHub gives up on is halved down to one repository (:mod:`batching`); a repository whose
docs still cannot be read, or whose doc path cannot be sent at all (a lone surrogate is not
Unicode), lands in :attr:`DocsReader.failed` and only its docs fail. Paths are sent exactly as the
tree listed them: a doc with odd characters in its name is read by its real name.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gluetui.config.schema import StaleDocSettings
from gluetui.docrefs import is_doc, referenced_paths, resolve
from gluetui.errors import ForgeError, RateLimited
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github.batching import Halving
from gluetui.forges.http import HttpSession, Unreachable, sendable
from gluetui.records import Commit, DocFile
from gluetui.textsafe import clean

#: Code paths per doc whose history is asked for.
MAX_PATHS_PER_DOC = 5
#: Deep paths per repository whose existence is checked.
MAX_EXISTS_PER_REPO = 30
#: Commits listed per history answer (the total comes from ``totalCount``).
COMMITS_LISTED = 5
MAX_DOC_CHARS = 256 * 1024

#: Files under doc directories that are not docs to read (images, archives).
_NOT_TEXT = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".pdf", ".zip", ".webp", ".drawio")


#: Exceptions that mean "this repository's answer cannot be read", not "the source failed".
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, RecursionError)


def doc_dirs(globs: Sequence[str]) -> list[str]:
    """Literal leading directories of the doc globs (``docs/**`` -> ``docs``), listed deeper."""
    out = []
    for g in globs:
        head = g.split("/", 1)[0]
        if "/" in g and head and not any(c in head for c in "*?["):
            out.append(head)
    return list(dict.fromkeys(out))


@dataclass
class RepoTree:
    """What the main query saw of one repository's tree."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)
    #: Directories whose entries were listed ("" is the root).
    expanded: set[str] = field(default_factory=set)
    #: Deeper paths confirmed to exist by the second query.
    verified: set[str] = field(default_factory=set)
    complete: bool = True

    def paths(self) -> frozenset[str]:
        return frozenset(self.files | self.dirs | self.verified)

    def exists(self, path: str) -> bool | None:
        """True/False when the listing decides it, None when ``path`` lies below what was listed."""
        if path in self.files or path in self.dirs or path in self.verified:
            return True
        parent = posixpath.dirname(path)
        return False if parent in self.expanded else None


@dataclass
class _Doc:
    repo: str
    path: str
    text: str
    last: Commit | None
    mentioned: list[str] = field(default_factory=list)
    asks: list[gql.SinceAsk] = field(default_factory=list)


class DocsReader:
    """Reads the docs of every repository of one refresh in two batched rounds."""

    def __init__(
        self,
        session: HttpSession,
        url: str,
        settings: StaleDocSettings,
        now: datetime,
        find_paths: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.session = session
        self.url = url
        self.settings = settings
        self.now = now
        # Looked up at call time, so a test's stand-in for the module's name is used.
        self.find_paths = find_paths or (lambda text: referenced_paths(text))
        self._answers: dict[tuple[str, gql.SinceAsk], tuple[list[Commit], int]] = {}
        #: Repository -> (title, hint) for those whose docs could not be read this time.
        self.failed: dict[str, tuple[str, str]] = {}
        #: Set when a rate limit stopped the reading (the rest is read next time).
        self.paused: RateLimited | None = None
        #: Batch sizes (repositories per query) that worked, per round.
        self.sizes: dict[str, int] = {"docs": 1000, "history": 1000}

    def _fail(self, repo: str, title: str, hint: str = "") -> None:
        self.failed.setdefault(repo, (title, hint or "Its docs are read again next refresh."))

    async def read(self, trees: Mapping[str, RepoTree]) -> dict[str, tuple[DocFile, ...]]:
        """Docs per repository (``trees`` is updated with verified deep paths).

        Repositories in :attr:`failed` are left out of the answer: their docs are unknown.
        """
        chosen: dict[str, list[str]] = {}
        for repo, t in trees.items():
            paths = sorted(
                p
                for p in t.files
                if is_doc(p, self.settings.doc_globs) and not p.lower().endswith(_NOT_TEXT)
            )[: self.settings.max_docs_per_repo]
            bad = [p for p in paths if not sendable(p)]
            if bad or not sendable(repo):
                self._fail(
                    repo,
                    f"A doc path in {clean(repo, 100)} is not valid Unicode and cannot be asked "
                    f"for ({clean(bad[0] if bad else repo, 80)}).",
                    "Its other items refresh; its docs keep their last state.",
                )
                paths = [p for p in paths if sendable(p)]
            chosen[repo] = paths
        try:
            docs = await self._texts({r: d for r, d in chosen.items() if d and sendable(r)})
            await self._history(docs, trees)
        except RateLimited as exc:
            # The docs of this refresh are all or nothing: the next refresh reads them again.
            self.paused = exc
            for repo in trees:
                self._fail(repo, exc.title, exc.hint)
            return {}
        out: dict[str, list[DocFile]] = {repo: [] for repo in trees if repo not in self.failed}
        for d in docs:
            if d.repo not in out:
                continue
            tree = trees[d.repo]
            try:
                described = tuple(
                    p
                    for p in d.mentioned
                    if tree.exists(p) and not is_doc(p, self.settings.doc_globs) and p != d.path
                )
                out[d.repo].append(self._doc_file(d, described))
            except UNREADABLE as exc:
                self._unreadable(d.repo, exc)
                out.pop(d.repo, None)
        return {repo: tuple(files) for repo, files in out.items() if repo not in self.failed}

    def _unreadable(self, repo: str, exc: BaseException) -> None:
        self._fail(
            repo,
            f"GitHub sent docs gluetui cannot read for {clean(repo, 100)} ({type(exc).__name__}).",
        )

    async def _texts(self, chosen: Mapping[str, list[str]]) -> list[_Doc]:
        docs: list[_Doc] = []

        async def call(batch: list[str]) -> None:
            asked = {repo: chosen[repo] for repo in batch}
            query, variables = gql.docs_query(asked)
            result = await self._run(query, variables, "doc texts", batch)
            if result is None:
                return
            for i, (repo, paths) in enumerate(asked.items()):
                try:
                    docs.extend(self._parse_texts(repo, paths, result, i))
                except UNREADABLE as exc:
                    self._unreadable(repo, exc)

        halving: Halving[str] = Halving(
            self.sizes["docs"],
            weight=lambda repo: max(1, 2 * len(chosen[repo])),
            max_weight=gql.MAX_ALIASES,
        )
        await halving.run(list(chosen), call, self._too_big)
        self.sizes["docs"] = halving.size
        return docs

    def _parse_texts(
        self, repo: str, paths: Sequence[str], result: gql.GraphQLResult, i: int
    ) -> list[_Doc]:
        if f"r{i}" in result.alias_errors:
            kind, message = result.alias_errors[f"r{i}"]
            self._fail(repo, *gql.repo_error_text(repo, kind, message))
            return []
        node = conv.obj(result.data.get(f"r{i}"))
        target = conv.obj(conv.obj(node.get("ref")).get("target"))
        out = []
        for j, path in enumerate(paths):
            blob = conv.obj(node.get(f"f{j}"))
            if not blob or blob.get("isBinary") or not isinstance(blob.get("text"), str):
                continue  # vanished since the tree was listed, binary, or too big
            hist = conv.nodes(target.get(f"h{j}"))
            last = conv.commit_record(hist[0]) if hist else None
            text = clean(blob["text"], MAX_DOC_CHARS, single_line=False)
            out.append(_Doc(repo, path, text, last))
        return out

    def _too_big(self, repo: str, exc: gql.BatchTooBig) -> None:
        self._fail(repo, f"GitHub gave up reading the docs of {clean(repo, 100)}: {exc.title}")

    async def _run(
        self, query: str, variables: Mapping[str, object], what: str, repos: Sequence[str]
    ) -> gql.GraphQLResult | None:
        """One docs query; a failure of the query (not of the source) fails its repositories."""
        try:
            return await gql.run_query(self.session, self.url, query, variables, what=what)
        except (gql.BatchTooBig, RateLimited, Unreachable):
            raise
        except ForgeError as exc:
            if exc.status == 401:
                raise
            for repo in repos:
                self._fail(repo, exc.title, exc.hint)
            return None

    async def _history(self, docs: list[_Doc], trees: Mapping[str, RepoTree]) -> None:
        asks: dict[str, list[gql.SinceAsk]] = {}
        exists: dict[str, list[str]] = {}
        min_age = timedelta(days=self.settings.min_age_days)
        for d in docs:
            tree = trees[d.repo]
            found = (resolve(raw, d.path) for raw in self.find_paths(d.text))
            d.mentioned = list(dict.fromkeys(p for p in found if p and p != d.path))
            for p in d.mentioned:
                if tree.exists(p) is None and p not in exists.setdefault(d.repo, []):
                    if len(exists[d.repo]) < MAX_EXISTS_PER_REPO:
                        exists[d.repo].append(p)
                    else:
                        tree.complete = False
            if d.last is None or self.now - d.last.date < min_age:
                continue  # too fresh to be stale: its code history is not needed
            since = (d.last.date + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            code = [
                p
                for p in d.mentioned
                if tree.exists(p) is not False and not is_doc(p, self.settings.doc_globs)
            ][:MAX_PATHS_PER_DOC] or [""]
            d.asks = [gql.SinceAsk(p, since) for p in code]
            repo_asks = asks.setdefault(d.repo, [])
            repo_asks.extend(a for a in d.asks if a not in repo_asks)
        exists = {r: ps for r, ps in exists.items() if ps}
        if not asks and not exists:
            return
        answers = self._answers
        weights = {r: len(asks.get(r, ())) + len(exists.get(r, ())) for r in {*asks, *exists}}

        async def call(batch: list[str]) -> None:
            sub_asks = {r: asks[r] for r in batch if r in asks}
            sub_exists = {r: exists[r] for r in batch if r in exists}
            query, variables, order = gql.since_query(sub_asks, sub_exists, first=COMMITS_LISTED)
            result = await self._run(query, variables, "doc code history", order)
            if result is None:
                return
            for i, repo in enumerate(order):
                try:
                    self._parse_history(repo, result, i, sub_asks, sub_exists, trees[repo])
                except UNREADABLE as exc:
                    self._unreadable(repo, exc)

        halving: Halving[str] = Halving(
            self.sizes["history"], weight=lambda r: max(1, weights[r]), max_weight=gql.MAX_ALIASES
        )
        await halving.run(sorted(weights), call, self._too_big)
        self.sizes["history"] = halving.size
        for d in docs:
            d.asks = [a for a in d.asks if (d.repo, a) in answers]

    def _parse_history(
        self,
        repo: str,
        result: gql.GraphQLResult,
        i: int,
        asks: Mapping[str, Sequence[gql.SinceAsk]],
        exists: Mapping[str, Sequence[str]],
        tree: RepoTree,
    ) -> None:
        node = conv.obj(result.data.get(f"r{i}"))
        target = conv.obj(conv.obj(node.get("ref")).get("target"))
        for j, ask in enumerate(asks.get(repo, ())):
            hist = conv.obj(target.get(f"s{j}"))
            commits = [c for c in map(conv.commit_record, conv.nodes(hist)) if c]
            self._answers[(repo, ask)] = (commits, conv.int_of(hist.get("totalCount"), 0))
        for j, path in enumerate(exists.get(repo, ())):
            if node.get(f"x{j}"):
                tree.verified.add(path)
            else:
                tree.expanded.add(posixpath.dirname(path))
                tree.verified.discard(path)
        if f"r{i}" in result.alias_errors:
            tree.complete = False

    def _doc_file(self, d: _Doc, described: tuple[str, ...]) -> DocFile:
        if not d.asks:
            return DocFile(path=d.path, text=d.text, last_commit=d.last, described_paths=described)
        answers = self._answers
        commits: dict[str, Commit] = {}
        total = 0
        for ask in d.asks:
            if ask.path and ask.path not in described:
                continue  # mentioned, but it does not exist
            listed, count = answers[(d.repo, ask)]
            for c in listed:
                if d.last is None or c.sha != d.last.sha:
                    commits.setdefault(c.sha, c)
            total = max(total, count)
        ordered = tuple(sorted(commits.values(), key=lambda c: c.date, reverse=True))
        return DocFile(
            path=d.path,
            text=d.text,
            last_commit=d.last,
            described_paths=described,
            code_commits_since=ordered,
            code_commit_count=max(total, len(ordered)),
        )
