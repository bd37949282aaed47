"""Turning the demo script (:mod:`gluetui.forges.demo.data`) into forge-neutral records.

Deterministic: every random choice comes from a :class:`random.Random` seeded by the repository's
name, and every time is relative to the ``now`` the organisation was created with. The records are
mutable lists here because the demo forge's actions change them (a re-run adds an attempt, a review
request adds a review); :mod:`gluetui.forges.demo.forge` freezes them into :class:`RepoData` per fetch.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from gluetui.config.schema import StaleDocSettings
from gluetui.docrefs import existing_paths, referenced_paths, resolve
from gluetui.forges.demo.data import COMMIT_TITLES, PEOPLE, DocSpec, PRSpec, RepoSpec, WorkflowSpec
from gluetui.globs import glob_match
from gluetui.records import Commit, DocFile, Job, PullRequest, Repo, Review, Run, TestResult

#: How many code commits a doc's history lists (the rest is only counted, as the forges do).
COMMITS_LISTED = 5

_DOC_GLOBS = tuple(StaleDocSettings().doc_globs)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


@dataclass
class RepoState:
    """One demo repository's current records; actions mutate these."""

    repo: Repo
    pulls: list[PullRequest] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    docs: tuple[DocFile, ...] = ()
    tree: frozenset[str] = frozenset()
    #: What actions left behind that no record shows (comments, assignees, issues).
    notes: list[str] = field(default_factory=list)
    next_number: int = 1
    #: Merged or closed pull requests (an agent's, once it is done), newest last.
    closed: list[PullRequest] = field(default_factory=list)


class Urls:
    """Web URLs in the style of the forge the demo imitates."""

    def __init__(self, host: str, dialect: str, full_name: str) -> None:
        self.base = f"https://{host}/{full_name}"
        self.dash = "/-" if dialect == "gitlab" else ""
        self.gitlab = dialect == "gitlab"

    def pull(self, number: int) -> str:
        return f"{self.base}{self.dash}/{'merge_requests' if self.gitlab else 'pull'}/{number}"

    def issue(self, number: int) -> str:
        return f"{self.base}{self.dash}/issues/{number}"

    def run(self, run_id: str) -> str:
        return (
            f"{self.base}/-/pipelines/{run_id}"
            if self.gitlab
            else f"{self.base}/actions/runs/{run_id}"
        )

    def job(self, run_id: str, job_id: str) -> str:
        if self.gitlab:
            return f"{self.base}/-/jobs/{job_id}"
        return f"{self.base}/actions/runs/{run_id}/job/{job_id}"

    def commit(self, sha: str) -> str:
        return f"{self.base}{self.dash}/commit/{sha}"


_WHY = (
    "Customers hit this twice last week; the on-call runbook had a workaround only.",
    "Follow-up from the last incident review.",
    "Needed before the next release branch is cut.",
    "Keeps us in line with the platform team's defaults.",
)
_TESTING = (
    "- [x] unit tests\n- [x] ran the integration suite locally\n- [ ] staging deploy",
    "- [x] new tests cover the edge cases\n- [ ] load test on staging",
    "- [x] existing tests pass\n- [x] tried it by hand against a local stack",
)


def pull_body(spec: PRSpec) -> str:
    """A plausible description (what, why, how it was tested) for a demo PR without one.

    Its own generator, seeded by the title, so the rest of the organisation stays as it was.
    """
    if spec.bot:
        return f"{spec.title}.\n\nRelease notes and the changelog are in the linked release."
    rng = random.Random(zlib.crc32(spec.title.encode()))  # noqa: S311 - demo data, not secrets
    return (
        f"## What\n{spec.title.removeprefix('WIP: ')}.\n\n## Why\n{rng.choice(_WHY)}\n\n"
        f"## Testing\n{rng.choice(_TESTING)}"
    )


