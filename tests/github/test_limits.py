"""GitHub's node limit and point formula: the planner, an independent count, and GitHub's examples.

``gluetui.forges.github.limits`` reads documents with its own small parser; ``nodecount`` walks
graphql-core's AST. Both must give GitHub's own worked examples (from "Rate limits and node limits
for the GraphQL API") and agree on every document gluetui builds, in every variant.
"""

from __future__ import annotations

from typing import Any

import pytest
from nodecount import count

from gluetui.forges.github import graphql as gql
from gluetui.forges.github import limits
from gluetui.forges.github.details import DetailAsk, details_query
from gluetui.forges.github.followup import followup_query
from gluetui.forges.github.jobs import wanted_query

# GitHub's documentation, "Calculating nodes in a call", example 1: 50 + 50 x 10 = 550 nodes.
SIMPLE = """
query {
  viewer {
    repositories(first: 50) {
      edges {
        repository:node {
          name
          issues(first: 10) {
            totalCount
            edges {
              node {
                title
                bodyHTML
              }
            }
          }
        }
      }
    }
  }
}
"""

# Example 2: 50 + 50x20 + 50x20x10 + 50x20 + 50x20x10 + 10 = 22,060 nodes.
COMPLEX = """
query {
  viewer {
    repositories(first: 50) {
      edges {
        repository:node {
          name
          pullRequests(first: 20) {
            edges {
              pullRequest:node {
                title
                comments(first: 10) {
                  edges {
                    comment:node {
                      bodyHTML
                    }
                  }
                }
              }
            }
          }
          issues(first: 20) {
            totalCount
            edges {
              issue:node {
                title
                bodyHTML
                comments(first: 10) {
                  edges {
                    comment:node {
                      bodyHTML
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    followers(first: 10) {
      edges {
        follower:node {
          login
        }
      }
    }
  }
}
"""

# "Calculating a rate limit score": 1 + 100 + 5,000 requests = 5,101, / 100 = 51 points (and
# 100 + 5,000 + 300,000 = 305,100 nodes by the node formula).
SCORE = """
query {
  viewer {
    login
    repositories(first: 100) {
      edges {
        node {
          id
          issues(first: 50) {
            edges {
              node {
                id
                labels(first: 60) {
                  edges {
                    node {
                      id
                      name
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
"""


@pytest.mark.parametrize(
    ("document", "nodes", "requests", "points"),
    [(SIMPLE, 550, 51, 1), (COMPLEX, 22_060, 2_102, 21), (SCORE, 305_100, 5_101, 51)],
    ids=["simple", "complex", "score"],
)
def test_githubs_worked_examples(document: str, nodes: int, requests: int, points: int) -> None:
    planned = limits.cost(document)
    counted = count(document)
    assert (planned.nodes, planned.requests, planned.points) == (nodes, requests, points)
    assert (counted.nodes, counted.requests, counted.points) == (nodes, requests, points)


SINCE = "2026-11-11T12:00:00Z"


def _typical(n: int, **over: Any) -> list[DetailAsk]:
    """Repositories as the bench organisation has them: 4 open pull requests, 11 commits in the
    runs window, 6 docs."""
    kw: dict[str, Any] = {"pulls": 4, "commits": 11, "docs": tuple(f"d{j}.md" for j in range(6))}
    kw.update(over)
    return [DetailAsk(f"acme/r{i}", **kw) for i in range(n)]


