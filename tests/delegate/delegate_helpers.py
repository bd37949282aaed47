"""Builders shared by the delegation tests: items, a recording fake forge, a runtime around them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gluetui.config.schema import AutomationConfig, Config, SourceConfig
from gluetui.config.schema import automation as _validated
from gluetui.factory import Runtime
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, Forge, Progress
from gluetui.forges.github import actions as github_actions
from gluetui.forges.gitlab import actions as gitlab_actions
from gluetui.model import Item, Kind
from gluetui.records import SourceData
from gluetui.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_item(
    kind: Kind = Kind.BROKEN_CI,
    *,
    key: str = "ci.yml",
    source: str = "gh",
    host: str = "github.com",
    repo: str = "acme/api",
    title: str = "CI is red on main",
    where: Mapping[str, str] | None = None,
    fingerprint: str = "fp1",
    since: datetime | None = None,
    effort: float = 1.5,
) -> Item:
    default_where = {
        Kind.BROKEN_CI: {"branch": "main", "workflow": "CI", "run_id": "123", "job": "test"},
        Kind.UNREVIEWED_PR: {"number": "7", "branch": "feature"},
        Kind.STALE_DOC: {"file": "README.md", "branch": "main"},
        Kind.FLAKY_TEST: {"test": "test_io", "job": "unit", "run_id": "456"},
    }[kind]
    url = (
        f"https://{host}/{repo}/pull/7" if kind is Kind.UNREVIEWED_PR else f"https://{host}/{repo}"
    )
    return Item(
        id=f"{host}/{repo}#{kind.value}/{key}",
        kind=kind,
        source=source,
        host=host,
        repo=repo,
        title=title,
        url=url,
        since=since or NOW - timedelta(days=2),
        updated_at=NOW - timedelta(hours=1),
        where=dict(default_where if where is None else where),
        effort_hours=effort,
        fingerprint=fingerprint,
    )


class FakeForge(Forge):
    """Records every request; ``found`` answers find_action by idempotency key."""

    def __init__(self, name: str = "gh", kind: str = "github", host: str = "github.com") -> None:
        self.name = name
        self.kind = kind
        self.dialect = kind
        self.host = host
        self.performed: list[ActionRequest] = []
        self.found: dict[str, ActionResult] = {}
        self.asked: list[ActionRequest] = []
        self.fail_with: Exception | None = None
        self.result_url = ""

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        raise NotImplementedError

    def action_specs(self) -> Mapping[str, ActionSpec]:
        """The real adapter's vocabulary, so plans are made exactly as for the real forge."""
        return (github_actions if self.dialect == "github" else gitlab_actions).SPECS

    def describe(self, request: ActionRequest) -> str:
        if self.dialect == "github":
            return github_actions.describe("https://api.github.com", request)
        return gitlab_actions.describe(f"https://{self.host}", request)

    async def perform(self, request: ActionRequest) -> ActionResult:
        self.performed.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        result = ActionResult(True, f"did {request.kind} on {request.target}", self.result_url)
        self.found[request.idempotency_key] = result
        return result

    async def find_action(self, request: ActionRequest) -> ActionResult | None:
        self.asked.append(request)
        return self.found.get(request.idempotency_key)


def automation(**fields: Any) -> AutomationConfig:
    return _validated(**fields)


DEFAULT_AUTOMATIONS: dict[str, AutomationConfig] = {
    "rerun": automation(kind="github.rerun_failed_jobs", fits=["broken_ci", "flaky_test"]),
    "review": automation(kind="github.request_review", fits=["unreviewed_pr"], reviewers=["alice"]),
    "issue": automation(
        kind="github.create_issue",
        fits=["stale_doc", "broken_ci"],
        title="Glue: {title}",
        body="See {url} ({kind}) {{literal}}",
        labels=["glue", "kind:{kind}"],
    ),
    "retry": automation(kind="gitlab.retry_pipeline", fits=["broken_ci"]),
}


def make_config(automations: Mapping[str, AutomationConfig] | None = None, **fields: Any) -> Config:
    return Config(
        sources=[
            SourceConfig(name="gh", kind="github", repos=["acme/api"]),
            SourceConfig(name="gl", kind="gitlab", url="https://gitlab.example.com", repos=["g/p"]),
        ],
        automations=dict(DEFAULT_AUTOMATIONS if automations is None else automations),
        **fields,
    )


def make_runtime(
    tmp_path: Path,
    *,
    config: Config | None = None,
    forges: list[Forge] | None = None,
    now: datetime = NOW,
) -> Runtime:
    store = Store.open(tmp_path / "s.sqlite3")
    return Runtime(
        config=config or make_config(),
        forges=forges
        if forges is not None
        else [FakeForge(), FakeForge("gl", "gitlab", "gitlab.example.com")],
        store=store,
        clock=lambda: now,
    )
