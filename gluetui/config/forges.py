"""What the config knows about each kind of forge, in one place per forge.

A source's ``kind`` picks one :class:`ForgeKind`: the public service's API and web host, where its
token conventionally lives (variables, the CLI that prints one, the scopes to ask for, the shape
of its tokens so one pasted into the file is refused), how ``gluetui init`` recognises one of its
remotes and writes a source for it, and the automations its actions take (one model per action,
joined into the automation union by :mod:`gluetui.config.schema`). The adapter that talks to the
forge is registered in :mod:`gluetui.forges.registry`; adding a forge is a package there, an entry
here and one in the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, get_args

from pydantic import Field, model_validator

from gluetui.config.automations import ForgeAutomation


@dataclass(frozen=True, slots=True)
class ForgeKind:
    """One kind of forge, as the config and ``gluetui init`` see it."""

    #: The source ``kind`` and the prefix of its automation kinds (``github``).
    name: str
    #: How messages name it (``GitHub``).
    label: str
    #: The public service's API root, used when a source sets no ``url``.
    public_api_url: str
    #: The public service's web host (item ids, ``init``'s remote matching).
    public_web_host: str
    #: Environment variables that conventionally hold a token, in order.
    token_env: tuple[str, ...]
    #: The command that prints a token (``gh auth token``), as hints suggest it.
    token_command: tuple[str, ...]
    #: What ``init`` writes for the public service when the CLI is logged in.
    public_token_command: tuple[str, ...]
    #: The same for another host of this kind: ``{host}`` is replaced.
    host_token_command: tuple[str, ...]
    #: The variable ``init`` names for a self-hosted instance when its CLI is not logged in.
    self_hosted_token_env: str
    #: The API root of a self-hosted instance: ``{host}`` is replaced.
    self_hosted_api_url: str
    #: What a token needs, said to someone creating one.
    scopes: str
    #: A regex matching this forge's published token shapes (a token pasted into the file).
    token_pattern: str
    #: The CLI whose ``auth status`` tells ``init`` the user is logged in.
    login_cli: str
    #: A self-hosted host with this in its name is taken for this kind by ``init``.
    host_marker: str
    #: How many path segments a repository has: (fewest, most); None: no upper bound.
    repo_depth: tuple[int, int | None]
    #: The key that lists owners whose repositories are all watched (``orgs``, ``groups``).
    owners_key: str
    #: Automations ``init`` writes for a source of this kind: name -> table.
    starter_automations: Mapping[str, Mapping[str, Any]]
    #: One model per action this forge performs (``<name>.<action>``).
    automations: tuple[type[ForgeAutomation], ...]
    #: The web host of an API host, when they differ (``api.github.com`` -> ``github.com``).
    web_hosts: Mapping[str, str] = field(default_factory=dict)
    #: Other variables other tools keep this forge's tokens in (never passed to a command).
    other_token_env: tuple[str, ...] = ()

    @property
    def secret_env(self) -> frozenset[str]:
        """Every environment variable that may hold a token for this forge."""
        return frozenset((*self.token_env, self.self_hosted_token_env, *self.other_token_env))

    def web_host(self, api_netloc: str) -> str:
        """The web host for a source whose API lives at ``api_netloc``."""
        return self.web_hosts.get(api_netloc, api_netloc)

    def token_command_for(self, host: str) -> list[str]:
        """The CLI command printing a token for ``host``."""
        if host == self.public_web_host:
            return list(self.public_token_command)
        return [part.replace("{host}", host) for part in self.host_token_command]

    def automation_kinds(self) -> frozenset[str]:
        """The automation kinds of this forge's actions (``github.comment``...)."""
        return frozenset(
            str(get_args(m.model_fields["kind"].annotation)[0]) for m in self.automations
        )

    def recognises(self, host: str, segments: list[str]) -> bool:
        """Whether a git remote on ``host`` with this repository path is one of this kind."""
        if host != self.public_web_host and self.host_marker not in host:
            return False
        fewest, most = self.repo_depth
        return len(segments) >= fewest and (most is None or len(segments) <= most)


