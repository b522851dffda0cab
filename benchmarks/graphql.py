"""GraphQL benchmark: the nested walk and tag search, against datasette-graphql in the same run.

Why these three workloads:

* **nested**: one user's 20 friends, each friend's top 5 artists, each artist's top 3 tags
  (1 + 20 + 100 lists, up to 300 tags) in one GraphQL query. This is what the DataLoaders are for:
  it must cost a fixed handful of statements, not one per node.
* **search**: ``searchArtists(tags: ["rock", "indie"], match: ALL)`` with totals, plays and
  listeners: the analytics path through GraphQL.
* **REST walk**: the same nested data fetched the naive way a REST client would, one request
  per list (1 + 20 + 100 = 121 sequential GETs on one keep-alive connection). It is what the
  GraphQL endpoint saves a client, measured on the same server.

The baseline is datasette-graphql on the same SQLite file: what someone holding this file would
otherwise put in front of it to get a nested GraphQL API. It walks the same foreign keys
(``users_row → user_friends_by_userID_list → friendID → user_artists_list(sort_desc: weight)
→ artistID → user_taggedartists_list``). Where its API cannot say the same thing, the query is
the closest it can: an artist's "top 3 tags" are its first 3 tag *assignments* (by primary key,
a tag may repeat), and the search is a raw ``where:`` SQL filter ordered by id, with listeners
as ``user_artists_list.totalCount`` and no plays (it has no aggregates). Its defaults would
fail the walk, so the run raises them: the plugin's 100-table-request and 1 s limits, and
Datasette's 1 s SQL time limit. The datasette venv is separate (datasette-graphql pins
graphql-core 3.2, Strawberry needs 3.3) and cached in ``~/.cache/soundstream-bench``.

Method (2 shared, noisy cores: only ratios within one run mean much):

1. ``soundstream ingest`` the full dataset into a fresh temporary SQLite file; draw a seeded
   sample of users with at least 20 friends (every request rotates through the same sample on
   both servers; requests are POSTs with variables, so nothing is served from an HTTP cache).
2. Start both servers on loopback: ours is what ``soundstream serve`` runs (uvicorn, 1 worker)
   with log level ``warning`` (the CLI hard-codes ``info``; ``--serve-via cli`` runs the CLI
   itself); Datasette with ``datasette serve``.
3. One cold request per workload (printed), one warm-up, then a check that both servers return
   the same friends and artists (and the REST walk the same data as our GraphQL); a mismatch
   prints a WARNING.
4. SQL statements per request, counted in-process (`_graphql_statements.py` on our engine,
   `_graphql_datasette.py` with a sqlite3 trace in the Datasette venv).
5. Latency: one request at a time from this process (stdlib ``http.client``, keep-alive), in
   3 rounds that interleave all workloads, so noise on the machine hits ours and the baseline
   alike; each workload gets at least ``--iterations`` samples and ``--duration`` seconds.
   Server CPU per request (``/proc/PID/stat`` of the server) is reported next to it: it moves
   far less than wall time when other jobs steal the cores.
6. Throughput: ``--concurrency`` client threads for ``--duration / 2`` seconds per workload.

Targets (from the issue): nested query p95 <= 50 ms; nested query >= 10x faster than
datasette-graphql (judged on p50; the p95 and CPU ratios are printed too).

Usage::

    .venv/bin/python benchmarks/graphql.py [--iterations 30] [--duration 6] [--json out.json]

Needs ``python3.11`` (or this interpreter) and access to PyPI on the first run, to build the
Datasette venv; ``--datasette-venv`` points at another one.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from _runinfo import describe_run
from _servers import (
    REPO_ROOT,
    bench_env,
    default_data_dir,
    free_port,
    ingest,
    process_cpu_seconds,
    running,
    stop_on_sigterm,
)

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATASETTE_VENV = Path.home() / ".cache" / "soundstream-bench" / "datasette-venv"
DATASETTE_REQUIREMENTS = ("datasette>=0.64,<1", "datasette-graphql>=2.2,<3")
DB_NAME = "soundstream"  # Datasette names the database after the file's stem
SAMPLE_SEED = 2011
MIN_FRIENDS = 20
ROUNDS = 3
REQUEST_TIMEOUT_S = 60.0

Server = Literal["ours", "datasette"]
Shape = list[list[tuple[str, tuple[str, ...]]]]  # per friend: (artist name, tag names)

# ------------------------------------------------------------------------------------ queries

# The nested query, with the user id as a variable (as a client sends it; one document
# for every user, so parsing is cached like it would be in production).
OURS_NESTED = """
query Nested($id: Int!) {
  user(id: $id) {
    friends(first: 20) { edges { node {
      topArtists(first: 5) { edges { weight node { name topTags(first: 3) { node { name } } } } }
    } } }
  }
}
"""
OURS_SEARCH = """
{ searchArtists(first: 20, tags: ["rock", "indie"], match: ALL) {
    totalCount edges { node { name } plays listeners } } }
