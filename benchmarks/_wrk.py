"""Run ``wrk`` with `_wrk.lua` and read back what it counted.

wrk's own summary lumps every status >= 400 into one number and says nothing about 3xx or
about which request was slow; `_wrk.lua` counts statuses (per request category too) and, when
every wrk thread has exactly one connection, times each request by category. Its ``done``
prints one line, ``WRK_RESULT {json}``, parsed here (latencies in microseconds).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WRK_SCRIPT = Path(__file__).resolve().parent / "_wrk.lua"
RESULT_PREFIX = "WRK_RESULT "


@dataclass
class WrkRun:
    """One wrk run, from the ``WRK_RESULT`` line `_wrk.lua` prints (latencies in µs).

    Timed mix runs only: ``categories``, per request category, its statuses, requests lost
    to a socket error and every latency; ``unanswered_ms``, how long each connection's last
    request had been waiting when wrk stopped (wrk counts a timeout only when the late answer
    arrives, so a server that stops answering would otherwise go unnoticed). ``sent``:
    requests each thread sent. ``client_cpu_s``: CPU seconds wrk itself used (it shares the
    cores with the server).
    """

    connections: int
    duration_us: int
    requests: int
    statuses: dict[str, int]
    errors: dict[str, int]
    latency_us: dict[str, Any]
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[int] = field(default_factory=list)
    unanswered_ms: list[float] = field(default_factory=list)
    timeout_s: float | None = None
    client_cpu_s: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def non_2xx(self) -> int:
        """Answers that are not 2xx, GraphQL ``errors`` answers included (`_wrk.lua` files
        them under the status ``graphql_errors``)."""
        return sum(n for code, n in self.statuses.items() if not code.startswith("2"))

    @property
    def stuck(self) -> int:
        """Requests still unanswered at the end after waiting longer than the timeout."""
        if self.timeout_s is None:
            return 0
        return sum(ms > self.timeout_s * 1000 for ms in self.unanswered_ms)

    @property
    def socket_errors(self) -> int:
        """Socket errors and timeouts, stuck requests included."""
        return sum(v for k, v in self.errors.items() if k != "status") + self.stuck

    @property
    def clean(self) -> bool:
        return self.requests > 0 and self.non_2xx == 0 and self.socket_errors == 0

    def percentile_ms(self, p: str) -> float:
        return float(self.latency_us["percentiles"][p]) / 1000


def parse_result(stdout: str, connections: int) -> WrkRun | None:
    """The `WrkRun` in wrk's output, or None if `_wrk.lua` printed no result line."""
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX) :])
            return WrkRun(
                connections=connections,
                duration_us=data["duration_us"],
                requests=data["requests"],
                statuses=data["statuses"],
                errors=data["errors"],
                latency_us=data["latency_us"],
                categories=data.get("categories", {}),
                sent=data.get("sent", []),
                unanswered_ms=data.get("unanswered_ms", []),
            )
    return None


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit(
            "error: `wrk` is not installed; it drives the load. Install it with "
            "`apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)."
        )


def run_wrk(
    base_url: str,
    script_args: list[str],
    *,
    connections: int,
    duration: float,
    threads: int = 1,
    timeout_s: float = 5.0,
) -> WrkRun:
    """``wrk -t<threads> -c<connections> -d<duration>s --latency -s _wrk.lua URL -- ARGS``."""
    argv = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout",
        f"{timeout_s:g}s", "--latency", "-s", str(WRK_SCRIPT), base_url, "--", *script_args,
    ]  # fmt: skip
    cpu_before = _children_cpu_seconds()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 120)
    run = parse_result(done.stdout, connections)
    if run is None:
        sys.exit(f"error: wrk gave no result (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    run.client_cpu_s = _children_cpu_seconds() - cpu_before
    run.timeout_s = timeout_s
    return run


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