# ---------------------------------------------------------------------------------------------
# GitHub


class GitHubRerunFailedJobs(ForgeAutomation):
    """Re-run the failed jobs of the item's workflow run."""

    kind: Literal["github.rerun_failed_jobs"]

    idempotent: ClassVar[bool] = True


class GitHubRerunWorkflow(ForgeAutomation):
    """Re-run every job of the item's workflow run."""

    kind: Literal["github.rerun_workflow"]

    idempotent: ClassVar[bool] = True


class GitHubDispatchWorkflow(ForgeAutomation):
    """Start a workflow (``workflow_dispatch``) on a branch."""

    kind: Literal["github.dispatch_workflow"]
    workflow: str = Field(min_length=1)
    """The workflow file name or id."""
    ref: str = ""
    """Branch or tag to run on (empty: the default branch)."""
    inputs: dict[str, str] = {}
    """Workflow inputs (templated)."""


class GitHubAssign(ForgeAutomation):
    """Assign the item's pull request (or issue) to people or bots."""

    kind: Literal["github.assign"]
    assignees: list[str] = Field(min_length=1)
    """Users (or bots, such as ``Copilot``) to assign."""
    agent_instructions: str = ""
    """Extra instructions for an AI coding agent assignment (templated)."""


class GitHubRequestReview(ForgeAutomation):
    """Request a review of the item's pull request."""

    kind: Literal["github.request_review"]
    reviewers: list[str] = []
    """Users to request a review from."""
    team_reviewers: list[str] = []
    """GitHub team slugs to request a review from."""

    @model_validator(mode="after")
    def _someone(self) -> GitHubRequestReview:
        if not (self.reviewers or self.team_reviewers):
            raise ValueError("github.request_review needs 'reviewers' or 'team_reviewers'")
        return self


class GitHubAddLabels(ForgeAutomation):
    """Add labels to the item's pull request (or issue)."""

    kind: Literal["github.add_labels"]
    labels: list[str] = Field(min_length=1)
    """Labels to add."""


class GitHubComment(ForgeAutomation):
    """Comment on the item's pull request (or issue)."""

    kind: Literal["github.comment"]
    body: str = Field(min_length=1)
    """The comment (templated)."""


class GitHubCreateIssue(ForgeAutomation):
    """Open an issue in the item's repository, optionally assigned (to a coding agent, say)."""

    kind: Literal["github.create_issue"]
    title: str = Field(min_length=1)
    """Issue title (templated)."""
    body: str = ""
    """Issue body (templated)."""
    labels: list[str] = []
    """Labels to add."""
    assignees: list[str] = []
    """Users (or bots, such as ``Copilot``) to assign."""
    agent_instructions: str = ""
    """Extra instructions for an AI coding agent, added to the issue body (templated)."""


