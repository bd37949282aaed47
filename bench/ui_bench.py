"""The UI and CLI measurements: first paint, key-press redraw, peak RSS, ``gluetui items --json`` startup.

Each measurement runs in a child process (``python -m bench.ui_bench --child ...``), so start-up
costs, imports and peak RSS are that process's own. Everything is defensive: while
``gluetui.ui.app.make_app`` or ``gluetui.store`` is missing, a measurement returns a "skipped: ..."
string instead of a number.

* first paint: a stored snapshot of 10,000 items, the dashboard run headless (Textual's
  ``run_test``) until the first frame that shows rows, against the first frame of a bare Textual
  app with one empty DataTable (frames are timed where the app hands them to the terminal
  driver: layout and compositing done, only the write skipped); the dashboard's first frame
  without rows is printed too;
* key press to redraw: a key event sent to the app, until the next frame, p50/p95 over 100
  presses with the app settled in between (Pilot's ``press`` itself sleeps 40+ ms waiting for
  idle, so it cannot time this); then again while a refresh runs: gluetui's real refresh
  (``sync_source``: detectors, store) of a fake forge that waits like network round trips and
  then returns the demo organisation's repositories copied until detection finds ~10,000 items
  (:class:`_DemoAtScale`), followed by the screen's own reload and redraw;
* peak RSS of the dashboard process (``ru_maxrss``), before the refresh and overall;
* ``gluetui items --json`` on the same snapshot against ``python -c pass``, median of 5.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.fakeforge.model import ANCHOR

ROOT = Path(__file__).resolve().parents[1]
N_ITEMS = 10_000


def make_snapshot(data_dir: Path, n_items: int = N_ITEMS) -> Path:
    """A store under ``data_dir`` holding ``n_items`` items of every kind (source ``bench``)."""
    from gluetui import paths
    from gluetui.budget import SprintBudget
    from gluetui.model import Evidence, Item, Kind, Route, Suggestion, make_item_id
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
                # Every item carries a suggested route, as a refresh stores it: half delegate,
                # a quarter take (so the budget pass has work), a quarter leave.
                suggestion=_suggestion(i, 0.5 + (i % 8) / 2, Route, Suggestion),
            )
        )
    with Store.open(path) as store:
        store.save_snapshot("bench", items, at=ANCHOR)
        # The sprint settings a run with a config keeps: `items --json` applies the budget.
        store.set_setting(SprintBudget.SETTING, SprintBudget(ANCHOR.date(), 14, 8.0).to_text())
    return path


def _suggestion(i: int, effort: float, route: Any, suggestion: Any) -> Any:
    if i % 4 in (0, 1):
        return suggestion(route.DELEGATE, f"synthetic routine {i}", "rerun", 0.1)
    if i % 4 == 2:
        return suggestion(route.TAKE, f"synthetic judgment {i}", "", effort)
    return suggestion(route.LEAVE, f"synthetic not mine {i}")


# -- child side -----------------------------------------------------------------------------------


def bare_app(rows: int = N_ITEMS) -> Any:
    """The yardstick: a bare Textual app showing one DataTable of ``rows`` rows."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("repo", "kind", "title", "impact", "age")
            table.add_rows(
                (f"bench-org/repo-{i % 500:04d}", "pr", f"Row {i}", str(i % 97), f"{i % 900}h")
                for i in range(rows)
            )

    return Bare()


def _shows_rows(app: Any) -> bool:
    """Whether some table on the current screen holds rows (the snapshot has arrived)."""
    return any(getattr(w, "row_count", 0) > 0 for w in app.screen.query("*"))


def _refreshing(app: Any) -> bool:
    return any(not w.is_finished for w in app.workers if (w.name or "").startswith("sync:"))


class _Frames:
    """Wraps ``app._display`` (called with each rendered update) to timestamp the frames a
    terminal would be sent.

    Textual skips an update made while a batch is open (``_batch_count``: the start-up batch,
    a ``batch_update``) and, headless, the write itself. A frame counts here only when Textual
    would have written it, and its terminal bytes are rendered (``render_segments``, the cost
    of the write but the syscall), so a frame's time is when a terminal would get it.
    """

    def __init__(self, app: Any, want_rows: bool) -> None:
        self.app = app
        self.times: list[float] = []
        self.first: float | None = None
        #: Updates Textual made inside a batch (never shown).
        self.batched = 0
        self.want_rows = want_rows
        self._display = app._display
        app._display = self._hook

    def _hook(self, screen: Any, renderable: Any) -> None:
        self._display(screen, renderable)
        if renderable is None:
            return
        if self.app._batch_count:
            self.batched += 1
            return
        render = getattr(renderable, "render_segments", None)
        if render is not None:
            render(self.app.console)
        now = time.perf_counter()
        self.times.append(now)
        if self.first is None and (not self.want_rows or _shows_rows(self.app)):
            self.first = now

    async def key_latency(self, key: str) -> float:
        """Seconds from a key event entering the app to the next frame on screen."""
        from textual import events

        app = self.app
        n = len(self.times)
        event = events.Key(key, None)
        event.set_sender(app)
        k0 = time.perf_counter()
        app._driver.send_message(event)
        while len(self.times) == n and time.perf_counter() - k0 < 5:
            await asyncio.sleep(0.0005)
        return (self.times[n] if len(self.times) > n else time.perf_counter()) - k0


