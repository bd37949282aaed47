"""Hostile text through detectors, the store, the CLI and every report format.

Each corpus string is a PR title, branch and author, a workflow, job and test name and a doc's
text at once. Nothing may crash, nothing may be lost in the store, and no output that reaches a
terminal (the CLI table, ``items --json``, capacity and ledger in every format) may carry an
escape sequence, a control character or a bidi override.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import timedelta

import pytest
from rel_fakes import NOW, config
from rel_hostile import CORPUS, ESC, has_control, ids
from rel_records import hostile_items

from gluetui import cli, paths, report
from gluetui.events import EventAction
from gluetui.model import Kind
from gluetui.store import Store
from gluetui.store.db import storable

CFG = config([])


def check_output(text: str, *, newlines: bool = True) -> None:
    assert ESC not in text
    assert "\x9b" not in text and "\x00" not in text
    assert not has_control(text.replace("\n", "") if newlines else text), repr(text[:300])


def seeded_store(text: str) -> list[str]:
    """The user's store with the hostile items and decisions about them; returns the item ids."""
    items = hostile_items(text, CFG)
    assert {i.kind for i in items} == set(Kind)
    with Store.open(paths.store_path()) as store:
        store.save_snapshot("gh", items, at=NOW - timedelta(hours=1))
        by_kind = {i.kind: i for i in items}
        taken = by_kind[Kind.UNREVIEWED_PR]
        store.record(taken.id, EventAction.TAKEN, at=NOW - timedelta(hours=1), note=text, hours=1.5)
        store.record(taken.id, EventAction.DONE, at=NOW - timedelta(minutes=5), note=text, hours=1)
        ci = by_kind[Kind.BROKEN_CI]
        data = {"title": ci.title, "repo": ci.repo, "kind": "broken_ci", "oversight_hours": 0.5}
        store.journal_intent("k1", item_id=ci.id, automation="rerun", request={"t": text}, at=NOW)
        store.record(ci.id, EventAction.DELEGATED, at=NOW, automation="rerun", data=data)
        store.journal_outcome("k1", ok=True, message=text, url=text, at=NOW)
        loaded = store.load_items()
        assert sorted(i.id for i in loaded) == sorted(storable(i.id) for i in items)
        assert len(store.events()) == 3 and len(store.journal()) == 1
    return [storable(i.id) for i in items]


@pytest.mark.parametrize("text", [t for _, t in CORPUS], ids=ids())
def test_cli_json_and_table(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    item_ids = seeded_store(text)
    assert cli.main(["items", "--json", "--all"]) == 0
    out, err = capsys.readouterr()
    check_output(out)
    doc = json.loads(out)
    assert sorted(i["id"] for i in doc["items"]) == sorted(item_ids)
    assert cli.main(["items", "--all"]) == 0
    out, err = capsys.readouterr()
    check_output(out + err)


@pytest.mark.parametrize("text", [t for _, t in CORPUS], ids=ids())
def test_reports_in_every_format(text: str) -> None:
    seeded_store(text)
    with Store.open(paths.store_path()) as store:
        items, events, journal = store.load_items(), store.events(), store.journal()
    cap = report.capacity_report(CFG, events, items, NOW)
    for fmt in ("table", "markdown", "json", "toml"):
        out = report.render_capacity(cap, fmt)
        check_output(out)
        if fmt == "json":
            json.loads(out)
        if fmt == "toml":
            tomllib.loads(out)
    led = report.ledger(CFG, events, journal, items, NOW - timedelta(days=30), NOW)
    out = report.render_ledger(led, "markdown")
    check_output(out)
    # Forge text cannot open a link or an HTML tag in the Markdown (escaped: \<script\>).
    assert not re.search(r"(?<!\\)<script", out) and "](https://evil" not in out
    json.loads(report.render_ledger(led, "json"))


@pytest.mark.parametrize("text", [t for _, t in CORPUS], ids=ids())
def test_ledger_json_carries_no_control_characters(text: str) -> None:
    seeded_store(text)
    with Store.open(paths.store_path()) as store:
        items, events, journal = store.load_items(), store.events(), store.journal()
    led = report.ledger(CFG, events, journal, items, NOW - timedelta(days=30), NOW)
    out = report.render_ledger(led, "json")
    json.loads(out)
    check_output(out)


@pytest.mark.parametrize("label", ["template", "json-breaker", "sql", "lone-surrogate", "huge"])
def test_hostile_text_round_trips_the_store(label: str) -> None:
    text = dict(CORPUS)[label]
    items = hostile_items(text, CFG)
    with Store.open(paths.store_path()) as store:
        store.save_snapshot("gh", items, at=NOW)
        store.save_snapshot("gh", items, at=NOW)  # replaced, not doubled
        back = {i.id: i for i in store.load_items()}
    assert len(back) == len(items)
    for item in items:
        assert back[storable(item.id)].title == storable(item.title)
