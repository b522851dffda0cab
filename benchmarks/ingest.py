"""Ingest benchmark: ``soundstream ingest`` against a bare ``executemany`` script, in one run.

Why whole commands: a user runs ``soundstream ingest``, not a function, so interpreter start-up,
imports, schema creation, validation, the report and index builds all count. Each variant runs as
a subprocess timed with `time.perf_counter`, into a fresh SQLite file every time.

Why ratios: the machine is shared and noisy, so absolute seconds drift from run to run. The
variants are interleaved (round-robin, rotating the order each repetition) so a slow spell hits
them all alike, and the result that matters is ``ours / bare`` computed inside one run.

Variants (see ``_bare_load.py`` for the baseline's exact SQL):

* ``ours``        — ``soundstream ingest --data-dir D --database-url sqlite:///<fresh file>``
* ``bare-nokeys`` — stdlib sqlite3, same five files, plain tables without any key
* ``bare-keys``   — the same, into the course schema's tables with their primary keys only
* ``postgres``    — ``soundstream ingest`` into a freshly created PostgreSQL database (COPY path),
  reported alone: there is no like-for-like baseline in this run.

The issue's target: ours within 2x of the bare executemany (judged against ``bare-keys``, which
writes the same keys; the ratio to ``bare-nokeys`` is shown too).

Usage::

    .venv/bin/python benchmarks/ingest.py [--repeat 5] [--data-dir DIR] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from _runinfo import describe_run
from _servers import soundstream_exe

REPO_ROOT = Path(__file__).resolve().parents[1]
BARE_LOAD = Path(__file__).resolve().parent / "_bare_load.py"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "hetrec2011-lastfm-2k"
DEFAULT_POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 2.0
# Tables both loaders fill; their row counts are compared once, so the baseline provably loads
# the same data (it keeps the rows our ingest quarantines, which the check accounts for).
DATA_TABLES = ("artists", "tags", "users", "user_artists", "user_taggedartists", "user_friends")

Command = Callable[[Path], list[str]]


@dataclass
class Variant:
    name: str
    label: str
    command: Command
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


def ours_command(data_dir: Path) -> Command:
    exe = soundstream_exe()
    return lambda db: [
        exe,
        "ingest",
        "--data-dir",
        str(data_dir),
        "--database-url",
        f"sqlite:///{db}",
    ]


def bare_command(data_dir: Path, schema: str) -> Command:
    return lambda db: [sys.executable, str(BARE_LOAD), "--schema", schema, str(data_dir), str(db)]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole command.

    CPU time is reported next to wall time because it barely moves when other jobs share the
    machine, while wall time does; exits with the command's output if it fails.
    """
    cpu_before = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(argv)} exited {done.returncode}\n{done.stdout}{done.stderr}")
    return elapsed, children_cpu() - cpu_before


def remove_sqlite(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in DATA_TABLES}


def check_same_rows(counts: dict[str, dict[str, int]], ours_rejects: int) -> None:
    """Fail loudly unless every variant loaded the same rows (ours may quarantine some)."""
    reference = counts["bare-keys"]
    for name, table_rows in counts.items():
        loaded = dict(table_rows)
        if name == "ours":
            loaded["user_taggedartists"] += ours_rejects
        if loaded != reference:
            sys.exit(f"error: {name} loaded {table_rows}, bare-keys {reference}")


def rejects_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM ingest_rejects").fetchone()[0])


def bench_sqlite(variants: list[Variant], repeat: int, env: dict[str, str], tmp: Path) -> None:
    # One untimed warm-up each: page cache, .pyc files, and the row-count check.
    counts: dict[str, dict[str, int]] = {}
    rejects = 0
    for variant in variants:
        db = tmp / f"warmup-{variant.name}.db"
        run_timed(variant.command(db), env)
        counts[variant.name] = table_counts(db)
        if variant.name == "ours":
            rejects = rejects_count(db)
        remove_sqlite(db)
    check_same_rows(counts, rejects)
    print(
        "rows loaded (same in every variant; ours quarantines "
        f"{rejects:,} tag assignments of undefined artists): "
        + ", ".join(f"{t}={n:,}" for t, n in counts["bare-keys"].items())
    )
    for rep in range(repeat):
        shift = rep % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            db = tmp / f"{variant.name}-{rep}.db"
            wall, cpu = run_timed(variant.command(db), env)
            variant.seconds.append(wall)
            variant.cpu_seconds.append(cpu)
            remove_sqlite(db)
        print(
            f"  repetition {rep + 1}/{repeat}: "
            + ", ".join(f"{v.name} {v.seconds[-1]:.3f}s" for v in variants),
            flush=True,
        )