GITHUB = ForgeKind(
    name="github",
    label="GitHub",
    public_api_url="https://api.github.com",
    public_web_host="github.com",
    web_hosts={"api.github.com": "github.com"},
    token_env=("GITHUB_TOKEN", "GH_TOKEN"),
    token_command=("gh", "auth", "token"),
    public_token_command=("gh", "auth", "token"),
    host_token_command=("gh", "auth", "token", "--hostname", "{host}"),
    self_hosted_token_env="GH_ENTERPRISE_TOKEN",  # noqa: S106 - a variable name
    other_token_env=("GITHUB_ENTERPRISE_TOKEN",),
    self_hosted_api_url="https://{host}/api/v3",
    scopes=(
        "A classic token needs the `repo` and `read:org` scopes; a fine-grained token needs read"
        " access to Actions, Contents, Metadata and Pull requests (write access for the actions"
        " you delegate)."
    ),
    token_pattern=r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,}",  # noqa: S106
    login_cli="gh",
    host_marker="github",
    repo_depth=(2, 2),
    owners_key="orgs",
    starter_automations={
        "rerun-failed": {
            "kind": "github.rerun_failed_jobs",
            "fits": ["broken_ci", "flaky_test"],
            "description": "Re-run the failed jobs of the workflow run",
            "oversight_hours": 0.1,
        },
        "doc-issue": {
            "kind": "github.create_issue",
            "fits": ["stale_doc"],
            "description": "Open an issue to bring the doc up to date (assign it to an agent)",
            "title": "Update {file} in {repo}",
            "body": "gluetui found this doc out of date: {url}\n\nRepository: {repo}.",
            "labels": ["documentation", "glue-work"],
            "oversight_hours": 0.25,
        },
        "needs-review": {
            "kind": "github.add_labels",
            "fits": ["unreviewed_pr"],
            "description": "Label it needs-review for the team's review rota",
            "labels": ["needs-review"],
            "oversight_hours": 0.0,
        },
        # Agents: each hand-off is followed to the agent's pull request on later refreshes.
        "copilot-agent": {
            "kind": "github.create_issue",
            "fits": ["stale_doc", "broken_ci", "flaky_test"],
            "description": "Open an issue and assign it to the Copilot coding agent",
            "title": "Fix: {title}",
            "body": "gluetui found this glue work: {url}\n\nRepository: {repo}, kind: {kind}.",
            "assignees": ["Copilot"],
            "labels": ["glue-work"],
            "agent": "copilot-swe-agent[bot]",
            "oversight_hours": 0.5,
        },
        "claude-agent": {
            "kind": "github.comment",
            "fits": ["unreviewed_pr"],
            "description": "Ask Claude (@claude) to fix what blocks the review",
            "body": "@claude please fix what blocks a first review of this pull request.",
            "agent": "claude",
            "oversight_hours": 0.5,
        },
        "codex-agent": {
            "kind": "github.comment",
            "fits": ["unreviewed_pr"],
            "description": "Ask Codex (@codex) to fix what blocks the review",
            "body": "@codex please fix what blocks a first review of this pull request.",
            "agent": "chatgpt-codex-connector[bot]",
            "oversight_hours": 0.5,
        },
    },
    automations=(
        GitHubRerunFailedJobs,
        GitHubRerunWorkflow,
        GitHubDispatchWorkflow,
        GitHubAssign,
        GitHubRequestReview,
        GitHubAddLabels,
        GitHubComment,
        GitHubCreateIssue,
    ),
)


# ---------------------------------------------------------------------------------------------
# GitLab


class GitLabRetryPipeline(ForgeAutomation):
    """Retry the failed jobs of the item's pipeline."""

    kind: Literal["gitlab.retry_pipeline"]

    idempotent: ClassVar[bool] = True


class GitLabRetryJob(ForgeAutomation):
    """Retry the item's failed job."""

    kind: Literal["gitlab.retry_job"]

    idempotent: ClassVar[bool] = True


class GitLabTriggerPipeline(ForgeAutomation):
    """Start a pipeline on a branch."""

    kind: Literal["gitlab.trigger_pipeline"]
    ref: str = ""
    """Branch or tag to run on (empty: the default branch)."""
    inputs: dict[str, str] = {}
    """Pipeline variables (templated)."""


class GitLabAssign(ForgeAutomation):
    """Assign the item's merge request (or issue) to people."""

    kind: Literal["gitlab.assign"]
    assignees: list[str] = Field(min_length=1)
    """Usernames to assign."""


class GitLabSetReviewers(ForgeAutomation):
    """Set the reviewers of the item's merge request."""

    kind: Literal["gitlab.set_reviewers"]
    reviewers: list[str] = Field(min_length=1)
    """Usernames to ask for a review."""


class GitLabAddLabels(ForgeAutomation):
    """Add labels to the item's merge request (or issue)."""

    kind: Literal["gitlab.add_labels"]
    labels: list[str] = Field(min_length=1)
    """Labels to add."""


