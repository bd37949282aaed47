"""Write docs/screenshot.svg: the demo dashboard, as the README shows it.

Deterministic: the demo organisation with a frozen clock, a fresh temporary store, UTC local time
and a fixed 160x48 terminal, so running it twice gives the same file. ``--check`` only compares
(exit 1 when the file is out of date), which is what the test suite does.

    .venv/bin/python scripts/screenshot.py [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshot.svg"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SIZE = (160, 48)


async def _shoot() -> str:
    from gluetui.factory import build_runtime
    from gluetui.ui.app import make_app

    with tempfile.TemporaryDirectory(prefix="gluetui-shot-") as tmp:
        rt = build_runtime(demo=True, store_path=Path(tmp) / "demo.sqlite3", clock=lambda: NOW)
        try:
            app = make_app(rt)
            async with app.run_test(size=SIZE) as pilot:
                for _ in range(50):
                    await pilot.pause()
                    if all(w.is_finished for w in app.workers):
                        break
                    await app.workers.wait_for_complete()
                # Sources finish in either order; a list nobody has moved in keeps its first row
                # highlighted whatever arrives, so the picture does not depend on who came first.
                await pilot.pause()
                return app.export_screenshot(title="gluetui demo")
        finally:
            rt.close()


def render() -> str:
    """The SVG text (sets TZ=UTC for this process: times on screen are local)."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    return asyncio.run(_shoot())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    args = parser.parse_args(argv)
    svg = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != svg:
            print(
                f"{OUT.relative_to(ROOT)} is out of date: run scripts/screenshot.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(svg, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
