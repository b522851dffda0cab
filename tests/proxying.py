"""Real nginx in front of stand-in upstream servers, for the tests of the configurations
that put nginx before the API (docker-compose.yml's balancer, `benchmarks/scale.py`'s)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
# The benchmarks' scripts import each other by bare name; left on the path, the directory's
# graph.py and graphql.py would shadow the packages of those names.
sys.path.insert(0, str(BENCHMARKS))
try:
    import _servers as servers  # noqa: F401 - re-exported: the start-and-wait helper
finally:
    sys.path.remove(str(BENCHMARKS))


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
