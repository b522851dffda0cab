#!/usr/bin/env bash
# Quick start, step 1: install into .venv, then `soundstream up` (fetch the data if missing,
# ingest it if the database is missing or stale, serve the API on http://127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/soundstream up "$@"
