#!/usr/bin/env bash
# Quick start 2: set up and run every check: ruff, ruff format, mypy (strict), import-linter, pytest.
# Works on a fresh machine (Python 3.11 + pip, Node 20 + npm): installs the dev tools into .venv;
# the peer tests install their own npm/PyPI pieces into .peers/ on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh dev
if ! command -v tmux >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  # The end-to-end test drives a real terminal through tmux; it skips (with a reason) without it.
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || echo "tmux could not be installed; the tmux test will skip" >&2
fi
echo "== ruff check";        .venv/bin/ruff check .
echo "== ruff format";       .venv/bin/ruff format --check .
echo "== mypy (strict)";     .venv/bin/mypy
echo "== import contracts";  .venv/bin/lint-imports
echo "== pytest";            .venv/bin/python -m pytest -n 2 "$@"
