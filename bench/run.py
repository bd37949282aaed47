"""``python -m bench.run``: gluetui's refresh cost at organisation scale, next to the PyGithub baseline.

For each size N it starts a fake forge in a child process (so the client's CPU time is its own),
then measures: gluetui's cold GitHub refresh (empty HTTP cache), a warm one (nothing changed, so the
REST reads are 304s), the PyGithub baseline (up to ``--baseline-max``) and gluetui's cold GitLab
refresh (up to ``--gitlab-max``). It prints numbers and ratios and asserts nothing.

Example: ``python -m bench.run --sizes 10,50,200,500 --latency-ms 100 --baseline-max 50``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.baseline_pygithub import BaselineResult, run_baseline
from bench.fakeforge import spawn_server
from bench.gluetui_side import GluetuiClient, Refresh, github_available, gitlab_available


@dataclass
class Row:
    n: int
    cold: Refresh | None = None
    warm: Refresh | None = None
    baseline: BaselineResult | None = None
    gitlab: Refresh | None = None
    notes: list[str] = field(default_factory=list)


async def _gluetui(url: str, kind: str, warm: bool) -> tuple[Refresh, Refresh | None]:
    client = GluetuiClient(url, kind)
    try:
        cold = await client.refresh()
        again = await client.refresh() if warm else None
    finally:
        await client.aclose()
    return cold, again


def measure(n: int, latency: float, *, baseline: bool, gitlab: bool) -> Row:
    row = Row(n)
    url, stop = spawn_server(n, latency)
    try:
        why = github_available()
        if why:
            row.notes.append(why)
        else:
            row.cold, row.warm = asyncio.run(_gluetui(url, "github", warm=True))
        if baseline:
            row.baseline = run_baseline(url)
        if gitlab:
            why = gitlab_available()
            if why:
                row.notes.append(why)
            else:
                row.gitlab, _ = asyncio.run(_gluetui(url, "gitlab", warm=False))
    finally:
        stop()
    return row


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "-"


def table(rows: list[Row], latency_ms: float) -> str:
    head = (
        f"{'N':>5} | {'cold req':>8} {'gql':>4} {'rest':>5} {'pts':>5} {'wall s':>7} {'cpu s':>6} | "
        f"{'warm req':>8} {'304':>5} {'rest pts':>8} {'gql pts':>7} {'wall s':>6} | "
        f"{'base req':>8} {'wall s':>7} {'cpu s':>6} | {'req x':>6} {'wall x':>6} {'cpu x':>6} | "
        f"{'GL req/proj':>11}"
    )
    lines = [
        f"latency {latency_ms:g} ms per request; x = baseline / gluetui cold",
        head,
        "-" * len(head),
    ]
    for r in rows:
        c, w, b, g = r.cold, r.warm, r.baseline, r.gitlab
        cold = (
            f"{c.requests:>8} {c.graphql:>4} {c.rest:>5} {c.points:>5} {c.wall_s:>7.2f} {c.cpu_s:>6.2f}"
            if c
            else f"{'n/a':>8} {'':>4} {'':>5} {'':>5} {'':>7} {'':>6}"
        )
        warm = (
            f"{w.requests:>8} {w.not_modified:>5} {w.rest_points:>8} {w.graphql_points:>7} {w.wall_s:>6.2f}"
            if w
            else f"{'n/a':>8} {'':>5} {'':>8} {'':>7} {'':>6}"
        )
        base = (
            f"{b.requests:>8} {b.wall_s:>7.2f} {b.cpu_s:>6.2f}"
            if b
            else f"{'-':>8} {'':>7} {'':>6}"
        )
        ratios = (
            f"{_ratio(b.requests, c.requests):>6} {_ratio(b.wall_s, c.wall_s):>6} "
            f"{_ratio(b.cpu_s, c.cpu_s):>6}"
            if b and c
            else f"{'-':>6} {'-':>6} {'-':>6}"
        )
        gl = f"{g.requests / max(1, g.repos):>11.1f}" if g else f"{'-':>11}"
        lines.append(f"{r.n:>5} | {cold} | {warm} | {base} | {ratios} | {gl}")
    notes = sorted({n for r in rows for n in r.notes})
    errors = sorted({e for r in rows for m in (r.cold, r.warm) if m for e in m.error_samples})
    lines += [f"note: {n}" for n in notes]
    lines += [f"GraphQL error: {e}" for e in errors[:5]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--sizes", default="10,50,200,500", help="repositories per run, comma-separated"
    )
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument(
        "--baseline-max", type=int, default=50, help="largest N the baseline runs at"
    )
    parser.add_argument(
        "--gitlab-max", type=int, default=50, help="largest N the GitLab refresh runs at"
    )
    parser.add_argument(
        "--quick", action="store_true", help="sizes 10,50; baseline and GitLab at 10"
    )
    parser.add_argument(
        "--ui", action="store_true", help="also run the UI/CLI measurements (bench.ui_bench)"
    )
    parser.add_argument("--json", dest="json_out", help="also write the raw numbers to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes, args.baseline_max, args.gitlab_max = [10, 50], 10, 10
    latency = args.latency_ms / 1000
    rows: list[Row] = []
    for n in sizes:
        print(f"measuring N={n}...", file=sys.stderr, flush=True)
        rows.append(
            measure(n, latency, baseline=n <= args.baseline_max, gitlab=n <= args.gitlab_max)
        )
    print(table(rows, args.latency_ms))
    raw: dict[str, Any] = {"latency_ms": args.latency_ms, "rows": [asdict(r) for r in rows]}
    if args.ui:
        from bench.ui_bench import run_all

        ui = run_all()
        raw["ui"] = ui
        print()
        for key, value in ui.items():
            print(f"{key:>34}: {value}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(raw, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
