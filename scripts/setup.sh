#!/usr/bin/env bash
# Creates .venv and installs gluetui (with the dev tools when called with "dev"). Idempotent and quick
# when nothing changed: it reinstalls only when pyproject.toml is newer than the last install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extra="${1:-}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.gluetui-installed${extra:+-$extra}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >&2
  if [ "$extra" = dev ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' >&2
  else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e . >&2
  fi
  touch "$stamp"
fi