def bench_postgres(
    admin_url: str, data_dir: Path, repeat: int, env: dict[str, str]
) -> Variant | str:
    """Time ``soundstream ingest`` into a fresh database per repetition; return why if skipped."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError as exc:
        return f"skipped: {exc}"
    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        return f"skipped: PostgreSQL not reachable at {admin.render_as_string()}: {exc}"
    exe = soundstream_exe()
    variant = Variant("postgres", "soundstream ingest (PostgreSQL, COPY)", lambda _db: [])
    with conn:
        for rep in range(repeat + 1):  # the first run is an untimed warm-up
            name = f"soundstream_bench_{uuid.uuid4().hex[:12]}"
            url = admin.set(database=name).render_as_string(hide_password=False)
            conn.execute(f'CREATE DATABASE "{name}"')
            try:
                argv = [exe, "ingest", "--data-dir", str(data_dir), "--database-url", url]
                elapsed, cpu = run_timed(argv, env)
            finally:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if rep:
                variant.seconds.append(elapsed)
                variant.cpu_seconds.append(cpu)
                print(f"  postgres repetition {rep}/{repeat}: {elapsed:.3f}s", flush=True)
    return variant


def ratio_verdict(ratio: float) -> str:
    return "PASS" if ratio <= TARGET_RATIO else "FAIL"


def report(variants: list[Variant], postgres: Variant | str | None) -> None:
    ours = variants[0]
    print()
    print("wall = whole command, process start-up included; cpu = its user + system time")
    head = (
        f"{'variant':<40}{'wall median':>12}{'wall min':>10}{'cpu median':>12}"
        f"{'ours/this: median':>19}{'min':>7}{'cpu':>7}"
    )
    print(head)
    print("-" * len(head))
    for v in [*variants, postgres]:
        if not isinstance(v, Variant):
            continue
        if v is ours:
            ratios = ("", "", "")
        elif v.name == "postgres":
            ratios = ("(alone)", "", "")
        else:
            ratios = (
                f"{ours.median / v.median:.2f}x",
                f"{ours.best / v.best:.2f}x",
                f"{ours.cpu_median / v.cpu_median:.2f}x",
            )
        print(
            f"{v.label:<40}{v.median:>11.3f}s{v.best:>9.3f}s{v.cpu_median:>11.3f}s"
            f"{ratios[0]:>19}{ratios[1]:>7}{ratios[2]:>7}"
        )
    if isinstance(postgres, str):
        print(f"PostgreSQL: {postgres}")
    print()
    for v in variants[1:]:
        ratio = ours.median / v.median
        print(
            f"target ours <= {TARGET_RATIO:g}x {v.name} (median wall): {ratio:.2f}x -> "
            f"{ratio_verdict(ratio)}"
            + ("  <- the issue's target (same keys)" if v.name == "bare-keys" else "")
        )


def default_data_dir() -> Path:
    env = os.environ.get("LASTFM_DATA_DIR")
    return Path(env) if env else DEFAULT_DATA_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per variant (5)")
    parser.add_argument("--data-dir", type=Path, default=None, help="the .dat files")
    parser.add_argument(
        "--postgres-admin-url",
        default=DEFAULT_POSTGRES_ADMIN_URL,
        help="a database to connect to for CREATE/DROP DATABASE (default: %(default)s)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL run")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    data_dir: Path = (args.data_dir or default_data_dir()).resolve()
    if not (data_dir / "user_taggedartists.dat").exists():
        sys.exit(f"error: no dataset in {data_dir} (use --data-dir or LASTFM_DATA_DIR)")

    # Settings read the environment: keep a stray DATABASE_URL from leaking into the runs.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LASTFM_DATA_DIR")}
    env["CI"] = "1"  # no progress bar, as in any scripted run
    variants = [
        Variant("ours", "soundstream ingest (SQLite)", ours_command(data_dir)),
        Variant(
            "bare-nokeys", "bare executemany, tables without keys", bare_command(data_dir, "nokeys")
        ),
        Variant("bare-keys", "bare executemany, primary keys only", bare_command(data_dir, "keys")),
    ]
    print(f"data: {data_dir}")
    print(describe_run())
    print(f"repetitions: {args.repeat} (+1 warm-up), interleaved")
    with tempfile.TemporaryDirectory(prefix="soundstream-bench-") as tmp:
        bench_sqlite(variants, args.repeat, env, Path(tmp))
    postgres = None
    if not args.no_postgres:
        postgres = bench_postgres(args.postgres_admin_url, data_dir, args.repeat, env)
    report(variants, postgres)


if __name__ == "__main__":
    main()
