"""GitHub's node and point formula, counted independently of gluetui's planner.

The planner (``gluetui.forges.github.limits``) reads documents with a parser of its own; this walks
the AST graphql-core parses, so a mistake in one is not repeated in the other. The fakes use it to
refuse what GitHub refuses, and the tests check both agree with each other and with the worked
examples of GitHub's documentation ("Rate limits and node limits for the GraphQL API").

The formula: a connection is a field with a ``first`` or ``last`` argument; it may return the
product of its own and every enclosing connection's ``first``/``last``; the node count is the sum
over all connections. Points: each connection costs one request per node that can hold it (the
product of the enclosing connections), summed, divided by 100 and rounded, at least 1. A
``nodes(ids: [...])`` lookup counts as a connection of ``len(ids)`` (gluetui's conservative rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
)

NODE_LIMIT = 500_000


@dataclass(frozen=True)
class Count:
    nodes: int
    requests: int
    pages: tuple[int, ...]

    @property
    def points(self) -> int:
        return max(1, int(self.requests / 100 + 0.5))


def _value(node: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return list(node.values)
    return None


def _size(field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    args = {a.name.value: _value(a.value, variables) for a in field.arguments or ()}
    pages = [v for k, v in args.items() if k in ("first", "last") and isinstance(v, int)]
    if pages:
        return max(pages)
    ids = args.get("ids")
    return len(ids) if isinstance(ids, list) else None


def count(document: str, variables: Mapping[str, Any] | None = None) -> Count:
    ast = parse(document)
    values = dict(variables or {})
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    (operation,) = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    nodes = requests = 0
    pages: list[int] = []

    def walk(selection_set: SelectionSetNode | None, above: int) -> None:
        nonlocal nodes, requests
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                walk(fragments[selection.name.value].selection_set, above)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, above)
            elif isinstance(selection, FieldNode):
                size = _size(selection, values)
                if size is None:
                    walk(selection.selection_set, above)
                    continue
                pages.append(size)
                nodes += above * size
                requests += above
                walk(selection.selection_set, above * size)

    walk(operation.selection_set, 1)
    return Count(nodes, requests, tuple(pages))
