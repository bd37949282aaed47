"""Loading valid files, the example, unreadable files, and the key-to-line scanner."""

from __future__ import annotations

import datetime as dt
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from gluetui.config.automations import Automation
from gluetui.config.lines import key_lines, line_of
from gluetui.config.loader import ConfigInvalid, load_config, load_config_text
from gluetui.config.schema import (
    AUTOMATION_KINDS,
    AUTOMATION_MODELS,
    EFFORT_DEFAULTS,
    KIND_SETTINGS,
    Config,
    SourceConfig,
    automation_model,
)
from gluetui.errors import ConfigError
from gluetui.model import Kind

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def test_valid_minimal_config_takes_defaults() -> None:
    cfg = load_config(FIXTURES / "valid_minimal.toml")
    assert [(s.name, s.kind, s.repos) for s in cfg.sources] == [("github", "github", ["acme/api"])]
    assert cfg.sources[0].host == "github.com"
    assert cfg.refresh_minutes == 15.0
    assert cfg.detectors.stale_doc.min_age_days == 60
    assert cfg.automations == {}


def test_empty_document_is_the_default_config() -> None:
    assert load_config_text("") == Config()


def test_integers_are_accepted_for_float_keys() -> None:
    cfg = load_config_text("refresh_minutes = 5\n[capacity]\nhours_per_sprint = 6\n")
    assert (cfg.refresh_minutes, cfg.capacity.hours_per_sprint) == (5.0, 6.0)


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbfrefresh_minutes = 3\n")
    assert load_config(path).refresh_minutes == 3


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.title == f"No config at {path}."
    assert caught.value.hint == "Run `gluetui init` to write one, or pass --config."


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "is a directory" in caught.value.title


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'theme = "nord"\nuser = "J\xf6rg"\n')
    with pytest.raises(ConfigInvalid) as caught:
        load_config(path)
    assert caught.value.problems == [f"{path}:2:10: not valid UTF-8; save the file as UTF-8"]


def test_the_example_loads() -> None:
    cfg = load_config(EXAMPLE)
    assert [(s.name, s.kind, s.host) for s in cfg.sources] == [
        ("github", "github", "github.com"),
        ("work-gitlab", "gitlab", "gitlab.example.com"),
    ]
    autos = cfg.automations
    assert autos["rerun-failed"].kind == "github.rerun_failed_jobs"
    assert set(autos["rerun-failed"].fits) == {"broken_ci", "flaky_test"}
    assert autos["rerun-failed"].confirm is False
    assert autos["doc-issue"].kind == "github.create_issue"
    assert autos["doc-issue"].assignees == ["Copilot"]
    assert autos["doc-issue"].fits == ["stale_doc"]
    assert autos["ask-review"].kind == "github.request_review"
    assert [r.route for r in cfg.routes["flaky_test"]] == ["take", "delegate"]
    assert {a.kind for a in autos.values()} >= {"command", "webhook"}
    assert cfg.capacity.sprint_start == dt.date(2026, 1, 5)  # the default, as every setting
    assert cfg.keymap and cfg.dry_run is False


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    seen.add(model)
    for field in model.model_fields.values():
        for sub in _nested(field.annotation):
            if sub not in seen:
                _models(sub, seen)


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested(arg)]


ALL_MODELS: set[type[BaseModel]] = set()
_models(Config, ALL_MODELS)


def _name(model: type[BaseModel]) -> str:
    """Automation models share their common keys: they are checked together, as "automation"."""
    return "automation" if issubclass(model, Automation) else model.__name__


def _generic(model: type[BaseModel], name: str) -> bool:
    """A kind's table or effort made from ``Kind`` with nothing of its own: the example documents
    those once, for every kind (a new kind needs no edit there)."""
    if model.__name__ == "DetectorSettings":
        return name in {k.value for k in Kind} and Kind(name) not in KIND_SETTINGS
    if model.__name__ == "EffortConfig":
        return name in {k.value for k in Kind} and Kind(name) not in EFFORT_DEFAULTS
    return False


