"""Every watched repository of a GitHub source: explicit ``repos`` and whole organisations/users.

Owners are listed page by page until GitHub says there is no next page: there is no cap, so an
organisation of 20,000 repositories is listed whole (200 pages of 100, 1 point each). A cursor
GitHub hands back twice would loop forever; that owner stops there and is reported, keeping the
last good items of whatever it did not list.

Several owners share one query, as many as GitHub's node limit allows (:func:`limits.fit`). On a
refresh with nothing stored, each page also carries the repositories' details (50 a page, fewer
after GitHub gave up on a page: the size that worked is kept), so listing and reading cost the
same queries; when the hourly budget could not pay for details as well, the listing carries only
change stamps and the forge reads the rest in batches, as far as the budget goes.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gluetui.config.schema import SourceConfig
from gluetui.errors import ForgeError, RateLimited
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github import limits
from gluetui.forges.github.repocache import stamp_of
from gluetui.forges.http import HttpSession, sendable
from gluetui.records import RepoError
from gluetui.textsafe import clean

#: Explicitly configured repositories whose change stamps one listing query reads.
STAMPS_PER_QUERY = 100

Owner = tuple[str, str, str | None]  # (kind, login, cursor)
ParseNode = Callable[[str, Mapping[str, Any]], Awaitable[Any]]


@dataclass
class Listing:
    """What the listing found."""

    viewer: str = ""
    #: Every watched repository, explicit ones first, in listing order.
    names: list[str] = field(default_factory=list)
    errors: list[RepoError] = field(default_factory=list)
    #: Repository -> change stamp ("" when unknown).
    stamps: dict[str, str] = field(default_factory=dict)
    #: Repositories whose details came with the listing (parsed by the forge's ``parse_node``).
    listed: dict[str, Any] = field(default_factory=dict)


def _matches(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), g.lower()) for g in globs)


def owner_error(kind: str, login: str, why: str) -> RepoError:
    """An owner that could not be listed (whole or in part): its unlisted repositories keep
    their last good items."""
    what = "organisation" if kind == "org" else "user"
    return RepoError(
        f"{login}/*",
        f"GitHub {what} {clean(login, 60)} could not be listed: {why}",
        "Check the name in the source's orgs/users and the token's access (read:org for private "
        "organisation repositories). Its repositories keep their last items.",
    )


class Lister:
    """Lists one source's repositories.

    Args:
        session, url: Where GraphQL goes.
        source: The source's orgs, users, repos and filters.
        page: Repositories per page when pages carry details (shrinks when GitHub gives up).
        affordable: ``(points, repositories read so far) -> bool``: whether the hourly budget
            can pay for a details page and still read what was listed.
        parse_node: Turns a detailed repository node into what the forge keeps (may raise; a
            failure there is that repository's).
        pause: Told when a rate limit stops the listing.
    """

    def __init__(
        self,
        session: HttpSession,
        url: str,
        source: SourceConfig,
        *,
        page: int,
        affordable: Callable[[int, int], bool],
        parse_node: ParseNode,
        pause: Callable[[RateLimited], None],
    ) -> None:
        self.session = session
        self.url = url
        self.source = source
        self.page = page
        self.affordable = affordable
        self.parse_node = parse_node
        self.pause = pause

    def watched(self, full: str, node: Mapping[str, Any]) -> bool:
        src = self.source
        if node.get("isArchived") and not src.include_archived:
            return False
        if node.get("isFork") and not src.include_forks:
            return False
        return _matches(full, src.include) and not _matches(full, src.exclude)

    async def run(self, dirs: Sequence[str], *, details: bool) -> Listing:
        src = self.source
        out = Listing()
        owners: list[Owner] = [("org", o, None) for o in src.orgs]
        owners += [("user", u, None) for u in src.users]
        out.names = list(dict.fromkeys(src.repos))
        known = {n.lower() for n in out.names}
        unstamped = list(out.names)
        cursors: dict[tuple[str, str], set[str]] = {}
        #: Repositories each owner has left to list, when known (pages ask for no more).
        left: dict[tuple[str, str], int] = {}
        first = True
        if details and owners:
            owners, unstamped = await self._counts(out, owners, unstamped, left)
            first = False
        while first or owners or unstamped:
            explicit = unstamped[:STAMPS_PER_QUERY]
            carry = details and bool(owners)
            sizes = [left.get((kind, login), self.page) for kind, login, _ in owners]

            def build(
                k: int,
                carry: bool = carry,
                owners: list[Owner] = owners,
                first: bool = first,
                explicit: list[str] = explicit,
                sizes: list[int] = sizes,
            ) -> tuple[str, dict[str, Any]]:
                return gql.owners_query(
                    owners[:k],
                    with_viewer=first,
                    stamps=explicit,
                    details=carry,
                    doc_dirs=dirs,
                    page=self.page,
                    sizes=sizes[:k] if carry else (),
                )

            k = limits.fit(build, len(owners)) if owners else 0
            group = owners[:k]
            query, variables = build(k)
            reading = len(out.listed) + sum(min(self.page, n) for n in sizes[:k])
            if carry and not self.affordable(limits.cost(query, variables).points, reading):
                details = False  # the budget pays for stamps; the forge reads what it can
                continue
            try:
                result = await gql.run_query(
                    self.session, self.url, query, variables, what="the watched repositories"
                )
            except gql.BatchTooBig as exc:
                if not carry:
                    # A page of names and stamps is tiny: GitHub failing it is failing, not size.
                    raise ForgeError(exc.title, exc.hint, status=exc.status) from None
                if self.page > 1:
                    self.page = max(1, self.page // 2)
                else:
                    details = False  # even one repository a page is too much: read in batches
                continue
            except RateLimited as exc:
                if first:
                    raise  # nothing listed yet: the whole source waits for the budget
                self.pause(exc)
                out.errors += [owner_error(kind, login, exc.title) for kind, login, _ in owners]
                return out
            unstamped = unstamped[len(explicit) :]
            if first:
                out.viewer = clean(conv.obj(result.data.get("viewer")).get("login") or "", 100)
                first = False
            for i, full in enumerate(explicit):
                out.stamps[full] = stamp_of(conv.obj(result.data.get(f"e{i}")))
            nxt: list[Owner] = []
            for i, (kind, login, cursor) in enumerate(group):
                following = await self._page(out, result, i, (kind, login, cursor), known, carry)
                if following is None:
                    continue
                if (kind, login) in left:
                    left[(kind, login)] = max(1, left[(kind, login)] - self.page)
                end = following
                seen = cursors.setdefault((kind, login), set())
                if not end or end in seen or end == cursor:
                    out.errors.append(
                        owner_error(
                            kind,
                            login,
                            "GitHub sent a page it had sent before; listing stopped there.",
                        )
                    )
                    continue
                seen.add(end)
                nxt.append((kind, login, end))
            owners = nxt + owners[k:]
        return out

    async def _counts(
        self,
        out: Listing,
        owners: list[Owner],
        unstamped: list[str],
        left: dict[tuple[str, str], int],
    ) -> tuple[list[Owner], list[str]]:
        """The first query: the viewer, the first explicit stamps, and how many repositories
        each owner has (an owner with none needs no page, a small one a small page)."""
        explicit = unstamped[:STAMPS_PER_QUERY]
        query, variables = gql.owner_counts_query(owners, with_viewer=True, stamps=explicit)
        try:
            result = await gql.run_query(
                self.session, self.url, query, variables, what="the watched repositories"
            )
        except gql.BatchTooBig as exc:
            raise ForgeError(exc.title, exc.hint, status=exc.status) from None
        out.viewer = clean(conv.obj(result.data.get("viewer")).get("login") or "", 100)
        for i, full in enumerate(explicit):
            out.stamps[full] = stamp_of(conv.obj(result.data.get(f"e{i}")))
        listed: list[Owner] = []
        for i, (kind, login, cursor) in enumerate(owners):
            alias = f"w{i}"
            node = conv.obj(result.data.get(alias))
            if alias in result.alias_errors or not node:
                out.errors.append(self._missing(kind, login, result, alias))
                continue
            total = conv.obj(node.get("repositories")).get("totalCount")
            if isinstance(total, int) and not isinstance(total, bool):
                if total <= 0:
                    continue  # nothing to list
                left[(kind, login)] = total
            listed.append((kind, login, cursor))
        return listed, unstamped[len(explicit) :]

    @staticmethod
    def _missing(kind: str, login: str, result: gql.GraphQLResult, alias: str) -> RepoError:
        err_kind, message = result.alias_errors.get(alias, ("NULL", ""))
        why = (
            "not found, or the token cannot see it."
            if err_kind in ("NOT_FOUND", "NULL")
            else f"{message or err_kind}."
        )
        return owner_error(kind, login, why)

    async def _page(
        self,
        out: Listing,
        result: gql.GraphQLResult,
        i: int,
        owner: Owner,
        known: set[str],
        carry: bool,
    ) -> str | None:
        """Take one owner's page; the next page's cursor, or None when it is done (or failed)."""
        kind, login, _ = owner
        alias = f"w{i}"
        node = conv.obj(result.data.get(alias))
        if alias in result.alias_errors or not node:
            out.errors.append(self._missing(kind, login, result, alias))
            return None
        conn = conv.obj(node.get("repositories"))
        for repo in conv.nodes(conn):
            named = repo.get("nameWithOwner")
            if not isinstance(named, str) or "/" not in named or named.lower() in known:
                continue
            full = named
            if not self.watched(full, repo):
                continue
            known.add(full.lower())
            out.names.append(full)
            out.stamps[full] = stamp_of(repo)
            if carry:
                try:
                    out.listed[full] = await self.parse_node(full, repo)
                except RepoFailed as failed:
                    out.errors.append(failed.error)
        page_info = conv.obj(conn.get("pageInfo"))
        if not page_info.get("hasNextPage"):
            return None
        end = page_info.get("endCursor")
        if not isinstance(end, str) or not sendable(end):
            out.errors.append(
                owner_error(kind, login, "GitHub sent a page cursor that cannot be sent back.")
            )
            return None
        return end


class RepoFailed(Exception):
    """One repository's details could not be used; the listing goes on without it."""

    def __init__(self, error: RepoError) -> None:
        super().__init__(error.title)
        self.error = error
