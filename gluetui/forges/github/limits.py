"""GitHub's documented GraphQL limits, in code: the node count and point cost of a document.

GitHub refuses a query before running it when it *may* return more than :data:`NODE_LIMIT` nodes,
or when a connection asks for more than :data:`MAX_PAGE` (or fewer than 1) items. Its documented
formula ("Rate limits and node limits for the GraphQL API"): every connection (a field with a
``first`` or ``last`` argument) may return the product of the ``first``/``last`` of itself and of
every connection above it; the node count is the sum over all connections. A query's point cost
counts, per connection, one request per node that can hold it (the product of the connections
*above* it), sums them, divides by 100 and rounds, at least 1 point.

gluetui builds its documents itself, so this module reads them with a small parser of its own
(the GraphQL grammar subset gluetui writes: operations, fragments, aliases, arguments, variables,
inline fragments) rather than a GraphQL library, which is not a runtime dependency. The tests
check it against GitHub's worked examples and against an independent count made by walking the
same documents with graphql-core. A ``nodes(ids: [...])`` lookup is counted like a connection of
``len(ids)`` (it returns that many nodes), which can only overestimate.

:func:`fit` sizes a batch: the largest number of repositories (owners, runs...) whose document
stays within the limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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

_TOKEN = re.compile(
    r"""
    (?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
    |(?P<block>\"\"\"(?:\\\"\"\"|[^"]|"(?!""))*\"\"\")
    |(?P<string>"(?:\\.|[^"\\\n])*")
    |(?P<spread>\.\.\.)
    |(?P<punct>[!$&()\:=@\[\]{|}])
    |(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<name>[_A-Za-z][_0-9A-Za-z]*)
    """,
    re.VERBOSE,
)


class DocumentError(ValueError):
    """A document this parser cannot read (gluetui only builds documents it can)."""


@dataclass(frozen=True, slots=True)
class Var:
    """A ``$name`` reference in an argument."""

    name: str


@dataclass(slots=True)
class Field:
    key: str  # the response key: the alias, else the name
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    selections: list[Selection] = field(default_factory=list)


@dataclass(slots=True)
class Spread:
    name: str


@dataclass(slots=True)
class Inline:
    selections: list[Selection] = field(default_factory=list)


Selection = Field | Spread | Inline


@dataclass(frozen=True, slots=True)
class Parsed:
    """An operation's top-level selections and the document's fragments."""

    operation: list[Selection]
    fragments: dict[str, list[Selection]]


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                raise DocumentError(f"unexpected character {text[pos]!r} at {pos}")
            pos = m.end()
            kind = m.lastgroup or ""
            if kind != "skip":
                self.tokens.append((kind, m.group()))
        self.i = 0

    def peek(self, value: str | None = None) -> bool:
        if self.i >= len(self.tokens):
            return False
        return value is None or self.tokens[self.i][1] == value

    def take(self, value: str | None = None) -> str:
        if self.i >= len(self.tokens):
            raise DocumentError("unexpected end of document")
        _kind, text = self.tokens[self.i]
        if value is not None and text != value:
            raise DocumentError(f"expected {value!r}, found {text!r}")
        self.i += 1
        return text

    def document(self) -> Parsed:
        operation: list[Selection] | None = None
        fragments: dict[str, list[Selection]] = {}
        while self.peek():
            if self.peek("{"):
                operation = self.selection_set()
                continue
            word = self.take()
            if word == "fragment":
                name = self.take()
                self.take("on")
                self.take()
                self.directives()
                fragments[name] = self.selection_set()
            elif word in ("query", "mutation", "subscription"):
                if not self.peek("{") and not self.peek("("):
                    self.take()  # the operation's name
                if self.peek("("):
                    self.skip_group("(", ")")
                self.directives()
                if operation is not None:
                    raise DocumentError("more than one operation")
                operation = self.selection_set()
            else:
                raise DocumentError(f"unexpected {word!r}")
        if operation is None:
            raise DocumentError("no operation")
        return Parsed(operation, fragments)

    def skip_group(self, open_: str, close: str) -> None:
        depth = 0
        while True:
            tok = self.take()
            if tok == open_:
                depth += 1
            elif tok == close:
                depth -= 1
                if depth == 0:
                    return

    def directives(self) -> None:
        while self.peek("@"):
            self.take("@")
            self.take()
            if self.peek("("):
                self.skip_group("(", ")")

    def selection_set(self) -> list[Selection]:
        self.take("{")
        out: list[Selection] = []
        while not self.peek("}"):
            if self.peek("..."):
                self.take("...")
                if self.peek("on"):
                    self.take("on")
                    self.take()
                    self.directives()
                    out.append(Inline(self.selection_set()))
                elif self.peek("{") or self.peek("@"):
                    self.directives()
                    out.append(Inline(self.selection_set()))
                else:
                    out.append(Spread(self.take()))
                    self.directives()
                continue
            key = name = self.take()
            if self.peek(":"):
                self.take(":")
                name = self.take()
            args = self.arguments() if self.peek("(") else {}
            self.directives()
            children = self.selection_set() if self.peek("{") else []
            out.append(Field(key, name, args, children))
        self.take("}")
        return out

    def arguments(self) -> dict[str, Any]:
        self.take("(")
        args: dict[str, Any] = {}
        while not self.peek(")"):
            name = self.take()
            self.take(":")
            args[name] = self.value()
        self.take(")")
        return args

    def value(self) -> Any:
        kind, text = self.tokens[self.i] if self.i < len(self.tokens) else ("", "")
        if text == "$":
            self.take()
            return Var(self.take())
        if text == "[":
            self.take()
            items = []
            while not self.peek("]"):
                items.append(self.value())
            self.take("]")
            return items
        if text == "{":
            self.take()
            obj = {}
            while not self.peek("}"):
                key = self.take()
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        self.take()
        if kind == "number":
            return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
        if kind in ("string", "block"):
            return text
        return {"true": True, "false": False, "null": None}.get(text, text)


@lru_cache(maxsize=128)
def parse(document: str) -> Parsed:
    """The document's operation and fragments (cached: a refresh sends the same texts often)."""
    return _Parser(document).document()


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


