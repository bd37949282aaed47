"""``o`` says what happened: gluetui.browser runs the browser webbrowser picks and reports it."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path

import pytest

from gluetui import browser

URL = "https://github.com/acme/api/pull/7"


def _use(monkeypatch: pytest.MonkeyPatch, controller: webbrowser.BaseBrowser | None) -> None:
    def get(using: str | None = None) -> webbrowser.BaseBrowser:
        if controller is None:
            raise webbrowser.Error("could not locate runnable browser")
        return controller

    monkeypatch.setattr(webbrowser, "get", get)


def test_no_browser_is_said_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, None)
    opened = browser.open_url(URL)
    assert not opened.ok
    assert opened.message == "No web browser is available (no graphical display here)."


def test_a_terminal_browser_is_not_run_under_the_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, webbrowser.GenericBrowser(["/usr/bin/w3m", "%s"]))
    opened = browser.open_url(URL)
    assert not opened.ok and "w3m" in opened.message and "take over" in opened.message


def _script(tmp_path: Path, code: str) -> list[str]:
    """A stand-in browser: records its argv, then runs ``code``."""
    log = tmp_path / "argv.txt"
    body = f"import sys; open({str(log)!r}, 'w').write(repr(sys.argv[1:])); {code}"
    return [sys.executable, "-c", body, "%s"]


def test_a_launcher_that_worked_opened_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _use(monkeypatch, webbrowser.BackgroundBrowser(_script(tmp_path, "sys.exit(0)")))
    opened = browser.open_url(URL)
    assert opened.ok and opened.message.startswith("Opened with ")
    # The URL is one argv item, never a shell string.
    assert (tmp_path / "argv.txt").read_text() == repr([URL])


def test_a_launcher_that_failed_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _use(monkeypatch, webbrowser.BackgroundBrowser(_script(tmp_path, "sys.exit(3)")))
    opened = browser.open_url(URL)
    assert not opened.ok and opened.message.endswith("could not open it (exit status 3).")


def test_a_browser_still_running_was_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _use(monkeypatch, webbrowser.GenericBrowser(_script(tmp_path, "import time; time.sleep(5)")))
    opened = browser.open_url(URL, wait=0.5)
    assert opened.ok and opened.message.startswith("Asked ") and opened.message.endswith("open it.")
