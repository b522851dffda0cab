"""Scale benchmark: every cost of the service at 1×, 10× and 100× the real data, on SQLite and
PostgreSQL, with the growth exponent of each (time ∝ size^k).

For each scale N (``soundstream synth --scale N``, generated once into ``--workdir`` and reused)
and each backend:

1. **ingest** — ``soundstream ingest`` as a whole command: wall time and peak resident memory
   of the largest process (GNU ``time``'s maximum RSS; on PostgreSQL the server's own memory
   is not in it).
2. **recommender** — ``soundstream recommend train``: wall time, model file size, validation
   NDCG@10 on the synthetic hold-out (20 % of each user's artists, as the training's own
   tuning split).
3. **endpoints** — the real server (uvicorn, ``--workers``, default 1) under a fixed ``wrk``
   load: ``--connections`` connections for ``--duration`` s per endpoint after a 1 s warm-up;
   p50/p95/p99. Single reads, lists, search, the nested GraphQL query and recommendations
   rotate through thousands of distinct ids/parameters, so neither the response cache nor the
   service caches answer them ("uncached"); stats and the chart are one URL each, computed
   once per data version by design ("cache-warm"), and their first, cold request is timed
   separately. Beside the API's CPU per request, on a PostgreSQL of this host, the
   database server's (its processes share the cores with the API).
4. **graph summary** (once per scale) — ``benchmarks/graph.py``'s cold child: a fresh
   interpreter reads ``user_friends.dat``, builds the graph and runs ``graph.summary``.

Every step has a budget (``--*-budget``): a step past it is stopped and its cell reported as
skipped, with the budget, instead of holding the machine. Results accumulate in
``--json`` (default ``benchmarks/results/scale.json``): a later run with other scales or
backends adds its cells, so 100× can be run on its own. ``--report`` only prints the table and
the fitted exponents from that file and draws the plots (``docs/scaling/*.png``).

``--database-url URL`` (with ``--model-dir``) measures only the endpoints, on a database
already ingested from the scale's data: with one worker they replace the endpoints of that
scale's cell; ``--workers N`` and ``--redis-url`` (the deployments run ``WEB_CONCURRENCY=2``
workers sharing Redis) and a ``--connections`` other than 4 go to a table of their own
(``deployed`` in the JSON). With several
workers the server CPU per request is every worker's, and the measurement waits until each
worker has finished starting (its model loaded). uvicorn's workers share one listening
socket, and each keeps the connections it accepted: how wrk's few connections split between
them (``[2/2]`` or ``[3/1]`` in the table) is recorded per endpoint, because an uneven split
queues a heavy endpoint on one process. ``--balancer nginx`` runs the N workers as N
single-worker servers behind a least-connections nginx instead, which hands each request to
the worker with the fewest in flight (nginx from the distribution: ``apt-get install nginx``).

Heavy: run it under the shared benchmark lock, from the repository root::

    flock /tmp/soundstream-bench.lock .venv/bin/python benchmarks/scale.py --scales 1,10
    flock /tmp/soundstream-bench.lock .venv/bin/python benchmarks/scale.py --scales 100
    .venv/bin/python benchmarks/scale.py --report
    # the deployed shape, on the 100x database a previous run kept
    .venv/bin/python benchmarks/scale.py --scales 100 --backends postgresql \
        --database-url URL --model-dir DIR --workers 2 --redis-url redis://127.0.0.1:6379/15
    # the same two workers behind a balancer
    .venv/bin/python benchmarks/scale.py --scales 100 --backends postgresql \
        --database-url URL --model-dir DIR --workers 2 --balancer nginx
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _runinfo import describe_run
from _servers import (
    REPO_ROOT,
    bench_env,
    default_data_dir,
    established_connections,
    free_port,
    fresh_postgres_database,
    http_status,
    named_cpu_seconds,
    process_cpu_seconds,
    running,
    soundstream_exe,
    stop_on_sigterm,
    tree_cpu_seconds,
    worker_pids,
)
from _wrk import require_wrk, run_wrk

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO_ROOT))

from server.synth.datfiles import read_int_table  # noqa: E402
from server.synth.summary import compare, summarise  # noqa: E402

DEFAULT_JSON = HERE / "results" / "scale.json"
DEFAULT_WORKDIR = Path("/tmp/soundstream-scale")
PLOTS_DIR = REPO_ROOT / "docs" / "scaling"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
SAMPLE_SEED = 2011
DISTINCT_REQUESTS = 20_000
NESTED = (
    "query Nested($id: Int!) { user(id: $id) { friends(first: 20) { edges { node { "
    "topArtists(first: 5) { edges { weight node { name topTags(first: 3) { node { name } } } } }"
    " } } } } }"
)
INTERACTIVE_P95_MS = 50.0
DEFAULT_CONNECTIONS = 4


@dataclass(frozen=True)
class Endpoint:
    key: str
    title: str
    cached: bool  # one URL, served from the per-version cache after the first request


ENDPOINTS = (
    Endpoint("artist", "GET /artists/{id}", False),
    Endpoint("user_artists", "GET /users/{id}/artists", False),
    Endpoint("artists_page", "GET /artists?offset=k (list + total)", False),
    Endpoint("search", "GET /artists/search?tags=a,b&match=all", False),
    Endpoint("search_name", "GET /artists/search?q=substring", False),
    Endpoint("nested", "POST /graphql nested user→friends→artists→tags", False),
    Endpoint("recommend", "GET /users/{id}/recommendations", False),
    Endpoint("stats", "GET /stats", True),
    Endpoint("chart", "GET /charts/artists?by=plays", True),
)


# ------------------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def scale_label(scale: float) -> str:
    return f"{scale:g}x"


def load_results(path: Path) -> dict[str, Any]:
    if path.is_file():
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    return {"runs": [], "scales": {}, "cells": {}}


def save_results(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def timed_command(
    argv: list[str], env: dict[str, str], budget: float, max_memory_gb: float | None = None
) -> dict[str, Any]:
    """Run ``argv`` under GNU time: wall seconds, peak RSS (MB), output; ``skipped`` past budget.

    ``max_memory_gb`` caps the address space (``prlimit --as``): on a machine shared with
    other jobs a 100× ingest must fail with MemoryError rather than wake the OOM killer.
    """
    if max_memory_gb is not None:
        argv = ["prlimit", f"--as={int(max_memory_gb * 2**30)}", *argv]
    wrapped = ["/usr/bin/time", "-f", "TIME_RESULT %e %M", *argv]
    started = time.perf_counter()
    # A session of its own: past the budget the whole group goes (GNU time's child too).
    process = subprocess.Popen(
        wrapped,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"skipped": f"over the {budget:.0f} s budget"}
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    wall = time.perf_counter() - started
    found = re.search(r"TIME_RESULT ([\d.]+) (\d+)", stderr)
    if process.returncode != 0:
        return {"error": f"exit {process.returncode}: {stdout[-2000:]}{stderr[-2000:]}"}
    return {
        "seconds": wall,
        "peak_rss_mb": int(found.group(2)) / 1024 if found else None,
        "stdout": stdout,
    }


# ------------------------------------------------------------------------------------- dataset


def ensure_dataset(workdir: Path, scale: float, seed: int, real: Path, budget: float) -> Path:
    """The synthetic dataset for ``scale``, generated unless a matching one is on disk."""
    out = workdir / f"synth-{scale_label(scale)}"
    manifest = out / "synth.json"
    if manifest.is_file():
        meta = json.loads(manifest.read_text())
        if meta.get("seed") == seed and meta.get("scale") == scale:
            return out
    log(f"generating {scale_label(scale)} into {out}")
    argv = [soundstream_exe(), "synth", "--scale", f"{scale:g}", "--out", str(out)]
    argv += ["--seed", str(seed), "--data-dir", str(real)]
    result = timed_command(argv, bench_env(), budget)
    if "seconds" not in result:
        sys.exit(f"error: generating {scale_label(scale)}: {result}")
    (out / "generate.json").write_text(
        json.dumps({"seconds": result["seconds"], "peak_rss_mb": result["peak_rss_mb"]})
    )
    return out


@dataclass(frozen=True)
class Sample:
    artist_ids: list[int]
    user_ids: list[int]
    artists: int
    top_tags: list[str]
    name_parts: list[str]
    """Four-letter pieces of sampled artists' names (the search's ``q``)."""


def name_parts(data_dir: Path, artist_ids: list[int], rng: random.Random) -> list[str]:
    """A piece of each sampled artist's name, as a user types part of one: four characters
    from a random position (the whole name when shorter), lower-cased, distinct; none that
    starts or ends with a space."""
    wanted = set(artist_ids)
    parts: set[str] = set()
    with (data_dir / "artists.dat").open(encoding="utf-8", errors="replace") as handle:
        next(handle)
        for line in handle:
            artist_id, name = line.split("\t", 2)[:2]
            if int(artist_id) not in wanted or not name.strip():
                continue
            start = rng.randrange(max(len(name) - 3, 1))
            part = name[start : start + 4].lower()
            if part == part.strip():  # what a user types starts and ends with a letter
                parts.add(part)
    return sorted(parts)


def draw_sample(data_dir: Path) -> Sample:
    """Ids and tag names the requests rotate through, from the files (seeded)."""
    rng = random.Random(SAMPLE_SEED)
    listens = read_int_table(data_dir / "user_artists.dat", 3)
    tagged = read_int_table(data_dir / "user_taggedartists.dat", 6)
    artists = sorted(set(listens[:, 1].tolist()))
    users = sorted(set(listens[:, 0].tolist()))
    counts: dict[int, int] = {}
    for tag in tagged[:, 2].tolist():
        counts[tag] = counts.get(tag, 0) + 1
    top = sorted(counts, key=lambda t: (-counts[t], t))[:60]
    values: dict[int, str] = {}
    with (data_dir / "tags.dat").open(encoding="iso-8859-1") as handle:
        next(handle)
        for line in handle:
            tag_id, value = line.rstrip("\n").split("\t")
            values[int(tag_id)] = value
    artist_ids = rng.sample(artists, min(DISTINCT_REQUESTS, len(artists)))
    return Sample(
        artist_ids=artist_ids,
        user_ids=rng.sample(users, min(DISTINCT_REQUESTS, len(users))),
        artists=len(artists),
        top_tags=[values[t] for t in top if "," not in values[t]],
        name_parts=name_parts(data_dir, artist_ids, rng),
    )


def request_lines(key: str, sample: Sample) -> list[str]:
    """One endpoint's request lines (`_wrk.lua`: a path, or CATEGORY/METHOD/PATH/BODY)."""
    api = "/api/v1"
    rng = random.Random(SAMPLE_SEED)
    if key == "artist":
        return [f"{api}/artists/{i}" for i in sample.artist_ids]
    if key == "user_artists":
        return [f"{api}/users/{i}/artists" for i in sample.user_ids]
    if key == "artists_page":
        last = max(1, min(sample.artists - 20, 10_000))
        return [f"{api}/artists?limit=20&offset={rng.randrange(last)}" for _ in range(5000)]
    if key == "search":
        from urllib.parse import quote

        tags = sample.top_tags
        pairs = [(a, b) for i, a in enumerate(tags) for b in tags[i + 1 :]]
        rng.shuffle(pairs)
        return [
            f"{api}/artists/search?tags={quote(a)},{quote(b)}&match=all&offset={offset}"
            for a, b in pairs
            for offset in (0, 20)
        ]
    if key == "search_name":
        from urllib.parse import quote

        parts = list(sample.name_parts)
        rng.shuffle(parts)
        return [f"{api}/artists/search?q={quote(part)}&limit=20" for part in parts]
    if key == "nested":
        return [
            "nested\tPOST\t/graphql\t"
            + json.dumps({"query": NESTED, "variables": {"id": i}}, separators=(",", ":"))
            for i in sample.user_ids
        ]
    if key == "recommend":
        return [f"{api}/users/{i}/recommendations?limit=10" for i in sample.user_ids]
    if key == "stats":
        return [f"{api}/stats"]
    if key == "chart":
        return [f"{api}/charts/artists?by=plays&limit=10"]
    raise ValueError(key)


