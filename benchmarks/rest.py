"""REST benchmark: the real server against Datasette on the same SQLite file, with ``wrk``.

Why Datasette: it is what someone holding this SQLite file would otherwise put in front of it
(a JSON API for free), so "how much faster than Datasette" is the question the issue asks. Both
servers run at the same time, on loopback, over one freshly ingested copy of the full dataset,
and each endpoint is measured on both back to back (alternating which goes first), so noise on
this shared machine hits both alike; the ratio is the result, absolute numbers are context.

For each endpoint (and each server):

* a 1 s warm-up at 4 connections (discarded; fills caches and the page cache);
* throughput: ``wrk -t1 -c20 -d<duration>`` -> requests/s;
* latency:    ``wrk -t1 -c4 -d<duration> --latency`` -> p50/p95/p99.

`_wrk.lua` rotates through many ids (artists, users) and counts response statuses: a run with
any non-2xx answer is reported as such and never passes a target, so endpoints that do not
exist yet (404) are not silently benchmarked.

Targets (from the issue): single-artist throughput at 20 connections >= 3x Datasette's; at
4 connections p99 <= 10 ms for single-resource reads (an artist, a user's artists) and
p95 <= 20 ms for search and analytics (tag search, stats, chart).

Besides req/s, each throughput run reads the server's CPU time from /proc: CPU milliseconds per
request moves less than req/s on a shared machine (other jobs mostly stretch wall time, not the
work a request costs), though contention inflates it too. ``--rounds N`` repeats the whole
mix, interleaved, and reports medians.

Usage (about 2 minutes with the defaults; ``--rounds 3`` about 6)::

    .venv/bin/python benchmarks/rest.py [--duration 5] [--rounds 1] [--endpoints artist,stats]
        [--json out.json] [--database soundstream.db] [--datasette-immutable]

Needs ``wrk`` (Debian: ``apt-get install -y wrk``) and Datasette (the project's dev extra).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from _runinfo import describe_run
from _servers import (
    bench_env,
    datasette_exe,
    default_data_dir,
    free_port,
    http_status,
    ingest,
    process_cpu_seconds,
    running,
)
from _wrk import WrkRun, require_wrk, run_wrk

DB_NAME = "soundstream"  # Datasette names the database after the file's stem
SAMPLE_SEED = 2011
SAMPLE_SIZE = 2000
THROUGHPUT_CONNECTIONS = 20
LATENCY_CONNECTIONS = 4

Server = Literal["ours", "datasette"]


@dataclass(frozen=True)
class Sample:
    """Ids the requests rotate through, drawn once from the database (seeded)."""

    artist_ids: list[int]
    user_ids: list[int]


# Datasette equivalents of our endpoints. Lists return one page of 20 plus the total, as our
# page envelope does (`count(*) OVER ()` is the same work as a separate COUNT).
USER_ARTISTS_SQL = """
SELECT a.id, a.name, a.url, a."pictureURL", ua.weight, count(*) OVER () AS total
FROM user_artists ua JOIN artists a ON a.id = ua."artistID"
WHERE ua."userID" = :user
ORDER BY ua.weight DESC, a.id
LIMIT 20
"""
# Ours: match=all, relevance order (matched tags, then their assignments, then plays, then
# id), each hit with plays, listeners and its matched tags' counts; 20 per page plus the total.
SEARCH_SQL = """
WITH matched AS (
    SELECT uta."artistID" AS artist_id, uta."tagID" AS tag_id, count(*) AS n
    FROM user_taggedartists uta
    WHERE uta."tagID" IN (SELECT "tagID" FROM tags WHERE lower("tagValue") IN (:tag1, :tag2))
    GROUP BY uta."artistID", uta."tagID"
), hits AS (
    SELECT artist_id, count(*) AS tags_matched, sum(n) AS assignments,
           group_concat(tag_id || ':' || n) AS matched_tags
    FROM matched GROUP BY artist_id HAVING count(*) = 2
), scored AS (
    SELECT h.*, count(*) OVER () AS total,
        coalesce((SELECT sum(weight) FROM user_artists ua WHERE ua."artistID" = h.artist_id), 0)
            AS plays,
        (SELECT count(*) FROM user_artists ua WHERE ua."artistID" = h.artist_id) AS listeners
    FROM hits h
)
SELECT a.id, a.name, a.url, a."pictureURL", s.plays, s.listeners, s.matched_tags, s.total
FROM scored s JOIN artists a ON a.id = s.artist_id
ORDER BY s.tags_matched DESC, s.assignments DESC, s.plays DESC, a.id
LIMIT 20
"""
STATS_SQL = """
SELECT
    (SELECT count(*) FROM users) AS users,
    (SELECT count(*) FROM artists) AS artists,
    (SELECT count(*) FROM tags) AS tags,
    (SELECT count(*) FROM user_artists) AS listens,
    (SELECT sum(weight) FROM user_artists) AS plays,
    (SELECT count(*) FROM user_taggedartists) AS tag_assignments,
    (SELECT count(*) FROM user_friends) AS friendships
