"""Jobs and failed-test annotations of workflow runs, through GraphQL.

REST needs one jobs call per run (``filter=all`` for every attempt) and one annotations call per
failed job; at organisation scale that is most of a refresh's requests. GraphQL reaches the same
data from the run's node id (which the runs' check suites already gave, :mod:`suites`), in two
steps, each one connection per run:

1. what failed in every run, on any attempt (``...RunFailures``): for most runs nothing;
2. for the runs a detector needs whole (:func:`suites.jobs_wanted`: the newest run of a workflow
   when it failed, a failed run whose commit then passed, a run that passed after a job failed),
   the jobs of every attempt (``...RunChecks``: every attempt's jobs are check runs of the run's
   one check suite), with the annotations of the failed jobs of runs that passed (the failed
   tests of a flake) in the same query.

GraphQL does not number attempts: each job name's check runs are ordered by start time and
numbered 1, 2, ... (capped at the run's ``run_attempt`` when REST said it), since "re-run failed
jobs" re-runs only some jobs and the rest ran in the first attempt alone. The result is shaped
like REST's jobs (``id``, ``name``, ``conclusion``, ``run_attempt``...), so
:func:`gluetui.forges.github.convert.run_records` reads both alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gluetui.forges.github import convert as conv
from gluetui.forges.github.graphql import with_fragments
from gluetui.records import TestResult

#: Node ids per ``nodes(ids:)`` alias (GitHub accepts at most 100).
MAX_IDS = 100

JSON = Mapping[str, Any]


def nodes_parts(
    asks: Mapping[str, Sequence[str]], *, prefix: str, on: str, fragment: str
) -> tuple[list[str], list[str], dict[str, Any], list[tuple[str, list[str]]]]:
    """``nodes(ids:)`` aliases (``{prefix}0``...) for each repository's node ids, at most
    :data:`MAX_IDS` an alias, each spreading ``fragment`` on type ``on``: parameters, fields,
    variables, and (repo, ids) in alias order."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    order: list[tuple[str, list[str]]] = []
    for repo, ids in asks.items():
        for start in range(0, len(ids), MAX_IDS):
            chunk = list(ids[start : start + MAX_IDS])
            k = len(order)
            params.append(f"${prefix}{k}: [ID!]!")
            variables[f"{prefix}{k}"] = chunk
            fields.append(
                f"  {prefix}{k}: nodes(ids: ${prefix}{k}) {{ ... on {on} {{ ...{fragment} }} }}"
            )
            order.append((repo, chunk))
    return params, fields, variables, order


def failures_parts(
    asks: Mapping[str, Sequence[str]],
) -> tuple[list[str], list[str], dict[str, Any], list[tuple[str, list[str]]]]:
    """What failed in each run (repo -> run node ids), aliased ``j0``..."""
    return nodes_parts(asks, prefix="j", on="WorkflowRun", fragment="RunFailures")


def wanted_query(
    runs: Mapping[str, Sequence[str]], checks: Mapping[str, Sequence[str]]
) -> tuple[str, dict[str, Any], list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """Whole runs (repo -> run node ids, ``w0``...) and the annotations of check runs (repo ->
    check run node ids, ``t0``...) in one query; returns the document, its variables and both
    aliases' (repo, ids) in order."""
    params, fields, variables, run_order = nodes_parts(
        runs, prefix="w", on="WorkflowRun", fragment="RunChecks"
    )
    more_params, more_fields, more_variables, check_order = nodes_parts(
        checks, prefix="t", on="CheckRun", fragment="RunTests"
    )
    doc = (
        f"query Tests({', '.join(params + more_params)}) {{\n"
        + "\n".join(fields + more_fields)
        + "\n}"
    )
    return with_fragments(doc), {**variables, **more_variables}, run_order, check_order


def _rest_like(node: JSON, attempt: int, run_url: str) -> dict[str, Any]:
    job_id = node.get("databaseId")
    url = node.get("detailsUrl")
    if not isinstance(url, str):
        # An Actions job's page is its run's page plus /job/ID (what detailsUrl says, unasked).
        number = conv.int_of(job_id, -1)
        url = f"{run_url}/job/{number}" if run_url.startswith("https://") and number >= 0 else ""
    return {
        "id": job_id,
        "node_id": node.get("id") if isinstance(node.get("id"), str) else None,
        "name": node.get("name") or "",
        "conclusion": str(node.get("conclusion") or "").lower() or None,
        "started_at": node.get("startedAt"),
        "completed_at": node.get("completedAt"),
        "html_url": url,
        "run_attempt": attempt,
    }


def jobs_of(suite: JSON, latest: int | None, run_url: str = "") -> list[dict[str, Any]]:
    """REST-shaped jobs of every attempt, each name's check runs numbered by start time (capped
    at ``latest`` when the run's attempt count is known; job pages under ``run_url``)."""
    by_name: dict[str, list[JSON]] = {}
    for node in conv.nodes(conv.obj(suite.get("all"))):
        by_name.setdefault(str(node.get("name") or ""), []).append(node)
    cap = latest if latest is not None else max((len(v) for v in by_name.values()), default=1)
    out: list[dict[str, Any]] = []
    for runs in by_name.values():
        runs.sort(
            key=lambda n: (str(n.get("startedAt") or ""), conv.int_of(n.get("databaseId"), 0))
        )
        # "Re-run failed jobs" re-runs some jobs only: the others ran in attempt 1 alone.
        for k, node in enumerate(runs):
            out.append(_rest_like(node, min(k + 1, cap), run_url))
    out.sort(key=lambda j: (j["run_attempt"], str(j.get("started_at") or ""), j["id"] or 0))
    return out


def failed_tests(job: JSON, check: JSON) -> list[TestResult]:
    """Test names from the failure annotations of one check run (``...RunTests``)."""
    notes = [
        {
            "annotation_level": str(a.get("annotationLevel") or "").lower(),
            "title": a.get("title") or "",
            "path": a.get("path") or "",
        }
        for a in conv.nodes(check.get("annotations"))
    ]
    return conv.annotation_tests(conv.job_record(job), notes)