def first_path(line: str) -> str | None:
    return None if "\t" in line else line


# ----------------------------------------------------------------------------------- the cells


@contextmanager
def database(backend: str, workdir: Path, label: str) -> Iterator[str]:
    if backend == "sqlite":
        path = workdir / f"{label}.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with fresh_postgres_database(PG_ADMIN, f"scale_{label}") as url:
            yield url


def measure_cell(
    args: argparse.Namespace, scale: float, backend: str, data_dir: Path, sample: Sample
) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "scale": scale,
        "backend": backend,
        "run": describe_run(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        # The machine is shared: other jobs' load stretches every wall time measured here.
        "loadavg_start": os.getloadavg()[0],
    }
    label = f"{scale_label(scale).replace('.', '_')}_{backend}"
    env = bench_env()
    model_dir = args.workdir / f"models-{label}"
    with database(backend, args.workdir, label) as url:
        log(f"{label}: ingest")
        argv = [soundstream_exe(), "ingest", "--data-dir", str(data_dir), "--database-url", url]
        ingest = timed_command(argv, env, args.ingest_budget, args.max_memory_gb)
        ingest.pop("stdout", None)
        cell["ingest"] = ingest
        if "seconds" not in ingest:
            cell["endpoints"] = {"skipped": "no database: ingest did not finish"}
            return cell
        log(f"{label}: ingest {ingest['seconds']:.1f} s, {ingest['peak_rss_mb']:.0f} MB")
        server_env = {**env, "DATABASE_URL": url, "RECOMMENDER_MODEL_DIR": str(model_dir)}
        if "recommend" not in args.skip and backend in args.train_on:
            log(f"{label}: recommender training")
            argv = [soundstream_exe(), "recommend", "train", "--database-url", url, "--force"]
            train = timed_command(argv, server_env, args.train_budget, args.max_memory_gb)
            if "stdout" in train:
                train |= parse_train_output(train.pop("stdout"))
            cell["recommender"] = train
            log(f"{label}: recommender {json.dumps(train)[:300]}")
        cell["endpoints"] = measure_endpoints(args, server_env, sample)
    cell["loadavg_end"] = os.getloadavg()[0]
    return cell


