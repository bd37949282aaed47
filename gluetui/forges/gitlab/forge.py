"""The GitLab forge: gitlab.com and self-hosted GitLab through python-gitlab.

:class:`GitLabForge` finds the watched projects (explicit ``repos`` and whole ``groups``), reads
each one concurrently (:mod:`gitlab_fetch`, :mod:`gitlab_docs`) into forge-neutral records, and
performs actions (:mod:`gitlab_actions`). A failing project becomes a :class:`RepoError` and the
others carry on; a bad token or a spent rate limit fails the whole source. All requests go through
:class:`gitlab_client.GitLabClient`, which bounds concurrency, counts requests, reads the rate-limit
headers and translates errors.

A refresh reads through batched GraphQL (:mod:`gitlab_gql_fetch`: a few queries per 20 projects)
unless the source is REST-only (``graphql = false``, when the config has that field) or this GitLab
turned out not to serve the fields used; then it reads per project over REST (:mod:`gitlab_fetch`),
and keeps doing so for the life of the forge.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import gitlab
import httpx

from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import AuthError, ForgeError, RateLimited
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, Forge, Progress
from gluetui.forges.gitlab import actions as gitlab_actions
from gluetui.forges.gitlab import convert as conv
from gluetui.forges.gitlab import docs as gitlab_docs
from gluetui.forges.gitlab import fetch
from gluetui.forges.gitlab import gql_fetch as gitlab_gql_fetch
from gluetui.forges.gitlab.client import GitLabClient, build_gitlab
from gluetui.forges.gitlab.graphql import GraphQL, GraphQLUnavailable
from gluetui.forges.http import Unreachable
from gluetui.records import RateLimit, RepoData, RepoError, SourceData
from gluetui.textsafe import clean

log = logging.getLogger(__name__)

JSON = Mapping[str, Any]
T = TypeVar("T")


class GitLabForge(Forge):
    """One configured GitLab source."""

    kind = "gitlab"
    dialect = "gitlab"

    def __init__(
        self,
        source: SourceConfig,
        config: Config,
        client: GitLabClient,
        graphql: GraphQL | None = None,
    ) -> None:
        self.name = source.name
        self.host = source.host
        self.source = source
        self.config = config
        self._client = client
        #: path_with_namespace -> project id, learnt by fetch (ids survive renames and need no encoding).
        self._ids: dict[str, int] = {}
        #: None once REST-only (configured, or GraphQL found unusable on this host).
        self._graphql = graphql

    @classmethod
    def from_config(
        cls,
        source: SourceConfig,
        config: Config,
        *,
        token: str,
        cache: object | None = None,
        client: gitlab.Gitlab | None = None,
        graphql: bool | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> GitLabForge:
        """Build the forge for ``source`` with an already resolved token.

        ``cache`` (the store's ETag cache) is accepted for interface parity with GitHub and unused:
        python-gitlab has no conditional-request support. ``client`` lets tests inject a
        python-gitlab client pointed at a local peer. ``graphql`` forces GraphQL on or off (default:
        the source's ``graphql`` setting where the config schema has one, else on); ``transport``
        is the GraphQL httpx transport for tests.
        """
        gl = client if client is not None else build_gitlab(source, token)
        rest = GitLabClient(source, gl, token)
        use = source.graphql if graphql is None else graphql
        gql = GraphQL(rest, token, transport=transport) if use else None
        return cls(source, config, rest, gql)

    def __repr__(self) -> str:
        return f"GitLabForge(name={self.name!r}, host={self.host!r})"

    # -- reading ------------------------------------------------------------------------------

    @property
    def rate_limits(self) -> tuple[RateLimit, ...]:
        limit = self._client.rate_limit
        return (limit,) if limit is not None else ()

    @property
    def uses_graphql(self) -> bool:
        return self._graphql is not None

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        client = self._client
        client.fatal = None
        before = dict(client.stats)
        if self._graphql is not None:
            gql = self._graphql
            try:
                return await self._fetch_graphql(gql, now, before, progress)
            except GraphQLUnavailable as exc:
                log.info("gitlab source %s: %s %s", self.name, exc.title, exc.hint)
                self._graphql = None
            finally:
                await gql.aclose()
        user = await fetch.viewer(client)
        projects, errors = await self._projects()
        done = 0
        total = len(projects)
        if progress is not None:
            progress(0, total, "projects")

        async def one(project: JSON, name: str) -> RepoData | RepoError:
            nonlocal done
            result = await self._project(project, name, now)
            done += 1
            if progress is not None:
                progress(done, total, name)
            return result

        results = await fetch.gather_all(*(one(p, n) for p, n in projects))
        if client.fatal is not None:
            raise client.fatal  # the host went away (or too slow) mid-refresh: the source failed
        repos = tuple(r for r in results if isinstance(r, RepoData))
        errors += [r for r in results if isinstance(r, RepoError)]
        return SourceData(
            source=self.name,
            host=self.host,
            repos=repos,
            errors=tuple(e.named() for e in errors),
            viewer=user,
            rate_limits=self.rate_limits,
            stats=_delta(client.stats, before),
        )

    async def _fetch_graphql(
        self, gql: GraphQL, now: datetime, before: dict[str, int], progress: Progress | None
    ) -> SourceData:
        client = self._client
        projects, errors = await self._projects(gql)
        if progress is not None:
            progress(0, len(projects), "projects")
        reader = gitlab_gql_fetch.GraphQLReader(gql, client, self.config, self.host, now)
        repos: list[RepoData] = []
        try:
            read = await reader.read([p for p, _ in projects])
        except (RateLimited, AuthError) as exc:
            if exc.status != 403:
                raise
            read = []
            errors += [RepoError(name, exc.title, exc.hint) for _, name in projects]
        except (GraphQLUnavailable, Unreachable):
            raise
        except ForgeError as exc:
            read = []
            errors += [RepoError(name, exc.title, exc.hint) for _, name in projects]
        for doc, data in read:
            if isinstance(data, RepoError):
                errors.append(data)
                continue
            self._ids[data.repo.full_name] = int(doc["id"])
            repos.append(data)
        for full, why in reader.failed_docs.items():
            errors.append(
                RepoError(
                    full,
                    why,
                    "Its other items refresh; its docs keep their last state.",
                    ("stale_doc",),
                )
            )
        if client.fatal is not None:
            raise client.fatal
        if progress is not None:
            progress(len(projects), len(projects), "projects")
        user = reader.viewer or await fetch.viewer(client)
        return SourceData(
            source=self.name,
            host=self.host,
            repos=tuple(repos),
            errors=tuple(e.named() for e in errors),
            viewer=user,
            rate_limits=self.rate_limits,
            stats=_delta(client.stats, before),
        )

    async def _projects(
        self, gql: GraphQL | None = None
    ) -> tuple[list[tuple[JSON, str]], list[RepoError]]:
        """Watched projects (explicit first, then group members), de-duplicated by id.

        With ``gql``, explicit projects are looked up 100 per GraphQL query instead of one GET each.
        """
        client = self._client
        found: dict[str, tuple[JSON, str]] = {}
        errors: list[RepoError] = []
        resolved = await gitlab_gql_fetch.resolve(gql, self.source.repos) if gql else None

        async def explicit(name: str) -> JSON | RepoError:
            hint = "Check the path in repos (group/sub/project) and that the token can see it."
            if resolved is not None:
                known = resolved.get(name.lower())
                if known is None:
                    return RepoError(name, f"GitLab project '{name}' was not found.", hint)
                return known
            doc = await _or_repo_error(
                client.get(fetch.project_path(name)), f"GitLab project '{name}'", hint, name
            )
            if isinstance(doc, RepoError):
                return doc
            return doc if isinstance(doc, Mapping) else {}

        names = fetch.unique(self.source.repos)
        for name, doc in zip(
            names, await fetch.gather_all(*(explicit(n) for n in names)), strict=True
        ):
            if isinstance(doc, RepoError):
                errors.append(doc)
            elif "id" in doc:
                found.setdefault(str(doc["id"]), (doc, str(doc.get("path_with_namespace") or name)))

        async def group(name: str) -> list[dict[str, Any]] | RepoError:
            # A group's failure is reported as ``group/*``: every project under it keeps its
            # last good items (the store matches the prefix).
            page = await _or_repo_error(
                fetch.group_projects(client, name),
                f"GitLab group '{name}'",
                "Check the group path in groups and that the token can see it.",
                f"{name}/*",
            )
            if isinstance(page, RepoError):
                return page
            if not page.complete:
                errors.append(
                    RepoError(
                        f"{name}/*",
                        f"GitLab group '{name}' could not be listed whole: it stopped after "
                        f"{len(page.items):,} projects (a page came back twice, or the listing "
                        "did not end).",
                        "The projects listed are read; the others keep their last items.",
                    )
                )
            return page.items

        groups = fetch.unique(self.source.groups)
        for listed in await fetch.gather_all(*(group(g) for g in groups)):
            if isinstance(listed, RepoError):
                errors.append(listed)
                continue
            for doc in listed:
                full = str(doc.get("path_with_namespace") or "")
                if "id" not in doc or not full:
                    continue
                if fetch.matches(full, self.source) and fetch.wanted(doc, self.source):
                    found.setdefault(str(doc["id"]), (doc, full))
        return list(found.values()), errors

    async def _project(self, project: JSON, name: str, now: datetime) -> RepoData | RepoError:
        try:
            return await self._read_project(project, name, now)
        except (RateLimited, AuthError) as exc:
            if exc.status == 403:
                return RepoError(name, exc.title, exc.hint)
            raise
        except Unreachable:
            raise
        except ForgeError as exc:
            log.info("gitlab project %s failed: %s", name, exc.title)
            return RepoError(name, exc.title, exc.hint)
        except Exception as exc:  # a malformed answer fails its project, never the source
            return RepoError(
                name,
                f"GitLab sent data gluetui cannot read for {clean(name, 100)} "
                f"({type(exc).__name__}: {clean(str(exc), 100)}).",
                "Its last items are kept; the next refresh reads it again.",
            )

    async def _read_project(self, project: JSON, name: str, now: datetime) -> RepoData:
        client = self._client
        repo = conv.to_repo(self.host, project, name)
        base = fetch.project_path(project["id"])
        branch = repo.default_branch
        self._ids[repo.full_name] = int(project["id"])
        pulls, runs, (tree, dirs, complete) = await fetch.gather3(
            fetch.fetch_pulls(client, project, repo.full_name, self.config, now),
            self._runs(project, repo.full_name, branch, now),
            gitlab_docs.fetch_tree(client, base, branch),
        )
        docs = await gitlab_docs.DocReader(
            client,
            base,
            branch,
            self.config.detectors.stale_doc,
            now,
        ).read(tree, dirs)
        return RepoData(
            repo=repo, pulls=pulls, runs=runs, docs=docs, tree=tree, tree_complete=complete
        )

    async def _runs(self, project: JSON, repo: str, branch: str, now: datetime) -> tuple[Any, ...]:
        """Pipelines; a project with CI/CD disabled or hidden (403) simply has none."""
        try:
            return await fetch.fetch_runs(self._client, project, repo, branch, self.config, now)
        except AuthError as exc:
            if exc.status == 403:
                return ()
            raise

    # -- actions ------------------------------------------------------------------------------

    def action_specs(self) -> Mapping[str, ActionSpec]:
        return gitlab_actions.SPECS

    def describe(self, request: ActionRequest) -> str:
        return gitlab_actions.describe(self.source.api_url, request)

    async def perform(self, request: ActionRequest) -> ActionResult:
        self._client.fatal = None
        return await gitlab_actions.perform(
            self._client, request, self._ids.get(request.repo, request.repo)
        )

    async def aclose(self) -> None:
        if self._graphql is not None:
            await self._graphql.aclose()
        await asyncio.to_thread(self._client.gl.session.close)


async def _or_repo_error(call: Awaitable[T], what: str, hint: str, name: str) -> T | RepoError:
    """``call``'s answer, or the failure to read one project or group as that one's RepoError.

    A 403 (hidden, or not allowed) and a 404 concern only it; a spent rate limit or a rejected
    token concern the whole source and are raised.
    """
    try:
        return await call
    except (RateLimited, AuthError) as exc:
        if exc.status == 403:
            return RepoError(name, exc.title, exc.hint)
        raise
    except Unreachable:
        raise  # the network, not this project: the whole source fails at once
    except ForgeError as exc:
        if exc.status == 404:
            return RepoError(name, f"{what} was not found (404).", hint)
        return RepoError(name, exc.title, exc.hint)


def _delta(now: Mapping[str, int], before: Mapping[str, int]) -> dict[str, int]:
    """This refresh's request counters (the client's are cumulative, actions included)."""
    keys = {"requests", "reads", "writes", *now}
    return {k: now.get(k, 0) - before.get(k, 0) for k in sorted(keys)}
