"""``python -m bench.run``: gluetui's refresh cost at organisation scale, next to the PyGithub baseline.

Two kinds of measurement, both printed and (with ``--json FILE``) written whole:

* **over HTTP** (``--sizes``, default 10,50,200,500): a fake forge in a child process, 100 ms per
  request, answering every query as GitHub would (graphql-core against GitHub's schema). The fake
  computes each answer once (a priming refresh, not measured) and serves it from memory
  afterwards, so the measured refreshes time the client against the simulated latency, not the
  fake's own CPU; what the fake still spent is reported (``fake_busy_s``, ``server_cpu_s``). Per
  size: gluetui's cold refresh (empty HTTP cache) and warm one (nothing changed), ``--repeat``
  times (medians of wall and CPU); the PyGithub baseline (up to ``--baseline-max``) and gluetui's
  cold GitLab refresh (up to ``--gitlab-max``).
* **at organisation scale** (``--org-sizes``, default 5000): the fake in this process on a virtual
  clock that is also the client's (:mod:`bench.fakeforge.inprocess`), enforcing GitHub's
  budgets: 5,000 REST and 5,000 GraphQL points an hour, 900 REST and 2,000 GraphQL points a minute.
  Cold and unchanged refresh: requests, points, the most spent in any minute and any hour, the
  repositories listed, refusals. Real time there is both sides' CPU, not a latency measurement.

It asserts nothing. Example: ``python -m bench.run --sizes 10,500 --org-sizes 5000 --json out.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.baseline_pygithub import BaselineResult, run_baseline
from bench.fakeforge import spawn_server
from bench.fakeforge.model import ANCHOR
from bench.gluetui_side import GluetuiClient, Refresh, github_available, gitlab_available


@dataclass
class Row:
    n: int
    cold: Refresh | None = None
    warm: Refresh | None = None
    #: The priming refresh (the fake computing every answer): not the client's cost.
    prime: Refresh | None = None
    cold_walls: list[float] = field(default_factory=list)
    cold_cpus: list[float] = field(default_factory=list)
    warm_walls: list[float] = field(default_factory=list)
    baseline: BaselineResult | None = None
    gitlab: Refresh | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class OrgRow:
    """An organisation-scale refresh pair on the virtual clock."""

    n: int
    cold: Refresh | None = None
    warm: Refresh | None = None
    notes: list[str] = field(default_factory=list)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


async def _refreshes(url: str, kind: str, repeat: int, row: Row) -> None:
    prime = GluetuiClient(url, kind)
    try:
        row.prime = await prime.refresh()
    finally:
        await prime.aclose()
    for _ in range(max(1, repeat)):
        client = GluetuiClient(url, kind)
        try:
            cold = await client.refresh()
            warm = await client.refresh()
        finally:
            await client.aclose()
        row.cold_walls.append(cold.wall_s)
        row.cold_cpus.append(cold.cpu_s)
        row.warm_walls.append(warm.wall_s)
        row.cold, row.warm = cold, warm
    if row.cold is not None and row.warm is not None:
        row.cold.wall_s, row.cold.cpu_s = _median(row.cold_walls), _median(row.cold_cpus)
        row.warm.wall_s = _median(row.warm_walls)


async def _gitlab(url: str) -> Refresh:
    client = GluetuiClient(url, "gitlab")
    try:
        return await client.refresh()
    finally:
        await client.aclose()


def measure(n: int, latency: float, *, repeat: int, baseline: bool, gitlab: bool) -> Row:
    row = Row(n)
    url, stop = spawn_server(n, latency, cache_answers=True)
    try:
        why = github_available()
        if why:
            row.notes.append(why)
        else:
            asyncio.run(_refreshes(url, "github", repeat, row))
        if baseline:
            row.baseline = run_baseline(url)
        if gitlab:
            why = gitlab_available()
            if why:
                row.notes.append(why)
            else:
                asyncio.run(_gitlab(url))  # primes the fake's answers
                row.gitlab = asyncio.run(_gitlab(url))
    finally:
        stop()
    return row


async def _org(n: int) -> OrgRow:
    from bench.fakeforge.inprocess import ROOT, FakeTransport, VirtualClock, virtual_forge

    row = OrgRow(n)
    clock = VirtualClock(ANCHOR)
    fake = virtual_forge(n, clock)
    client = GluetuiClient(ROOT, "github", inprocess=(FakeTransport(fake), clock))
    try:
        row.cold = await client.refresh()
        row.warm = await client.refresh()
    finally:
        await client.aclose()
    return row


def measure_org(n: int) -> OrgRow:
    why = github_available()
    if why:
        return OrgRow(n, notes=[why])
    return asyncio.run(_org(n))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "-"


def table(rows: list[Row], latency_ms: float) -> str:
    head = (
        f"{'N':>5} | {'cold req':>8} {'gql':>4} {'rnd':>3} {'rest':>5} {'pts':>5} {'pts/repo':>8} "
        f"{'wall s':>7} {'cpu s':>6} {'fake s':>6} | "
        f"{'warm req':>8} {'gql pts':>7} {'wall s':>6} | "
        f"{'base req':>8} {'wall s':>7} | {'req x':>6} {'wall x':>6} | {'GL req/proj':>11}"
    )
    lines = [
        f"latency {latency_ms:g} ms per request; medians of repeated runs; "
        "fake s = the fake's own compute during the cold refresh; x = baseline / gluetui cold",
        head,
        "-" * len(head),
    ]
    for r in rows:
        c, w, b, g = r.cold, r.warm, r.baseline, r.gitlab
        cold = (
            f"{c.requests:>8} {c.graphql:>4} {c.graphql_rounds:>3} {c.rest:>5} {c.points:>5} "
            f"{c.points / max(1, r.n):>8.2f} {c.wall_s:>7.2f} {c.cpu_s:>6.2f} {c.fake_busy_s:>6.2f}"
            if c
            else f"{'n/a':>8} {'':>4} {'':>3} {'':>5} {'':>5} {'':>8} {'':>7} {'':>6} {'':>6}"
        )
        warm = (
            f"{w.requests:>8} {w.graphql_points:>7} {w.wall_s:>6.2f}"
            if w
            else f"{'n/a':>8} {'':>7} {'':>6}"
        )
        base = f"{b.requests:>8} {b.wall_s:>7.2f}" if b else f"{'-':>8} {'':>7}"
        ratios = (
            f"{_ratio(b.requests, c.requests):>6} {_ratio(b.wall_s, c.wall_s):>6}"
            if b and c
            else f"{'-':>6} {'-':>6}"
        )
        gl = f"{g.requests / max(1, g.repos):>11.1f}" if g else f"{'-':>11}"
        lines.append(f"{r.n:>5} | {cold} | {warm} | {base} | {ratios} | {gl}")
    notes = sorted({n for r in rows for n in r.notes})
    errors = sorted({e for r in rows for m in (r.cold, r.warm) if m for e in m.error_samples})
    lines += [f"note: {n}" for n in notes]
    lines += [f"GraphQL error: {e}" for e in errors[:5]]
    return "\n".join(lines)


def org_table(rows: list[OrgRow]) -> str:
    head = (
        f"{'N':>6} | {'listed':>6} {'errors':>6} | {'cold req':>8} {'gql pts':>7} {'rest pts':>8} "
        f"{'max gql/h':>9} {'max rest/h':>10} {'max gql/min':>11} {'max rest/min':>12} "
        f"{'refused':>7} | {'warm req':>8} {'warm pts':>8} {'N/50':>5}"
    )
    lines = [
        "organisation scale, on the fake's virtual clock (GitHub's limits enforced): "
        "per hour = points, per minute = secondary points (requests)",
        head,
        "-" * len(head),
    ]
    for r in rows:
        c, w = r.cold, r.warm
        if c is None or w is None:
            lines.append(f"{r.n:>6} | n/a")
            continue
        b = c.budget
        refused = int(b.get("refused_secondary", 0) + b.get("refused_hourly", 0))
        lines.append(
            f"{r.n:>6} | {c.repos:>6} {c.repo_errors:>6} | {c.requests:>8} {c.graphql_points:>7} "
            f"{c.rest_points:>8} {int(b.get('graphql_max_points_per_hour', 0)):>9} "
            f"{int(b.get('rest_max_points_per_hour', 0)):>10} "
            f"{int(b.get('graphql_max_secondary_per_minute', 0)):>11} "
            f"{int(b.get('rest_max_secondary_per_minute', 0)):>12} {refused:>7} | "
            f"{w.requests:>8} {w.points:>8} {r.n // 50:>5}"
        )
    lines += [f"note: {n}" for r in rows for n in r.notes]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Where the numbers were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as f:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    try:
        load: list[float] = list(os.getloadavg())
    except OSError:
        load = []
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_avg": [round(x, 2) for x in load],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--sizes", default="10,50,200,500", help="repositories per HTTP run, comma-separated"
    )
    parser.add_argument(
        "--org-sizes",
        default="5000",
        help="repositories per organisation-scale run (virtual clock), comma-separated; '' none",
    )
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3, help="measured refreshes per size")
    parser.add_argument(
        "--baseline-max", type=int, default=50, help="largest N the baseline runs at"
    )
    parser.add_argument(
        "--gitlab-max", type=int, default=50, help="largest N the GitLab refresh runs at"
    )
    parser.add_argument(
        "--quick", action="store_true", help="sizes 10,50, org size 1000; baseline and GitLab at 10"
    )
    parser.add_argument(
        "--ui", action="store_true", help="also run the UI/CLI measurements (bench.ui_bench)"
    )
    parser.add_argument("--json", dest="json_out", help="also write the raw numbers to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    org_sizes = [int(s) for s in args.org_sizes.split(",") if s.strip()]
    if args.quick:
        sizes, org_sizes, args.baseline_max, args.gitlab_max = [10, 50], [1000], 10, 10
    started = datetime.now(UTC)
    latency = args.latency_ms / 1000
    rows: list[Row] = []
    for n in sizes:
        print(f"measuring N={n} over HTTP...", file=sys.stderr, flush=True)
        rows.append(
            measure(
                n,
                latency,
                repeat=args.repeat,
                baseline=n <= args.baseline_max,
                gitlab=n <= args.gitlab_max,
            )
        )
    print(table(rows, args.latency_ms))
    orgs: list[OrgRow] = []
    for n in org_sizes:
        print(f"measuring N={n} on the virtual clock...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        orgs.append(measure_org(n))
        print(f"  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    if orgs:
        print()
        print(org_table(orgs))
    raw: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%d"),
        "started": started.isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "latency_ms": args.latency_ms,
        "repeat": args.repeat,
        "rows": [asdict(r) for r in rows],
        "org": [asdict(r) for r in orgs],
    }
    if args.ui:
        from bench.ui_bench import run_all

        ui = run_all()
        raw["ui"] = ui
        print()
        for key, value in ui.items():
            print(f"{key:>34}: {value}")
    raw["machine"]["load_avg_end"] = machine()["load_avg"]
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(raw, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
