"""Checks that need the validated config as a whole: what is well-typed but unsafe or meaningless.

The schema says a source's ``url`` is a string and ``theme`` a name; these checks say that an
``http://`` URL would carry the token in clear, that ``solarized-neon`` is no theme, and that a
command automation would hand forge text to a shell as code (:mod:`gluetui.config.shellcheck`).
Each problem is a key path and one sentence, reported by the loader with the file and the line.
"""

from __future__ import annotations

import difflib
import ipaddress
from urllib.parse import urlsplit

from gluetui.config.lines import KeyPath
from gluetui.config.routes import route_problems
from gluetui.config.schema import AUTOMATION_KINDS, Config, automation_model
from gluetui.config.shellcheck import shell_problem
from gluetui.config.themes import THEMES

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def config_problems(config: Config) -> list[tuple[KeyPath, str]]:
    """Every unsafe or meaningless value in a config the schema accepted."""
    found: list[tuple[KeyPath, str]] = []
    for index, source in enumerate(config.sources):
        if source.url:
            problem = url_problem(source.url, insecure_http=source.insecure_http)
            if problem:
                found.append((("sources", index, "url"), problem))
    if config.theme not in THEMES:
        close = difflib.get_close_matches(config.theme, THEMES, n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        found.append((("theme",), f"no such theme; {guess}available: {', '.join(THEMES)}"))
    for name, automation in config.automations.items():
        argv = getattr(automation, "argv", None)
        shell = shell_problem(argv) if argv else None
        if shell is not None:
            index, message = shell
            found.append((("automations", name, "argv", index), message))
        if not automation.confirm and not automation.idempotent:
            found.append(
                (
                    ("automations", name, "confirm"),
                    f"confirm = false is allowed only for automations that are safe to run twice"
                    f" (the re-runs: {', '.join(_idempotent_kinds())}); a {automation.kind}"
                    " done twice is done twice, so it always asks",
                )
            )
    found += route_problems(config.routes, config.automations)
    return found


def _idempotent_kinds() -> list[str]:
    return [k for k in AUTOMATION_KINDS if (m := automation_model(k)) and m.idempotent]


def config_warnings(config: Config) -> list[str]:
    """What is allowed but almost certainly not what the user wants (printed, exit 0)."""
    if not config.sources:
        return [
            "no [[sources]]: there is nothing to watch. Add a [[sources]] block with a name, a"
            ' kind ("github" or "gitlab") and the repos, orgs or groups to watch (see'
            " config.example.toml), or run `gluetui init` for a starter file."
        ]
    return []


def url_problem(url: str, *, insecure_http: bool) -> str:
    """Why a source's ``url`` is refused, or ``""``.

    A token goes with every request, so ``http://`` is only accepted for this machine (loopback)
    or when the source says ``insecure_http = true``; user names and passwords in the URL are
    refused like any other secret in the file.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return "not a valid URL; expected https://HOST[/PATH]"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return "expected an https:// URL with a host, such as https://github.example.com/api/v3"
    if parts.username is not None or parts.password is not None:
        return (
            "a user name or password in the URL is a secret in the config file; remove it and"
            " use token_env or token_command"
        )
    if scheme == "http" and not insecure_http and not is_loopback(parts.hostname):
        return (
            "http:// would send the token in clear text; use https://, or set"
            " insecure_http = true for this source if the forge really has no TLS"
        )
    return ""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    name = host.strip("[]").rstrip(".").lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
