"""Turns pydantic's validation errors into one line per problem a person can act on.

Each problem names the file, the line (when the scanner in :mod:`gluetui.config.lines` placed the
key), the dotted key path as it would be written in TOML (``sources[0].token_env``), what was
expected and, where it helps, what was found — never a token.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from gluetui.config.lines import KeyPath
from gluetui.config.schema import AUTOMATION_KINDS, Config, automation_model
from gluetui.config.secrets import looks_like_token, redact
from gluetui.textsafe import clean

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config file."""

    file: str
    line: int | None
    key: str
    """The dotted key path (``detectors.stale_doc.min_age_days``); empty for a syntax error."""
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def dotted(path: KeyPath) -> str:
    """``("sources", 0, "kind")`` -> ``sources[0].kind``; odd keys are quoted as in TOML."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if _BARE_KEY.match(part) else json.dumps(part)
            out += f".{text}" if out else text
    return out


def describe(error: ErrorDetails) -> str:
    """What was expected (and found) for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing required key"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
    expected = _EXPECTED.get(kind)
    if expected is None:
        expected = _expected_from_ctx(kind, ctx) or error["msg"].replace(
            "Input should be ", "expected "
        )
    if "input" not in error:
        return expected
    return f"{expected}, got {_shown(error['input'])}"


def unknown_key(path: KeyPath) -> str:
    """The message for a key the schema does not have, with the nearest valid key suggested."""
    key = str(path[-1])
    model = model_at(path[:-1])
    if model is None:
        return "unknown key"
    valid = list(model.model_fields)
    # An exact name from another table is a misplaced key more likely than a typo of a local one.
    homes = [p for p in _FIELD_HOMES.get(key, []) if p != path[:-1]]
    if homes and homes[0] == ():
        return "unknown key here; it belongs at the top level, before any [table]"
    if homes:
        return f"unknown key here; it belongs in [{dotted(homes[0])}]"
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    if len(valid) <= 8:
        return f"unknown key; valid keys here: {', '.join(valid)}"
    return "unknown key; config.example.toml lists the keys allowed here"


def without_automation_kind(path: KeyPath) -> tuple[KeyPath, str | None]:
    """The path of an error inside an automation, and the automation's kind.

    pydantic puts the union's tag into the location (``automations.x.github.comment.argv``);
    the file has no such key, so it is taken out and said in words instead.
    """
    if (
        len(path) >= 3
        and path[0] == "automations"
        and isinstance(path[2], str)
        and automation_model(path[2]) is not None
    ):
        return (*path[:2], *path[3:]), path[2]
    return path, None


def automation_problem(
    path: KeyPath, kind: str | None, error: ErrorDetails
) -> tuple[KeyPath, str] | None:
    """The problem for an error about an automation's kind or its keys (None: not one of those)."""
    what = error["type"]
    if what == "union_tag_invalid":
        tag = str((error.get("ctx") or {}).get("tag", ""))
        kinds = list(AUTOMATION_KINDS)
        close = difflib.get_close_matches(tag, kinds, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"valid kinds: {', '.join(kinds)}"
        return (*path, "kind"), f"unknown automation kind {_shown(tag)}; {hint}"
    if what == "union_tag_not_found":
        return (*path, "kind"), "missing required key (every automation names its kind)"
    if kind is None:
        return None
    model = automation_model(kind)
    if what == "extra_forbidden" and model is not None:
        key = str(path[-1])
        message = f"{key!r} does not belong to automations of kind {kind!r}"
        close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
        own = model.own_keys()
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif own:
            message += f"; its own keys are: {', '.join(own)}"
        else:
            message += "; it takes only the keys every automation has"
        return path, message
    if what == "missing":
        return path, f"missing required key for automations of kind {kind!r}"
    return path, describe(error)


def model_at(path: KeyPath) -> type[BaseModel] | None:
    """The config model that validates the table at ``path`` (following lists and dicts)."""
    annotation: Any = Config
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _field_homes() -> dict[str, list[KeyPath]]:
    """Field name -> the plain table paths (no lists or dicts) where it is valid."""
    homes: dict[str, list[KeyPath]] = {}

    def walk(model: type[BaseModel], path: KeyPath) -> None:
        for name, field in model.model_fields.items():
            homes.setdefault(name, []).append(path)
            sub = _unwrap(field.annotation)
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                walk(sub, (*path, name))

    walk(Config, ())
    return homes


_FIELD_HOMES = _field_homes()

_EXPECTED = {
    "string_type": "expected a string",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "list_type": "expected an array",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "date_type": "expected a date written without quotes, such as 2026-01-05",
    "finite_number": "expected a finite number",
    "int_from_float": "expected a whole number",
}


def _expected_from_ctx(kind: str, ctx: dict[str, Any]) -> str | None:
    bounds = {
        "greater_than": ">",
        "greater_than_equal": ">=",
        "less_than": "<",
        "less_than_equal": "<=",
    }
    for name, op in bounds.items():
        if kind == name:
            limit = next(iter(ctx.values()), "?")
            shown = f"{limit:g}" if isinstance(limit, int | float) else str(limit)
            return f"expected a number {op} {shown}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected', 'one of the listed values')}"
    if kind == "string_too_short":
        return "expected a non-empty string"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _NAME_PATTERN:
            return "expected a name of letters, digits, '_', '.' and '-'"
        return f"expected a string matching {ctx.get('pattern')}"
    return None


def _shown(value: Any) -> str:
    """A short, safe rendering of the value found (TOML spelling; never a token)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    text = str(value)
    if looks_like_token(text):
        return "a token-like string (not shown)"
    text = redact(text)
    if len(text) > 40:
        text = text[:37] + "..."
    # repr shows controls as escapes; clean drops what repr leaves raw but invisible.
    return clean(repr(text), 200, squeeze=False)
