"""GitHub GraphQL: batched query documents, and running them with partial errors respected.

One document aliases many ``repository(owner:, name:)`` selections (``r0``, ``r1``...), each with
its owner and name passed as variables (never spliced into the text), so ~25 repositories cost one
query. GitHub answers ``data`` *and* ``errors`` when some aliases fail (a renamed, deleted or
forbidden repository): :class:`GraphQLResult` keeps the good data and says which aliases failed,
and only errors that concern the whole query raise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from gluetui.errors import AuthError, ForgeError, RateLimited
from gluetui.forges.github import limits
from gluetui.forges.http import GATEWAY_TIMEOUTS, JSON, HttpSession, spent_title
from gluetui.textsafe import clean

#: Repositories per details query (:mod:`details`): each asks for exactly what its repository has
#: (its open pull requests, the commits of the runs window, its docs), so a batch of 100 typical
#: repositories is ~30,000 of GitHub's 500,000 nodes (:mod:`limits` computes it). A batch GitHub
#: gives up on is halved (:mod:`batching`) and the size that worked is kept.
BATCH_SIZE = 100
#: Aliased objects per doc/history query (docs of ~100 repositories share one query). GitHub limits
#: nodes (500,000), not aliases; each alias here is one blob or a history of at most 5 commits.
MAX_ALIASES = 1000

_FRAGMENT_START = re.compile(r"^fragment (\w+) on \w+", re.MULTILINE)
_SPREAD = re.compile(r"\.\.\.(\w+)")


@cache
def _fragments() -> dict[str, str]:
    text = resources.files("gluetui.forges.github").joinpath("fragments.graphql").read_text()
    starts = list(_FRAGMENT_START.finditer(text))
    out: dict[str, str] = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = "\n".join(
            line for line in text[match.start() : end].splitlines() if not line.startswith("#")
        )
        out[match.group(1)] = body.strip()
    return out


def with_fragments(document: str) -> str:
    """``document`` plus exactly the fragments it spreads (GitHub refuses unused fragments)."""
    frags = _fragments()
    needed: list[str] = []
    todo = list(_SPREAD.findall(document))
    while todo:
        name = todo.pop()
        if name in frags and name not in needed:
            needed.append(name)
            todo.extend(_SPREAD.findall(frags[name]))
    return "\n\n".join([document, *(frags[n] for n in sorted(needed))])


def graphql_url(api_url: str) -> str:
    """``https://api.github.com/graphql``; for GHES ``https://HOST/api/graphql`` (REST is /api/v3)."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


def split_repo(full_name: str) -> tuple[str, str]:
    owner, _, name = full_name.partition("/")
    return owner, name


@dataclass
class GraphQLResult:
    """The data of one query, and the errors GitHub attached to individual aliases."""

    data: JSON
    #: Top-level alias (``r3``) -> (error type, message) for aliases that failed.
    alias_errors: dict[str, tuple[str, str]] = field(default_factory=dict)


class BatchTooBig(ForgeError):
    """GitHub gave up on a query (server time, node or resource limit): a smaller one may pass.

    The caller splits the batch in half and asks again, down to a single repository.
    """


#: Error types and message parts that mean "this query was too big or too slow", not "wrong".
_TOO_BIG_TYPES = frozenset({"MAX_NODE_LIMIT_EXCEEDED", "RESOURCE_LIMITS_EXCEEDED", "TIMEOUT"})
_TOO_BIG_TEXT = (
    "something went wrong while executing your query",
    "this may be the result of a timeout",
    "timedout",
    "timed out",
    "couldn't respond to your request in time",
    "exceeds the maximum limit of 500,000",
)


def too_big(kind: str, message: str) -> bool:
    low = message.lower()
    return kind in _TOO_BIG_TYPES or any(t in low for t in _TOO_BIG_TEXT)


