"""Loads ``config.toml`` into the typed models of :mod:`gluetui.config.schema`, strictly.

Anything wrong with the file becomes one :class:`ConfigInvalid` that lists every problem, one line
each (``config.toml:12: sources[0].kind: expected 'github' or 'gitlab', got 'gitbub'``), so a
user fixes the whole file in one pass instead of one error per run. Values are validated without
loose coercion: ``"60"`` is not a number and ``"yes"`` is not a boolean.

The helpers the rest of the app needs about the config live here too: where a source's token
comes from (:func:`resolve_token`), which repositories a source watches and which ones you are
accountable for.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gluetui.config.checks import config_problems, config_warnings
from gluetui.config.lines import KeyPath, key_at, key_lines, line_of
from gluetui.config.problems import (
    Problem,
    automation_problem,
    describe,
    dotted,
    unknown_key,
    without_automation_kind,
)
from gluetui.config.schema import Config, SourceConfig
from gluetui.config.secrets import literal_tokens, name_problems
from gluetui.config.tokens import resolve_token
from gluetui.errors import ConfigError
from gluetui.keyplan import keymap_problems

__all__ = [
    "ConfigInvalid",
    "Problem",
    "config_warnings",
    "is_accountable",
    "load_config",
    "load_config_text",
    "resolve_token",
    "watched",
]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")
#: A value written like a date (``2026-02-30``, ``2026-13-01``): tomllib refuses impossible ones.
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:$|[ T])")
# tomllib's wording for the two mistakes people make most, said the way they would say it.
_TOML_PLAIN = {
    "Illegal character '\\n'": "a string is not closed before the end of the line",
    "Cannot overwrite a value": "a key or table is defined twice",
}


class ConfigInvalid(ConfigError):
    """The config file is not valid; ``problems`` holds one printable line per problem."""

    def __init__(self, found: list[Problem]) -> None:
        self.found = found
        self.problems = [str(p) for p in found]
        more = len(found) - 1
        hint = "Fix it, then run `gluetui config check`."
        if more:
            hint = f"{len(found)} problems in all; fix them, then run `gluetui config check`."
        super().__init__(self.problems[0], hint)


def load_config(path: Path) -> Config:
    """Read and validate the config file at ``path``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"No config at {path}.", "Run `gluetui init` to write one, or pass --config."
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            f"{path} is a directory, not a config file.", "Pass --config FILE."
        ) from None
    except PermissionError:
        raise ConfigError(
            f"Cannot read {path}: permission denied.", "Check the file's permissions."
        ) from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        problem = Problem(str(path), line, "", "not valid UTF-8; save the file as UTF-8", column)
        raise ConfigInvalid([problem]) from None
    return load_config_text(text, path)


def load_config_text(text: str, path: Path | str = "<string>") -> Config:
    """Validate config ``text``; ``path`` is only used to name the file in errors."""
    file = str(path)
    data = _parse(text, file)
    lines = key_lines(text)
    found: list[tuple[KeyPath, str]] = literal_tokens(data)
    secret_paths = {p for p, _ in found}
    found += [(p, m) for p, m in name_problems(data) if p not in secret_paths]
    secret_paths = {p for p, _ in found}
    found += _duplicate_sources(data)
    found += _keymap(data)
    try:
        config = Config.model_validate(data, strict=True)
    except ValidationError as exc:
        found += _from_pydantic(exc, secret_paths, any_dupes=len(found) > len(secret_paths))
    else:
        # Well-typed but unsafe or meaningless: http:// tokens, unknown themes, shell templates.
        found += config_problems(config)
        if not found:
            return config
    problems = [Problem(file, line_of(lines, p), dotted(p), m) for p, m in found]
    problems.sort(key=lambda p: p.line if p.line is not None else 1 << 30)
    raise ConfigInvalid(problems)


