#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs the project with its dev tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      python=$candidate
      break
    fi
  done
fi
[ -n "$python" ] || { echo "error: Python 3.11 or newer is required" >&2; exit 1; }
stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ client/pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # The server with its dev tools, and the SDK (its own distribution, used by the dashboard,
  # the notebook and the tests) with its pandas extra.
  .venv/bin/python -m pip install --quiet -e ".[dev]" -e "./client[pandas]"
  touch "$stamp"
fi