async def run_query(
    session: HttpSession,
    url: str,
    query: str,
    variables: Mapping[str, Any],
    *,
    what: str,
    planned: tuple[limits.Cost, list[str]] | None = None,
) -> GraphQLResult:
    """POST one query; raise for whole-query failures, keep per-alias errors.

    The document's node count and points are computed first (:mod:`limits`): a query over
    GitHub's limits is never sent (:class:`BatchTooBig`), and its points are what the session's
    budget check weighs (``planned``: :func:`limits.analyse` of this very document, when the
    caller computed it already). Every top-level field asked for must be in the answer: one that
    is missing makes the answer unusable, one that is null without an error is that alias's error.
    """
    spend, keys = planned or limits.analyse(query, variables)
    if spend.max_page > limits.MAX_PAGE or spend.min_page < 1:
        raise ForgeError(
            f"gluetui built a query for {what} that asks for {spend.max_page} items of one "
            f"connection (GitHub allows 1 to {limits.MAX_PAGE}).",
            "This is a bug in gluetui; please report it.",
        )
    if spend.nodes > limits.NODE_LIMIT:
        raise BatchTooBig(
            f"The query for {what} could return {spend.nodes:,} nodes, over GitHub's limit of "
            f"{limits.NODE_LIMIT:,}.",
            _RETRY_HINT,
        )
    try:
        # Encoded once, here: a value that is not valid Unicode (a lone surrogate from an earlier
        # answer) cannot be sent, and says so, instead of failing inside the HTTP client.
        body = json.dumps(
            {"query": query, "variables": dict(variables)}, ensure_ascii=False
        ).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError) as exc:
        raise ForgeError(
            f"The query for {what} cannot be sent: a value in it is not valid Unicode "
            f"({type(exc).__name__}).",
            "The value came from an earlier answer; the next refresh asks again.",
        ) from None
    session.stats["graphql_queries"] += 1
    session.stats["graphql_points"] += spend.points
    reply = await session.post(
        url,
        body,
        what=what,
        retry=True,
        ok=(404, 405, *GATEWAY_TIMEOUTS),
        points=spend.points,
    )
    if reply.status in (404, 405):
        raise ForgeError(
            f"There is no GitHub GraphQL API at {url} ({reply.status}).",
            "Check the source's url: leave it empty for github.com; for GitHub Enterprise Server "
            "use https://HOST/api/v3 (its GraphQL API is then https://HOST/api/graphql).",
            status=reply.status,
        )
    if reply.status in GATEWAY_TIMEOUTS:
        raise BatchTooBig(
            f"GitHub gave up on the query for {what} ({reply.status}, a server timeout).",
            _RETRY_HINT,
            status=reply.status,
        )
    try:
        payload = reply.json()
    except ForgeError as exc:
        raise ForgeError(
            f"The GitHub GraphQL API at {url} answered {what} with something that is not JSON.",
            "Check the source's url; a proxy or captive portal may be in the way.",
            status=exc.status,
        ) from None
    if not isinstance(payload, dict):
        raise ForgeError("GitHub's GraphQL API answered with something unexpected.", status=200)
    data = payload.get("data") if isinstance(payload.get("data"), dict) else None
    raw_errors = payload.get("errors")
    errors = [e for e in raw_errors if isinstance(e, dict)] if isinstance(raw_errors, list) else []
    result = GraphQLResult(data or {})
    for err in errors:
        kind = str(err.get("type") or "")
        message = clean(session.scrub(str(err.get("message", ""))), 200)
        path = err.get("path")
        if kind == "RATE_LIMITED":
            limit = session.limits.get("graphql")
            reset = limit.reset_at if limit and limit.reset_at else session.clock()
            raise RateLimited(
                spent_title("GitHub GraphQL", reset),
                f"Source '{session.source}' keeps its last data until then.",
                reset_at=reset,
            )
        if too_big(kind, message):
            raise BatchTooBig(f"GitHub gave up on the query for {what}: {message or kind}", "")
        if isinstance(path, list) and path and isinstance(path[0], str) and data is not None:
            result.alias_errors.setdefault(path[0], (kind, message))
            continue
        if kind == "INSUFFICIENT_SCOPES":
            raise AuthError(
                f"The token for source '{session.source}' lacks a scope GitHub needs: {message}",
                SCOPE_HINT,
            )
        raise ForgeError(f"GitHub's GraphQL API refused {what}: {message or kind}.", _RETRY_HINT)
    if data is None:
        raise ForgeError(f"GitHub's GraphQL API returned no data for {what}.", _RETRY_HINT)
    for key in keys:
        if key not in data:
            raise ForgeError(
                f"GitHub's answer to {what} lacks what was asked for ({clean(key, 40)}).",
                "The answer did not come from GitHub's GraphQL API as asked; check the "
                "source's url and any proxy in between. " + _RETRY_HINT,
            )
        if data[key] is None and key not in result.alias_errors:
            result.alias_errors[key] = ("NULL", "GitHub answered nothing for it")
    return result


