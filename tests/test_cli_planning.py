"""`gluetui capacity` and `gluetui report`: formats that parse back, exit codes, the demo history."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from gluetui.cli import main
from gluetui.events import EventAction
from gluetui.report import parse_markdown_table
from gluetui.store import Store

CONFIG = """
[capacity]
sprint_start = 2026-11-23
sprint_days = 14
hours_per_sprint = 4
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_capacity_demo_json_has_budget_and_queue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "capacity", "--demo", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["budget_hours"] == 8
    # The demo history takes one PR this sprint and carries one unfinished item over.
    assert data["self_hours"] > 0
    assert data["carry_over_hours"] == 2
    assert data["queued"]["items"] >= 50
    assert {b["name"] for b in data["queued"]["by_kind"]} == {
        "stale_doc",
        "broken_ci",
        "unreviewed_pr",
        "flaky_test",
    }


def test_capacity_toml_and_markdown_parse_back(capsys: pytest.CaptureFixture[str]) -> None:
    _, as_json, _ = _run(capsys, "capacity", "--demo", "--format", "json")
    _, as_toml, _ = _run(capsys, "capacity", "--demo", "--format", "toml")
    _, as_md, _ = _run(capsys, "capacity", "--demo", "--format", "markdown")
    _, as_table, _ = _run(capsys, "capacity", "--demo")
    parsed = tomllib.loads(as_toml)
    assert parsed["queued"] == json.loads(as_json)["queued"]
    metrics = dict(parse_markdown_table(as_md, "Metric"))
    assert metrics["Remaining"] == f"{json.loads(as_json)['remaining_hours']:g} h"
    assert "Remaining" in as_table and "Queued by kind" in as_table


def test_capacity_next_sprint_starts_after_the_current_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, now, _ = _run(capsys, "capacity", "--demo", "--format", "json")
    _, nxt, _ = _run(capsys, "capacity", "--demo", "--sprint", "next", "--format", "json")
    # ``end`` is the sprint's last day (inclusive): the next sprint starts the day after.
    last = date.fromisoformat(json.loads(now)["end"])
    assert json.loads(nxt)["start"] == (last + timedelta(days=1)).isoformat()
    assert json.loads(nxt)["sprint"] == "next"


def test_capacity_exit_code_9_when_over_committed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    monkeypatch.setenv("GLUETUI_DATA_DIR", str(tmp_path))
    from gluetui import paths

    store_path = paths.store_path()
    with Store.open(store_path) as store:
        store.record(
            "github.com/acme/api#broken_ci/CI",
            EventAction.TAKEN,
            at=datetime.now(UTC),
            hours=6,
            data={"title": "CI is failing on main"},
        )
    code, out, _ = _run(capsys, "--config", str(config), "capacity", "--format", "json")
    assert code == 9
    assert json.loads(out)["remaining_hours"] < 0


def test_capacity_without_config_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "--config", str(tmp_path / "missing.toml"), "capacity")
    assert code == 3
    assert "gluetui init" in err or "missing.toml" in err


def test_report_demo_markdown_lists_finished_and_delegated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "report", "--demo")
    assert code == 0
    finished = parse_markdown_table(out, "Item")
    assert any("Nightly is failing on main" in cell for row in finished for cell in row)
    assert "copilot-fix" in out


def test_report_json_respects_since(capsys: pytest.CaptureFixture[str]) -> None:
    _, wide, _ = _run(capsys, "report", "--demo", "--format", "json", "--since", "60d")
    _, narrow, _ = _run(capsys, "report", "--demo", "--format", "json", "--since", "1w")
    assert len(json.loads(wide)["work"]) > len(json.loads(narrow)["work"])


@pytest.mark.parametrize("since", ["yesterday", "14x", "2026-13-01"])
def test_report_bad_since_is_a_usage_error(capsys: pytest.CaptureFixture[str], since: str) -> None:
    code, _, err = _run(capsys, "report", "--demo", "--since", since)
    assert code == 2
    assert "--since" in err and "14d" in err


def test_config_check_catches_unknown_template_placeholders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[automations.agent]\nkind = "github.create_issue"\nfits = ["stale_doc"]\n'
        'title = "Refresh {path} in {repo}"\n'
    )
    code, _, err = _run(capsys, "config", "check", str(config))
    assert code == 3
    assert "automations.agent" in err and "{path}" in err and "{file}" in err


def test_readme_toml_examples_are_valid_configs() -> None:
    import re

    from gluetui.config.loader import load_config_text
    from gluetui.delegate.plan import check_templates

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    for block in blocks:
        cfg = load_config_text(block, "README.md")
        for name, automation in cfg.automations.items():
            check_templates(name, automation)


def test_items_refresh_exits_with_the_failed_sources_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "gh"\nkind = "github"\nrepos = ["acme/api"]\n')
    code, out, err = _run(capsys, "--config", str(config), "items", "--refresh")
    assert code == 6  # AuthError: no token anywhere
    assert "No token for source 'gh'" in err and "GITHUB_TOKEN" in err
    assert "Traceback" not in err and "refresh of" not in err
    # Not "No glue work found.": nothing was looked at (issue 16).
    assert "No glue work found." not in out
    assert out == (
        "No items to show: the refresh of gh failed (see above) and nothing was stored from it "
        "before.\n"
    )
    # The stored snapshot (no refresh) says the same, with the reason.
    code, out, _ = _run(capsys, "--config", str(config), "items")
    assert code == 0 and "No glue work found." not in out
    assert out.startswith(
        "No items to show: the last refresh of gh failed (No token for source 'gh')"
    )
    assert out.rstrip().endswith("Fix it, then run `gluetui items --refresh`.")


def test_no_glue_work_found_only_when_the_refresh_worked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from gluetui import paths

    now = datetime.now(UTC)
    with Store.open(paths.store_path()) as store:
        store.save_snapshot("gh", [], at=now)
        store.sync_finished(store.sync_started("gh", at=now), at=now, ok=True)
    code, out, _ = _run(capsys, "items")
    assert (code, out) == (0, "No glue work found.\n")


def test_the_demo_does_not_forecast_a_flood_from_its_first_refresh(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 16: "Incoming glue work outpaces the budget" fired on the demo, whose every item is
    new to a store that has watched for a moment. The backlog found is the queue, not incoming."""
    _, table, _ = _run(capsys, "capacity", "--demo")
    data = json.loads(_run(capsys, "capacity", "--demo", "--format", "json")[1])
    assert "outpaces" not in table and not any("outpaces" in w for w in data["warnings"])
    assert data["forecast"]["known"] is False and data["forecast"]["items_per_week"] == 0
    assert "no forecast until " in table
