"""`soundstream up`, the main job: fetch if missing, ingest if missing or stale, then serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import SMALL_DATA
from tests.server.live import free_port
from tests.server.test_fetch import archive_server, build_archive

__all__ = ["archive_server"]


@contextmanager
def running_up(
    env: dict[str, str], cwd: Path, dashboard_port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    dashboard = ["--dashboard-port", str(dashboard_port)] if dashboard_port else ["--no-dashboard"]
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LASTFM_DATA_DIR")
    }
    environment.update(env)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "up",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *dashboard,
        ],
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # ingest, then training the recommender
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/api/v1/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_up_ingests_then_serves(tmp_path: Path) -> None:
    env = {"LASTFM_DATA_DIR": str(SMALL_DATA), "DATABASE_URL": f"sqlite:///{tmp_path}/up.db"}
    with running_up(env, tmp_path) as (base, _process):
        ready = httpx.get(f"{base}/api/v1/ready").json()
        assert ready["tables"]["artists"] == 8
        assert httpx.get(f"{base}/api/v1/health").json() == {"status": "ok"}
    with running_up(env, tmp_path) as (base, process):
        assert httpx.get(f"{base}/api/v1/ready").json()["data_version"] == ready["data_version"]
    output = process.stdout.read() if process.stdout else ""
    assert "database up to date" in output


def test_up_fetches_the_data_when_missing(archive_server: tuple[str, Path], tmp_path: Path) -> None:
    base_url, www = archive_server
    from tests.conftest import full_data_dir

    digest = build_archive(full_data_dir(), www / "lastfm.zip")
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/fetched.db",
        "LASTFM_ARCHIVE_URL": f"{base_url}/lastfm.zip",
        "LASTFM_ARCHIVE_SHA256": digest,
    }
    with running_up(env, tmp_path) as (base, _process):
        tables = httpx.get(f"{base}/api/v1/ready").json()["tables"]
    assert tables["user_artists"] == 92834
    assert (tmp_path / "data" / "raw" / "artists.dat").is_file()


def _wait_for(url: str, deadline: float) -> httpx.Response:
    while True:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} never answered"
        time.sleep(0.2)


def test_up_serves_the_dashboard_beside_the_api_and_stops_it(tmp_path: Path) -> None:
    env = {"LASTFM_DATA_DIR": str(SMALL_DATA), "DATABASE_URL": f"sqlite:///{tmp_path}/ui.db"}
    dashboard_port = free_port()
    dashboard = f"http://127.0.0.1:{dashboard_port}"
    with running_up(env, tmp_path, dashboard_port=dashboard_port) as (_base, process):
        health = _wait_for(f"{dashboard}/_stcore/health", time.monotonic() + 120)
        assert health.text == "ok"
        # The page Streamlit serves is the dashboard's own app shell.
        assert "<title>Streamlit</title>" in httpx.get(dashboard).text
    output = process.stdout.read() if process.stdout else ""
    assert f"dashboard: {dashboard}" in output
    # Stopping `up` stops the dashboard it started: nothing is left listening.
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{dashboard}/_stcore/health", timeout=2)
