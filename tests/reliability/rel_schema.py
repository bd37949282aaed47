"""Answers to gluetui's real GraphQL documents, generated from a published schema.

The fakes answer what their authors thought of; a real forge answers anything its schema allows.
:class:`SchemaAnswers` executes a document with graphql-core against GitHub's or GitLab's published
SDL, and makes every value up from the types: a nullable field is sometimes null, a list is empty,
one or a full page, an enum is sometimes a value the schema does not list yet (forges add them), a
string is sometimes one from the hostile corpus, a date sometimes not a date, an integer sometimes
negative or huge. Abstract types resolve to any of their possible types. Seeded, so a failure
names the seed that reproduces it.

``overrides`` pin what a test needs to be true (``repository(owner:, name:)`` answers for that
repository, ``pageInfo.hasNextPage`` ends), keyed ``"Type.field"``; each gets
``(source, args, gen)`` and returns the value.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    execute_sync,
    get_named_type,
    is_abstract_type,
    is_list_type,
    is_non_null_type,
    parse,
)
from rel_hostile import SHORT

Override = Callable[[Any, Mapping[str, Any], "Gen"], Any]

_DATES = [
    "2026-11-20T09:00:00Z",
    "2026-01-01T00:00:00+02:00",
    "2019-05-05T05:05:05Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "not a date",
    "",
    "2026-13-45T99:99:99Z",
]
_INTS = [0, 1, 2, 7, 100, -1, 2**31 - 1, -(2**31)]


def lenient_enums(schema: GraphQLSchema) -> GraphQLSchema:
    """Let enums carry values the SDL does not list (a forge adds values before clients know)."""
    for named in schema.type_map.values():
        if isinstance(named, GraphQLEnumType) and not named.name.startswith("__"):
            original = named.serialize

            def serialize(value: Any, original: Callable[[Any], Any] = original) -> Any:
                return value if isinstance(value, str) else original(value)

            # graphql-core 3.3 coerces through coerce_output_value; older ones call serialize.
            for method in ("serialize", "coerce_output_value"):
                if hasattr(named, method):
                    setattr(named, method, serialize)
    return schema


class Gen:
    """The random choices of one answer."""

    def __init__(self, seed: int, *, null_rate: float, hostile_rate: float) -> None:
        self.rng = random.Random(seed)
        self.null_rate = null_rate
        self.hostile_rate = hostile_rate

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def string(self, name: str) -> str:
        if self.chance(self.hostile_rate):
            return self.rng.choice(SHORT)[1]
        return f"{name}-{self.rng.randrange(1000)}"

    def scalar(self, scalar: GraphQLScalarType, field: str) -> Any:
        name = scalar.name
        if name == "Int":
            return self.rng.choice(_INTS)
        if name == "Float":
            return self.rng.choice([0.0, 1.5, -3.25, 1e300])
        if name == "Boolean":
            return self.chance(0.5)
        if name == "ID":
            return self.rng.choice([f"gid://gitlab/Project/{self.rng.randrange(99)}", "R_kgDO", ""])
        if "Date" in name or name in ("Time", "GitTimestamp", "ISO8601DateTime", "Timestamp"):
            return self.rng.choice(_DATES)
        if name in ("URI", "URL", "HTML", "Markdown"):
            if self.chance(self.hostile_rate):
                return self.rng.choice(SHORT)[1]
            return f"https://forge.example/{field}/{self.rng.randrange(100)}"
        if name in ("GitObjectID", "GitSSHRemote"):
            return f"{self.rng.getrandbits(160):040x}"
        if name in ("Int", "BigInt"):
            return self.rng.choice(_INTS)
        if name == "String" and field in ("path", "name", "fullPath", "nameWithOwner"):
            # Paths and names: sometimes with odd characters, sometimes a lone surrogate.
            return self.rng.choice(
                [
                    f"docs/{self.string(field)}.md",
                    "README.md",
                    "docs/guide ünïcode [draft] #1?.md",
                    "docs/\udc80broken.md",
                    self.string(field),
                ]
            )
        return self.string(field)


class SchemaAnswers:
    """Executes documents against ``schema``, making every value up (see module doc)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        overrides: Mapping[str, Override] | None = None,
        null_rate: float = 0.15,
        hostile_rate: float = 0.15,
        max_list: int = 3,
        unknown_enum_rate: float = 0.1,
    ) -> None:
        self.schema = schema
        self.overrides = dict(overrides or {})
        self.null_rate = null_rate
        self.hostile_rate = hostile_rate
        self.max_list = max_list
        self.unknown_enum_rate = unknown_enum_rate
        #: How many answers were generated (a test checks it made hundreds).
        self.answered = 0

    def answer(self, query: str, variables: Mapping[str, Any], seed: int) -> dict[str, Any]:
        """The response body a forge could send for ``query`` (``data`` and maybe ``errors``)."""
        gen = Gen(seed, null_rate=self.null_rate, hostile_rate=self.hostile_rate)
        self.answered += 1

        def resolve(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            key = f"{info.parent_type.name}.{info.field_name}"
            if key in self.overrides:
                return self.overrides[key](source, args, gen)
            if isinstance(source, Mapping) and info.field_name in source:
                return source[info.field_name]
            return self.value(info.return_type, info.field_name, args, gen)

        def resolve_type(value: Any, info: GraphQLResolveInfo, abstract: Any) -> str:
            if isinstance(value, dict) and isinstance(value.get("__typename"), str):
                return str(value["__typename"])
            possible = self.schema.get_possible_types(abstract)
            chosen = gen.rng.choice(possible).name
            if isinstance(value, dict):
                value["__typename"] = chosen
            return chosen

        try:
            document = parse(query)
        except GraphQLError as exc:  # a server answers a document it cannot read with an error
            return {"errors": [{"message": exc.message}]}
        result = execute_sync(
            self.schema,
            document,
            variable_values=dict(variables),
            field_resolver=resolve,
            type_resolver=resolve_type,
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [
                {"message": e.message, "path": list(e.path or []), "type": "INTERNAL"}
                for e in result.errors
            ]
        return body

    def value(self, kind: GraphQLOutputType, field: str, args: Mapping[str, Any], gen: Gen) -> Any:
        if not is_non_null_type(kind):
            if gen.chance(self.null_rate):
                return None
        else:
            assert isinstance(kind, GraphQLNonNull)
            kind = kind.of_type
        if is_list_type(kind):
            assert isinstance(kind, GraphQLList)
            page = args.get("first") or args.get("last") or self.max_list
            ids = args.get("ids")
            size = len(ids) if isinstance(ids, list) else min(int(page), self.max_list)
            n = gen.rng.choice([0, 1, size, size])
            return [self.value(kind.of_type, field, {}, gen) for _ in range(n)]
        named = get_named_type(kind)
        if isinstance(named, GraphQLScalarType):
            return gen.scalar(named, field)
        if isinstance(named, GraphQLEnumType):
            if gen.chance(self.unknown_enum_rate):
                return "SOMETHING_NEW"
            return gen.rng.choice(list(named.values))
        if isinstance(named, GraphQLObjectType) or is_abstract_type(named):
            return {}
        return None
