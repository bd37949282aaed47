"""GitHub's published GraphQL schema, fetched once with ``npm pack`` and built once per process.

The SDL is ``schema.graphql`` from ``@octokit/graphql-schema`` (the same pin as the adapter's schema
tests), kept in ``.peers/bench/`` (gitignored). Building it takes about half a second, so the built
:class:`GraphQLSchema` is cached for the life of the process.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import threading
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema

PACKAGE = "@octokit/graphql-schema"
VERSION = "15.26.1"
ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / ".peers" / "bench"
_lock = threading.Lock()


class SchemaUnavailable(RuntimeError):
    """npm is missing or the registry could not be reached; the message says which."""


def schema_path() -> Path:
    """``.peers/bench/schema.graphql``, fetched from the npm registry on first use."""
    out = PEERS / f"graphql-schema-{VERSION}.graphql"
    with _lock:
        if out.exists() and out.stat().st_size > 0:
            return out
        npm = shutil.which("npm")
        if npm is None:
            raise SchemaUnavailable("npm is needed to fetch GitHub's GraphQL schema; not found")
        PEERS.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [npm, "pack", "--silent", f"{PACKAGE}@{VERSION}"],
            cwd=PEERS,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        tgz = PEERS / f"octokit-graphql-schema-{VERSION}.tgz"
        if proc.returncode != 0 or not tgz.exists():
            raise SchemaUnavailable(f"npm pack {PACKAGE}@{VERSION} failed: {proc.stderr[-300:]}")
        with tarfile.open(tgz) as tar:
            member = tar.extractfile("package/schema.graphql")
            if member is None:
                raise SchemaUnavailable("schema.graphql missing from the package")
            tmp = out.with_suffix(".tmp")
            tmp.write_bytes(member.read())
            tmp.replace(out)
        tgz.unlink()
        return out


@cache
def github_schema() -> GraphQLSchema:
    """The built schema, accepted as valid the way GitHub serves it.

    GitHub's SDL repeats two EnterpriseOwnerInfo fields and deprecates fields on types but not on
    their interfaces; graphql-core refuses both before executing anything, GitHub does not.
    """
    built = build_schema(schema_path().read_text(encoding="utf-8"), assume_valid_sdl=True)
    built._validation_errors = []
    return built
