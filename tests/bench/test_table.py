"""The README's performance table is what the committed benchmark results say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.table import END, START, replace_section, rows, table

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESULTS / name).read_text(encoding="utf-8"))
    return data


def test_the_readme_table_is_written_from_the_committed_results() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = table(_load("run.json"), _load("ui.json"))
    assert f"{START}\n{section}\n{END}" in readme, (
        "README's performance table differs from bench/results: run `python -m bench.table "
        "bench/results/run.json bench/results/ui.json --write README.md`"
    )


def test_the_results_hold_every_figure_the_issue_names() -> None:
    run, ui = _load("run.json"), _load("ui.json")
    for data in (run, ui):
        assert data["date"] and data["command"] and data["machine"]["cores"]
    sizes = {r["n"] for r in run["rows"]}
    assert 500 in sizes and {o["n"] for o in run["org"]} >= {5000}
    for row in [*run["rows"], *run["org"]]:
        for when in ("cold", "warm"):
            assert {"requests", "graphql", "graphql_points", "wall_s", "cpu_s"} <= set(row[when])
    for key in (
        "first_shown_frame_s",
        "bare_first_shown_frame_s",
        "key_p95_ms_idle",
        "key_p95_ms_refresh",
        "rss_mb_idle",
        "rss_mb_refresh_peak",
        "items_json_s",
        "python_pass_s",
    ):
        assert isinstance(ui["ui"][key], int | float), key


def _cold(n: int, **kw: Any) -> dict[str, Any]:
    cold = {
        "requests": n // 25,
        "graphql": n // 25,
        "rest": 0,
        "graphql_points": n // 2,
        "rest_points": 0,
        "graphql_rounds": 2,
        "wall_s": 3.0,
        "cpu_s": 0.5,
        "repos": n,
        "repo_errors": 0,
        "budget": {},
    }
    cold.update(kw)
    return cold


def test_a_miss_says_no_and_a_missing_figure_says_so() -> None:
    run = {
        "rows": [
            {"n": 500, "cold": _cold(500, wall_s=9.5), "warm": {"requests": 11}},
        ],
        "org": [
            {
                "n": 5000,
                "cold": _cold(5000, repos=4999, budget={"graphql_max_points_per_hour": 5200}),
                "warm": {"requests": 50},
            }
        ],
    }
    ui = {"ui": {"first_shown_frame_s": 0.2, "first_shown_frame_ratio": "skipped: no tmux"}}
    got = {target.split(":")[0]: (measured, met) for target, measured, met in rows(run, ui)}
    assert got["cold GitHub, 500 repos, 100 ms a request"][1] == "**no**"  # 9.5 s > 8 s
    assert "4,999 of 5,000 listed" in got["cold refresh at org scale, N = 5,000"][0]
    assert got["cold refresh at org scale, N = 5,000"][1] == "**no**"
    assert got["unchanged refresh"][1] == "**no**"  # 11 > 500/50
    first = next(v for k, v in got.items() if k.startswith("first frame"))
    assert first[1] == "**no**" and "skipped: no tmux" in first[0]
    peak = next(v for k, v in got.items() if k.startswith("peak RSS"))
    assert "not measured" in peak[0] and peak[1] == "**no**"


def test_replace_section_needs_the_markers() -> None:
    assert replace_section(f"a\n{START}\nold\n{END}\nb", "new") == f"a\n{START}\nnew\n{END}\nb"
    with pytest.raises(ValueError):
        replace_section("no markers here", "new")
