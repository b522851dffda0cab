"""Load benchmark (issue #10): a realistic mix at 100 concurrent clients, SQLite, PostgreSQL
and Datasette in one run.

What runs:

1. ``soundstream ingest`` the full dataset into a fresh SQLite file and into a fresh PostgreSQL
   database (created for the run, dropped after it); ``soundstream recommend train`` on each,
   so recommendations come from the trained hybrid, as in production.
2. The production configuration of our server: ``soundstream serve --workers 2 --proxy-headers
   --log-level warning`` (uvicorn, two worker processes for two cores), with
   ``RATE_LIMIT_PER_MINUTE=0``: rate limiting off, since every client is this one load
   generator on loopback. Datasette (its defaults) on the same SQLite file, with the SQL it is
   compared with declared as canned queries (`_load_mix.datasette_metadata`).
3. For each target: a warm-up (``--warmup`` s, other ids) then ``--duration`` s measured, both
   with ``wrk -t100 -c100``: 100 connections, each its own wrk thread, so `_wrk.lua` can time
   every request by category. Each connection sends its own slice of a seeded sequence drawn
   with the mix's weights (`_load_mix.MIX`: 70 % reads, 20 % search/analytics, 5 %
   recommendations, 5 % nested GraphQL). Targets, in order: ours on SQLite (full mix), ours on
   SQLite with Datasette's subset (reads + search/analytics, 90 % of the mix, renormalised),
   Datasette (that subset), ours on PostgreSQL (full mix). The subset run gives the like-for-
   like ratio with Datasette; the full-mix runs are the issue's numbers.
4. Reported per target: requests/s, p50/p95/p99 (all requests, per group and per category),
   non-2xx answers (a GraphQL ``errors`` answer counts) and socket errors, server CPU per
   request (all worker processes), wrk's own CPU (it shares the two cores with the server), and
   how many requests repeated a URL the server had already been sent (the most the response
   cache could have answered: every id is drawn uniformly from the full range).

Exit status 1 if any of our runs (warm-ups included) had a non-2xx answer or a socket error at
the target load, or a probe failed. Datasette's errors are reported, not judged.

Usage (about 4-5 minutes with the defaults, training included; hold the shared benchmark lock)::

    flock /tmp/soundstream-bench.lock .venv/bin/python benchmarks/load.py
        [--duration 20] [--warmup 5] [--connections 100] [--workers 2]
        [--backends sqlite,postgresql] [--no-datasette] [--json benchmarks/results/load.json]

Needs ``wrk`` (Debian: ``apt-get install -y wrk``), Datasette (the dev extra) and, for the
PostgreSQL half, a server at ``--postgres-admin-url``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _load_mix import (
    CATEGORIES,
    GROUPS,
    MIX,
    Call,
    Catalog,
    Request,
    datasette_metadata,
    datasette_request,
    draw_calls,
    ours_request,
    percentile,
    repeats,
    sent_requests,
    split_per_thread,
    subset_mix,
    write_thread_files,
)
from _runinfo import describe_run
from _servers import (
    REPO_ROOT,
    bench_env,
    default_data_dir,
    free_port,
    fresh_postgres_database,
    http_status,
    ingest,
    running,
    soundstream_exe,
    stop_on_sigterm,
    tree_cpu_seconds,
)
from _wrk import WrkRun, require_wrk, run_wrk
from rest import DB_NAME, datasette_argv

DEFAULT_POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_JSON = REPO_ROOT / "benchmarks" / "results" / "load.json"
SEED = 2011
TOP_TAGS = 40
PERCENTILES = (50, 95, 99)


# ------------------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class Server:
    name: str  # "ours (SQLite)", "Datasette"
    base_url: str
    pid: int
    datasette: bool = False


@dataclass(frozen=True)
class Workload:
    """The calls of one measured run and of its warm-up (other ids, same mix)."""

    mix: str  # "full" or "datasette subset"
    calls: list[Call]
    warmup: list[Call]


@dataclass
class Outcome:
    """One target's measured run (and its warm-up), summarised."""

    target: str
    mix: str  # "full" or "datasette subset"
    server: str
    run: WrkRun
    warmup: WrkRun
    server_cpu_ms_per_request: float | None
    repeats: dict[str, tuple[int, int]]  # category -> (requests, repeated URLs)
    cycled_threads: int
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(r.non_2xx + r.socket_errors for r in (self.run, self.warmup))

    def problems(self) -> str:
        parts = []
        for label, r in (("warm-up", self.warmup), ("run", self.run)):
            bad = {c: n for c, n in r.statuses.items() if not c.startswith("2")}
            socket = {k: n for k, n in r.errors.items() if k != "status" and n}
            if r.stuck:
                socket["unanswered for longer than the timeout"] = r.stuck
            if bad or socket:
                parts.append(f"{label}: statuses {bad or '-'}, socket errors {socket or '-'}")
        return "; ".join(parts)

    def repeat_fraction(self) -> float:
        total = sum(n for n, _ in self.repeats.values())
        return sum(h for _, h in self.repeats.values()) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "mix": self.mix,
            "server": self.server,
            "requests": self.run.requests,
            "duration_s": self.run.duration_us / 1e6,
            "rps": self.run.rps,
            "latency_ms": {str(p): self.run.percentile_ms(str(p)) for p in PERCENTILES},
            "latency_max_ms": self.run.latency_us["max"] / 1000,
            "statuses": self.run.statuses,
            "socket_errors": {k: v for k, v in self.run.errors.items() if k != "status"},
            "stuck": self.run.stuck,
            "unanswered_at_end_ms": sorted(self.run.unanswered_ms),
            "warmup": {
                "requests": self.warmup.requests,
                "rps": self.warmup.rps,
                "statuses": self.warmup.statuses,
                "socket_errors": {k: v for k, v in self.warmup.errors.items() if k != "status"},
                "stuck": self.warmup.stuck,
            },
            "errors": self.errors,
            "server_cpu_ms_per_request": self.server_cpu_ms_per_request,
            "client_cpu_s": self.run.client_cpu_s,
            "repeated_url_fraction": self.repeat_fraction(),
            "cycled_threads": self.cycled_threads,
            "groups": self.groups,
            "categories": self.categories,
        }


