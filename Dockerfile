# syntax=docker/dockerfile:1
# Build stage: wheels only; the final image carries no compiler.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY server ./server
COPY graph ./graph
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/soundstream.db \
    RAW_DATA_DIR=/data/raw \
    HOST=0.0.0.0 \
    PORT=8000
RUN useradd --create-home --uid 10001 soundstream && mkdir -p /data && chown soundstream /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
USER soundstream
WORKDIR /home/soundstream
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import urllib.request,os; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT','8000')}/api/v1/health\", timeout=4)"]
# `up` fetches the data into /data/raw on first start (or mount it and set LASTFM_DATA_DIR),
# ingests when the database is missing or stale, then serves.
CMD ["soundstream", "up", "--host", "0.0.0.0"]
