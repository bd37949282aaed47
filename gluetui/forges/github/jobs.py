"""Jobs and failed-test annotations of many workflow runs in one GraphQL query.

REST needs one jobs call per run (``filter=all`` for every attempt) and one annotations call per
failed job; at organisation scale that is most of a refresh's requests. GraphQL reaches the same
data from the run's ``node_id`` (which the REST runs listing already returned): ``nodes(ids:)``
-> ``WorkflowRun.checkSuite.checkRuns(filterBy: {checkType: ALL})``, where every attempt's jobs
are check runs of the run's one check suite, and a second ``checkRuns`` filtered to failed
conclusions carries their annotations. So the jobs of all runs of ~100 repositories cost one
query and no REST call at all.

GraphQL does not number attempts: each job name's check runs are ordered by start time and
numbered 1, 2, ... (capped at the run's ``run_attempt``), since "re-run failed jobs" re-runs only
some jobs and the rest ran in the first attempt alone. The result is shaped
like REST's jobs (``id``, ``name``, ``conclusion``, ``run_attempt``...), so
:func:`gluetui.forges.github.convert.run_records` reads both alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gluetui.errors import ForgeError, RateLimited
from gluetui.forges.github import convert as conv
from gluetui.forges.github import graphql as gql
from gluetui.forges.github.batching import Halving
from gluetui.forges.http import HttpSession, Unreachable
from gluetui.records import TestResult

#: Runs per jobs query (each costs ~12 of GitHub's "requests": 1/100 point each; the node count,
#: 260 per run, keeps 400 runs at 104,000 of GitHub's 500,000).
MAX_RUNS_PER_QUERY = 400

JSON = Mapping[str, Any]


@dataclass
class RunJobs:
    """Jobs per run id and test results per job id, for one repository."""

    jobs: dict[str, list[JSON]] = field(default_factory=dict)  # REST-shaped
    tests: dict[str, list[TestResult]] = field(default_factory=dict)
    #: Run ids GraphQL could not resolve (the caller reads them over REST instead).
    missing: list[str] = field(default_factory=list)


def jobs_query(asks: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, Any], list[str]]:
    """One ``nodes(ids:)`` alias per repository (``j0``...); returns the repos in alias order."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, Any] = {}
    order = list(asks)
    for i, repo in enumerate(order):
        params.append(f"$j{i}: [ID!]!")
        variables[f"j{i}"] = list(asks[repo])
        fields.append(f"  j{i}: nodes(ids: $j{i}) {{ ... on WorkflowRun {{ ...RunJobs }} }}")
    doc = f"query Jobs({', '.join(params)}) {{\n" + "\n".join(fields) + "\n}"
    return gql.with_fragments(doc), variables, order


def _rest_like(node: JSON, attempt: int) -> dict[str, Any]:
    return {
        "id": node.get("databaseId"),
        "name": node.get("name") or "",
        "status": str(node.get("status") or "").lower(),
        "conclusion": str(node.get("conclusion") or "").lower() or None,
        "started_at": node.get("startedAt"),
        "completed_at": node.get("completedAt"),
        "html_url": node.get("detailsUrl") or "",
        "run_attempt": attempt,
    }


def jobs_of(suite: JSON, latest: int) -> list[JSON]:
    """REST-shaped jobs of every attempt, each name's check runs numbered by start time."""
    by_name: dict[str, list[JSON]] = {}
    for node in conv.nodes(obj_of(suite, "all")):
        by_name.setdefault(str(node.get("name") or ""), []).append(node)
    out: list[JSON] = []
    for runs in by_name.values():
        runs.sort(
            key=lambda n: (str(n.get("startedAt") or ""), conv.int_of(n.get("databaseId"), 0))
        )
        # "Re-run failed jobs" re-runs some jobs only: the others ran in attempt 1 alone.
        for k, node in enumerate(runs):
            out.append(_rest_like(node, min(k + 1, latest)))
    out.sort(key=lambda j: (j["run_attempt"], str(j.get("started_at") or ""), j["id"] or 0))
    return out