def measure_existing(args: argparse.Namespace, results: dict[str, Any], real: Path) -> None:
    """Endpoints only, on an existing database: with one worker they replace the endpoints
    of the scale's cell (its ingest and training stay from their run, and the cell says
    which run measured what); with more, they go to ``deployed``, their own table."""
    scale, backend = float(args.scales), args.backends
    data_dir = ensure_dataset(args.workdir, scale, args.seed, real, args.generate_budget)
    env = {**bench_env(), "DATABASE_URL": args.database_url}
    if args.model_dir is not None:
        env["RECOMMENDER_MODEL_DIR"] = str(args.model_dir)
    if args.redis_url is not None:
        import redis

        # Entries of an earlier run (same data version) would make every "cold" request warm.
        redis.Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url
    measured = {
        "scale": scale,
        "backend": backend,
        "workers": args.workers,
        "redis": args.redis_url is not None,
        "balancer": args.balancer,
        "connections": args.connections,
        "run": describe_run(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "loadavg_start": os.getloadavg()[0],
    }
    log(f"{scale_label(scale)}/{backend}: endpoints, {args.workers} worker(s)")
    measured["endpoints"] = measure_endpoints(args, env, draw_sample(data_dir))
    measured["loadavg_end"] = os.getloadavg()[0]
    if args.workers > 1 or args.redis_url or args.connections != DEFAULT_CONNECTIONS:
        key = f"{scale_label(scale)}/{backend}/w{args.workers}/c{args.connections}" + (
            "+redis" if args.redis_url else ""
        )
        key += f"+{args.balancer}" if args.balancer else ""
        results.setdefault("deployed", {})[key] = measured
    else:
        cell = results["cells"].setdefault(
            f"{scale_label(scale)}/{backend}",
            {"scale": scale, "backend": backend, "run": measured["run"]},
        )
        cell["endpoints"] = measured["endpoints"]
        cell["endpoints_run"] = measured["run"]
    save_results(args.json, results)


def parse_train_output(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    size = re.search(r"([\d.]+) MB on disk, ([\d.]+) MB in memory", text)
    if size:
        out["model_mb"] = float(size.group(1))
        out["model_memory_mb"] = float(size.group(2))
    ndcg = re.search(r"validation NDCG@10 ([\d.]+)", text)
    if ndcg:
        out["validation_ndcg_at_10"] = float(ndcg.group(1))
    trained = re.search(r"read ([\d.]+) s, trained ([\d.]+) s", text)
    if trained:
        out["read_seconds"] = float(trained.group(1))
        out["train_seconds"] = float(trained.group(2))
    return out


@dataclass(frozen=True)
class Served:
    """A server under test: where wrk sends requests, whose CPU is the server's, its workers,
    and the port the workers accept wrk's connections on (None behind a balancer, which
    holds those connections itself and hands each request to a worker)."""

    base: str
    roots: list[int]
    workers: list[int]
    shared_port: int | None


def uvicorn_argv(port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "server.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        # info (without the access log) for the workers' "startup complete" lines
        "--log-level", "info", "--no-access-log",
    ]  # fmt: skip


NGINX_CONF = """\
daemon off;
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream api {{
        least_conn;
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://api;
            include {proxy_conf};
        }}
    }}
}}
"""


NGINX_PROXY_CONF = Path(__file__).resolve().parents[1] / "deploy/nginx/soundstream-proxy.conf"
"""The proxy settings docker-compose.yml's balancer runs with: measured as shipped."""


def nginx_conf(prefix: Path, port: int, upstreams: list[int]) -> Path:
    """A least-connections nginx in front of single-worker servers: it picks, per request,
    the worker with the fewest requests in flight, over kept-alive upstream connections
    (docker-compose.yml's balancer, `deploy/nginx/`, on loopback ports)."""
    prefix.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    user = "user root;" if os.geteuid() == 0 else ""  # root's workers would run as nobody
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            user=user, prefix=prefix, servers=servers, port=port, proxy_conf=NGINX_PROXY_CONF
        )
    )
    return conf


