"""Keeps tokens out of the config file, and out of every message about it.

A token pasted into ``config.toml`` ends up in dotfile repositories, screenshots and backups, so
the loader refuses it and says what to write instead. Detection is by key name (``token``,
``password``...) and by the published token shapes of every forge (:mod:`gluetui.config.forges`)
and of Slack, AWS and a few other services; where a variable's *name* belongs (``token_env``,
``headers_env`` values), also by shape (long hex keys, high-entropy strings). The offending value is
never repeated in the message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from gluetui.config.forges import FORGE_KINDS, ForgeKind
from gluetui.config.lines import KeyPath
from gluetui.textsafe import clean

SECRET_KEYS = frozenset(
    {"token", "password", "private_token", "access_token", "api_token", "secret", "client_secret"}
)
"""Key names that can only mean a secret was written into the file."""

_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    + "|".join(f"(?:{k.token_pattern})" for k in FORGE_KINDS.values())
    + r"|xox[abposr]-[A-Za-z0-9\-]{8,}|xapp-[A-Za-z0-9\-]{8,}"  # Slack bot, user, app tokens
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|AIza[0-9A-Za-z_\-]{30,}"  # Google API keys
    r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"  # Stripe secret and restricted keys
    r"|npm_[A-Za-z0-9]{30,}|pypi-AgE[A-Za-z0-9_\-]{20,})"  # npm and PyPI tokens
)
#: What an environment variable's name may be (POSIX shells, and what ``token_env`` names).
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{32,}$")
_ENV_STYLE = re.compile(r"^[A-Z0-9_]+$")


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
    """Whether ``text`` contains something shaped like a known token (GitHub, GitLab, Slack, AWS,
    Google, Stripe, npm, PyPI)."""
    return _TOKEN.search(text) is not None


def looks_like_secret(text: str) -> bool:
    """Whether ``text``, written where a variable's *name* belongs, is rather a secret: a known
    token, a long hex key (a 40-hex classic token, an API key), or a long random-looking string
    (mixed case and digits, high entropy) that no one would name a variable."""
    if looks_like_token(text) or _HEX_KEY.match(text):
        return True
    if len(text) < 20 or _ENV_STYLE.match(text) or text.isalpha():
        return False
    has_digit = any(c.isdigit() for c in text)
    mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
    return has_digit and mixed and _entropy(text) >= 3.5


def _entropy(text: str) -> float:
    counts = [text.count(c) for c in set(text)]
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)


def name_problems(data: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    """``token_env`` and ``headers_env`` values must name an environment variable; one that looks
    like a secret is refused without being repeated, with advice on where it belongs."""
    out: list[tuple[KeyPath, str]] = []
    sources = data.get("sources")
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if isinstance(source, dict) and isinstance(source.get("token_env"), str):
            path: KeyPath = ("sources", index, "token_env")
            out += _name_problem(path, source["token_env"], _advice(data, path))
    automations = data.get("automations")
    for name, automation in automations.items() if isinstance(automations, dict) else []:
        headers = automation.get("headers_env") if isinstance(automation, dict) else None
        for header, value in headers.items() if isinstance(headers, dict) else []:
            if isinstance(value, str):
                path = ("automations", name, "headers_env", header)
                out += _name_problem(path, value, WEBHOOK_ADVICE)
    return out


def _name_problem(path: KeyPath, value: str, advice: str) -> list[tuple[KeyPath, str]]:
    key = "token_env" if path[-1] == "token_env" else "a headers_env value"
    if not value and key == "token_env":
        return []  # empty means "the default variables"
    if looks_like_secret(value):
        return [
            (
                path,
                f"{key} looks like a secret itself (not shown; a variable's name is usually"
                f" UPPER_SNAKE_CASE); {advice}",
            )
        ]
    if ENV_NAME.match(value):
        return []
    # Quote it only when it cannot be a secret (words with spaces, or short).
    shown = clean(repr(value[:40]), 200, squeeze=False)
    shown = shown if " " in value.strip() or len(value) <= 12 else "(not shown)"
    return [
        (
            path,
            f"{key} must be the name of an environment variable (letters, digits and '_', not "
            f"starting with a digit), such as {'GITHUB_TOKEN' if key == 'token_env' else 'HOOK_AUTH'};"
            f" got {shown}",
        )
    ]


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
