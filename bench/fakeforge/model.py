"""A synthetic organisation, deterministic from a seed: the data every fake API serves.

Each repository is generated on first use from ``Random(f"{seed}:{index}")``, so a 500-repository
organisation costs nothing until it is read and two servers with the same seed serve identical
bytes (which is what makes ETags and 304s meaningful across refreshes). Dates hang off
:data:`ANCHOR`, the organisation's "now"; benchmarks pass the same instant to the client.

The mix is chosen to exercise every detector: some default branches are red (the newest CI run
failed), some runs are flaky (attempt 1 failed, attempt 2 passed on the same commit), docs mention
code paths (some of which changed long after the doc did, some of which no longer exist), and pull
requests have reviews, review requests (users and teams), labels, drafts and bot authors.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property

#: The synthetic organisation's "now" (benchmarks call ``fetch(ANCHOR)``).
ANCHOR = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ORG = "bench-org"
VIEWER = "bench-user"
USERS = ("alice", "bob", "carol", "dave", "erin", "frank", VIEWER)
BOTS = ("dependabot[bot]", "renovate[bot]")
TEAMS = ("platform", "docs", "infra")
#: (workflow id, name, file, job names)
WORKFLOWS = (
    (161335, "CI", ".github/workflows/ci.yml", ("test (3.11)", "test (3.12)", "build")),
    (161336, "Lint", ".github/workflows/lint.yml", ("ruff",)),
)
TESTS = ("test_parse_header", "test_retry_backoff", "test_cache_roundtrip", "test_cli_help")


def iso(when: datetime) -> str:
    """GitHub's timestamp form (``2026-11-25T12:00:00Z``)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha_of(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class FakeCommit:
    sha: str
    title: str
    author: str
    date: datetime
    paths: tuple[str, ...]
    parent: str = ""


@dataclass(frozen=True, slots=True)
class FakeReview:
    id: int
    author: str
    state: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class FakePull:
    number: int
    title: str
    author: str
    created: datetime
    updated: datetime
    draft: bool
    ready_at: datetime | None
    additions: int
    deletions: int
    changed_files: int
    head_branch: str
    head_sha: str
    reviews: tuple[FakeReview, ...]
    #: ("user", login) or ("team", slug)
    requests: tuple[tuple[str, str], ...]
    labels: tuple[str, ...]
    #: SUCCESS, FAILURE or PENDING (the head commit's combined status).
    status: str
    notes: int
    #: Who it is assigned to (a teammate who took it; drawn from its own hash, not the seed's
    #: stream, so the rest of the organisation is what it was before assignees existed).
    assignees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FakeJob:
    id: int
    name: str
    conclusion: str
    started: datetime
    completed: datetime
    attempt: int
    failed_test: str = ""


@dataclass(frozen=True, slots=True)
class FakeAttempt:
    number: int
    conclusion: str
    started: datetime
    updated: datetime
    jobs: tuple[FakeJob, ...]


@dataclass(frozen=True, slots=True)
class FakeRun:
    id: int
    workflow_id: int
    workflow: str
    path: str
    branch: str
    sha: str
    title: str
    event: str
    number: int
    created: datetime
    attempts: tuple[FakeAttempt, ...]

    @property
    def latest(self) -> FakeAttempt:
        return self.attempts[-1]


