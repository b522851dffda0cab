#!/usr/bin/env bash
# The SDK as its users get it: build the wheel and sdist, check them with twine, install the
# wheel alone into a fresh virtual environment, start a live server over the small fixture
# database and run scripts/smoke.py against it with that environment's Python.
#
# Usage: bash client/scripts/ci.sh [PYTHON]
#   PYTHON: the project's venv Python, which has `build`, `twine` and the `soundstream`
#           server installed (default: .venv/bin/python at the repository root).
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
client="$(dirname "$scripts")"
root="$(dirname "$client")"
python="${1:-$root/.venv/bin/python}"
[ -x "$python" ] || { echo "ci.sh: no Python at $python" >&2; exit 1; }
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
soundstream="$(dirname "$python")/soundstream"
[ -x "$soundstream" ] || { echo "ci.sh: no soundstream CLI beside $python" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/soundstream-sdk-ci.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
"$python" -m build --outdir "$work/dist" "$client" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 1; }
ls "$work/dist"
wheel="$(ls "$work"/dist/soundstream_sdk-*.whl)"
ls "$work"/dist/soundstream_sdk-*.tar.gz >/dev/null

echo "== twine check"
"$python" -m twine check --strict "$work"/dist/*

echo "== wheel contents"
"$python" - "$wheel" <<'PY'
import sys
import zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
assert "soundstream_sdk/py.typed" in names, "py.typed missing from the wheel"
assert any(n.endswith("licenses/LICENSE") for n in names), "LICENSE missing from the wheel"
strays = [n for n in names if not n.startswith(("soundstream_sdk/", "soundstream_sdk-"))]
assert not strays, f"unexpected files in the wheel: {strays}"
print(f"{len(names)} files, all under soundstream_sdk/")
PY

echo "== fresh virtual environment with the wheel alone"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
"$work/venv/bin/python" -m pip show soundstream-sdk | sed -n '1,2p'

echo "== live server over the small fixture"
db="sqlite:///$work/db.sqlite"
"$soundstream" ingest --data-dir "$root/tests/fixtures/small" --database-url "$db" \
  >"$work/ingest.log" 2>&1 || { cat "$work/ingest.log" >&2; exit 1; }
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
api_key="ci-$RANDOM-$RANDOM"
SOUNDSTREAM_API_KEYS="$api_key" RATE_LIMIT_PER_MINUTE=0 \
  "$soundstream" serve --host 127.0.0.1 --port "$port" --database-url "$db" \
  >"$work/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if "$python" -c "import httpx, sys; sys.exit(httpx.get('$url/api/v1/health', timeout=1).status_code != 200)" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done

echo "== smoke test at $url"
(
  cd "$work" # not the repository: nothing but the installed wheel can be imported
  SOUNDSTREAM_URL="$url" SOUNDSTREAM_API_KEY="$api_key" \
    "$work/venv/bin/python" "$scripts/smoke.py"
) || { echo "--- server log" >&2; cat "$work/server.log" >&2; exit 1; }
