"""The UI and CLI measurements: first paint, key-press redraw, peak RSS, ``gluetui items --json`` startup.

Each measurement runs in a child process (``python -m bench.ui_bench --child ...``), so start-up
costs, imports and peak RSS are that process's own. Everything is defensive: while
``gluetui.ui.app.make_app`` or ``gluetui.store`` is missing, a measurement returns a "skipped: ..."
string instead of a number.

* first paint: a stored snapshot of 10,000 items, the dashboard run headless (Textual's
  ``run_test``) until its first idle frame, against a bare Textual app with one empty DataTable;
* key press to redraw: p50/p95 of ``press("down")`` plus the following idle frame, 100 presses;
* peak RSS of the dashboard process (``ru_maxrss``);
* ``gluetui items --json`` on the same snapshot against ``python -c pass``, median of 5.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.fakeforge.model import ANCHOR

ROOT = Path(__file__).resolve().parents[1]
N_ITEMS = 10_000


def make_snapshot(data_dir: Path, n_items: int = N_ITEMS) -> Path:
    """A store under ``data_dir`` holding ``n_items`` items of every kind (source ``bench``)."""
    from gluetui import paths
    from gluetui.model import Evidence, Item, Kind, make_item_id
    from gluetui.store import Store

    before = os.environ.get("GLUETUI_DATA_DIR")
    os.environ["GLUETUI_DATA_DIR"] = str(data_dir)
    try:
        path = paths.store_path()
    finally:
        if before is None:
            del os.environ["GLUETUI_DATA_DIR"]
        else:
            os.environ["GLUETUI_DATA_DIR"] = before
    kinds = list(Kind)
    items = []
    for i in range(n_items):
        kind = kinds[i % len(kinds)]
        repo = f"bench-org/repo-{i % 500:04d}"
        items.append(
            Item(
                id=make_item_id("github.com", repo, kind, str(i)),
                kind=kind,
                source="bench",
                host="github.com",
                repo=repo,
                title=f"Synthetic {kind.value} item {i}",
                url=f"https://github.com/{repo}/pull/{i}",
                since=ANCHOR - timedelta(hours=i % 900),
                updated_at=ANCHOR - timedelta(hours=i % 90),
                author="alice",
                evidence=(Evidence("why", f"synthetic evidence {i}"),),
                impact=float(i % 97),
                effort_hours=0.5 + (i % 8) / 2,
            )
        )
    with Store.open(path) as store:
        store.save_snapshot("bench", items, at=ANCHOR)
    return path


# -- child side -----------------------------------------------------------------------------------


async def _paint(app: Any, presses: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - t0
        timings = []
        for _ in range(presses):
            k0 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            timings.append(time.perf_counter() - k0)
    out: dict[str, Any] = {"first_paint_s": first, "first_paint_at": t0 + first}
    if timings:
        timings.sort()
        out["key_p50_ms"] = 1000 * statistics.median(timings)
        out["key_p95_ms"] = 1000 * timings[int(0.95 * (len(timings) - 1))]
    return out


def _child(kind: str, store_path: str, presses: int, started: float) -> dict[str, Any]:
    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import DataTable

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield DataTable()

        result = asyncio.run(_paint(Bare(), presses))
    else:
        from gluetui.config_schema import Config, SourceConfig
        from gluetui.factory import Runtime
        from gluetui.store import Store

        source = SourceConfig(name="bench", kind="github", orgs=["bench-org"])
        rt = Runtime(
            config=Config(sources=[source]),
            forges=[],
            store=Store.open(Path(store_path)),
            clock=lambda: ANCHOR,
        )
        try:
            make_app = importlib.import_module("gluetui.ui.app").make_app
            result = asyncio.run(_paint(make_app(rt), presses))
        finally:
            rt.close()
    # Imports included: what a user waits for after pressing enter (minus interpreter start-up).
    result["since_main_s"] = result.pop("first_paint_at") - started
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# -- parent side ----------------------------------------------------------------------------------


def _run_child(kind: str, store: Path, presses: int) -> dict[str, Any] | str:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.ui_bench",
            "--child",
            kind,
            "--store",
            str(store),
            "--presses",
            str(presses),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "GLUETUI_DATA_DIR": str(store.parent)},
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"skipped: {tail[:200]}"
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def _median_wall(argv: list[str], env: dict[str, str], runs: int = 5) -> float | str:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            return f"skipped: {(proc.stderr.strip().splitlines() or ['failed'])[-1][:200]}"
    return statistics.median(times)


def run_all(n_items: int = N_ITEMS, presses: int = 100) -> dict[str, Any]:
    """Every UI/CLI measurement; values are numbers or "skipped: why" strings."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gluetui-uibench-") as tmp:
        data_dir = Path(tmp) / "data"
        try:
            store = make_snapshot(data_dir, n_items)
        except Exception as exc:  # the store is being written by others: report, don't crash
            return {"snapshot": f"skipped: gluetui.store unavailable ({type(exc).__name__}: {exc})"}
        out["snapshot_items"] = n_items
        bare = _run_child("bare", store, 0)
        app = _run_child("gluetui", store, presses)
        if isinstance(bare, dict):
            out["bare_first_paint_s"] = round(bare["first_paint_s"], 3)
            out["bare_first_paint_with_imports_s"] = round(bare["since_main_s"], 3)
            out["bare_peak_rss_mb"] = round(bare["peak_rss_mb"], 1)
        else:
            out["bare_first_paint_s"] = bare
        if isinstance(app, dict):
            out["gluetui_first_paint_s"] = round(app["first_paint_s"], 3)
            out["gluetui_first_paint_with_imports_s"] = round(app["since_main_s"], 3)
            out["gluetui_key_p50_ms"] = round(app.get("key_p50_ms", 0.0), 1)
            out["gluetui_key_p95_ms"] = round(app.get("key_p95_ms", 0.0), 1)
            out["gluetui_peak_rss_mb"] = round(app["peak_rss_mb"], 1)
            if isinstance(bare, dict) and bare["first_paint_s"]:
                out["first_paint_ratio"] = round(app["first_paint_s"] / bare["first_paint_s"], 2)
        else:
            out["gluetui_first_paint_s"] = app
        env = {**os.environ, "GLUETUI_DATA_DIR": str(data_dir)}
        items = _median_wall([sys.executable, "-m", "gluetui", "items", "--json"], env)
        bare_py = _median_wall([sys.executable, "-c", "pass"], env)
        out["items_json_startup_s"] = round(items, 3) if isinstance(items, float) else items
        out["python_c_pass_s"] = round(bare_py, 3) if isinstance(bare_py, float) else bare_py
    return out


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m bench.ui_bench", description=__doc__)
    parser.add_argument("--child", choices=("bare", "gluetui"))
    parser.add_argument("--store", default="")
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--items", type=int, default=N_ITEMS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.store, args.presses, started)))
        return 0
    for key, value in run_all(args.items, args.presses).items():
        print(f"{key:>34}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
