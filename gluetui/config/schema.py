"""The typed, strict schema of ``config.toml``.

Every model forbids unknown keys, so a typo is an error (with the nearest valid key suggested by the
loader in :mod:`gluetui.config.loader`) instead of a silently ignored setting. Each field's docstring is what
``config.example.toml`` explains.

What varies by forge (public URLs, token conventions, automation kinds) comes from
:mod:`gluetui.config.forges`; what varies by item kind (detector switches, effort per kind, ``fits``)
is derived from :class:`gluetui.model.Kind`, so a new kind needs no change here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args

from pydantic import Field, create_model, field_validator, model_validator

from gluetui.config.automations import (
    LOCAL_AUTOMATIONS,
    Automation,
    CommandAutomation,
    ForgeAutomation,
    WebhookAutomation,
)
from gluetui.config.forges import FORGE_KINDS, forge_automations, forge_kind
from gluetui.config.routes import RouteRule
from gluetui.config.strict import KindName, Strict
from gluetui.model import Kind

if TYPE_CHECKING:
    ForgeName = str
else:
    ForgeName = Literal[tuple(FORGE_KINDS)]


class SourceConfig(Strict):
    """One forge account to watch: a GitHub or GitLab host, a token source, and what to watch there."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    """A short name for this source, shown on its status line (letters, digits, ``_.-``)."""
    kind: ForgeName
    """Which forge, one of :data:`gluetui.config.forges.FORGE_KINDS`: ``github`` (github.com, GitHub
    Enterprise Server) or ``gitlab`` (gitlab.com, self-hosted)."""
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
    insecure_http: bool = False
    """Allow an ``http://`` ``url`` on a host other than this machine. The token then travels in
    clear text to anyone on the path: only for a forge on a trusted network that cannot do TLS."""
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
        return forge_kind(self.kind).public_api_url

    @property
    def host(self) -> str:
        """The web host, used in item ids (``github.com`` for ``api.github.com``)."""
        from urllib.parse import urlsplit

        netloc = urlsplit(self.api_url).netloc or self.api_url
        return forge_kind(self.kind).web_host(netloc)


class KindSettings(Strict):
    """The settings every kind of glue work has; a kind with no others uses this model as is."""

    enabled: bool = True
    """Show this panel's items."""


class UnreviewedSettings(KindSettings):
    """Unreviewed pull/merge requests."""

    min_age_hours: float = Field(default=24.0, ge=0)
    """How long a PR/MR may wait for its first review before it is glue work."""
    working_hours: bool = False
    """Count the age in working hours only (Monday–Friday), so a PR opened on Friday evening is not
    "three days old" on Monday morning."""
    bot_authors: list[str] = ["dependabot[bot]", "renovate[bot]", "github-actions[bot]"]
    """Authors whose PRs are skipped (globs)."""
    include_drafts: bool = False
    """Also flag draft PRs."""


class BrokenCISettings(KindSettings):
    """Red default-branch workflows and pipelines."""

    ignore_workflows: list[str] = []
    """Workflow names or file paths (globs) never reported."""
    failing_conclusions: list[str] = ["failure", "timed_out", "startup_failure"]
    """Run conclusions that count as broken."""


class FlakySettings(KindSettings):
    """Jobs and tests that fail and then pass on the same commit."""

    window_days: int = Field(default=14, ge=1, le=90)
    """How far back to look for flakes."""
    min_flakes: int = Field(default=1, ge=1)
    """Flakes within the window before a job or test is reported."""
    ignore_jobs: list[str] = []
    """Job or test names (globs) never reported."""


class StaleDocSettings(KindSettings):
    """Docs that no longer match the code they describe."""

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


#: Kinds whose detector has settings beyond ``enabled``; every other kind gets :class:`KindSettings`.
KIND_SETTINGS: dict[Kind, type[KindSettings]] = {
    Kind.UNREVIEWED_PR: UnreviewedSettings,
    Kind.BROKEN_CI: BrokenCISettings,
    Kind.FLAKY_TEST: FlakySettings,
    Kind.STALE_DOC: StaleDocSettings,
}


class _DetectorSettings(Strict):
    """Settings per kind of glue work: one ``[detectors.<kind>]`` table per :class:`Kind`.

    The fields are made from :class:`Kind` below; the ones declared here for type checkers are
    the kinds whose settings the forges read by name.
    """

    if TYPE_CHECKING:
        unreviewed_pr: UnreviewedSettings = UnreviewedSettings()
        broken_ci: BrokenCISettings = BrokenCISettings()
        flaky_test: FlakySettings = FlakySettings()
        stale_doc: StaleDocSettings = StaleDocSettings()

    def of(self, kind: Kind) -> KindSettings:
        """The settings of ``kind``."""
        settings: KindSettings = getattr(self, kind.value)
        return settings

    def enabled_kinds(self) -> frozenset[Kind]:
        """The kinds whose detector is switched on."""
        return frozenset(k for k in Kind if self.of(k).enabled)


#: Hours a human needs per item of each kind before the per-item rules; other kinds: 1 h.
EFFORT_DEFAULTS: dict[Kind, float] = {
    Kind.STALE_DOC: 1.0,
    Kind.BROKEN_CI: 1.5,
    Kind.UNREVIEWED_PR: 0.5,
    Kind.FLAKY_TEST: 2.0,
}
DEFAULT_EFFORT_HOURS = 1.0


