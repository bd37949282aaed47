"""The layout at every terminal size: which list layout, where the detail sits, which columns.

Pure parts (:mod:`gluetui.ui.columns`, :mod:`gluetui.ui.layout`, URL wrapping) are tested alone; the
rest drives the app at 80x24 to 200x50 and checks what the user would see.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from ui_fakes import FakeSync, app_for, item, settle, standard_items

from gluetui.factory import Runtime
from gluetui.model import Item, Kind, PullFacts
from gluetui.ui.columns import TITLE_MIN, fit_columns, total_width
from gluetui.ui.filtering import KIND_ALIASES
from gluetui.ui.layout import DetailSpot, choose_layout
from gluetui.ui.render import COLUMNS
from gluetui.ui.screens.help import HelpScreen
from gluetui.ui.screens.main import KINDS, MainScreen
from gluetui.ui.widgets.detail import DetailPane, url_lines, where_word
from gluetui.ui.widgets.header import gauge_text

SIZES = [(80, 24), (100, 30), (120, 35), (160, 45), (200, 50)]
LONG_REPO = "platform/observability/collector"


def main(app: Any) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


# -- pure ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", range(40, 260, 7))
def test_columns_are_whole_and_fill_the_width(width: int) -> None:
    content = {"repo": 33, "author": 7, "number": 4}
    placed = fit_columns(COLUMNS, width, content)
    for p in placed:
        assert p.width >= len(p.label), p  # never half a header
        if p.column.fit and not p.column.cut:
            assert p.width == min(p.column.fit, content[p.column.key])  # whole values
    title = next(p for p in placed if p.column.key == "title")
    assert title.width >= TITLE_MIN
    if width >= 60:
        assert total_width(placed) == width


def test_columns_drop_by_priority_as_the_list_narrows() -> None:
    content = {"repo": 33, "author": 7, "number": 4}

    def keys(width: int) -> list[str]:
        return [p.column.key for p in fit_columns(COLUMNS, width, content)]

    assert keys(95) == ["mark", "severity", "number", "title", "repo", "author", "age", "effort"]
    assert keys(75) == ["mark", "severity", "title", "repo", "age", "effort"]
    assert keys(40) == ["mark", "severity", "title", "repo"]
    # The suggested route's word (the automation, take or leave) comes last, in wide lists only;
    # its symbol is always in the mark column.
    wide = {**content, "route": 14}
    assert [p.column.key for p in fit_columns(COLUMNS, 150, wide)][-1] == "route"
    assert "route" not in [p.column.key for p in fit_columns(COLUMNS, 120, wide)]
    # Content-sized columns with nothing to show are left out.
    assert "number" not in [p.column.key for p in fit_columns(COLUMNS, 120, {"repo": 10})]


def test_whole_repository_names_from_a_200_column_grid_panel() -> None:
    placed = {p.column.key: p.width for p in fit_columns(COLUMNS, 95, {"repo": len(LONG_REPO) + 1})}
    assert placed["repo"] == len(LONG_REPO) + 1


@pytest.mark.parametrize(
    ("size", "grid", "spot"),
    [
        ((80, 24), False, DetailSpot.FULL),
        ((100, 30), False, DetailSpot.BELOW),
        ((120, 35), False, DetailSpot.BELOW),
        ((160, 45), True, DetailSpot.RIGHT),
        ((200, 50), True, DetailSpot.RIGHT),
        ((250, 60), True, DetailSpot.RIGHT),
        ((200, 24), False, DetailSpot.RIGHT),
    ],
)
def test_layout_per_size(size: tuple[int, int], grid: bool, spot: DetailSpot) -> None:
    assert choose_layout(*size, detail_open=False).grid is grid
    opened = choose_layout(*size, detail_open=True)
    assert not opened.grid and opened.detail is spot


def test_urls_break_after_a_slash_and_only_cut_what_no_line_holds() -> None:
    url = "https://github.com/acme/api/commit/9486fb208ef7d496fbd0881ad70cd36d8fa42635"
    lines = url_lines(url, 40)
    assert "".join(lines) == url
    assert lines[0] == "https://github.com/acme/api/commit/"
    assert all(len(line) <= 40 for line in lines)
    assert url_lines(url, 200) == [url]
    assert "".join(url_lines("x" * 100, 30)) == "x" * 100


def test_where_facts_are_words() -> None:
    assert where_word("first_bad_commit") == "First bad commit"
    assert where_word("run_id") == "Run"
    assert where_word("something_new") == "Something new"


def test_kinds_panels_and_filter_words_come_from_kind() -> None:
    assert tuple(Kind) == KINDS
    for kind in Kind:
        assert kind.value.split("_")[-1] in KIND_ALIASES or kind.value in KIND_ALIASES
        for word in kind.value.split("_"):
            assert KIND_ALIASES.get(word, kind) is kind


@pytest.mark.parametrize("width", [80, 100, 120, 160, 200])
def test_the_budget_line_fits_and_keeps_what_is_left(width: int) -> None:
    from datetime import date

    from gluetui.budget import BudgetStatus

    budget = BudgetStatus(date(2026, 11, 23), date(2026, 12, 7), 8.0, 5.5, 1.5)
    plain = gauge_text(budget, width - 2).plain
    assert len(plain) <= width - 2 and plain.endswith(("h left", "oversight 1.5 h"))
    assert "1 h left" in plain
    if width >= 100:
        assert "oversight 1.5 h" in plain


# -- in the app ------------------------------------------------------------------------------


def _pr(n: int, repo: str = "acme/api") -> Item:
    base = item(n, Kind.UNREVIEWED_PR, repo=repo, title=f"Add retries to the webhook sender {n}")
    return replace(
        base,
        where={"number": str(500 + n), "branch": f"kwame/retries-{n}", "base": "main"},
        pull=PullFacts(
            number=500 + n,
            additions=305,
            deletions=120,
            changed_files=8,
            reviewers=("acme/payments-team",),
            checks="failure",
            labels=("payments", "backend"),
            description="## What\nRetry webhooks with backoff.\n\n## Testing\n- [x] unit tests",
        ),
    )


def _sync() -> FakeSync:
    items = standard_items()
    prs = [_pr(20), _pr(21, repo=LONG_REPO)]
    return FakeSync({"acme": [*items["acme"], *prs], "lab": items["lab"]})


@pytest.mark.parametrize("size", SIZES)
async def test_each_size_takes_its_layout_and_shows_whole_headers(
    rt: Runtime, size: tuple[int, int]
) -> None:
    async with app_for(rt, _sync()).run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        expected = choose_layout(*size, detail_open=False)
        assert screen.has_class("-grid") is expected.grid
        for panel in screen.panels:
            if not panel.region.width:
                continue
            table = panel.table
            for p in table._placed:
                assert p.width >= len(p.label)
            assert {"title", "repo"} <= set(table.shown_columns)
        if size == (200, 50):
            pr_table = screen.panels[2].table
            assert {"number", "author"} <= set(pr_table.shown_columns)
            repo = next(p for p in pr_table._placed if p.column.key == "repo")
            assert repo.width >= len(LONG_REPO)
        await pilot.press("3", "enter")
        await pilot.pause()
        opened = choose_layout(*size, detail_open=True)
        assert screen.has_class(f"-detail-{opened.detail}")
        pane = screen.query_one(DetailPane)
        assert pane.region.width > 40 and pane.region.height >= 8
        if opened.detail is not DetailSpot.FULL:
            # The list keeps the highlighted row in view beside or above the detail.
            table = screen.table
            top = round(table.scroll_y)
            assert top <= table.cursor_row < top + table.size.height - 1


async def test_the_detail_of_a_pull_request_says_what_a_reviewer_decides_on(rt: Runtime) -> None:
    async with app_for(rt, _sync()).run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("3")
        for _ in range(5):
            if screen.current_item is not None and screen.current_item.pull is not None:
                break
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        body = str(screen.query_one("#detail-body").render())
        for needle in (
            "Author",
            "#520",
            "+305 −120 in 8 files",
            "acme/payments-team",
            "✖ failing",
            "payments, backend",
            "Retry webhooks with backoff.",
            "kwame/retries-20 → main",
        ):
            assert needle in body, needle
        assert "run_id" not in body and "first_bad" not in body


async def test_ctrl_d_and_ctrl_u_scroll_the_detail_and_tab_still_switches_panels(
    rt: Runtime,
) -> None:
    async with app_for(rt, _sync()).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(pilot.app)
        await pilot.press("3", "enter")
        await pilot.pause()
        pane = screen.query_one(DetailPane)
        assert pane.max_scroll_y > 0  # a PR's detail is longer than 80x24 shows
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert pane.scroll_y > 0
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert pane.scroll_y == 0
        await pilot.press("tab")
        assert screen.current_panel == 3


async def test_help_scrolls_with_the_movement_keys(rt: Runtime) -> None:
    async with app_for(rt).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        page = help_screen.page
        assert page.max_scroll_y > 0
        for key, moved in (("j", 1), ("down", 2), ("k", 1), ("up", 0), ("G", None), ("g", 0)):
            await pilot.press(key)
            await pilot.pause()
            if moved is None:
                assert page.scroll_y == page.max_scroll_y
            else:
                assert page.scroll_y == moved, key


def test_the_panel_bar_shortens_labels_to_their_first_word_before_cutting() -> None:
    from gluetui.ui.widgets.panel_bar import PanelTab, bar_cells

    tabs = [PanelTab(n, k.label, "17/31") for n, k in enumerate(Kind, 1)]
    assert bar_cells(tabs, 200)[2] == " 3 Unreviewed PRs/MRs 17/31 "
    assert [c.split()[1] for c in bar_cells(tabs, 80)] == ["Stale", "Broken", "Unreviewed", "Flaky"]
    narrow = bar_cells(tabs, 50)
    assert all(c.split()[-1] == "17/31" for c in narrow)  # the number and count always stay
