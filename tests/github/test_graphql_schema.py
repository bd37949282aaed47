"""Every GraphQL document the adapter sends validates against GitHub's published schema.

The schema is ``schema.graphql`` from ``@octokit/graphql-schema`` (pinned in
tests/peers/github/package.json, fetched with ``npm pack`` on first use). Validation catches wrong
field names, arguments, enum values, fragment type conditions and unused fragments (which GitHub
refuses); the variables each builder produces are coerced against the declared types too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate
from graphql.execution.values import get_variable_values

from gluetui.forges.github import graphql as gql
from gluetui.forges.github.details import DetailAsk, details_query
from gluetui.forges.github.followup import followup_query
from gluetui.forges.github.jobs import wanted_query

pytestmark = pytest.mark.peers


@pytest.fixture(scope="module")
def schema(github_schema_path: Path) -> GraphQLSchema:
    # GitHub's SDL repeats two EnterpriseOwnerInfo fields; graphql-core's SDL check rejects that.
    built = build_schema(github_schema_path.read_text(encoding="utf-8"), assume_valid_sdl=True)
    # It also deprecates fields on types but not on their interfaces, which graphql-core's schema
    # check refuses before validating any document; GitHub serves it as is, so accept it as valid.
    built._validation_errors = []
    return built


SINCE = "2026-11-11T12:00:00Z"


def documents() -> Iterator[tuple[str, str, dict[str, Any]]]:
    full = DetailAsk("acme/app", pulls=7, commits=12, docs=("README.md", "docs/a.md"))
    bare = DetailAsk("acme/lib", pulls=0, commits=0, head=False)
    changed = DetailAsk("acme/web", pulls=3, commits=20, tree=True)
    q, v = details_query(
        [full, bare, changed], doc_dirs=["docs", "guide"], since=SINCE, with_teams=True
    )
    yield "details+teams", q, {**v, "login": "alice"}
    q, v = details_query([bare])
    yield "details-bare", q, v
    q, v = details_query([full], since=SINCE)
    yield "details-cold", q, v
    yield "more_pulls", gql.more_pulls_query(), {"owner": "acme", "name": "app", "after": "Y3Vy"}
    yield "more_pulls-7", gql.more_pulls_query(7), {"owner": "acme", "name": "app", "after": "Y3Vy"}
    q, v = gql.owners_query([("org", "acme", None), ("user", "alice", "Y3Vy")], with_viewer=True)
    yield "owners+viewer", q, v
    q, v = gql.owners_query([("org", "acme", "Y3Vy")], with_viewer=False)
    yield "owners", q, v
    q, v = gql.owners_query([], with_viewer=True, stamps=["acme/app", "acme/lib"])
    yield "viewer+stamps", q, v
    yield "teams", gql.teams_query(), {"login": "alice"}
    q, v = gql.owners_query(
        [("org", "acme", None), ("user", "alice", "Y3Vy")],
        with_viewer=True,
        stamps=["acme/app"],
        shape=True,
        doc_dirs=["docs", "guide"],
        since=SINCE,
    )
    yield "owners+shape", q, v
    q, v = gql.owners_query(
        [], with_viewer=True, stamps=["acme/app"], shape=True, doc_dirs=[], since=SINCE
    )
    yield "stamps+shape", q, v
    q, v = gql.owners_query([], with_viewer=True)
    yield "viewer", q, v
    q, v = gql.docs_query({"acme/app": ["README.md", "docs/a.md"], "acme/lib": ["README.md"]})
    yield "docs", q, v
    asks = {"acme/app": [gql.SinceAsk("src", "2026-01-01T00:00:01Z"), gql.SinceAsk("", "2026")]}
    q, v, _ = gql.since_query(asks, {"acme/app": ["a/b/c/d.py"], "acme/lib": ["x/y/z"]}, first=5)
    yield "since+exists", q, v
    q, v, _ = gql.since_query({}, {"acme/lib": ["x/y/z"]}, first=5)
    yield "exists", q, v
    checks = {"acme/app": ["WFR_kwLOA", "WFR_kwLOB"], "acme/lib": ["x"]}
    q, v, _, _ = followup_query(asks, {"acme/lib": ["x/y/z"]}, checks, first=5)
    yield "followup", q, v
    q, v, _, _ = followup_query({}, {}, checks, first=5)
    yield "followup-jobs", q, v
    q, v, _, _ = followup_query(asks, {}, {}, first=5)
    yield "followup-history", q, v
    q, v, _, _ = wanted_query(checks, {"acme/app": ["CR_kwDOA", "CR_kwDOB"], "acme/lib": ["CR_x"]})
    yield "tests", q, v
    q, v, _, _ = wanted_query(checks, {})
    yield "tests-runs-only", q, v


DOCUMENTS = list(documents())


@pytest.mark.parametrize(("name", "query", "variables"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_document_validates(
    schema: GraphQLSchema, name: str, query: str, variables: dict[str, Any]
) -> None:
    document = parse(query)
    errors = validate(schema, document)
    assert not errors, f"{name}: " + "; ".join(e.message for e in errors)
    (op,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    coerced = get_variable_values(schema, op.variable_definitions or (), variables)
    # graphql-core answers a list of errors when a variable does not fit its declared type.
    assert not isinstance(coerced, list), f"{name}: " + "; ".join(e.message for e in coerced)


def test_a_wrong_field_would_be_caught(schema: GraphQLSchema) -> None:
    bad = gql.with_fragments("query { viewer { loginName } }")
    assert validate(schema, parse(bad))