def latency_summary(samples: Sequence[int]) -> dict[str, Any]:
    return {
        "n": len(samples),
        **{f"p{p}_ms": _ms(percentile(samples, p)) for p in PERCENTILES},
    }


def _ms(us: float | None) -> float | None:
    return None if us is None else us / 1000


def summarise(outcome: Outcome) -> None:
    """Per category and per group: requests, latency percentiles, errors, repeated URLs."""
    by_group: dict[str, list[int]] = {}
    group_counts: dict[str, list[int]] = {}
    for key, data in sorted(outcome.run.categories.items()):
        samples: list[int] = data["latency_us"]
        n, hits = outcome.repeats.get(key, (0, 0))
        bad = sum(v for s, v in data["statuses"].items() if not s.startswith("2"))
        outcome.categories[key] = {
            **latency_summary(samples),
            "statuses": data["statuses"],
            "errors": bad + data["lost"],
            "repeated_urls": hits,
            "sent": n,
        }
        group = CATEGORIES[key].group
        by_group.setdefault(group, []).extend(samples)
        counts = group_counts.setdefault(group, [0, 0, 0])
        counts[0] += bad + data["lost"]
        counts[1] += hits
        counts[2] += n
    total = sum(len(s) for s in by_group.values())
    for group in GROUPS:
        if group in by_group:
            errors, hits, n = group_counts[group]
            outcome.groups[group] = {
                **latency_summary(by_group[group]),
                "share": len(by_group[group]) / total if total else 0.0,
                "errors": errors,
                "repeated_urls": hits,
                "sent": n,
            }


