"""Hostile file names and reply URLs through every exit, and every ``str`` field by introspection.

A doc named ``x<ESC>[201~<LF>touch ~/p<LF>.md`` is a stale-doc item whose title, id, URL,
``where.file``, ``{file}`` and ``GLUETUI_FILE`` all come from that name; a forge or webhook reply
may answer with an ``html_url`` that sets the window title. The raw value stays where gluetui
talks back to the forge (the store keeps the real name and the id built from it); everything that
leaves the program — ``items --json`` (both paths) and the table, every report format, templates,
argv, ``GLUETUI_*``, the command's stdin, webhook bodies, the dashboard's cells and detail pane,
the clipboard payload of ``y`` and the URL ``o`` opens — carries printable characters only, and a
URL only when it is a valid http(s) URL.

The record and item tests walk ``dataclasses.fields`` of every type in ``gluetui.records`` and of
``Item``, so a ``str`` field added later is covered without anyone remembering to.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import typing
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import pytest
from rel_fakes import NOW, config
from rel_hostile import CORPUS, ESC, FILE_NAMES, REPLY_URLS, has_control
from rel_records import context, hostile_data

from gluetui import cli, paths, records, report
from gluetui.delegate.command import command_env, item_payload, stdin_bytes
from gluetui.delegate.templates import item_values, render
from gluetui.delegate.webhook import json_body
from gluetui.detect.run import detect_all
from gluetui.events import EventAction
from gluetui.model import Evidence, Item, Kind
from gluetui.records import Commit, DocFile, Repo, RepoData, SourceData
from gluetui.store import Store
from gluetui.store.db import storable
from gluetui.store.journal import JournalEntry
from gluetui.textsafe import EXACT_KEYS, safe_url

CFG = config([])
MARKER = "MARKER42"
#: One string carrying every hostile file name, reply URL and the nastiest corpus entries.
HOSTILE = (
    MARKER
    + " "
    + " ".join(
        [t for _, t in FILE_NAMES]
        + [t for _, t in REPLY_URLS if len(t) < 200]
        + [dict(CORPUS)[k] for k in ("paste-jack", "osc52-nested", "tag-smuggling", "c1-strings")]
    )
)


# ---------------------------------------------------------------------------------------------
# What leaves the program


def inert(where: str, text: str, *, newlines: bool = False) -> None:
    assert ESC not in text, f"{where}: ESC in {text[:120]!r}"
    checked = text.replace("\n", "") if newlines else text
    assert not has_control(checked), f"{where}: {text[:160]!r}"


def json_inert(where: str, raw: str | bytes) -> Any:
    """JSON that leaves gluetui: ASCII only; decoded, every human-readable string is inert and
    every URL valid (ids are exact, and ASCII-escaped)."""
    text = raw.decode("ascii") if isinstance(raw, bytes) else raw
    assert text.isascii(), f"{where}: not ASCII"
    doc = json.loads(text)
    for key, value in _strings(doc):
        if key in EXACT_KEYS:
            continue
        inert(f"{where}.{key}", value)
        if key == "url" or key.endswith("_url"):
            assert value == "" or safe_url(value) == value, f"{where}.{key}: {value!r}"
    return doc


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield "key", str(k)
            yield from _strings(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def item_exits(item: Item) -> list[str]:
    """Every exit of one item, checked; returns the texts (to look for the marker in)."""
    from gluetui.items_json import item_line
    from gluetui.ui import render as ui_render
    from gluetui.ui.widgets.detail import DetailView, detail_text, side_text

    out: list[str] = []
    doc = json_inert("items --json", item_line(item.to_json()))
    out.append(json.dumps(doc, ensure_ascii=False))
    values = item_values(item)
    for name, value in values.items():
        inert(f"{{{name}}}", value)
    out.append(render("{title} {file} {branch} {author}", values, automation="a", field="body"))
    env = command_env(item, "auto", "key", base={})
    for name, value in env.items():
        inert(f"${name}", value)
    assert env["GLUETUI_URL"] == "" or safe_url(env["GLUETUI_URL"]) == env["GLUETUI_URL"]
    out.append(env["GLUETUI_TITLE"])
    json_inert("stdin", stdin_bytes(item, "auto", "key"))
    json_inert("webhook body", json_body(item_payload(item, "auto", "key")))
    view = DetailView(item=item, now=NOW, automations=("rerun",))
    for text in (detail_text(view), side_text(view)):
        inert("detail pane", text.plain, newlines=True)
        assert not any("link" in str(span.style) for span in text.spans)
        out.append(text.plain)
    for cell in ui_render.row_cells(item, NOW, is_new=True):
        inert("table cell", cell.plain)
    payload = safe_url(item.url)  # what `y` copies and `o` opens (tested with the pilot below)
    inert("clipboard", payload)
    assert payload == "" or payload.isascii() or "://" in payload
    return out


def store_exits(items: list[Item], capsys: pytest.CaptureFixture[str], url: str = "") -> None:
    """The CLI over a store holding ``items``, decisions about them and a reply ``url``."""
    with Store.open(paths.store_path()) as store:
        store.save_snapshot("gh", items, at=NOW - timedelta(hours=2))
        first, last = items[0], items[-1]
        store.record(first.id, EventAction.TAKEN, at=NOW - timedelta(hours=1), hours=1.0)
        store.record(first.id, EventAction.DONE, at=NOW - timedelta(minutes=30), hours=1.0)
        data = {"title": last.title, "repo": last.repo, "kind": last.kind.value, "key": "k1"}
        store.journal_intent("k1", item_id=last.id, automation="hook", request={}, at=NOW)
        store.record(last.id, EventAction.DELEGATED, at=NOW, automation="hook", data=data)
        store.journal_outcome("k1", ok=True, message=f"answered {url}", url=url, at=NOW)
    for args in (["items", "--json", "--all"], ["items", "--all"]):
        assert cli.main(args) == 0
        out, err = capsys.readouterr()
        inert(" ".join(args), out + err, newlines=True)
        if "--json" in args:
            doc = json_inert("items --json", out)
            assert sorted(i["id"] for i in doc["items"]) == sorted(storable(i.id) for i in items)
    with Store.open(paths.store_path()) as store:
        loaded, events, journal = store.load_items(), store.events(), store.journal()
    cap = report.capacity_report(CFG, events, loaded, NOW)
    for fmt in ("table", "markdown", "json", "toml"):
        text = report.render_capacity(cap, fmt)
        inert(f"capacity {fmt}", text, newlines=True)
        if fmt == "json":
            json_inert("capacity json", text)
        if fmt == "toml":
            tomllib.loads(text)
    led = report.ledger(CFG, events, journal, loaded, NOW - timedelta(days=30), NOW)
    md = report.render_ledger(led, "markdown")
    inert("report markdown", md, newlines=True)
    json_inert("report json", report.render_ledger(led, "json"))
    for line in md.splitlines():  # a Markdown link only ever points at a valid URL
        for target in line.split("](")[1:]:
            assert safe_url(target.split(")")[0]), line


# ---------------------------------------------------------------------------------------------
# File names


def doc_data(paths_: list[str], full_name: str = "acme/api") -> SourceData:
    """One repository whose docs, named ``paths_``, are overdue for review."""
    old = Commit(
        sha="e" * 40,
        title="docs",
        author="alice",
        date=NOW - timedelta(days=400),
        url=f"https://github.com/{full_name}/commit/{'e' * 40}",
    )
    docs = tuple(
        DocFile(path=p, text="---\nreview_by: 2020-01-01\n---\n# Guide\n", last_commit=old)
        for p in paths_
    )
    repo = Repo(
        host="github.com",
        full_name=full_name,
        url=f"https://github.com/{full_name}",
        blob_base=f"https://github.com/{full_name}/blob",
    )
    data = RepoData(repo=repo, docs=docs, tree=frozenset({"README.md"}), tree_complete=True)
    return SourceData(source="gh", host="github.com", repos=(data,), viewer="me")


@pytest.mark.parametrize("name", [t for _, t in FILE_NAMES], ids=[lbl for lbl, _ in FILE_NAMES])
def test_a_hostile_file_name_reaches_every_exit_as_characters(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    items = detect_all(doc_data([name, "docs/plain.md"]), context(CFG))
    doc = next(i for i in items if i.where["file"] == name)
    # The raw name stays where gluetui talks back to the forge: the id and where.file.
    assert doc.id == f"github.com/acme/api#stale_doc/{name}"
    assert doc.kind is Kind.STALE_DOC and doc.title.startswith(name)
    # The URL still leads to that file: percent-encoded, a valid URL to show, copy and open.
    assert safe_url(doc.url) == doc.url and doc.url.startswith("https://github.com/acme/api/blob/")
    for item in items:
        item_exits(item)
    assert item_values(doc)["file"] == item_values(doc)["file"].strip()
    store_exits(items, capsys)
    with Store.open(paths.store_path()) as store:
        kept = {i.id: i for i in store.load_items()}
    assert kept[storable(doc.id)].where["file"] == storable(name)  # the store keeps it exact


# ---------------------------------------------------------------------------------------------
# Reply URLs


@pytest.mark.parametrize("url", [t for _, t in REPLY_URLS], ids=[lbl for lbl, _ in REPLY_URLS])
def test_a_hostile_reply_url_is_shown_copied_opened_or_printed_only_when_valid(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from gluetui.delegate import Outcome
    from gluetui.ui.handoff import handoff_text, outcome_message

    items = detect_all(hostile_data("Fix the parser"), context(CFG))
    store_exits(items, capsys, url)
    entry = JournalEntry(
        key="k",
        item_id=items[0].id,
        automation="hook",
        request={},
        intent_at=NOW,
        outcome_at=NOW,
        ok=True,
        message=f"opened {url}",
        url=url,
    )
    inert("hand-off", handoff_text(None, [entry]).plain, newlines=True)
    inert("notification", outcome_message(Outcome(items[0].id, "hook", "k", True, "ok", url)))
    # The item's own URL, when a forge answered with that one.
    item_exits(dataclasses.replace(items[0], url=url))
    valid = safe_url(url)
    if "javascript" in url or "data:" in url or "file:" in url or "@" in url or ESC in url:
        assert valid == ""
    if url == "https://github.com/acme/api/pull/1":
        assert valid == url


def test_a_look_alike_host_is_shown_in_ascii() -> None:
    assert safe_url("https://g\u0456thub.com/acme") == "https://xn--gthub-n2e.com/acme"


# ---------------------------------------------------------------------------------------------
# Every str field, by introspection


def _str_like(annotation: Any) -> bool:
    """str, str | None, tuple[str, ...], frozenset[str], Mapping[str, str]."""
    if annotation is str:
        return True
    args = typing.get_args(annotation)
    return bool(args) and all(a is str or a is type(None) or a is Ellipsis for a in args)


def _hostile_value(annotation: Any, name: str = "") -> Any:
    if name == "path":
        return f"docs/{HOSTILE}.md"  # still a doc by the default globs
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return (HOSTILE, HOSTILE)
    if origin is frozenset:
        return frozenset({HOSTILE, "README.md"})
    if origin in (dict, Mapping) or (origin and issubclass(origin, Mapping)):
        return {HOSTILE: HOSTILE, "file": HOSTILE}
    return HOSTILE


RECORD_TYPES = [
    obj
    for obj in vars(records).values()
    if dataclasses.is_dataclass(obj) and obj.__module__ == records.__name__
]
RECORD_FIELDS = [
    (cls, f.name, hint)
    for cls in RECORD_TYPES
    for f in dataclasses.fields(cls)
    if _str_like(hint := typing.get_type_hints(cls)[f.name])
]


def _mutate(value: Any, cls: type, name: str, new: Any) -> Any:
    """``value`` with field ``name`` of every ``cls`` instance inside it set to ``new``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _mutate(getattr(value, f.name), cls, name, new)
            for f in dataclasses.fields(value)
            if f.name != name or type(value) is not cls
        }
        if type(value) is cls:
            changes[name] = new
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_mutate(v, cls, name, new) for v in value)
    return value


