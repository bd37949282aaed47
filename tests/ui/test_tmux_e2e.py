"""End to end: ``python -m gluetui demo`` in a real terminal (tmux), keys in, screen read back.

Runs on its own tmux server socket with a generated name, so it neither sees nor touches any other
tmux session, and kills exactly the session it created.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.tmux

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")


class Terminal:
    def __init__(self, tmux: str) -> None:
        self.name = f"gluetui-e2e-{uuid.uuid4().hex[:10]}"
        self.base = [tmux, "-L", self.name]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # COLUMNS/LINES (set by the in-process test apps) would override the pane's real size.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        return subprocess.run(
            [*self.base, *args], capture_output=True, text=True, check=check, timeout=10, env=env
        )

    def start(self, argv: list[str], width: int, height: int) -> None:
        command = " ".join(_quote(a) for a in argv)
        self.run(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(ROOT),
            command,
        )

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.name, check=False).returncode == 0

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name).stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def wait_for(self, ok: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen() if self.alive() else text
            if ok(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{text}")

    def kill(self) -> None:
        if self.alive():
            self.run("kill-session", "-t", self.name, check=False)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    if TMUX is None:
        pytest.skip("tmux is not installed (apt-get install -y tmux)")
    if importlib.util.find_spec("gluetui.forges.demo.forge") is None:
        pytest.skip("the demo forge (gluetui/forges/demo/forge.py) is not written yet")
    term = Terminal(TMUX)
    try:
        yield term
    finally:
        term.kill()


def test_demo_in_a_real_terminal(terminal: Terminal) -> None:
    terminal.start([sys.executable, "-m", "gluetui", "demo"], 160, 48)
    # Panel titles carry their counts ("2 Broken CI (10)"); tabs would show names only.
    titles = [
        re.compile(rf"{n} {re.escape(p)} \(\d+\)")
        for n, p in enumerate(("Stale docs", "Broken CI", "Unreviewed PRs/MRs", "Flaky tests"), 1)
    ]
    screen = terminal.wait_for(
        lambda s: all(t.search(s) for t in titles) and "Sprint" in s and "refreshing" not in s,
        "the four panels, refreshed",
    )
    assert "h left" in screen and "refreshed" in screen
    terminal.keys("2")  # Broken CI
    terminal.keys("g")  # its first row (a cursor follows its item while sources arrive)
    terminal.keys("a")  # delegate: the picker of fitting automations
    terminal.wait_for(lambda s: "Delegate to" in s and "rerun-failed" in s, "the picker")
    terminal.keys("Enter")
    # The demo's re-runs say confirm = false (safe to repeat): no question.
    screen = terminal.wait_for(lambda s: "Delegated (rerun-failed)" in s, "the delegation result")
    assert "oversight 0.1 h" in screen  # the gauge counts the oversight hours
    terminal.keys("j")
    terminal.keys("m")
    terminal.wait_for(lambda s: "Take it myself" in s, "the take modal")
    terminal.keys("Enter")
    screen = terminal.wait_for(lambda s: "Taken (" in s, "the take to be recorded")
    assert "◆" in screen
    # A accepts the first pull request's suggestion: a review request, confirmed first. The plan
    # says what the (demo) forge will do and that it is not a dry run.
    terminal.keys("3")
    terminal.keys("g")
    terminal.keys("A")
    terminal.wait_for(
        lambda s: "What will happen" in s and "request a review" in s and "for real" in s,
        "the confirmation",
    )
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Delegated (ask-review)" in s, "the accepted suggestion")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive(), "q did not quit"