def measure(
    server: Server,
    target: str,
    workload: Workload,
    seen: set[str],
    work: Path,
    args: argparse.Namespace,
) -> Outcome:
    """Warm-up, then the measured run, on one server; ``seen`` holds the URLs this server
    process was already sent (updated)."""
    c = args.connections
    render = datasette_request if server.datasette else ours_request
    requests = [render(call) for call in workload.calls]
    warm_requests = [render(call) for call in workload.warmup]
    slug = target.lower().replace(" ", "-").replace(",", "").replace("(", "").replace(")", "")
    warm_threads = split_per_thread(warm_requests, c)
    run_threads = split_per_thread(requests, c)
    warm_file = write_thread_files(work / f"{slug}-warmup", warm_threads)
    run_file = write_thread_files(work / f"{slug}-run", run_threads)
    common = {"threads": c, "connections": c, "timeout_s": args.timeout}
    warmup = run_wrk(server.base_url, [warm_file, "timed"], duration=args.warmup, **common)
    repeats(sent_requests(warm_threads, warmup.sent), seen)
    cpu_before = tree_cpu_seconds(server.pid)
    run = run_wrk(server.base_url, [run_file, "timed"], duration=args.duration, **common)
    cpu_after = tree_cpu_seconds(server.pid)
    cpu = None
    if cpu_before is not None and cpu_after is not None and run.requests:
        cpu = (cpu_after - cpu_before) * 1000 / run.requests
    outcome = Outcome(
        target=target,
        mix=workload.mix,
        server=server.name,
        run=run,
        warmup=warmup,
        server_cpu_ms_per_request=cpu,
        repeats=repeats(sent_requests(run_threads, run.sent), seen),
        cycled_threads=sum(n > len(t) for n, t in zip(run.sent, run_threads, strict=True)),
    )
    summarise(outcome)
    print(
        f"  {target:<34} {run.rps:>7.0f} req/s  p50/p95/p99 "
        + "/".join(f"{run.percentile_ms(str(p)):.1f}" for p in PERCENTILES)
        + f" ms  errors {outcome.errors}  repeated URLs {outcome.repeat_fraction():.0%}"
        + (f"  [{outcome.problems()}]" if outcome.errors else ""),
        flush=True,
    )
    return outcome


# ------------------------------------------------------------------------------------ probing


def probe(server: Server, sample: dict[str, Request]) -> list[str]:
    """One request per category before the load: each must answer 200 (and our GraphQL
    without ``errors``, our recommendations from a trained model). Returns the failures."""
    failures = []
    for key, request in sample.items():
        url = server.base_url + request.path
        try:
            if request.method == "POST":
                status, body = post_json(url, request.body)
            else:
                status, body = http_status(url, timeout=30)
        except OSError as exc:
            failures.append(f"{key}: {exc}")
            continue
        if status != 200:
            failures.append(f"{key}: {request.method} {request.path} -> {status}: {body[:200]!r}")
            continue
        decoded = json.loads(body)
        if key == "graphql_nested" and decoded.get("errors"):
            failures.append(f"{key}: {decoded['errors']}")
        if key == "recommendations" and decoded.get("model_version") is None:
            failures.append(f"{key}: no trained model served ({decoded.get('fallback')})")
    return failures


