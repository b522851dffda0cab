"""The servers under test: start them on loopback, wait until ready, stop them; their data.

Shared by `rest.py`, `graphql.py` and `load.py`, so every benchmark starts, probes and stops a
server the same way: its own session (a Ctrl-C reaches only the benchmark, which then stops
the server in order), a ready URL polled until it answers 200, SIGTERM then SIGKILL on exit,
and the server's log kept in the run's temporary directory for the error message.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "hetrec2011-lastfm-2k"
START_TIMEOUT_S = 60.0


def default_data_dir() -> Path:
    """``LASTFM_DATA_DIR``, else the shared copy beside the repository."""
    env = os.environ.get("LASTFM_DATA_DIR")
    return Path(env) if env else DEFAULT_DATA_DIR


def bench_env() -> dict[str, str]:
    """The environment every server and command of a benchmark runs with: no ``DATABASE_URL``
    or ``REDIS_URL`` leaking in from the shell, no progress bars (``CI``), and rate limiting
    off — one load generator on loopback is the whole point, not abuse."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["CI"] = "1"
    env["RATE_LIMIT_PER_MINUTE"] = "0"
    return env


def console_script(name: str, missing: str) -> str:
    """A console script beside this interpreter (the project's venv), else on ``PATH``; exit
    with ``missing`` (what to do about it) when there is none."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"error: `{name}` not found; {missing}")
    return found


def soundstream_exe() -> str:
    return console_script("soundstream", "run with the project's venv (.venv/bin/python)")


def datasette_exe() -> str:
    return console_script("datasette", "install the dev extra: pip install -e '.[dev]'")


def ingest(data_dir: Path, database_url: str, env: dict[str, str]) -> None:
    """``soundstream ingest`` the dataset into ``database_url``; exit with its output on failure."""
    argv = [
        soundstream_exe(),
        "ingest",
        "--data-dir",
        str(data_dir),
        "--database-url",
        database_url,
    ]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: ingest failed:\n{done.stdout}{done.stderr}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """Status and body of a GET (error statuses too; connection errors raise OSError)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def http_ok(url: str) -> bool:
    try:
        return http_status(url, timeout=2)[0] == 200
    except OSError:
        return False


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (all its threads); None where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": field 3 is fields[0]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def named_cpu_seconds(name: str) -> float | None:
    """CPU seconds of every live process called ``name`` (``postgres``: the database server's
    backends on this host, which serve the API's queries on the same cores); None where /proc
    is absent. A process that ends between two readings drops its share: compare readings
    around a load whose connections stay open."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != name:
                continue
        except OSError:
            continue
        total += process_cpu_seconds(int(entry.name)) or 0.0
    return total


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds of a process and its live descendants (a multi-worker server's workers are
    child processes); None where /proc is absent."""
    own = process_cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(tree_cpu_seconds(child) or 0.0 for child in child_pids(pid))


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (a multi-worker server's workers); [] without /proc."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def worker_pids(pid: int) -> list[int]:
    """A multi-worker server's workers: its children but multiprocessing's resource tracker
    (a helper process the ``spawn`` start method adds)."""
    workers = []
    for child in child_pids(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in command:
            workers.append(child)
    return workers


def established_connections(pids: list[int], port: int) -> list[int] | None:
    """Per process of ``pids``, how many established TCP connections it holds on local
    ``port``: which worker the kernel handed each client connection to (a worker keeps a
    keep-alive connection, and every request on it, to the end). None without /proc.

    Read from /proc alone: each process's socket inodes (its ``fd`` links), matched to the
    IPv4 and IPv6 tables' local port and state (``01``: established)."""
    established: set[str] = set()  # socket inodes
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == port and state == "01":
                established.add(inode)
    if not established and not Path("/proc/net/tcp").exists():
        return None
    counts = []
    for pid in pids:
        held = 0
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in established:
                    held += 1
        except OSError:
            pass
        counts.append(held)
    return counts


@contextmanager
def running(
    name: str, argv: list[str], env: dict[str, str], ready_url: str, log: Path
) -> Iterator[int]:
    """Start a server, wait for ``ready_url`` to answer 200, and always stop it on exit
    (SIGTERM to its process group, then SIGKILL after 10 s), also on Ctrl-C or a failed run.
    Yields the server's pid."""
    with log.open("w") as log_file:
        process = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not http_ok(ready_url):
            if process.poll() is not None:
                sys.exit(f"error: {name} exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                sys.exit(f"error: {name} not ready after {START_TIMEOUT_S:.0f} s ({ready_url})")
            time.sleep(0.2)
        yield process.pid
        if process.poll() is not None:
            sys.exit(f"error: {name} died during the benchmark:\n{log.read_text()}")
    finally:
        if process.poll() is None:
            # The group: a multi-worker server's workers go with their supervisor.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so the ``finally`` blocks stop the servers."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


@contextmanager
def fresh_postgres_database(admin_url: str, prefix: str) -> Iterator[str]:
    """Create a uniquely named PostgreSQL database, yield its SQLAlchemy URL, drop it after
    (``WITH (FORCE)``: a server still connected does not keep it alive). ``admin_url`` is any
    database on the server to run CREATE/DROP DATABASE from."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