def test_the_walk_sees_every_record_type_and_many_fields() -> None:
    assert {c.__name__ for c in RECORD_TYPES} >= {
        "Repo",
        "Review",
        "PullRequest",
        "Job",
        "TestResult",
        "Run",
        "Commit",
        "DocFile",
        "RepoData",
        "RepoError",
        "SourceData",
    }
    assert len(RECORD_FIELDS) >= 40


@pytest.mark.parametrize(
    ("cls", "name", "hint"), RECORD_FIELDS, ids=[f"{c.__name__}.{n}" for c, n, _ in RECORD_FIELDS]
)
def test_every_str_field_of_every_record_type(cls: type, name: str, hint: Any) -> None:
    base = hostile_data("Fix the parser")
    assert {i.kind for i in detect_all(base, context(CFG))} == set(Kind)  # every kind flows
    data = _mutate(base, cls, name, _hostile_value(hint, name))
    items = detect_all(data, context(CFG))
    for item in items:
        item_exits(item)


def test_hostile_record_text_does_reach_the_exits() -> None:
    """Not vacuous: the fields a stranger writes show up (cleaned) in what gluetui prints."""
    reached = set()
    for cls, name, hint in RECORD_FIELDS:
        items = detect_all(
            _mutate(hostile_data("x"), cls, name, _hostile_value(hint, name)), context(CFG)
        )
        if any(MARKER in text for item in items for text in item_exits(item)):
            reached.add(f"{cls.__name__}.{name}")
    assert reached >= {
        "PullRequest.title",
        "PullRequest.author",
        "PullRequest.head_branch",
        "Run.workflow",
        "Job.name",
        "TestResult.name",
        "Commit.author",
        "DocFile.path",
        "Repo.full_name",
    }


