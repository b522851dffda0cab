"""Real nginx in front of stand-in upstream servers, for the tests of the configurations
that put nginx before the API (docker-compose.yml's balancer, `benchmarks/scale.py`'s)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class Upstream(BaseHTTPRequestHandler):
    """Answers every GET with its server's name, over keep-alive HTTP/1.1, and echoes the
    forwarding headers it received (``X-Seen-Forwarded-For``, ``X-Seen-Forwarded-Proto``)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        for header in ("X-Forwarded-For", "X-Forwarded-Proto"):
            self.send_header(header.replace("X-", "X-Seen-", 1), self.headers.get(header, ""))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def upstream(name: str) -> Iterator[int]:
    """An `Upstream` on a free loopback port (yielded) for the duration."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    server.name = name  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    """``(status, body, headers)`` of a GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), response.read().decode(), dict(response.headers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str:
    """Debian's nginx: required in CI (``.ci/run`` installs it), skipped locally without it,
    as PostgreSQL and the dataset are (tests/conftest.py)."""
    found = shutil.which("nginx")
    if found is None:
        missing = "nginx is not installed (Debian: apt-get install nginx; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return found


@contextmanager
def running_nginx(nginx: str, prefix: Path, conf: Path, port: int) -> Iterator[str]:
    """nginx with ``conf`` in the foreground, its base URL yielded once it answers."""
    argv = [nginx, "-p", str(prefix), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
    process = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    _, err = process.communicate(timeout=5)
                    pytest.fail(f"nginx did not start: {err}")
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
