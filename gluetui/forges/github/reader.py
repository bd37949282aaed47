"""Reading the listed repositories: batches that flow through their rounds while the listing goes on.

Each listing page hands its repositories over as it arrives (:mod:`discover`); those whose stamp
matches their stored entry are served from the store, the rest are cut into batches (100 a
batch by default, fewer once GitHub gave up on bigger ones) and each batch goes, on its own,
through:

1. **details** (:mod:`details`): pull requests, the runs (check suites of the window's commits)
   and, when the listing carried the tree, the docs' texts and last commits, each repository
   asking for exactly what the listing said it has;
2. **docs** (only when the tree came with the details, a changed repository on a later refresh):
   the docs' texts (:class:`docs.DocsReader`);
3. **followup** (:mod:`followup`): the code history the docs mention and the jobs of every
   attempt of the runs (only runs whose jobs are not stored already);
4. **tests**: the annotations of jobs that failed and then passed (flaky tests), when any.

Batches run side by side within the session's GraphQL lanes, so a cold refresh of 500
repositories costs about 20 queries in four rounds, and no REST call but for runs GraphQL cannot
resolve. GitHub's limits stay the caller's: every document is planned within the node limit
(:mod:`limits`), a round GitHub gives up on is halved (:mod:`batching`), and before each details
round the hourly budget must pay for it and for the followups of what is being read; past that
edge the rest waits, named, for the next refresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gluetui.config.schema import Config
from gluetui.errors import ForgeError, RateLimited
from gluetui.forges.base import Progress
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github import limits
from gluetui.forges.github.batching import Halving
from gluetui.forges.github.details import DEFAULT_COMMITS, DetailAsk, details_query, split
from gluetui.forges.github.discover import Listed
from gluetui.forges.github.docs import COMMITS_LISTED, Doc, DocsReader, HistoryPlan, RepoTree
from gluetui.forges.github.followup import followup_query
from gluetui.forges.github.jobs import failed_tests, wanted_query
from gluetui.forges.github.repocache import RepoCache, RepoEntry, valid_until
from gluetui.forges.github.runs import build_runs, rest_jobs
from gluetui.forges.github.suites import (
    attempts_from_checks,
    failures_of,
    flaked,
    flaky_checks,
    jobs_wanted,
    run_key,
    runs_from_commits,
)
from gluetui.forges.http import HttpSession, Unreachable, sendable
from gluetui.records import PullRequest, Repo, RepoData, RepoError, TestResult
from gluetui.textsafe import clean

JSON = Mapping[str, Any]

#: Open pull requests read per repository (first page as the listing counted, then pages of 100).
MAX_PULLS = 500
#: GraphQL points kept back per repository being read, for its followup and tests queries:
#: reading details stops while the budget can still finish what it started.
RESERVE_POINTS_PER_REPO = 1
#: Malformed answers fail their repository (never the source).
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, RecursionError)


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


def paused_error(repo: str, exc: RateLimited, kinds: tuple[str, ...] = ()) -> RepoError:
    until = exc.reset_at.astimezone().strftime("%H:%M") if exc.reset_at else "later"
    return RepoError(
        repo,
        f"{clean(repo, 100)} waits for the rate limit ({until}): {exc.title}",
        "Its last items are kept; the next refresh after that time reads it.",
        kinds,
    )


@dataclass
class RefreshState:
    """The state of one refresh, shared by the listing and the batches."""

    now: datetime
    report: Progress
    errors: list[RepoError] = field(default_factory=list)
    paused: RateLimited | None = None
    total: int = 1
    done: int = 0

    def pause(self, exc: RateLimited) -> None:
        if self.paused is None or (
            exc.reset_at is not None
            and self.paused.reset_at is not None
            and exc.reset_at > self.paused.reset_at
        ):
            self.paused = exc


@dataclass
class RepoRead:
    """One repository on its way through the rounds."""

    name: str
    listed: Listed
    repo: Repo | None = None
    pulls: list[PullRequest] = field(default_factory=list)
    closed: list[PullRequest] = field(default_factory=list)
    tree: RepoTree | None = None
    #: The tree came with the details (so the docs' texts are a round of their own).
    tree_here: bool = False
    runs: list[dict[str, Any]] = field(default_factory=list)
    jobs: dict[str, Sequence[JSON]] = field(default_factory=dict)
    tests: dict[str, list[TestResult]] = field(default_factory=dict)
    docs: list[Doc] = field(default_factory=list)
    #: Runs whose jobs GraphQL could not resolve (read over REST).
    rest: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False
    data: RepoData | None = None


@dataclass
class Budget:
    """The forge's hourly-budget rules, as the batches need them."""

    affordable: Callable[[int, int], bool]
    pause: Callable[[], RateLimited]


