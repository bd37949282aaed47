"""The one place that decides where gluetui's files live.

Order for the config: ``--config`` on the command line, then ``GLUETUI_CONFIG``, then the
platformdirs user config dir. The store lives in the platformdirs user data dir unless
``GLUETUI_DATA_DIR`` points elsewhere (tests and throw-away demo runs use that).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "gluetui"


def config_candidates(cli_path: str | os.PathLike[str] | None = None) -> list[tuple[str, Path]]:
    """Where the config is looked for, in order, each with the reason (for ``gluetui config path``)."""
    found: list[tuple[str, Path]] = []
    if cli_path:
        found.append(("--config", Path(cli_path).expanduser()))
    env = os.environ.get("GLUETUI_CONFIG")
    if env:
        found.append(("GLUETUI_CONFIG", Path(env).expanduser()))
    found.append(("user config dir", Path(platformdirs.user_config_dir(APP)) / "config.toml"))
    return found


def config_path(cli_path: str | os.PathLike[str] | None = None) -> Path:
    """The config file that applies: the first candidate (an explicit choice wins even if missing)."""
    return config_candidates(cli_path)[0][1]


def data_dir() -> Path:
    """The directory of the store and other state."""
    env = os.environ.get("GLUETUI_DATA_DIR")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP))


def store_path() -> Path:
    """The SQLite store file."""
    return data_dir() / "gluetui.sqlite3"
