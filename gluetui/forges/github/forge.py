"""The GitHub forge (github.com and GitHub Enterprise Server), fetched with as few calls as possible.

A first refresh of N organisation repositories costs ``N / 50`` GraphQL queries that list them with
their metadata, open PRs and shallow trees (explicitly configured repositories: batches of 40), a
few more for the doc texts and the code history since each stale-enough doc (:mod:`github_docs`),
one for the jobs of ~400 runs a detector needs (:mod:`github_jobs`) and one for the viewer's teams;
and exactly one REST call per repository, its conditional runs listing (:mod:`github_runs`).
Later refreshes list only the repositories' change stamps (100 a query, 1 point) and re-read just
the repositories whose stamp moved (:mod:`github_repocache`); an unchanged runs listing is a 304,
free of rate limit. Actions go through PyGithub (:mod:`.actions`, :mod:`.pygithub`).
"""

from __future__ import annotations

import asyncio
import fnmatch
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import AuthError, ForgeError, GluetuiError, RateLimited
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, Forge, Progress
from gluetui.forges.github import actions
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github.docs import DocsReader, RepoTree, doc_dirs
from gluetui.forges.github.jobs import fetch_jobs
from gluetui.forges.github.pygithub import WRITE_SPACING_SECONDS, PyGithubSession
from gluetui.forges.github.repocache import (
    RepoCache,
    RepoEntry,
    settings_key,
    stamp_of,
    valid_until,
)
from gluetui.forges.github.runs import build_runs, jobs_wanted, list_runs, rest_jobs
from gluetui.forges.http import HttpCache, HttpSession, Reply, make_client
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

#: Open pull requests read per repository (first page 50, then pages of 100).
MAX_PULLS = 500
#: Pages of repositories read per organisation or user (100 each).
MAX_OWNER_PAGES = 20
API_VERSION = "2022-11-28"
#: Explicitly configured repositories whose change stamps one listing query reads.
STAMPS_PER_QUERY = 100


def auth_hint(source: SourceConfig) -> str:
    """How to fix a rejected token, naming where this source takes it from (never the token)."""
    where = (
        f"the environment variable {source.token_env}"
        if source.token_env
        else (
            "the output of token_command"
            if source.token_command
            else "GITHUB_TOKEN (or GH_TOKEN), or set token_env / token_command "
            '(e.g. ["gh", "auth", "token"])'
        )
    )
    return (
        f"Put a valid token in {where}. Create one at https://{source.host}/settings/tokens: "
        f"classic with the repo and read:org scopes, or fine-grained with read access to Actions, "
        f"Contents, Metadata and Pull requests."
    )


def classify(source: SourceConfig) -> Any:
    """GitHub's 403s that are about the token (missing scope or permission), as AuthError."""

    def check(reply: Reply, what: str) -> GluetuiError | None:
        if reply.status != 403:
            return None
        accepted = reply.headers.get("x-accepted-oauth-scopes", "")
        granted = {s.strip() for s in reply.headers.get("x-oauth-scopes", "").split(",")}
        needed = [s.strip() for s in accepted.split(",") if s.strip()]
        if needed and not any(s in granted for s in needed):
            return AuthError(
                f"The token for source '{source.name}' lacks the {' or '.join(needed)} scope "
                f"GitHub needs for {what} (403).",
                auth_hint(source),
                status=403,
            )
        text = reply.body[:2000].decode("utf-8", "replace").lower()
        if "resource not accessible" in text:
            return AuthError(
                f"The token for source '{source.name}' lacks a permission GitHub needs for {what} "
                "(403).",
                "A fine-grained token needs read access to Actions, Contents, Metadata and Pull "
                "requests (and write access to Actions, Issues and Pull requests for actions).",
                status=403,
            )
        if "saml" in text:
            return AuthError(
                f"GitHub needs the token for source '{source.name}' authorised for SAML SSO "
                f"({what}).",
                f"Authorise the token for the organisation at https://{source.host}/settings/tokens.",
                status=403,
            )
        return None

    return check


