"""GitLab's GraphQL endpoint, answered from GitLab's published schema (``tests/gitlab/schema/``).

Each document is parsed and validated against the schema the way GitLab does (a document that
asks for a field or argument the schema lacks is refused with graphql-ruby's wording, "Field
'source' doesn't exist on type 'Pipeline'"), ``projects(fullPaths:)`` refuses more than 50 paths
with GitLab's resolver message, and a valid document is executed: the projects of a small model
answer for themselves, everything else is made up from the types (``rel_schema``), with no nulls
and nothing hostile unless asked.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from graphql import GraphQLError, GraphQLSchema, build_schema, parse, validate

SCHEMAS = Path(__file__).resolve().parent / "schema"
CURRENT = "gitlab-current-subset.graphql"
OLD = "gitlab-16.3.graphql"
RELIABILITY = Path(__file__).resolve().parents[1] / "reliability"


def _rel(name: str) -> ModuleType:
    """A reliability helper module, by path (its directory is not on this one's import path)."""
    if name in sys.modules:
        return sys.modules[name]
    if str(RELIABILITY) not in sys.path:
        sys.path.append(str(RELIABILITY))  # rel_schema imports rel_hostile by name
    spec = importlib.util.spec_from_file_location(name, RELIABILITY / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@cache
def schema(name: str) -> GraphQLSchema:
    return build_schema((SCHEMAS / name).read_text(encoding="utf-8"))


def ruby_wording(message: str) -> str:
    """graphql-core's validation message as graphql-ruby (GitLab) words it."""
    if m := re.match(r"Cannot query field '(\w+)' on type '(\w+)'", message):
        return f"Field '{m.group(1)}' doesn't exist on type '{m.group(2)}'"
    if m := re.match(r"Unknown argument '(\w+)' on field '\w+\.(\w+)'", message):
        return f"Field '{m.group(2)}' doesn't accept argument '{m.group(1)}'"
    return message


def errors_against(against: str | GraphQLSchema, query: str) -> list[str]:
    """GitLab's validation errors for ``query`` (none: it would run); ``against`` is a schema
    file's name or a built schema."""
    built = schema(against) if isinstance(against, str) else against
    try:
        document = parse(query)
    except GraphQLError as exc:
        return [exc.message]
    return [ruby_wording(e.message) for e in validate(built, document)]


def project(path: str, number: int, **over: Any) -> dict[str, Any]:
    """A project as GitLab's GraphQL API describes it (what the adapter's documents read)."""
    node: dict[str, Any] = {
        "id": f"gid://gitlab/Project/{number}",
        "fullPath": path,
        "webUrl": f"https://gitlab.example.com/{path}",
        "archived": False,
        "repository": {
            "rootRef": "main",
            "tree": {
                "blobs": {"pageInfo": {"hasNextPage": False}, "nodes": []},
                "trees": {"pageInfo": {"hasNextPage": False}, "nodes": []},
            },
        },
        "mergeRequests": {"nodes": []},
        "pipelines": {"nodes": []},
    }
    node.update(over)
    return node


class SchemaGitLab:
    """A GraphQL endpoint over one schema and a model of projects (path -> project node)."""

    def __init__(self, against: str | GraphQLSchema, projects: dict[str, dict[str, Any]]) -> None:
        self.schema = schema(against) if isinstance(against, str) else against
        self.projects = {p.lower(): node for p, node in projects.items()}
        rel = _rel("rel_schema")
        self.documents: list[str] = []
        self.refused: list[str] = []
        self.calls: Counter[str] = Counter()
        self.max_paths = 0
        built = rel.lenient_enums(self.schema)
        self.answers = rel.SchemaAnswers(
            built,
            overrides={
                "Query.projects": self._projects,
                "Query.project": lambda s, a, g: self.projects.get(str(a["fullPath"]).lower()),
                "Query.currentUser": lambda s, a, g: {"username": "carol", "bot": False},
                "PageInfo.hasNextPage": lambda s, a, g: False,
            },
            null_rate=0.0,
            hostile_rate=0.0,
            unknown_enum_rate=0.0,
            max_list=0,
        )

    def _projects(self, source: Any, args: dict[str, Any], gen: Any) -> dict[str, Any]:
        paths = list(args.get("fullPaths") or [])
        return {"nodes": [self.projects[p.lower()] for p in paths if p.lower() in self.projects]}

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.content)
        query, variables = payload["query"], payload.get("variables") or {}
        self.documents.append(query)
        problems = errors_against(self.schema, query)
        if problems:
            self.refused.append(problems[0])
            self.calls["refused"] += 1
            return httpx.Response(200, json={"errors": [{"message": m} for m in problems]})
        paths = variables.get("paths")
        if isinstance(paths, list):
            self.max_paths = max(self.max_paths, len(paths))
            if len(paths) > 50:
                self.calls["too_many_paths"] += 1
                return httpx.Response(
                    200,
                    json={
                        "data": {"projects": None},
                        "errors": [{"message": "You cannot provide more than 50 full_paths"}],
                    },
                )
        self.calls["answered"] += 1
        return httpx.Response(200, json=self.answers.answer(query, variables, 0))
