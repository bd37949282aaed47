"""Every screen at every terminal size that matters, on the demo organisation.

The main screen, a pull request's detail, the delegate confirmation, the capacity screen and help,
at 80x24, 100x30, 120x35, 160x45 and 200x50: 25 stored SVGs (``--snapshot-update`` to accept a
change after looking at it). Deterministic: a frozen clock, a fresh store, UTC, a fixed size.

A snapshot only proves what was recorded, so :func:`test_recorded_screens_are_whole` reads the text
of each stored SVG back and checks it: no header cut short, every border whole, and at 200x50
whole repository names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from ui_fakes import settle

from gluetui.factory import Runtime, build_runtime
from gluetui.forges.demo.data import GITLAB_REPOS, REPOS
from gluetui.ui.app import GluetuiApp, make_app

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SIZES = [(80, 24), (100, 30), (120, 35), (160, 45), (200, 50)]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
Snap = Callable[..., bool]
Steps = Callable[[Any], Awaitable[None]]


async def _main(pilot: Any) -> None:
    await settle(pilot)


async def _detail(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("3", "enter")  # the first unreviewed pull request
    await pilot.pause()


async def _confirm(pilot: Any) -> None:
    await settle(pilot)
    # The first pull request, its first automation (the demo's re-runs say confirm = false and
    # run without a question; a review request asks).
    await pilot.press("3", "a", "enter")
    await pilot.pause()


async def _capacity(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("2", "m", "enter")  # take the first broken CI item
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press("c")
    await pilot.pause()


async def _help(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


SCREENS: dict[str, Steps] = {
    "main": _main,
    "detail": _detail,
    "confirm": _confirm,
    "capacity": _capacity,
    "help": _help,
}
CASES = [(screen, size) for screen in SCREENS for size in SIZES]


def _case_id(screen: str, size: tuple[int, int]) -> str:
    return f"{screen}-{size[0]}x{size[1]}"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(demo=True, store_path=tmp_path / "demo.sqlite3", clock=lambda: NOW)
    yield rt
    rt.close()


def _app(rt: Runtime) -> GluetuiApp:
    return make_app(rt)


@pytest.mark.parametrize(("screen", "size"), CASES, ids=[_case_id(*c) for c in CASES])
def test_screen_at_size(
    snap_compare: Snap, demo: Runtime, screen: str, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Any) -> None:
        await SCREENS[screen](pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(demo), terminal_size=size, run_before=run_before)


# -- reading the recorded screens back ------------------------------------------------------

_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)


def svg_lines(svg: str, width: int, height: int) -> list[str]:
    """The terminal's text, line by line, from an SVG that Textual exported."""
    char = re.search(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)"', svg)
    assert char is not None
    rows = [[" "] * width for _ in range(height)]
    cell = 12.2  # Rich's export: 0.61 em of a 20px font per cell
    for x, line, text in _TEXT.findall(svg):
        col, row = round(float(x) / cell), int(line)
        for ch in html.unescape(text).replace("\xa0", " "):
            if row < height and col < width:
                rows[row][col] = ch
            col += cell_len(ch)
    return ["".join(r).rstrip() for r in rows]


#: Every header a list, help or capacity table may show, whole.
HEADERS = {"#", "Sev", "Title", "Repository", "Author", "Age", "Effort"}
REPO_NAMES = {spec.full_name for spec in (*REPOS, *GITLAB_REPOS)}
OWNERS = {name.split("/", 1)[0] for name in REPO_NAMES}


def _recorded(screen: str, size: tuple[int, int]) -> list[str]:
    name = f"test_screen_at_size[{_case_id(screen, size)}].svg"
    path = SNAPSHOTS / name
    if not path.exists():
        pytest.skip(f"{name} is not recorded yet (run with --snapshot-update)")
    return svg_lines(path.read_text(encoding="utf-8"), *size)


def _list_header_problems(lines: list[str]) -> list[str]:
    """Header words of every list whose row shows between its two borders (a dialog may hide
    part of a list behind it: that part is not the list's doing)."""
    out = []
    for n, line in enumerate(lines):
        for match in re.finditer(r"│([^│█]*)│", line):
            part = match.group(1)
            words = part.split()
            if "Title" in words:
                cut = [w for w in words if w not in HEADERS]
                if cut:
                    out.append(f"line {n}: header cut short: {cut} in {part.strip()!r}")
    return out


def _border_problems(lines: list[str]) -> list[str]:
    out = []
    for n, line in enumerate(lines):
        if line.count("╭") != line.count("╮") or line.count("╰") != line.count("╯"):
            out.append(f"line {n}: a rounded border is cut: {line!r}")
    # A dialog (thick border): its left and right edges on every line between top and bottom.
    tops = [n for n, line in enumerate(lines) if "█▀" in line]
    if tops:
        top = tops[0]
        left, right = lines[top].index("█"), lines[top].rindex("█")
        if right <= left:
            out.append(f"line {top}: the dialog's top border has no right corner")
        bottom = next((n for n in range(top + 1, len(lines)) if "█▄" in lines[n]), None)
        if bottom is None:
            out.append("the dialog has no bottom border")
        else:
            for n in range(top, bottom + 1):
                line = lines[n].ljust(right + 1)
                if line[left] != "█" or line[right] != "█":
                    out.append(f"line {n}: the dialog's side border is missing: {lines[n]!r}")
    return out


def _cut_repositories(lines: list[str]) -> list[str]:
    """Repository-looking words (owner/...) that are not a whole demo repository name."""
    out = []
    for line in lines:
        for word in re.findall(r"★?[\w.-]+/[\w./…-]+", line):
            name = word.lstrip("★")
            if name.split("/", 1)[0] in OWNERS and name not in REPO_NAMES:
                out.append(word)
    return out


@pytest.mark.parametrize(("screen", "size"), CASES, ids=[_case_id(*c) for c in CASES])
def test_recorded_screens_are_whole(screen: str, size: tuple[int, int]) -> None:
    lines = _recorded(screen, size)
    text = "\n".join(lines)
    problems = _list_header_problems(lines) + _border_problems(lines)
    assert not problems, "\n".join(problems) + "\n\n" + text
    if screen == "main":
        assert "Sprint" in lines[0] and "h left" in lines[0], lines[0]  # the budget line is whole
        if size == (200, 50):
            assert not _cut_repositories(lines), _cut_repositories(lines)
            assert "platform/observability/collector" in text
    if screen == "help":
        assert "Key" in text and "What it does" in text
    if screen == "capacity" and size >= (100, 30):
        assert re.search(r"Holds the hours +Item +Repository +Hours +Since", text), text
    if screen == "confirm":
        assert "What will happen" in text
    if screen == "detail":
        assert "Pull/merge request" in text and "Reviewers asked" in text