_RETRY_HINT = "The last data is kept; the next refresh retries."

SCOPE_HINT = (
    "A classic token needs the repo and read:org scopes; a fine-grained token needs read access "
    "to Actions, Contents, Metadata and Pull requests on the watched repositories."
)


def repo_error_text(full_name: str, kind: str, message: str) -> tuple[str, str]:
    """Title and hint for a repository whose alias failed."""
    if kind == "NOT_FOUND":
        return (
            f"{full_name} was not found on GitHub.",
            "Check the name in the source's repos; a private repository also looks missing when "
            "the token cannot see it.",
        )
    if kind in ("FORBIDDEN", "INSUFFICIENT_SCOPES"):
        return (f"GitHub refused access to {full_name}: {message}", SCOPE_HINT)
    if kind == "NULL":
        return (
            f"GitHub answered nothing for {full_name} and gave no reason.",
            "The next refresh retries; its last items are kept meanwhile.",
        )
    return (f"GitHub could not read {full_name}: {message or kind}", "The next refresh retries.")


def teams_query() -> str:
    """The viewer's teams alone (``$login``), when no repository batch carried them."""
    return (
        "query Teams($login: String!) {\n"
        "  viewer { organizations(first: 100) { nodes { login "
        "teams(first: 100, userLogins: [$login]) { nodes { combinedSlug } } } } }\n}"
    )


def more_pulls_query(first: int = 100) -> str:
    """The next page of one repository's open pull requests (``first``: as many as are left, at
    most 100: GitHub charges what a page may return)."""
    size = max(1, min(100, first))
    return with_fragments(
        "query MorePulls($owner: String!, $name: String!, $after: String) {\n"
        "  repository(owner: $owner, name: $name) {\n"
        f"    pullRequests(first: {size}, after: $after, states: OPEN, "
        "orderBy: { field: UPDATED_AT, direction: DESC }) { ...PullPage }\n"
        "  }\n}"
    )


#: Repositories per listing page (stamps only, or with what a first refresh sizes details by).
LISTING_PAGE = 100


def owners_query(
    owners: Sequence[tuple[str, str, str | None]],
    *,
    with_viewer: bool,
    stamps: Sequence[str] = (),
    shape: bool = False,
    doc_dirs: Sequence[str] = (),
    page: int = LISTING_PAGE,
    since: str = "",
) -> tuple[str, dict[str, Any]]:
    """One page of repositories per organisation/user: ``(kind, login, cursor)``.

    Each listed repository comes with its change stamp (``...RepoStamp``: 1 point per 100). With
    ``shape`` (a refresh with nothing stored) also with ``...RepoShape``: how many commits the
    runs window since ``since`` holds, and the tree (with ``doc_dirs`` listed deeper), so the
    details query asks for exactly what each repository has and reads its docs' texts at once.
    ``stamps`` are explicitly configured repositories read the same way (``e0``...).
    """
    params: list[str] = []
    fields: list[str] = ["  viewer { login }"] if with_viewer else []
    variables: dict[str, Any] = {}
    extra = ""
    if shape and (owners or stamps):
        params.append("$since: GitTimestamp!")
        variables["since"] = since
        deep = []
        for k, path in enumerate(doc_dirs):
            params.append(f"$d{k}: String!")
            variables[f"d{k}"] = f"HEAD:{path}"
            deep.append(f"d{k}: object(expression: $d{k}) {{ ...DeepTree }}")
        extra = " ".join(["...RepoShape", *deep])
    for i, full in enumerate(stamps):
        owner, name = split_repo(full)
        params += [f"$eo{i}: String!", f"$en{i}: String!"]
        variables[f"eo{i}"], variables[f"en{i}"] = owner, name
        fields.append(
            f"  e{i}: repository(owner: $eo{i}, name: $en{i}) {{ nameWithOwner ...RepoStamp {extra} }}"
        )
    size = max(1, min(page, LISTING_PAGE))
    for i, (kind, login, cursor) in enumerate(owners):
        params += [f"$l{i}: String!", f"$c{i}: String"]
        variables[f"l{i}"], variables[f"c{i}"] = login, cursor
        root = "organization" if kind == "org" else "user"
        affil = "" if kind == "org" else ", ownerAffiliations: [OWNER]"
        more = f" nodes {{ {extra} }}" if extra else ""
        fields.append(
            f"  w{i}: {root}(login: $l{i}) {{ repositories(first: {size}, after: $c{i}{affil}, "
            f"orderBy: {{ field: NAME, direction: ASC }}) {{ ...OwnerRepos{more} }} }}"
        )
    head = f"query Owners({', '.join(params)})" if params else "query Owners"
    return with_fragments(f"{head} {{\n" + "\n".join(fields) + "\n}"), variables


