#!/usr/bin/env python3
"""Build the GitLab replay corpus from python-gitlab's own unit tests (PyPI sdist, pinned).

    .venv/bin/python tests/peers/gitlab/build_corpus.py [--dest .peers/gitlab]

Steps, all with the ordinary pip client against PyPI, into ``.peers/gitlab/`` (gitignored):

1. ``pip download --no-deps --no-binary :all: python-gitlab==8.6.0`` (0.4 MB sdist) and unpack it;
2. ``pip install --no-deps --target site/`` the two packages its unit tests need that gluetui does
   not (``responses``, and ``PyYAML`` which responses imports) — kept out of the project's venv;
3. run ``tests/unit/objects`` of that sdist with ``gitlab_fixture_recorder.py`` loaded, which
   writes every mocked exchange to ``corpus.json``.

Takes ~5 s warm. Safe to run from several pytest workers at once (a file lock serialises builds,
the corpus is renamed into place). Exit status 0 and the corpus path on stdout when it is ready.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

PYGITLAB_VERSION = "8.6.0"
RESPONSES_VERSION = "0.26.3"
PYYAML_VERSION = "6.0.3"
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
DEFAULT_DEST = REPO_ROOT / ".peers" / "gitlab"


class BuildError(RuntimeError):
    """The corpus could not be built (no network, PyPI unreachable, tests broke)."""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> None:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
        raise BuildError(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}): " + " | ".join(tail))


def corpus_path(dest: Path = DEFAULT_DEST) -> Path:
    return dest / "corpus.json"


def build(dest: Path = DEFAULT_DEST, python: str = sys.executable) -> Path:
    """Build ``dest/corpus.json`` unless it exists; return its path or raise :class:`BuildError`."""
    out = corpus_path(dest)
    with _locked(dest / "build.lock"):
        if out.is_file() and out.stat().st_size > 1000:
            return out
        pip = [python, "-m", "pip", "--disable-pip-version-check", "-q"]
        src = dest / "src" / f"python_gitlab-{PYGITLAB_VERSION}"
        if not (src / "tests" / "unit" / "objects").is_dir():
            dl = dest / "dl"
            sdist = dl / f"python_gitlab-{PYGITLAB_VERSION}.tar.gz"
            if not sdist.is_file():
                _run(
                    [
                        *pip,
                        "download",
                        "--no-deps",
                        "--no-binary",
                        ":all:",
                        f"python-gitlab=={PYGITLAB_VERSION}",
                        "-d",
                        str(dl),
                    ]
                )
            if not sdist.is_file():
                raise BuildError(f"pip download did not produce {sdist.name}")
            with tarfile.open(sdist) as tar:
                tar.extractall(dest / "src", filter="data")
        site = dest / "site"
        if not (site / "responses").is_dir() or not (site / "yaml").is_dir():
            _run(
                [
                    *pip,
                    "install",
                    "--no-deps",
                    "--target",
                    str(site),
                    f"responses=={RESPONSES_VERSION}",
                    f"PyYAML=={PYYAML_VERSION}",
                ]
            )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(site), str(HERE)])
        env["GITLAB_CORPUS_OUT"] = str(out)
        env.pop("PYTEST_ADDOPTS", None)
        env.pop("PYTEST_XDIST_WORKER", None)
        cmd = [
            python,
            "-m",
            "pytest",
            "tests/unit/objects",
            "-q",
            "-p",
            "gitlab_fixture_recorder",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-o",
            "addopts=",
            f"--rootdir={src}",
        ]
        proc = subprocess.run(
            cmd, cwd=src, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        if not out.is_file() or out.stat().st_size < 1000:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-8:]
            raise BuildError("python-gitlab unit tests produced no corpus: " + " | ".join(tail))
        return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = ap.parse_args()
    try:
        print(build(args.dest))
    except (BuildError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"build_corpus: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