@contextmanager
def serving(args: argparse.Namespace, server_env: dict[str, str]) -> Iterator[Served]:
    """``--workers`` uvicorn workers sharing one listening socket (uvicorn's own
    ``--workers``, what the deployments run), or with ``--balancer nginx`` as many
    single-worker servers behind nginx (the path beyond one machine: workers behind a load
    balancer, here on one host)."""
    if args.balancer is None:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_file = args.workdir / "server.log"
        argv = uvicorn_argv(port, args.workers)
        with running("soundstream", argv, server_env, f"{base}/api/v1/health", log_file) as pid:
            wait_for_workers(log_file, args.workers)
            workers = worker_pids(pid) if args.workers > 1 else [pid]
            yield Served(base, [pid], workers, port)
        return
    nginx = shutil.which("nginx")
    if nginx is None:
        sys.exit("error: --balancer nginx: nginx not found (Debian: apt-get install nginx)")
    with ExitStack() as stack:
        pids, ports = [], []
        for i in range(args.workers):
            port = free_port()
            log_file = args.workdir / f"server-{i}.log"
            health = f"http://127.0.0.1:{port}/api/v1/health"
            worker = running(f"worker {i}", uvicorn_argv(port, 1), server_env, health, log_file)
            pids.append(stack.enter_context(worker))
            ports.append(port)
            wait_for_workers(log_file, 1)
        front = free_port()
        prefix = args.workdir / "nginx"
        conf = nginx_conf(prefix, front, ports)
        argv = [nginx, "-p", str(prefix), "-c", str(conf), "-e", "stderr"]
        base = f"http://127.0.0.1:{front}"
        balancer = stack.enter_context(
            running("nginx", argv, dict(os.environ), f"{base}/api/v1/health", prefix / "log")
        )
        yield Served(base, [*pids, balancer], pids, None)