def _parse(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position:
            line, column = int(position.group(1)), int(position.group(2))
            message = message[: position.start()]
        else:
            line, column = max(1, len(text.splitlines())), None
            message = _TOML_END.sub("", message)
        message = _TOML_PLAIN.get(message, message)
        # Name the key on that line too (the README promises file, line and key).
        path, value = key_at(text, line)
        if _DATE_LIKE.match(value):
            message = f"{value.split()[0]} is not a valid date; write a real date as YYYY-MM-DD"
        else:
            message = f"invalid TOML: {message}"
        problem = Problem(file, line, dotted(path) if path else "", message, column)
        raise ConfigInvalid([problem]) from None
    except (RecursionError, ValueError):
        # tomllib is pure Python: absurd nesting can exhaust the stack before it reports.
        problem = Problem(file, None, "", "invalid TOML: nested too deeply to read")
        raise ConfigInvalid([problem]) from None


def _duplicate_sources(data: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    """Report a repeated source name at the repeat, where the user will want to edit."""
    sources = data.get("sources")
    if not isinstance(sources, list):
        return []
    first: dict[str, int] = {}
    out: list[tuple[KeyPath, str]] = []
    for index, source in enumerate(sources):
        name = source.get("name") if isinstance(source, dict) else None
        if not isinstance(name, str):
            continue
        if name in first:
            out.append(
                (
                    ("sources", index, "name"),
                    f"duplicate source name {name!r} (already used by sources[{first[name]}])",
                )
            )
        else:
            first[name] = index
    return out


def _keymap(data: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    """``[keymap]`` entries that name no command, are no keys, or give two commands one key.

    Entries that are not strings are left to the schema's "expected a string".
    """
    keymap = data.get("keymap")
    if not isinstance(keymap, dict):
        return []
    given = {str(k): v for k, v in keymap.items() if isinstance(v, str)}
    return [(("keymap", p.id), p.message) for p in keymap_problems(given)]


def _from_pydantic(
    exc: ValidationError, secret_paths: set[KeyPath], *, any_dupes: bool
) -> list[tuple[KeyPath, str]]:
    out: list[tuple[KeyPath, str]] = []
    either: set[KeyPath] = set()
    for error in exc.errors(include_url=False):
        path, kind = without_automation_kind(tuple(p for p in error["loc"] if p != "[key]"))
        tag = next((n for n, part in enumerate(path) if part in _EITHER), None)
        if tag is not None:
            # A key that takes a string or an array of strings ("repo", "automation"): pydantic
            # says why each form failed; the user needs one line.
            key = path[:tag]
            if key not in either:
                either.add(key)
                got = _kind_of(error) if tag == len(path) - 1 else "an array holding something else"
                out.append((key, f"expected a string or an array of strings, got {got}"))
            continue
        if any(path[: len(s)] == s for s in secret_paths):
            continue  # already reported as a literal token, without echoing it
        if any_dupes and path == ("sources",) and error["type"] == "value_error":
            continue  # reported per repeated name, at its line
        about_automation = automation_problem(path, kind, error)
        if about_automation is not None:
            out.append(about_automation)
        elif error["type"] == "extra_forbidden":
            out.append((path, unknown_key(path)))
        elif error["loc"][-1:] == ("[key]",):
            out.append((path, f"invalid name: {describe(error)}"))
        else:
            out.append((path, describe(error)))
    return out


#: The union members pydantic names in the location of a ``str | list[str]`` key's errors.
_EITHER = frozenset({"str", "list[str]"})


def _kind_of(error: Any) -> str:
    value = error.get("input")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array holding something else"
    return "something else"


def is_accountable(cfg: Config, host: str, repo: str) -> bool:
    """Whether you are accountable for ``repo`` (``owner/name``) on ``host``.

    Patterns may name ``owner/name`` or ``host/owner/name``, so the same project name on two
    forges can be told apart. Matching ignores case, as both forges do for repository names.
    """
    short = repo.lower()
    full = f"{host.lower()}/{short}"
    for pattern in cfg.accountable:
        pat = pattern.lower()
        if fnmatch.fnmatchcase(short, pat) or fnmatch.fnmatchcase(full, pat):
            return True
    return False


def watched(source: SourceConfig, full_name: str, archived: bool, fork: bool) -> bool:
    """Whether a repository found on ``source`` is watched.

    Repositories listed explicitly in ``repos`` always are: the user named them. Those found via
    orgs, users or groups must match ``include``, must not match ``exclude``, and are skipped when
    archived or forks unless the source opts in.
    """
    name = full_name.lower()
    if any(name == r.lower() for r in source.repos):
        return True
    if archived and not source.include_archived:
        return False
    if fork and not source.include_forks:
        return False
    if not any(fnmatch.fnmatchcase(name, g.lower()) for g in source.include):
        return False
    return not any(fnmatch.fnmatchcase(name, g.lower()) for g in source.exclude)
