"""Every watched repository of a GitHub source: explicit ``repos`` and whole organisations/users.

Owners are listed page by page until GitHub says there is no next page: there is no cap, so an
organisation of 20,000 repositories is listed whole (200 pages of 100, 1 point each). A cursor
GitHub hands back twice would loop forever; that owner stops there and is reported, keeping the
last good items of whatever it did not list.

Several owners share one query, as many as GitHub's node limit allows (:func:`limits.fit`). Each
listed repository comes with its change stamp (:func:`repocache.stamp_of`) and the numbers its
details query is sized by (open pull requests, the head's check state); on a refresh with nothing
stored, also with its tree and the commits of the runs window (``...RepoShape``), so the details
query reads the docs' texts too. Each page is handed to the forge as it arrives (``on_page``):
the first repositories are being read while the listing goes on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gluetui.config.schema import SourceConfig
from gluetui.errors import ForgeError, RateLimited
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github import limits
from gluetui.forges.github.docs import RepoTree
from gluetui.forges.github.repocache import stamp_of
from gluetui.forges.http import HttpSession, sendable
from gluetui.records import RepoError
from gluetui.textsafe import clean

#: Explicitly configured repositories whose change stamps one listing query reads.
STAMPS_PER_QUERY = 100

Owner = tuple[str, str, str | None]  # (kind, login, cursor)

#: What a malformed listed node raises when read (it is then read without sizes).
_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, RecursionError)


@dataclass
class Listed:
    """What the listing says of one repository."""

    stamp: str = ""
    #: Open pull requests (None: unknown, the repository's stamp could not be read).
    pulls: int | None = None
    #: The head's combined check state ("": no check ran on it; None: unknown).
    checks: str | None = None
    #: The default branch ("": an empty repository; None: unknown).
    branch: str | None = None
    #: Commits of the runs window (``shape`` listings only).
    recent: int | None = None
    #: The tree (``shape`` listings only).
    tree: RepoTree | None = None


def listed_of(node: Mapping[str, Any], dirs: Sequence[str]) -> Listed:
    """A listed repository node (``...RepoStamp``, maybe ``...RepoShape``) as :class:`Listed`."""
    if "stampPulls" not in node:
        return Listed()
    ref = node.get("defaultBranchRef")
    target = conv.obj(conv.obj(ref).get("target"))
    rollup = target.get("statusCheckRollup")
    out = Listed(
        stamp=stamp_of(node),
        pulls=max(0, conv.int_of(conv.obj(node.get("stampPulls")).get("totalCount"), 0)),
        checks=str(conv.obj(rollup).get("state") or "") if rollup is not None else "",
        branch=clean(conv.obj(ref).get("name") or "", 200) if ref is not None else "",
    )
    if "recent" in node:
        recent = conv.obj(conv.obj(node.get("recent")).get("target"))
        total = conv.obj(recent.get("history")).get("totalCount")
        out.recent = max(0, conv.int_of(total, 0))
    if "tree" in node:
        tree = RepoTree()
        if node.get("tree"):
            tree.expanded.add("")
            conv.tree_paths(node["tree"], tree.files, tree.dirs, tree.expanded)
        for k, path in enumerate(dirs):
            deep = node.get(f"d{k}")
            if deep:
                tree.expanded.add(path)
                conv.tree_paths(deep, tree.files, tree.dirs, tree.expanded)
        out.tree = tree
    return out


def _read_listed(node: Mapping[str, Any], dirs: Sequence[str]) -> Listed:
    try:
        return listed_of(node, dirs)
    except _UNREADABLE:
        return Listed()  # read without sizes: its details query says what it is


@dataclass
class Listing:
    """What the listing found."""

    viewer: str = ""
    #: Every watched repository, explicit ones first, in listing order.
    names: list[str] = field(default_factory=list)
    errors: list[RepoError] = field(default_factory=list)
    #: Repository -> what the listing says of it.
    info: dict[str, Listed] = field(default_factory=dict)

    @property
    def stamps(self) -> dict[str, str]:
        return {name: got.stamp for name, got in self.info.items()}


#: Told each page's new repositories, and the listing so far (its ``info`` and ``viewer``).
OnPage = Callable[[list[str], Listing], None]


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
        page: Repositories per page (shrinks when GitHub gives up on a page with trees).
        pause: Told when a rate limit stops the listing.
        on_page: Told the repositories of each page as it arrives (explicit ones first).
    """

    def __init__(
        self,
        session: HttpSession,
        url: str,
        source: SourceConfig,
        *,
        page: int,
        pause: Callable[[RateLimited], None],
        on_page: OnPage | None = None,
    ) -> None:
        self.session = session
        self.url = url
        self.source = source
        self.page = page
        self.pause = pause
        self.on_page = on_page or (lambda names, listing: None)

    def watched(self, full: str, node: Mapping[str, Any]) -> bool:
        src = self.source
        if node.get("isArchived") and not src.include_archived:
            return False
        if node.get("isFork") and not src.include_forks:
            return False
        return _matches(full, src.include) and not _matches(full, src.exclude)

    async def run(self, dirs: Sequence[str], *, shape: bool, since: str = "") -> Listing:
        """List everything; with ``shape``, each repository's tree and window size too."""
        src = self.source
        out = Listing()
        owners: list[Owner] = [("org", o, None) for o in src.orgs]
        owners += [("user", u, None) for u in src.users]
        out.names = list(dict.fromkeys(src.repos))
        known = {n.lower() for n in out.names}
        unstamped = list(out.names)
        cursors: dict[tuple[str, str], set[str]] = {}
        first = True
        while first or owners or unstamped:
            explicit = unstamped[:STAMPS_PER_QUERY]

            def build(
                k: int,
                owners: list[Owner] = owners,
                first: bool = first,
                explicit: list[str] = explicit,
            ) -> tuple[str, dict[str, Any]]:
                return gql.owners_query(
                    owners[:k],
                    with_viewer=first,
                    stamps=explicit,
                    shape=shape,
                    doc_dirs=dirs,
                    page=self.page,
                    since=since,
                )

            k = limits.fit(build, len(owners)) if owners else 0
            group = owners[:k]
            query, variables = build(k)
            try:
                result = await gql.run_query(
                    self.session, self.url, query, variables, what="the watched repositories"
                )
            except gql.BatchTooBig as exc:
                if not shape or self.page <= 1:
                    # A page of names and stamps is tiny: GitHub failing it is failing, not size.
                    raise ForgeError(exc.title, exc.hint, status=exc.status) from None
                self.page = max(1, self.page // 2)
                continue
            except RateLimited as exc:
                if first:
                    raise  # nothing listed yet: the whole source waits for the budget
                self.pause(exc)
                out.errors += [owner_error(kind, login, exc.title) for kind, login, _ in owners]
                if unstamped:
                    self.on_page(unstamped, out)  # read unstamped, as far as the budget goes
                return out
            unstamped = unstamped[len(explicit) :]
            if first:
                out.viewer = clean(conv.obj(result.data.get("viewer")).get("login") or "", 100)
                first = False
            for i, full in enumerate(explicit):
                out.info[full] = _read_listed(conv.obj(result.data.get(f"e{i}")), dirs)
            fresh: list[str] = list(explicit)
            nxt: list[Owner] = []
            for i, (kind, login, cursor) in enumerate(group):
                following = self._page(out, result, i, (kind, login), known, dirs, fresh)
                if following is None:
                    continue
                seen = cursors.setdefault((kind, login), set())
                if following in seen or following == cursor:
                    out.errors.append(
                        owner_error(
                            kind,
                            login,
                            "GitHub sent a page it had sent before; listing stopped there.",
                        )
                    )
                    continue
                seen.add(following)
                nxt.append((kind, login, following))
            owners = nxt + owners[k:]
            if fresh:
                self.on_page(fresh, out)
        return out

    @staticmethod
    def _missing(kind: str, login: str, result: gql.GraphQLResult, alias: str) -> RepoError:
        err_kind, message = result.alias_errors.get(alias, ("NULL", ""))
        why = (
            "not found, or the token cannot see it."
            if err_kind in ("NOT_FOUND", "NULL")
            else f"{message or err_kind}."
        )
        return owner_error(kind, login, why)

    def _page(
        self,
        out: Listing,
        result: gql.GraphQLResult,
        i: int,
        owner: tuple[str, str],
        known: set[str],
        dirs: Sequence[str],
        fresh: list[str],
    ) -> str | None:
        """Take one owner's page; the next page's cursor, or None when it is done (or failed)."""
        kind, login = owner
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
            if not self.watched(named, repo):
                continue
            known.add(named.lower())
            out.names.append(named)
            fresh.append(named)
            out.info[named] = _read_listed(repo, dirs)
        page_info = conv.obj(conn.get("pageInfo"))
        if not page_info.get("hasNextPage"):
            return None
        end = page_info.get("endCursor")
        if not isinstance(end, str) or not end or not sendable(end):
            out.errors.append(
                owner_error(kind, login, "GitHub sent a page cursor that cannot be sent back.")
            )
            return None
        return end
