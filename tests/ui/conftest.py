from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_fakes import runtime

from gluetui.factory import Runtime


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    r = runtime(tmp_path)
    yield r
    r.close()


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time; tests pin it to UTC so screens are the same everywhere."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