def measure_endpoints(
    args: argparse.Namespace, server_env: dict[str, str], sample: Sample
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with serving(args, server_env) as served:
        base = served.base
        for endpoint in ENDPOINTS:
            if endpoint.key in args.skip:
                continue
            lines = request_lines(endpoint.key, sample)
            entry: dict[str, Any] = {"title": endpoint.title, "cache_warm": endpoint.cached}
            path = first_path(lines[0])
            if path is not None:
                started = time.perf_counter()
                try:
                    status, _ = http_status(base + path, timeout=args.probe_budget)
                    entry["cold_ms"] = (time.perf_counter() - started) * 1000
                    entry["cold_status"] = status
                except OSError:
                    entry["skipped"] = f"first request over the {args.probe_budget:.0f} s budget"
                    results[endpoint.key] = entry
                    log(f"  {endpoint.key}: {entry['skipped']}")
                    continue
            requests_file = args.workdir / f"requests-{endpoint.key}.txt"
            requests_file.write_text("\n".join(lines) + "\n")
            run_wrk(base, [str(requests_file)], connections=args.connections, duration=1)
            workers = served.workers if len(served.workers) > 1 else []
            worker_before = [process_cpu_seconds(w) or 0.0 for w in workers]
            split: list[list[int] | None] = []
            sampler = None
            if workers and served.shared_port is not None:
                # read once wrk's connections are open (they stay open for the whole run)
                sampler = threading.Timer(
                    min(1.0, args.duration / 2),
                    lambda into, pids, port: into.append(established_connections(pids, port)),
                    args=(split, workers, served.shared_port),
                )
                sampler.start()
            cpu_before, db_before = server_cpu(served), database_cpu(server_env)
            run = run_wrk(
                base, [str(requests_file)], connections=args.connections, duration=args.duration
            )
            cpu_after, db_after = server_cpu(served), database_cpu(server_env)
            if sampler is not None:
                sampler.join()
            if workers:
                # uvicorn's workers share one listening socket: which of them accepts each
                # of wrk's connections is a race, and a worker serves every request of the
                # connections it took. With 4 connections on 2 workers the split is 2/2 or
                # 3/1 (even 4/0), run to run: recorded, because it moves the p95 of the
                # endpoints that keep a core busy (a 3/1 split queues 3 on one process).
                # Behind a balancer the CPU per worker shows how evenly it spread requests.
                after = [process_cpu_seconds(w) or 0.0 for w in workers]
                entry["worker_cpu_s"] = [
                    round(b - a, 3) for a, b in zip(worker_before, after, strict=True)
                ]
                if split and split[0] is not None:
                    entry["connections_per_worker"] = split[0]
            if cpu_before is not None and cpu_after is not None and run.requests:
                # Server CPU per request (every worker's): what a request costs, which other
                # jobs' load on the shared cores inflates far less than wall-clock latency.
                entry["cpu_ms_per_request"] = (cpu_after - cpu_before) * 1000 / run.requests
            if db_before is not None and db_after is not None and run.requests:
                # PostgreSQL's CPU per request: its backends run on the same two cores, so a
                # query's cost is latency twice over (waited for, and taken from the API).
                entry["db_cpu_ms_per_request"] = (db_after - db_before) * 1000 / run.requests
            entry |= {
                "loadavg": os.getloadavg()[0],
                "requests": run.requests,
                "distinct": len(lines),
                "rps": run.rps,
                "p50_ms": run.percentile_ms("50"),
                "p95_ms": run.percentile_ms("95"),
                "p99_ms": run.percentile_ms("99"),
                "clean": run.clean,
                "statuses": run.statuses,
            }
            # Uncached only while each request is new: say so when the list wrapped.
            entry["cache_warm"] = endpoint.cached or run.requests > len(lines)
            results[endpoint.key] = entry
            log(
                f"  {endpoint.key:<13} p50/p95/p99 {entry['p50_ms']:.1f}/{entry['p95_ms']:.1f}/"
                f"{entry['p99_ms']:.1f} ms  {run.rps:.0f} req/s  {run.statuses}"
                + (f"  cold {entry['cold_ms']:.0f} ms" if "cold_ms" in entry else "")
                + f"  CPU {entry.get('cpu_ms_per_request', 0):.2f} ms/req"
                + (
                    f"  PostgreSQL CPU {entry['db_cpu_ms_per_request']:.2f} ms/req"
                    if "db_cpu_ms_per_request" in entry
                    else ""
                )
                + (
                    f"  connections per worker {split_label(entry['connections_per_worker'])}"
                    if "connections_per_worker" in entry
                    else ""
                )
            )
    return results


def server_cpu(served: Served) -> float | None:
    """CPU seconds of the server's processes (every worker's, and the balancer's)."""
    readings = [tree_cpu_seconds(root) for root in served.roots]
    return None if any(r is None for r in readings) else sum(r or 0.0 for r in readings)


def split_label(split: list[int]) -> str:
    """``2/2``: wrk's connections held by each worker."""
    return "/".join(str(n) for n in split)


def database_cpu(server_env: dict[str, str]) -> float | None:
    """The local PostgreSQL server's CPU seconds so far, when the API uses one on this host
    (None for SQLite, which runs inside the API process and is in its CPU)."""
    url = server_env.get("DATABASE_URL", "")
    if not url.startswith("postgresql") or not any(h in url for h in ("127.0.0.1", "localhost")):
        return None
    return named_cpu_seconds("postgres")


def wait_for_workers(log_file: Path, workers: int, timeout: float = 600) -> None:
    """Until every worker finished its start-up (model loaded): the first one answering the
    health check is not enough, the rest would join in the middle of a measurement."""
    deadline = time.monotonic() + timeout
    while log_file.read_text(errors="replace").count("Application startup complete") < workers:
        if time.monotonic() > deadline:
            sys.exit(f"error: {workers} workers not started after {timeout:.0f} s")
        time.sleep(0.2)


def measure_graph(data_dir: Path, budget: float) -> dict[str, Any]:
    argv = [sys.executable, str(HERE / "graph.py"), "--cold-child", "--data-dir", str(data_dir)]
    result = timed_command(argv, {**bench_env(), "PYTHONHASHSEED": "0"}, budget)
    if "stdout" not in result:
        return result
    phases: dict[str, Any] = json.loads(result.pop("stdout").strip().splitlines()[-1])
    return {**phases, "peak_rss_mb": result["peak_rss_mb"]}


# ------------------------------------------------------------------------------------- report


def fit_exponent(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(value) on log(size); None with fewer than two points."""
    points = [(x, y) for x, y in points if x > 0 and y and y > 0]
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else None


def metrics_of(cell: dict[str, Any]) -> dict[str, float | str | None]:
    """Flat metric -> value (or a "skipped ..." string) of one cell."""
    out: dict[str, float | str | None] = {}
    ingest = cell.get("ingest", {})
    out["ingest s"] = ingest.get("seconds") or ingest.get("skipped") or ingest.get("error")
    out["ingest peak MB"] = ingest.get("peak_rss_mb")
    rec = cell.get("recommender", {})
    skipped = rec.get("skipped") or rec.get("error")
    out["train s"] = rec.get("seconds") or skipped
    out["model MB"] = rec.get("model_mb") or skipped
    out["NDCG@10 (hold-out)"] = rec.get("validation_ndcg_at_10") or skipped
    for endpoint in ENDPOINTS:
        entry = cell.get("endpoints", {}).get(endpoint.key, {})
        label = f"{endpoint.key} p50/p95 ms" + (" (warm)" if endpoint.cached else "")
        if "p95_ms" in entry:
            out[label] = f"{entry['p50_ms']:.1f} / {entry['p95_ms']:.1f}" + (
                "" if entry.get("clean", True) else " (errors!)"
            )
            out[f"{endpoint.key} p95"] = entry["p95_ms"]
            if "cpu_ms_per_request" in entry:
                out[f"{endpoint.key} CPU ms/req"] = entry["cpu_ms_per_request"]
            if "db_cpu_ms_per_request" in entry:
                out[f"{endpoint.key} PostgreSQL CPU ms/req"] = entry["db_cpu_ms_per_request"]
        else:
            out[label] = entry.get("skipped")
        if endpoint.cached and "cold_ms" in entry:
            out[f"{endpoint.key} cold ms"] = entry["cold_ms"]
    return out


def fmt(value: float | str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        budget = re.search(r"over the (\d+) s budget", value)
        if budget:
            return f"skipped (> {budget.group(1)} s)"
        if value.startswith("exit"):
            return "failed" + (" (MemoryError)" if "MemoryError" in value else "")
        return value if len(value) < 30 else "skipped"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 1 else f"{value:.1f}"


def report(results: dict[str, Any]) -> str:
    """The markdown table: one row per metric, one column per scale and backend, and k."""
    scales = sorted({cell["scale"] for cell in results["cells"].values()})
    columns = [
        (s, b) for b in BACKENDS for s in scales if f"{scale_label(s)}/{b}" in results["cells"]
    ]
    users = {s: results["scales"].get(scale_label(s), {}).get("users", 1892 * s) for s in scales}
    metrics = {(s, b): metrics_of(results["cells"][f"{scale_label(s)}/{b}"]) for s, b in columns}
    names: list[str] = []
    for m in metrics.values():
        names += [n for n in m if n not in names and not n.endswith(" p95")]
    head = "| metric | " + " | ".join(f"{scale_label(s)} {b[:2]}" for s, b in columns)
    head += " | k (SQLite) | k (PG) |"
    lines = [head, "|---|" + "---:|" * (len(columns) + 2)]
    for name in names:
        row = [fmt(metrics[c].get(name)) for c in columns]
        ks = []
        for backend in BACKENDS:
            key = name.replace(" p50/p95 ms", " p95").replace(" (warm)", "")
            pts = [
                (users[s], v)
                for (s, b), m in metrics.items()
                if b == backend and isinstance(v := m.get(key), float | int)
            ]
            k = fit_exponent([(float(x), float(y)) for x, y in pts])
            ks.append("-" if k is None else f"{k:.2f}")
        lines.append(f"| {name} | " + " | ".join(row) + " | " + " | ".join(ks) + " |")
    graph_rows = []
    for s in scales:
        g = results["scales"].get(scale_label(s), {}).get("graph", {})
        gen = results["scales"].get(scale_label(s), {}).get("generate", {})
        graph_rows.append((s, g, gen))
    lines.append("")
    lines.append(
        "| per scale (backend-independent) | "
        + " | ".join(scale_label(s) for s in scales)
        + " | k |"
    )
    lines.append("|---|" + "---:|" * (len(scales) + 1))
    for label, pick in (
        ("users", lambda g, gen, s: users[s]),
        ("listens", lambda g, gen, s: results["scales"].get(scale_label(s), {}).get("listens")),
        (
            "tag assignments",
            lambda g, gen, s: results["scales"].get(scale_label(s), {}).get("tag_assignments"),
        ),
        ("artists", lambda g, gen, s: results["scales"].get(scale_label(s), {}).get("artists")),
        ("generate s", lambda g, gen, s: gen.get("seconds")),
        ("generate peak MB", lambda g, gen, s: gen.get("peak_rss_mb")),
        ("graph build s", lambda g, gen, s: g.get("build")),
        ("graph summary s", lambda g, gen, s: g.get("summary") or g.get("skipped")),
        ("graph summary exact", lambda g, gen, s: None if "exact" not in g else str(g["exact"])),
    ):
        values = [pick(g, gen, s) for s, g, gen in graph_rows]
        pts = [
            (float(users[s]), float(v))
            for (s, _, _), v in zip(graph_rows, values, strict=True)
            if isinstance(v, float | int) and not isinstance(v, bool)
        ]
        k = fit_exponent(pts)
        lines.append(
            f"| {label} | "
            + " | ".join(fmt(v) if not isinstance(v, int) else f"{v:,}" for v in values)
            + f" | {'-' if k is None else f'{k:.2f}'} |"
        )
    lines += deployed_report(results)
    return "\n".join(lines)


def deployed_label(measured: dict[str, Any]) -> str:
    workers = measured["workers"]
    label = f"{scale_label(measured['scale'])} {measured['backend']}, {workers} worker"
    label += ("s" if workers > 1 else "") + (" + Redis" if measured.get("redis") else "")
    label += f" behind {measured['balancer']}" if measured.get("balancer") else ""
    connections = measured.get("connections", DEFAULT_CONNECTIONS)
    return label + f", {connections} connection" + ("s" if connections > 1 else "")


def deployed_report(results: dict[str, Any]) -> list[str]:
    """The endpoints under several workers (``--workers``): p50 / p95 and CPU per request,
    and ``[2/2]``: how wrk's connections were split between the workers (when recorded)."""
    deployed = results.get("deployed", {})
    if not deployed:
        return []
    keys = sorted(deployed, key=lambda k: (deployed[k]["scale"], k))
    lines = [
        "",
        "| endpoint (p50 / p95 ms, CPU ms/req) | "
        + " | ".join(deployed_label(deployed[k]) for k in keys)
        + " |",
        "|---|" + "---:|" * len(keys),
    ]
    for endpoint in ENDPOINTS:
        row = []
        for key in keys:
            entry = deployed[key]["endpoints"].get(endpoint.key, {})
            if "p95_ms" not in entry:
                row.append(fmt(entry.get("skipped")))
                continue
            split = entry.get("connections_per_worker")
            row.append(
                f"{entry['p50_ms']:.1f} / {entry['p95_ms']:.1f}, "
                f"{entry.get('cpu_ms_per_request', 0):.1f}"
                + (f" [{split_label(split)}]" if split else "")
                + ("" if entry.get("clean", True) else " (errors!)")
            )
        warm = " (warm)" if endpoint.cached else ""
        lines.append(f"| {endpoint.key}{warm} | " + " | ".join(row) + " |")
    return lines


def plot(results: dict[str, Any], directory: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    cells = results["cells"]
    written = []

    def series(backend: str, pick: Any) -> tuple[list[float], list[float]]:
        pts = sorted(
            (results["scales"].get(scale_label(c["scale"]), {}).get("users", 1892 * c["scale"]), v)
            for c in cells.values()
            if c["backend"] == backend and isinstance(v := pick(c), float | int)
        )
        return [p[0] for p in pts], [p[1] for p in pts]

    def reference(ax: Any, xs: list[float], ys: list[float]) -> None:
        if xs:
            ax.plot(xs, [ys[0] * x / xs[0] for x in xs], ":", color="grey", label="linear from 1×")

    # Ingest
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for backend, style in (("sqlite", "o-"), ("postgresql", "s-")):
        xs, ys = series(backend, lambda c: c.get("ingest", {}).get("seconds"))
        axes[0].plot(xs, ys, style, label=backend)
        xs2, ys2 = series(backend, lambda c: c.get("ingest", {}).get("peak_rss_mb"))
        axes[1].plot(xs2, ys2, style, label=backend)
    xs, ys = series("sqlite", lambda c: c.get("ingest", {}).get("seconds"))
    reference(axes[0], xs, ys)
    axes[0].set(
        title="ingest wall time", xlabel="users", ylabel="seconds", xscale="log", yscale="log"
    )
    axes[1].set(title="ingest peak RSS", xlabel="users", ylabel="MB", xscale="log", yscale="log")
    for ax in axes:
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    written.append(directory / "ingest.png")
    fig.savefig(written[-1], dpi=100)
    plt.close(fig)

    # Endpoint p95, then server CPU per request (the load-insensitive view of the same runs)
    def endpoint_plot(metric: str, title: str, name: str, *, target: bool) -> None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
        for ax, backend in zip(axes, BACKENDS, strict=True):
            for endpoint in ENDPOINTS:
                xs, ys = series(
                    backend,
                    lambda c, k=endpoint.key: c.get("endpoints", {}).get(k, {}).get(metric),
                )
                if xs:
                    label = endpoint.key + (" (warm)" if endpoint.cached else "")
                    ax.plot(xs, ys, "o-", label=label)
            if target:
                ax.axhline(INTERACTIVE_P95_MS, color="red", ls="--", lw=1, label="50 ms target")
            ax.set(title=f"{title} ({backend})", xlabel="users", ylabel="ms", xscale="log")
            ax.set_yscale("log")
            ax.grid(True, which="both", alpha=0.3)
        axes[1].legend(fontsize=7)
        fig.tight_layout()
        written.append(directory / name)
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)

    endpoint_plot("p95_ms", "p95 under wrk", "endpoints_p95.png", target=True)
    endpoint_plot("cpu_ms_per_request", "server CPU per request", "endpoints_cpu.png", target=False)

    # Recommender and graph
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for backend, style in (("sqlite", "o-"), ("postgresql", "s-")):
        xs, ys = series(backend, lambda c: c.get("recommender", {}).get("seconds"))
        axes[0].plot(xs, ys, style, label=f"train ({backend})")
        xs, ys = series(backend, lambda c: c.get("recommender", {}).get("model_mb"))
        axes[1].plot(xs, ys, style, label=f"model file ({backend})")
    gx, gy = [], []
    for _label, scale_data in sorted(
        results["scales"].items(), key=lambda kv: kv[1].get("users", 0)
    ):
        summary = scale_data.get("graph", {}).get("summary")
        if isinstance(summary, float | int):
            gx.append(scale_data.get("users"))
            gy.append(summary)
    axes[2].plot(gx, gy, "o-", label="graph.summary (cold)")
    reference(axes[2], gx, gy)
    axes[0].set(
        title="recommender training", xlabel="users", ylabel="seconds", xscale="log", yscale="log"
    )
    axes[1].set(title="model size", xlabel="users", ylabel="MB", xscale="log", yscale="log")
    axes[2].set(
        title="friendship graph summary",
        xlabel="users",
        ylabel="seconds",
        xscale="log",
        yscale="log",
    )
    for ax in axes:
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    written.append(directory / "recommender_graph.png")
    fig.savefig(written[-1], dpi=100)
    plt.close(fig)
    return written


# ---------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=None, help="the real dataset")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run (10)")
    parser.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server worker processes (1; the deployments run WEB_CONCURRENCY=2): a run with "
        "more measures only the endpoints and reports them in their own table",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="measure only the endpoints, on this database already ingested from the "
        "scale's synthetic data (one scale and backend); no ingest, no training",
    )
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="with --database-url: the model directory"
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help="with --database-url: the server's REDIS_URL (the shared result cache and rate "
        "limits of several workers, as deployed); the database is emptied first",
    )
    parser.add_argument(
        "--balancer",
        choices=["nginx"],
        default=None,
        help="with --workers N: N single-worker servers behind a least-connections nginx "
        "(a balancer per request) instead of uvicorn's N workers on one shared socket",
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated: endpoint keys, recommend, graph"
    )
    parser.add_argument(
        "--train-on", default=",".join(BACKENDS), help="backends to train the recommender on"
    )
    parser.add_argument("--generate-budget", type=float, default=1200)
    parser.add_argument("--ingest-budget", type=float, default=1800)
    parser.add_argument("--train-budget", type=float, default=900)
    parser.add_argument("--graph-budget", type=float, default=600)
    parser.add_argument("--probe-budget", type=float, default=120)
    parser.add_argument(
        "--max-memory-gb", type=float, default=16, help="address-space cap of ingest/training"
    )
    parser.add_argument("--report", action="store_true", help="only print the table and plot")
    parser.add_argument(
        "--shape",
        action="store_true",
        help="only compare the generated datasets' statistics with the real data's",
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        default=None,
        help="write these runs' results, merged in order, to --json, then report",
    )
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args()
    args.skip = set(filter(None, args.skip.split(",")))
    if args.workers > 1 and not args.database_url:
        parser.error("--workers > 1 measures endpoints only: give --database-url")
    if args.database_url and ("," in args.scales or "," in args.backends):
        parser.error("--database-url: one scale and one backend")
    if args.balancer and args.workers < 2:
        parser.error("--balancer goes with --workers 2 or more")
    if (args.model_dir or args.redis_url) and not args.database_url:
        parser.error("--model-dir and --redis-url go with --database-url")
    return args


