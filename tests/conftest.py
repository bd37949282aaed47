"""Keeps the developer's machine out of every test: temp dirs, no real config, no real token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

_SECRETS = ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GLUETUI_CONFIG", "GLUETUI_DATA_DIR")
#: No test may start the developer's browser (``o``): no display, no $BROWSER.
_BROWSER = ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fresh XDG dirs and data dir per test; tokens and config overrides removed."""
    for name in (*_SECRETS, *_BROWSER):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    for sub, var in (
        ("config", "XDG_CONFIG_HOME"),
        ("data", "XDG_DATA_HOME"),
        ("cache", "XDG_CACHE_HOME"),
        ("state", "XDG_STATE_HOME"),
    ):
        (home / sub).mkdir(parents=True)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GLUETUI_DATA_DIR", str(home / "data" / "gluetui"))
    yield home