ITEM_FIELDS = [
    (f.name, hint)
    for f in dataclasses.fields(Item)
    if _str_like(hint := typing.get_type_hints(Item)[f.name])
]
EVIDENCE_FIELDS = [f.name for f in dataclasses.fields(Evidence)]


@pytest.mark.parametrize(("name", "hint"), ITEM_FIELDS, ids=[n for n, _ in ITEM_FIELDS])
def test_every_str_field_of_an_item(name: str, hint: Any) -> None:
    item = detect_all(hostile_data("Fix the parser"), context(CFG))[0]
    changed = dataclasses.replace(item, **{name: _hostile_value(hint)})
    texts = item_exits(changed)
    if name == "url":  # not a valid URL: never shown, copied or opened
        assert not any(MARKER in t for t in texts)
    elif name not in EXACT_KEYS and name not in ("automations", "source", "host"):
        assert any(MARKER in t for t in texts), name


@pytest.mark.parametrize("name", EVIDENCE_FIELDS)
def test_every_str_field_of_the_evidence(name: str) -> None:
    item = detect_all(hostile_data("Fix the parser"), context(CFG))[0]
    evidence = dataclasses.replace(item.evidence[0], **{name: HOSTILE})
    item_exits(dataclasses.replace(item, evidence=(evidence, *item.evidence[1:])))


def test_the_item_walk_covers_the_fields_a_stranger_writes() -> None:
    assert {n for n, _ in ITEM_FIELDS} >= {"id", "title", "url", "repo", "author", "where"}