def obj_of(value: JSON, key: str) -> JSON:
    return conv.obj(value.get(key))


def flaky_tests(jobs: Sequence[JSON], suite: JSON) -> dict[str, list[TestResult]]:
    """Test names from annotations of failed jobs whose name passed in another attempt."""
    passed = {j.get("name") for j in jobs if j.get("conclusion") == "success"}
    wanted = {
        str(j.get("id")): j
        for j in jobs
        if j.get("conclusion") in conv.FAILED and j.get("name") in passed
    }
    tests: dict[str, list[TestResult]] = {}
    for node in conv.nodes(obj_of(suite, "failed")):
        job = wanted.get(str(node.get("databaseId")))
        if job is None:
            continue
        notes = [
            {
                "annotation_level": str(a.get("annotationLevel") or "").lower(),
                "title": a.get("title") or "",
                "path": a.get("path") or "",
            }
            for a in conv.nodes(node.get("annotations"))
        ]
        tests[str(job["id"])] = conv.annotation_tests(conv.job_record(job), notes)
    return tests


class JobsReader:
    """Reads the jobs of many repositories' runs, batched, halving what GitHub gives up on."""

    def __init__(self, session: HttpSession, url: str, size: int = MAX_RUNS_PER_QUERY) -> None:
        self.session = session
        self.url = url
        #: Repositories per query that worked (the weight limit is MAX_RUNS_PER_QUERY runs).
        self.size = size
        #: Repository -> (title, hint) for those whose jobs could not be read.
        self.failed: dict[str, tuple[str, str]] = {}

    async def read(self, wanted: Mapping[str, Sequence[JSON]]) -> dict[str, RunJobs]:
        """Jobs of the ``wanted`` REST runs (repo -> runs with ``node_id``), batched across repos.

        A repository whose answer cannot be read, or that GitHub gives up on even alone, goes to
        :attr:`failed`; a rate limit or a failure of the whole source raises (what was read so
        far is in the answer of the caller's next attempt, not here).
        """
        out = {repo: RunJobs() for repo in wanted}

        async def call(batch: list[str]) -> None:
            asks = {repo: [str(r["node_id"]) for r in wanted[repo]] for repo in batch}
            query, variables, order = jobs_query(asks)
            try:
                result = await gql.run_query(
                    self.session, self.url, query, variables, what="workflow run jobs"
                )
            except (gql.BatchTooBig, RateLimited, Unreachable):
                raise
            except ForgeError as exc:
                if exc.status == 401:
                    raise
                for repo in batch:
                    self.failed[repo] = (exc.title, exc.hint)
                return
            for i, repo in enumerate(order):
                try:
                    _take(out[repo], wanted[repo], result.data.get(f"j{i}"))
                except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                    out[repo] = RunJobs()
                    self.failed[repo] = (
                        f"GitHub sent workflow jobs gluetui cannot read for {repo} "
                        f"({type(exc).__name__}: {conv.clean(str(exc), 80)}).",
                        "Its last items are kept; the next refresh reads it again.",
                    )

        def too_big(repo: str, exc: gql.BatchTooBig) -> None:
            self.failed[repo] = (f"GitHub gave up reading the jobs of {repo}: {exc.title}", "")

        halving: Halving[str] = Halving(
            self.size, weight=lambda repo: len(wanted[repo]), max_weight=MAX_RUNS_PER_QUERY
        )
        await halving.run(list(wanted), call, too_big)
        self.size = halving.size
        return {repo: jobs for repo, jobs in out.items() if repo not in self.failed}


def _take(into: RunJobs, runs: Sequence[JSON], got: object) -> None:
    answers = got if isinstance(got, list) else []
    for k, run in enumerate(runs):
        node = conv.obj(answers[k]) if k < len(answers) else {}
        suite = obj_of(node, "checkSuite")
        run_id = str(run.get("id"))
        if not suite:
            into.missing.append(run_id)
            continue
        jobs = jobs_of(suite, conv.attempt_of(run))
        into.jobs[run_id] = jobs
        into.tests.update(flaky_tests(jobs, suite))
