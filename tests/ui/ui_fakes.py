"""Deterministic data and fakes for the UI tests: a frozen clock, two fake sources, fixed items.

The fake refresh is shaped like ``sync_source`` (it writes the snapshot and sync runs) so the app is
tested through the same :class:`Backend` seam it uses for real, with the real ``current_items`` and
``budget_status``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gluetui.browser import Opened
from gluetui.config.schema import CapacityConfig, Config, automation
from gluetui.factory import Runtime
from gluetui.forges.base import ActionRequest, ActionResult, ActionSpec, Forge, Progress
from gluetui.forges.github import actions as github_actions
from gluetui.model import Evidence, Item, Kind, Route, Severity, Suggestion, make_item_id
from gluetui.records import RateLimit, RepoError, SourceData
from gluetui.store import Store
from gluetui.ui.app import GluetuiApp, make_app
from gluetui.ui.backend import Backend, dashboard_items

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


class FakeForge(Forge):
    """A forge speaking GitHub's actions that performs them in memory (or fails, when told to)."""

    dialect = "github"

    def action_specs(self) -> Mapping[str, ActionSpec]:
        return github_actions.SPECS

    def describe(self, request: ActionRequest) -> str:
        line = github_actions.describe("https://api.github.com", request)
        return f"{line} [demo organisation: nothing leaves this machine]"

    def __init__(self, name: str) -> None:
        self.name = name
        self.kind = "demo"
        self.host = f"{name}.example"
        self.performed: list[ActionRequest] = []
        self.fail_with: Exception | None = None
        self.result_url = ""

    async def fetch(self, now: datetime, progress: Progress | None = None) -> SourceData:
        raise NotImplementedError

    async def perform(self, request: ActionRequest) -> ActionResult:
        if self.fail_with is not None:
            raise self.fail_with
        self.performed.append(request)
        return ActionResult(True, f"did {request.kind} on {request.target}", url=self.result_url)

    async def find_action(self, request: ActionRequest) -> ActionResult | None:
        done = [r for r in self.performed if r.idempotency_key == request.idempotency_key]
        return ActionResult(True, "found on the forge") if done else None


def item(
    n: int,
    kind: Kind,
    *,
    source: str = "acme",
    title: str | None = None,
    repo: str = "acme/api",
    severity: Severity = Severity.MEDIUM,
    impact: float | None = None,
    effort: float = 1.0,
    age_hours: float = 30.0,
    automations: tuple[str, ...] = (),
    author: str | None = "alice",
    mine: bool = False,
    url: str | None = None,
) -> Item:
    return Item(
        id=make_item_id(f"{source}.example", repo, kind, str(n)),
        kind=kind,
        source=source,
        host=f"{source}.example",
        repo=repo,
        title=title or f"{kind.label} item {n}",
        url=url if url is not None else f"https://{source}.example/{repo}/{n}",
        since=NOW - timedelta(hours=age_hours),
        updated_at=NOW - timedelta(hours=1),
        author=author,
        where={"branch": "main", "job": f"job-{n}", "run_id": str(1000 + n), "number": str(n)},
        evidence=(Evidence("failing since", f"run {n} failed", None),),
        metrics={},
        severity=severity,
        impact=impact if impact is not None else float(100 - n),
        effort_hours=effort,
        automations=automations,
        mine=mine,
        fingerprint=f"fp-{n}",
    )


def suggested(
    it: Item, route: Route, reason: str, automation: str = "", hours: float = 0.0
) -> Item:
    """``it`` with the suggestion a refresh would have stored (as ``gluetui.routes`` gives it)."""
    return replace(it, suggestion=Suggestion(route, reason, automation, hours))


def standard_items() -> dict[str, list[Item]]:
    """A small organisation: every panel has rows; one hostile title; one item has no automation.

    Each item carries a suggested route, one of each kind of route at least.
    """
    acme, lab = _plain_items()
    routes = {
        1: (Route.DELEGATE, "red for 30 h, a re-run tells a flake from a break", "rerun", 0.25),
        2: (Route.TAKE, "red for 8 days, your default branch has been red for over a day", "", 1.0),
        3: (Route.TAKE, "waiting 30 h for a first review, your review is asked", "", 0.5),
        4: (Route.DELEGATE, "waiting 30 h for a first review, nobody asked", "ask-bot", 0.5),
        5: (Route.LEAVE, "30 h old, outside your accountable repositories", "", 0.0),
        6: (Route.DELEGATE, "flaked 3 of 12 runs, re-runs usually pass", "rerun", 0.25),
        7: (Route.LEAVE, "30 h old, outside your accountable repositories", "", 0.0),
        8: (Route.TAKE, "flaked 6 of 8 runs, re-running it only hides the problem", "", 3.0),
    }
    out: dict[str, list[Item]] = {}
    for source, items in (("acme", acme), ("lab", lab)):
        out[source] = [suggested(i, *routes[int(i.where["number"])]) for i in items]
    return out