def post_json(url: str, body: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# ------------------------------------------------------------------------------------ servers


def read_catalog(db: Path) -> Catalog:
    with sqlite3.connect(db) as conn:
        artists = [r[0] for r in conn.execute("SELECT id FROM artists ORDER BY id")]
        users = [r[0] for r in conn.execute('SELECT "userID" FROM users ORDER BY "userID"')]
        tags = [r[0] for r in conn.execute('SELECT "tagID" FROM tags ORDER BY "tagID"')]
        popular = conn.execute(
            'SELECT lower(t."tagValue") FROM user_taggedartists uta '
            'JOIN tags t ON t."tagID" = uta."tagID" GROUP BY t."tagID" ORDER BY count(*) DESC'
        ).fetchall()
    top: list[str] = []
    for (name,) in popular:
        if "," not in name and name not in top:
            top.append(name)
        if len(top) == TOP_TAGS:
            break
    return Catalog(artist_ids=artists, user_ids=users, tag_ids=tags, top_tags=top)


def train(database_url: str, model_dir: Path, env: dict[str, str]) -> float:
    """``soundstream recommend train`` (tuned, as in production); returns its wall seconds."""
    argv = [
        soundstream_exe(), "recommend", "train", "--database-url", database_url,
        "--model-dir", str(model_dir),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: training failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def serve_argv(port: int, workers: int) -> list[str]:
    """The production configuration of `soundstream serve`."""
    return [
        soundstream_exe(), "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--proxy-headers", "--log-level", "warning",
    ]  # fmt: skip


@contextmanager
def ours(
    label: str, database_url: str, model_dir: Path, env: dict[str, str], work: Path, workers: int
) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = {**env, "DATABASE_URL": database_url, "RECOMMENDER_MODEL_DIR": str(model_dir)}
    log = work / f"{label.split()[-1].strip('()').lower()}.log"
    with running(label, serve_argv(port, workers), server_env, f"{url}/api/v1/ready", log) as pid:
        yield Server(label, url, pid)


@contextmanager
def datasette(db: Path, env: dict[str, str], work: Path, immutable: bool) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    metadata = work / "datasette-metadata.json"
    metadata.write_text(json.dumps(datasette_metadata()))
    argv = datasette_argv(db, port, immutable, "-m", str(metadata))
    with running("datasette", argv, env, f"{url}/-/versions.json", work / "datasette.log") as pid:
        yield Server("Datasette", url, pid, datasette=True)


# ------------------------------------------------------------------------------------- report


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def report(outcomes: list[Outcome]) -> None:
    print()
    print("target                               mix      req/s   p50   p95   p99 ms  errors"
          "  repeated  CPU ms/req server  wrk CPU")  # fmt: skip
    for o in outcomes:
        wrk_cpu = o.run.client_cpu_s / (o.run.duration_us / 1e6) if o.run.client_cpu_s else None
        print(
            f"{o.target:<36} {o.mix[:7]:<7} {o.run.rps:>7.0f} "
            + " ".join(f"{o.run.percentile_ms(str(p)):>5.1f}" for p in PERCENTILES)
            + f"    {o.errors:>6}  {o.repeat_fraction():>7.0%}"
            + f"  {fmt(o.server_cpu_ms_per_request, '.2f'):>17}"
            f"  {fmt(wrk_cpu, '.2f'):>6} cores"
        )
    print()
    print("per group: share of requests, p50/p95/p99 ms, errors, repeated URLs")
    for o in outcomes:
        print(f"  {o.target}")
        for group, g in o.groups.items():
            print(
                f"    {group:<17} {g['share']:>5.1%}  "
                + "/".join(fmt(g[f"p{p}_ms"]) for p in PERCENTILES)
                + f"  errors {g['errors']}  repeated {g['repeated_urls'] / max(g['sent'], 1):.0%}"
            )
    print()
    print("per category (p50/p95/p99 ms; repeated URLs):")
    keys = [c.key for c in MIX]
    head = f"  {'category':<16}" + "".join(f"{o.target[:24]:>26}" for o in outcomes)
    print(head)
    for key in keys:
        cells = []
        for o in outcomes:
            c = o.categories.get(key)
            if c is None:
                cells.append(f"{'-':>26}")
                continue
            text = "/".join(fmt(c[f"p{p}_ms"]) for p in PERCENTILES)
            text += f" {c['repeated_urls'] / max(c['sent'], 1):.0%}"
            if c["errors"]:
                text += f" E{c['errors']}"
            cells.append(f"{text:>26}")
        print(f"  {key:<16}" + "".join(cells))
    by_name = {o.target: o for o in outcomes}
    subset = by_name.get("ours (SQLite), Datasette subset")
    theirs = by_name.get("Datasette")
    if subset is not None and theirs is not None and theirs.run.rps:
        print()
        print(
            f"same subset (reads + search/analytics): ours/Datasette req/s "
            f"{subset.run.rps / theirs.run.rps:.2f}x, p95 "
            f"{theirs.run.percentile_ms('95') / max(subset.run.percentile_ms('95'), 1e-3):.2f}x "
            "lower"
        )


# --------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured s per target (20)")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up s per target (5)")
    parser.add_argument("--connections", type=int, default=100, help="concurrent clients (100)")
    parser.add_argument("--workers", type=int, default=2, help="our server's processes (2)")
    parser.add_argument(
        "--per-thread",
        type=int,
        default=1500,
        help="requests drawn per connection and run; a connection that sends more cycles (1500)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="wrk request timeout, s (10)")
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="ours on: sqlite,postgresql (both)"
    )
    parser.add_argument("--no-datasette", action="store_true", help="skip Datasette")
    parser.add_argument(
        "--datasette-immutable", action="store_true", help="serve Datasette with -i (immutable)"
    )
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES_ADMIN_URL)
    parser.add_argument("--data-dir", type=Path, default=None, help="the .dat files")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help="results file (%(default)s)"
    )
    args = parser.parse_args()
    backends = args.backends.split(",")
    if not set(backends) <= {"sqlite", "postgresql"} or not backends:
        parser.error("--backends: sqlite, postgresql or both")
    args.backends = backends
    if args.duration <= 0 or args.warmup <= 0 or args.connections < 1 or args.per_thread < 1:
        parser.error("--duration, --warmup, --connections and --per-thread must be positive")
    return args


