"""The command line: exit codes, messages, JSON shape, demo items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gluetui import __version__
from gluetui.cli import main
from gluetui.model import Kind

REPO = Path(__file__).resolve().parents[1]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_items_demo_json_lists_all_four_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["items", "--demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == {k.value for k in Kind}
    assert len(data["items"]) >= 50
    first = data["items"][0]
    for key in (
        "id",
        "kind",
        "source",
        "repo",
        "title",
        "url",
        "evidence",
        "impact",
        "effort_hours",
    ):
        assert key in first
    assert all(item["evidence"] for item in data["items"])


def test_items_demo_kind_filter_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["items", "--demo", "--kind", "broken_ci"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["KIND", "REPO", "TITLE"]
    assert all(line.startswith("broken_ci") for line in lines[1:])
    assert "\x1b" not in out


def test_items_json_output_has_no_raw_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["items", "--demo", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert out.isascii()


def test_items_without_snapshot_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["items"]) == 1
    err = capsys.readouterr().err
    assert "No stored snapshot" in err and "--refresh" in err
    assert "Traceback" not in err


def test_items_reads_the_stored_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    from gluetui.factory import build_runtime
    from gluetui.paths import store_path
    from gluetui.sync import sync_all

    rt = build_runtime(demo=True, store_path=store_path())
    asyncio.run(sync_all(rt))
    rt.close()
    assert main(["items", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["items"]) >= 50


def test_dashboard_without_config_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([])
    err = capsys.readouterr().err
    assert code == 3
    assert "gluetui init" in err and "gluetui demo" in err


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "gluetui --help" in capsys.readouterr().err


def test_config_path_lists_candidates(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GLUETUI_CONFIG", str(tmp_path / "env.toml"))
    assert main(["config", "path"]) == 0
    out = capsys.readouterr().out
    assert "GLUETUI_CONFIG" in out and str(tmp_path / "env.toml") in out


def test_config_check_example_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(REPO / "config.example.toml")]) == 0
    assert "OK" in capsys.readouterr().out


def test_config_check_typo_names_key_and_suggestion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("refresh_minuts = 5\n")
    assert main(["config", "check", str(bad)]) == 3
    err = capsys.readouterr().err
    assert "refresh_minuts" in err and "refresh_minutes" in err
    assert "Traceback" not in err


def test_init_writes_a_config_that_checks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "cfg" / "config.toml"
    assert main(["init", "--path", str(target)]) == 0
    assert target.exists()
    assert main(["config", "check", str(target)]) == 0
    assert main(["init", "--path", str(target)]) == 3  # refuses to overwrite
    assert "--force" in capsys.readouterr().err


def test_python_dash_m_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "gluetui", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("gluetui ")


def test_dashboard_demo_opens_the_demo_organisation(monkeypatch: pytest.MonkeyPatch) -> None:
    """`gluetui dashboard --demo` is `gluetui demo` (the README's walk-throughs use both)."""
    from gluetui import cli

    opened: list[bool] = []
    monkeypatch.setattr(cli, "_dashboard", lambda args, *, demo: opened.append(demo) or 0)
    assert cli.main(["dashboard", "--demo"]) == 0
    assert cli.main(["demo"]) == 0
    assert cli.main(["dashboard"]) == 0
    assert opened == [True, True, False]
