"""A cold GitLab refresh in a few batched GraphQL queries instead of dozens of REST calls per project.

Rounds, each one query per :data:`BATCH` projects (projects sharing a default branch, since the
pipelines filter takes one ``ref``):

A. ``projects(fullPaths:)``: open MRs with approvals, reviewers, notes and size; default-branch
   pipelines with their jobs (retried ones included) and test-suite summaries; the recursive tree.
B. Aliased ``project(fullPath:)``: the docs' texts (``blobs(paths:)``), each doc's last commit
   (``tree(path:).lastCommit``) and the test cases of the pipelines a failure is involved in.
C. For docs old enough to be stale: the last commit of each code path they describe.

REST is kept for what GraphQL lacks: a tree of more than one page, and the commit count since a
doc's last change (GitLab's GraphQL has no commits-by-path list), asked only for a doc whose code
changed after it and whose distinct last commits do not already reach ``min_code_changes``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from gluetui.config.schema import Config
from gluetui.docrefs import is_doc
from gluetui.errors import AuthError, RateLimited
from gluetui.forges.gitlab import docs as gitlab_docs
from gluetui.forges.gitlab import gql_convert as gconv
from gluetui.forges.gitlab.client import GitLabClient
from gluetui.forges.gitlab.fetch import gather_all, project_path
from gluetui.forges.gitlab.graphql import (
    MAX_FULL_PATHS,
    GraphQL,
    QueryTooComplex,
    Unsendable,
    literal,
)
from gluetui.forges.http import Unreachable, sendable
from gluetui.records import Commit, DocFile, RepoData, RepoError, Run
from gluetui.textsafe import clean

JSON = Mapping[str, Any]
T = TypeVar("T")

#: Projects per query: small enough for GitLab's complexity limit on MR- and pipeline-rich projects
#: (and within its 50 ``fullPaths`` per ``projects`` query).
BATCH = min(20, MAX_FULL_PATHS)

#: REST commit counts per project for drifting docs (GraphQL has no commits-by-path list).
REST_COUNTS_PER_PROJECT = 1

_COMMIT = "lastCommit { sha title authorName committedDate webUrl }"

ROUND_A = """
query($paths: [String!], $ref: String!, $since: Time) {
  currentUser { username }
  projects(fullPaths: $paths, first: 100) {
    nodes {
      id fullPath webUrl archived
      repository {
        rootRef
        tree(ref: $ref, recursive: true) {
          blobs(first: 100) { pageInfo { hasNextPage } nodes { path } }
          trees(first: 100) { pageInfo { hasNextPage } nodes { path } }
        }
      }
      mergeRequests(state: opened, sort: CREATED_DESC, first: 100) {
        nodes {
          iid title description draft createdAt updatedAt webUrl sourceBranch targetBranch
          diffHeadSha
          author { username bot }
          labels(first: 20) { nodes { title } }
          reviewers(first: 20) { nodes { username } }
          assignees(first: 20) { nodes { username } }
          approvedBy(first: 20) { nodes { username } }
          diffStatsSummary { additions deletions fileCount }
          headPipeline { status }
          notes(first: 100) { nodes { system createdAt author { username } } }
        }
      }
      recentMerged: mergeRequests(state: merged, sort: UPDATED_DESC, first: 5) {
        nodes { ...ClosedMr mergedAt }
      }
      recentClosed: mergeRequests(state: closed, sort: UPDATED_DESC, first: 5) {
        nodes { ...ClosedMr }
      }
      pipelines(ref: $ref, updatedAfter: $since, first: 100) {
        nodes {
          id iid sha ref status source createdAt updatedAt path
          jobs(first: 100) { nodes { id name status retried startedAt finishedAt webPath } }
          testReportSummary { testSuites(first: 20) { nodes { name buildIds } } }
        }
      }
    }
  }
}

