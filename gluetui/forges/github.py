"""The GitHub forge (github.com and GitHub Enterprise Server), fetched with as few calls as possible.

A cold refresh of N repositories costs about ``1 + 3 * N / 25`` GraphQL queries (owners and viewer;
then per batch of 25: metadata + open PRs + shallow tree; doc texts + last commits; code history
since each stale-enough doc) and ``N * (1 + jobs)`` REST calls, where the REST reads are conditional
so an unchanged repository's runs cost a 304 (free of rate limit). See :mod:`github_docs`,
:mod:`github_runs` for the details, :mod:`github_actions` for what ``perform`` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from gluetui.config_schema import Config, SourceConfig
from gluetui.errors import AuthError, ForgeError, GluetuiError, RateLimited
from gluetui.forges import github_convert as conv
from gluetui.forges import github_graphql as gql
from gluetui.forges.base import ActionRequest, ActionResult, Forge, Progress
from gluetui.forges.github_actions import KINDS, Actions
from gluetui.forges.github_docs import DocsReader, RepoTree, doc_dirs
from gluetui.forges.github_runs import fetch_runs
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
)

#: Open pull requests read per repository (first page 50, then pages of 100).
MAX_PULLS = 500
#: Pages of repositories read per organisation or user (100 each).
MAX_OWNER_PAGES = 20
API_VERSION = "2022-11-28"


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


def _matches(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), g.lower()) for g in globs)


class GitHubForge(Forge):
    """One configured GitHub source."""

    kind = "github"

    def __init__(self, source: SourceConfig, config: Config, session: HttpSession) -> None:
        self.name = source.name
        self.host = source.host
        self.source = source
        self.config = config
        self.session = session
        self.graphql_url = gql.graphql_url(source.api_url)
        self._actions = Actions(session, self._default_branch)
        self._branches: dict[str, str] = {}

    @classmethod
    def from_config(
        cls,
        source: SourceConfig,
        config: Config,
        *,
        token: str,
        cache: HttpCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> GitHubForge:
        """Build the adapter; the token goes into the client's headers and nowhere else."""
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
        return cls(source, config, session)

    def __repr__(self) -> str:
        return f"GitHubForge(name={self.name!r}, host={self.host!r})"

    @property
    def rate_limits(self) -> tuple[RateLimit, ...]:
        return self.session.rate_limits

    def actions(self) -> frozenset[str]:
        return KINDS

    async def perform(self, request: ActionRequest) -> ActionResult:
        return await self._actions.perform(request)

    async def aclose(self) -> None:
        await self.session.aclose()

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        before = dict(self.session.stats)
        viewer, names, errors = await self._discover()
        total = len(names) + 1
        report = progress or (lambda done, total, what: None)
        report(0, total, "repositories")
        settings = self.config.detectors
        dirs = doc_dirs(settings.stale_doc.doc_globs)
        found: dict[str, tuple[Repo, list[PullRequest], RepoTree]] = {}
        teams: tuple[str, ...] = ()
        for n, batch in enumerate(gql.chunks(names, gql.BATCH_SIZE)):
            got, errs, batch_teams = await self._batch(batch, dirs, viewer if n == 0 else "")
            found.update(got)
            errors += errs
            teams = teams or batch_teams
            report(len(found) + len(errors), total, "repositories")
        # Runs (REST, concurrent) and docs (GraphQL, serialised) overlap.
        docs_task = asyncio.ensure_future(self._docs(found, now))
        run_results = await asyncio.gather(
            *(self._runs(repo, now) for repo, _, _ in found.values()), return_exceptions=True
        )
        fatal = next(
            (
                r
                for r in run_results
                if isinstance(r, BaseException) and not self._repo_error("", r)
            ),
            None,
        )
        if fatal is not None:
            docs_task.cancel()  # the refresh fails; do not leave the docs queries behind
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await docs_task
            raise fatal
        docs = await docs_task
        out: list[RepoData] = []
        for (repo, pulls, tree), runs in zip(found.values(), run_results, strict=True):
            if isinstance(runs, BaseException):
                err = self._repo_error(repo.full_name, runs)
                if err is None:
                    raise runs
                errors.append(err)
                continue
            out.append(
                RepoData(
                    repo=repo,
                    pulls=tuple(pulls),
                    runs=runs,
                    docs=docs.get(repo.full_name, ()),
                    tree=tree.paths(),
                    tree_complete=tree.complete,
                )
            )
        report(total, total, "done")
        stats = {k: v - before.get(k, 0) for k, v in self.session.stats.items()}
        return SourceData(
            source=self.name,
            host=self.host,
            repos=tuple(out),
            errors=tuple(errors),
            viewer=viewer,
            viewer_teams=teams,
            rate_limits=self.rate_limits,
            stats={k: stats.get(k, 0) for k in sorted({*stats, *_STAT_KEYS})},
        )

    def _repo_error(self, repo: str, exc: BaseException) -> RepoError | None:
        """A per-repository failure as a RepoError; None when it concerns the whole source."""
        if isinstance(exc, RateLimited) or not isinstance(exc, ForgeError):
            return None
        if exc.status == 401:
            return None
        return RepoError(repo, exc.title, exc.hint)

    async def _discover(self) -> tuple[str, list[str], list[RepoError]]:
        """The viewer's login and every watched repository (explicit, then orgs/users, filtered)."""
        src = self.source
        owners: list[tuple[str, str, str | None]] = [("org", o, None) for o in src.orgs]
        owners += [("user", u, None) for u in src.users]
        names: list[str] = list(dict.fromkeys(src.repos))
        errors: list[RepoError] = []
        viewer = ""
        first = True
        for _ in range(MAX_OWNER_PAGES):
            if not owners and not first:
                break
            query, variables = gql.owners_query(owners, with_viewer=first)
            result = await gql.run_query(
                self.session, self.graphql_url, query, variables, what="the watched repositories"
            )
            if first:
                viewer = str(conv.obj(result.data.get("viewer")).get("login") or "")
                first = False
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
                page = conv.obj(conn.get("pageInfo"))
                if page.get("hasNextPage") and page.get("endCursor"):
                    nxt.append((kind, login, str(page["endCursor"])))
            owners = nxt
        return viewer, names, errors

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
            found[repo.full_name] = (repo, pulls, tree)
        teams = tuple(
            sorted(
                str(t.get("combinedSlug"))
                for org in conv.nodes(conv.obj(result.data.get("viewer")).get("organizations"))
                for t in conv.nodes(org.get("teams"))
                if t.get("combinedSlug")
            )
        )
        return found, errors, teams

    async def _more_pulls(self, full: str, cursor: str) -> list[PullRequest]:
        owner, name = gql.split_repo(full)
        out: list[PullRequest] = []
        while cursor and len(out) < MAX_PULLS:
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

    async def _runs(self, repo: Repo, now: datetime) -> tuple[Run, ...]:
        dets = self.config.detectors
        if not repo.default_branch or not (dets.broken_ci.enabled or dets.flaky_test.enabled):
            return ()  # an empty repository has no branch and no runs
        window = self.config.detectors.flaky_test.window_days
        return await fetch_runs(self.session, repo.full_name, repo.default_branch, now, window)

    async def _default_branch(self, repo: str) -> str:
        if repo not in self._branches:
            reply = await self.session.get(f"/repos/{repo}", what=f"the repository {repo}")
            self.session.stats["rest_calls"] += 1
            self._branches[repo] = str((reply.json() or {}).get("default_branch") or "main")
        return self._branches[repo]


_STAT_KEYS = ("requests", "not_modified", "graphql_queries", "rest_calls")
