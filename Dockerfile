# syntax=docker/dockerfile:1
# SoundStream: the API, the one-shot data job and the dashboard, from one image.
#
#   docker build -t soundstream .
#   docker run -p 8000:8000 -v soundstream-data:/data soundstream
#
# First start: fetches the dataset into /data/raw (or mount it and set LASTFM_DATA_DIR),
# ingests it into the database (a SQLite file on /data unless DATABASE_URL says otherwise),
# trains the recommender into /data/models, then serves. Later starts skip what is done.

# --- build: a virtual environment holding the project and every dependency -----------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml README.md ./
COPY client ./client
COPY server ./server
COPY graph ./graph
COPY streamlit_app ./streamlit_app
# Editable: the packages stay in /app beside streamlit_app/, where `soundstream dashboard`
# finds the app (server/dashboard.py). The SDK is what the dashboard talks to the API with.
RUN pip install --no-cache-dir "./client[pandas]" \
 && pip install --no-cache-dir --editable . \
 && find /app /opt/venv -name "__pycache__" -type d -prune -exec rm -rf {} +

# --- runtime: the environment and the sources, no compiler, no pip cache, not root ---------
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite:////data/soundstream.db \
    RAW_DATA_DIR=/data/raw \
    RECOMMENDER_MODEL_DIR=/data/models \
    LOG_FORMAT=json \
    TIMEOUT_GRACEFUL_SHUTDOWN=20
RUN groupadd --gid 10001 soundstream \
 && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin soundstream \
 && mkdir -p /data \
 && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# Numeric, so an orchestrator can verify it is not root (Kubernetes runAsNonRoot).
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000 8501
# Liveness only (no database): readiness is /api/v1/ready, which compose and Render use.
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/v1/health\", timeout=4)"]
STOPSIGNAL SIGTERM
# `up` = `prepare` (fetch, ingest, train: each only if needed) then `serve`. Compose runs
# `prepare` once as its own job and `serve` in the api service.
CMD ["soundstream", "up", "--no-dashboard"]
