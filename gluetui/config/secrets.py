"""Keeps tokens out of the config file, and out of every message about it.

A token pasted into ``config.toml`` ends up in dotfile repositories, screenshots and backups, so
the loader refuses it and says what to write instead. Detection is by key name (``token``,
``password``...) and by the published token shapes of every forge (:mod:`gluetui.config.forges`).
The offending value is never repeated in the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gluetui.config.forges import FORGE_KINDS, ForgeKind
from gluetui.config.lines import KeyPath

SECRET_KEYS = frozenset(
    {"token", "password", "private_token", "access_token", "api_token", "secret", "client_secret"}
)
"""Key names that can only mean a secret was written into the file."""

_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(f"(?:{k.token_pattern})" for k in FORGE_KINDS.values()) + ")"
)


def advice(kind: ForgeKind) -> str:
    """What to write instead of a token, for a source of this kind."""
    command = ", ".join(f'"{part}"' for part in kind.token_command)
    return (
        f'tokens never go in the config file; set token_env = "{kind.token_env[0]}" (an '
        f"environment variable name) or token_command = [{command}]"
    )


WEBHOOK_ADVICE = (
    "secrets never go in the config file; put the value in an environment variable and name"
    ' that variable, e.g. headers_env = { Authorization = "HOOK_AUTH" }'
)


def looks_like_token(text: str) -> bool:
    """Whether ``text`` contains something shaped like a GitHub or GitLab token."""
    return _TOKEN.search(text) is not None


def redact(text: str) -> str:
    """``text`` with anything token-shaped replaced, for the rare message that quotes a value."""
    return _TOKEN.sub("[token hidden]", text)


def literal_tokens(data: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    """Every place a secret was written into the parsed document, with the advice to give."""
    return [(path, _advice(data, path)) for path in _secret_paths(data, ())]


def _secret_paths(value: Any, path: KeyPath) -> Iterator[KeyPath]:
    if isinstance(value, dict):
        for key, item in value.items():
            if looks_like_token(key):
                yield path  # the key itself is the secret: name the table, never the key
            elif key.lower() in SECRET_KEYS:
                yield (*path, key)
            else:
                yield from _secret_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secret_paths(item, (*path, index))
    elif isinstance(value, str) and looks_like_token(value):
        yield path


def _advice(data: dict[str, Any], path: KeyPath) -> str:
    if path[:1] == ("automations",):
        return WEBHOOK_ADVICE
    default = next(iter(FORGE_KINDS.values()))
    if path[:1] == ("sources",) and len(path) > 1:
        sources = data.get("sources")
        index = path[1]
        if isinstance(sources, list) and isinstance(index, int) and index < len(sources):
            source = sources[index]
            kind = source.get("kind") if isinstance(source, dict) else None
            return advice(FORGE_KINDS.get(str(kind), default))
    return advice(default)
