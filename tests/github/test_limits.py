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
from gluetui.forges.github import jobs as github_jobs
from gluetui.forges.github import limits

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


def documents() -> list[tuple[str, str, dict[str, Any]]]:
    """Every kind of document gluetui builds, small and at the sizes it sends."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    names = [f"acme/r{i}" for i in range(gql.BATCH_SIZE)]
    for dirs in ([], ["docs"], ["docs", "guide", "handbook"]):
        q, v = gql.repos_query(names, doc_dirs=dirs, with_teams=True)
        out.append((f"repos-40-{len(dirs)}dirs", q, {**v, "login": "alice"}))
        q, v = gql.owners_query(
            [("org", "acme", None), ("user", "bob", "Y3Vy")],
            with_viewer=True,
            details=True,
            doc_dirs=dirs,
            stamps=names,
        )
        out.append((f"owners-details-{len(dirs)}dirs", q, v))
    q, v = gql.owners_query([("org", f"o{i}", None) for i in range(50)], with_viewer=True)
    out.append(("owners-50-stamps", q, v))
    owners = [("org", f"o{i}", None) for i in range(50)]
    q, v = gql.owner_counts_query(owners, with_viewer=True, stamps=names)
    out.append(("owner-counts-50", q, v))
    q, v = gql.owners_query(
        owners[:9], with_viewer=False, details=True, doc_dirs=["docs"], sizes=[20] * 9
    )
    out.append(("owners-9-details-of-20", q, v))
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
    q, v, _ = github_jobs.jobs_query(
        {f"acme/r{i}": [f"WFR_{i}_{j}" for j in range(8)] for i in range(50)}
    )
    out.append(("jobs-400", q, v))
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


def test_the_documents_of_the_issue_have_the_numbers_it_gives() -> None:
    """One owner page of 50 detailed repositories is 132,600 nodes; four are 530,400 (over the
    limit: what a cold refresh of 3 orgs + 1 user used to send); a Repos batch of 40 is 116,100."""
    one, _ = gql.owners_query(
        [("org", "acme", None)], with_viewer=True, details=True, doc_dirs=["docs"]
    )
    four, _ = gql.owners_query(
        [("org", f"o{i}", None) for i in range(4)],
        with_viewer=True,
        details=True,
        doc_dirs=["docs"],
    )
    batch, v = gql.repos_query([f"a/r{i}" for i in range(40)], doc_dirs=["docs"], with_teams=True)
    assert limits.cost(one).nodes == 132_600
    assert limits.cost(four).nodes == 530_400 > limits.NODE_LIMIT
    assert limits.cost(batch, {**v, "login": "x"}).nodes == 116_100


def test_fit_sizes_a_batch_under_the_node_limit() -> None:
    def build(k: int) -> tuple[str, dict[str, Any]]:
        return gql.owners_query(
            [("org", f"o{i}", None) for i in range(k)],
            with_viewer=True,
            details=True,
            doc_dirs=["docs"],
        )

    k = limits.fit(build, 50)
    assert k == 3  # 3 x 132,600 = 397,800; a fourth would pass 500,000
    assert limits.cost(*build(k)).nodes <= limits.NODE_LIMIT < limits.cost(*build(k + 1)).nodes
    assert limits.fit(build, 1) == 1


def test_top_level_keys_are_what_the_answer_must_carry() -> None:
    q, _ = gql.owners_query([("org", "acme", None)], with_viewer=True, stamps=["a/b"])
    assert limits.top_level_keys(q) == ["viewer", "e0", "w0"]


def test_a_connection_over_100_is_caught() -> None:
    cost = limits.cost("query { viewer { repositories(first: 101) { nodes { name } } } }")
    assert cost.max_page == 101 and not cost.within_limits
    assert count("query { viewer { repositories(first: 101) { nodes { name } } } }").pages == (101,)