def main() -> int:
    args = parse_args()
    require_wrk()
    stop_on_sigterm()
    started = time.perf_counter()
    run_line = describe_run()
    print(run_line)
    env = bench_env()  # RATE_LIMIT_PER_MINUTE=0: rate limiting off for the load generator
    data_dir = (args.data_dir or default_data_dir()).resolve()
    outcomes: list[Outcome] = []
    preparation: dict[str, float] = {}
    probe_failures: list[str] = []
    n = args.connections * args.per_thread

    with tempfile.TemporaryDirectory(prefix="soundstream-load-bench-") as tmp_name:
        work = Path(tmp_name)
        db = work / f"{DB_NAME}.db"
        sqlite_url = f"sqlite:///{db}"
        models = work / "models"
        print(f"ingesting {data_dir} into {db} ...", flush=True)
        ingest(data_dir, sqlite_url, env)
        catalog = read_catalog(db)
        subset = subset_mix(datasette_only=True)
        full = Workload(
            "full", draw_calls(catalog, n, args.seed), draw_calls(catalog, n, args.seed + 100)
        )
        comparable = Workload(
            "datasette subset",
            draw_calls(catalog, n, args.seed + 1, mix=subset),
            draw_calls(catalog, n, args.seed + 101, mix=subset),
        )
        probes = {c.key: draw_calls(catalog, 1, args.seed, mix=[c])[0] for c in MIX}

        if "sqlite" in args.backends:
            preparation["train_sqlite_s"] = train(sqlite_url, models, env)
            print(f"trained the recommender on SQLite in {preparation['train_sqlite_s']:.0f} s")
            with ours("ours (SQLite)", sqlite_url, models, env, work, args.workers) as server:
                probe_failures += [
                    f"SQLite {f}"
                    for f in probe(server, {k: ours_request(c) for k, c in probes.items()})
                ]
                seen: set[str] = set()  # URLs this server process was sent
                outcomes.append(measure(server, "ours (SQLite)", full, seen, work, args))
                outcomes.append(
                    measure(server, "ours (SQLite), Datasette subset", comparable, seen, work, args)
                )
        if not args.no_datasette:
            with datasette(db, env, work, args.datasette_immutable) as server:
                answerable = {k: c for k, c in probes.items() if CATEGORIES[k].datasette}
                for failure in probe(
                    server, {k: datasette_request(c) for k, c in answerable.items()}
                ):
                    print(f"  Datasette probe: {failure}")
                outcomes.append(measure(server, "Datasette", comparable, set(), work, args))
        if "postgresql" in args.backends:
            with fresh_postgres_database(args.postgres_admin_url, "load_bench") as pg_url:
                t0 = time.perf_counter()
                ingest(data_dir, pg_url, env)
                preparation["ingest_postgresql_s"] = time.perf_counter() - t0
                preparation["train_postgresql_s"] = train(pg_url, models, env)
                print(
                    f"ingested into PostgreSQL in {preparation['ingest_postgresql_s']:.0f} s, "
                    f"trained in {preparation['train_postgresql_s']:.0f} s"
                )
                with ours("ours (PostgreSQL)", pg_url, models, env, work, args.workers) as server:
                    probe_failures += [
                        f"PostgreSQL {f}"
                        for f in probe(server, {k: ours_request(c) for k, c in probes.items()})
                    ]
                    outcomes.append(measure(server, "ours (PostgreSQL)", full, set(), work, args))

    report(outcomes)
    ours_errors = sum(o.errors for o in outcomes if not o.server.startswith("Datasette"))
    failed = bool(ours_errors or probe_failures)
    for failure in probe_failures:
        print(f"probe FAILED: {failure}")
    print()
    print(
        f"target: no error at {args.connections} concurrent clients: "
        + ("FAIL" if failed else "PASS")
        + f" ({ours_errors} errors in our runs)"
    )
    elapsed = time.perf_counter() - started
    print(f"total {elapsed:.0f} s")
    results = {
        "run": run_line,
        "finished_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "mix": [{"category": c.key, "group": c.group, "percent": c.weight} for c in MIX],
        "preparation_s": preparation,
        "outcomes": [o.as_dict() for o in outcomes],
        "probe_failures": probe_failures,
        "passed": not failed,
        "elapsed_s": elapsed,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were stopped on the way out (``running``)
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