"""
CHART_SQL = """
SELECT a.id, a.name, sum(ua.weight) AS plays, count(*) AS listeners
FROM user_artists ua JOIN artists a ON a.id = ua."artistID"
GROUP BY ua."artistID"
ORDER BY plays DESC, a.id
LIMIT 10
"""
READY_SQL = """
SELECT
    (SELECT count(*) FROM artists), (SELECT count(*) FROM users), (SELECT count(*) FROM tags),
    (SELECT count(*) FROM user_artists), (SELECT count(*) FROM user_taggedartists),
    (SELECT count(*) FROM user_friends), (SELECT value FROM meta WHERE key = 'data_version')
"""


def datasette_sql(sql: str, **params: object) -> str:
    return f"/{DB_NAME}.json?" + urlencode({"sql": " ".join(sql.split()), **params})


@dataclass(frozen=True)
class Endpoint:
    """One line of the mix: the request paths each server is sent, and what target applies."""

    key: str
    title: str
    kind: Literal["read", "analytics", "smoke"]
    ours: Callable[[Sample], list[str]]
    datasette: Callable[[Sample], list[str]]


ENDPOINTS: dict[str, Endpoint] = {
    e.key: e
    for e in (
        Endpoint(
            "artist",
            "GET /artists/{id}",
            "read",
            lambda s: [f"/api/v1/artists/{i}" for i in s.artist_ids],
            lambda s: [f"/{DB_NAME}/artists/{i}.json" for i in s.artist_ids],
        ),
        Endpoint(
            "user_artists",
            "GET /users/{id}/artists",
            "read",
            lambda s: [f"/api/v1/users/{i}/artists" for i in s.user_ids],
            lambda s: [datasette_sql(USER_ARTISTS_SQL, user=i) for i in s.user_ids],
        ),
        Endpoint(
            "search",
            "GET /artists/search?tags=rock,indie&match=all",
            "analytics",
            lambda _s: ["/api/v1/artists/search?tags=rock,indie&match=all"],
            lambda _s: [datasette_sql(SEARCH_SQL, tag1="rock", tag2="indie")],
        ),
        Endpoint(
            "stats",
            "GET /stats",
            "analytics",
            lambda _s: ["/api/v1/stats"],
            lambda _s: [datasette_sql(STATS_SQL)],
        ),
        Endpoint(
            "chart",
            "GET /charts/artists?by=plays&limit=10",
            "analytics",
            lambda _s: ["/api/v1/charts/artists?by=plays&limit=10"],
            lambda _s: [datasette_sql(CHART_SQL)],
        ),
        # Smoke checks of the harness (not in the default mix): no query / a few COUNTs.
        Endpoint(
            "health",
            "GET /health (smoke)",
            "smoke",
            lambda _s: ["/api/v1/health"],
            lambda _s: ["/-/versions.json"],
        ),
        Endpoint(
            "ready",
            "GET /ready (smoke)",
            "smoke",
            lambda _s: ["/api/v1/ready"],
            lambda _s: [datasette_sql(READY_SQL)],
        ),
    )
}
DEFAULT_ENDPOINTS = ("artist", "user_artists", "search", "stats", "chart")


@dataclass
class Measurement:
    server: Server
    endpoint: str
    example: str
    warmup: WrkRun | None = None
    throughput: WrkRun | None = None
    latency: WrkRun | None = None
    # Server CPU (user + system, all threads) per request during the throughput run: unlike
    # req/s it hardly moves when other jobs steal the cores, so it backs the ratio up.
    cpu_ms_per_request: float | None = None

    @property
    def runs(self) -> list[WrkRun]:
        return [r for r in (self.warmup, self.throughput, self.latency) if r is not None]

    @property
    def clean(self) -> bool:
        return len(self.runs) == 3 and all(r.clean for r in self.runs)

    def problems(self) -> str:
        """Over all three runs, e.g. ``"404 x23,946 of 23,946"``; empty when clean."""
        total = sum(r.requests for r in self.runs)
        statuses: dict[str, int] = {}
        errors: dict[str, int] = {}
        for run in self.runs:
            for code, n in run.statuses.items():
                statuses[code] = statuses.get(code, 0) + n
            for kind, n in run.errors.items():
                if kind != "status":
                    errors[kind] = errors.get(kind, 0) + n
        parts = [f"{c} x{n:,} of {total:,}" for c, n in sorted(statuses.items()) if c[0] != "2"]
        parts += [f"socket {kind} errors x{n:,}" for kind, n in errors.items() if n]
        if any(r.requests == 0 for r in self.runs):
            parts.append("a run completed no request")
        return ", ".join(parts)


@dataclass(frozen=True)
class Summary:
    """One server on one endpoint over all rounds: medians of each figure across rounds."""

    rounds: int
    rps: float
    latency_ms: dict[str, float]  # "50", "95", "99" -> ms
    cpu_ms_per_request: float | None
    clean: bool
    problems: str

    @classmethod
    def of(cls, measurements: list[Measurement]) -> Summary:
        throughput = [m.throughput for m in measurements if m.throughput]
        latency = [m.latency for m in measurements if m.latency]
        cpu = [m.cpu_ms_per_request for m in measurements if m.cpu_ms_per_request is not None]
        return cls(
            rounds=len(measurements),
            rps=statistics.median(r.rps for r in throughput) if throughput else 0.0,
            latency_ms={
                p: statistics.median(r.percentile_ms(p) for r in latency) if latency else 0.0
                for p in ("50", "95", "99")
            },
            cpu_ms_per_request=statistics.median(cpu) if cpu else None,
            clean=bool(measurements) and all(m.clean for m in measurements),
            problems="; ".join(sorted({m.problems() for m in measurements} - {""})),
        )


@dataclass
class Results:
    run: str
    duration_s: float
    rounds: int
    measurements: list[Measurement] = field(default_factory=list)

    def summary(self, server: Server, endpoint: str) -> Summary | None:
        found = [m for m in self.measurements if m.server == server and m.endpoint == endpoint]
        return Summary.of(found) if found else None


# ------------------------------------------------------------------------------------- servers


def ours_argv(port: int) -> list[str]:
    """`soundstream serve`'s uvicorn call, with production-ish settings: 1 worker, log level
    warning, no reload (the CLI hard-codes log level info, hence uvicorn directly)."""
    return [
        sys.executable, "-m", "uvicorn", "server.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning",
    ]  # fmt: skip


def datasette_argv(db: Path, port: int, immutable: bool, *extra: str) -> list[str]:
    """``datasette serve`` on ``db`` (``-i``: immutable, its fastest mode), plus ``extra``."""
    where = ["-i", str(db)] if immutable else [str(db)]
    return [datasette_exe(), "serve", *where, "--host", "127.0.0.1", "--port", str(port), *extra]


# ----------------------------------------------------------------------------------------- wrk


@dataclass(frozen=True)
class Target:
    """A running server under test."""

    server: Server
    base_url: str
    pid: int


def measure(
    target: Target, endpoint: str, paths: list[str], tmp: Path, duration: float
) -> Measurement:
    paths_file = tmp / f"{target.server}-{endpoint}.paths"
    paths_file.write_text("\n".join(paths) + "\n")
    m = Measurement(target.server, endpoint, paths[0])
    paths = [str(paths_file)]
    m.warmup = run_wrk(target.base_url, paths, connections=LATENCY_CONNECTIONS, duration=1)
    cpu_before = process_cpu_seconds(target.pid)
    m.throughput = run_wrk(
        target.base_url, paths, connections=THROUGHPUT_CONNECTIONS, duration=duration
    )
    cpu_after = process_cpu_seconds(target.pid)
    if cpu_before is not None and cpu_after is not None and m.throughput.requests:
        m.cpu_ms_per_request = (cpu_after - cpu_before) * 1000 / m.throughput.requests
    m.latency = run_wrk(target.base_url, paths, connections=LATENCY_CONNECTIONS, duration=duration)
    status = "ok" if m.clean else f"NOT 2xx: {m.problems()}"
    print(
        f"  {endpoint:<13} {target.server:<9} {m.throughput.rps:>6.0f} req/s "
        f"@{THROUGHPUT_CONNECTIONS} ({fmt_cpu(m.cpu_ms_per_request)} ms CPU/req)  "
        f"p50/p95/p99 {'/'.join(f'{m.latency.percentile_ms(p):.1f}' for p in ('50', '95', '99'))}"
        f" ms @{LATENCY_CONNECTIONS}  [{status}]",
        flush=True,
    )
    return m


def probe(base_url: str, path: str) -> str:
    """The first request to an endpoint: status, size and time (cold: ours caches analytics
    results per data version, so this is the one request that computes them)."""
    started = time.perf_counter()
    try:
        status, body = http_status(base_url + path, timeout=30)
    except OSError as exc:
        return f"error {exc}"
    elapsed_ms = (time.perf_counter() - started) * 1000
    return f"{status}, {len(body):,} bytes, {elapsed_ms:.0f} ms"


# ------------------------------------------------------------------------------------- dataset


def draw_sample(db: Path) -> Sample:
    with sqlite3.connect(db) as conn:
        artists = [r[0] for r in conn.execute("SELECT id FROM artists ORDER BY id")]
        users = [r[0] for r in conn.execute('SELECT "userID" FROM users ORDER BY "userID"')]
    rng = random.Random(SAMPLE_SEED)
    return Sample(
        artist_ids=rng.sample(artists, min(SAMPLE_SIZE, len(artists))),
        user_ids=rng.sample(users, min(SAMPLE_SIZE, len(users))),
    )


# -------------------------------------------------------------------------------------- report


def fmt_cpu(ms: float | None) -> str:
    return "-" if ms is None else f"{ms:.2f}"


def fmt_latency(summary: Summary | None) -> str:
    if summary is None:
        return "-"
    return "/".join(f"{summary.latency_ms[p]:.1f}" for p in ("50", "95", "99"))


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def targets(results: Results, endpoints: list[str]) -> list[str]:
    """The issue's targets, each PASS / FAIL, or INVALID when a run had non-2xx answers."""
    lines: list[str] = []
    for key in endpoints:
        ours, theirs = results.summary("ours", key), results.summary("datasette", key)
        kind = ENDPOINTS[key].kind
        if ours is None:
            continue
        invalid = "" if ours.clean else f"INVALID (ours answered {ours.problems})"
        if key == "artist":
            name = f"{key}: throughput @{THROUGHPUT_CONNECTIONS} >= 3x Datasette"
            if theirs is None or not theirs.clean or not theirs.rps:
                invalid = invalid or "INVALID (Datasette run not clean)"
            if invalid or theirs is None:
                lines.append(f"{name}: {invalid}")
            else:
                ratio = ours.rps / theirs.rps
                lines.append(f"{name}: {ratio:.2f}x -> {verdict(ratio >= 3)}")
        if kind == "read":
            p99 = ours.latency_ms["99"]
            name = f"{key}: p99 @{LATENCY_CONNECTIONS} <= 10 ms"
            lines.append(f"{name}: {invalid or f'{p99:.1f} ms -> {verdict(p99 <= 10)}'}")
        elif kind == "analytics":
            p95 = ours.latency_ms["95"]
            name = f"{key}: p95 @{LATENCY_CONNECTIONS} <= 20 ms"
            lines.append(f"{name}: {invalid or f'{p95:.1f} ms -> {verdict(p95 <= 20)}'}")
    return lines


