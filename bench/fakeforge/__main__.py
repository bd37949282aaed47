"""``python -m bench.fakeforge --repos N --latency-ms 100 --port P``: serve until interrupted.

Prints ``READY <base_url>`` once listening (``spawn_server`` waits for that line).
"""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from bench.fakeforge.server import start_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fakeforge", description=__doc__)
    parser.add_argument("--repos", type=int, default=50, help="repositories in the organisation")
    parser.add_argument(
        "--latency-ms", type=float, default=100.0, help="delay added to every request"
    )
    parser.add_argument("--node-us", type=float, default=50.0, help="GraphQL server time per node")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--pregenerate", action="store_true", help="generate every repository before listening"
    )
    parser.add_argument(
        "--cache-answers",
        action="store_true",
        help="compute each answer once and serve it from memory afterwards",
    )
    args = parser.parse_args(argv)
    url, stop = start_server(
        args.repos,
        args.latency_ms / 1000,
        args.seed,
        port=args.port,
        node_seconds=args.node_us / 1e6,
        pregenerate=args.pregenerate,
        cache_answers=args.cache_answers,
    )
    done = threading.Event()

    def quit_(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, quit_)
    signal.signal(signal.SIGINT, quit_)
    print(f"READY {url}", flush=True)
    done.wait()
    stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