@dataclass
class FakeRepo:
    index: int
    name: str
    full_name: str
    id: int
    default_branch: str
    created: datetime
    files: dict[str, str]
    #: Newest first (the order every API lists them in).
    commits: list[FakeCommit]
    pulls: list[FakePull]
    runs: list[FakeRun]
    archived: bool = False
    fork: bool = False
    teams: tuple[str, ...] = field(default=TEAMS)

    @property
    def head(self) -> FakeCommit:
        return self.commits[0]

    @cached_property
    def dirs(self) -> list[str]:
        out = {p.rsplit("/", 1)[0] for p in self.files if "/" in p}
        for d in list(out):
            parts = d.split("/")
            out.update("/".join(parts[:k]) for k in range(1, len(parts)))
        return sorted(out)

    def history(
        self, path: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[FakeCommit]:
        """Commits touching ``path`` (a file or a directory), newest first, within the dates."""
        out = []
        for c in self.commits:
            if since is not None and c.date < since:
                continue
            if until is not None and c.date > until:
                continue
            if path and not any(p == path or p.startswith(path.rstrip("/") + "/") for p in c.paths):
                continue
            out.append(c)
        return out

    def job(self, job_id: int) -> tuple[FakeRun, FakeJob] | None:
        for run in self.runs:
            for attempt in run.attempts:
                for job in attempt.jobs:
                    if job.id == job_id:
                        return run, job
        return None


def _doc_text(rnd: random.Random, repo: str, title: str, refs: list[str]) -> str:
    lines = [f"# {repo}: {title}", ""]
    verbs = ("is implemented in", "lives in", "is configured by", "is tested in")
    for ref in refs:
        lines.append(
            f"The {rnd.choice(('parser', 'client', 'cache', 'CLI'))} {rnd.choice(verbs)} `{ref}`."
        )
    lines += ["", "Run `make test` before opening a pull request.", ""]
    return "\n".join(lines)


class Organisation:
    """``n_repos`` repositories of one organisation, generated lazily and cached."""

    def __init__(self, n_repos: int, seed: int = 0, org: str = ORG) -> None:
        self.n_repos = n_repos
        self.seed = seed
        self.org = org
        self._repos: dict[int, FakeRepo] = {}

    def names(self) -> list[str]:
        return [f"repo-{i:04d}" for i in range(self.n_repos)]

    def by_name(self, owner: str, name: str) -> FakeRepo | None:
        if owner.lower() != self.org.lower() or not name.lower().startswith("repo-"):
            return None
        try:
            index = int(name[5:])
        except ValueError:
            return None
        if not 0 <= index < self.n_repos or name.lower() != f"repo-{index:04d}":
            return None
        return self.repo(index)

    def by_id(self, repo_id: int) -> FakeRepo | None:
        index = repo_id - 1000
        return self.repo(index) if 0 <= index < self.n_repos else None

    def repo(self, index: int) -> FakeRepo:
        if index not in self._repos:
            self._repos[index] = self._generate(index)
        return self._repos[index]

    # -- generation ---------------------------------------------------------------------------

    def _generate(self, index: int) -> FakeRepo:
        rnd = random.Random(f"{self.seed}:{index}")
        name = f"repo-{index:04d}"
        full = f"{self.org}/{name}"
        pkg = f"pkg{index}"
        branch = "main" if rnd.random() < 0.9 else "trunk"
        code = [
            f"src/{pkg}/__init__.py",
            f"src/{pkg}/core.py",
            f"src/{pkg}/api.py",
            f"src/{pkg}/cli.py",
            f"src/{pkg}/util/helpers.py",
            "tests/test_core.py",
            "tests/test_api.py",
            "pyproject.toml",
            *(wf[2] for wf in WORKFLOWS),
        ]
        docs = ["README.md", "CONTRIBUTING.md", "docs/index.md", "docs/guide.md"]
        docs += [d for d in ("docs/api.md", "docs/dev/setup.md") if rnd.random() < 0.6]
        files: dict[str, str] = {p: f"# {p}\n" for p in code}
        for doc in docs:
            refs = rnd.sample(code[:7], rnd.randint(1, 3))
            if rnd.random() < 0.15:
                refs.append(f"src/{pkg}/legacy.py")  # a dead reference
            files[doc] = _doc_text(rnd, full, doc, refs)
        created = ANCHOR - timedelta(days=500 + rnd.randint(0, 200))
        commits = self._commits(rnd, full, created, code, docs)
        pulls = self._pulls(rnd, full, branch, commits)
        pulls = _team_and_agent(index, full, pulls)
        runs = self._runs(rnd, index, full, branch, commits, pulls)
        return FakeRepo(
            index=index,
            name=name,
            full_name=full,
            id=1000 + index,
            default_branch=branch,
            created=created,
            files=dict(sorted(files.items())),
            commits=commits,
            pulls=pulls,
            runs=runs,
        )

    def _commits(
        self, rnd: random.Random, full: str, created: datetime, code: list[str], docs: list[str]
    ) -> list[FakeCommit]:
        stale_docs = rnd.random() < 0.5
        times = [created]
        n = rnd.randint(25, 70)
        for _ in range(n):
            # Half of the activity in the last 30 days, the rest spread over the year.
            days = rnd.uniform(0, 30) if rnd.random() < 0.5 else rnd.uniform(30, 365)
            times.append(ANCHOR - timedelta(days=days, minutes=rnd.randint(0, 600)))
        times.sort()
        out: list[FakeCommit] = []
        parent = ""
        for k, when in enumerate(times):
            if k == 0:
                paths = tuple(sorted([*code, *docs]))
                title = "Initial commit"
            else:
                touch_doc = rnd.random() < 0.12 and not (
                    stale_docs and when > ANCHOR - timedelta(days=120)
                )
                pool = docs if touch_doc else code[:7]
                paths = tuple(sorted(set(rnd.sample(pool, min(len(pool), rnd.randint(1, 2))))))
                title = f"{rnd.choice(('Fix', 'Refactor', 'Speed up', 'Document', 'Test'))} {paths[0].rsplit('/', 1)[-1]}"
            sha = sha_of(self.seed, full, k)
            author = rnd.choice(USERS[:-1])
            out.append(FakeCommit(sha, title, author, when, paths, parent))
            parent = sha
        out.reverse()
        return out

    def _pulls(
        self, rnd: random.Random, full: str, branch: str, commits: list[FakeCommit]
    ) -> list[FakePull]:
        pulls: list[FakePull] = []
        for k in range(rnd.randint(0, 8)):
            number = 100 + k * 3 + rnd.randint(0, 2)
            created = ANCHOR - timedelta(hours=rnd.uniform(2, 24 * 30))
            updated = min(ANCHOR, created + timedelta(hours=rnd.uniform(0, 72)))
            bot = rnd.random() < 0.15
            author = rnd.choice(BOTS) if bot else rnd.choice(USERS[:-1])
            others = [u for u in USERS if u != author]
            reviews = tuple(
                FakeReview(
                    id=int(sha_of(full, number, r)[:8], 16),
                    author=rnd.choice(others),
                    state=rnd.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED")),
                    submitted_at=min(ANCHOR, created + timedelta(hours=rnd.uniform(1, 48))),
                )
                for r in range(rnd.choice((0, 0, 0, 1, 1, 2, 3)))
            )
            requests: list[tuple[str, str]] = []
            if rnd.random() < 0.4:
                requests.append(("user", rnd.choice(others)))
            if rnd.random() < 0.25:
                requests.append(("team", rnd.choice(TEAMS)))
            draft = rnd.random() < 0.12
            ready = None if draft or rnd.random() < 0.8 else created + timedelta(hours=3)
            pulls.append(
                FakePull(
                    number=number,
                    title=f"{rnd.choice(('Add', 'Fix', 'Bump', 'Rework'))} {rnd.choice(('parser', 'cache', 'retries', 'CLI flags', 'docs'))} (#{number})",
                    author=author,
                    created=created,
                    updated=updated,
                    draft=draft,
                    ready_at=ready,
                    additions=rnd.randint(1, 900),
                    deletions=rnd.randint(0, 300),
                    changed_files=rnd.randint(1, 25),
                    head_branch=f"feature/{number}",
                    head_sha=sha_of(full, "pull", number),
                    reviews=reviews,
                    requests=tuple(requests),
                    labels=tuple(
                        rnd.sample(
                            ("bug", "enhancement", "dependencies", "docs"), rnd.randint(0, 2)
                        )
                    ),
                    status=rnd.choice(("SUCCESS", "SUCCESS", "SUCCESS", "FAILURE", "PENDING")),
                    notes=rnd.randint(0, 4),
                    assignees=_assignees(full, number, others),
                )
            )
        pulls.sort(key=lambda p: p.updated, reverse=True)
        return pulls

    def _runs(
        self,
        rnd: random.Random,
        index: int,
        full: str,
        branch: str,
        commits: list[FakeCommit],
        pulls: list[FakePull],
    ) -> list[FakeRun]:
        red = rnd.random() < 0.2
        flaky_rate = 0.15 if rnd.random() < 0.4 else 0.0
        window = [c for c in commits if c.date > ANCHOR - timedelta(days=20)][:12]
        runs: list[FakeRun] = []
        ids = iter(range(10_000_000 + index * 1000, 10_000_000 + index * 1000 + 1000))
        job_ids = iter(
            range(500_000_000 + index * 100_000, 500_000_000 + index * 100_000 + 100_000)
        )
        number = 1000

        def attempts(
            sha: str, start: datetime, outcomes: list[str], jobs: tuple[str, ...]
        ) -> tuple[FakeAttempt, ...]:
            out = []
            for n, outcome in enumerate(outcomes, start=1):
                begin = start + timedelta(minutes=30 * (n - 1))
                failing = rnd.randrange(len(jobs)) if outcome == "failure" else -1
                fj = tuple(
                    FakeJob(
                        id=next(job_ids),
                        name=job,
                        conclusion="failure" if j == failing else "success",
                        started=begin + timedelta(seconds=20),
                        completed=begin + timedelta(minutes=4 + j),
                        attempt=n,
                        failed_test=rnd.choice(TESTS) if j == failing else "",
                    )
                    for j, job in enumerate(jobs)
                )
                out.append(FakeAttempt(n, outcome, begin, begin + timedelta(minutes=6), fj))
            return tuple(out)

        for pos, commit in enumerate(reversed(window)):
            newest = pos == len(window) - 1
            for wf_id, wf_name, wf_path, jobs in WORKFLOWS:
                number += 1
                if red and wf_name == "CI" and (newest or rnd.random() < 0.3):
                    outcomes = ["failure"]
                elif rnd.random() < flaky_rate:
                    outcomes = ["failure", "success"]
                else:
                    outcomes = ["success"]
                start = commit.date + timedelta(seconds=30)
                runs.append(
                    FakeRun(
                        id=next(ids),
                        workflow_id=wf_id,
                        workflow=wf_name,
                        path=wf_path,
                        branch=branch,
                        sha=commit.sha,
                        title=commit.title,
                        event="push",
                        number=number,
                        created=start,
                        attempts=attempts(commit.sha, start, outcomes, jobs),
                    )
                )
        for pull in pulls:  # pull request runs on other branches (the branch filter matters)
            number += 1
            wf_id, wf_name, wf_path, jobs = WORKFLOWS[0]
            outcome = "failure" if pull.status == "FAILURE" else "success"
            start = pull.updated - timedelta(minutes=10)
            runs.append(
                FakeRun(
                    id=next(ids),
                    workflow_id=wf_id,
                    workflow=wf_name,
                    path=wf_path,
                    branch=pull.head_branch,
                    sha=pull.head_sha,
                    title=pull.title,
                    event="pull_request",
                    number=number,
                    created=start,
                    attempts=attempts(pull.head_sha, start, [outcome], jobs),
                )
            )
        runs.sort(key=lambda r: (r.created, r.id), reverse=True)
        return runs


def _assignees(full: str, number: int, others: list[str]) -> tuple[str, ...]:
    """A quarter of the pull requests are assigned to a teammate (never their author)."""
    digest = int(sha_of(full, "assignee", number)[:8], 16)
    if digest % 4:
        return ()
    return (others[(digest // 4) % len(others)],)


#: The coding agent whose hand-off is in flight in the second repository.
AGENT = "copilot-swe-agent[bot]"


def _team_and_agent(index: int, full: str, pulls: list[FakePull]) -> list[FakePull]:
    """The first repository's first person-made pull request is taken by a teammate, and the
    second repository has a coding agent's draft in flight (number 1, its branch ``copilot/fix-1``):
    what "who else has it" and an agent's hand-off read, at any size. Added after the seeded
    stream, so everything else is what it was."""
    if index == 0:
        for i, p in enumerate(pulls):
            if not p.author.endswith("[bot]"):
                teammate = next(u for u in USERS if u not in (p.author, VIEWER))
                pulls[i] = replace(p, assignees=(teammate,))
                break
    if index == 1:
        pulls.append(
            FakePull(
                number=1,
                title="Fix the failing build",
                author=AGENT,
                created=ANCHOR - timedelta(hours=3),
                updated=ANCHOR - timedelta(hours=1),
                draft=True,
                ready_at=None,
                additions=40,
                deletions=5,
                changed_files=2,
                head_branch="copilot/fix-1",
                head_sha=sha_of(full, "pull", 1),
                reviews=(),
                requests=(),
                labels=(),
                status="PENDING",
                notes=0,
            )
        )
    return pulls