def report(results: Results, endpoints: list[str]) -> None:
    head = (
        f"{'endpoint':<13}{'ours req/s':>11}{'ds req/s':>9}{'ratio':>7}"
        f"{'ours p50/p95/p99':>18}{'ds p50/p95/p99':>17}{'CPU ms/req':>12}{'ratio':>7}"
        "  non-2xx or errors"
    )
    print()
    print(
        f"req/s and server CPU per request at {THROUGHPUT_CONNECTIONS} connections; "
        f"latency (ms) at {LATENCY_CONNECTIONS}; medians over {results.rounds} round(s)"
    )
    print("ratio = ours/Datasette; CPU ratio = Datasette/ours (> 1: ours does less work)")
    print(head)
    print("-" * len(head))
    for key in endpoints:
        ours, theirs = results.summary("ours", key), results.summary("datasette", key)
        ours_rps = ours.rps if ours else 0.0
        ds_rps = theirs.rps if theirs else 0.0
        ratio = f"{ours_rps / ds_rps:.2f}x" if ds_rps else "-"
        ours_cpu = ours.cpu_ms_per_request if ours else None
        ds_cpu = theirs.cpu_ms_per_request if theirs else None
        cpu_ratio = f"{ds_cpu / ours_cpu:.2f}x" if ours_cpu and ds_cpu else "-"
        notes = []
        if ours and not ours.clean:
            notes.append(f"ours: {ours.problems}")
        if theirs and not theirs.clean:
            notes.append(f"datasette: {theirs.problems}")
        print(
            f"{key:<13}{ours_rps:>11.0f}{ds_rps:>9.0f}{ratio:>7}"
            f"{fmt_latency(ours):>18}{fmt_latency(theirs):>17}"
            f"{fmt_cpu(ours_cpu) + '/' + fmt_cpu(ds_cpu):>12}{cpu_ratio:>7}"
            f"  {'; '.join(notes) or '-'}"
        )
    print()
    print("targets:")
    for line in targets(results, endpoints):
        print(f"  {line}")


