"""The scale benchmark's view of a server under test: which worker holds which connection,
which children are workers, and the least-connections nginx it can put in front of them.

Real sockets, processes and nginx (Debian's, installed by ``.ci/run``), no mocks: these
decide how the benchmark reads a two-worker run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.proxying import fetch, free_port, nginx_binary, upstream

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
try:
    import _servers as servers
    import scale
finally:
    sys.path.remove(str(BENCHMARKS))

DEADLINE_S = 30.0


def wait_until(condition: object, what: str) -> None:
    """Poll ``condition()`` until true; fail after a generous deadline (no timing asserted)."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not seen after {DEADLINE_S:.0f} s")
        time.sleep(0.05)


def test_established_connections_counts_the_server_side_per_process() -> None:
    with ExitStack() as stack:
        listener = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
        port = listener.getsockname()[1]
        clients = [
            stack.enter_context(socket.create_connection(("127.0.0.1", port))) for _ in range(3)
        ]
        accepted = [stack.enter_context(listener.accept()[0]) for _ in clients]
        assert len(accepted) == 3
        # this process holds both ends: only the three accepted (local port = the server's)
        # count, not the clients (local port ephemeral) nor the listening socket
        assert servers.established_connections([os.getpid()], port) == [3]
        other = free_port()
        assert servers.established_connections([os.getpid()], other) == [0]
        accepted[0].close()
        clients[0].close()
        wait_until(
            lambda: servers.established_connections([os.getpid()], port) == [2],
            "the closed connection gone",
        )


def test_worker_pids_are_the_children_but_the_resource_tracker() -> None:
    sleeper = "import time; time.sleep(60)"
    tracker = "# multiprocessing.resource_tracker\n" + sleeper
    parent = (
        "import subprocess, sys, time\n"
        f"worker = subprocess.Popen([sys.executable, '-c', {sleeper!r}])\n"
        f"tracker = subprocess.Popen([sys.executable, '-c', {tracker!r}])\n"
        "print(worker.pid, tracker.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert process.stdout is not None
        worker, tracker = (int(x) for x in process.stdout.readline().split())
        assert sorted(servers.child_pids(process.pid)) == sorted([worker, tracker])
        # a child's command line reads empty until its exec has set it up, which can be
        # after Popen returned (the close-on-exec pipe it waits on closes earlier)
        wait_until(
            lambda: all(Path(f"/proc/{pid}/cmdline").read_bytes() for pid in (worker, tracker)),
            "the children's command lines",
        )
        assert servers.worker_pids(process.pid) == [worker]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def nginx() -> str:
    return nginx_binary()


def test_nginx_conf_is_valid_and_spreads_requests_over_the_workers(
    nginx: str, tmp_path: Path
) -> None:
    with upstream("a") as port_a, upstream("b") as port_b:
        front = free_port()
        conf = scale.nginx_conf(tmp_path / "nginx", front, [port_a, port_b])
        text = conf.read_text()
        assert "least_conn;" in text
        assert f"server 127.0.0.1:{port_a};" in text
        assert f"server 127.0.0.1:{port_b};" in text
        checked = subprocess.run(
            [nginx, "-t", "-p", str(tmp_path / "nginx"), "-c", str(conf), "-e", "stderr"],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
        argv = [nginx, "-p", str(tmp_path / "nginx"), "-c", str(conf), "-e", "stderr"]
        log = tmp_path / "nginx.log"
        with servers.running("nginx", argv, dict(os.environ), f"http://127.0.0.1:{front}/", log):
            answers = [fetch(f"http://127.0.0.1:{front}/api/v1/health") for _ in range(10)]
        # with no request in flight least_conn falls back to round robin: both workers serve
        assert {status for status, _, _ in answers} == {200}
        assert {name for _, name, _ in answers} == {"a", "b"}
