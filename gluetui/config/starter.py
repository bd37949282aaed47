"""``gluetui init``: a starter config built from what this machine already knows.

It looks for a ``gh`` or ``glab`` login and for the current repository's ``origin`` remote, so the
first config usually works without editing: the logged-in CLI supplies the token (as a
``token_command``, never the token itself) and the current repository is watched and marked as
yours. It writes each forge's starter automations and the suggested routes that use them
(:data:`gluetui.config.routes.DEFAULT_ROUTES`). Every probe runs an argv list with a timeout, and any failure just means "not found".
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import tomli_w
from pydantic import ValidationError

from gluetui.config.forges import FORGE_KINDS, ForgeKind
from gluetui.config.loader import load_config_text
from gluetui.config.routes import starter_routes
from gluetui.config.schema import SourceConfig
from gluetui.config.tokens import Runner, resolve_token
from gluetui.errors import ConfigError, GluetuiError

PROBE_TIMEOUT = 10.0

HEADER = """\
# gluetui config, written by `gluetui init`.
# Every key is explained in config.example.toml in the gluetui repository, and
# `gluetui config check` validates this file.
# Tokens never go in this file: a source names an environment variable that holds one
# (token_env) or a command that prints one (token_command).
"""

#: Asks a forge whose token this is: (source, token) -> login ("" when it cannot tell).
LoginProbe = Callable[[SourceConfig, str], str]
#: The automation ``init`` writes when it learns the user's login.
ASSIGN_ME = "assign-me"

_SCP_LIKE = re.compile(r"^(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>[^\s]+)$")


class Remote(NamedTuple):
    """Where the current repository lives, as read from its ``origin`` remote."""

    kind: str
    host: str
    full_name: str


def starter_config(
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    run: Runner | None = None,
    cwd: Path | None = None,
    logins: Mapping[str, LoginProbe] | None = None,
) -> dict[str, Any]:
    """A config (as TOML-ready data) for this machine's logins and current repository.

    ``logins`` maps a forge kind to a function that asks the forge whose token this is
    (``gluetui init`` passes the adapters'); a login found becomes an ``assign-me`` automation,
    ready for ``assign_on_take``.
    """
    env = os.environ if env is None else env
    runner = run or _run
    remote = git_remote(which, runner, cwd)
    kinds = list(FORGE_KINDS.values())
    clis = {k.name: _logged_in(k.login_cli, which, runner) for k in kinds}
    envs = {k.name: next((n for n in k.token_env if env.get(n)), "") for k in kinds}
    nothing_found = remote is None and not any(clis.values()) and not any(envs.values())
    public_hosts = {k.public_web_host for k in kinds}
    sources: list[dict[str, Any]] = []
    for kind in kinds:
        on_public = remote is not None and remote.host == kind.public_web_host
        # A login alone adds the public service only when the current repository does not say the
        # login is for a self-hosted instance (gh and glab report every host they know at once).
        here_self_hosted = (
            remote is not None and remote.kind == kind.name and remote.host not in public_hosts
        )
        fallback = nothing_found and kind is kinds[0]
        cli, token_env = clis[kind.name], envs[kind.name]
        if not ((cli and not here_self_hosted) or token_env or on_public or fallback):
            continue
        source: dict[str, Any] = {"name": kind.name, "kind": kind.name}
        if cli:
            source["token_command"] = kind.token_command_for(kind.public_web_host)
        else:
            source["token_env"] = token_env or kind.token_env[0]
        if remote is not None and on_public:
            source["repos"] = [remote.full_name]
        sources.append(source)
    if remote is not None and remote.host not in public_hosts:
        kind = FORGE_KINDS[remote.kind]
        sources.append(_self_hosted(remote, kind, logged_in=clis[kind.name]))

    data: dict[str, Any] = {"refresh_minutes": 15.0, "sources": sources}
    if remote is not None:
        data["accountable"] = [remote.full_name]
    data["capacity"] = {"hours_per_sprint": 8.0, "sprint_days": 14}
    data["automations"] = _automations(sources)
    data["automations"].update(_assign_me(sources, logins or {}, env, runner))
    # The suggested routes, naming only the automations written above.
    data["routes"] = starter_routes(list(data["automations"]))
    return data


def _self_hosted(remote: Remote, kind: ForgeKind, *, logged_in: bool) -> dict[str, Any]:
    source: dict[str, Any] = {
        "name": remote.host,
        "kind": kind.name,
        "url": kind.self_hosted_api_url.replace("{host}", remote.host),
    }
    if logged_in:
        source["token_command"] = kind.token_command_for(remote.host)
    else:
        source["token_env"] = kind.self_hosted_token_env
    source["repos"] = [remote.full_name]
    return source


def _automations(sources: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in dict.fromkeys(s["kind"] for s in sources):
        out.update({k: dict(v) for k, v in FORGE_KINDS[name].starter_automations.items()})
    return out


def _assign_me(
    sources: list[dict[str, Any]],
    logins: Mapping[str, LoginProbe],
    env: Mapping[str, str],
    run: Runner,
) -> dict[str, Any]:
    """An ``assign-me`` automation with the login of the first source whose forge tells it."""
    for data in sources:
        probe = logins.get(data["kind"])
        action = f"{data['kind']}.assign"
        if probe is None or action not in FORGE_KINDS[data["kind"]].automation_kinds():
            continue
        try:
            source = SourceConfig.model_validate(data)
            login = probe(source, resolve_token(source, env, run))
        except (GluetuiError, ValidationError):
            continue  # no token, or the forge would not say: init still writes the rest
        if login:
            return {
                ASSIGN_ME: {
                    "kind": action,
                    "fits": ["unreviewed_pr"],
                    "description": f"Assign me ({login}) when I take it",
                    "assignees": [login],
                }
            }
    return {}


def git_remote(
    which: Callable[[str], str | None], run: Runner, cwd: Path | None = None
) -> Remote | None:
    """The forge repository behind ``origin`` in ``cwd``, if it is on a host we can tell apart."""
    if which("git") is None:
        return None
    out = _probe(["git", "remote", "get-url", "origin"], run, cwd)
    return parse_remote(out) if out else None


def parse_remote(url: str) -> Remote | None:
    """``git@github.com:o/r.git``, ``https://gitlab.example.com/g/sub/p`` and the like."""
    url = url.strip()
    scp = _SCP_LIKE.match(url) if "://" not in url else None
    if scp:
        host, path = scp.group("host"), scp.group("path")
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    host = host.lower()
    path = path.strip("/").removesuffix(".git").strip("/")
    segments = [s for s in path.split("/") if s]
    for kind in FORGE_KINDS.values():
        if kind.recognises(host, segments):
            return Remote(kind.name, host, "/".join(segments))
    return None


def _logged_in(tool: str, which: Callable[[str], str | None], run: Runner) -> bool:
    return which(tool) is not None and _probe([tool, "auth", "status"], run) is not None


def _probe(argv: list[str], run: Runner, cwd: Path | None = None) -> str | None:
    """Run a probe; its stdout on success, None on any failure (a probe never stops init)."""
    try:
        done = run(
            argv,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return (done.stdout or "") if done.returncode == 0 else None


def _run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, **kwargs)


def render(data: dict[str, Any]) -> str:
    """The TOML text of ``data`` with the explanatory header (and a note per empty source)."""
    notes = [
        f'# Source {s.get("name")!r} watches nothing yet: add repos = ["owner/name"] or'
        f" {_owners_key(s.get('kind'))} = [...] to it.\n"
        for s in data.get("sources", [])
        if isinstance(s, dict) and not any(s.get(k) for k in ("repos", "orgs", "users", "groups"))
    ]
    if ASSIGN_ME in data.get("automations", {}) and not data.get("assign_on_take"):
        notes.append(
            f'# To assign yourself on the forge when you take an item (m), add\n# assign_on_take = ["{ASSIGN_ME}"] at the top.\n'
        )
    return HEADER + "".join(notes) + "\n" + _toml(data)


def _owners_key(kind: object) -> str:
    found = FORGE_KINDS.get(str(kind))
    return found.owners_key if found is not None else "orgs"


def _toml(data: dict[str, Any]) -> str:
    """tomli-w output, except that sources are always ``[[sources]]`` tables, one per block."""
    sources = data.get("sources")
    if not (isinstance(sources, list) and all(isinstance(s, dict) for s in sources)):
        return tomli_w.dumps(data)
    top = {k: v for k, v in data.items() if k != "sources" and not isinstance(v, dict)}
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    blocks = [tomli_w.dumps(top)]
    blocks += ["[[sources]]\n" + tomli_w.dumps(s) for s in sources]
    blocks.append(tomli_w.dumps(tables))
    return "\n".join(b for b in blocks if b)


def write_config(path: Path, data: dict[str, Any], *, force: bool = False) -> Path:
    """Write ``data`` as TOML to ``path``; refuses to overwrite unless ``force``."""
    if path.exists() and not force:
        raise _exists(path)
    try:
        text = render(data)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Cannot write {path}: {exc}.") from None
    load_config_text(text, path)  # never write a file that `gluetui config check` would refuse
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if force:
            _replace(path, text)
        else:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(text)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot write {path}: {exc.strerror or exc}.", "Pass --path to write elsewhere."
        ) from None
    return path


def _replace(path: Path, text: str) -> None:
    """Write beside the target and rename over it, so a crash never leaves half a config."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _exists(path: Path) -> ConfigError:
    return ConfigError(
        f"{path} already exists.", "Pass --force to overwrite it, or --path to write elsewhere."
    )
