"""Hostile text on the dashboard: nothing the forge wrote may reach the terminal as a command.

Every corpus string becomes one repository's items; the app (``make_app`` over the real store,
``App.run_test``) shows them in the four panels and in the detail pane. Every rendered strip is
checked: no ESC or other control character, no bidi override, and no link or click action that
came from forge text. The Rich-markup strings must appear literally.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rel_fakes import NOW, config
from rel_hostile import CORPUS, has_control
from rel_records import hostile_items

from gluetui.browser import Opened
from gluetui.factory import Runtime
from gluetui.model import Item
from gluetui.store import Store
from gluetui.sync import current_items

textual = pytest.importorskip("textual")

from textual.geometry import Region  # noqa: E402
from textual.widget import Widget  # noqa: E402

from gluetui.ui.app import make_app  # noqa: E402
from gluetui.ui.backend import Backend  # noqa: E402

#: Rows of the first panel walked with the detail pane open (each is a different corpus string).
ROWS = 20


def _clock() -> datetime:
    return NOW


async def _no_sync(rt: Runtime, forge: object, progress: object) -> object:
    raise AssertionError("the hostile UI test does not refresh")


@pytest.fixture
def hostile_rt(tmp_path: Path) -> Iterator[Runtime]:
    store = Store.open(tmp_path / "ui.sqlite3")
    items: list[Item] = []
    for n, (_, text) in enumerate(CORPUS):
        items += hostile_items(text, config([]), full_name=f"acme/r{n:02}")
    store.save_snapshot("gh", items, at=NOW - timedelta(hours=1))
    rt = Runtime(config=config([]), forges=[], store=store, clock=_clock)
    yield rt
    rt.close()


def screen_problems(app: object) -> list[str]:
    """What is wrong in the rendered strips of every visible widget."""
    problems: list[str] = []
    screen = app.screen  # type: ignore[attr-defined]
    for widget in screen.walk_children(Widget):
        if not widget.display or not widget.size.area:
            continue
        lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
        for strip in lines:
            for seg in strip:
                if has_control(seg.text):
                    problems.append(f"{type(widget).__name__}: control in {seg.text[:60]!r}")
                style = seg.style
                if style is None:
                    continue
                if style.link and "evil.example" in style.link:
                    problems.append(f"{type(widget).__name__}: forge link {style.link}")
                click = str(style.meta.get("@click", "")) if style.meta else ""
                if "app.quit" in click or "app.bell" in click:
                    problems.append(f"{type(widget).__name__}: forge click {click}")
    return problems


def screen_text(app: object) -> str:
    out: list[str] = []
    screen = app.screen  # type: ignore[attr-defined]
    for widget in screen.walk_children(Widget):
        if widget.display and widget.size.area:
            lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
            out += ["".join(seg.text for seg in strip) for strip in lines]
    return "\n".join(out)


async def test_panels_and_detail_show_hostile_text_inertly(hostile_rt: Runtime) -> None:
    backend = Backend(runtime=hostile_rt, sync=_no_sync, items=current_items)
    app = make_app(hostile_rt, backend=backend, refresh_on_start=False)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "acme/r00" in screen_text(app)
        problems = screen_problems(app)
        await pilot.press("enter")  # open the detail pane
        await pilot.pause()
        seen = ""
        for _ in range(ROWS):
            problems += screen_problems(app)
            seen += screen_text(app)
            await pilot.press("down")
            await pilot.pause()
        for _ in range(3):  # the other panels' first rows, with the detail open
            await pilot.press("tab")
            await pilot.pause()
            problems += screen_problems(app)
            seen += screen_text(app)
        assert not problems, problems[:10]
        # Markup from the forge is shown as the characters it is made of.
        assert "[bold red]URGENT" in seen
        assert "[link=https://evil.example/x]" in seen
        svg = app.export_screenshot()
        assert "\x1b" not in svg


def test_detail_text_of_every_hostile_item_is_inert(hostile_rt: Runtime) -> None:
    """The detail pane's content for every item (all corpus strings, every kind), not only the rows
    the pilot walked: plain text without controls, no link, no markup turned into style."""
    from gluetui.ui.widgets.detail import DetailView, detail_text, side_text

    for item in hostile_rt.store.load_items():
        view = DetailView(item=item, now=NOW, automations=("rerun",))
        for text in (detail_text(view), side_text(view)):
            assert not has_control(text.plain.replace("\n", "")), repr(text.plain[:200])
            for span in text.spans:
                style = str(span.style)
                assert "evil.example" not in style and "link" not in style, style


# ---------------------------------------------------------------------------------------------
# The clipboard (``y``) and the browser (``o``): a validated URL, nothing else


def _file_name_items() -> list[Item]:
    from rel_hostile import FILE_NAMES
    from rel_records import context

    from gluetui.detect.run import detect_all
    from gluetui.records import Commit, DocFile, Repo, RepoData, SourceData

    old = Commit(sha="e" * 40, title="docs", author="alice", date=NOW - timedelta(days=400))
    docs = tuple(
        DocFile(path=p, text="---\nreview_by: 2020-01-01\n---\n", last_commit=old)
        for _, p in FILE_NAMES
    )
    repo = Repo(
        host="github.com",
        full_name="acme/api",
        url="https://github.com/acme/api",
        blob_base="https://github.com/acme/api/blob",
    )
    data = RepoData(repo=repo, docs=docs, tree=frozenset({"README.md"}))
    return detect_all(
        SourceData(source="gh", host="github.com", repos=(data,)), context(config([]))
    )


async def test_y_and_o_carry_a_valid_url_and_nothing_else(tmp_path: Path) -> None:
    """Every stale doc named by a hostile file name: ``y`` copies, ``o`` opens, its URL only —
    percent-encoded, printable ASCII — and an item whose stored URL is raw (a store written
    before this release) is neither copied nor opened."""
    from gluetui.textsafe import safe_url
    from gluetui.ui.screens.main import MainScreen

    items = _file_name_items()
    raw = items[0].url.replace("%1B", "\x1b").replace("%0A", "\n")
    legacy = replace(items[0], id=items[0].id + "-legacy", url=raw, impact=10_000.0)
    store = Store.open(tmp_path / "ui.sqlite3")
    store.save_snapshot("gh", [legacy, *items], at=NOW - timedelta(hours=1))
    rt = Runtime(config=config([]), forges=[], store=store, clock=_clock)
    opened: list[str] = []
    copied: list[str] = []

    def browser(url: str) -> Opened:
        opened.append(url)
        return Opened(True, "Opened.")

    backend = Backend(runtime=rt, sync=_no_sync, items=current_items, open_url=browser)
    app = make_app(rt, backend=backend, refresh_on_start=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.current_item is not None and screen.current_item.url == raw
            assert screen.check_action("copy_url", ()) is None  # greyed out, not silently ignored
            await pilot.press("y", "o")
            assert copied == [] and opened == []
            for _ in items:
                await pilot.press("down")
                await pilot.press("y", "o")
            await app.workers.wait_for_complete()
            assert len(copied) == len(opened) == len(items)
            assert copied == opened
            for url in copied:
                assert url.isascii() and url.isprintable() and safe_url(url) == url
                assert url.startswith("https://github.com/acme/api/blob/main/docs/")
            assert (
                "https://github.com/acme/api/blob/main/docs/x%1B%5B201~%0Atouch%20~/p%0A.md"
                in copied
            )
    finally:
        rt.close()


# ---------------------------------------------------------------------------------------------
# Emoji rows keep the panel border in line


async def test_emoji_rows_keep_every_line_as_wide_as_its_widget(tmp_path: Path) -> None:
    """Rows whose titles hold emoji sequences, CJK and combining marks: each rendered line of
    every widget is exactly as wide as the widget by Rich's count *and* by the count of a
    terminal that joins emoji sequences (``textsafe.cell_width``, which tmux agrees with), so the
    panel's right border stays in line."""
    from gluetui.textsafe import cell_width

    titles = [
        "👩\u200d💻 fix 🏳️\u200d🌈 ci",
        "👍🏽 ❤️ 🇫🇷 1️⃣ keycap",
        "日本語のタイトルとｆｕｌｌ　ｗｉｄｔｈ",
        "Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357g\u0358o",
        "🧑🏽\u200d💻🧑🏽\u200d💻🧑🏽\u200d💻 " * 12,
        "a\u200db 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f flag",
    ]
    items: list[Item] = []
    for n, title in enumerate(titles):
        items += hostile_items(title, config([]), full_name=f"acme/e{n}")
    store = Store.open(tmp_path / "ui.sqlite3")
    store.save_snapshot("gh", items, at=NOW - timedelta(hours=1))
    rt = Runtime(config=config([]), forges=[], store=store, clock=_clock)
    backend = Backend(runtime=rt, sync=_no_sync, items=current_items)
    app = make_app(rt, backend=backend, refresh_on_start=False)
    try:
        for size in ((120, 35), (160, 45)):
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
                checked = 0
                for widget in app.screen.walk_children(Widget):
                    if not widget.display or not widget.size.area:
                        continue
                    width = widget.size.width
                    for strip in widget.render_lines(Region(0, 0, width, widget.size.height)):
                        text = "".join(seg.text for seg in strip)
                        assert strip.cell_length == width
                        assert cell_width(text) == width, (type(widget).__name__, text)
                        checked += 1
                assert checked > 100
            app = make_app(rt, backend=backend, refresh_on_start=False)
    finally:
        rt.close()
