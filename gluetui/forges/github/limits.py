"""GitHub's documented GraphQL limits, in code: the node count and point cost of a document.

GitHub refuses a query before running it when it *may* return more than :data:`NODE_LIMIT` nodes,
or when a connection asks for more than :data:`MAX_PAGE` (or fewer than 1) items. Its documented
formula ("Rate limits and node limits for the GraphQL API"): every connection (a field with a
``first`` or ``last`` argument) may return the product of the ``first``/``last`` of itself and of
every connection above it; the node count is the sum over all connections. A query's point cost
counts, per connection, one request per node that can hold it (the product of the connections
*above* it), sums them, divides by 100 and rounds, at least 1 point.

gluetui builds its documents itself, so this module reads them with a small scanner of its own
(the GraphQL grammar subset gluetui writes: operations, fragments, aliases, arguments, variables,
inline fragments, directives) rather than a GraphQL library, which is not a runtime dependency; it
counts in one pass without building a syntax tree, so a 1,000-alias document costs milliseconds. The tests
check it against GitHub's worked examples and against an independent count made by walking the
same documents with graphql-core. A ``nodes(ids: [...])`` lookup is counted like a connection of
``len(ids)`` (it returns that many nodes), which can only overestimate.

:func:`fit` sizes a batch: the largest number of repositories (owners, runs...) whose document
stays within the limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Nodes one query may request at most.
NODE_LIMIT = 500_000
#: ``first``/``last`` of one connection: 1 to 100.
MAX_PAGE = 100
#: Points per hour for a user's token (REST requests and GraphQL points are separate budgets).
HOURLY_POINTS = 5_000
#: Secondary limits: points per minute (a GET and a GraphQL query are 1 point each).
REST_POINTS_PER_MINUTE = 900
GRAPHQL_POINTS_PER_MINUTE = 2_000
#: Secondary limit on requests in flight, shared by REST and GraphQL.
MAX_CONCURRENT = 100
#: GitHub stops a query after about this much server time.
SERVER_SECONDS = 10

#: Tokens of the GraphQL subset gluetui writes: strings, ``...``, punctuation, numbers, names,
#: comments (dropped), and any other single character (which the scanner then refuses).
_TOKEN = re.compile(
    r'"""(?:\\"""|[^"]|"(?!""))*"""|"(?:\\.|[^"\\\n])*"|\.\.\.|#[^\n\r]*|[{}()\[\]:$!@=|&]'
    r"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z][_0-9A-Za-z]*|[^\s,\ufeff]"
)
_INT = re.compile(r"-?\d+")


class DocumentError(ValueError):
    """A document this scanner cannot read (gluetui only builds documents it can)."""


@dataclass(frozen=True, slots=True)
class Cost:
    """What GitHub will count for one document, before it is sent."""

    #: The most nodes the query may return (GitHub refuses more than NODE_LIMIT).
    nodes: int
    #: Requests the formula charges (connections times the nodes above them).
    requests: int
    #: The largest and smallest ``first``/``last`` asked for.
    max_page: int
    min_page: int

    @property
    def points(self) -> int:
        """The hourly budget this query spends: requests / 100, rounded, at least 1."""
        return max(1, int(self.requests / 100 + 0.5))

    @property
    def within_limits(self) -> bool:
        return self.nodes <= NODE_LIMIT and self.max_page <= MAX_PAGE and self.min_page >= 1


@lru_cache(maxsize=64)
def _tokens(document: str) -> tuple[str, ...]:
    return tuple(t for t in _TOKEN.findall(document) if not t.startswith("#"))