fragment ClosedMr on MergeRequest {
  iid title description draft createdAt updatedAt webUrl sourceBranch targetBranch
  author { username bot }
}
"""

ROUND_0 = """
query($paths: [String!]) {
  projects(fullPaths: $paths, first: 100) {
    nodes { id fullPath webUrl archived repository { rootRef } }
  }
}
"""


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


async def split_on_complexity(
    items: Sequence[T], run: Callable[[list[T]], Awaitable[list[JSON]]]
) -> list[JSON]:
    """``run(items)``, halving the batch while GitLab refuses it as too complex."""
    try:
        return await run(list(items))
    except QueryTooComplex:
        if len(items) <= 1:
            raise
        half = len(items) // 2
        left, right = await gather_all(
            split_on_complexity(items[:half], run), split_on_complexity(items[half:], run)
        )
        return [*left, *right]


async def resolve(gql: GraphQL, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Explicit project paths -> REST-shaped project documents (missing ones are left out).

    At most :data:`MAX_FULL_PATHS` paths a query, GitLab's own limit.
    """
    found: dict[str, dict[str, Any]] = {}

    async def run(paths: list[str]) -> list[JSON]:
        data = await gql.query(ROUND_0, {"paths": paths})
        return gconv.nodes(data.get("projects"))

    for batch in chunks(list(names), MAX_FULL_PATHS):
        for node in await split_on_complexity(batch, run):
            doc = gconv.project_doc(node)
            found[doc["path_with_namespace"].lower()] = doc
    return found


@dataclasses.dataclass
class _Project:
    """What the rounds learn about one project before it becomes a :class:`RepoData`."""

    doc: JSON
    node: JSON = dataclasses.field(default_factory=dict)
    root: str = ""
    tree: frozenset[str] = frozenset()
    dirs: set[str] = dataclasses.field(default_factory=set)
    complete: bool = True
    deep: list[JSON] = dataclasses.field(default_factory=list)
    docs: dict[str, DocFile] = dataclasses.field(default_factory=dict)
    tests: dict[str, list[JSON]] = dataclasses.field(default_factory=dict)

    @property
    def full(self) -> str:
        return str(self.doc.get("path_with_namespace") or "")

    @property
    def branch(self) -> str:
        return str(self.doc.get("default_branch") or "main")