def documents() -> list[tuple[str, str, dict[str, Any]]]:
    """Every kind of document gluetui builds, small and at the sizes it sends."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    names = [f"acme/r{i}" for i in range(100)]
    for dirs in ([], ["docs"], ["docs", "guide", "handbook"]):
        q, v = details_query(_typical(gql.BATCH_SIZE), doc_dirs=dirs, since=SINCE, with_teams=True)
        out.append((f"details-100-{len(dirs)}dirs", q, {**v, "login": "alice"}))
        q, v = details_query(_typical(40, tree=True, docs=()), doc_dirs=dirs, since=SINCE)
        out.append((f"details-changed-40-{len(dirs)}dirs", q, v))
        q, v = gql.owners_query(
            [("org", "acme", None), ("user", "bob", "Y3Vy")],
            with_viewer=True,
            shape=True,
            doc_dirs=dirs,
            stamps=names,
            since=SINCE,
        )
        out.append((f"owners-shape-{len(dirs)}dirs", q, v))
    q, v = details_query(_typical(20, pulls=100, commits=50), since=SINCE)
    out.append(("details-20-busiest", q, v))
    q, v = gql.owners_query([("org", f"o{i}", None) for i in range(50)], with_viewer=True)
    out.append(("owners-50-stamps", q, v))
    out.append(("more-pulls", gql.more_pulls_query(), {"owner": "a", "name": "b", "after": "c"}))
    out.append(("teams", gql.teams_query(), {"login": "alice"}))
    q, v = gql.docs_query({f"acme/r{i}": [f"d{j}.md" for j in range(10)] for i in range(50)})
    out.append(("docs-500", q, v))
    asks = {
        f"acme/r{i}": [gql.SinceAsk(f"p{j}", "2026-01-01T00:00:00Z") for j in range(5)]
        for i in range(40)
    }
    q, v, _ = gql.since_query(asks, {"acme/r1": ["a/b/c"]}, first=5)
    out.append(("since-200", q, v))
    checks = {f"acme/r{i}": [f"WFR_{i}_{j}" for j in range(22)] for i in range(100)}
    q, v, _, _ = followup_query(asks, {"acme/r1": ["a/b/c"]}, checks, first=5)
    out.append(("followup-2200-runs", q, v))
    q, v, _, _ = wanted_query(
        {f"acme/r{i}": [f"WFR_{i}_{j}" for j in range(8)] for i in range(100)},
        {f"acme/r{i}": [f"CR_{i}_{j}" for j in range(3)] for i in range(100)},
    )
    out.append(("tests-800-runs-300-annotations", q, v))
    return out


DOCUMENTS = documents()


@pytest.mark.parametrize(("name", "query", "variables"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_planner_and_independent_count_agree(
    name: str, query: str, variables: dict[str, Any]
) -> None:
    planned = limits.cost(query, variables)
    counted = count(query, variables)
    assert (planned.nodes, planned.requests) == (counted.nodes, counted.requests), name
    assert planned.within_limits, (name, planned)


def test_the_documents_cost_what_the_readme_says() -> None:
    """A details query of 100 typical repositories is 61,600 nodes and 42 points (it asks for what
    each has: a page of 50 repositories that each asked for 50 pull requests was 132,600 nodes and
    126 points); a listing page of 100 is 1 point, 2 with what a first refresh sizes by; a followup
    X."""
    q, v = details_query(_typical(100), doc_dirs=["docs"], since=SINCE, with_teams=True)
    cost = limits.cost(q, {**v, "login": "x"})
    assert (cost.nodes, cost.points) == (61_600, 42)
    page, v = gql.owners_query([("org", "acme", None)], with_viewer=True)
    assert limits.cost(page, v).points == 1
    page, v = gql.owners_query(
        [("org", "acme", None)], with_viewer=True, shape=True, doc_dirs=["docs"], since=SINCE
    )
    assert limits.cost(page, v).points == 2
    checks = {f"a/r{i}": [f"WFR_{i}_{j}" for j in range(22)] for i in range(100)}
    asks = {f"a/r{i}": [gql.SinceAsk(f"p{j}", SINCE) for j in range(5)] for i in range(100)}
    q, v, _, _ = followup_query(asks, {}, checks, first=5)
    assert limits.cost(q, v).points == 28


def test_fit_sizes_a_batch_under_the_node_limit() -> None:
    busiest = _typical(100, pulls=100, commits=50, docs=tuple(f"d{j}.md" for j in range(40)))

    def build(k: int) -> tuple[str, dict[str, Any]]:
        return details_query(busiest[:k], doc_dirs=["docs"], since=SINCE)

    k = limits.fit(build, 100)
    assert k == 68  # 68 x 7,310 nodes = 497,080; a 69th would pass 500,000
    assert limits.cost(*build(k)).nodes <= limits.NODE_LIMIT < limits.cost(*build(k + 1)).nodes
    assert limits.fit(build, 1) == 1


def test_top_level_keys_are_what_the_answer_must_carry() -> None:
    q, _ = gql.owners_query([("org", "acme", None)], with_viewer=True, stamps=["a/b"])
    assert limits.top_level_keys(q) == ["viewer", "e0", "w0"]


def test_a_connection_over_100_is_caught() -> None:
    cost = limits.cost("query { viewer { repositories(first: 101) { nodes { name } } } }")
    assert cost.max_page == 101 and not cost.within_limits
    assert count("query { viewer { repositories(first: 101) { nodes { name } } } }").pages == (101,)
