"""Forge-neutral records: what a forge fetches and a detector reads.

Every forge (GitHub, GitLab, the demo organisation) translates its own objects into these at its
boundary, so detectors never see a PyGithub or python-gitlab object and one item kind means the same
thing on every forge. GitHub "workflow runs" and GitLab "pipelines" are both :class:`Run`; pull and
merge requests are both :class:`PullRequest`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

#: How much of a pull/merge request's description a forge keeps: the detail pane shows its start.
BODY_MAX = 1000


@dataclass(frozen=True, slots=True)
class Repo:
    """A watched repository (GitHub) or project (GitLab)."""

    host: str
    full_name: str
    url: str
    default_branch: str = "main"
    archived: bool = False
    fork: bool = False
    #: Forge-specific id (GitLab project id, GitHub node id); opaque to detectors.
    forge_id: str = ""
    #: Where the forge shows a file at a ref: ``{blob_base}/{ref}/{path}`` (GitHub ``…/blob``,
    #: GitLab ``…/-/blob``). Filled by the forge, so detectors never guess from the host name.
    blob_base: str = ""

    def file_url(self, path: str, ref: str = "") -> str:
        """The web URL of ``path`` at ``ref`` (default: the default branch); "" if unknown."""
        if not self.blob_base:
            return ""
        from urllib.parse import quote

        from gluetui.textsafe import encodable

        # Percent-encoded: a file name may hold spaces, "#", "?" or even an escape sequence, and the
        # URL must still lead to that file (and stay a valid URL to show, copy and open).
        branch, name = (quote(encodable(p), safe="/") for p in (ref or self.default_branch, path))
        return f"{self.blob_base.rstrip('/')}/{branch}/{name}"


@dataclass(frozen=True, slots=True)
class Review:
    """A review, approval or review comment on a pull/merge request by someone."""

    author: str
    #: APPROVED, CHANGES_REQUESTED, COMMENTED (GitHub states; GitLab approvals map to APPROVED,
    #: notes by others to COMMENTED).
    state: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class PullRequest:
    """An open pull request (GitHub) or merge request (GitLab)."""

    repo: str
    number: int
    title: str
    url: str
    author: str
    created_at: datetime
    updated_at: datetime
    draft: bool = False
    author_is_bot: bool = False
    #: When it was last marked ready for review (None: never a draft, use created_at).
    ready_at: datetime | None = None
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0
    head_branch: str = ""
    base_branch: str = ""
    head_sha: str = ""
    reviews: tuple[Review, ...] = ()
    #: Logins and ``org/team`` slugs a review is requested from.
    review_requests: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    #: Combined status of the head commit: success, failure, pending, or "" when unknown.
    head_status: str = ""
    #: The description as plain text, cut to its first lines by the forge (it can be long).
    body: str = ""
    #: Logins it is assigned to on the forge (cleaned): the team's shared "who has it".
    assignees: tuple[str, ...] = ()
    #: open, merged or closed (closed without merging). Only :attr:`RepoData.closed_pulls` hold
    #: the last two: what an agent's pull request became after a hand-off.
    state: str = "open"
    #: When it was merged or closed (None while open).
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One job of a run (GitHub Actions job, GitLab CI job)."""

    name: str
    #: success, failure, cancelled, skipped, timed_out, or "" while running.
    conclusion: str
    url: str = ""
    id: str = ""
    started_at: datetime | None = None
    completed_at: datetime | None = None
    #: GitLab: the job was retried (a later attempt of the same name exists in the pipeline).
    retried: bool = False
    #: Attempt number of this job (1 for the first).
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test case result, where the run exposes them (JUnit, GitLab test report, annotations)."""

    name: str
    #: passed, failed, error, skipped.
    status: str
    suite: str = ""
    job: str = ""


@dataclass(frozen=True, slots=True)
class Run:
    """One attempt of a workflow run (GitHub) or a pipeline (GitLab).

    A GitHub run that was re-run appears once per attempt (``attempt`` 1, 2, ...), each with its own
    conclusion and jobs, so detectors can see "failed, then passed on the same commit".
    """

    repo: str
    id: str
    workflow: str
    branch: str
    head_sha: str
    #: completed, in_progress, queued, ...
    status: str
    #: success, failure, timed_out, startup_failure, cancelled, skipped, neutral, or "" if running.
    conclusion: str
    created_at: datetime
    updated_at: datetime
    url: str = ""
    attempt: int = 1
    event: str = "push"
    jobs: tuple[Job, ...] = ()
    tests: tuple[TestResult, ...] = ()
    commit_title: str = ""
    commit_author: str = ""
    #: Where the run's head commit is shown on the forge (the "broken by" link).
    commit_url: str = ""


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit, as far as detectors care."""

    sha: str
    title: str
    author: str
    date: datetime
    url: str = ""


