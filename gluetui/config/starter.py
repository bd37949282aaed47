"""``gluetui init``: a starter config built from what this machine already knows.

It looks for a ``gh`` or ``glab`` login and for the current repository's ``origin`` remote, so the
first config usually works without editing: the logged-in CLI supplies the token (as a
``token_command``, never the token itself) and the current repository is watched and marked as
yours. Every probe runs an argv list with a timeout, and any failure just means "not found".
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

from gluetui.config.loader import load_config_text
from gluetui.config.tokens import Runner
from gluetui.errors import ConfigError

PROBE_TIMEOUT = 10.0

HEADER = """\
# gluetui config, written by `gluetui init`.
# Every key is explained in config.example.toml in the gluetui repository, and
# `gluetui config check` validates this file.
# Tokens never go in this file: a source names an environment variable that holds one
# (token_env) or a command that prints one (token_command).
"""

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
) -> dict[str, Any]:
    """A config (as TOML-ready data) for this machine's logins and current repository."""
    env = os.environ if env is None else env
    runner = run or _run
    remote = git_remote(which, runner, cwd)
    gh = _logged_in("gh", which, runner)
    glab = _logged_in("glab", which, runner)
    sources: list[dict[str, Any]] = []

    github_env = next((n for n in ("GITHUB_TOKEN", "GH_TOKEN") if env.get(n)), "")
    on_github = remote is not None and remote.host == "github.com"
    # A login alone adds the public service only when the current repository does not say the
    # login is for a self-hosted instance (gh and glab report every host they know at once).
    self_hosted = remote is not None and remote.host not in ("github.com", "gitlab.com")
    other_github = self_hosted and remote is not None and remote.kind == "github"
    other_gitlab = self_hosted and remote is not None and remote.kind == "gitlab"
    nothing_found = not (gh or glab or github_env or env.get("GITLAB_TOKEN") or remote)
    if (gh and not other_github) or github_env or on_github or nothing_found:
        source: dict[str, Any] = {"name": "github", "kind": "github"}
        if gh:
            source["token_command"] = ["gh", "auth", "token"]
        else:
            source["token_env"] = github_env or "GITHUB_TOKEN"
        if remote is not None and on_github:
            source["repos"] = [remote.full_name]
        sources.append(source)

    on_gitlab_com = remote is not None and remote.host == "gitlab.com"
    if (glab and not other_gitlab) or env.get("GITLAB_TOKEN") or on_gitlab_com:
        source = {"name": "gitlab", "kind": "gitlab"}
        source.update(_gitlab_token(glab, "gitlab.com"))
        if remote is not None and on_gitlab_com:
            source["repos"] = [remote.full_name]
        sources.append(source)

    if remote is not None and self_hosted:
        sources.append(_self_hosted(remote, gh=gh, glab=glab))

    data: dict[str, Any] = {"refresh_minutes": 15.0, "sources": sources}
    if remote is not None:
        data["accountable"] = [remote.full_name]
    data["capacity"] = {"hours_per_sprint": 8.0, "sprint_days": 14}
    data["automations"] = _automations(sources)
    return data


def _gitlab_token(glab: bool, host: str) -> dict[str, Any]:
    if glab:
        return {"token_command": ["glab", "config", "get", "token", "--host", host]}
    return {"token_env": "GITLAB_TOKEN"}


def _self_hosted(remote: Remote, *, gh: bool, glab: bool) -> dict[str, Any]:
    source: dict[str, Any] = {"name": remote.host, "kind": remote.kind}
    if remote.kind == "gitlab":
        source["url"] = f"https://{remote.host}"
        source.update(_gitlab_token(glab, remote.host))
    else:
        source["url"] = f"https://{remote.host}/api/v3"
        if gh:
            source["token_command"] = ["gh", "auth", "token", "--hostname", remote.host]
        else:
            source["token_env"] = "GH_ENTERPRISE_TOKEN"  # noqa: S105 - a variable name
    source["repos"] = [remote.full_name]
    return source


def _automations(sources: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = {s["kind"] for s in sources}
    out: dict[str, Any] = {}
    if "github" in kinds:
        out["rerun"] = {
            "kind": "github.rerun_failed_jobs",
            "fits": ["broken_ci", "flaky_test"],
            "description": "Re-run the failed jobs of the workflow run",
        }
    if "gitlab" in kinds:
        out["retry"] = {
            "kind": "gitlab.retry_pipeline",
            "fits": ["broken_ci", "flaky_test"],
            "description": "Retry the failed jobs of the pipeline",
        }
    return out


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
    if len(segments) < 2:
        return None
    if "gitlab" in host:
        return Remote("gitlab", host, "/".join(segments))
    if "github" in host and len(segments) == 2:
        return Remote("github", host, "/".join(segments))
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
        f" {'groups' if s.get('kind') == 'gitlab' else 'orgs'} = [...] to it.\n"
        for s in data.get("sources", [])
        if isinstance(s, dict) and not any(s.get(k) for k in ("repos", "orgs", "users", "groups"))
    ]
    return HEADER + "".join(notes) + "\n" + _toml(data)


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