def _resolve(value: Any, variables: Mapping[str, Any]) -> Any:
    return variables.get(value.name) if isinstance(value, Var) else value


def _page(args: Mapping[str, Any], variables: Mapping[str, Any]) -> int | None:
    """A connection's size (``first``/``last``), a lookup's (``ids``), or None for neither."""
    sizes = []
    for name in ("first", "last"):
        if name in args:
            value = _resolve(args[name], variables)
            if isinstance(value, int) and not isinstance(value, bool):
                sizes.append(value)
    if sizes:
        return max(sizes)
    if "ids" in args:
        ids = _resolve(args["ids"], variables)
        if isinstance(ids, list):
            return len(ids)
    return None


def cost(document: str, variables: Mapping[str, Any] | None = None) -> Cost:
    """Node count and point cost of ``document`` with ``variables`` (GitHub's formula)."""
    parsed = parse(document)
    values = dict(variables or {})
    totals = [0, 0, 0, MAX_PAGE]  # nodes, requests, max page, min page

    def walk(selections: Sequence[Selection], above: int, depth: int) -> None:
        if depth > 64:
            raise DocumentError("fragments nest too deeply (a cycle?)")
        for sel in selections:
            if isinstance(sel, Spread):
                walk(parsed.fragments.get(sel.name, ()), above, depth + 1)
            elif isinstance(sel, Inline):
                walk(sel.selections, above, depth + 1)
            else:
                size = _page(sel.args, values)
                if size is None:
                    walk(sel.selections, above, depth + 1)
                    continue
                totals[0] += above * size
                totals[1] += above
                totals[2] = max(totals[2], size)
                totals[3] = min(totals[3], size)
                walk(sel.selections, above * size, depth + 1)

    walk(parsed.operation, 1, 0)
    return Cost(nodes=totals[0], requests=totals[1], max_page=totals[2], min_page=totals[3])


def top_level_keys(document: str) -> list[str]:
    """The response keys the operation asks for at its root (``r0``, ``w1``, ``viewer``...)."""
    parsed = parse(document)
    keys: list[str] = []

    def walk(selections: Sequence[Selection], depth: int) -> None:
        for sel in selections:
            if isinstance(sel, Field):
                keys.append(sel.key)
            elif isinstance(sel, Inline):
                walk(sel.selections, depth + 1)
            elif depth < 8:
                walk(parsed.fragments.get(sel.name, ()), depth + 1)

    walk(parsed.operation, 0)
    return list(dict.fromkeys(keys))


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