# ---------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run (5)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every endpoint this many times (interleaved) and report medians (1)",
    )
    parser.add_argument(
        "--endpoints",
        default=",".join(DEFAULT_ENDPOINTS),
        help=f"comma-separated, from {', '.join(ENDPOINTS)} (default: %(default)s)",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="the .dat files")
    parser.add_argument(
        "--database", type=Path, default=None, help="an already ingested SQLite file to use as is"
    )
    parser.add_argument(
        "--datasette-immutable",
        action="store_true",
        help="serve Datasette with -i (immutable: its fastest mode) instead of the default",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    args = parser.parse_args()
    unknown = [e for e in args.endpoints.split(",") if e not in ENDPOINTS]
    if unknown:
        parser.error(f"unknown endpoints {unknown}; choose from {list(ENDPOINTS)}")
    if args.duration <= 0:
        parser.error("--duration must be positive")
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    return args


def main() -> None:
    args = parse_args()
    require_wrk()
    endpoints: list[str] = args.endpoints.split(",")
    started = time.perf_counter()
    results = Results(run=describe_run(), duration_s=args.duration, rounds=args.rounds)
    print(results.run)
    env = bench_env()  # rate limiting off: a load test from one client is not abuse
    with tempfile.TemporaryDirectory(prefix="soundstream-rest-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.database is not None:
            if not args.database.is_file():
                sys.exit(f"error: no database file {args.database}")
            # Datasette names a database after its file: a link keeps the URLs /soundstream/...
            db = tmp / f"{DB_NAME}.db"
            db.symlink_to(args.database.resolve())
        else:
            data_dir = (args.data_dir or default_data_dir()).resolve()
            db = tmp / f"{DB_NAME}.db"
            print(f"ingesting {data_dir} into {db} ...", flush=True)
            ingest(data_dir, f"sqlite:///{db}", env)
        sample = draw_sample(db)
        ours_port, ds_port = free_port(), free_port()
        ours_url, ds_url = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{ds_port}"
        ours_env = {**env, "DATABASE_URL": f"sqlite:///{db}"}
        with (
            running(
                "soundstream",
                ours_argv(ours_port),
                ours_env,
                f"{ours_url}/api/v1/ready",
                tmp / "ours.log",
            ) as ours_pid,
            running(
                "datasette",
                datasette_argv(db, ds_port, args.datasette_immutable),
                env,
                f"{ds_url}/-/versions.json",
                tmp / "datasette.log",
            ) as ds_pid,
        ):
            ours = Target("ours", ours_url, ours_pid)
            datasette = Target("datasette", ds_url, ds_pid)
            print("probes (the first request to each endpoint, cold):")
            for key in endpoints:
                endpoint = ENDPOINTS[key]
                print(
                    f"  {key:<13} ours {probe(ours_url, endpoint.ours(sample)[0])}; "
                    f"datasette {probe(ds_url, endpoint.datasette(sample)[0])}"
                )
            print(f"measuring ({args.duration:g} s per run) ...", flush=True)
            turn = 0
            for round_no in range(args.rounds):
                if args.rounds > 1:
                    print(f" round {round_no + 1}/{args.rounds}", flush=True)
                for key in endpoints:
                    endpoint = ENDPOINTS[key]
                    runs = [
                        (ours, endpoint.ours(sample)),
                        (datasette, endpoint.datasette(sample)),
                    ]
                    # Alternate who goes first: neither always inherits the other's warm caches.
                    for target, paths in runs[::-1] if turn % 2 else runs:
                        results.measurements.append(measure(target, key, paths, tmp, args.duration))
                    turn += 1
    report(results, endpoints)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(results), indent=2))
        print(f"raw results written to {args.json}")


if __name__ == "__main__":
    main()
