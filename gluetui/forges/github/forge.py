"""The GitHub forge (github.com and GitHub Enterprise Server), fetched with as few calls as possible.

A first refresh of N organisation repositories costs ``N / 50`` GraphQL queries that list them with
their metadata, open PRs and shallow trees (:mod:`github_discover`; explicitly configured
repositories: batches of 40), a few more for the doc texts and the code history since each
stale-enough doc (:mod:`github_docs`), one for the jobs of ~400 runs a detector needs
(:mod:`github_jobs`) and one for the viewer's teams; and exactly one REST call per repository, its
conditional runs listing (:mod:`github_runs`). Later refreshes list only the repositories' change
stamps (100 a query, 1 point) and re-read just the repositories whose stamp moved
(:mod:`github_repocache`); an unchanged runs listing is a 304, free of rate limit.
Actions go through PyGithub (:mod:`.actions`, :mod:`.pygithub`).

GitHub's limits are part of the plan (:mod:`github_limits`): no query is sent over the node limit,
a batch GitHub gives up on is halved down to the one repository that fails (:mod:`github_batching`,
the size that worked is kept for the source), the per-minute limits are paced by the session, and
at the edge of the hourly budget the refresh stops reading new repositories, finishes those it
read, and reports the rest as paused until the budget returns: everything read is stored, so the
next refresh continues where this one stopped. A repository whose answer cannot be used fails
alone; only a failure of the whole source (token, network) raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import ForgeError, RateLimited
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, Forge, Progress
from gluetui.forges.github import actions, limits
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github.auth import auth_hint, classify
from gluetui.forges.github.batching import Halving
from gluetui.forges.github.discover import Lister, RepoFailed
from gluetui.forges.github.docs import DocsReader, RepoTree, doc_dirs
from gluetui.forges.github.jobs import JobsReader
from gluetui.forges.github.pygithub import WRITE_SPACING_SECONDS, PyGithubSession
from gluetui.forges.github.repocache import (
    RepoCache,
    RepoEntry,
    get_sizes,
    put_sizes,
    settings_key,
    valid_until,
)
from gluetui.forges.github.runs import build_runs, jobs_wanted, list_runs, rest_jobs
from gluetui.forges.http import (
    HttpCache,
    HttpSession,
    Unreachable,
    make_client,
    sendable,
    spent_title,
)
from gluetui.records import (
    DocFile,
    PullRequest,
    RateLimit,
    Repo,
    RepoData,
    RepoError,
    Run,
    SourceData,
    TestResult,
)
from gluetui.textsafe import clean

__all__ = ["GitHubForge", "auth_hint", "classify"]

#: Open pull requests read per repository (first page 50, then pages of 100).
MAX_PULLS = 500
API_VERSION = "2022-11-28"
#: GraphQL points kept back per repository being read, for its docs and jobs queries: reading
#: details stops while the budget can still finish what it started.
RESERVE_POINTS_PER_REPO = 2
#: Batch sizes a source starts from (smaller ones are learnt when GitHub gives up on these).
DEFAULT_SIZES = {
    "repos": gql.BATCH_SIZE,
    "page": gql.DETAIL_PAGE,
    "docs": 1000,
    "history": 1000,
    "jobs": 1000,
}

_STAT_KEYS = ("requests", "not_modified", "graphql_queries", "graphql_points", "rest_calls")

_Found = tuple[Repo, list[PullRequest], RepoTree]


def teams_of(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The viewer's ``org/team`` slugs from a query that asked for them."""
    return tuple(
        sorted(
            clean(t.get("combinedSlug"), 200)
            for org in conv.nodes(conv.obj(data.get("viewer")).get("organizations"))
            for t in conv.nodes(org.get("teams"))
            if isinstance(t.get("combinedSlug"), str) and t.get("combinedSlug")
        )
    )


def unreadable(repo: str, exc: BaseException) -> RepoError:
    """A repository whose answer broke the parser: it fails, named, and keeps its last items."""
    return RepoError(
        repo,
        f"GitHub sent data gluetui cannot read for {clean(repo, 100)} "
        f"({type(exc).__name__}: {clean(str(exc), 100)}).",
        "Its last items are kept; the next refresh reads it again.",
    )