@dataclass(frozen=True, slots=True)
class DocFile:
    """A documentation file and the code history it should keep up with.

    The forge fills ``code_commits_since`` with commits to ``described_paths`` (the existing code
    paths the doc mentions) made after ``last_commit``; when the doc mentions no code path, with
    commits to the repository's non-doc files instead, and ``described_paths`` is empty.
    """

    path: str
    text: str
    last_commit: Commit | None
    described_paths: tuple[str, ...] = ()
    code_commits_since: tuple[Commit, ...] = ()
    #: Total count when the forge only fetched the first few commits (GraphQL ``totalCount``).
    code_commit_count: int | None = None
    #: Earlier path if the doc was renamed (its history continues across the rename).
    renamed_from: str | None = None


@dataclass(frozen=True, slots=True)
class RepoData:
    """Everything fetched for one repository in one refresh."""

    repo: Repo
    pulls: tuple[PullRequest, ...] = ()
    runs: tuple[Run, ...] = ()
    docs: tuple[DocFile, ...] = ()
    #: Every file path in the default branch's tree (for dead references).
    tree: frozenset[str] = frozenset()
    #: False when the tree could not be listed (then dead-reference checks are skipped).
    tree_complete: bool = True
    #: The most recently merged or closed pull/merge requests (a few): where an agent's pull
    #: request is found once it is no longer open, so a hand-off can say "merged".
    closed_pulls: tuple[PullRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class RateLimit:
    """What is left of a forge's API budget, shown on the source's status line."""

    remaining: int | None
    limit: int | None
    reset_at: datetime | None = None
    #: Which budget: "rest", "graphql".
    resource: str = "rest"


@dataclass(frozen=True, slots=True)
class RepoError:
    """One repository (or owner) that failed this refresh; the others still count.

    ``repo`` is ``owner/name`` (``group/sub/project``), or ``owner/*`` when a whole organisation,
    user or group could not be listed: then every repository under it that this refresh did not
    read keeps its last good items. ``kinds`` narrows the failure to some item kinds (a
    repository whose docs could not be read still refreshes its pull requests); empty means all.
    """

    repo: str
    title: str
    hint: str = ""
    kinds: tuple[str, ...] = ()

    @property
    def is_owner(self) -> bool:
        return self.repo.endswith("/*")

    def named(self) -> RepoError:
        """This error with a title that names what failed (a line on stderr must say which)."""
        what = self.repo[:-2] if self.is_owner else self.repo
        if what and what.lower() in self.title.lower():
            return self
        return RepoError(self.repo, f"{what}: {self.title}", self.hint, self.kinds)

    def covers(self, repo: str) -> bool:
        """Whether ``repo`` is (under) what failed; forge names compare case-insensitively."""
        mine, theirs = self.repo.lower(), repo.lower()
        if self.is_owner:
            return theirs.startswith(mine[:-1])
        return theirs == mine


@dataclass(frozen=True, slots=True)
class SourceData:
    """The result of refreshing one source: per-repo data, per-repo errors, and who the user is."""

    source: str
    host: str
    repos: tuple[RepoData, ...] = ()
    errors: tuple[RepoError, ...] = ()
    #: The token owner's login (for "review requested from me").
    viewer: str = ""
    #: ``org/team`` slugs the viewer belongs to.
    viewer_teams: tuple[str, ...] = ()
    rate_limits: tuple[RateLimit, ...] = ()
    #: Request accounting for benchmarks and the status line.
    stats: Mapping[str, int] = field(default_factory=dict)
    #: When the refresh stopped at the edge of a rate limit: when that budget returns. The
    #: repositories it could not read are in ``errors`` and the next refresh continues with them.
    paused_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored HTTP response and the validators to revalidate it (``If-None-Match``).

    The forges' HTTP layer asks for these and the store keeps them; defined here so that neither
    needs the other.
    """

    etag: str
    last_modified: str
    body: bytes
    headers: dict[str, str]
    stored_at: datetime
