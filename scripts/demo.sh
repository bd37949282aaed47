#!/usr/bin/env bash
# Quick start 1: set up and open the dashboard on the embedded demo organisation (no token, no network).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/gluetui demo "$@"