"""
DATASETTE_NESTED = """
query Nested($id: Int!) {
  users_row(userID: $id) {
    user_friends_by_userID_list(first: 20) { nodes { friendID {
      user_artists_list(first: 5, sort_desc: weight) { nodes { weight artistID {
        name user_taggedartists_list(first: 3) { nodes { tagID { tagValue } } }
      } } }
    } } }
  }
}
"""
# Artists carrying both tags (case-insensitive, as ours), 20 by id, the total, and listeners
# (plays would need an aggregate datasette-graphql does not have). The filter is raw SQL in
# its `where:` argument; a GraphQL string literal is JSON-compatible, hence json.dumps.
SEARCH_WHERE = """
id IN (SELECT artistID FROM user_taggedartists
       WHERE tagID IN (SELECT tagID FROM tags WHERE lower(tagValue) IN ('rock', 'indie'))
       GROUP BY artistID HAVING count(DISTINCT tagID) = 2)
"""
DATASETTE_SEARCH = (
    "{ artists(first: 20, where: "
    + json.dumps(" ".join(SEARCH_WHERE.split()))
    + ") { totalCount nodes { name user_artists_list { totalCount } } } }"
)
DATASETTE_METADATA = {
    # Defaults: 100 table requests and 1,000 ms per GraphQL query; the walk makes 122.
    "plugins": {"datasette-graphql": {"num_queries_limit": 1000, "time_limit_ms": 20000}}
}
DATASETTE_SETTINGS = {"sql_time_limit_ms": 20000}


# ------------------------------------------------------------------------------------ clients


class RequestFailedError(Exception):
    """A non-200 answer, a GraphQL ``errors`` list or a connection error."""


class Http:
    """One keep-alive HTTP/1.1 connection; the stdlib client, so the client's own cost per
    request (≈ 0.1 ms) stays small next to the server's. Sends no ``Accept-Encoding: gzip``
    and no ``If-None-Match``: every request does the full work on the server."""

    def __init__(self, base_url: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.reset()
            raise RequestFailedError(f"{method} {path}: {exc!r}") from exc
        if response.status != 200:
            raise RequestFailedError(f"{method} {path} -> {response.status}: {data[:300]!r}")
        try:
            decoded = json.loads(data)
        except ValueError as exc:
            raise RequestFailedError(f"{method} {path}: not JSON: {data[:300]!r}") from exc
        if isinstance(decoded, dict) and decoded.get("errors"):
            raise RequestFailedError(f"{method} {path}: {json.dumps(decoded['errors'])[:300]}")
        return decoded

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        return self.request("POST", "/graphql", {"query": query, "variables": variables or {}})

    def reset(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)

    def close(self) -> None:
        self.conn.close()


def ours_nested(client: Http, user: int) -> Shape:
    data = client.graphql(OURS_NESTED, {"id": user})["data"]["user"]
    return [
        [
            (e["node"]["name"], tuple(t["node"]["name"] for t in e["node"]["topTags"]))
            for e in friend["node"]["topArtists"]["edges"]
        ]
        for friend in data["friends"]["edges"]
    ]


def datasette_nested(client: Http, user: int) -> Shape:
    data = client.graphql(DATASETTE_NESTED, {"id": user})["data"]["users_row"]
    return [
        [
            (
                n["artistID"]["name"],
                tuple(
                    t["tagID"]["tagValue"]
                    for t in n["artistID"]["user_taggedartists_list"]["nodes"]
                ),
            )
            for n in friend["friendID"]["user_artists_list"]["nodes"]
        ]
        for friend in data["user_friends_by_userID_list"]["nodes"]
    ]


def rest_walk(client: Http, user: int, visited: list[str] | None = None) -> Shape:
    """The naive REST client: each list fetched as soon as its parent is known, in order."""

    def get(path: str) -> Any:
        if visited is not None:
            visited.append(path)
        return client.get(path)

    shape: Shape = []
    for friend in get(f"/api/v1/users/{user}/friends?limit=20")["items"]:
        artists = get(f"/api/v1/users/{friend['friend_id']}/artists?limit=5")["items"]
        shape.append(
            [
                (
                    artist["name"],
                    tuple(
                        tag["name"]
                        for tag in get(f"/api/v1/artists/{artist['artist_id']}/tags?limit=3")[
                            "items"
                        ]
                    ),
                )
                for artist in artists
            ]
        )
    return shape


def ours_search(client: Http, _user: int) -> int:
    return int(client.graphql(OURS_SEARCH)["data"]["searchArtists"]["totalCount"])


def datasette_search(client: Http, _user: int) -> int:
    return int(client.graphql(DATASETTE_SEARCH)["data"]["artists"]["totalCount"])


# ---------------------------------------------------------------------------------- workloads


@dataclass
class Samples:
    """What one workload measured; latencies in ms, CPU of the server process in seconds."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    last_error: str = ""
    cpu_s: float = 0.0
    cpu_requests: int = 0
    cpu_known: bool = True
    throughput_per_s: float | None = None
    throughput_completed: int = 0
    cold_ms: float | None = None

    def percentile(self, p: float) -> float | None:
        """Nearest-rank percentile, ``p`` in (0, 100]."""
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]

    @property
    def cpu_ms_per_request(self) -> float | None:
        if not self.cpu_known or not self.cpu_requests:
            return None
        return self.cpu_s * 1000 / self.cpu_requests

    @property
    def clean(self) -> bool:
        return self.failures == 0 and bool(self.latencies_ms)


