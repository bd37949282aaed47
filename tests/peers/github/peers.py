"""The GitHub adapter's loopback peers: install (npm registry only), start on 127.0.0.1, stop by PID.

* Prism (``@stoplight/prism-cli``, pinned in ``package.json`` here) serving GitHub's official
  OpenAPI description from ``@octokit/openapi`` (only ``generated/api.github.com.json`` is kept from
  the 28 MB package), localized by ``localize_github_spec.py`` for the chosen port;
* GitHub's published GraphQL schema (``schema.graphql`` from ``@octokit/graphql-schema``).

Everything lands in ``<repo>/.peers/github`` (gitignored). Used by ``tests/github/conftest.py``;
also runnable by hand::

    python tests/peers/github/peers.py start   # prints the URL and PID, records the PID
    python tests/peers/github/peers.py stop    # stops exactly that PID
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
WORK = ROOT / ".peers" / "github"
HOST = "127.0.0.1"


class PeerUnavailable(RuntimeError):
    """Node/npm missing or the install failed: peer tests skip with this reason."""


def _pins() -> dict[str, dict[str, str]]:
    data = json.loads((HERE / "package.json").read_text())
    packed: dict[str, dict[str, str]] = data["gluetuiPacked"]
    return packed


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise PeerUnavailable("node and npm are needed for the GitHub peers (Prism); not found")
    return npm


def _run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise PeerUnavailable(f"{' '.join(cmd[:3])} failed: {proc.stderr.strip()[-400:]}")


def _packed_file(package: str) -> Path:
    """One file out of a pinned npm package, fetched with ``npm pack`` (not a full install)."""
    pin = _pins()[package]
    specs = WORK / "specs"
    out = specs / f"{package.split('/')[-1]}-{pin['version']}-{Path(pin['file']).name}"
    if out.exists() and out.stat().st_size > 0:
        return out
    specs.mkdir(parents=True, exist_ok=True)
    _run([_npm(), "pack", "--silent", f"{package}@{pin['version']}"], specs)
    tgz = specs / f"{package.lstrip('@').replace('/', '-')}-{pin['version']}.tgz"
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(pin["file"])
        if member is None:
            raise PeerUnavailable(f"{pin['file']} missing from {package}")
        tmp = out.with_suffix(".tmp")
        tmp.write_bytes(member.read())
        tmp.replace(out)
    tgz.unlink()
    return out


def graphql_schema() -> Path:
    """GitHub's published GraphQL schema (SDL)."""
    return _packed_file("@octokit/graphql-schema")


def openapi_spec() -> Path:
    """GitHub's official REST description (unlocalized)."""
    return _packed_file("@octokit/openapi")


def prism_cli() -> Path:
    cli = WORK / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"
    if not cli.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "package.json", WORK / "package.json")
        _run([_npm(), "install", "--no-audit", "--no-fund", "--loglevel=error"], WORK)
    return cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


#: A localized description older than this is left from an earlier run (Prism reads its file
#: once, at start): it is removed.
STALE_SPEC_SECONDS = 1800


def localized_spec(port: int) -> Path:
    """The description localized for loopback on ``port``; rebuilt when the script changes.

    PyGithub (the actions) follows ``url`` fields from bodies and refuses another host or port
    than its own, so each Prism (one per test worker) gets a file localized for its port.
    """
    script = HERE / "localize_github_spec.py"
    stamp = hashlib.sha256(script.read_bytes()).hexdigest()[:10]
    out = WORK / "specs" / f"api.github.com.local-{stamp}-{port}.json"
    if not out.exists():
        for old in (WORK / "specs").glob("api.github.com.local-*.json"):
            with contextlib.suppress(OSError):
                if not old.name.startswith(f"api.github.com.local-{stamp}-") or (
                    time.time() - old.stat().st_mtime > STALE_SPEC_SECONDS
                ):
                    old.unlink()
        _run(
            [
                sys.executable,
                str(HERE / "localize_github_spec.py"),
                str(openapi_spec()),
                str(out),
                "--base-url",
                f"http://{HOST}:{port}",
            ],
            WORK,
        )
    return out


@dataclass
class Prism:
    url: str
    pid: int
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Stop exactly the process this helper started (by its PID), TERM then KILL."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_prism(timeout: float = 120.0) -> Prism:
    """Install what is missing, start Prism on a free loopback port, wait until it answers."""
    cli = prism_cli()
    port = free_port()
    spec = localized_spec(port)
    log = WORK / f"prism-{port}.log"
    node = shutil.which("node") or "node"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [node, str(cli), "mock", "-h", HOST, "-p", str(port), "-v", "warn", str(spec)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=WORK,
        )
    prism = Prism(f"http://{HOST}:{port}", proc.pid, proc, log)
    (WORK / "prism.pid").write_text(f"{proc.pid} {port}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PeerUnavailable(f"Prism exited during startup; see {log}")
        try:
            with urllib.request.urlopen(f"{prism.url}/__ready", timeout=2):
                return prism
        except OSError as exc:
            if getattr(exc, "code", None):  # any HTTP answer means it is serving
                return prism
            time.sleep(0.25)
    prism.stop()
    raise PeerUnavailable(f"Prism did not answer within {timeout:.0f} s; see {log}")


def _stop_recorded() -> None:
    pidfile = WORK / "prism.pid"
    if not pidfile.exists():
        print("no recorded Prism")
        return
    pid = int(pidfile.read_text().split()[0])
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"prism-cli" in cmdline.read_bytes():
        os.kill(pid, 15)
        print(f"stopped Prism pid {pid}")
    pidfile.unlink()


if __name__ == "__main__":
    if sys.argv[1:] == ["start"]:
        p = start_prism()
        print(f"Prism {p.url} pid {p.pid}")
    elif sys.argv[1:] == ["stop"]:
        _stop_recorded()
    else:
        print(__doc__)
