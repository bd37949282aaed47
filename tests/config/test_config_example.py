"""config.example.toml keeps its promise: "keys you leave out take the default shown here".

Every setting outside [[sources]], [automations.*], [[routes.*]] and [keymap] must be written with the code's
default; in those example blocks, a key whose example value differs from its default must say
``(default: VALUE)`` in its comment, and VALUE is compared with the code's default. The file also
lists every template placeholder the code accepts.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from gluetui.config.lines import KeyPath, key_lines
from gluetui.config.loader import load_config
from gluetui.config.routes import RouteRule, starter_routes
from gluetui.config.schema import Config
from gluetui.delegate.templates import PLACEHOLDERS

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
DATA = tomllib.loads(TEXT)
CONFIG = load_config(EXAMPLE)
#: Blocks that are examples of what a user writes, not settings with defaults.
EXAMPLE_BLOCKS = ("sources", "automations", "routes", "keymap")
_DEFAULT = re.compile(r"\(default: (.+)\)\s*$")


def _leaves(model: BaseModel, data: dict[str, Any], path: KeyPath) -> list[tuple[KeyPath, Any]]:
    """(key path, field default) of every key written in a settings table."""
    out: list[tuple[KeyPath, Any]] = []
    for key, value in data.items():
        sub = getattr(model, key)
        if isinstance(value, dict) and isinstance(sub, BaseModel):
            out += _leaves(sub, value, (*path, key))
        else:
            field = type(model).model_fields[key]
            out.append(((*path, key), field.get_default(call_default_factory=True)))
    return out


def _value(path: KeyPath) -> Any:
    node: Any = CONFIG
    for part in path:
        node = (
            node[part] if isinstance(part, int) or isinstance(node, dict) else getattr(node, part)
        )
    return node


SETTINGS = [
    (path, default)
    for path, default in _leaves(
        CONFIG, {k: v for k, v in DATA.items() if k not in EXAMPLE_BLOCKS}, ()
    )
]


@pytest.mark.parametrize("path,default", SETTINGS, ids=[".".join(map(str, p)) for p, _ in SETTINGS])
def test_every_setting_shows_the_code_default(path: KeyPath, default: Any) -> None:
    assert _value(path) == default


def _schema_leaves(model: type[BaseModel], path: KeyPath) -> set[KeyPath]:
    out: set[KeyPath] = set()
    for name, field in model.model_fields.items():
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            out |= _schema_leaves(sub, (*path, name))
        elif (*path, name)[0] not in EXAMPLE_BLOCKS:
            out.add((*path, name))
    return out


def test_the_example_writes_every_setting() -> None:
    """Not vacuous: every setting of the schema (outside the example blocks) is in the file."""
    assert {p for p, _ in SETTINGS} == _schema_leaves(Config, ())


def _comment_above(line: int) -> str:
    """The comment lines right above ``line`` (1-based) and its own trailing comment."""
    rows = TEXT.splitlines()
    own = rows[line - 1].split("#", 1)[1] if "#" in rows[line - 1] else ""
    above: list[str] = []
    n = line - 2
    while n >= 0 and rows[n].lstrip().startswith("#"):
        above.insert(0, rows[n].lstrip()[1:].strip())
        n -= 1
    return "\n".join([*above, own.strip()])


def _example_entries() -> list[tuple[KeyPath, BaseModel]]:
    entries: list[tuple[KeyPath, BaseModel]] = [
        (("sources", i), s) for i, s in enumerate(CONFIG.sources)
    ]
    entries += [(("automations", name), a) for name, a in CONFIG.automations.items()]
    return entries


def test_example_values_that_differ_from_the_default_say_the_default() -> None:
    lines = key_lines(TEXT)
    seen: set[tuple[str, str]] = set()
    checked = 0
    for path, model in _example_entries():
        written = DATA[path[0]][path[1]]
        for key in written:
            field = type(model).model_fields[key]
            # A key shared by every automation kind is documented once, where it is first shown.
            owner = next(
                (
                    c.__name__
                    for c in type(model).__mro__
                    if key in getattr(c, "__annotations__", {})
                ),
                type(model).__name__,
            )
            if field.is_required() or (owner, key) in seen:
                continue
            seen.add((owner, key))
            default = field.get_default(call_default_factory=True)
            if getattr(model, key) == default:
                continue
            comment = _comment_above(lines[(*path, key)])
            stated = [m.group(1) for c in comment.splitlines() if (m := _DEFAULT.search(c))]
            assert stated, f"{path}.{key}: example differs from the default; say (default: ...)"
            assert tomllib.loads(f"v = {stated[-1]}")["v"] == default, (path, key, stated)
            checked += 1
    assert checked >= 15  # the walk found the example values it should have


def test_every_placeholder_the_code_accepts_is_listed() -> None:
    missing = [name for name in PLACEHOLDERS if "{" + name + "}" not in TEXT]
    assert missing == []


def test_the_header_makes_the_promise_this_file_tests() -> None:
    assert "Keys you leave out take the\n# default shown here" in TEXT
    assert Config.model_fields["theme"].default == CONFIG.theme


def test_the_example_routes_hold_what_init_writes_in_order() -> None:
    """The rules marked "init" are exactly what `gluetui init` writes for these automations, in
    the same order; the example's own rules sit around them."""
    starter = starter_routes(list(CONFIG.automations))
    assert set(starter) == set(CONFIG.routes)
    for kind, rules in starter.items():
        written = [r.model_dump(exclude_defaults=True) for r in CONFIG.routes[kind]]
        wanted = [RouteRule.model_validate(r).model_dump(exclude_defaults=True) for r in rules]
        found = iter(written)
        assert all(any(w == f for f in found) for w in wanted), (kind, wanted, written)
    marked = TEXT.count("# init:")
    assert marked == sum(len(r) for r in starter.values())