class _EffortConfig(Strict):
    """Default hours a human needs per item, by kind (refined by the effort rules).

    One field per :class:`Kind` (made below), plus the rules that refine an item's estimate.
    """

    per_100_lines: float = Field(default=0.25, ge=0)
    """Extra review hours per hundred changed lines."""
    per_failing_job: float = Field(default=0.5, ge=0)
    """Extra hours per failing job beyond the first."""
    per_red_day: float = Field(default=0.25, ge=0)
    """Extra hours per whole day a build has been red (commits pile up on top of it)."""
    per_dead_reference: float = Field(default=0.25, ge=0)
    """Extra hours per path or link a doc mentions that no longer exists."""
    per_code_change: float = Field(default=0.05, ge=0)
    """Extra hours per code change since a stale doc was last edited (re-reading the code)."""
    per_flaky_test: float = Field(default=1.0, ge=0)
    """Hours per named flaky test of a flaky job (a job with none named costs the base)."""
    max_hours: float = Field(default=8.0, gt=0)
    """No single item is estimated above this."""

    def hours(self, kind: Kind) -> float:
        """The base hours of an item of ``kind``."""
        return float(getattr(self, kind.value))


def _per_kind(base: type[Strict], name: str, fields: dict[str, Any]) -> Any:
    return create_model(name, __base__=base, __module__=__name__, __doc__=base.__doc__, **fields)


if TYPE_CHECKING:
    DetectorSettings = _DetectorSettings
    EffortConfig = _EffortConfig
else:
    DetectorSettings = _per_kind(
        _DetectorSettings,
        "DetectorSettings",
        {
            k.value: (
                KIND_SETTINGS.get(k, KindSettings),
                Field(default=KIND_SETTINGS.get(k, KindSettings)(), description=k.label),
            )
            for k in Kind
        },
    )
    EffortConfig = _per_kind(
        _EffortConfig,
        "EffortConfig",
        {
            k.value: (
                float,
                Field(
                    default=EFFORT_DEFAULTS.get(k, DEFAULT_EFFORT_HOURS),
                    ge=0,
                    description=f"Hours for an item of {k.label.lower()}.",
                ),
            )
            for k in Kind
        },
    )


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


#: Every automation model: local ones, then each forge's actions.
AUTOMATION_MODELS: tuple[type[Automation], ...] = (*LOCAL_AUTOMATIONS, *forge_automations())

if TYPE_CHECKING:
    AutomationConfig = CommandAutomation | WebhookAutomation | ForgeAutomation
else:
    # One model per kind, picked by ``kind``: a key of another kind is an error naming both.
    AutomationConfig = Annotated[Union[AUTOMATION_MODELS], Field(discriminator="kind")]  # noqa: UP007

_AUTOMATION_BY_KIND: dict[str, type[Automation]] = {
    str(get_args(model.model_fields["kind"].annotation)[0]): model for model in AUTOMATION_MODELS
}
#: Every automation kind, in declaration order.
AUTOMATION_KINDS: tuple[str, ...] = tuple(_AUTOMATION_BY_KIND)


def automation_model(kind: str) -> type[Automation] | None:
    """The model of automation kind ``kind`` (None for an unknown kind)."""
    return _AUTOMATION_BY_KIND.get(kind)


def automation(**fields: Any) -> AutomationConfig:
    """An automation built in code (the demo's, tests'), validated like one read from a file."""
    model = automation_model(str(fields.get("kind", "")))
    if model is None:
        raise ValueError(f"unknown automation kind {fields.get('kind')!r}")
    built: AutomationConfig = model.model_validate(fields)  # type: ignore[assignment]
    return built


class Config(Strict):
    """The whole config file."""

    refresh_minutes: float = Field(default=15.0, ge=1, le=1440)
    """How often the dashboard refreshes every source in the background."""
    theme: str = "textual-dark"
    """A Textual built-in theme (``textual-dark``, ``nord``, ``gruvbox``...; the list is
    :data:`gluetui.config.themes.THEMES`)."""
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
    routes: dict[KindName, list[RouteRule]] = {}
    """Suggested routes per kind, ``[[routes.<kind>]]``: the first rule whose conditions hold
    suggests delegating (to which automation), taking or leaving an item. An item no rule
    matches is taken in a repository you are accountable for and left elsewhere."""
    keymap: dict[str, str] = {}
    """Binding id -> keys (comma-separated), e.g. ``delegate = "a,ctrl+g"``; see gluetui.keyplan for the ids."""
    dry_run: bool = False
    """Global dry run: no automation touches a forge or runs a command."""
    assign_on_take: list[str] = []
    """Automations to run when you take an item with ``m`` — typically ``github.assign`` /
    ``gitlab.assign`` ones with your login in ``assignees``, so the team sees who has it. The first
    that can act on the item runs (one per forge is the usual set-up). Empty: none."""
    taken_labels: list[str] = ["taken-by:{login}"]
    """Glue labels that say who has an item on the forge: ``{login}`` stands for the teammate
    (``taken-by:{login}`` matches ``taken-by:alice`` and ``taken-by:@alice``). An item whose
    pull/merge request carries one naming someone else, or is assigned to someone else, shows
    "taken by @login", gets no "take" suggestion, and ``m`` asks before you take it too."""

    @field_validator("taken_labels")
    @classmethod
    def _one_login_each(cls, labels: list[str]) -> list[str]:
        bad = [lb for lb in labels if lb.count("{login}") != 1]
        if bad:
            raise ValueError(
                f"each taken label needs {{login}} once, where the teammate's login goes: "
                f'{", ".join(repr(b) for b in bad)} (e.g. "taken-by:{{login}}")'
            )
        return labels

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