class _Scan:
    """One pass over a document's tokens, counting as it goes (no syntax tree is built).

    Everything inside a selection set scales with the number of nodes holding it, so a
    fragment's counts are computed once (per 1 node above) and multiplied where it is spread.
    """

    def __init__(self, document: str, variables: Mapping[str, Any]) -> None:
        self.t = _tokens(document)
        self.variables = variables
        self.fragments: dict[str, int] = {}  # name -> index of its "{"
        self.memo: dict[str, tuple[int, int, int, int]] = {}
        self.max_page = 0
        self.min_page = MAX_PAGE
        self.operation = -1
        self._index()

    def _index(self) -> None:
        t, i, n = self.t, 0, len(self.t)
        while i < n:
            tok = t[i]
            if tok == "{":
                if self.operation >= 0:
                    raise DocumentError("more than one operation")
                self.operation = i
                i = self._skip(i)
            elif tok == "fragment":
                name = t[i + 1]
                j = i + 2
                while j < n and t[j] != "{":
                    j += 1
                self.fragments[name] = j
                i = self._skip(j)
            elif tok in ("query", "mutation", "subscription"):
                j = i + 1
                while j < n and t[j] not in ("{", "("):
                    j += 1
                if j < n and t[j] == "(":
                    j = self._skip(j, "(", ")")
                while j < n and t[j] != "{":
                    j += 1
                if self.operation >= 0:
                    raise DocumentError("more than one operation")
                self.operation = j
                i = self._skip(j)
            else:
                raise DocumentError(f"unexpected {tok!r}")
        if self.operation < 0:
            raise DocumentError("no operation")

    def _skip(self, i: int, open_: str = "{", close: str = "}") -> int:
        """The index after the group that opens at ``i``."""
        t, depth = self.t, 0
        for j in range(i, len(t)):
            if t[j] == open_:
                depth += 1
            elif t[j] == close:
                depth -= 1
                if depth == 0:
                    return j + 1
        raise DocumentError("unbalanced document")

    def _value(self, i: int) -> tuple[Any, int]:
        """An argument value at ``i`` (ints, variables, list lengths; other values are skipped)."""
        t = self.t
        tok = t[i]
        if tok == "$":
            return self.variables.get(t[i + 1]), i + 2
        if tok == "[":
            count, j = 0, i + 1
            while t[j] != "]":
                _, j = self._value(j)
                count += 1
            return [None] * count, j + 1
        if tok == "{":
            return None, self._skip(i)
        if _INT.fullmatch(tok):
            return int(tok), i + 1
        return None, i + 1

    def _size(self, i: int) -> tuple[int | None, int]:
        """A field's connection size from its arguments at ``i`` (``(``), and the index after."""
        t = self.t
        sizes: list[int] = []
        ids: Any = None
        j = i + 1
        while t[j] != ")":
            name = t[j]
            value, j = self._value(j + 2)  # name ":" value
            if name in ("first", "last") and isinstance(value, int) and not isinstance(value, bool):
                sizes.append(value)
            elif name == "ids":
                ids = value
        if sizes:
            return max(sizes), j + 1
        return (len(ids) if isinstance(ids, list) else None), j + 1

    def _directives(self, i: int) -> int:
        t = self.t
        while i < len(t) and t[i] == "@":
            i += 2
            if i < len(t) and t[i] == "(":
                i = self._skip(i, "(", ")")
        return i

    def selections(self, i: int, depth: int = 0) -> tuple[int, int, int, list[str]]:
        """Counts per 1 node above of the selection set opening at ``i``: (nodes, requests,
        index after it, the response keys at this level)."""
        if depth > 64:
            raise DocumentError("fragments nest too deeply (a cycle?)")
        t = self.t
        nodes = requests = 0
        keys: list[str] = []
        j = i + 1
        while t[j] != "}":
            if t[j] == "...":
                if t[j + 1] == "on":
                    j = self._directives(j + 3)
                    n, r, j, inner = self.selections(j, depth + 1)
                elif t[j + 1] in ("{", "@"):
                    j = self._directives(j + 1)
                    n, r, j, inner = self.selections(j, depth + 1)
                else:
                    n, r, inner = self.fragment(t[j + 1], depth + 1)
                    j = self._directives(j + 2)
                nodes, requests = nodes + n, requests + r
                keys += inner
                continue
            key = t[j]  # the response key: the alias when there is one, else the field's name
            j += 1
            if t[j] == ":":
                j += 2
            size = None
            if t[j] == "(":
                size, j = self._size(j)
            j = self._directives(j)
            keys.append(key)
            if size is not None:
                self.max_page = max(self.max_page, size)
                self.min_page = min(self.min_page, size)
                nodes += size
                requests += 1
            if t[j] == "{":
                n, r, j, _ = self.selections(j, depth + 1)
                scale = size if size is not None else 1
                nodes, requests = nodes + scale * n, requests + scale * r
        return nodes, requests, j + 1, keys

    def fragment(self, name: str, depth: int) -> tuple[int, int, list[str]]:
        if name not in self.memo:
            start = self.fragments.get(name)
            if start is None:
                raise DocumentError(f"unknown fragment {name!r}")
            n, r, _, _ = self.selections(start, depth)
            self.memo[name] = (n, r, self.max_page, self.min_page)
        n, r, hi, lo = self.memo[name]
        self.max_page, self.min_page = max(self.max_page, hi), min(self.min_page, lo)
        return n, r, []


def analyse(document: str, variables: Mapping[str, Any] | None = None) -> tuple[Cost, list[str]]:
    """:func:`cost` and :func:`top_level_keys` in one pass (what a query is checked for)."""
    scan = _Scan(document, dict(variables or {}))
    nodes, requests, _, keys = scan.selections(scan.operation)
    found = Cost(nodes=nodes, requests=requests, max_page=scan.max_page, min_page=scan.min_page)
    return found, list(dict.fromkeys(keys))


def cost(document: str, variables: Mapping[str, Any] | None = None) -> Cost:
    """Node count and point cost of ``document`` with ``variables`` (GitHub's formula)."""
    return analyse(document, variables)[0]


def top_level_keys(document: str) -> list[str]:
    """The response keys the operation asks for at its root (``r0``, ``w1``, ``viewer``...)."""
    return analyse(document)[1]


def fit(build: Callable[[int], tuple[str, Mapping[str, Any]]], wanted: int) -> int:
    """The largest ``n <= wanted`` whose document ``build(n)`` stays within the node limit.

    Documents grow linearly with the number of aliased items, so one or two builds find it.
    Returns at least 1: a single item over the limit is the caller's to split further.
    """
    n = max(1, wanted)
    while n > 1:
        text, variables = build(n)
        nodes = cost(text, variables).nodes
        if nodes <= NODE_LIMIT:
            return n
        n = max(1, min(n - 1, n * NODE_LIMIT // nodes))
    return 1