@dataclass
class Workload:
    key: str  # "nested", "search", "rest_walk"
    server: Server
    label: str
    base_url: str
    pid: int
    step: Callable[[Http, int], Any]
    users: list[int]
    samples: Samples = field(default_factory=Samples)
    cursor: int = 0

    @property
    def name(self) -> str:
        return f"{self.key}/{self.server}"

    def next_user(self) -> int:
        user = self.users[self.cursor % len(self.users)]
        self.cursor += 1
        return user


def latency_slice(work: Workload, seconds: float, iterations: int, cap_s: float) -> None:
    """Sequential requests on one fresh connection (so no idle keep-alive has timed out) until
    both ``seconds`` and ``iterations`` are reached, or ``cap_s`` seconds have passed."""
    client = Http(work.base_url)
    samples = work.samples
    cpu_before = process_cpu_seconds(work.pid)
    started = time.perf_counter()
    done = 0
    try:
        while True:
            user = work.next_user()
            t0 = time.perf_counter()
            try:
                work.step(client, user)
            except RequestFailedError as exc:
                samples.failures += 1
                samples.last_error = str(exc)
            else:
                samples.latencies_ms.append((time.perf_counter() - t0) * 1000)
            done += 1
            elapsed = time.perf_counter() - started
            if (elapsed >= seconds and done >= iterations) or elapsed >= cap_s:
                break
    finally:
        client.close()
    cpu_after = process_cpu_seconds(work.pid)
    if cpu_before is None or cpu_after is None:
        samples.cpu_known = False
    else:
        samples.cpu_s += cpu_after - cpu_before
        samples.cpu_requests += done


