#!/usr/bin/env bash
# Quick start, step 2: the whole test suite, every database test on SQLite and PostgreSQL.
# PostgreSQL: TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
# the tests create and drop their own databases there. The full dataset: LASTFM_DATA_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