def docs_query(
    docs: Mapping[str, Sequence[str]],
) -> tuple[str, dict[str, Any]]:
    """Text and last commit of each doc (repo -> doc paths), aliased ``r{i}.f{j}`` / ``h{j}``."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    for i, (full, paths) in enumerate(docs.items()):
        owner, name = split_repo(full)
        params += [f"$o{i}: String!", f"$n{i}: String!"]
        variables[f"o{i}"], variables[f"n{i}"] = owner, name
        blobs, hist = [], []
        for j, path in enumerate(paths):
            params += [f"$e{i}_{j}: String!", f"$p{i}_{j}: String!"]
            variables[f"e{i}_{j}"], variables[f"p{i}_{j}"] = f"HEAD:{path}", path
            blobs.append(
                f"f{j}: object(expression: $e{i}_{j}) {{ ... on Blob {{ text isBinary byteSize }} }}"
            )
            hist.append(
                f"h{j}: history(first: 1, path: $p{i}_{j}) {{ nodes {{ ...CommitFields }} }}"
            )
        fields.append(
            f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ {' '.join(blobs)} "
            f"ref: defaultBranchRef {{ target {{ ... on Commit {{ {' '.join(hist)} }} }} }} }}"
        )
    doc = f"query Docs({', '.join(params)}) {{\n" + "\n".join(fields) + "\n}"
    return with_fragments(doc), variables


@dataclass(frozen=True, slots=True)
class SinceAsk:
    """Commits to ``path`` ("" = whole repository) since ``since`` (ISO 8601)."""

    path: str
    since: str


def since_parts(
    asks: Mapping[str, Sequence[SinceAsk]], exists: Mapping[str, Sequence[str]], *, first: int
) -> tuple[list[str], list[str], dict[str, Any], list[str]]:
    """The parameters, fields and variables of :func:`since_query`, and the repositories in alias
    order (``r0``...): the followup query (:mod:`followup`) puts them beside other aliases."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    repos = list(dict.fromkeys([*asks, *exists]))
    for i, full in enumerate(repos):
        owner, name = split_repo(full)
        params += [f"$o{i}: String!", f"$n{i}: String!"]
        variables[f"o{i}"], variables[f"n{i}"] = owner, name
        hist, objs = [], []
        for j, ask in enumerate(asks.get(full, ())):
            params += [f"$s{i}_{j}: GitTimestamp!", f"$p{i}_{j}: String"]
            variables[f"s{i}_{j}"], variables[f"p{i}_{j}"] = ask.since, ask.path or None
            hist.append(
                f"s{j}: history(first: {first}, since: $s{i}_{j}, path: $p{i}_{j}) "
                "{ totalCount nodes { ...CommitFields } }"
            )
        for j, path in enumerate(exists.get(full, ())):
            params.append(f"$x{i}_{j}: String!")
            variables[f"x{i}_{j}"] = f"HEAD:{path}"
            objs.append(f"x{j}: object(expression: $x{i}_{j}) {{ __typename }}")
        ref = (
            f"ref: defaultBranchRef {{ target {{ ... on Commit {{ {' '.join(hist)} }} }} }}"
            if hist
            else ""
        )
        fields.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ {ref} {' '.join(objs)} }}")
    return params, fields, variables, repos


def since_query(
    asks: Mapping[str, Sequence[SinceAsk]], exists: Mapping[str, Sequence[str]], *, first: int
) -> tuple[str, dict[str, Any], list[str]]:
    """Commit counts (and the first few) since a date per path, and whether deep paths exist.

    Returns the document, its variables and the repositories in alias order (``r0``...).
    """
    params, fields, variables, repos = since_parts(asks, exists, first=first)
    doc = f"query Since({', '.join(params)}) {{\n" + "\n".join(fields) + "\n}"
    return with_fragments(doc), variables, repos