class GitLabNote(ForgeAutomation):
    """Leave a note (comment) on the item's merge request (or issue)."""

    kind: Literal["gitlab.note"]
    body: str = Field(min_length=1)
    """The note (templated)."""


class GitLabCreateIssue(ForgeAutomation):
    """Open an issue in the item's project."""

    kind: Literal["gitlab.create_issue"]
    title: str = Field(min_length=1)
    """Issue title (templated)."""
    body: str = ""
    """Issue description (templated)."""
    labels: list[str] = []
    """Labels to add."""
    assignees: list[str] = []
    """Usernames to assign."""


GITLAB = ForgeKind(
    name="gitlab",
    label="GitLab",
    public_api_url="https://gitlab.com",
    public_web_host="gitlab.com",
    token_env=("GITLAB_TOKEN",),
    token_command=("glab", "config", "get", "token"),
    public_token_command=("glab", "config", "get", "token", "--host", "gitlab.com"),
    host_token_command=("glab", "config", "get", "token", "--host", "{host}"),
    self_hosted_token_env="GITLAB_TOKEN",  # noqa: S106 - a variable name
    other_token_env=("GITLAB_PRIVATE_TOKEN",),
    self_hosted_api_url="https://{host}",
    scopes="The token needs the `read_api` scope (`api` to run actions such as retries).",
    token_pattern=r"gl(?:pat|dt|rt|cbt|ptt|ft|imt|agent|oas|soat|ffct)-[A-Za-z0-9_\-]{8,}",  # noqa: S106
    login_cli="glab",
    host_marker="gitlab",
    repo_depth=(2, None),
    owners_key="groups",
    starter_automations={
        "retry-pipeline": {
            "kind": "gitlab.retry_pipeline",
            "fits": ["broken_ci", "flaky_test"],
            "description": "Retry the failed jobs of the pipeline",
            "oversight_hours": 0.1,
        },
        "doc-issue-gitlab": {
            "kind": "gitlab.create_issue",
            "fits": ["stale_doc"],
            "description": "Open an issue to bring the doc up to date",
            "title": "Update {file} in {repo}",
            "body": "gluetui found this doc out of date: {url}\n\nProject: {repo}.",
            "labels": ["documentation", "glue-work"],
            "oversight_hours": 0.25,
        },
        "nudge-mr": {
            "kind": "gitlab.note",
            "fits": ["unreviewed_pr"],
            "description": "Post a note asking for a first review",
            "body": "This merge request has waited for a first review ({url}). Could someone take a look?",
            "oversight_hours": 0.1,
        },
        # An agent on GitLab (GitLab Duo, or your own agent's user): mention it in a note; set
        # `agent` (and the mention) to its username. Followed to its merge request.
        "agent-note-gitlab": {
            "kind": "gitlab.note",
            "fits": ["unreviewed_pr"],
            "description": "Mention the team's agent user to fix what blocks the review",
            "body": "@duo-agent please fix what blocks a first review of this merge request.",
            "agent": "duo-agent",
            "oversight_hours": 0.5,
        },
    },
    automations=(
        GitLabRetryPipeline,
        GitLabRetryJob,
        GitLabTriggerPipeline,
        GitLabAssign,
        GitLabSetReviewers,
        GitLabAddLabels,
        GitLabNote,
        GitLabCreateIssue,
    ),
)


#: Every kind of forge a source may be, by name; the first is the default ``init`` falls back to.
FORGE_KINDS: Mapping[str, ForgeKind] = {k.name: k for k in (GITHUB, GITLAB)}


def forge_kind(name: str) -> ForgeKind:
    """The forge kind ``name`` (the schema has already refused any other)."""
    return FORGE_KINDS[name]


def forge_automations() -> tuple[type[ForgeAutomation], ...]:
    """Every forge's automation models, in declaration order."""
    return tuple(model for kind in FORGE_KINDS.values() for model in kind.automations)