def measure_throughput(work: Workload, seconds: float, concurrency: int) -> None:
    """``concurrency`` threads, each with its own connection, request back to back; started
    requests are allowed to finish, and the rate counts them over the time they took."""
    counter = itertools.count()
    lock = threading.Lock()
    completed = 0
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal completed
        client = Http(work.base_url)
        try:
            while time.perf_counter() < deadline:
                user = work.users[next(counter) % len(work.users)]
                try:
                    work.step(client, user)
                except RequestFailedError as exc:
                    with lock:
                        failures.append(str(exc))
                else:
                    with lock:
                        completed += 1
        finally:
            client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    work.samples.throughput_per_s = completed / elapsed if elapsed > 0 else None
    work.samples.throughput_completed = completed
    if failures:
        work.samples.failures += len(failures)
        work.samples.last_error = failures[-1]


# ------------------------------------------------------------------------------------ servers


def ours_argv(port: int, via: str) -> list[str]:
    if via == "cli":  # logs every request at info level (hard-coded in the CLI)
        exe = str(Path(sys.executable).parent / "soundstream")
        return [exe, "serve", "--host", "127.0.0.1", "--port", str(port)]
    # `soundstream serve`'s uvicorn.run call, minus its hard-coded log level info.
    return [
        sys.executable, "-m", "uvicorn", "server.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning",
    ]  # fmt: skip


def datasette_argv(venv: Path, db: Path, metadata: Path, port: int, immutable: bool) -> list[str]:
    settings = [a for k, v in DATASETTE_SETTINGS.items() for a in ("--setting", k, str(v))]
    where = ["-i", str(db)] if immutable else [str(db)]
    return [
        str(venv / "bin" / "datasette"), "serve", *where, "--host", "127.0.0.1",
        "--port", str(port), "-m", str(metadata), *settings,
    ]  # fmt: skip


def ensure_datasette_venv(venv: Path) -> dict[str, str]:
    """Create (once) a venv with datasette and datasette-graphql; return their versions."""
    python = venv / "bin" / "python"
    probe = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({p: m.version(p) for p in "
        "('datasette', 'datasette-graphql', 'graphql-core')}))"
    )

    def versions() -> dict[str, str] | None:
        if not python.exists():
            return None
        done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        return json.loads(done.stdout) if done.returncode == 0 else None

    found = versions()
    if found is not None:
        return found
    base = shutil.which("python3.11") or sys.executable
    print(f"creating the Datasette venv in {venv} (once) ...", flush=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *DATASETTE_REQUIREMENTS], check=True
        )
    except subprocess.CalledProcessError as exc:
        sys.exit(f"error: building {venv} failed ({exc}); --no-datasette skips the baseline")
    found = versions()
    if found is None:
        sys.exit(f"error: {venv} has no working datasette-graphql after pip install")
    return found


# ------------------------------------------------------------------------------------ dataset


