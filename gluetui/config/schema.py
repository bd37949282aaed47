"""The typed, strict schema of ``config.toml``.

Every model forbids unknown keys, so a typo is an error (with the nearest valid key suggested by the
loader in :mod:`gluetui.config.loader`) instead of a silently ignored setting. Each field's docstring is what
``config.example.toml`` explains.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gluetui.model import Kind

KindName = Literal["stale_doc", "broken_ci", "unreviewed_pr", "flaky_test"]


class Strict(BaseModel):
    """Base of every config model: unknown keys are refused, values are not coerced loosely."""

    # allow_inf_nan=False: TOML can spell ``inf`` and ``nan``, and an infinite budget or timeout
    # would pass every ``ge=`` bound and then break the arithmetic downstream.
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


#: The API root of each source kind's public service, used when a source sets no ``url``.
DEFAULT_API_URLS: dict[str, str] = {
    "github": "https://api.github.com",
    "gitlab": "https://gitlab.com",
}


class SourceConfig(Strict):
    """One forge account to watch: a GitHub or GitLab host, a token source, and what to watch there."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    """A short name for this source, shown on its status line (letters, digits, ``_.-``)."""
    kind: Literal["github", "gitlab"]
    """Which forge: ``github`` (github.com, GitHub Enterprise Server) or ``gitlab``."""
    url: str = ""
    """API base URL. Empty means the public service: ``https://api.github.com`` or
    ``https://gitlab.com``. GitHub Enterprise Server: ``https://HOST/api/v3``; self-hosted GitLab:
    ``https://HOST``."""
    token_env: str = ""
    """Name of the environment variable holding the token (never the token itself). Empty means
    ``GITHUB_TOKEN``/``GH_TOKEN`` for GitHub and ``GITLAB_TOKEN`` for GitLab."""
    token_command: list[str] = []
    """A command that prints the token, as an argv list, e.g. ``["gh", "auth", "token"]``. Run
    without a shell. Used when ``token_env`` is unset or empty."""
    repos: list[str] = []
    """Explicit repositories (GitHub ``owner/name``) or projects (GitLab ``group/sub/project``)."""
    orgs: list[str] = []
    """GitHub organisations whose repositories are all watched (filtered by include/exclude)."""
    users: list[str] = []
    """GitHub users whose repositories are all watched."""
    groups: list[str] = []
    """GitLab groups whose projects (subgroups included) are all watched."""
    include: list[str] = ["*"]
    """Globs over ``owner/name`` that repositories found via orgs/users/groups must match."""
    exclude: list[str] = []
    """Globs over ``owner/name`` that drop repositories found via orgs/users/groups."""
    include_archived: bool = False
    """Watch archived repositories too."""
    include_forks: bool = False
    """Watch forks too."""
    ca_bundle: str = ""
    """Path to a PEM CA bundle for a self-hosted forge with a private CA. TLS verification is always on."""
    timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    """Per-request timeout."""
    max_concurrency: int = Field(default=6, ge=1, le=32)
    """Requests in flight at once against this source."""
    graphql: bool = True
    """GitLab: batch reads through GraphQL (about one request per project). Set false for an
    instance with GraphQL disabled, or for exact stale-doc commit counts at ~7 REST calls a project.
    GitHub always uses GraphQL."""

    @property
    def api_url(self) -> str:
        """The effective API base URL."""
        if self.url:
            return self.url.rstrip("/")
        return DEFAULT_API_URLS[self.kind]

    @property
    def host(self) -> str:
        """The web host, used in item ids (``github.com`` for ``api.github.com``)."""
        from urllib.parse import urlsplit

        netloc = urlsplit(self.api_url).netloc or self.api_url
        return "github.com" if netloc == "api.github.com" else netloc


class UnreviewedSettings(Strict):
    """Unreviewed pull/merge requests."""

    enabled: bool = True
    """Show this panel's items."""
    min_age_hours: float = Field(default=24.0, ge=0)
    """How long a PR/MR may wait for its first review before it is glue work."""
    working_hours: bool = False
    """Count the age in working hours only (Monday–Friday), so a PR opened on Friday evening is not
    "three days old" on Monday morning."""
    bot_authors: list[str] = ["dependabot[bot]", "renovate[bot]", "github-actions[bot]"]
    """Authors whose PRs are skipped (globs)."""
    include_drafts: bool = False
    """Also flag draft PRs."""


class BrokenCISettings(Strict):
    """Red default-branch workflows and pipelines."""

    enabled: bool = True
    """Show this panel's items."""
    ignore_workflows: list[str] = []
    """Workflow names or file paths (globs) never reported."""
    failing_conclusions: list[str] = ["failure", "timed_out", "startup_failure"]
    """Run conclusions that count as broken."""


