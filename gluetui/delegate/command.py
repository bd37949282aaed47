"""Command automations: run a local program with the item as data, never through a shell.

Item text (titles, branch names) is written by strangers. It reaches the program only as
separate argv elements (each templated on its own, never joined and re-split), as JSON on stdin
and as ``GLUETUI_*`` environment variables, so ``$(rm -rf ~)`` or ``; echo pwned`` in a title is
just text. A value that starts with ``-`` is still one argv element, but the program may parse
it as an option: scripts that take item facts as arguments should put ``--`` before them in
``argv`` (``["notify", "--", "{title}"]``) or read stdin instead.

The program inherits the environment minus forge tokens, runs in its own process group (killed
as a whole on timeout, so a forked helper cannot outlive it) and its output is kept bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gluetui.config.forges import FORGE_KINDS
from gluetui.delegate.templates import item_values
from gluetui.errors import ActionError
from gluetui.model import Item
from gluetui.textsafe import clean, clean_json, encodable

#: Environment variables never passed to a command (tokens a script has no business reading).
SECRET_ENV = frozenset(name for kind in FORGE_KINDS.values() for name in kind.secret_env)

#: Output kept from a command (the tail: errors are usually at the end).
OUTPUT_LIMIT = 4096

_READ_CHUNK = 65536


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How the program ended and the (cleaned, bounded) tail of what it printed."""

    exit_code: int | None
    output: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


def item_payload(item: Item, automation: str, key: str) -> dict[str, Any]:
    """The JSON a command reads on stdin and a webhook receives: the item as ``items --json``
    prints it (human-readable fields cleaned, URLs validated, the id exact)."""
    return {
        "automation": clean(automation, 100),
        "idempotency_key": key,
        "item": clean_json(item.to_json()),
    }


def command_env(
    item: Item,
    automation: str,
    key: str,
    *,
    base: Mapping[str, str] | None = None,
    hide: Iterable[str] = (),
) -> dict[str, str]:
    """The program's environment: ``base`` (default: ours) minus secrets, plus ``GLUETUI_*``."""
    hidden = SECRET_ENV | frozenset(hide)
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in hidden}
    for name, value in item_values(item).items():
        env[f"GLUETUI_{name.upper()}"] = _no_nul(value)
    env["GLUETUI_AUTOMATION"] = _no_nul(automation)
    env["GLUETUI_IDEMPOTENCY_KEY"] = key
    return env


def _no_nul(value: str) -> str:
    """``value`` as exec() can carry it: NUL bytes dropped, lone surrogates replaced (U+FFFD).

    Neither can reach argv or the environment; one hostile title must not stop the automation.
    """
    return encodable(value.replace("\x00", ""))


async def run_command(
    argv: Iterable[str],
    *,
    stdin: bytes,
    env: Mapping[str, str],
    timeout: float,
    limit: int = OUTPUT_LIMIT,
) -> CommandResult:
    """Run ``argv`` (no shell), feed ``stdin``, keep the last ``limit`` bytes of stdout+stderr."""
    args = [_no_nul(a) for a in argv]
    try:
        proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=dict(env),
            start_new_session=True,  # its own process group, so a timeout kills its children too
        )
    except OSError as exc:
        raise ActionError(
            f"Could not start {args[0]!r}: {exc.strerror or exc}.",
            "Check the automation's argv[0] (an absolute path is safest) and its permissions.",
        ) from exc
    tail = bytearray()

    async def feed() -> None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.write(stdin)
            await proc.stdin.drain()
        proc.stdin.close()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            await proc.stdin.wait_closed()

    async def drain() -> None:
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(_READ_CHUNK):
            tail.extend(chunk)
            if len(tail) > limit:
                del tail[: len(tail) - limit]

    try:
        async with asyncio.timeout(timeout):
            await asyncio.gather(feed(), drain())
            code = await proc.wait()
    except TimeoutError:
        _kill_group(proc.pid)
        await proc.wait()
        return CommandResult(None, _text(tail, limit), timed_out=True)
    except BaseException:
        _kill_group(proc.pid)
        raise
    return CommandResult(code, _text(tail, limit))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _text(data: bytes | bytearray, limit: int) -> str:
    return clean(bytes(data).decode("utf-8", "replace"), max_len=limit, single_line=False).strip()


def stdin_bytes(item: Item, automation: str, key: str) -> bytes:
    return json.dumps(item_payload(item, automation, key), ensure_ascii=True).encode("ascii")
