from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gluetui.store import Store


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "gluetui.sqlite3"


@pytest.fixture
def store(store_file: Path) -> Iterator[Store]:
    with Store.open(store_file) as opened:
        yield opened
