"""``items --json`` on the stored snapshot: the fast path prints what the Item path would."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gluetui import paths
from gluetui.budget import SprintBudget
from gluetui.cli import _stored_items, main
from gluetui.events import EventAction
from gluetui.model import Evidence, Item, Kind, Route, Severity, State, Suggestion, make_item_id
from gluetui.store import Store
from gluetui.textsafe import clean_json

# Decisions are in the past of the real clock the CLI reads (``until`` far in the future).
AT = datetime(2026, 1, 1, tzinfo=UTC)


def _item(n: int, kind: Kind, **kw: object) -> Item:
    fields: dict[str, object] = {
        "id": make_item_id("github.com", f"acme/r{n % 3}", kind, str(n)),
        "kind": kind,
        "source": "gh",
        "host": "github.com",
        "repo": f"acme/r{n % 3}",
        "title": f"item {n}",
        "url": f"https://github.com/acme/r{n % 3}/pull/{n}",
        "since": AT - timedelta(hours=n),
        "updated_at": AT - timedelta(hours=1),
        "impact": float(n % 7) + n / 1000,
        "effort_hours": 1.5,
        "fingerprint": f"fp{n}",
    }
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def _items() -> list[Item]:
    out = [_item(n, list(Kind)[n % 4]) for n in range(40)]
    out[7] = _item(7, Kind.STALE_DOC, title="ascii but \x7f DEL")
    out[1] = _item(
        1,
        Kind.BROKEN_CI,
        title="h\x9b31mostile \u202e ✓ \x7fdel [bold]x[/] \ud83d\ude00",
        author="zoë",
        where={"branch": "main", "file": "docs/é.md"},
        evidence=(Evidence("why", "dead link to `src/ü.py`", "https://x.example/ü"),),
        metrics={"failing_jobs": 3, "flake_rate": 0.25},
        severity=Severity.HIGH,
        automations=("rerun", "agent"),
        accountable=True,
        mine=True,
    )
    return out


@pytest.fixture
def seeded() -> list[Item]:
    items = _items()
    with Store.open(paths.store_path()) as store:
        store.save_snapshot("gh", items, at=AT)
        store.record(items[2].id, EventAction.TAKEN, at=AT, hours=1.0)
        store.record(items[3].id, EventAction.DISMISSED, at=AT)
        store.record(items[4].id, EventAction.SNOOZED, at=AT, until=AT + timedelta(days=9999))
        # Snoozed until it changes, and it has: open again.
        store.record(items[5].id, EventAction.SNOOZED, at=AT, fingerprint="older")
        store.record(items[1].id, EventAction.DELEGATED, at=AT, automation="rerun")
    return items


def _generic(kinds: set[Kind], include_hidden: bool) -> list[dict[str, object]]:
    shown = [
        i
        for i in _stored_items()[0]
        if i.kind in kinds and (include_hidden or i.state is State.OPEN)
    ]
    shown.sort(key=lambda i: (-i.impact, i.id))
    # What leaves the program is the item's JSON with forge text made inert (one function).
    return [clean_json(i.to_json()) for i in shown]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["items", "--json", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--all",),
        ("--kind", "broken_ci"),
        ("--kind", "flaky_test"),  # every row plain: vouched for at once
        ("--kind", "stale_doc", "--kind", "flaky_test", "--all"),
    ],
)
def test_fast_path_prints_what_the_item_path_gives(
    seeded: list[Item], capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    out = _run(capsys, *args)
    kinds = {Kind(a) for a in args[1::2] if a in {k.value for k in Kind}} or set(Kind)
    got = json.loads(out)["items"]
    assert got == _generic(kinds, "--all" in args)
    assert got  # every case shows something


def test_states_come_from_the_decision_log(
    seeded: list[Item], capsys: pytest.CaptureFixture[str]
) -> None:
    states = {i["id"]: i["state"] for i in json.loads(_run(capsys, "--all"))["items"]}
    assert states[seeded[2].id] == "taken"
    assert states[seeded[3].id] == "dismissed"
    assert states[seeded[4].id] == "snoozed"
    assert states[seeded[5].id] == "open"
    assert states[seeded[1].id] == "delegated"
    shown = {i["id"] for i in json.loads(_run(capsys))["items"]}
    assert seeded[3].id not in shown and seeded[4].id not in shown and seeded[5].id in shown


def test_output_is_ascii_one_item_per_line(
    seeded: list[Item], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(capsys, "--all")
    # No raw C1 control (\x9b), DEL or bidi override reaches the terminal.
    assert out.isascii() and "\x7f" not in out
    lines = out.splitlines()
    assert lines[0] == '{"items": [' and lines[-1] == "]}"
    assert len(lines) == len(seeded) + 2
    rows = [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]]
    hostile = next(row for row in rows if row["id"] == seeded[1].id)
    # Human-readable fields are cleaned (C1 CSI, bidi override, DEL gone), the id stays exact.
    assert hostile["title"] == "hostile  ✓ del [bold]x[/] \U0001f600"  # spacing kept
    assert hostile["where"]["file"] == "docs/é.md" and hostile["author"] == "zoë"
    assert hostile["evidence"][0]["url"] == "https://x.example/ü"
    assert hostile["metrics"] == {"failing_jobs": 3.0, "flake_rate": 0.25}


def test_unreadable_rows_are_skipped(
    seeded: list[Item], capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(paths.store_path()) as conn:
        conn.execute("INSERT INTO items (source, id, pos, data) VALUES ('gh', 'bad1', 99, '{no')")
        conn.execute(
            "INSERT INTO items (source, id, pos, data) VALUES ('gh', 'bad2', 98, ?)",
            (json.dumps({"id": "bad2", "kind": "nonsense"}),),
        )
    got = json.loads(_run(capsys, "--all"))["items"]
    assert len(got) == len(seeded)
    assert not {"bad1", "bad2"} & {i["id"] for i in got}


def test_empty_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    Store.open(paths.store_path()).close()
    assert _run(capsys) == '{"items": []}\n'


def test_demo_path_uses_the_same_layout(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "--demo")
    lines = out.splitlines()
    assert lines[0] == '{"items": [' and lines[-1] == "]}"
    assert all(line.startswith("  {") for line in lines[1:-1])
    assert len(json.loads(out)["items"]) == len(lines) - 2


def test_stored_path_imports_no_ui_config_or_forge_code(seeded: list[Item]) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from gluetui import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert cli.main(['items', '--json']) == 0\n"
        "assert out.getvalue().count('\\n') > 10\n"
        "print(sorted(m for m in ('textual', 'pydantic', 'httpx', 'github', 'gitlab', 'rich')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_suggestions_go_through_the_budget_on_the_stored_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Stored suggestions are as the refresh gave them; the hours left now decide what still
    fits — every kind's suggestions compete, even with ``--kind`` — and the item path agrees."""
    now = datetime.now(UTC)

    def suggested(n: int, kind: Kind, route: Route, hours: float, impact: float) -> Item:
        auto = "rerun" if route is Route.DELEGATE else ""
        return _item(
            n, kind, impact=impact, suggestion=Suggestion(route, f"reason {n}", auto, hours)
        )

    items = [
        suggested(1, Kind.BROKEN_CI, Route.DELEGATE, 0.5, 1.0),
        suggested(2, Kind.STALE_DOC, Route.TAKE, 3.0, 6.0),
        suggested(3, Kind.UNREVIEWED_PR, Route.TAKE, 5.0, 5.0),
        suggested(4, Kind.FLAKY_TEST, Route.TAKE, 0.5, 1.0),
        suggested(5, Kind.FLAKY_TEST, Route.TAKE, 2.0, 9.0),
        _item(6, Kind.STALE_DOC),  # stored before suggestions existed
    ]
    with Store.open(paths.store_path()) as store:
        store.save_snapshot("gh", items, at=now)
        store.record(items[4].id, EventAction.TAKEN, at=now, hours=2.0)
        before = json.loads(_run(capsys))["items"]
        # No sprint settings stored yet (no gluetui run loaded a config): as stored.
        assert [i["suggestion"]["route"] for i in before if i["suggestion"]].count("take") == 3
        sprint = SprintBudget(now.date() - timedelta(days=1), 14, 8.0)
        store.set_setting(SprintBudget.SETTING, sprint.to_text())
    got = {i["id"]: i["suggestion"] for i in json.loads(_run(capsys))["items"]}
    assert got[items[0].id]["route"] == "delegate"  # 0.5 h of 6 h left
    assert got[items[1].id]["route"] == "take"  # 3 h of 5.5 h left
    left = got[items[2].id]
    assert (left["route"], left["over_budget"], left["automation"]) == ("leave", True, None)
    assert left["reason"] == (
        "reason 3; would take it, but beyond your remaining budget (5 h needed, 2.5 h left)"
    )
    assert got[items[3].id]["route"] == "take"  # a smaller one after it still fits
    assert got[items[5].id] is None
    assert items[4].id not in got  # taken: not in the open queue
    only_prs = json.loads(_run(capsys, "--kind", "unreviewed_pr"))["items"]
    assert [i["suggestion"]["route"] for i in only_prs] == ["leave"]
    assert json.loads(_run(capsys, "--all"))["items"] == _generic(set(Kind), True)


def test_any_run_with_a_config_keeps_its_sprint_settings_for_items_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[capacity]\nhours_per_sprint = 3\nsprint_days = 7\n", encoding="utf-8")
    assert main(["--config", str(config), "items", "--refresh", "--json"]) == 0
    capsys.readouterr()
    with Store.open(paths.store_path()) as store:
        kept = SprintBudget.from_text(store.get_setting(SprintBudget.SETTING))
    assert kept is not None and (kept.hours_per_sprint, kept.sprint_days) == (3.0, 7)
