"""Where a source's token comes from: an environment variable or a command, never the config file.

Order: the source's ``token_env`` variable; then its ``token_command``; then, only when no
``token_env`` is configured, the forge's conventional variables (``GITHUB_TOKEN``/``GH_TOKEN`` or
``GITLAB_TOKEN``, from :mod:`gluetui.config.forges`). An explicit command wins over the conventional variables on purpose: a GitHub
Enterprise source with ``gh auth token --hostname ghe.example.com`` must not silently pick up the
github.com token that happens to sit in ``GITHUB_TOKEN``.

The token is returned to the caller and goes nowhere else: no error text, hint or log line here
ever includes it (or the command's stdout, which is where it would be).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

from gluetui.config.forges import forge_kind
from gluetui.config.schema import SourceConfig
from gluetui.config.secrets import redact
from gluetui.errors import AuthError
from gluetui.textsafe import clean

Runner = Callable[..., "subprocess.CompletedProcess[str]"]
"""Runs an argv list like :func:`subprocess.run`; injected by tests."""

TOKEN_COMMAND_TIMEOUT = 10.0


def resolve_token(
    source: SourceConfig, env: Mapping[str, str] | None = None, run: Runner | None = None
) -> str:
    """The token for ``source``; raises :class:`AuthError` saying what to set when there is none."""
    env = os.environ if env is None else env
    if source.token_env:
        value = env.get(source.token_env, "").strip()
        if value:
            return value
    if source.token_command:
        return _from_command(source, run or _run)
    if not source.token_env:
        for name in forge_kind(source.kind).token_env:
            value = env.get(name, "").strip()
            if value:
                return value
    raise AuthError(f"No token for source {source.name!r}.", _hint(source))


def _run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, **kwargs)


def _from_command(source: SourceConfig, run: Runner) -> str:
    argv = list(source.token_command)
    title = f"No token for source {source.name!r}"
    shown = clean(argv[0], 60)
    try:
        done = run(
            argv,
            capture_output=True,
            text=True,
            timeout=TOKEN_COMMAND_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise AuthError(f"{title}: {shown!r} was not found.", _hint(source)) from None
    except subprocess.TimeoutExpired:
        raise AuthError(
            f"{title}: its token_command took longer than {TOKEN_COMMAND_TIMEOUT:g} s.",
            _hint(source),
        ) from None
    except OSError as exc:
        raise AuthError(
            f"{title}: its token_command could not run ({exc.strerror or type(exc).__name__}).",
            _hint(source),
        ) from None
    if done.returncode != 0:
        said = _first_line(done.stderr)
        detail = f" ({said})" if said else ""
        raise AuthError(
            f"{title}: its token_command exited with status {done.returncode}{detail}.",
            _hint(source),
        )
    lines = (done.stdout or "").strip().splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        raise AuthError(f"{title}: its token_command printed nothing.", _hint(source))
    return token


def _first_line(stderr: str | None) -> str:
    """The command's own complaint (``gh: not logged in``), cleaned and with tokens hidden."""
    for line in (stderr or "").splitlines():
        if line.strip():
            return clean(redact(line.strip()), 160)
    return ""


def _hint(source: SourceConfig) -> str:
    forge = forge_kind(source.kind)
    example = "[" + ", ".join(f'"{part}"' for part in forge.token_command) + "]"
    if source.token_command:
        command = clean(" ".join(source.token_command), 80)
        where = (
            f"Check that `{command}` prints a token (log in with its CLI first), or set token_env"
            " to the name of an environment variable that holds one"
        )
    elif source.token_env:
        where = f"Set the environment variable {source.token_env}, or token_command = {example}"
    else:
        names = forge.token_env
        where = f"Set {names[0]}" + (f" (or {names[1]})" if len(names) > 1 else "")
        where += f", or token_env / token_command = {example} for this source in the config"
    return f"{where}. {forge.scopes}"