def merge(paths: list[Path]) -> dict[str, Any]:
    """Results of several runs in one: later runs override earlier ones cell by cell; a part a
    later run skipped on purpose (``--skip``: no key at all) is kept from the earlier run."""
    merged: dict[str, Any] = {"runs": [], "scales": {}, "cells": {}}
    for path in paths:
        data = load_results(path)
        merged["runs"] += data["runs"]
        for label, info in data["scales"].items():
            merged["scales"].setdefault(label, {}).update(info)
        merged.setdefault("deployed", {}).update(data.get("deployed", {}))
        for key, cell in data["cells"].items():
            earlier = merged["cells"].get(key, {})
            for part in ("recommender", "ingest"):
                if part in earlier and part not in cell:
                    cell[part] = {**earlier[part], "from_run": earlier.get("run")}
            for key_, entry in earlier.get("endpoints", {}).items():
                if isinstance(entry, dict) and key_ not in cell.get("endpoints", {}):
                    cell.setdefault("endpoints", {})[key_] = {
                        **entry,
                        "from_run": earlier.get("run"),
                    }
            merged["cells"][key] = cell
    return merged


def _stat(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def shape_table(real: Path, workdir: Path, scales: list[float]) -> str:
    """The synthetic datasets' summary statistics beside the real data's (tolerances at 1×)."""
    real_stats = summarise(real)
    columns = {
        scale_label(s): summarise(workdir / f"synth-{scale_label(s)}")
        for s in scales
        if (workdir / f"synth-{scale_label(s)}" / "synth.json").is_file()
    }
    lines = ["| statistic | real | " + " | ".join(columns) + " | tolerance (1×) | 1× within |"]
    lines.append("|---|---:|" + "---:|" * len(columns) + "---|---|")
    one = columns.get("1x")
    verdicts = {row.name: row for row in compare(real_stats, one)} if one else {}
    for name, value in real_stats.items():
        row = verdicts.get(name)
        cells = " | ".join(_stat(stats[name]) for stats in columns.values())
        held = "-" if row is None or row.holds is None else ("yes" if row.holds else "NO")
        tolerance = row.tolerance if row else "-"
        lines.append(f"| {name} | {_stat(value)} | {cells} | {tolerance} | {held} |")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    if args.shape:
        real = (args.data_dir or default_data_dir()).resolve()
        scales = [float(s) for s in args.scales.split(",")]
        print(shape_table(real, args.workdir, scales))
        return
    if args.merge:
        save_results(args.json, merge(args.merge))
    results = load_results(args.json)
    if not args.report and not args.merge:
        require_wrk()
        stop_on_sigterm()
        args.workdir.mkdir(parents=True, exist_ok=True)
        real = (args.data_dir or default_data_dir()).resolve()
        results["runs"].append(describe_run())
        print(results["runs"][-1])
        if args.database_url:
            measure_existing(args, results, real)
        for scale in [] if args.database_url else [float(s) for s in args.scales.split(",")]:
            label = scale_label(scale)
            data_dir = ensure_dataset(args.workdir, scale, args.seed, real, args.generate_budget)
            manifest = json.loads((data_dir / "synth.json").read_text())
            info = results["scales"].setdefault(label, {})
            info.update(
                {
                    k: manifest[k]
                    for k in (
                        "users",
                        "artists",
                        "tags",
                        "listens",
                        "tag_assignments",
                        "friendships",
                    )
                }
            )
            generated = data_dir / "generate.json"
            if generated.is_file():
                info["generate"] = json.loads(generated.read_text())
            if "graph" not in args.skip:
                log(f"{label}: graph summary (cold)")
                info["graph"] = measure_graph(data_dir, args.graph_budget)
                log(f"{label}: graph {info['graph']}")
            save_results(args.json, results)
            sample = draw_sample(data_dir)
            for backend in filter(None, args.backends.split(",")):
                cell = measure_cell(args, scale, backend, data_dir, sample)
                results["cells"][f"{label}/{backend}"] = cell
                save_results(args.json, results)
    print(report(results))
    if not args.no_plots:
        for path in plot(results, PLOTS_DIR):
            print(f"plot written to {path.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