def sample_users(db: Path, size: int) -> list[int]:
    """A seeded sample of users with at least 20 friends, in id order."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            'SELECT "userID" FROM user_friends GROUP BY "userID" HAVING count(*) >= ? '
            'ORDER BY "userID"',
            (MIN_FRIENDS,),
        ).fetchall()
    users = [int(r[0]) for r in rows]
    if not users:
        sys.exit(f"error: no user has {MIN_FRIENDS} friends in {db}")
    return sorted(random.Random(SAMPLE_SEED).sample(users, min(size, len(users))))


# ---------------------------------------------------------------------------------- statements


def count_statements(
    db: Path, datasette_venv: Path | None, user: int, walk_paths: list[str]
) -> dict[str, dict[str, Any]]:
    """Statements per request group on each side (see the two helpers' docstrings)."""
    graphql_post = {"method": "POST", "path": "/graphql"}
    ours_spec = {
        "database_url": f"sqlite:///{db}",
        "repeat": 2,
        "groups": {
            "nested": [{**graphql_post, "json": {"query": OURS_NESTED, "variables": {"id": user}}}],
            "search": [{**graphql_post, "json": {"query": OURS_SEARCH}}],
            "rest_walk": [{"method": "GET", "path": p} for p in walk_paths],
        },
    }
    counts: dict[str, dict[str, Any]] = {
        "ours": run_helper(sys.executable, "_graphql_statements.py", ours_spec)
    }
    if datasette_venv is not None:
        ds_spec = {
            "database": str(db),
            "metadata": DATASETTE_METADATA,
            "settings": DATASETTE_SETTINGS,
            "repeat": 2,
            "groups": {
                "nested": [{"query": DATASETTE_NESTED, "variables": {"id": user}}],
                "search": [{"query": DATASETTE_SEARCH}],
            },
        }
        python = str(datasette_venv / "bin" / "python")
        counts["datasette"] = run_helper(python, "_graphql_datasette.py", ds_spec)
    return counts


def run_helper(python: str, script: str, spec: dict[str, Any]) -> dict[str, Any]:
    # -P: this directory holds graphql.py, which would shadow graphql-core in the helper.
    done = subprocess.run(
        [python, "-P", str(BENCH_DIR / script)],
        input=json.dumps(spec),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        sys.exit(f"error: {script} failed:\n{done.stdout}{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def lookup(statements: dict[str, dict[str, Any]], key: str) -> list[dict[str, int]] | None:
    """Counts for a workload key such as ``"nested/ours"``."""
    group, server = key.split("/")
    found: list[dict[str, int]] | None = statements.get(server, {}).get(group)
    return found


def fmt_statements(runs: list[dict[str, int]] | None) -> str:
    """``4 (+4)``: queries (+ transaction control / PRAGMAs); ``cold→warm`` when they differ."""
    if not runs:
        return "-"

    def one(run: dict[str, int]) -> str:
        extra = run["total"] - run["queries"]
        return f"{run['queries']:,}" + (f" (+{extra:,})" if extra else "")

    cold, warm = runs[0], runs[-1]
    return one(warm) if cold == warm else f"{one(cold)} cold, {one(warm)} warm"


# --------------------------------------------------------------------------------- verification


def verify(
    results: Results,
    ours_url: str,
    ds_url: str | None,
    users: list[int],
) -> list[str]:
    """Check the workloads return the same data; return the REST walk's paths for the first
    user (for the statement count). Mismatches print a WARNING and are kept in the results."""
    client = Http(ours_url)
    walk_paths: list[str] = []
    try:
        for index, user in enumerate(users[:3]):
            graph = ours_nested(client, user)
            walk = rest_walk(client, user, walk_paths if index == 0 else None)
            if graph != walk:
                warn(results, f"user {user}: the REST walk and our GraphQL query differ")
            same = "same data" if graph == walk else "DIFFERENT data"
            if ds_url is None:
                print(f"  user {user}: REST walk vs our GraphQL: {same}")
                continue
            ds_client = Http(ds_url)
            try:
                theirs = datasette_nested(ds_client, user)
            finally:
                ds_client.close()
            ours_artists = [[name for name, _ in friend] for friend in graph]
            ds_artists = [[name for name, _ in friend] for friend in theirs]
            ours_n, ds_n = len(graph), len(theirs)
            artists_n = (sum(map(len, ours_artists)), sum(map(len, ds_artists)))
            tags_n = (
                sum(len(t) for f in graph for _, t in f),
                sum(len(t) for f in theirs for _, t in f),
            )
            line = (
                f"user {user}: friends {ours_n}/{ds_n}, artists {artists_n[0]}/{artists_n[1]}, "
                f"tags {tags_n[0]}/{tags_n[1]} (ours/datasette; tags differ by design); "
                f"REST walk vs our GraphQL: {same}"
            )
            print(f"  {line}")
            if ours_artists != ds_artists:
                warn(results, f"user {user}: datasette-graphql returns other friends/artists")
        if ds_url is not None:
            ds_client = Http(ds_url)
            try:
                totals = (ours_search(client, 0), datasette_search(ds_client, 0))
            finally:
                ds_client.close()
            print(f"  search: totalCount {totals[0]}/{totals[1]} (ours/datasette)")
            if totals[0] != totals[1]:
                warn(results, f"search totals differ: ours {totals[0]}, datasette {totals[1]}")
    except RequestFailedError as exc:
        sys.exit(f"error: a check request failed: {exc}")
    finally:
        client.close()
    return walk_paths


def warn(results: Results, message: str) -> None:
    print(f"  WARNING: {message}", flush=True)
    results.warnings.append(message)


# ------------------------------------------------------------------------------------- report


@dataclass
class Results:
    run: str
    versions: dict[str, str]
    options: dict[str, Any]
    users: list[int] = field(default_factory=list)
    workloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    statements: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "-"


def report(
    works: dict[str, Workload],
    statements: dict[str, dict[str, Any]],
    concurrency: int,
    results: Results,
) -> None:
    """The table and the targets. Every row is our GraphQL query against a baseline, the
    ratio is baseline / ours (> 1: our GraphQL is faster); the last row's baseline is the same
    data fetched from our own REST API the naive way."""
    rows = [
        ("nested", "nested/ours", "nested/datasette", "datasette-graphql"),
        ("search", "search/ours", "search/datasette", "datasette-graphql (where:)"),
        ("nested", "nested/ours", "rest_walk/ours", "our REST walk (121 GETs)"),
    ]
    print()
    print(
        f"latency: one request at a time (ms); req/s: {concurrency} client threads; "
        "CPU: server CPU ms per query (per walk); ratio = baseline / ours (>1: ours is faster)"
    )
    head = (
        f"{'query':<21}{'ours p50':>9}{'p95':>8}{'req/s':>7}{'CPU':>7}  "
        f"{'baseline':<27}{'p50':>8}{'p95':>8}{'req/s':>7}{'CPU':>7}"
        f"{'p50 x':>7}{'p95 x':>7}{'CPU x':>7}  statements ours / baseline"
    )
    print(head)
    print("-" * len(head))
    for title, ours_key, base_key, base_name in rows:
        ours, base = works.get(ours_key), works.get(base_key)
        if ours is None:
            continue
        o, b = ours.samples, (base.samples if base else Samples())
        ours_st = fmt_statements(lookup(statements, ours_key))
        base_st = fmt_statements(lookup(statements, base_key))
        note = "  INVALID: failures" if base is not None and not (o.clean and b.clean) else ""
        print(
            f"{title:<21}{fmt_ms(o.percentile(50)):>9}{fmt_ms(o.percentile(95)):>8}"
            f"{fmt_ms(o.throughput_per_s):>7}{fmt_ms(o.cpu_ms_per_request):>7}  "
            f"{base_name if base else '-':<27}{fmt_ms(b.percentile(50)):>8}"
            f"{fmt_ms(b.percentile(95)):>8}{fmt_ms(b.throughput_per_s):>7}"
            f"{fmt_ms(b.cpu_ms_per_request):>7}"
            f"{fmt_ratio(b.percentile(50), o.percentile(50)):>7}"
            f"{fmt_ratio(b.percentile(95), o.percentile(95)):>7}"
            f"{fmt_ratio(b.cpu_ms_per_request, o.cpu_ms_per_request):>7}"
            f"  {ours_st} / {base_st}{note}"
        )
    for work in works.values():
        s = work.samples
        if s.failures:
            print(f"  {work.name}: {s.failures} failed requests; last: {s.last_error}")
    print()
    print("targets:")
    nested, ds = works.get("nested/ours"), works.get("nested/datasette")
    if nested is not None:
        p95 = nested.samples.percentile(95)
        valid = nested.samples.clean and p95 is not None
        passed = valid and p95 is not None and p95 <= 50
        results.targets.append({"target": "nested p95 <= 50 ms", "value_ms": p95, "pass": passed})
        verdict = ("PASS" if passed else "FAIL") if valid else "INVALID"
        print(f"  nested query p95 <= 50 ms: {fmt_ms(p95)} ms -> {verdict}")
    if nested is not None and ds is not None:
        p50_o, p50_b = nested.samples.percentile(50), ds.samples.percentile(50)
        ratio = p50_b / p50_o if p50_o and p50_b else None
        valid = nested.samples.clean and ds.samples.clean and ratio is not None
        passed = valid and ratio is not None and ratio >= 10
        results.targets.append(
            {"target": ">= 10x faster than datasette-graphql (p50)", "ratio": ratio, "pass": passed}
        )
        verdict = ("PASS" if passed else "FAIL") if valid else "INVALID"
        print(
            f"  nested query >= 10x faster than datasette-graphql (p50 ratio): "
            f"{'-' if ratio is None else f'{ratio:.2f}x'} -> {verdict}"
            f"  (p95 {fmt_ratio(ds.samples.percentile(95), nested.samples.percentile(95))}, "
            f"CPU {fmt_ratio(ds.samples.cpu_ms_per_request, nested.samples.cpu_ms_per_request)})"
        )
    if results.warnings:
        print(f"  {len(results.warnings)} WARNING(s) above: the baseline's data differs")


# --------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--iterations", type=int, default=30, help="minimum latency samples per workload (30)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=6.0,
        help="minimum seconds of latency sampling per workload; throughput runs half (6)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="throughput threads (4)")
    parser.add_argument("--users", type=int, default=30, help="users to rotate through (30)")
    parser.add_argument("--data-dir", type=Path, default=None, help="the .dat files")
    parser.add_argument(
        "--database", type=Path, default=None, help="an already ingested SQLite file to use as is"
    )
    parser.add_argument(
        "--datasette-venv",
        type=Path,
        default=DEFAULT_DATASETTE_VENV,
        help="venv with datasette + datasette-graphql, created if missing (%(default)s)",
    )
    parser.add_argument("--no-datasette", action="store_true", help="skip the baseline")
    parser.add_argument(
        "--datasette-immutable", action="store_true", help="serve Datasette with -i (immutable)"
    )
    parser.add_argument(
        "--serve-via",
        choices=("uvicorn", "cli"),
        default="uvicorn",
        help="uvicorn (log level warning, default) or the `soundstream serve` CLI (info)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    args = parser.parse_args()
    if args.iterations < 1 or args.duration <= 0 or args.concurrency < 1 or args.users < 1:
        parser.error("--iterations, --duration, --concurrency and --users must be positive")
    return args


def main() -> None:
    args = parse_args()
    stop_on_sigterm()
    started = time.perf_counter()
    datasette_venv = None if args.no_datasette else args.datasette_venv.expanduser().resolve()
    versions = ensure_datasette_venv(datasette_venv) if datasette_venv else {}
    options = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    results = Results(run=describe_run(), versions=versions, options=options)
    print(results.run)
    if versions:
        print("baseline: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    env = bench_env()  # no progress bars, rate limiting off: one client hammering is the point
    with (
        tempfile.TemporaryDirectory(prefix="soundstream-graphql-bench-") as tmp_name,
        ExitStack() as stack,
    ):
        tmp = Path(tmp_name)
        if args.database is not None:
            db = args.database.resolve()
        else:
            data_dir = (args.data_dir or default_data_dir()).resolve()
            db = tmp / f"{DB_NAME}.db"
            print(f"ingesting {data_dir} into {db} ...", flush=True)
            t0 = time.perf_counter()
            ingest(data_dir, f"sqlite:///{db}", env)
            print(f"  {time.perf_counter() - t0:.1f} s")
        users = sample_users(db, args.users)
        results.users = users
        print(f"users (>= {MIN_FRIENDS} friends, seed {SAMPLE_SEED}): {users}")

        ours_port = free_port()
        ours_url = f"http://127.0.0.1:{ours_port}"
        ours_pid = stack.enter_context(
            running(
                "soundstream",
                ours_argv(ours_port, args.serve_via),
                {**env, "DATABASE_URL": f"sqlite:///{db}"},
                f"{ours_url}/api/v1/ready",
                tmp / "ours.log",
            )
        )
        ds_url: str | None = None
        ds_pid = 0
        if datasette_venv is not None:
            metadata = tmp / "datasette-metadata.json"
            metadata.write_text(json.dumps(DATASETTE_METADATA))
            ds_port = free_port()
            ds_url = f"http://127.0.0.1:{ds_port}"
            ds_pid = stack.enter_context(
                running(
                    "datasette",
                    datasette_argv(datasette_venv, db, metadata, ds_port, args.datasette_immutable),
                    env,
                    f"{ds_url}/-/versions.json",
                    tmp / "datasette.log",
                )
            )

        works: dict[str, Workload] = {}

        def add(key: str, server: Server, label: str, step: Callable[[Http, int], Any]) -> None:
            url, pid = (ours_url, ours_pid) if server == "ours" else (ds_url or "", ds_pid)
            works[f"{key}/{server}"] = Workload(key, server, label, url, pid, step, users)

        add("nested", "ours", "GraphQL nested", ours_nested)
        add("search", "ours", "GraphQL searchArtists", ours_search)
        add("rest_walk", "ours", "REST walk, 121 GETs", rest_walk)
        if ds_url is not None:
            add("nested", "datasette", "datasette-graphql nested", datasette_nested)
            add("search", "datasette", "datasette-graphql where:", datasette_search)

        print("cold: the first request of each workload (schema builds, caches, page cache)")
        for work in works.values():
            client = Http(work.base_url)
            try:
                t0 = time.perf_counter()
                work.step(client, users[0])
                work.samples.cold_ms = (time.perf_counter() - t0) * 1000
                work.step(client, users[-1])  # warm-up, not timed
            except RequestFailedError as exc:
                sys.exit(f"error: {work.name}: {exc}")
            finally:
                client.close()
            print(f"  {work.name:<19} {work.samples.cold_ms:8.1f} ms")

        print("checks:")
        walk_paths = verify(results, ours_url, ds_url, users)
        print("counting SQL statements in-process ...", flush=True)
        statements = count_statements(db, datasette_venv, users[0], walk_paths)
        results.statements = statements

        per_round_s = args.duration / ROUNDS
        per_round_n = math.ceil(args.iterations / ROUNDS)
        cap_s = max(5 * per_round_s, 15.0)
        print(
            f"latency: {ROUNDS} interleaved rounds, each >= {per_round_n} requests and "
            f">= {per_round_s:.1f} s per workload ...",
            flush=True,
        )
        order = list(works.values())
        for round_index in range(ROUNDS):
            for work in order if round_index % 2 == 0 else order[::-1]:
                latency_slice(work, per_round_s, per_round_n, cap_s)
        for work in order:
            s = work.samples
            print(
                f"  {work.name:<19} n={len(s.latencies_ms):<4} p50 {fmt_ms(s.percentile(50)):>8}"
                f" p95 {fmt_ms(s.percentile(95)):>8} ms  CPU {fmt_ms(s.cpu_ms_per_request)} ms"
                + (f"  FAILED x{s.failures}: {s.last_error}" if s.failures else "")
            )
        throughput_s = max(args.duration / 2, 1.0)
        print(f"throughput: {args.concurrency} threads x {throughput_s:g} s per workload ...")
        for work in order[::-1]:
            measure_throughput(work, throughput_s, args.concurrency)
            print(
                f"  {work.name:<19} {fmt_ms(work.samples.throughput_per_s)}/s "
                f"({work.samples.throughput_completed} completed)",
                flush=True,
            )

        report(works, statements, args.concurrency, results)
        for name, work in works.items():
            s = work.samples
            results.workloads[name] = {
                "label": work.label,
                "p50_ms": s.percentile(50),
                "p95_ms": s.percentile(95),
                "p99_ms": s.percentile(99),
                "cpu_ms_per_request": s.cpu_ms_per_request,
                "throughput_per_s": s.throughput_per_s,
                **asdict(s),
            }
    results.elapsed_s = time.perf_counter() - started
    print(f"\ntotal {results.elapsed_s:.0f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(results), indent=2))
        print(f"raw results written to {args.json}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the servers were stopped on the way out (``running``)
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