def _plain_items() -> tuple[list[Item], list[Item]]:
    acme = [
        item(1, Kind.BROKEN_CI, severity=Severity.HIGH, automations=("rerun",), effort=1.5),
        item(2, Kind.BROKEN_CI, repo="acme/web", age_hours=200, automations=("rerun",)),
        item(
            3,
            Kind.UNREVIEWED_PR,
            title="[bold]Add[/] cache [link=https://evil]x[/link]",
            automations=("ask-bot",),
            effort=0.5,
            author="mallory",
            mine=True,
        ),
        item(
            4,
            Kind.UNREVIEWED_PR,
            repo="acme/web",
            severity=Severity.LOW,
            effort=2.0,
            automations=("ask-bot",),
        ),
        item(5, Kind.STALE_DOC, title="README install steps", effort=1.0),
        item(
            6,
            Kind.FLAKY_TEST,
            title="test_checkout_times_out",
            severity=Severity.HIGH,
            effort=2.0,
            automations=("rerun",),
        ),
    ]
    lab = [
        item(7, Kind.STALE_DOC, source="lab", repo="lab/docs", title="docs/deploy.md", effort=1.0),
        item(8, Kind.FLAKY_TEST, source="lab", repo="lab/core", title="test_retry", effort=3.0),
    ]
    return acme, lab


@dataclass(frozen=True)
class Report:
    source: str
    ok: bool
    items: int
    started_at: datetime
    finished_at: datetime
    error_title: str = ""
    error_hint: str = ""
    rate_limits: tuple[RateLimit, ...] = ()
    repo_errors: tuple[RepoError, ...] = ()
    saved_items: tuple[Item, ...] = ()

    def summary(self) -> str:
        """Like ``SyncReport.summary``: what failed in part ("" when nothing did)."""
        return (
            f"{len(self.repo_errors)} of {self.items} repositories failed"
            if self.repo_errors
            else ""
        )


@dataclass
class FakeSync:
    """Writes each source's items into the store's snapshot, like ``sync_source`` does."""

    items: dict[str, list[Item]]
    fail: dict[str, str] = field(default_factory=dict)
    raise_for: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    async def __call__(self, rt: Runtime, forge: Forge, progress: Progress | None) -> Report:
        self.calls.append(forge.name)
        if forge.name in self.raise_for:
            raise RuntimeError("fake forge exploded")
        now = rt.clock()
        if progress is not None:
            progress(1, 2, "acme/api")
        if forge.name in self.fail:
            rt.store.mark_stale(forge.name, True)
            return Report(forge.name, False, 0, now, now, self.fail[forge.name], "Check the token.")
        got = self.items.get(forge.name, [])
        rt.store.save_snapshot(forge.name, got, at=now)
        rt.store.mark_stale(forge.name, False)
        run = rt.store.sync_started(forge.name, at=now)
        rt.store.sync_finished(run, at=now, ok=True, items=len(got))
        limits = (RateLimit(remaining=4980, limit=5000, resource="rest"),)
        return Report(
            forge.name, True, len(got), now, now, rate_limits=limits, saved_items=tuple(got)
        )


def config(**extra: Any) -> Config:
    extra.setdefault("capacity", CapacityConfig(hours_per_sprint=8.0))
    return Config(
        automations={
            "rerun": automation(
                kind="github.rerun_failed_jobs",
                fits=["broken_ci", "flaky_test"],
                description="Re-run the failed jobs",
                oversight_hours=0.25,
            ),
            "ask-bot": automation(
                kind="github.request_review",
                fits=["unreviewed_pr"],
                reviewers=["review-bot"],
                oversight_hours=0.5,
            ),
        },
        **extra,
    )


def runtime(tmp: Path, *, sources: Sequence[str] = ("acme", "lab"), **cfg: Any) -> Runtime:
    store = Store.open(tmp / "ui.sqlite3")
    return Runtime(
        config=config(**cfg),
        forges=[FakeForge(s) for s in sources],
        store=store,
        clock=clock,
    )


def seed(rt: Runtime, items: Mapping[str, list[Item]], *, look: datetime | None = None) -> None:
    """A stored snapshot from an earlier run (first seen an hour ago), as a restart finds it."""
    for source, got in items.items():
        rt.store.save_snapshot(source, got, at=NOW - timedelta(hours=2))
    if look is not None:
        rt.store.set_last_look(look)


@dataclass
class FakeBrowser:
    """Stands in for :func:`gluetui.browser.open_url`: records the links, answers as told."""

    opened: list[str] = field(default_factory=list)
    answer: Opened = field(default_factory=lambda: Opened(True, "Opened with xdg-open."))

    def __call__(self, url: str) -> Opened:
        self.opened.append(url)
        return self.answer


def app_for(
    rt: Runtime, sync: FakeSync | None = None, *, browser: FakeBrowser | None = None, **kw: Any
) -> GluetuiApp:
    """The app over ``rt`` with a fake refresh and browser; snapshot loading and budget are the
    real ones."""
    backend = Backend(
        runtime=rt,
        sync=sync or FakeSync(standard_items()),
        items=dashboard_items,
        open_url=browser or FakeBrowser(),
    )
    return make_app(rt, backend=backend, **kw)


async def settle(pilot: Any) -> None:
    """Wait until the snapshot load and every refresh worker are done and the screen has caught up."""
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished]
        if not busy:
            await pilot.pause()
            return
        await app.workers.wait_for_complete()
    raise AssertionError("workers did not settle")
