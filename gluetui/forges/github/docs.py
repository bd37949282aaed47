"""Docs and the code history they should keep up with, for many GitHub repositories at once.

The listing (or the details query) already read each default branch's tree two levels deep (and
documentation directories three levels more), so docs are chosen without another call. Then,
batched across repositories:

1. every doc's text and last commit (``object(expression: "HEAD:path")``, ``history(first: 1,
   path:)``): in the details query itself on a first refresh, whose listing carried the trees, or
   in a query of their own (per :data:`~gluetui.forges.github.graphql.MAX_ALIASES` aliases);
2. only for docs older than ``stale_doc.min_age_days``, how many commits touched each code path the
   doc mentions since the doc last changed (``history(since:, path:) { totalCount }``), and whether
   mentioned paths deeper than the listed tree exist (``object(expression:)``): in the followup
   query beside the runs' jobs (:mod:`followup`), or on its own.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

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
#: Commits listed per history answer (the total comes from ``totalCount``): the newest three of
#: each path hold the newest three of all, which is what a stale doc's evidence shows.
COMMITS_LISTED = 3
MAX_DOC_CHARS = 256 * 1024

#: Files under doc directories that are not docs to read (images, archives).
_NOT_TEXT = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".pdf", ".zip", ".webp", ".drawio")


JSON = Mapping[str, Any]

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
class Doc:
    """One doc being read: its text and last commit, then the paths it mentions and what to ask
    about their history."""

    repo: str
    path: str
    text: str
    last: Commit | None
    mentioned: list[str] = field(default_factory=list)
    asks: list[gql.SinceAsk] = field(default_factory=list)


@dataclass
class HistoryPlan:
    """What the history round asks: per repository, commits since each doc changed per path,
    and whether deep paths the docs mention exist."""

    asks: dict[str, list[gql.SinceAsk]] = field(default_factory=dict)
    exists: dict[str, list[str]] = field(default_factory=dict)

    def weight(self, repo: str) -> int:
        return len(self.asks.get(repo, ())) + len(self.exists.get(repo, ()))

    def repos(self) -> list[str]:
        return sorted({*self.asks, *self.exists})


class DocsReader:
    """Reads the docs of many repositories: texts, then the code history they should follow.

    The steps are separate so the forge can put them into the queries it sends anyway (the
    details query reads texts when the listing carried the tree; the followup query carries the
    history): :meth:`choose`, :meth:`texts` (or :meth:`parse_texts` of another query's answer),
    :meth:`plan`, :meth:`take_history`, :meth:`finish`; the reader (:mod:`reader`) runs them in its rounds.
    """

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
        #: Batch sizes (repositories per query) that worked, per round.
        self.sizes: dict[str, int] = {"docs": 1000, "history": 1000}

    def fail(self, repo: str, title: str, hint: str = "") -> None:
        self.failed.setdefault(repo, (title, hint or "Its docs are read again next refresh."))

    def choose(self, trees: Mapping[str, RepoTree]) -> dict[str, list[str]]:
        """The doc paths to read per repository (a repository whose doc path cannot be sent
        fails its docs, named)."""
        chosen: dict[str, list[str]] = {}
        for repo, t in trees.items():
            paths = sorted(
                p
                for p in t.files
                if is_doc(p, self.settings.doc_globs) and not p.lower().endswith(_NOT_TEXT)
            )[: self.settings.max_docs_per_repo]
            bad = [p for p in paths if not sendable(p)]
            if bad or not sendable(repo):
                self.fail(
                    repo,
                    f"A doc path in {clean(repo, 100)} is not valid Unicode and cannot be asked "
                    f"for ({clean(bad[0] if bad else repo, 80)}).",
                    "Its other items refresh; its docs keep their last state.",
                )
                paths = [p for p in paths if sendable(p)]
            chosen[repo] = paths if sendable(repo) else []
        return chosen

    def pause(self, exc: RateLimited, repos: Iterable[str]) -> None:
        """A rate limit stopped the docs of ``repos``: all or nothing, read again next time."""
        for repo in repos:
            self.fail(repo, exc.title, exc.hint)

    def finish(
        self, docs: Sequence[Doc], trees: Mapping[str, RepoTree]
    ) -> dict[str, tuple[DocFile, ...]]:
        """The DocFiles of every repository of ``trees`` not in :attr:`failed`."""
        out: dict[str, list[DocFile]] = {repo: [] for repo in trees if repo not in self.failed}
        for d in docs:
            if d.repo not in out:
                continue
            tree = trees[d.repo]
            d.asks = [a for a in d.asks if (d.repo, a) in self._answers]
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
        self.fail(
            repo,
            f"GitHub sent docs gluetui cannot read for {clean(repo, 100)} ({type(exc).__name__}).",
        )

    async def texts(self, chosen: Mapping[str, list[str]]) -> list[Doc]:
        """Texts and last commits of ``chosen`` docs, in batches (halved when GitHub gives up)."""
        docs: list[Doc] = []

        async def call(batch: list[str]) -> None:
            asked = {repo: chosen[repo] for repo in batch}
            query, variables = gql.docs_query(asked)
            result = await self._run(query, variables, "doc texts", batch)
            if result is None:
                return
            for i, (repo, paths) in enumerate(asked.items()):
                if f"r{i}" in result.alias_errors:
                    kind, message = result.alias_errors[f"r{i}"]
                    self.fail(repo, *gql.repo_error_text(repo, kind, message))
                    continue
                node = conv.obj(result.data.get(f"r{i}"))
                target = conv.obj(conv.obj(node.get("ref")).get("target"))
                docs.extend(self.parse_texts(repo, paths, node, target))

        halving: Halving[str] = Halving(
            self.sizes["docs"],
            weight=lambda repo: max(1, 2 * len(chosen[repo])),
            max_weight=gql.MAX_ALIASES,
        )
        await halving.run(list(chosen), call, self._too_big)
        self.sizes["docs"] = halving.size
        return docs

    def parse_texts(
        self, repo: str, paths: Sequence[str], node: Mapping[str, object], target: JSON
    ) -> list[Doc]:
        """Docs from ``f{j}`` texts on ``node`` and ``h{j}`` last commits on ``target``; a
        repository whose answer cannot be read fails its docs (returns none)."""
        try:
            out = []
            for j, path in enumerate(paths):
                blob = conv.obj(node.get(f"f{j}"))
                if not blob or blob.get("isBinary") or not isinstance(blob.get("text"), str):
                    continue  # vanished since the tree was listed, binary, or too big
                hist = conv.nodes(target.get(f"h{j}"))
                last = conv.commit_record(hist[0]) if hist else None
                text = clean(blob["text"], MAX_DOC_CHARS, single_line=False)
                out.append(Doc(repo, path, text, last))
            return out
        except UNREADABLE as exc:
            self._unreadable(repo, exc)
            return []

    def _too_big(self, repo: str, exc: gql.BatchTooBig) -> None:
        self.fail(repo, f"GitHub gave up reading the docs of {clean(repo, 100)}: {exc.title}")

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
                self.fail(repo, exc.title, exc.hint)
            return None

    def plan(self, docs: Sequence[Doc], trees: Mapping[str, RepoTree]) -> HistoryPlan:
        """The paths each doc mentions, and what the history round must ask about them."""
        plan = HistoryPlan()
        min_age = timedelta(days=self.settings.min_age_days)
        for d in docs:
            tree = trees[d.repo]
            try:
                found = (resolve(raw, d.path) for raw in self.find_paths(d.text))
                d.mentioned = list(dict.fromkeys(p for p in found if p and p != d.path))
            except UNREADABLE as exc:
                self._unreadable(d.repo, exc)
                continue
            for p in d.mentioned:
                if tree.exists(p) is None and p not in plan.exists.setdefault(d.repo, []):
                    if len(plan.exists[d.repo]) < MAX_EXISTS_PER_REPO:
                        plan.exists[d.repo].append(p)
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
            repo_asks = plan.asks.setdefault(d.repo, [])
            repo_asks.extend(a for a in d.asks if a not in repo_asks)
        plan.exists = {r: ps for r, ps in plan.exists.items() if ps}
        return plan

    def take_history(
        self,
        repo: str,
        result: gql.GraphQLResult,
        alias: str,
        plan: HistoryPlan,
        tree: RepoTree,
    ) -> None:
        """One repository's history answer (``alias`` of ``result``)."""
        try:
            node = conv.obj(result.data.get(alias))
            target = conv.obj(conv.obj(node.get("ref")).get("target"))
            for j, ask in enumerate(plan.asks.get(repo, ())):
                hist = conv.obj(target.get(f"s{j}"))
                commits = [c for c in map(conv.commit_record, conv.nodes(hist)) if c]
                self._answers[(repo, ask)] = (commits, conv.int_of(hist.get("totalCount"), 0))
            for j, path in enumerate(plan.exists.get(repo, ())):
                if node.get(f"x{j}"):
                    tree.verified.add(path)
                else:
                    tree.expanded.add(posixpath.dirname(path))
                    tree.verified.discard(path)
            if alias in result.alias_errors:
                tree.complete = False
        except UNREADABLE as exc:
            self._unreadable(repo, exc)

    def _doc_file(self, d: Doc, described: tuple[str, ...]) -> DocFile:
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