class Builder:
    """Builds one source's repositories; also mints ids for records the actions add later."""

    def __init__(self, host: str, dialect: str, now: datetime) -> None:
        self.host = host
        self.dialect = dialect
        self.now = now
        self._run_id = 9_400_000_000 if dialect == "github" else 48_200
        self._job_id = 31_000_000_000 if dialect == "github" else 7_700_000

    def run_id(self) -> str:
        self._run_id += 1
        return str(self._run_id)

    def job_id(self) -> str:
        self._job_id += 1
        return str(self._job_id)

    def urls(self, full_name: str) -> Urls:
        return Urls(self.host, self.dialect, full_name)

    def repo(self, spec: RepoSpec) -> RepoState:
        # Not for secrets: a seeded generator is what makes the demo the same on every run.
        rng = random.Random(zlib.crc32(f"{self.host}/{spec.full_name}".encode()))  # noqa: S311
        urls = self.urls(spec.full_name)
        repo = Repo(
            host=self.host,
            full_name=spec.full_name,
            url=urls.base,
            blob_base=f"{urls.base}{urls.dash}/blob",
            default_branch=spec.default_branch,
            forge_id=str(rng.randint(1000, 99999)),
        )
        ci_file = ".gitlab-ci.yml" if self.dialect == "gitlab" else ".github/workflows/ci.yml"
        tree = frozenset({*spec.files, *(d.path for d in spec.docs), ci_file})
        state = RepoState(repo=repo, tree=tree, next_number=rng.randint(40, 900))
        for pr in sorted(spec.prs, key=lambda p: -p.age_hours):
            state.pulls.append(self.pull(state, pr, rng))
        for wf in spec.workflows:
            state.runs.extend(self.history(state, wf, rng))
        state.docs = tuple(self.doc(state, d, rng) for d in spec.docs)
        return state

    # -- pull requests -------------------------------------------------------------------------

    def pull(self, state: RepoState, spec: PRSpec, rng: random.Random) -> PullRequest:
        number = state.next_number
        state.next_number += rng.randint(1, 4)
        created = self.now - hours(spec.age_hours)
        ready = self.now - hours(spec.ready_hours) if spec.ready_hours is not None else None
        reviews = [
            Review(
                who, rng.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED")), created + hours(3)
            )
            for who in spec.reviewed_by
        ]
        if spec.own_comment:
            reviews.append(Review(spec.author, "COMMENTED", created + hours(1)))
        slug = "-".join(re.findall(r"[a-z0-9]+", spec.title.lower())[:5]) or "change"
        return PullRequest(
            repo=state.repo.full_name,
            number=number,
            title=spec.title,
            url=self.urls(state.repo.full_name).pull(number),
            author=spec.author,
            created_at=created,
            updated_at=created + hours(min(spec.age_hours, rng.uniform(0.2, 20))),
            draft=spec.draft and spec.ready_hours is None,
            author_is_bot=spec.bot,
            ready_at=ready,
            additions=spec.additions,
            deletions=spec.deletions,
            changed_files=spec.files,
            head_branch=spec.branch or f"{spec.author.split('[')[0]}/{slug}",
            base_branch=state.repo.default_branch,
            head_sha=sha(rng),
            reviews=tuple(reviews),
            review_requests=spec.requested,
            labels=spec.labels,
            assignees=spec.assignees,
            head_status=spec.status,
            body=spec.body or pull_body(spec),
        )

    # -- CI ------------------------------------------------------------------------------------

    def history(self, state: RepoState, wf: WorkflowSpec, rng: random.Random) -> list[Run]:
        """Runs of one workflow on the default branch, one commit per pattern character."""
        times: list[datetime] = []
        at = self.now - hours(rng.uniform(1.0, 3.0))
        for _ in wf.pattern:
            times.append(at)
            at -= hours(rng.uniform(4.0, 14.0))
        runs: list[Run] = []
        for code, created in zip(wf.pattern, reversed(times), strict=True):
            commit = (sha(rng), rng.choice(COMMIT_TITLES), rng.choice(PEOPLE))
            runs.extend(self.runs_for(state, wf, code, created, commit, rng))
        return runs

    def runs_for(
        self,
        state: RepoState,
        wf: WorkflowSpec,
        code: str,
        created: datetime,
        commit: tuple[str, str, str],
        rng: random.Random,
    ) -> list[Run]:
        run_id = self.run_id()
        took = hours(rng.uniform(0.1, 0.4))
        failing = set(wf.failing_jobs or wf.jobs[-1:])
        flaky = wf.flaky_job or wf.jobs[-1]
        make = partial(self.run, state=state, wf=wf, run_id=run_id, created=created, commit=commit)
        if code == "S":
            return [make(updated=created + took, outcomes=_all(wf, "success"))]
        if code in "FX":
            bad = "timed_out" if code == "X" else "failure"
            outcomes = {j: (bad if j in failing else "success") for j in wf.jobs}
            tests = [_test(wf.broken_test, "failed", sorted(failing)[0])] if wf.broken_test else []
            return [make(updated=created + took, outcomes=outcomes, tests=tests)]
        if code == "C":
            outcomes = {j: ("success" if i == 0 else "cancelled") for i, j in enumerate(wf.jobs)}
            return [make(updated=created + took, outcomes=outcomes, conclusion="cancelled")]
        if code == "P":
            outcomes = {j: ("success" if i == 0 else "") for i, j in enumerate(wf.jobs)}
            return [make(updated=created + took, outcomes=outcomes, status="in_progress")]
        # J / T: a flake, failing first and passing on the retry of the same commit.
        failed_tests = (
            [_test(wf.flaky_test, "failed", flaky)] if code == "T" and wf.flaky_test else []
        )
        passed_tests = [_test(wf.flaky_test, "passed", flaky)] if failed_tests else []
        first = {j: ("failure" if j == flaky else "success") for j in wf.jobs}
        if self.dialect == "gitlab":
            run = make(
                updated=created + took * 2,
                outcomes=_all(wf, "success"),
                tests=failed_tests + passed_tests,
                retried=(flaky,),
            )
            return [run]
        return [
            make(updated=created + took, outcomes=first, tests=failed_tests),
            make(
                updated=created + took * 3,
                outcomes=_all(wf, "success"),
                tests=passed_tests,
                attempt=2,
            ),
        ]

    def run(
        self,
        *,
        state: RepoState,
        wf: WorkflowSpec,
        run_id: str,
        created: datetime,
        updated: datetime,
        commit: tuple[str, str, str],
        outcomes: dict[str, str],
        tests: list[TestResult] | None = None,
        conclusion: str | None = None,
        status: str = "completed",
        attempt: int = 1,
        retried: tuple[str, ...] = (),
    ) -> Run:
        urls = self.urls(state.repo.full_name)
        jobs: list[Job] = []
        for name, outcome in outcomes.items():
            if name in retried:  # GitLab: the failed try stays in the pipeline, marked retried
                job_id = self.job_id()
                jobs.append(
                    Job(
                        name, "failure", urls.job(run_id, job_id), job_id, created, created, True, 1
                    )
                )
            job_id = self.job_id()
            jobs.append(
                Job(
                    name=name,
                    conclusion=outcome,
                    url=urls.job(run_id, job_id),
                    id=job_id,
                    started_at=created,
                    completed_at=updated if outcome else None,
                    attempt=2 if name in retried else attempt,
                )
            )
        if conclusion is None:
            verdicts = {o for o in outcomes.values()}
            conclusion = next(
                (c for c in ("timed_out", "failure") if c in verdicts),
                "" if status != "completed" else "success",
            )
        return Run(
            repo=state.repo.full_name,
            id=run_id,
            workflow=wf.name,
            branch=state.repo.default_branch,
            head_sha=commit[0],
            status=status,
            conclusion=conclusion if status == "completed" else "",
            created_at=created,
            updated_at=updated,
            url=urls.run(run_id) + (f"/attempts/{attempt}" if attempt > 1 else ""),
            attempt=attempt,
            event=wf.event,
            jobs=tuple(jobs),
            tests=tuple(tests or ()),
            commit_title=commit[1],
            commit_author=commit[2],
            commit_url=urls.commit(commit[0]),
        )

    # -- docs ----------------------------------------------------------------------------------

    def doc(self, state: RepoState, spec: DocSpec, rng: random.Random) -> DocFile:
        urls = self.urls(state.repo.full_name)
        changed = self.now - timedelta(days=spec.age_days, hours=rng.uniform(0, 12))
        last_sha = sha(rng)
        last = Commit(
            last_sha,
            f"docs: update {spec.path.rsplit('/', 1)[-1]}",
            spec.author,
            changed,
            urls.commit(last_sha),
        )
        existing = existing_paths(state.tree)
        mentioned = (resolve(raw, spec.path) for raw in referenced_paths(spec.text))
        described = tuple(
            dict.fromkeys(
                p
                for p in mentioned
                if p in existing
                and p != spec.path
                and not any(glob_match(p, g) for g in _DOC_GLOBS)
            )
        )
        span = (self.now - changed).total_seconds()
        commits = []
        for _ in range(spec.code_changes):
            commit_sha = sha(rng)
            when = changed + timedelta(seconds=rng.uniform(0.05, 0.95) * span)
            commits.append(
                Commit(
                    commit_sha,
                    rng.choice(COMMIT_TITLES),
                    rng.choice(PEOPLE),
                    when,
                    urls.commit(commit_sha),
                )
            )
        commits.sort(key=lambda c: c.date, reverse=True)
        return DocFile(
            path=spec.path,
            text=spec.text,
            last_commit=last,
            described_paths=described,
            code_commits_since=tuple(commits[:COMMITS_LISTED]),
            code_commit_count=spec.code_changes,
            renamed_from=spec.renamed_from,
        )


def sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _all(wf: WorkflowSpec, outcome: str) -> dict[str, str]:
    return dict.fromkeys(wf.jobs, outcome)


def _test(qualified: str, status: str, job: str) -> TestResult:
    suite, _, name = qualified.rpartition("::")
    return TestResult(name=name, status=status, suite=suite, job=job)