def teams_of(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The viewer's ``org/team`` slugs from a query that asked for them."""
    return tuple(
        sorted(
            str(t.get("combinedSlug"))
            for org in conv.nodes(conv.obj(data.get("viewer")).get("organizations"))
            for t in conv.nodes(org.get("teams"))
            if t.get("combinedSlug")
        )
    )


def _matches(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), g.lower()) for g in globs)


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
            max_concurrency=source.max_concurrency,
            transport=transport,
        )
        session = HttpSession(
            client,
            label="GitHub",
            source=source.name,
            auth_hint=auth_hint(source),
            cache=cache,
            max_concurrency=source.max_concurrency,
            classify=classify(source),
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

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        before = dict(self.session.stats)
        settings = self.config.detectors
        dirs = doc_dirs(settings.stale_doc.doc_globs)
        skey = settings_key(settings.stale_doc.model_dump_json(), dirs, MAX_PULLS, self.host)
        # Nothing stored yet: every repository will be read, so the listing reads them as it goes.
        cold = not self._store.seen(skey)
        viewer, names, errors, stamps, listed = await self._discover(dirs, details=cold)
        total = len(names) + 1
        report = progress or (lambda done, total, what: None)
        report(len(listed), total, "repositories")
        # Unchanged repositories (same stamp as stored) cost no GraphQL; only their runs listing,
        # a 304 when nothing ran.
        cached: dict[str, RepoEntry] = {}
        for name in names:
            entry = self._store.get(name, stamps.get(name, ""), skey, now)
            if entry is not None:
                cached[name] = entry
        todo = [n for n in names if n not in cached and n not in listed]
        found: dict[str, _Found] = dict(listed)
        teams: tuple[str, ...] | None = None
        # Each batch's runs listings (REST, concurrent) start as soon as its default branches are
        # known, so they overlap the next batches' queries and then the docs queries.
        listings = {
            name: asyncio.ensure_future(self._list_runs(entry.repo, now))
            for name, entry in cached.items()
        }
        for name, (repo, _, _) in listed.items():
            listings[name] = asyncio.ensure_future(self._list_runs(repo, now))
        docs_task: asyncio.Future[Mapping[str, tuple[DocFile, ...]]] | None = None
        teams_task: asyncio.Future[tuple[str, ...]] | None = None
        try:
            for n, batch in enumerate(gql.chunks(todo, gql.BATCH_SIZE)):
                got, errs, batch_teams = await self._batch(batch, dirs, viewer if n == 0 else "")
                found.update(got)
                for name, (repo, _, _) in got.items():
                    listings[name] = asyncio.ensure_future(self._list_runs(repo, now))
                errors += errs
                if n == 0 and viewer:
                    teams = batch_teams
                    self._store.put_teams(viewer, teams, now)
                report(len(found) + len(cached) + len(errors), total, "repositories")
            # Docs (GraphQL, serialised) overlap the runs listings and their jobs query, and the
            # viewer's teams when no batch carried them (the second GraphQL lane).
            if teams is None:
                teams_task = asyncio.ensure_future(self._teams(viewer, now))
            docs_task = asyncio.ensure_future(self._docs(found, now))
            order = [n for n in names if n in listings]
            repos = [found[n][0] if n in found else cached[n].repo for n in order]
            run_results = await self._all_runs(repos, [listings[n] for n in order], now)
            docs = await docs_task
            if teams_task is not None:
                teams = await teams_task
        except BaseException:
            # The refresh fails; do not leave the listings or the docs queries behind.
            pending: list[asyncio.Future[Any]] = [*listings.values()]
            pending += [t for t in (docs_task, teams_task) if t is not None]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            raise
        out: list[RepoData] = []
        min_age = timedelta(days=settings.stale_doc.min_age_days)
        for name, repo, runs in zip(order, repos, run_results, strict=True):
            if isinstance(runs, BaseException):
                err = self._repo_error(repo.full_name, runs)
                if err is None:
                    raise runs
                errors.append(err)
                continue
            if name in cached:
                entry = cached[name]
            else:
                _, pulls, tree = found[name]
                repo_docs = docs.get(repo.full_name, ())
                entry = RepoEntry(
                    repo=repo,
                    pulls=tuple(pulls),
                    docs=repo_docs,
                    tree=tree.paths(),
                    tree_complete=tree.complete,
                    valid_until=valid_until(repo_docs, now, min_age),
                )
                if tree.complete and repo.full_name in docs:
                    self._store.put(entry, stamps.get(name, ""), skey, now)
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
        self._store.mark_seen(skey, now)
        report(total, total, "done")
        stats = {k: v - before.get(k, 0) for k, v in self.session.stats.items()}
        return SourceData(
            source=self.name,
            host=self.host,
            repos=tuple(out),
            errors=tuple(errors),
            viewer=viewer,
            viewer_teams=teams or (),
            rate_limits=self.rate_limits,
            stats={k: stats.get(k, 0) for k in sorted({*stats, *_STAT_KEYS})},
        )

    async def _teams(self, viewer: str, now: datetime) -> tuple[str, ...]:
        """The viewer's teams when no repository batch asked for them (all were unchanged)."""
        if not viewer:
            return ()
        stored = self._store.get_teams(viewer, now)
        if stored is not None:
            return stored
        result = await gql.run_query(
            self.session, self.graphql_url, gql.teams_query(), {"login": viewer}, what="your teams"
        )
        teams = teams_of(result.data)
        self._store.put_teams(viewer, teams, now)
        return teams

    def _repo_error(self, repo: str, exc: BaseException) -> RepoError | None:
        """A per-repository failure as a RepoError; None when it concerns the whole source."""
        if isinstance(exc, RateLimited) or not isinstance(exc, ForgeError):
            return None
        if exc.status == 401:
            return None
        return RepoError(repo, exc.title, exc.hint)

    async def _discover(
        self, dirs: Sequence[str] = (), *, details: bool = False
    ) -> tuple[str, list[str], list[RepoError], dict[str, str], dict[str, _Found]]:
        """The viewer's login, every watched repository (explicit, then orgs/users, filtered)
        and each one's change stamp (:mod:`github_repocache`); with ``details``, also the listed
        repositories' metadata, pull requests and trees (no separate batch needed for them)."""
        src = self.source
        owners: list[tuple[str, str, str | None]] = [("org", o, None) for o in src.orgs]
        owners += [("user", u, None) for u in src.users]
        names: list[str] = list(dict.fromkeys(src.repos))
        unstamped = list(names)
        stamps: dict[str, str] = {}
        listed: dict[str, _Found] = {}
        errors: list[RepoError] = []
        viewer = ""
        first = True
        for _ in range(MAX_OWNER_PAGES + len(names) // STAMPS_PER_QUERY + 1):
            if not owners and not unstamped and not first:
                break
            explicit, unstamped = unstamped[:STAMPS_PER_QUERY], unstamped[STAMPS_PER_QUERY:]
            query, variables = gql.owners_query(
                owners, with_viewer=first, stamps=explicit, details=details, doc_dirs=dirs
            )
            result = await gql.run_query(
                self.session, self.graphql_url, query, variables, what="the watched repositories"
            )
            if first:
                viewer = str(conv.obj(result.data.get("viewer")).get("login") or "")
                first = False
            for i, full in enumerate(explicit):
                stamps[full] = stamp_of(conv.obj(result.data.get(f"e{i}")))
            nxt: list[tuple[str, str, str | None]] = []
            for i, (kind, login, _) in enumerate(owners):
                if f"w{i}" in result.alias_errors or not result.data.get(f"w{i}"):
                    kind_name = "organisation" if kind == "org" else "user"
                    errors.append(
                        RepoError(
                            f"{login}/*",
                            f"GitHub {kind_name} {login} could not be listed.",
                            "Check the name in the source's orgs/users and the token's access "
                            "(read:org for private organisation repositories).",
                        )
                    )
                    continue
                conn = conv.obj(conv.obj(result.data[f"w{i}"]).get("repositories"))
                for node in conv.nodes(conn):
                    full = str(node.get("nameWithOwner", ""))
                    if self._watch(full, node) and full not in names:
                        names.append(full)
                        stamps[full] = stamp_of(node)
                        if details:
                            listed[full] = await self._parse_node(full, node, dirs)
                page = conv.obj(conn.get("pageInfo"))
                if page.get("hasNextPage") and page.get("endCursor"):
                    nxt.append((kind, login, str(page["endCursor"])))
            owners = nxt
        return viewer, names, errors, stamps, listed

    def _watch(self, full: str, node: Mapping[str, Any]) -> bool:
        src = self.source
        if node.get("isArchived") and not src.include_archived:
            return False
        if node.get("isFork") and not src.include_forks:
            return False
        return _matches(full, src.include) and not _matches(full, src.exclude)

    async def _batch(
        self, names: Sequence[str], dirs: Sequence[str], viewer: str
    ) -> tuple[
        dict[str, tuple[Repo, list[PullRequest], RepoTree]], list[RepoError], tuple[str, ...]
    ]:
        query, variables = gql.repos_query(names, doc_dirs=dirs, with_teams=bool(viewer))
        if viewer:
            variables["login"] = viewer
        result = await gql.run_query(
            self.session, self.graphql_url, query, variables, what="repository details"
        )
        found: dict[str, tuple[Repo, list[PullRequest], RepoTree]] = {}
        errors: list[RepoError] = []
        for i, full in enumerate(names):
            node = conv.obj(result.data.get(f"r{i}"))
            failure = result.alias_errors.get(f"r{i}")
            if failure is not None or not node:
                kind, message = failure or ("NOT_FOUND", "")
                errors.append(RepoError(full, *gql.repo_error_text(full, kind, message)))
                continue
            repo, pulls, tree = await self._parse_node(full, node, dirs)
            found[repo.full_name] = (repo, pulls, tree)
        return found, errors, teams_of(result.data)

    async def _parse_node(
        self, full: str, node: Mapping[str, Any], dirs: Sequence[str]
    ) -> tuple[Repo, list[PullRequest], RepoTree]:
        """A repository node carrying ``...RepoFields`` (and ``d0``... deep doc trees)."""
        repo = conv.repo_record(self.host, node)
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

    async def _docs(
        self, found: Mapping[str, tuple[Repo, Any, RepoTree]], now: datetime
    ) -> Mapping[str, tuple[DocFile, ...]]:
        settings = self.config.detectors.stale_doc
        if not settings.enabled:
            return {}
        trees = {name: tree for name, (_, _, tree) in found.items()}
        reader = DocsReader(self.session, self.graphql_url, settings, now)
        try:
            return await reader.read(trees)
        except (AuthError, RateLimited):
            raise
        except ForgeError:
            # Docs are one detector's input: without them the other panels still refresh.
            for tree in trees.values():
                tree.complete = False
            return {}

    async def _all_runs(
        self,
        repos: Sequence[Repo],
        listings: Sequence[asyncio.Future[list[Mapping[str, Any]]]],
        now: datetime,
    ) -> list[tuple[Run, ...] | BaseException]:
        """Every repository's runs: one REST listing each, then all their jobs in GraphQL.

        A per-repository failure is returned in that repository's place; a failure of the whole
        source (rate limit, bad token) raises.
        """
        listed = await asyncio.gather(*listings, return_exceptions=True)
        fatal = next(
            (r for r in listed if isinstance(r, BaseException) and not self._repo_error("", r)),
            None,
        )
        if fatal is not None:
            raise fatal
        wanted: dict[str, list[Mapping[str, Any]]] = {}
        rest_only: dict[str, list[Mapping[str, Any]]] = {}
        asked: dict[str, list[Mapping[str, Any]]] = {}
        stored: dict[str, tuple[dict[str, list[Mapping[str, Any]]], dict[str, list[TestResult]]]]
        stored = {}
        for repo, runs in zip(repos, listed, strict=True):
            if isinstance(runs, BaseException):
                continue
            need = jobs_wanted(runs)
            hit = self._store.get_jobs(repo.full_name, need) if need else None
            if hit is not None:
                stored[repo.full_name] = hit  # the same runs as last time: their jobs are known
                continue
            if need:
                asked[repo.full_name] = need
            for run in need:
                into = wanted if run.get("node_id") else rest_only
                into.setdefault(repo.full_name, []).append(run)
        jobs = await fetch_jobs(self.session, self.graphql_url, wanted) if wanted else {}
        for name, got in jobs.items():
            missing = [r for r in wanted[name] if str(r.get("id")) in got.missing]
            if missing:
                rest_only.setdefault(name, []).extend(missing)
        extra = await asyncio.gather(
            *(rest_jobs(self.session, name, runs) for name, runs in rest_only.items()),
            return_exceptions=True,
        )
        by_rest = dict(zip(rest_only, extra, strict=True))
        out: list[tuple[Run, ...] | BaseException] = []
        for repo, runs in zip(repos, listed, strict=True):
            name = repo.full_name
            fallback = by_rest.get(name)
            if isinstance(runs, BaseException) or isinstance(fallback, BaseException):
                failure = runs if isinstance(runs, BaseException) else fallback
                assert isinstance(failure, BaseException)
                if not self._repo_error(name, failure):
                    raise failure
                out.append(failure)
                continue
            graph = jobs.get(name)
            run_jobs: dict[str, list[Mapping[str, Any]]] = dict(graph.jobs) if graph else {}
            tests = dict(graph.tests) if graph else {}
            if fallback is not None:
                run_jobs.update(fallback[0])
                tests.update(fallback[1])
            if name in stored:
                run_jobs, tests = stored[name]
            elif name in asked:
                self._store.put_jobs(name, asked[name], run_jobs, tests, now)
            out.append(build_runs(name, runs, run_jobs, tests))
        return out

    async def _list_runs(self, repo: Repo, now: datetime) -> list[Mapping[str, Any]]:
        dets = self.config.detectors
        if not repo.default_branch or not (dets.broken_ci.enabled or dets.flaky_test.enabled):
            return []  # an empty repository has no branch and no runs
        window = self.config.detectors.flaky_test.window_days
        return await list_runs(self.session, repo.full_name, repo.default_branch, now, window)


_Found = tuple[Repo, list[PullRequest], RepoTree]

_STAT_KEYS = ("requests", "not_modified", "graphql_queries", "rest_calls")
