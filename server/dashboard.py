"""Launching the analysts' dashboard (`streamlit_app/`) beside the API.

The dashboard is a separate process on purpose: it is a client of the API like any other
(it talks to it through `soundstream_sdk` at `SOUNDSTREAM_URL`), so it can run on another
machine, and a crash or a slow page there never stalls an API worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

# The app lives beside the packages in the source tree (and in the Docker image's /app).
APP_PATH = Path(__file__).resolve().parents[1] / "streamlit_app" / "app.py"


def dashboard_command(host: str, port: int, app_path: Path = APP_PATH) -> list[str]:
    """The `streamlit run` command line: headless, no usage statistics, no file watcher
    (a served dashboard never reloads its own source)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def api_url_for(host: str, port: int) -> str:
    """The URL the dashboard uses to reach an API bound to `host`: a wildcard bind is reached
    on loopback."""
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    if ":" in reachable:
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}"


def start_dashboard(api_url: str, host: str, port: int) -> subprocess.Popen[bytes]:
    """Start the dashboard in the background, pointed at `api_url`."""
    if not APP_PATH.is_file():
        raise FileNotFoundError(f"dashboard app not found at {APP_PATH}")
    env = {**os.environ, "SOUNDSTREAM_URL": api_url}
    return subprocess.Popen(dashboard_command(host, port), env=env)  # noqa: S603


def stop_dashboard(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Stop the dashboard with the API: terminate, then kill if it does not exit in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def dashboard_beside(api_url: str, host: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run the dashboard for as long as the block (the API server) runs.

    uvicorn restores the SIGTERM handler it found and re-raises the signal after a graceful
    shutdown; with the default handler that kills this process before any `finally` runs and
    orphans Streamlit. A handler that raises SystemExit instead lets the dashboard be stopped.
    """
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    process = start_dashboard(api_url, host, port)
    try:
        yield process
    finally:
        stop_dashboard(process)
        signal.signal(signal.SIGTERM, previous)
