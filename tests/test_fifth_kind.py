"""A fifth kind of glue work needs only the files docs/architecture.md lists for that walk.

The test copies the package, adds a dummy kind (``draft_pr``: drafts left open for hours, a
detector over the records the demo forge already serves), touching only files the walk names,
and runs the copy in a fresh interpreter: ``config check`` accepts the kind in ``[detectors]``,
``[capacity.effort]`` and an automation's ``fits``; a demo refresh finds its items, stores them and
reads them back; ``items --json --kind draft_pr`` prints them from the stored snapshot; and
``capacity`` counts them in its queue; and the dashboard, started on that store, has a fifth
panel that key ``5`` and the filter ``kind:draft_pr`` reach, showing those items.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WALK = "### Add a fifth item kind"

DETECTOR = '''\
"""Drafts left open: a dummy fifth kind, over the pull requests forges already fetch."""

from __future__ import annotations

from gluetui.detect import DetectContext
from gluetui.detect.common import build_item, hours_between
from gluetui.model import Evidence, Item, Kind, Severity, fingerprint
from gluetui.records import RepoData


def detect(data: RepoData, ctx: DetectContext) -> list[Item]:
    out = []
    for pr in data.pulls:
        age = hours_between(pr.created_at, ctx.now)
        if not pr.draft or age < 12:
            continue
        out.append(
            build_item(
                ctx,
                data.repo,
                Kind.DRAFT_PR,
                str(pr.number),
                title=f"Draft for {age:.0f} h: {pr.title}",
                url=pr.url,
                since=pr.created_at,
                updated_at=pr.updated_at,
                severity=Severity.LOW,
                evidence=(Evidence("draft", "Still a draft."),),
                metrics={"age_days": round(age / 24, 1)},
                where={"number": str(pr.number), "branch": pr.head_branch},
                fingerprint=fingerprint(pr.number, pr.draft),
                author=pr.author,
            )
        )
    return out
'''


def _walk_files() -> list[str]:
    """The files the walk lists (``gluetui/...`` paths in its numbered lines)."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split(WALK, 1)[1].split("\n### ", 1)[0]
    listed = re.findall(r"^\d+\. `([^`]+)`", section, flags=re.MULTILINE)
    assert 1 <= len(listed) <= 5, listed
    return listed


def _allowed(path: str, listed: list[str]) -> bool:
    for entry in listed:
        pattern = re.escape(entry).replace(r"<kind>", r"[a-z_]+").replace(r"…", r".*")
        pattern = pattern.replace(r"<forge>", r"[a-z_]+")
        if re.fullmatch(pattern, path):
            return True
    return False


def _edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1))


def _add_the_kind(root: Path) -> set[str]:
    """The change a contributor makes; returns the files it touched."""
    _edit(
        root,
        "gluetui/model.py",
        '    FLAKY_TEST = "flaky_test"\n',
        '    FLAKY_TEST = "flaky_test"\n    DRAFT_PR = "draft_pr"\n',
    )
    _edit(
        root,
        "gluetui/model.py",
        '    Kind.FLAKY_TEST: "Flaky tests",\n',
        '    Kind.FLAKY_TEST: "Flaky tests",\n    Kind.DRAFT_PR: "Long drafts",\n',
    )
    (root / "gluetui/detect/draft_prs.py").write_text(DETECTOR)
    _edit(
        root,
        "gluetui/detect/run.py",
        "from gluetui.detect import DetectContext, broken_ci, flaky, stale_docs, unreviewed\n",
        "from gluetui.detect import DetectContext, broken_ci, draft_prs, flaky, stale_docs, "
        "unreviewed\n",
    )
    _edit(
        root,
        "gluetui/detect/run.py",
        "    (Kind.FLAKY_TEST, flaky.detect),\n",
        "    (Kind.FLAKY_TEST, flaky.detect),\n    (Kind.DRAFT_PR, draft_prs.detect),\n",
    )
    return {"gluetui/model.py", "gluetui/detect/draft_prs.py", "gluetui/detect/run.py"}


CONFIG = """\
[detectors.draft_pr]
enabled = true

[capacity.effort]
draft_pr = 0.5

[automations.nudge-author]
kind = "command"
fits = ["draft_pr"]
argv = ["true", "{kind}", "{number}"]

[[sources]]
name = "gh"
kind = "github"
repos = ["acme/api"]
"""

