"""The GitHub forge (github.com and GitHub Enterprise Server), fetched with as few calls as possible.

A first refresh of N organisation repositories costs ``N / 100`` listing queries (each repository
with its change stamp, tree and the size of its runs window: :mod:`discover`), then per batch of
100 repositories one details query (pull requests, the runs as the check suites of the window's
commits, the docs' texts: :mod:`details`, :mod:`suites`), one followup query (the code history
the docs mention and the runs' jobs: :mod:`followup`) and, when a job failed and then passed, one
for its failed tests (:mod:`reader`): about 20 queries and 0.6 points per repository for 500
repositories, and no REST call. Later refreshes list the stamps only (100 a query, 1 point) and
read just the repositories whose stamp moved (:mod:`repocache`): an unchanged organisation costs
its listing pages and nothing else. Actions go through PyGithub (:mod:`.actions`, :mod:`.pygithub`).

GitHub's limits are part of the plan (:mod:`github_limits`): no query is sent over the node limit,
a batch GitHub gives up on is halved down to the one repository that fails (:mod:`batching`, the
size that worked is kept for the source), the per-minute limits are paced by the session, and at
the edge of the hourly budget the refresh stops reading new repositories, finishes those it read,
and reports the rest as paused until the budget returns: everything read is stored, so the next
refresh continues where this one stopped. A repository whose answer cannot be used fails alone;
only a failure of the whole source (token, network) raises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import httpx

from gluetui.config.schema import Config, SourceConfig
from gluetui.errors import RateLimited
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, Forge, Progress
from gluetui.forges.github import actions, limits
from gluetui.forges.github import graphql as gql
from gluetui.forges.github.auth import auth_hint, classify
from gluetui.forges.github.discover import Lister, Listing
from gluetui.forges.github.docs import doc_dirs
from gluetui.forges.github.pygithub import WRITE_SPACING_SECONDS, PyGithubSession
from gluetui.forges.github.reader import (
    MAX_PULLS,
    RESERVE_POINTS_PER_REPO,
    Budget,
    Reader,
    RefreshState,
    teams_of,
)
from gluetui.forges.github.repocache import RepoCache, get_sizes, put_sizes, settings_key
from gluetui.forges.github.runs import MIN_WINDOW_DAYS
from gluetui.forges.http import (
    HttpCache,
    HttpSession,
    fewer_collections,
    make_client,
    spent_title,
)
from gluetui.records import RateLimit, RepoData, RepoError, SourceData

__all__ = ["GitHubForge", "auth_hint", "classify"]

API_VERSION = "2022-11-28"
#: Batch sizes a source starts from (smaller ones are learnt when GitHub gives up on these).
DEFAULT_SIZES = {
    "repos": gql.BATCH_SIZE,
    "page": gql.LISTING_PAGE,
    "docs": 1000,
    "history": 1000,
}
#: GraphQL queries in flight at once: batches overlap (GitHub allows 100 concurrent requests).
GRAPHQL_LANES = 4

_STAT_KEYS = ("requests", "not_modified", "graphql_queries", "graphql_points", "rest_calls")


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
            query_lanes=GRAPHQL_LANES,
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
            query_lanes=GRAPHQL_LANES,
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
        state = RefreshState(now, report)
        self.session.fatal = None
        self.sizes = {**DEFAULT_SIZES, **get_sizes(self.session.cache, self.host, self.name, now)}

        def waiting(until: datetime, why: str) -> None:
            when = until.astimezone().strftime("%H:%M:%S")
            report(state.done, state.total, f"waiting for {why} until {when}")

        self.session.on_wait = waiting
        try:
            with fewer_collections():
                return await self._fetch(state)
        finally:
            self.session.on_wait = None
            put_sizes(self.session.cache, self.host, self.name, self.sizes, now)

    def window_start(self, now: datetime) -> str:
        """The oldest commit time whose runs are read: the flaky window (at least two weeks),
        from the start of its first day (a stable value all day, as REST's ``created>=DATE``)."""
        days = max(self.config.detectors.flaky_test.window_days, MIN_WINDOW_DAYS)
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")

    async def _fetch(self, state: RefreshState) -> SourceData:
        now, report = state.now, state.report
        report(0, state.total, "repositories")
        before = dict(self.session.stats)
        settings = self.config.detectors
        dirs = doc_dirs(settings.stale_doc.doc_globs)
        skey = settings_key(
            settings.stale_doc.model_dump_json(),
            settings.flaky_test.window_days,
            settings.broken_ci.enabled or settings.flaky_test.enabled,
            dirs,
            MAX_PULLS,
            self.host,
        )
        # Nothing stored yet: every repository will be read, so the listing sizes them as it goes.
        cold = not self._store.seen(skey)
        reader = Reader(
            session=self.session,
            url=self.graphql_url,
            host=self.host,
            config=self.config,
            store=self._store,
            sizes=self.sizes,
            state=state,
            budget=Budget(self._affordable, self._budget_pause),
            dirs=dirs,
            settings=skey,
            since=self.window_start(now),
            branches=self._branches,
        )

        def page(names: list[str], listing: Listing) -> None:
            reader.viewer = listing.viewer
            reader.submit(names, listing.info)

        lister = Lister(
            self.session,
            self.graphql_url,
            self.source,
            page=self.sizes["page"],
            pause=state.pause,
            on_page=page,
        )
        try:
            listing = await lister.run(dirs, shape=cold, since=reader.since)
            state.total = len(listing.names) + 1
            reader.viewer = listing.viewer
            reader.flush()
            await reader.wait()
        except BaseException:
            await reader.cancel()
            raise
        self.sizes["page"] = lister.page
        self.sizes.update(reader.docs.sizes)
        teams = reader.teams
        if teams is None:
            teams = await self._teams(listing.viewer, now)
        out: list[RepoData] = []
        for name in listing.names:
            data = reader.data_of(name)
            if data is not None:
                out.append(data)
        errors = [*listing.errors, *state.errors]
        if reader.reads or state.paused is None:
            # What was read is stored: the next refresh lists stamps and reads only the rest.
            self._store.mark_seen(skey, now)
        report(state.total, state.total, "paused" if state.paused else "done")
        stats = {k: v - before.get(k, 0) for k, v in self.session.stats.items()}
        stats["graphql_rounds"] = reader.rounds if stats.get("graphql_queries") else 0
        return SourceData(
            source=self.name,
            host=self.host,
            repos=tuple(out),
            errors=_dedupe(errors),
            viewer=listing.viewer,
            viewer_teams=teams or (),
            rate_limits=self.rate_limits,
            stats={k: stats.get(k, 0) for k in sorted({*stats, *_STAT_KEYS})},
            paused_until=state.paused.reset_at if state.paused else None,
        )

    # -- budget -------------------------------------------------------------------------------

    def _affordable(self, points: int, reading: int) -> bool:
        """Whether the GraphQL budget pays for ``points`` more and still finishes the rounds of
        the ``reading`` repositories being read (unknown budget: yes)."""
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

    async def _teams(self, viewer: str, now: datetime) -> tuple[str, ...]:
        """The viewer's teams when no details query carried them (all were unchanged)."""
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