def _percentiles(prefix: str, timings: list[float]) -> dict[str, float]:
    if not timings:
        return {}
    timings = sorted(timings)
    return {
        f"{prefix}_p50_ms": 1000 * statistics.median(timings),
        f"{prefix}_p95_ms": 1000 * timings[int(0.95 * (len(timings) - 1))],
        f"{prefix}_max_ms": 1000 * timings[-1],
        f"{prefix}_n": float(len(timings)),
    }


async def _paint(app: Any, presses: int, *, want_rows: bool, busy: Any = None) -> dict[str, Any]:
    """First paint (with rows, when ``want_rows``), then key latencies idle and during a refresh.

    Between presses the app settles (not timed), so each latency is one key's own: event in,
    handlers, layout, compositing, until the frame that shows the moved cursor.
    """
    frames = _Frames(app, want_rows)
    t0 = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        while frames.first is None and time.perf_counter() - t0 < 30:
            await asyncio.sleep(0.0005)
        first = (frames.first or time.perf_counter()) - t0
        out: dict[str, Any] = {
            "first_paint_s": first,
            "first_paint_at": t0 + first,
            "batched": frames.batched,
        }
        out["first_frame_s"] = (frames.times[0] if frames.times else t0 + first) - t0
        await pilot.pause()
        idle = []
        for n in range(presses):
            await pilot.pause()
            idle.append(await frames.key_latency("up" if n % 10 == 9 else "down"))
        out.update(_percentiles("key", idle))
        # The peak so far: snapshot loaded and on screen, before any refresh.
        out["rss_before_refresh_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if busy is not None and presses:
            await pilot.pause()
            await pilot.press("r")
            during: list[float] = []
            # Until the refreshed snapshot is on screen: the worker also reloads and redraws.
            while (busy.running() or _refreshing(app)) and len(during) < 10 * presses:
                during.append(await frames.key_latency("down"))
                await asyncio.sleep(0.01)
            out.update(_percentiles("key_busy", during))
            await app.workers.wait_for_complete()
    return out


class _DemoAtScale:
    """The forge of the refresh-time measurement, refreshed by gluetui's real ``sync_source``.

    It waits like network round trips (sleeps, with JSON parsing in a worker thread between
    them, as the HTTP clients do), then hands over the demo organisation's repositories copied
    ``copies`` times under new names, so the real detectors find about 10,000 items, which the
    real store saves; the screen then reloads and redraws the snapshot as after any refresh.
    """

    #: The demo's GitHub source yields 57 items per copy of its repositories: 176 copies ≈ 10,000.
    COPIES = 176

    def __init__(self, name: str, seconds: float = 2.0) -> None:
        from gluetui.forges.demo.forge import demo_forges

        self._demo = demo_forges(ANCHOR)[0]
        self.name = name
        self.host = self._demo.host
        self.dialect = self._demo.dialect  # its items' suggested routes pick GitHub automations
        self.rate_limits: tuple[Any, ...] = ()
        self.seconds = seconds
        self.saved = 0
        self._running = False

    def running(self) -> bool:
        return self._running

    async def fetch(self, now: Any, progress: Any = None) -> Any:
        from dataclasses import replace

        self._running = True
        try:
            steps = max(1, round(self.seconds / 0.1))
            for step in range(1, steps + 1):
                await asyncio.sleep(0.1)  # a round trip
                await asyncio.to_thread(_parse_payload, step)  # its parsing, off the UI thread
                if progress is not None:
                    progress(step, steps, "bench-org")
            data = await self._demo.fetch(now)
            repos = tuple(
                replace(rd, repo=replace(rd.repo, full_name=f"{rd.repo.full_name}-{k:03d}"))
                for k in range(self.COPIES)
                for rd in data.repos
            )
            return replace(data, source=self.name, repos=repos)
        finally:
            self._running = False


def _parse_payload(step: int) -> int:
    payload = json.dumps(
        [{"n": n, "title": f"pull {n} of {step}", "labels": ["a"] * 3} for n in range(400)]
    )
    return len(json.loads(payload))


def _child(kind: str, store_path: str, presses: int, started: float) -> dict[str, Any]:
    if kind == "bare":
        result = asyncio.run(_paint(bare_app(), presses, want_rows=True))
    elif kind == "empty":
        # The old yardstick: one empty DataTable (what the dashboard's chrome costs, no rows).
        result = asyncio.run(_paint(bare_app(0), presses, want_rows=False))
    else:
        from gluetui.config.schema import Config, SourceConfig
        from gluetui.factory import Runtime
        from gluetui.store import Store

        source = SourceConfig(name="bench", kind="github", orgs=["bench-org"])
        busy = _DemoAtScale("bench")
        rt = Runtime(
            config=Config(sources=[source]),
            forges=[busy],  # type: ignore[list-item]
            store=Store.open(Path(store_path)),
            clock=lambda: ANCHOR,
        )
        try:
            make_app = importlib.import_module("gluetui.ui.app").make_app
            app = make_app(rt, refresh_on_start=False)
            result = asyncio.run(_paint(app, presses, want_rows=True, busy=busy))
            if presses:
                # Counted, not loaded: loading 10,000 items here would be the bench's own peak.
                result["refresh_saved_items"] = sum(rt.store.count_by_kind().values())
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


def _config(data_dir: Path) -> Path:
    """A config for the dashboard in tmux: one GitHub source (its refresh fails at once: nothing
    listens on port 9 of 127.0.0.1, and the rows are on screen long before it is tried)."""
    path = data_dir.parent / "config.toml"
    path.write_text(
        '[[sources]]\nname = "bench"\nkind = "github"\nurl = "https://127.0.0.1:9/api/v3"\n'
        'token_env = "GLUETUI_BENCH_TOKEN"\norgs = ["bench-org"]\n',
        encoding="utf-8",
    )
    return path


_TMUX_RUNS = 0


def _tmux_rows(argv: list[str], env: dict[str, str], marker: str) -> float | str:
    """Seconds from starting ``argv`` in a real terminal (a tmux pane, 160x50) until ``marker``
    shows on it: process start, imports, the app's first frame, the terminal's drawing.

    The pane first runs a shell that waits for Enter, so tmux's own start is not counted. The
    tmux server runs on a socket of its own and is stopped by its PID.
    """
    tmux = shutil.which("tmux")
    if tmux is None:
        return "skipped: tmux not found"
    global _TMUX_RUNS
    _TMUX_RUNS += 1
    sock = f"gluetui-bench-{os.getpid()}-{_TMUX_RUNS}"  # a fresh server each run
    base = [tmux, "-L", sock, "-f", "/dev/null"]
    shell = "printf READY; read _; exec " + " ".join(shlex.quote(a) for a in argv)
    started = subprocess.run(
        [*base, "new-session", "-d", "-x", "160", "-y", "50", "-s", "b", "sh", "-c", shell],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if started.returncode != 0:
        return f"skipped: tmux: {started.stderr.strip()[:200]}"
    pid_line = subprocess.run(
        [*base, "display-message", "-p", "#{pid}"], capture_output=True, text=True, check=False
    ).stdout.strip()

    def pane() -> str:
        return subprocess.run(
            [*base, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True, check=False
        ).stdout

    try:
        deadline = time.perf_counter() + 30
        while "READY" not in pane():
            if time.perf_counter() > deadline:
                return "skipped: the tmux pane did not start"
            time.sleep(0.01)
        t0 = time.perf_counter()
        subprocess.run([*base, "send-keys", "-t", "b", "Enter"], check=False)
        while marker not in pane():
            if time.perf_counter() - t0 > 30:
                return "skipped: no rows on screen within 30 s"
            time.sleep(0.005)
        return time.perf_counter() - t0
    finally:
        if pid_line.isdigit():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid_line), signal.SIGTERM)
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        with contextlib.suppress(OSError):
            (socket_dir / sock).unlink()


def _median(values: list[Any]) -> float | str:
    numbers = [v for v in values if isinstance(v, float | int)]
    if not numbers:
        return next((v for v in values if isinstance(v, str)), "skipped: not measured")
    return round(statistics.median(numbers), 3)


def run_all(n_items: int = N_ITEMS, presses: int = 100, repeat: int = 3) -> dict[str, Any]:
    """Every UI/CLI measurement (medians of ``repeat`` runs); values are numbers or "skipped:
    why" strings. Bare and gluetui runs alternate, so both see the same machine load."""
    out: dict[str, Any] = {"snapshot_items": n_items, "repeat": repeat}
    with tempfile.TemporaryDirectory(prefix="gluetui-uibench-") as tmp:
        data_dir = Path(tmp) / "data"
        try:
            store = make_snapshot(data_dir, n_items)
        except Exception as exc:  # the store is being written by others: report, don't crash
            return {"snapshot": f"skipped: gluetui.store unavailable ({type(exc).__name__}: {exc})"}
        # First, while the snapshot is the synthetic one (the dashboard's refresh replaces it).
        env = {**os.environ, "GLUETUI_DATA_DIR": str(data_dir)}
        items = _median_wall([sys.executable, "-m", "gluetui", "items", "--json"], env)
        bare_py = _median_wall([sys.executable, "-c", "pass"], env)
        config = _config(data_dir)
        tenv = {**env, "GLUETUI_BENCH_TOKEN": "bench-token", "TERM": "xterm-256color"}
        marker = "bench-org/repo-"
        tmux: dict[str, list[Any]] = {"bare": [], "gluetui": []}
        for _ in range(repeat):
            tmux["bare"].append(
                _tmux_rows([sys.executable, "-m", "bench.ui_bench", "--tmux-bare"], tenv, marker)
            )
            tmux["gluetui"].append(
                _tmux_rows(
                    [sys.executable, "-m", "gluetui", "--config", str(config), "dashboard"],
                    tenv,
                    marker,
                )
            )
        runs: dict[str, list[Any]] = {"bare": [], "empty": [], "gluetui": []}
        for _ in range(repeat):
            runs["bare"].append(_run_child("bare", store, 0))
            runs["empty"].append(_run_child("empty", store, 0))
            runs["gluetui"].append(_run_child("gluetui", store, 0))
        # The refresh measurement replaces the snapshot: once, last.
        full = _run_child("gluetui", store, presses)

        def med(kind: str, key: str) -> float | str:
            return _median([r[key] if isinstance(r, dict) else r for r in runs[kind]])

        out["first_shown_frame_s"] = med("gluetui", "first_paint_s")
        out["bare_first_shown_frame_s"] = med("bare", "first_paint_s")
        out["bare_empty_first_shown_frame_s"] = med("empty", "first_paint_s")
        out["first_shown_frame_with_imports_s"] = med("gluetui", "since_main_s")
        out["bare_first_shown_frame_with_imports_s"] = med("bare", "since_main_s")
        out["batched_updates_before_first_frame"] = med("gluetui", "batched")
        gl, bare = out["first_shown_frame_s"], out["bare_first_shown_frame_s"]
        if isinstance(gl, float) and isinstance(bare, float) and bare:
            out["first_shown_frame_ratio"] = round(gl / bare, 2)
        out["tmux_rows_s"] = _median(tmux["gluetui"])
        out["bare_tmux_rows_s"] = _median(tmux["bare"])
        tg, tb = out["tmux_rows_s"], out["bare_tmux_rows_s"]
        if isinstance(tg, float) and isinstance(tb, float) and tb:
            out["tmux_rows_ratio"] = round(tg / tb, 2)
        out["bare_rss_mb"] = med("bare", "peak_rss_mb")
        if isinstance(full, dict):
            for key, name in (
                ("key_p50_ms", "key_p50_ms_idle"),
                ("key_p95_ms", "key_p95_ms_idle"),
                ("key_busy_p50_ms", "key_p50_ms_refresh"),
                ("key_busy_p95_ms", "key_p95_ms_refresh"),
            ):
                out[name] = round(full.get(key, float("nan")), 1)
            out["key_presses_refresh"] = int(full.get("key_busy_n", 0))
            out["refresh_saved_items"] = int(full.get("refresh_saved_items", 0))
            out["rss_mb_idle"] = round(full.get("rss_before_refresh_mb", 0.0), 1)
            out["rss_mb_refresh_peak"] = round(full["peak_rss_mb"], 1)
        else:
            out["key_p95_ms_idle"] = full
        out["items_json_s"] = round(items, 3) if isinstance(items, float) else items
        out["python_pass_s"] = round(bare_py, 3) if isinstance(bare_py, float) else bare_py
        if isinstance(items, float) and isinstance(bare_py, float):
            out["items_json_target_s"] = round(2 * bare_py + 0.150, 3)
    return out


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m bench.ui_bench", description=__doc__)
    parser.add_argument("--child", choices=("bare", "empty", "gluetui"))
    parser.add_argument("--tmux-bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--store", default="")
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--items", type=int, default=N_ITEMS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (medians)")
    parser.add_argument("--json", dest="json_out", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    if args.tmux_bare:
        bare_app().run()
        return 0
    if args.child:
        print(json.dumps(_child(args.child, args.store, args.presses, started)))
        return 0
    from bench.run import machine

    began = datetime.now(UTC)
    results = run_all(args.items, args.presses, args.repeat)
    for key, value in results.items():
        print(f"{key:>40}: {value}")
    if args.json_out:
        raw = {
            "date": began.strftime("%Y-%m-%d"),
            "started": began.isoformat(timespec="seconds"),
            "command": "python -m bench.ui_bench "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "machine": machine(),
            "ui": results,
        }
        Path(args.json_out).write_text(json.dumps(raw, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
