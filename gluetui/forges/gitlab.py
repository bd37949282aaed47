"""The GitLab forge: gitlab.com and self-hosted GitLab through python-gitlab.

:class:`GitLabForge` finds the watched projects (explicit ``repos`` and whole ``groups``), reads
each one concurrently (:mod:`gitlab_fetch`, :mod:`gitlab_docs`) into forge-neutral records, and
performs actions (:mod:`gitlab_actions`). A failing project becomes a :class:`RepoError` and the
others carry on; a bad token or a spent rate limit fails the whole source. All requests go through
:class:`gitlab_client.GitLabClient`, which bounds concurrency, counts requests, reads the rate-limit
headers and translates errors. GraphQL is not used: REST keeps the call count per project small
enough (see :mod:`gitlab_fetch` for the budget).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import gitlab

from gluetui.config_schema import Config, SourceConfig
from gluetui.errors import AuthError, ForgeError, RateLimited
from gluetui.forges import gitlab_actions, gitlab_docs
from gluetui.forges import gitlab_convert as conv
from gluetui.forges import gitlab_fetch as fetch
from gluetui.forges.base import ActionRequest, ActionResult, Forge, Progress
from gluetui.forges.gitlab_client import GitLabClient, build_gitlab
from gluetui.records import RateLimit, RepoData, RepoError, SourceData

log = logging.getLogger(__name__)

JSON = Mapping[str, Any]


class GitLabForge(Forge):
    """One configured GitLab source."""

    kind = "gitlab"

    def __init__(self, source: SourceConfig, config: Config, client: GitLabClient) -> None:
        self.name = source.name
        self.host = source.host
        self.source = source
        self.config = config
        self._client = client
        #: path_with_namespace -> project id, learnt by fetch (ids survive renames and need no encoding).
        self._ids: dict[str, int] = {}

    @classmethod
    def from_config(
        cls,
        source: SourceConfig,
        config: Config,
        *,
        token: str,
        cache: object | None = None,
        client: gitlab.Gitlab | None = None,
    ) -> GitLabForge:
        """Build the forge for ``source`` with an already resolved token.

        ``cache`` (the store's ETag cache) is accepted for interface parity with GitHub and unused:
        python-gitlab has no conditional-request support. ``client`` lets tests inject a
        python-gitlab client pointed at a local peer.
        """
        gl = client if client is not None else build_gitlab(source, token)
        return cls(source, config, GitLabClient(source, gl, token))

    def __repr__(self) -> str:
        return f"GitLabForge(name={self.name!r}, host={self.host!r})"

    # -- reading ------------------------------------------------------------------------------

    @property
    def rate_limits(self) -> tuple[RateLimit, ...]:
        limit = self._client.rate_limit
        return (limit,) if limit is not None else ()

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        client = self._client
        client.fatal = None
        before = dict(client.stats)
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
        repos = tuple(r for r in results if isinstance(r, RepoData))
        errors += [r for r in results if isinstance(r, RepoError)]
        return SourceData(
            source=self.name,
            host=self.host,
            repos=repos,
            errors=tuple(errors),
            viewer=user,
            rate_limits=self.rate_limits,
            stats=_delta(client.stats, before),
        )

    async def _projects(self) -> tuple[list[tuple[JSON, str]], list[RepoError]]:
        """Watched projects (explicit first, then group members), de-duplicated by id."""
        client = self._client
        found: dict[str, tuple[JSON, str]] = {}
        errors: list[RepoError] = []

        async def explicit(name: str) -> JSON | RepoError:
            try:
                doc = await client.get(fetch.project_path(name))
            except (RateLimited, AuthError) as exc:
                if exc.status == 403:
                    return RepoError(name, exc.title, exc.hint)
                raise
            except ForgeError as exc:
                if exc.status == 404:
                    return RepoError(
                        name,
                        f"GitLab project '{name}' was not found (404).",
                        "Check the path in repos (group/sub/project) and that the token can see it.",
                    )
                return RepoError(name, exc.title, exc.hint)
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
            try:
                return await fetch.group_projects(client, name)
            except (RateLimited, AuthError) as exc:
                if exc.status == 403:
                    return RepoError(name, exc.title, exc.hint)
                raise
            except ForgeError as exc:
                if exc.status == 404:
                    return RepoError(
                        name,
                        f"GitLab group '{name}' was not found (404).",
                        "Check the group path in groups and that the token can see it.",
                    )
                return RepoError(name, exc.title, exc.hint)

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
        client = self._client
        repo = conv.to_repo(self.host, project, name)
        base = fetch.project_path(project["id"])
        branch = repo.default_branch
        self._ids[repo.full_name] = int(project["id"])
        try:
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
                find_paths=gitlab_docs.referenced_paths,
            ).read(tree, dirs)
        except (RateLimited, AuthError) as exc:
            if exc.status == 403:
                return RepoError(repo.full_name, exc.title, exc.hint)
            raise
        except ForgeError as exc:
            log.info("gitlab project %s failed: %s", repo.full_name, exc.title)
            return RepoError(repo.full_name, exc.title, exc.hint)
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

    def actions(self) -> frozenset[str]:
        return frozenset(gitlab_actions.HANDLERS)

    async def perform(self, request: ActionRequest) -> ActionResult:
        self._client.fatal = None
        return await gitlab_actions.perform(
            self._client, request, self._ids.get(request.repo, request.repo)
        )

    async def aclose(self) -> None:
        await asyncio.to_thread(self._client.gl.session.close)


def _delta(now: Mapping[str, int], before: Mapping[str, int]) -> dict[str, int]:
    """This refresh's request counters (the client's are cumulative, actions included)."""
    keys = {"requests", "reads", "writes", *now}
    return {k: now.get(k, 0) - before.get(k, 0) for k in sorted(keys)}
