"""The dashboard after a refresh that failed in part: the status line says how much, the first
reason is under it (all of them in its tooltip), and the kept items are marked stale."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ui_fakes import NOW, app_for, runtime, settle, standard_items

from gluetui.records import RepoError
from gluetui.sync import SyncReport
from gluetui.ui.screens.main import MainScreen
from gluetui.ui.status import Phase, SourceStatus, reason_line, status_line
from gluetui.ui.widgets.header import SyncStatusBar

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def report(errors: tuple[RepoError, ...], repos: int = 117, **kw: object) -> SyncReport:
    return SyncReport("gh", True, 10, AT, AT, repo_errors=errors, repos=repos, **kw)  # type: ignore[arg-type]


def test_the_summary_counts_repositories_owners_and_parts() -> None:
    three = tuple(RepoError(f"acme/r{i}", f"acme/r{i}: boom") for i in range(3))
    assert report(three).summary() == "3 of 120 repositories failed"
    owner = RepoError("acme/*", "GitHub organisation acme could not be listed: gone.")
    docs = RepoError("acme/app", "docs", kinds=("stale_doc",))
    paused = report((*three, owner, docs), paused_until=AT)
    summary = paused.summary()
    assert summary.startswith("3 of 120 repositories failed, part of 1 repository failed")
    assert "1 owner not listed" in summary and "paused until" in summary
    assert report(()).summary() == ""
    assert report(three).failure_lines()[0] == "gh: acme/r0: boom"


def test_the_status_line_says_what_failed_in_part() -> None:
    s = SourceStatus(
        "gh",
        phase=Phase.OK,
        last_refresh=NOW,
        partial="3 of 120 repositories failed",
        reasons=("acme/a: GitHub had a server error (500)", "acme/b: x", "acme/c: y"),
    )
    line = status_line(s).plain
    assert line.startswith("! gh") and "3 of 120 repositories failed" in line
    reason = reason_line(s)
    assert reason is not None
    assert "acme/a: GitHub had a server error (500)" in reason.plain and "(+2 more)" in reason.plain
    assert reason_line(SourceStatus("gh")) is None


async def test_the_dashboard_shows_a_partial_refresh_and_marks_kept_items(tmp_path: Path) -> None:
    rt = runtime(tmp_path, sources=("acme",))
    items = standard_items()["acme"]
    kept = items[0]
    failure = RepoError(kept.repo, f"{kept.repo}: GitHub had a server error (500).")
    rt.store.save_snapshot("acme", items, at=NOW, failed=[failure])
    run = rt.store.sync_started("acme", at=NOW)
    rt.store.sync_finished(run, at=NOW, ok=True, error="1 of 4 repositories failed", items=4)
    async with app_for(rt, refresh_on_start=False).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
        bar = screen.query_one(SyncStatusBar)
        text = bar.render().plain
        assert "1 of 4 repositories failed" in text
        assert "GitHub had a server error (500)" in text
        assert bar.tooltip is not None
        assert screen.is_stale(kept)
        assert not any(screen.is_stale(i) for i in items if i.repo != kept.repo)
    rt.close()