class FlakySettings(Strict):
    """Jobs and tests that fail and then pass on the same commit."""

    enabled: bool = True
    """Show this panel's items."""
    window_days: int = Field(default=14, ge=1, le=90)
    """How far back to look for flakes."""
    min_flakes: int = Field(default=1, ge=1)
    """Flakes within the window before a job or test is reported."""
    ignore_jobs: list[str] = []
    """Job or test names (globs) never reported."""


class StaleDocSettings(Strict):
    """Docs that no longer match the code they describe."""

    enabled: bool = True
    """Show this panel's items."""
    doc_globs: list[str] = ["README*", "docs/**", "*.md", "CONTRIBUTING*"]
    """Which files are docs."""
    min_age_days: int = Field(default=60, ge=0)
    """A doc unchanged for at least this many days..."""
    min_code_changes: int = Field(default=5, ge=1)
    """...while the code it describes changed at least this many times since, is stale."""
    check_references: bool = True
    """Flag docs that mention repository paths or relative links that no longer exist."""
    review_keys: list[str] = ["last_reviewed", "review_by", "reviewed"]
    """Front-matter keys holding a review date (``review_by`` is a deadline; the others are the date
    of the last review, overdue after ``review_interval_days``)."""
    review_interval_days: int = Field(default=180, ge=1)
    """How long a ``last_reviewed`` date stays fresh."""
    max_docs_per_repo: int = Field(default=40, ge=1, le=500)
    """Upper bound on docs examined per repository (keeps big monorepos cheap)."""


class DetectorSettings(Strict):
    """Settings per kind of glue work."""

    unreviewed_pr: UnreviewedSettings = UnreviewedSettings()
    broken_ci: BrokenCISettings = BrokenCISettings()
    flaky_test: FlakySettings = FlakySettings()
    stale_doc: StaleDocSettings = StaleDocSettings()


class EffortConfig(Strict):
    """Default hours a human needs per item, by kind (refined by the effort rules)."""

    stale_doc: float = Field(default=1.0, ge=0)
    """Updating a stale doc."""
    broken_ci: float = Field(default=1.5, ge=0)
    """Fixing a red default branch (plus ``per_failing_job`` per failing job beyond the first)."""
    unreviewed_pr: float = Field(default=0.5, ge=0)
    """Reviewing a small PR (plus ``per_100_lines`` per hundred changed lines)."""
    flaky_test: float = Field(default=2.0, ge=0)
    """Chasing a flaky test."""
    per_100_lines: float = Field(default=0.25, ge=0)
    """Extra review hours per hundred changed lines."""
    per_failing_job: float = Field(default=0.5, ge=0)
    """Extra hours per failing job beyond the first."""
    max_hours: float = Field(default=8.0, gt=0)
    """No single item is estimated above this."""


class CapacityConfig(Strict):
    """The glue-work budget."""

    sprint_start: dt.date = dt.date(2026, 1, 5)
    """The first day of any sprint; sprints repeat every ``sprint_days`` from there."""
    sprint_days: int = Field(default=14, ge=1, le=92)
    """Sprint length in days."""
    hours_per_sprint: float = Field(default=8.0, ge=0)
    """Hours of glue work you budget per sprint."""
    effort: EffortConfig = EffortConfig()
    """Effort estimates per kind."""