def _documented(model: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if not _generic(model, name)]


def test_every_schema_field_is_explained_in_the_example() -> None:
    """Every field name of every model appears in the example, so it cannot drift."""
    assert {Config, SourceConfig, *AUTOMATION_MODELS} <= ALL_MODELS
    assert {m.__name__ for m in ALL_MODELS} >= {"DetectorSettings", "EffortConfig"}
    text = EXAMPLE.read_text()
    missing = sorted(
        f"{m.__name__}.{name}" for m in ALL_MODELS for name in _documented(m) if name not in text
    )
    assert missing == []


def test_every_automation_kind_is_named_in_the_example() -> None:
    text = EXAMPLE.read_text()
    assert [k for k in AUTOMATION_KINDS if k not in text] == []


def test_every_schema_field_is_set_somewhere_in_the_example() -> None:
    """Stronger: each field is an actual key (not only a comment) of a table of its model (for
    automations: of some automation, whatever its kind)."""
    data = tomllib.loads(EXAMPLE.read_text())
    used: set[tuple[str, str]] = set()
    _collect(Config, data, used)
    expected = {(_name(m), name) for m in ALL_MODELS for name in _documented(m)}
    assert sorted(expected - used) == []


def _collect(model: type[BaseModel], table: dict[str, Any], used: set[tuple[str, str]]) -> None:
    for key, value in table.items():
        used.add((_name(model), key))
        annotation = model.model_fields[key].annotation
        if isinstance(value, dict):
            subs = _nested(annotation)
            if subs and typing.get_origin(annotation) is dict:
                for item in value.values():
                    # A table of tables (automations) or of arrays of tables (routes).
                    for entry in item if isinstance(item, list) else [item]:
                        _collect(_member(subs, entry), entry, used)
            elif subs:
                _collect(subs[0], value, used)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                _collect(_nested(annotation)[0], item, used)


def _member(models: list[type[BaseModel]], table: dict[str, Any]) -> type[BaseModel]:
    """The model a table of a union is validated with (automations: by their kind)."""
    if len(models) == 1:
        return models[0]
    found = automation_model(str(table.get("kind")))
    assert found is not None, table
    return found


def test_models_used_by_the_walk_are_the_expected_ones() -> None:
    assert SourceConfig in ALL_MODELS and set(AUTOMATION_MODELS) <= ALL_MODELS


SCANNED = """\
# comment
refresh_minutes = 5
[[sources]]
name = "a"   # trailing
token_command = ["gh",
   "auth",  # inside an array
   "token"]
[[sources]]
name = '''multi
line'''
kind = "gitlab"
[sources.nested]
x = 1
[automations]
rerun = { kind = "command", argv = ["a", { x = 1 }] }
"odd key".k = 1
"""


def test_scanner_places_headers_arrays_inline_tables_and_dotted_keys() -> None:
    lines = key_lines(SCANNED)
    assert lines[("refresh_minutes",)] == 2
    assert lines[("sources", 0)] == 3
    assert lines[("sources", 0, "token_command", 1)] == 6
    assert lines[("sources", 0, "token_command", 2)] == 7
    assert lines[("sources", 1, "kind")] == 11
    assert lines[("sources", 1, "nested", "x")] == 13
    assert lines[("automations", "rerun", "argv", 1, "x")] == 15
    assert lines[("automations", "odd key", "k")] == 16


def test_line_of_falls_back_to_the_enclosing_table() -> None:
    lines = key_lines(SCANNED)
    assert line_of(lines, ("sources", 1, "url")) == 8
    assert line_of(lines, ("nowhere", "at", "all")) is None
    assert line_of(lines, ()) is None


@pytest.mark.parametrize("text", ["[", "a = [1,", 'a = "', "[[a]", "a.b.", "= 1", "{", "'"])
def test_scanner_never_raises_on_broken_text(text: str) -> None:
    assert isinstance(key_lines(text), dict)