class GraphQLReader:
    """Reads every watched project of one source through the rounds above."""

    def __init__(
        self, gql: GraphQL, client: GitLabClient, config: Config, host: str, now: datetime
    ) -> None:
        self.gql = gql
        self.client = client
        self.config = config
        self.host = host
        self.now = now
        self.settings = config.detectors.stale_doc
        self.viewer = ""
        #: Project -> why its answer could not be used (it fails alone, named).
        self.failed: dict[str, str] = {}
        #: Project -> why some of its docs could not be read (its stale-doc items are kept).
        self.failed_docs: dict[str, str] = {}

    async def read(self, projects: Sequence[JSON]) -> list[tuple[JSON, RepoData | RepoError]]:
        states = [_Project(doc=p) for p in projects]
        by_ref: dict[str, list[_Project]] = {}
        for state in states:
            if not sendable(state.full) or not sendable(state.branch):
                self.failed[state.full] = (
                    f"GitLab project {clean(state.full, 100)} has a path or default branch that is "
                    "not valid Unicode; it cannot be asked for."
                )
                continue
            by_ref.setdefault(state.branch, []).append(state)
        batches = [b for group in by_ref.values() for b in chunks(group, BATCH)]
        await gather_all(*(self._round_a(b) for b in batches))
        await gather_all(*(self._round_b(b) for b in batches))
        await gather_all(*(self._round_c(b) for b in batches))
        return [(s.doc, self._result(s)) for s in states]

    def _result(self, state: _Project) -> RepoData | RepoError:
        if state.full in self.failed:
            return RepoError(
                state.full,
                self.failed[state.full],
                "Its last items are kept; the next refresh reads it again.",
            )
        if not state.node:
            return _invisible(state.full)
        try:
            return self._repo_data(state)
        except Exception as exc:  # a malformed answer fails its project, never the source
            return RepoError(
                state.full,
                f"GitLab sent data gluetui cannot read for {clean(state.full, 100)} "
                f"({type(exc).__name__}: {clean(str(exc), 100)}).",
                "Its last items are kept; the next refresh reads it again.",
            )

    def _unreadable(self, state: _Project, exc: BaseException) -> None:
        self.failed.setdefault(
            state.full,
            f"GitLab sent data gluetui cannot read for {clean(state.full, 100)} "
            f"({type(exc).__name__}: {clean(str(exc), 100)}).",
        )

    # -- round A ------------------------------------------------------------------------------

    async def _round_a(self, batch: list[_Project]) -> None:
        ref = batch[0].branch
        since = self.now - timedelta(days=self.config.detectors.flaky_test.window_days)
        by_path = {s.full.lower(): s for s in batch}

        async def run(part: list[_Project]) -> list[JSON]:
            variables = {
                "paths": [s.full for s in part],
                "ref": ref,
                "since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            data = await self.gql.query(ROUND_A, variables)
            user = data.get("currentUser")
            if isinstance(user, Mapping) and user.get("username"):
                self.viewer = str(user["username"])
            return gconv.nodes(data.get("projects"))

        for node in await split_on_complexity(batch, run):
            state = by_path.get(str(node.get("fullPath") or "").lower())
            if state is not None:
                try:
                    await self._take_a(state, node)
                except (RateLimited, AuthError, Unreachable):
                    raise
                except Exception as exc:  # this project's answer, or its tree over REST
                    state.node = {}
                    self._unreadable(state, exc)

    async def _take_a(self, state: _Project, node: JSON) -> None:
        state.node = node
        state.root = gconv.web_root(node)
        repo = node.get("repository")
        tree = repo.get("tree") if isinstance(repo, Mapping) else None
        if not isinstance(tree, Mapping):
            # Empty repository (or no access to code): nothing to list, and that is complete.
            return
        blobs, trees = tree.get("blobs"), tree.get("trees")
        if gconv.has_more(blobs) or gconv.has_more(trees):
            # Bigger than one GraphQL page: REST's keyset pages read it whole.
            state.tree, state.dirs, state.complete = await gitlab_docs.fetch_tree(
                self.client, project_path(state.doc["id"]), state.branch
            )
            return
        state.tree = frozenset(str(n["path"]) for n in gconv.nodes(blobs) if "path" in n)
        state.dirs = {str(n["path"]) for n in gconv.nodes(trees) if "path" in n}

    # -- round B ------------------------------------------------------------------------------

    def _doc_paths(self, state: _Project) -> list[str]:
        docs = sorted(p for p in state.tree if is_doc(p, self.settings.doc_globs))
        chosen = docs[: self.settings.max_docs_per_repo]
        bad = [p for p in chosen if not sendable(p)]
        if bad:
            self.failed_docs.setdefault(
                state.full,
                f"A doc path in {clean(state.full, 100)} is not valid Unicode and cannot be asked "
                f"for ({clean(bad[0], 80)}).",
            )
        return [p for p in chosen if sendable(p)]

    def _deep(self, state: _Project) -> list[JSON]:
        """Pipelines whose test cases matter: failed ones and those sharing a sha with one."""
        pipelines = gconv.nodes(state.node.get("pipelines"))
        failed = {p.get("sha") for p in pipelines if str(p.get("status")).upper() == "FAILED"}
        return [p for p in pipelines if p.get("sha") in failed and p.get("iid") is not None]

    async def _round_b(self, batch: list[_Project]) -> None:
        parts: list[str] = []
        for i, state in enumerate(batch):
            if not state.node:
                continue
            inner: list[str] = []
            docs = self._doc_paths(state)
            ref = literal(state.branch)
            if docs:
                paths = ", ".join(literal(p) for p in docs)
                repo = [f"blobs(paths: [{paths}], ref: {ref}) {{ nodes {{ path rawTextBlob }} }}"]
                repo += [
                    f"d{k}: tree(path: {literal(p)}, ref: {ref}) {{ {_COMMIT} }}"
                    for k, p in enumerate(docs)
                ]
                inner.append("repository { " + " ".join(repo) + " }")
            state.deep = self._deep(state)
            for k, pipeline in enumerate(state.deep):
                suites = gconv.nodes(_get(pipeline, "testReportSummary", "testSuites"))
                for s, suite in enumerate(suites):
                    try:
                        builds = suite.get("buildIds")
                        ids = ", ".join(
                            literal(str(b)) for b in (builds if isinstance(builds, list) else ())
                        )
                        iid = literal(str(pipeline["iid"]))
                    except Unsendable:
                        continue  # an id that cannot be sent has no test cases to ask for
                    if not ids:
                        continue
                    inner.append(
                        f"t{k}_{s}: pipeline(iid: {iid}) {{ "
                        f"testSuite(buildIds: [{ids}]) {{ name testCases(first: 100) "
                        "{ nodes { name classname status } } } }"
                    )
            if inner:
                parts.append(
                    f"p{i}: project(fullPath: {literal(state.full)}) {{ {' '.join(inner)} }}"
                )
        if not parts:
            return
        data = await self.gql.query("query { " + " ".join(parts) + " }")
        for i, state in enumerate(batch):
            answer = data.get(f"p{i}")
            if isinstance(answer, Mapping):
                try:
                    self._take_b(state, answer)
                except Exception as exc:  # a malformed answer fails its project
                    self._unreadable(state, exc)

    def _take_b(self, state: _Project, answer: JSON) -> None:
        repo = answer.get("repository")
        repo = repo if isinstance(repo, Mapping) else {}
        texts = {
            str(n.get("path")): str(n.get("rawTextBlob") or "")[: gitlab_docs.MAX_DOC_BYTES]
            for n in gconv.nodes(repo.get("blobs"))
        }
        reader = gitlab_docs.DocReader(self.client, "", state.branch, self.settings, self.now)
        for k, path in enumerate(self._doc_paths(state)):
            if path not in texts:
                continue  # vanished between the tree listing and now
            last = gconv.to_commit(_get(repo, f"d{k}", "lastCommit"), state.root)
            described = reader._described(texts[path], path, state.tree, state.dirs)
            state.docs[path] = DocFile(
                path=path, text=texts[path], last_commit=last, described_paths=described
            )
        for key, value in answer.items():
            if key.startswith("t") and isinstance(value, Mapping):
                suite = value.get("testSuite")
                if isinstance(suite, Mapping):
                    state.tests.setdefault(key[1:].split("_", 1)[0], []).append(suite)

    # -- round C ------------------------------------------------------------------------------

    def _stale(self, state: _Project) -> list[DocFile]:
        age = timedelta(days=self.settings.min_age_days)
        return [
            d
            for d in state.docs.values()
            if d.last_commit is not None and self.now - d.last_commit.date >= age
        ]

    async def _round_c(self, batch: list[_Project]) -> None:
        parts: list[str] = []
        wanted: dict[int, list[str]] = {}
        for i, state in enumerate(batch):
            paths: list[str] = []
            for doc in self._stale(state):
                targets = doc.described_paths[: gitlab_docs.MAX_PATHS_PER_DOC] or ("",)
                paths += [p for p in targets if p not in paths and sendable(p)]
            if not paths:
                continue
            wanted[i] = paths
            ref = literal(state.branch)
            trees = [
                f"c{k}: tree({f'path: {literal(p)}, ' if p else ''}ref: {ref}) {{ {_COMMIT} }}"
                for k, p in enumerate(paths)
            ]
            parts.append(
                f"p{i}: project(fullPath: {literal(state.full)}) "
                f"{{ repository {{ {' '.join(trees)} }} }}"
            )
        if not parts:
            return
        data = await self.gql.query("query { " + " ".join(parts) + " }")

        async def take(i: int, paths: list[str]) -> None:
            try:
                await self._take_c(batch[i], paths, _get(data, f"p{i}", "repository"))
            except (RateLimited, AuthError, Unreachable):
                raise
            except Exception as exc:  # this project's answer, or its REST commit count
                self._unreadable(batch[i], exc)

        await gather_all(*(take(i, paths) for i, paths in wanted.items()))

    async def _take_c(self, state: _Project, paths: list[str], repo: object) -> None:
        last: dict[str, Commit | None] = {
            p: gconv.to_commit(_get(repo, f"c{k}", "lastCommit"), state.root)
            for k, p in enumerate(paths)
        }
        reader = gitlab_docs.DocReader(
            self.client, project_path(state.doc["id"]), state.branch, self.settings, self.now
        )

        # One REST count per project (the doc whose code changed most): the rest keep the lower
        # bound the last commits give, which holds the refresh near 3 requests per project.
        stale = self._stale(state)
        changed_paths = {
            d.path: sum(
                1
                for p in (d.described_paths[: gitlab_docs.MAX_PATHS_PER_DOC] or ("",))
                if gconv.newer(last.get(p), d.last_commit.date if d.last_commit else self.now)
            )
            for d in stale
        }
        ranked = sorted(
            (d for d in stale if changed_paths[d.path]), key=lambda d: -changed_paths[d.path]
        )
        rest_for = {d.path for d in ranked[:REST_COUNTS_PER_PROJECT]}

        async def one(doc: DocFile) -> None:
            assert doc.last_commit is not None
            since = doc.last_commit.date
            targets = doc.described_paths[: gitlab_docs.MAX_PATHS_PER_DOC] or ("",)
            changed = [(c, p) for p in targets if (c := last.get(p)) is not None and c.date > since]
            commits = {c.sha: c for c, _ in changed if c.sha != doc.last_commit.sha}
            count = len(commits)
            if changed and count < self.settings.min_code_changes and doc.path in rest_for:
                # GraphQL has no commits-by-path list: count the most recently changed path.
                newest = max(changed, key=lambda cp: cp[0].date)[1]
                items, total = await reader._commits_since(newest, since)
                for c in items:
                    if c.sha != doc.last_commit.sha:
                        commits.setdefault(c.sha, c)
                count = max(len(commits), total or 0)
            ordered = tuple(sorted(commits.values(), key=lambda c: c.date, reverse=True))
            state.docs[doc.path] = dataclasses.replace(
                doc, code_commits_since=ordered, code_commit_count=max(count, len(ordered))
            )

        await gather_all(*(one(d) for d in stale))

    # -- records ------------------------------------------------------------------------------

    def _repo_data(self, state: _Project) -> RepoData:
        from gluetui.forges.gitlab import convert as conv

        repo = conv.to_repo(self.host, state.doc, state.full)
        settings = self.config.detectors.unreviewed_pr
        pulls = []
        for mr in gconv.nodes(state.node.get("mergeRequests")):
            author = mr.get("author")
            bot = isinstance(author, Mapping) and bool(author.get("bot"))
            # A bot's draft is kept: it may be an agent's merge request a hand-off awaits.
            if not settings.include_drafts and mr.get("draft") and not bot:
                continue
            pull = gconv.to_pull(repo.full_name, mr)
            if pull is not None:
                pulls.append(pull)
        runs: list[Run] = []
        for pipeline in gconv.nodes(state.node.get("pipelines")):
            if str(pipeline.get("ref") or repo.default_branch) != repo.default_branch:
                continue
            suites = [
                suite
                for k, deep in enumerate(state.deep)
                if deep is pipeline
                for suite in state.tests.get(str(k), ())
            ]
            run = gconv.to_run(repo.full_name, pipeline, state.root, gconv.to_tests(suites))
            if run is not None:
                runs.append(run)
        docs = tuple(state.docs[p] for p in sorted(state.docs))
        return RepoData(
            repo=repo,
            pulls=tuple(pulls),
            runs=tuple(runs),
            docs=docs,
            tree=state.tree,
            tree_complete=state.complete,
            closed_pulls=gconv.closed_pulls(
                repo.full_name,
                gconv.nodes(state.node.get("recentMerged")),
                gconv.nodes(state.node.get("recentClosed")),
            ),
        )


def _invisible(name: str) -> RepoError:
    return RepoError(
        name,
        f"GitLab's GraphQL API did not return project '{name}'.",
        "Check that the token can see it (read_api scope) and that it still exists.",
    )


def _get(value: object, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