@dataclass
class _Refresh:
    """The state of one refresh, shared by its stages."""

    now: datetime
    report: Progress
    errors: list[RepoError] = field(default_factory=list)
    found: dict[str, _Found] = field(default_factory=dict)
    paused: RateLimited | None = None
    total: int = 1

    def failed(self) -> set[str]:
        return {e.repo for e in self.errors if not e.kinds}


class GitHubForge(Forge):
    """One configured GitHub source."""

    kind = "github"
    dialect = "github"

    def __init__(
        self, source: SourceConfig, config: Config, session: HttpSession, writer: PyGithubSession
    ) -> None:
        self.name = source.name
        self.host = source.host
        self.source = source
        self.config = config
        self.session = session
        self.graphql_url = gql.graphql_url(source.api_url)
        self._branches: dict[str, str] = {}
        self._actions = actions.Actions(writer, lambda repo: self._branches.get(repo, ""))
        self._store = RepoCache(session.cache, source.host)
        #: Batch sizes that worked for this source (see DEFAULT_SIZES).
        self.sizes: dict[str, int] = dict(DEFAULT_SIZES)

    @classmethod
    def from_config(
        cls,
        source: SourceConfig,
        config: Config,
        *,
        token: str,
        cache: HttpCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        write_spacing: float | None = WRITE_SPACING_SECONDS,
    ) -> GitHubForge:
        """Build the adapter; the token goes into the clients' auth and nowhere else.

        ``transport`` replaces the reads' HTTP transport (tests); ``write_spacing`` is the pause
        PyGithub keeps between two writes (None: none, for tests).
        """
        concurrency = min(source.max_concurrency, limits.MAX_CONCURRENT - 2)
        client = make_client(
            source.api_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "gluetui",
            },
            timeout=source.timeout_seconds,
            ca_bundle=source.ca_bundle,
            max_concurrency=concurrency,
            transport=transport,
        )
        session = HttpSession(
            client,
            label="GitHub",
            source=source.name,
            auth_hint=auth_hint(source),
            cache=cache,
            max_concurrency=concurrency,
            classify=classify(source),
            timeout=source.timeout_seconds,
            per_minute={
                "rest": limits.REST_POINTS_PER_MINUTE,
                "graphql": limits.GRAPHQL_POINTS_PER_MINUTE,
            },
        )
        writer = PyGithubSession(
            source, token, auth_hint=auth_hint(source), write_spacing=write_spacing
        )
        return cls(source, config, session, writer)

    def __repr__(self) -> str:
        return f"GitHubForge(name={self.name!r}, host={self.host!r})"

    @property
    def rate_limits(self) -> tuple[RateLimit, ...]:
        return self.session.rate_limits

    def action_specs(self) -> Mapping[str, ActionSpec]:
        return actions.SPECS

    def describe(self, request: ActionRequest) -> str:
        return actions.describe(self.source.api_url, request)

    async def perform(self, request: ActionRequest) -> ActionResult:
        return await self._actions.perform(request)

    async def aclose(self) -> None:
        self._actions.close()
        await self.session.aclose()

    # -- the refresh --------------------------------------------------------------------------

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        report = progress or (lambda done, total, what: None)
        run = _Refresh(now, report)
        self.session.fatal = None
        self.sizes = {**DEFAULT_SIZES, **get_sizes(self.session.cache, self.host, self.name, now)}

        def waiting(until: datetime, why: str) -> None:
            when = until.astimezone().strftime("%H:%M:%S")
            report(len(run.found), run.total, f"waiting for {why} until {when}")

        self.session.on_wait = waiting
        try:
            return await self._fetch(run)
        finally:
            self.session.on_wait = None
            put_sizes(self.session.cache, self.host, self.name, self.sizes, now)

    async def _fetch(self, run: _Refresh) -> SourceData:
        now, report = run.now, run.report
        before = dict(self.session.stats)
        settings = self.config.detectors
        dirs = doc_dirs(settings.stale_doc.doc_globs)
        skey = settings_key(settings.stale_doc.model_dump_json(), dirs, MAX_PULLS, self.host)
        # Nothing stored yet: every repository will be read, so the listing reads them as it goes.
        cold = not self._store.seen(skey)
        lister = Lister(
            self.session,
            self.graphql_url,
            self.source,
            page=self.sizes["page"],
            affordable=lambda points, reading: self._affordable(points, reading),
            parse_node=lambda full, node: self._parse_listed(full, node, dirs),
            pause=lambda exc: self._pause(run, exc),
        )
        listing = await lister.run(dirs, details=cold)
        self.sizes["page"] = lister.page
        names = listing.names
        run.errors += listing.errors
        run.found.update(listing.listed)
        run.total = len(names) + 1
        report(len(run.found), run.total, "repositories")
        # Unchanged repositories (same stamp as stored) cost no GraphQL; only their runs listing,
        # a 304 when nothing ran.
        cached: dict[str, RepoEntry] = {}
        for name in names:
            entry = self._store.get(name, listing.stamps.get(name, ""), skey, now)
            if entry is not None:
                cached[name] = entry
        todo = [n for n in names if n not in cached and n not in run.found]
        # Each repository's runs listing (REST, concurrent) starts as soon as its default branch
        # is known, so they overlap the next batches' queries and then the docs queries.
        listings: dict[str, asyncio.Future[list[Mapping[str, Any]]]] = {}
        for name, entry in cached.items():
            listings[name] = asyncio.ensure_future(self._list_runs(entry.repo, now))
        for name, (repo, _, _) in run.found.items():
            listings[name] = asyncio.ensure_future(self._list_runs(repo, now))
        try:
            teams = await self._read(run, todo, dirs, listing.viewer, listings)
            # Docs (GraphQL, serialised) overlap the runs listings and their jobs query, and the
            # viewer's teams when no batch carried them (the second GraphQL lane).
            teams_task = (
                asyncio.ensure_future(self._teams(listing.viewer, now)) if teams is None else None
            )
            docs = await self._docs(run)
            if teams_task is not None:
                teams = await teams_task
            stored = self._store_entries(run, docs, listing.stamps, skey)
            failed = run.failed()
            order = [n for n in names if n in listings and n not in failed]
            for name in set(listings) - set(order):
                listings.pop(name).cancel()  # read elsewhere, or failed before its runs mattered
            repos = [run.found[n][0] if n in run.found else cached[n].repo for n in order]
            run_results = await self._all_runs(run, repos, [listings[n] for n in order])
        except BaseException:
            # The refresh fails; do not leave the listings behind.
            pending = list(listings.values())
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            raise
        out: list[RepoData] = []
        for name, repo, runs in zip(order, repos, run_results, strict=True):
            if isinstance(runs, RepoError):
                run.errors.append(runs)
                continue
            entry = cached.get(name) or stored.get(name)
            if entry is None:
                _, pulls, tree = run.found[name]
                entry = RepoEntry(
                    repo=repo,
                    pulls=tuple(pulls),
                    docs=docs.get(repo.full_name, ()),
                    tree=tree.paths(),
                    tree_complete=tree.complete,
                    valid_until=now,
                )
            out.append(
                RepoData(
                    repo=entry.repo,
                    pulls=entry.pulls,
                    runs=runs,
                    docs=entry.docs,
                    tree=entry.tree,
                    tree_complete=entry.tree_complete,
                )
            )
        if stored or run.paused is None:
            # What was read is stored: the next refresh lists stamps and reads only the rest.
            self._store.mark_seen(skey, now)
        report(run.total, run.total, "paused" if run.paused else "done")
        stats = {k: v - before.get(k, 0) for k, v in self.session.stats.items()}
        return SourceData(
            source=self.name,
            host=self.host,
            repos=tuple(out),
            errors=_dedupe(run.errors),
            viewer=listing.viewer,
            viewer_teams=teams or (),
            rate_limits=self.rate_limits,
            stats={k: stats.get(k, 0) for k in sorted({*stats, *_STAT_KEYS})},
            paused_until=run.paused.reset_at if run.paused else None,
        )

    # -- budget -------------------------------------------------------------------------------

    def _affordable(self, points: int, reading: int) -> bool:
        """Whether the GraphQL budget pays for ``points`` more and still finishes the docs and
        jobs of the ``reading`` repositories read so far (unknown budget: yes)."""
        limit = self.session.limits.get("graphql")
        if limit is None or limit.remaining is None or limit.reset_at is None:
            return True
        if limit.reset_at <= self.session.clock():
            return True
        return limit.remaining >= points + RESERVE_POINTS_PER_REPO * reading

    def _budget_pause(self) -> RateLimited:
        limit = self.session.limits.get("graphql")
        reset = limit.reset_at if limit and limit.reset_at else self.session.clock()
        return RateLimited(
            spent_title("GitHub GraphQL", reset),
            f"Source '{self.name}' stopped reading new repositories at the edge of the hourly "
            "budget; what it read is kept, and the next refresh after that time continues.",
            reset_at=reset,
        )

    def _pause(self, run: _Refresh, exc: RateLimited) -> None:
        if run.paused is None or (
            exc.reset_at is not None
            and run.paused.reset_at is not None
            and exc.reset_at > run.paused.reset_at
        ):
            run.paused = exc

    def _paused_error(self, repo: str, exc: RateLimited, kinds: tuple[str, ...] = ()) -> RepoError:
        until = exc.reset_at.astimezone().strftime("%H:%M") if exc.reset_at else "later"
        return RepoError(
            repo,
            f"{clean(repo, 100)} waits for the rate limit ({until}): {exc.title}",
            "Its last items are kept; the next refresh after that time reads it.",
            kinds,
        )

    # -- repository details -------------------------------------------------------------------

    async def _read(
        self,
        run: _Refresh,
        todo: Sequence[str],
        dirs: Sequence[str],
        viewer: str,
        listings: dict[str, asyncio.Future[list[Mapping[str, Any]]]],
    ) -> tuple[str, ...] | None:
        """Details of ``todo`` in batches (halved when GitHub gives up); the viewer's teams come
        with the first batch that passes. Stops, pausing the rest, at the budget's edge."""
        teams: tuple[str, ...] | None = None
        pending = [n for n in todo if sendable(n)]
        for name in todo:
            if not sendable(name):
                run.errors.append(
                    RepoError(
                        name,
                        f"The repository name {clean(name, 100)} is not valid Unicode and cannot "
                        "be asked for.",
                        "Check the name in the source's repos.",
                    )
                )
        done: set[str] = set()

        async def call(batch: list[str]) -> None:
            nonlocal teams
            carry = teams is None and bool(viewer)
            query, variables = gql.repos_query(batch, doc_dirs=dirs, with_teams=carry)
            if carry:
                variables["login"] = viewer
            points = limits.cost(query, variables).points
            if not self._affordable(points, len(run.found) + len(batch)):
                raise self._budget_pause()
            try:
                result = await gql.run_query(
                    self.session, self.graphql_url, query, variables, what="repository details"
                )
            except (gql.BatchTooBig, RateLimited, Unreachable):
                raise
            except ForgeError as exc:
                if exc.status == 401:
                    raise
                run.errors += [RepoError(n, exc.title, exc.hint) for n in batch]
                done.update(batch)
                return
            for i, full in enumerate(batch):
                done.add(full)
                node = conv.obj(result.data.get(f"r{i}"))
                failure = result.alias_errors.get(f"r{i}")
                if failure is not None or not node:
                    kind, message = failure or ("NULL", "")
                    run.errors.append(RepoError(full, *gql.repo_error_text(full, kind, message)))
                    continue
                try:
                    found = await self._parse_listed(full, node, dirs)
                except RepoFailed as exc:
                    run.errors.append(exc.error)
                    continue
                run.found[found[0].full_name] = found
                listings[found[0].full_name] = asyncio.ensure_future(
                    self._list_runs(found[0], run.now)
                )
            if carry:
                teams = teams_of(result.data)
                self._store.put_teams(viewer, teams, run.now)
            run.report(len(run.found) + len(run.errors), run.total, "repositories")

        def too_big(name: str, exc: gql.BatchTooBig) -> None:
            done.add(name)
            run.errors.append(
                RepoError(
                    name,
                    f"GitHub gave up reading {clean(name, 100)} even on its own: {exc.title}",
                    "Its last items are kept; the next refresh tries again.",
                )
            )

        halving: Halving[str] = Halving(self.sizes["repos"])
        try:
            await halving.run(pending, call, too_big)
        except RateLimited as exc:
            self._pause(run, exc)
            run.errors += [self._paused_error(n, exc) for n in pending if n not in done]
        self.sizes["repos"] = halving.size
        return teams

    async def _parse_listed(
        self, full: str, node: Mapping[str, Any], dirs: Sequence[str]
    ) -> _Found:
        """A repository node, or :class:`RepoFailed` naming it."""
        try:
            return await self._parse_node(full, node, dirs)
        except (RateLimited, Unreachable):
            raise
        except ForgeError as exc:
            if exc.status == 401:
                raise
            raise RepoFailed(RepoError(full, exc.title, exc.hint)) from None
        except Exception as exc:  # a malformed answer fails its repository, never the source
            raise RepoFailed(unreadable(full, exc)) from None

    async def _parse_node(
        self, full: str, node: Mapping[str, Any], dirs: Sequence[str]
    ) -> tuple[Repo, list[PullRequest], RepoTree]:
        """A repository node carrying ``...RepoFields`` (and ``d0``... deep doc trees)."""
        repo = conv.repo_record(self.host, node)
        if repo.full_name.lower() != full.lower():
            # An answer about another repository than the one asked for is not its data.
            raise ForgeError(
                f"GitHub answered for {clean(repo.full_name, 100) or 'nothing'} when asked for "
                f"{clean(full, 100)}.",
                "The next refresh asks again; its last items are kept.",
                status=200,
            )
        self._branches[repo.full_name] = repo.default_branch
        conn = conv.obj(node.get("pullRequests"))
        pulls = [p for p in (conv.pull_record(full, n) for n in conv.nodes(conn)) if p]
        page = conv.obj(conn.get("pageInfo"))
        if page.get("hasNextPage"):
            pulls += await self._more_pulls(full, str(page.get("endCursor") or ""))
        tree = RepoTree()
        if node.get("tree"):
            tree.expanded.add("")
            conv.tree_paths(node["tree"], tree.files, tree.dirs, tree.expanded)
        for k, path in enumerate(dirs):
            deep = node.get(f"d{k}")
            if deep:
                tree.expanded.add(path)
                conv.tree_paths(deep, tree.files, tree.dirs, tree.expanded)
        return repo, pulls, tree

    async def _more_pulls(self, full: str, cursor: str) -> list[PullRequest]:
        owner, name = gql.split_repo(full)
        out: list[PullRequest] = []
        seen: set[str] = set()
        # A cursor seen before means the server is looping: stop rather than ask forever.
        while cursor and cursor not in seen and len(out) < MAX_PULLS:
            seen.add(cursor)
            result = await gql.run_query(
                self.session,
                self.graphql_url,
                gql.more_pulls_query(),
                {"owner": owner, "name": name, "after": cursor},
                what=f"the open pull requests of {full}",
            )
            conn = conv.obj(conv.obj(result.data.get("repository")).get("pullRequests"))
            out += [p for p in (conv.pull_record(full, n) for n in conv.nodes(conn)) if p]
            page = conv.obj(conn.get("pageInfo"))
            cursor = str(page.get("endCursor") or "") if page.get("hasNextPage") else ""
        return out

    async def _teams(self, viewer: str, now: datetime) -> tuple[str, ...]:
        """The viewer's teams when no repository batch asked for them (all were unchanged)."""
        if not viewer:
            return ()
        stored = self._store.get_teams(viewer, now)
        if stored is not None:
            return stored
        try:
            result = await gql.run_query(
                self.session,
                self.graphql_url,
                gql.teams_query(),
                {"login": viewer},
                what="your teams",
            )
        except (RateLimited, gql.BatchTooBig):
            return ()  # "review requested from my team" waits for the next refresh
        teams = teams_of(result.data)
        self._store.put_teams(viewer, teams, now)
        return teams

    # -- docs ---------------------------------------------------------------------------------

    async def _docs(self, run: _Refresh) -> dict[str, tuple[DocFile, ...]]:
        """Docs of the repositories read this time; a repository whose docs fail keeps its
        last stale-doc items (the failure names it), the others carry on."""
        settings = self.config.detectors.stale_doc
        if not settings.enabled or not run.found:
            return {}
        trees = {name: tree for name, (_, _, tree) in run.found.items()}
        reader = DocsReader(self.session, self.graphql_url, settings, run.now)
        reader.sizes = {"docs": self.sizes["docs"], "history": self.sizes["history"]}
        docs = await reader.read(trees)
        self.sizes.update(reader.sizes)
        if reader.paused is not None:
            self._pause(run, reader.paused)
        for repo, (title, hint) in reader.failed.items():
            run.errors.append(RepoError(repo, title, hint, ("stale_doc",)))
            trees[repo].complete = False
        return docs

    def _store_entries(
        self,
        run: _Refresh,
        docs: Mapping[str, tuple[DocFile, ...]],
        stamps: Mapping[str, str],
        skey: str,
    ) -> dict[str, RepoEntry]:
        """Store what GraphQL gave for each repository read in full, before the runs: a refresh
        paused later (REST budget) does not read it again."""
        enabled = self.config.detectors.stale_doc.enabled
        min_age = timedelta(days=self.config.detectors.stale_doc.min_age_days)
        failed_docs = {e.repo for e in run.errors if "stale_doc" in e.kinds}
        out: dict[str, RepoEntry] = {}
        for name, (repo, pulls, tree) in run.found.items():
            if name in failed_docs:
                continue
            repo_docs = docs.get(repo.full_name, ())
            entry = RepoEntry(
                repo=repo,
                pulls=tuple(pulls),
                docs=repo_docs,
                tree=tree.paths(),
                tree_complete=tree.complete,
                valid_until=valid_until(repo_docs, run.now, min_age),
            )
            out[name] = entry
            if tree.complete and (repo.full_name in docs or not enabled):
                self._store.put(entry, stamps.get(name, ""), skey, run.now)
        return out

    # -- runs ---------------------------------------------------------------------------------

    def _repo_error(self, run: _Refresh, repo: str, exc: BaseException) -> RepoError | None:
        """A per-repository failure as a RepoError; None when it concerns the whole source."""
        if isinstance(exc, RateLimited):
            self._pause(run, exc)
            return self._paused_error(repo, exc)
        if isinstance(exc, Unreachable) or (isinstance(exc, ForgeError) and exc.status == 401):
            return None
        if isinstance(exc, ForgeError):
            return RepoError(repo, exc.title, exc.hint)
        if isinstance(exc, Exception):
            return unreadable(repo, exc)
        return None

    async def _all_runs(
        self,
        run: _Refresh,
        repos: Sequence[Repo],
        listings: Sequence[asyncio.Future[list[Mapping[str, Any]]]],
    ) -> list[tuple[Run, ...] | RepoError]:
        """Every repository's runs: one REST listing each, then all their jobs in GraphQL.

        A per-repository failure is returned in that repository's place; a failure of the whole
        source (bad token, network) raises.
        """
        listed = await asyncio.gather(*listings, return_exceptions=True)
        results: dict[str, list[Mapping[str, Any]] | RepoError] = {}
        for repo, got in zip(repos, listed, strict=True):
            name = repo.full_name
            if isinstance(got, BaseException):
                err = self._repo_error(run, name, got)
                if err is None:
                    raise got
                results[name] = err
            else:
                results[name] = got
        wanted: dict[str, list[Mapping[str, Any]]] = {}
        rest_only: dict[str, list[Mapping[str, Any]]] = {}
        asked: dict[str, list[Mapping[str, Any]]] = {}
        stored: dict[str, tuple[dict[str, list[Mapping[str, Any]]], dict[str, list[TestResult]]]]
        stored = {}
        for name, listing in list(results.items()):
            if isinstance(listing, RepoError):
                continue
            try:
                need = jobs_wanted(listing)
            except Exception as exc:  # a malformed run fails its repository
                results[name] = unreadable(name, exc)
                continue
            hit = self._store.get_jobs(name, need) if need else None
            if hit is not None:
                stored[name] = hit  # the same runs as last time: their jobs are known
                continue
            if need:
                asked[name] = need
            for r in need:
                into = wanted if r.get("node_id") else rest_only
                into.setdefault(name, []).append(r)
        jobs = await self._graph_jobs(run, wanted, results)
        for name, got in jobs.items():
            missing = [r for r in wanted[name] if str(r.get("id")) in got.missing]
            if missing:
                rest_only.setdefault(name, []).extend(missing)
        rest_only = {n: r for n, r in rest_only.items() if not isinstance(results[n], RepoError)}
        extra = await asyncio.gather(
            *(rest_jobs(self.session, name, runs) for name, runs in rest_only.items()),
            return_exceptions=True,
        )
        by_rest = dict(zip(rest_only, extra, strict=True))
        out: list[tuple[Run, ...] | RepoError] = []
        for repo in repos:
            name = repo.full_name
            repo_runs = results[name]
            fallback = by_rest.get(name)
            if isinstance(repo_runs, RepoError):
                out.append(repo_runs)
                continue
            if isinstance(fallback, BaseException):
                err = self._repo_error(run, name, fallback)
                if err is None:
                    raise fallback
                out.append(err)
                continue
            try:
                graph = jobs.get(name)
                run_jobs: dict[str, list[Mapping[str, Any]]] = dict(graph.jobs) if graph else {}
                tests = dict(graph.tests) if graph else {}
                if fallback is not None:
                    run_jobs.update(fallback[0])
                    tests.update(fallback[1])
                if name in stored:
                    run_jobs, tests = stored[name]
                built = build_runs(name, repo_runs, run_jobs, tests)
                if name in asked and name not in stored:
                    self._store.put_jobs(name, asked[name], run_jobs, tests, run.now)
            except Exception as exc:  # a malformed run or job fails its repository
                out.append(unreadable(name, exc))
                continue
            out.append(built)
        return out

    async def _graph_jobs(
        self,
        run: _Refresh,
        wanted: Mapping[str, list[Mapping[str, Any]]],
        results: dict[str, list[Mapping[str, Any]] | RepoError],
    ) -> dict[str, Any]:
        """Jobs through GraphQL; a repository whose jobs fail (or wait for the budget) fails."""
        if not wanted:
            return {}
        reader = JobsReader(self.session, self.graphql_url, self.sizes["jobs"])
        try:
            jobs = await reader.read(wanted)
        except RateLimited as exc:
            self._pause(run, exc)
            for name in wanted:
                results[name] = self._paused_error(name, exc)
            return {}
        finally:
            self.sizes["jobs"] = reader.size
        for name, (title, hint) in reader.failed.items():
            results[name] = RepoError(name, title, hint)
        return jobs

    async def _list_runs(self, repo: Repo, now: datetime) -> list[Mapping[str, Any]]:
        dets = self.config.detectors
        if not repo.default_branch or not (dets.broken_ci.enabled or dets.flaky_test.enabled):
            return []  # an empty repository has no branch and no runs
        if not sendable(repo.full_name) or not sendable(repo.default_branch):
            raise ForgeError(
                f"{clean(repo.full_name, 100)} has a name or branch that is not valid Unicode; "
                "its runs cannot be asked for.",
            )
        window = self.config.detectors.flaky_test.window_days
        return await list_runs(self.session, repo.full_name, repo.default_branch, now, window)


def _dedupe(errors: Sequence[RepoError]) -> tuple[RepoError, ...]:
    """One error per repository and scope: a whole-repository failure makes its narrower ones
    redundant, and the first reason given is kept."""
    whole = {e.repo.lower() for e in errors if not e.kinds}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out: list[RepoError] = []
    for e in errors:
        key = (e.repo.lower(), e.kinds)
        if key in seen or (e.kinds and e.repo.lower() in whole):
            continue
        seen.add(key)
        out.append(e.named())
    return tuple(out)