class AutomationConfig(Strict):
    """A named automation the user can delegate items to.

    ``kind`` says what it does; the other keys are its parameters (templated strings may use
    ``{title}``, ``{url}``, ``{repo}``, ``{kind}``, ``{id}``, ``{number}``, ``{branch}``, ``{workflow}``).
    """

    kind: Literal[
        "github.rerun_failed_jobs",
        "github.rerun_workflow",
        "github.dispatch_workflow",
        "github.assign",
        "github.request_review",
        "github.add_labels",
        "github.comment",
        "github.create_issue",
        "gitlab.retry_pipeline",
        "gitlab.retry_job",
        "gitlab.trigger_pipeline",
        "gitlab.assign",
        "gitlab.set_reviewers",
        "gitlab.add_labels",
        "gitlab.note",
        "gitlab.create_issue",
        "command",
        "webhook",
    ]
    """What the automation does."""
    fits: list[KindName] = []
    """Item kinds it fits (shown in the ``a`` picker only for those)."""
    description: str = ""
    """One line shown in the picker."""
    oversight_hours: float = Field(default=0.25, ge=0)
    """Hours someone spends checking what the automation did; counts against the budget."""
    dry_run: bool = False
    """Show what would happen without doing it."""
    follow_up_hours: float = Field(default=24.0, gt=0)
    """If nothing happened after this long, the item returns to the queue."""
    # Forge action parameters.
    workflow: str = ""
    """``github.dispatch_workflow``: the workflow file name or id."""
    ref: str = ""
    """Branch or tag for dispatch/trigger (empty: the default branch)."""
    inputs: dict[str, str] = {}
    """Workflow inputs or pipeline variables (templated)."""
    assignees: list[str] = []
    """Users (or bots, such as ``Copilot``) to assign."""
    reviewers: list[str] = []
    """Users to request a review from."""
    team_reviewers: list[str] = []
    """GitHub team slugs to request a review from."""
    labels: list[str] = []
    """Labels to add."""
    body: str = ""
    """Comment/note/issue body (templated)."""
    title: str = ""
    """Issue title (templated)."""
    agent_instructions: str = ""
    """Extra instructions for an AI coding agent assignment (templated)."""
    # Local command.
    argv: list[str] = []
    """``command``: the program and its arguments (templated per argument; never a shell string)."""
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    """``command``/``webhook``: give up after this long."""
    # Webhook.
    url: str = ""
    """``webhook``: where the item is POSTed as JSON."""
    headers_env: dict[str, str] = {}
    """``webhook``: header name -> environment variable holding its value."""
    retries: int = Field(default=2, ge=0, le=10)
    """``webhook``: retries on connection errors and 5xx."""

    @model_validator(mode="after")
    def _needs(self) -> AutomationConfig:
        required: dict[str, tuple[str, ...]] = {
            "github.dispatch_workflow": ("workflow",),
            "github.assign": ("assignees",),
            "gitlab.assign": ("assignees",),
            "github.request_review": (),
            "gitlab.set_reviewers": ("reviewers",),
            "github.add_labels": ("labels",),
            "gitlab.add_labels": ("labels",),
            "github.comment": ("body",),
            "gitlab.note": ("body",),
            "github.create_issue": ("title",),
            "gitlab.create_issue": ("title",),
            "command": ("argv",),
            "webhook": ("url",),
        }
        for key in required.get(self.kind, ()):
            if not getattr(self, key):
                raise ValueError(f"automations of kind {self.kind!r} need a non-empty {key!r}")
        if self.kind == "github.request_review" and not (self.reviewers or self.team_reviewers):
            raise ValueError("github.request_review needs 'reviewers' or 'team_reviewers'")
        return self

    @property
    def fits_kinds(self) -> frozenset[Kind]:
        return frozenset(Kind(k) for k in self.fits)


class Config(Strict):
    """The whole config file."""

    refresh_minutes: float = Field(default=15.0, ge=1, le=1440)
    """How often the dashboard refreshes every source in the background."""
    theme: str = "textual-dark"
    """A Textual built-in theme (``textual-dark``, ``nord``, ``gruvbox``...)."""
    user: str = ""
    """Your login, when it differs between forges or cannot be read from the token."""
    sources: list[SourceConfig] = []
    """The forges to watch."""
    accountable: list[str] = []
    """Globs over ``owner/name`` (or ``host/owner/name``) of repositories you are accountable for:
    their items rank higher."""
    detectors: DetectorSettings = DetectorSettings()
    """Per-kind detector settings."""
    capacity: CapacityConfig = CapacityConfig()
    """The glue-work budget."""
    automations: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")], AutomationConfig] = {}
    """Named automations, ``[automations.NAME]``."""
    keymap: dict[str, str] = {}
    """Binding id -> keys (comma-separated), e.g. ``delegate = "a,ctrl+g"``; see gluetui.keyplan for the ids."""
    dry_run: bool = False
    """Global dry run: no automation touches a forge or runs a command."""
    assign_on_take: list[str] = []
    """Automations to run when you take an item with ``m`` — typically ``github.assign`` /
    ``gitlab.assign`` ones with your login in ``assignees``, so the team sees who has it. The first
    that can act on the item runs (one per forge is the usual set-up). Empty: none."""

    @model_validator(mode="after")
    def _assign_on_take_is_configured(self) -> Config:
        missing = [name for name in self.assign_on_take if name not in self.automations]
        if missing:
            known = ", ".join(sorted(self.automations)) or "none configured"
            raise ValueError(
                f"assign_on_take names {', '.join(repr(m) for m in missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} not configured (automations: {known})"
            )
        return self

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        names = [s.name for s in sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return sources