# A refresh of the demo organisation's records with the config above (its effort and automations).
SCRIPT = """\
import asyncio, json
from datetime import UTC, datetime
from gluetui import paths
from gluetui.config.loader import load_config
from gluetui.factory import Runtime
from gluetui.forges.demo.forge import demo_forges
from gluetui.model import Kind
from gluetui.store import Store
from gluetui.sync import sync_all

now = datetime.now(UTC)
store = Store.open(paths.store_path())
rt = Runtime(config=load_config(paths.config_path()), forges=list(demo_forges(now)), store=store)
reports = asyncio.run(sync_all(rt))
assert all(r.ok for r in reports), reports
rt.close()
with Store.open(paths.store_path()) as store:
    kinds = sorted({i.kind.value for i in store.load_items()})
print(json.dumps({"kinds": kinds, "all": [k.value for k in Kind]}))
"""

# The dashboard on the stored snapshot: a fifth panel, reached by its key and by the kind filter.
APP_SCRIPT = """\
import asyncio, json
from gluetui.factory import build_runtime
from gluetui.model import Kind
from gluetui.ui.app import make_app


async def main():
    rt = build_runtime()
    app = make_app(rt, refresh_on_start=False)
    out = {}
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        out["panels"] = [p.kind.value for p in screen.panels]
        await pilot.press("5")
        await pilot.pause()
        out["after_5"] = screen.panels[screen.current_panel].kind.value
        out["rows"] = screen.table.row_count
        item = screen.current_item
        out["highlighted_kind"] = item.kind.value if item else None
        await pilot.press("1")
        await pilot.press("/")
        await pilot.press(*"kind:draft_pr", "enter")
        await pilot.pause()
        out["after_filter"] = screen.panels[screen.current_panel].kind.value
    rt.close()
    print(json.dumps(out))


asyncio.run(main())
"""


def test_a_fifth_kind_needs_only_the_walks_files(tmp_path: Path) -> None:
    listed = _walk_files()
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "gluetui", copy / "gluetui", ignore=shutil.ignore_patterns("__pycache__")
    )
    touched = _add_the_kind(copy)
    assert all(_allowed(path, listed) for path in touched), (touched, listed)

    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GLUETUI_")},
        "PYTHONPATH": str(copy),
        "GLUETUI_DATA_DIR": str(data),
        "GLUETUI_CONFIG": str(config),
    }

    def run(*argv: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "gluetui", *argv]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)

    # The copy is what runs, not the installed package.
    where = run(code="import gluetui, sys; print(gluetui.__file__)")
    assert where.stdout.strip().startswith(str(copy)), where

    checked = run("config", "check")
    assert checked.returncode == 0, checked.stderr
    assert "1 automation(s)" in checked.stdout

    refreshed = run(code=SCRIPT)
    assert refreshed.returncode == 0, refreshed.stderr
    facts = json.loads(refreshed.stdout)
    assert "draft_pr" in facts["all"] and "draft_pr" in facts["kinds"]

    listed_json = run("items", "--json", "--kind", "draft_pr")
    assert listed_json.returncode == 0, listed_json.stderr
    items = json.loads(listed_json.stdout)["items"]
    assert items and {i["kind"] for i in items} == {"draft_pr"}
    assert all(i["effort_hours"] == 0.5 for i in items)  # [capacity.effort] draft_pr
    assert all(i["automations"] == ["nudge-author"] for i in items)  # fits = ["draft_pr"]

    capacity = run("capacity", "--format", "json")
    assert capacity.returncode in (0, 9), capacity.stderr
    by_kind = {b["name"]: b for b in json.loads(capacity.stdout)["queued"]["by_kind"]}
    assert by_kind["draft_pr"]["items"] == len(items)

    dashboard = run(code=APP_SCRIPT)
    assert dashboard.returncode == 0, dashboard.stderr
    seen = json.loads(dashboard.stdout.strip().splitlines()[-1])
    assert seen["panels"][-1] == "draft_pr" and len(seen["panels"]) == 5
    assert seen["after_5"] == "draft_pr" and seen["rows"] == len(items)
    assert seen["highlighted_kind"] == "draft_pr"
    assert seen["after_filter"] == "draft_pr"

    unknown = run("items", "--json", "--kind", "draft_prs")
    assert unknown.returncode == 2 and "draft_pr" in unknown.stderr  # the choices name it


def test_the_walk_names_what_the_copy_changed() -> None:
    """The walk is the list the test above holds the change to; keep it short and true."""
    listed = _walk_files()
    assert listed[:3] == ["gluetui/model.py", "gluetui/detect/<kind>.py", "gluetui/detect/run.py"]