class Reader:
    """Reads the repositories a listing hands over, batch by batch (see the module docstring)."""

    def __init__(
        self,
        *,
        session: HttpSession,
        url: str,
        host: str,
        config: Config,
        store: RepoCache,
        sizes: dict[str, int],
        state: RefreshState,
        budget: Budget,
        dirs: Sequence[str],
        settings: str,
        since: str,
        branches: dict[str, str],
    ) -> None:
        self.session = session
        self.url = url
        self.host = host
        self.config = config
        self.store = store
        self.sizes = sizes
        self.state = state
        self.budget = budget
        self.dirs = list(dirs)
        self.settings = settings
        self.since = since
        self.branches = branches
        dets = config.detectors
        self.want_runs = dets.broken_ci.enabled or dets.flaky_test.enabled
        self.want_docs = dets.stale_doc.enabled
        self.docs = DocsReader(session, url, dets.stale_doc, state.now)
        self.docs.sizes = {"docs": sizes["docs"], "history": sizes["history"]}
        self.info: dict[str, Listed] = {}
        self.cached: dict[str, RepoEntry] = {}
        self.reads: dict[str, RepoRead] = {}
        self.pending: list[str] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.viewer = ""
        self.teams: tuple[str, ...] | None = None
        self._teams_claimed = False
        #: Repositories read by details whose later rounds have not finished (budget reserve).
        self._in_flight = 0
        #: The longest chain of dependent GraphQL queries so far (the listing is the first).
        self.rounds = 1

    # -- intake -------------------------------------------------------------------------------

    def submit(self, names: Sequence[str], info: Mapping[str, Listed]) -> None:
        """A listing page's repositories: stored ones are served, the rest queued for reading."""
        now = self.state.now
        for name in names:
            got = info.get(name) or Listed()
            self.info[name] = got
            entry = self.store.get(name, got.stamp, self.settings, now)
            if entry is not None:
                self.cached[name] = entry
                self.branches[entry.repo.full_name] = entry.repo.default_branch
                continue
            if not sendable(name):
                self.state.errors.append(
                    RepoError(
                        name,
                        f"The repository name {clean(name, 100)} is not valid Unicode and cannot "
                        "be asked for.",
                        "Check the name in the source's repos.",
                    )
                )
                continue
            self.pending.append(name)
        size = max(1, self.sizes["repos"])
        while len(self.pending) >= size:
            self._start(self.pending[:size])
            del self.pending[:size]

    def flush(self) -> None:
        """The listing is done: read what is left."""
        if self.pending:
            self._start(self.pending)
            self.pending = []

    def _start(self, batch: list[str]) -> None:
        names = list(batch)
        self.tasks.append(asyncio.ensure_future(self._batch(names)))

    async def wait(self) -> None:
        """Every batch finished (a failure of the whole source raises, after cancelling the
        others)."""
        try:
            # Batches may still be started while earlier ones run (the listing is done by now).
            while True:
                pending = [t for t in self.tasks if not t.done()]
                if not pending:
                    break
                await asyncio.gather(*pending)
            for task in self.tasks:
                task.result()
        except BaseException:
            await self.cancel()
            raise

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    # -- one batch ----------------------------------------------------------------------------

    async def _batch(self, names: list[str]) -> None:
        reads = {n: RepoRead(n, self.info.get(n) or Listed()) for n in names}
        self.reads.update(reads)
        if self.state.paused is not None:
            self._wait_all(names, self.state.paused)
            return
        done = await self._details(reads)
        ok = [r for r in reads.values() if not r.failed and r.name in done]
        if ok:
            self.rounds = max(self.rounds, 2)
        self._in_flight += len(ok)
        try:
            depth = 3
            if await self._texts([r for r in ok if r.tree_here and r.tree is not None]):
                self.rounds, depth = max(self.rounds, 3), 4
            if await self._followup([r for r in ok if not r.failed]):
                self.rounds, depth = max(self.rounds, depth), depth + 1
            if await self._tests([r for r in ok if not r.failed]):
                self.rounds = max(self.rounds, depth)
            await self._rest([r for r in ok if not r.failed and r.rest])
            for read in ok:
                if not read.failed:
                    self._finish(read)
        finally:
            self._in_flight -= len(ok)
        self.state.done += len(names)
        self.state.report(self.state.done, self.state.total, "repositories")

    def _fail(self, read: RepoRead, error: RepoError) -> None:
        if not read.failed:
            read.failed = True
            self.state.errors.append(error)

    def _wait_all(self, names: Sequence[str], exc: RateLimited) -> None:
        for name in names:
            read = self.reads.get(name)
            if read is not None and not read.failed and read.data is None:
                self._fail(read, paused_error(name, exc))

    # -- round 1: details ---------------------------------------------------------------------

    def _ask(self, read: RepoRead) -> DetailAsk:
        got = read.listed
        empty = got.branch == ""
        runs = self.want_runs and not empty
        commits = 0
        if runs:
            commits = got.recent if got.recent is not None else DEFAULT_COMMITS
        docs: tuple[str, ...] = ()
        if self.want_docs and got.tree is not None:
            chosen = self.docs.choose({read.name: got.tree})
            docs = tuple(chosen.get(read.name, ()))
        return DetailAsk(
            full=read.name,
            pulls=min(MAX_PULLS, got.pulls) if got.pulls is not None else 50,
            commits=commits,
            head=runs and got.checks != "",
            docs=docs,
            tree=got.tree is None and self.want_docs,
        )

    async def _details(self, reads: Mapping[str, RepoRead]) -> set[str]:
        """Round 1 for ``reads``; the names it answered for (failed ones included)."""
        done: set[str] = set()
        state = self.state

        async def call(batch: list[str]) -> None:
            if state.paused is not None:
                raise state.paused
            asks = [self._ask(reads[n]) for n in batch]
            carry = self.teams is None and bool(self.viewer) and not self._teams_claimed

            def build(k: int) -> tuple[str, dict[str, Any]]:
                query, variables = details_query(
                    asks[:k], doc_dirs=self.dirs, since=self.since, with_teams=carry
                )
                if carry:
                    variables["login"] = self.viewer
                return query, variables

            plans: dict[int, tuple[str, dict[str, Any], tuple[limits.Cost, list[str]]]] = {}

            def plan(k: int) -> tuple[str, dict[str, Any], tuple[limits.Cost, list[str]]]:
                if k not in plans:
                    query, variables = build(k)
                    plans[k] = (query, variables, limits.analyse(query, variables))
                return plans[k]

            def affordable(k: int) -> bool:
                points = plan(k)[2][0].points
                return self.budget.affordable(points, self._in_flight + k)

            # At the budget's edge, read what it still pays for (with the rounds that follow),
            # and leave the rest of the batch waiting for the next refresh.
            k = len(batch)
            if not affordable(k):
                low, high = 0, k - 1
                while low < high:
                    mid = (low + high + 1) // 2
                    low, high = (mid, high) if affordable(mid) else (low, mid - 1)
                k = low
            if k == 0:
                raise self.budget.pause()
            edge = k < len(batch)
            batch, asks = batch[:k], asks[:k]
            query, variables, planned = plan(k)
            if carry:
                self._teams_claimed = True
            try:
                result = await gql.run_query(
                    self.session,
                    self.url,
                    query,
                    variables,
                    what="repository details",
                    planned=planned,
                )
            except (gql.BatchTooBig, RateLimited, Unreachable):
                self._teams_claimed = self._teams_claimed and not carry
                raise
            except ForgeError as exc:
                self._teams_claimed = self._teams_claimed and not carry
                if exc.status == 401:
                    raise
                for name in batch:
                    done.add(name)
                    self._fail(reads[name], RepoError(name, exc.title, exc.hint))
                return
            if carry:
                self.teams = teams_of(result.data)
                self.store.put_teams(self.viewer, self.teams, state.now)
            for i, (name, ask) in enumerate(zip(batch, asks, strict=True)):
                done.add(name)
                read = reads[name]
                failure = result.alias_errors.get(f"r{i}")
                node = conv.obj(result.data.get(f"r{i}"))
                if failure is not None or not node:
                    kind, message = failure or ("NULL", "")
                    self._fail(read, RepoError(name, *gql.repo_error_text(name, kind, message)))
                    continue
                try:
                    await self._take_details(read, ask, node)
                except (RateLimited, Unreachable):
                    raise
                except ForgeError as exc:
                    if exc.status == 401:
                        raise
                    self._fail(read, RepoError(name, exc.title, exc.hint))
                except UNREADABLE as exc:
                    self._fail(read, unreadable(name, exc))
            if edge:
                raise self.budget.pause()

        def too_big(name: str, exc: gql.BatchTooBig) -> None:
            done.add(name)
            self._fail(
                reads[name],
                RepoError(
                    name,
                    f"GitHub gave up reading {clean(name, 100)} even on its own: {exc.title}",
                    "Its last items are kept; the next refresh tries again.",
                ),
            )

        halving: Halving[str] = Halving(self.sizes["repos"])
        try:
            await halving.run(list(reads), call, too_big)
        except RateLimited as exc:
            state.pause(exc)
            self._wait_all([n for n in reads if n not in done], exc)
        if halving.splits:
            self.sizes["repos"] = min(self.sizes["repos"], halving.size)
        return done

    async def _take_details(self, read: RepoRead, ask: DetailAsk, node: JSON) -> None:
        repo = conv.repo_record(self.host, node)
        if repo.full_name.lower() != read.name.lower():
            # An answer about another repository than the one asked for is not its data.
            raise ForgeError(
                f"GitHub answered for {clean(repo.full_name, 100) or 'nothing'} when asked for "
                f"{clean(read.name, 100)}.",
                "The next refresh asks again; its last items are kept.",
                status=200,
            )
        read.repo = repo
        self.branches[repo.full_name] = repo.default_branch
        conn = conv.obj(node.get("pullRequests"))
        read.pulls = [p for p in (conv.pull_record(read.name, n) for n in conv.nodes(conn)) if p]
        read.closed = [
            p
            for p in (
                conv.closed_pull_record(read.name, n) for n in conv.nodes(node.get("closedPulls"))
            )
            if p
        ]
        page = conv.obj(conn.get("pageInfo"))
        if page.get("hasNextPage"):
            total = conv.int_of(conn.get("totalCount"), MAX_PULLS)
            read.pulls += await self._more_pulls(
                read.name, str(page.get("endCursor") or ""), max(1, total - len(read.pulls))
            )
        parts = split(node)
        if ask.commits or ask.head:
            commits = [parts.head] if parts.head else []
            read.runs = runs_from_commits(repo.url, repo.default_branch, [*commits, *parts.commits])
        if ask.tree:
            tree = RepoTree()
            if node.get("tree"):
                tree.expanded.add("")
                conv.tree_paths(node["tree"], tree.files, tree.dirs, tree.expanded)
            for k, path in enumerate(self.dirs):
                deep = node.get(f"d{k}")
                if deep:
                    tree.expanded.add(path)
                    conv.tree_paths(deep, tree.files, tree.dirs, tree.expanded)
            read.tree, read.tree_here = tree, True
        else:
            read.tree = read.listed.tree or RepoTree()
        if ask.docs:
            target = conv.obj(conv.obj(node.get("defaultBranchRef")).get("target"))
            read.docs = self.docs.parse_texts(read.name, ask.docs, node, target)

    async def _more_pulls(self, full: str, cursor: str, left: int) -> list[PullRequest]:
        owner, name = gql.split_repo(full)
        out: list[PullRequest] = []
        seen: set[str] = set()
        # A cursor seen before means the server is looping: stop rather than ask forever.
        while cursor and cursor not in seen and len(out) < MAX_PULLS:
            seen.add(cursor)
            result = await gql.run_query(
                self.session,
                self.url,
                gql.more_pulls_query(left - len(out)),
                {"owner": owner, "name": name, "after": cursor},
                what=f"the open pull requests of {full}",
            )
            conn = conv.obj(conv.obj(result.data.get("repository")).get("pullRequests"))
            out += [p for p in (conv.pull_record(full, n) for n in conv.nodes(conn)) if p]
            page = conv.obj(conn.get("pageInfo"))
            cursor = str(page.get("endCursor") or "") if page.get("hasNextPage") else ""
        return out

    # -- round 2 (later refreshes): the docs' texts -------------------------------------------

    async def _texts(self, reads: Sequence[RepoRead]) -> bool:
        """The docs' texts of ``reads``; whether a query was needed."""
        if not reads or not self.want_docs:
            return False
        trees = {r.name: r.tree for r in reads if r.tree is not None}
        chosen = {n: p for n, p in self.docs.choose(trees).items() if p}
        if not chosen:
            return False
        try:
            docs = await self.docs.texts(chosen)
        except RateLimited as exc:
            self.state.pause(exc)
            self.docs.pause(exc, trees)
            return True
        by_repo: dict[str, list[Doc]] = {}
        for d in docs:
            by_repo.setdefault(d.repo, []).append(d)
        for read in reads:
            read.docs = by_repo.get(read.name, [])
        return True

    # -- round 3: code history and jobs -------------------------------------------------------

    def _probes(self, read: RepoRead) -> list[str]:
        """Node ids of the runs whose failures are to be asked; a run seen before (same id,
        status, conclusion and update time) lends what was found of it then."""
        previous = self.store.previous(read.name) if read.runs else None
        known: dict[str, JSON] = {}
        if previous is not None:
            known = {run_key(old): old for old in previous.runs if "failed_checks" in old}
        ask: list[str] = []
        for run in read.runs:
            old = known.get(run_key(run))
            if old is not None and previous is not None:
                for key in ("failed_checks", "run_attempt", "run_started_at"):
                    if key in old:
                        run[key] = old[key]
                run_id = str(run["id"])
                if run_id in previous.jobs:
                    read.jobs[run_id] = list(previous.jobs[run_id])
                    for job in read.jobs[run_id]:
                        job_id = str(job.get("id"))
                        if job_id in previous.tests:
                            read.tests[job_id] = list(previous.tests[job_id])
                continue
            if run.get("node_id") and sendable(str(run["node_id"])):
                ask.append(str(run["node_id"]))
            else:
                read.rest.append(run)
        return ask

    async def _followup(self, reads: Sequence[RepoRead]) -> bool:
        """Round 3 for ``reads``: doc history and what failed in each run; whether a query was
        needed."""
        if not reads:
            return False
        by_name = {r.name: r for r in reads}
        trees = {r.name: r.tree or RepoTree() for r in reads}
        plan = (
            self.docs.plan([d for r in reads for d in r.docs], trees)
            if self.want_docs
            else HistoryPlan()
        )
        probes = {r.name: ids for r in reads if (ids := self._probes(r))}
        # By repository too: a node id names one run on GitHub, but an answer is kept to the
        # repository it was asked for.
        runs_by_node = {
            (r.name, str(run.get("node_id"))): run
            for r in reads
            for run in r.runs
            if run.get("node_id")
        }
        todo = sorted({*plan.repos(), *probes}, key=list(by_name).index)
        if not todo:
            return False

        async def call(batch: list[str]) -> None:
            sub_asks = {n: plan.asks[n] for n in batch if n in plan.asks}
            sub_exists = {n: plan.exists[n] for n in batch if n in plan.exists}
            sub_probes = {n: probes[n] for n in batch if n in probes}
            query, variables, order, runs_order = followup_query(
                sub_asks, sub_exists, sub_probes, first=COMMITS_LISTED
            )
            result = await self._query(
                query, variables, "doc history and run failures", batch, by_name
            )
            if result is None:
                return
            for i, name in enumerate(order):
                self.docs.take_history(name, result, f"r{i}", plan, trees[name])
            for k, (name, ids) in enumerate(runs_order):
                read = by_name[name]
                got = result.data.get(f"j{k}")
                answers = got if isinstance(got, list) else []
                try:
                    for m, node_id in enumerate(ids):
                        node = conv.obj(answers[m]) if m < len(answers) else {}
                        suite = conv.obj(node.get("checkSuite"))
                        run = runs_by_node[(name, node_id)]
                        if not suite:
                            read.rest.append(run)  # not resolvable here: its jobs over REST
                            continue
                        run["failed_checks"] = failures_of(suite)
                except UNREADABLE as exc:
                    self._fail(read, unreadable(name, exc))

        weights = {n: plan.weight(n) + len(probes.get(n, ())) for n in todo}
        await self._halved(todo, weights, call, by_name, "the run failures and doc history")
        return True

    async def _query(
        self,
        query: str,
        variables: Mapping[str, Any],
        what: str,
        batch: Sequence[str],
        by_name: Mapping[str, RepoRead],
    ) -> gql.GraphQLResult | None:
        """One query of a later round; a failure of the query (not of the source) fails the
        repositories it was about."""
        try:
            return await gql.run_query(self.session, self.url, query, variables, what=what)
        except (gql.BatchTooBig, RateLimited, Unreachable):
            raise
        except ForgeError as exc:
            if exc.status == 401:
                raise
            for name in batch:
                self._fail(by_name[name], RepoError(name, exc.title, exc.hint))
            return None

    async def _halved(
        self,
        todo: list[str],
        weights: Mapping[str, int],
        call: Callable[[list[str]], Any],
        by_name: Mapping[str, RepoRead],
        what: str,
    ) -> None:
        """Run ``call`` over ``todo`` in batches GitHub accepts; a repository GitHub gives up on
        even alone fails, named; a rate limit pauses the rest of the refresh."""

        def too_big(name: str, exc: gql.BatchTooBig) -> None:
            self._fail(
                by_name[name],
                RepoError(name, f"GitHub gave up reading {what} of {name}: {exc.title}"),
            )

        halving: Halving[str] = Halving(
            len(todo), weight=lambda n: max(1, weights[n]), max_weight=gql.MAX_ALIASES * 4
        )
        try:
            await halving.run(todo, call, too_big)
        except RateLimited as exc:
            self.state.pause(exc)
            for name in todo:
                self._fail(by_name[name], paused_error(name, exc))

    # -- round 4: the runs a detector needs whole, and the failed tests of flakes ---------------

    async def _tests(self, reads: Sequence[RepoRead]) -> bool:
        """Whole runs (jobs of every attempt) where a detector needs them, with the annotations
        of the failed jobs of runs that passed; whether a query was needed."""
        runs: dict[str, list[str]] = {}
        checks: dict[str, list[str]] = {}
        runs_by_node: dict[tuple[str, str], dict[str, Any]] = {}
        for read in reads:
            for run in jobs_wanted(read.runs):
                run_id = str(run["id"])
                if run_id in read.jobs or run in read.rest:
                    continue
                node_id = str(run.get("node_id") or "")
                runs.setdefault(read.name, []).append(node_id)
                runs_by_node[(read.name, node_id)] = run
                if flaked(run):
                    checks.setdefault(read.name, []).extend(
                        str(f["node_id"])
                        for f in run.get("failed_checks") or ()
                        if f.get("node_id") and sendable(str(f["node_id"]))
                    )
        if not runs:
            return False
        by_name = {r.name: r for r in reads}
        notes: dict[str, JSON] = {}

        async def call(batch: list[str]) -> None:
            query, variables, run_order, check_order = wanted_query(
                {n: runs[n] for n in batch}, {n: checks[n] for n in batch if n in checks}
            )
            result = await self._query(query, variables, "the jobs of failed runs", batch, by_name)
            if result is None:
                return
            for k, (_, ids) in enumerate(check_order):
                got = result.data.get(f"t{k}")
                answers = got if isinstance(got, list) else []
                for m, node_id in enumerate(ids):
                    notes[node_id] = conv.obj(answers[m]) if m < len(answers) else {}
            for k, (name, ids) in enumerate(run_order):
                read = by_name[name]
                got = result.data.get(f"w{k}")
                answers = got if isinstance(got, list) else []
                try:
                    for m, node_id in enumerate(ids):
                        node = conv.obj(answers[m]) if m < len(answers) else {}
                        suite = conv.obj(node.get("checkSuite"))
                        run = runs_by_node[(name, node_id)]
                        if not suite:
                            read.rest.append(run)
                            continue
                        jobs = attempts_from_checks(run, suite)
                        read.jobs[str(run["id"])] = jobs
                        for check_id, job in flaky_checks(run, jobs):
                            if check_id in notes:
                                read.tests[str(job.get("id"))] = failed_tests(job, notes[check_id])
                except UNREADABLE as exc:
                    self._fail(read, unreadable(name, exc))

        weights = {n: len(runs[n]) + len(checks.get(n, ())) for n in runs}
        await self._halved(list(runs), weights, call, by_name, "the jobs")
        return True

    # -- REST, for runs GraphQL could not resolve ---------------------------------------------

    async def _rest(self, reads: Sequence[RepoRead]) -> None:
        got = await asyncio.gather(
            *(rest_jobs(self.session, r.name, r.rest) for r in reads), return_exceptions=True
        )
        for read, answer in zip(reads, got, strict=True):
            if isinstance(answer, BaseException):
                if isinstance(answer, RateLimited):
                    self.state.pause(answer)
                    self._fail(read, paused_error(read.name, answer))
                elif isinstance(answer, Unreachable) or (
                    isinstance(answer, ForgeError) and answer.status == 401
                ):
                    raise answer
                elif isinstance(answer, ForgeError):
                    self._fail(read, RepoError(read.name, answer.title, answer.hint))
                elif isinstance(answer, Exception):
                    self._fail(read, unreadable(read.name, answer))
                else:
                    raise answer
                continue
            jobs, tests = answer
            read.jobs.update(jobs)
            read.tests.update(tests)

    # -- done ---------------------------------------------------------------------------------

    def _finish(self, read: RepoRead) -> None:
        """The repository's records, and its entry stored when it was read whole."""
        repo = read.repo
        if repo is None:
            return
        name = read.name
        tree = read.tree or RepoTree()
        if self.want_docs:
            docs = self.docs.finish(read.docs, {name: tree})
            failed = self.docs.failed.get(name)
            if failed is not None:
                self.state.errors.append(RepoError(name, *failed, ("stale_doc",)))
                tree.complete = False
        else:
            docs = {}
        try:
            runs = build_runs(name, read.runs, read.jobs, read.tests)
        except UNREADABLE as exc:
            self._fail(read, unreadable(name, exc))
            return
        repo_docs = docs.get(repo.full_name, docs.get(name, ()))
        read.data = RepoData(
            repo=repo,
            pulls=tuple(read.pulls),
            runs=runs,
            docs=repo_docs,
            tree=tree.paths(),
            tree_complete=tree.complete,
            closed_pulls=tuple(read.closed),
        )
        if tree.complete and (name in docs or not self.want_docs):
            min_age = timedelta(days=self.config.detectors.stale_doc.min_age_days)
            entry = RepoEntry(
                repo=repo,
                pulls=tuple(read.pulls),
                closed=tuple(read.closed),
                docs=repo_docs,
                tree=tree.paths(),
                tree_complete=tree.complete,
                valid_until=valid_until(repo_docs, self.state.now, min_age),
                runs=tuple(read.runs),
                jobs=read.jobs,
                tests=read.tests,
            )
            self.store.put(entry, read.listed.stamp, self.settings, self.state.now)

    def data_of(self, name: str) -> RepoData | None:
        """The records of ``name`` this refresh: read, or served from the store."""
        read = self.reads.get(name)
        if read is not None:
            return read.data if not read.failed else None
        entry = self.cached.get(name)
        if entry is None:
            return None
        try:
            runs = build_runs(entry.repo.full_name, list(entry.runs), entry.jobs, entry.tests)
        except UNREADABLE as exc:
            self.state.errors.append(unreadable(name, exc))
            return None
        return RepoData(
            repo=entry.repo,
            pulls=entry.pulls,
            runs=runs,
            docs=entry.docs,
            tree=entry.tree,
            tree_complete=entry.tree_complete,
            closed_pulls=entry.closed,
        )
