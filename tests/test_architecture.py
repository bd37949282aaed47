"""The headless core never imports Textual; `items --json` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "gluetui.cli",
    "gluetui.config",
    "gluetui.config_schema",
    "gluetui.model",
    "gluetui.records",
    "gluetui.store",
    "gluetui.triage",
    "gluetui.factory",
    "gluetui.sync",
    "gluetui.budget",
    "gluetui.capacity",
    "gluetui.detect.run",
    "gluetui.forges.demo",
    "gluetui.forges.github",
    "gluetui.forges.gitlab",
    "gluetui.textsafe",
    "gluetui.delegate",
    "gluetui.report",
    "gluetui.demo_history",
    "gluetui.events",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_items_json_path_imports_neither_textual_nor_pydantic(tmp_path: object) -> None:
    code = (
        "import sys\n"
        "from gluetui import cli\n"
        "try:\n    cli.main(['items', '--json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('textual', 'pydantic', 'httpx', 'github', 'gitlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
