"""Recommender benchmark: training time, model size, request latency, the evaluation table.

1. **Training** — ``train_to_file`` as ``soundstream recommend train`` runs it: read the
   database, tune the blend on a validation split, refit on everything, save. Target ≤ 60 s.
2. **Size** — the model file, the arrays in memory, and the resident memory a fresh
   interpreter gains by loading it (a child process). Target ≤ 300 MB.
3. **Latency** — warm, on distinct users (so neither the service's nor the HTTP response
   cache can answer): the service call alone (the user's rows read from the database, numpy
   scoring, names) and the full HTTP round trip through the app (``TestClient``, in-process);
   then a listen written per user followed by a read (fold-in: the answer must change without a
   retrain). Target p95 ≤ 20 ms.
4. **Evaluation** — the table of ``soundstream recommend evaluate`` on the data as ingested
   (read before the fold-in writes; ``--skip-eval`` skips it; it takes a few minutes).

By default the full dataset is ingested into a temporary SQLite file; ``--database-url`` uses
an existing database (read-only except for the fold-in writes, which ``--no-writes`` skips).
The machine is shared and noisy: compare numbers within one run.

Usage::

    .venv/bin/python benchmarks/recommend.py [--database-url URL] [--users 300]
        [--skip-eval] [--seeds 0,1,2] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
from _runinfo import describe_run  # noqa: E402

# This directory holds graphql.py and graph.py, which would shadow the packages the app
# imports: keep it off the path once _runinfo is loaded, and put the repository first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "hetrec2011-lastfm-2k"
API = "/api/v1"
API_KEY = "bench-key-0123456789"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def rss_child(model_dir: str, database_url: str) -> None:
    """Print the resident memory a fresh process gains by loading the model (JSON)."""
    from server.config import Settings

    def rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096

    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    import numpy  # noqa: F401  - imported before the baseline: not the model's memory
    import scipy.sparse  # noqa: F401

    from server.recommend.lifecycle import load_recommender

    before = rss()
    start = time.perf_counter()
    recommender = load_recommender(settings, model_dir=Path(model_dir))
    seconds = time.perf_counter() - start
    after = rss()
    assert recommender is not None
    print(json.dumps({"rss_bytes": after - before, "load_seconds": seconds}))


def prepare_database(args: argparse.Namespace, workdir: Path) -> str:
    if args.database_url:
        return str(args.database_url)
    from server.db.engine import create_db_engine
    from server.ingest.service import run_ingest

    url = f"sqlite:///{workdir / 'full.db'}"
    engine = create_db_engine(url)
    run_ingest(engine, args.data_dir)
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--users", type=int, default=300, help="Distinct users timed.")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--skip-eval", action="store_true")
    parser.add_argument("--no-writes", action="store_true", help="Skip the fold-in writes.")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--rss-child", nargs=2, metavar=("MODEL_DIR", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.rss_child:
        rss_child(*args.rss_child)
        return

    from fastapi.testclient import TestClient

    from server.config import Settings
    from server.main import create_app
    from server.recommend.lifecycle import load_recommender, train_to_file
    from server.recommend.strategy import Strategy
    from server.services import recommend as service

    results: dict[str, Any] = {"run": describe_run()}
    print(results["run"])
    with tempfile.TemporaryDirectory(prefix="soundstream-recommend-bench-") as tmp:
        workdir = Path(tmp)
        url = prepare_database(args, workdir)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=url, soundstream_api_keys=[API_KEY], redis_url=None
        )
        model_dir = workdir / "models"
        snapshot = None
        if not args.skip_eval:
            # read before the fold-in writes below change the data
            from server.db.engine import create_db_engine
            from server.recommend.lifecycle import read_snapshot

            engine = create_db_engine(url)
            snapshot = read_snapshot(engine, settings)
            engine.dispose()

        # 1. training
        trained = train_to_file(settings, model_dir=model_dir)
        report = trained.report
        results["training"] = {
            "read_seconds": trained.seconds["read"],
            "train_seconds": trained.seconds["train"],
            "total_seconds": trained.seconds["read"] + trained.seconds["train"],
            "steps": report.seconds,
            "weights": report.weights.as_dict(),
            "validation_ndcg_at_10": report.validation_ndcg,
            "validation_coverage": report.validation_coverage,
        }
        print(
            f"training: {results['training']['total_seconds']:.1f} s "
            f"(read {trained.seconds['read']:.1f} s; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
            + ")"
        )

        # 2. size
        child = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(model_dir), url],
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = json.loads(child.stdout.strip().splitlines()[-1])
        results["size"] = {
            "file_bytes": trained.path.stat().st_size,
            "array_bytes": trained.recommender.nbytes(),
            "rss_after_load_bytes": loaded["rss_bytes"],
            "load_seconds": loaded["load_seconds"],
        }
        print(
            "size: {:.1f} MB file, {:.1f} MB arrays, +{:.1f} MB resident after loading "
            "({:.2f} s)".format(
                results["size"]["file_bytes"] / 1e6,
                results["size"]["array_bytes"] / 1e6,
                results["size"]["rss_after_load_bytes"] / 1e6,
                results["size"]["load_seconds"],
            )
        )

        # 3. latency
        recommender = load_recommender(settings, model_dir=model_dir)
        assert recommender is not None
        app = create_app(settings)
        rng = random.Random(0)
        user_ids = sorted(int(u) for u in recommender.user_ids)
        sample = rng.sample(user_ids, min(args.users, len(user_ids)))
        artists = [int(a) for a in recommender.artist_ids[:2000]]
        latency: dict[str, Any] = {}
        with TestClient(app) as client:
            app.state.recommender = recommender
            database = app.state.database
            for warm in sample[:20]:  # imports, first queries, BLAS warm-up
                client.get(f"{API}/users/{warm}/recommendations")
            for strategy in Strategy:
                samples = []
                for user_id in sample:
                    with database.reader() as session:
                        samples.append(
                            timed(
                                lambda s=session, u=user_id, st=strategy: (
                                    service.recommend_for_user(
                                        s, recommender, u, limit=10, strategy=st
                                    )
                                )
                            )
                        )
                latency[f"service {strategy.value}"] = percentiles(samples)
            http = [
                timed(lambda u=u: client.get(f"{API}/users/{u}/recommendations?limit=10"))
                for u in reversed(sample)  # distinct URLs: the response cache cannot answer
            ]
            latency["http hybrid (distinct users)"] = percentiles(http)
            latency["http similar artists"] = percentiles(
                [
                    timed(lambda a=a: client.get(f"{API}/artists/{a}/similar?limit=10"))
                    for a in rng.sample(artists, min(args.users, len(artists)))
                ]
            )
            latency["http similar users"] = percentiles(
                [
                    timed(lambda u=u: client.get(f"{API}/users/{u}/similar-users?limit=10"))
                    for u in sample
                ]
            )
            if not args.no_writes:
                changed = 0
                after_write = []
                for user_id in sample[:100]:
                    before = client.get(f"{API}/users/{user_id}/recommendations").json()
                    top = before["items"][0]["artist_id"]
                    put = client.put(
                        f"{API}/users/{user_id}/artists/{top}",
                        json={"weight": 1000},
                        headers={"X-API-Key": API_KEY},
                    )
                    assert put.status_code in (200, 201), put.text
                    start = time.perf_counter()
                    after = client.get(f"{API}/users/{user_id}/recommendations").json()
                    after_write.append(time.perf_counter() - start)
                    ids = [item["artist_id"] for item in after["items"]]
                    assert top not in ids
                    changed += ids != [item["artist_id"] for item in before["items"]]
                latency["http hybrid right after a listen (fold-in)"] = percentiles(after_write)
                results["fold_in_changed_lists"] = f"{changed}/{len(after_write)}"
        results["latency"] = latency
        print("latency (ms):")
        for name, values in latency.items():
            print(
                f"  {name:45s} p50 {values['p50_ms']:6.2f}  p95 {values['p95_ms']:6.2f}  "
                f"p99 {values['p99_ms']:6.2f}  (n={values['n']})"
            )
        if "fold_in_changed_lists" in results:
            print(f"fold-in: the next list changed for {results['fold_in_changed_lists']} users")

        # 4. evaluation
        if snapshot is not None:
            from server.recommend.evaluation import evaluate_models

            start = time.perf_counter()
            seeds = [int(s) for s in args.seeds.split(",")]
            evaluation = evaluate_models(snapshot.data, seeds=seeds)
            results["evaluation"] = evaluation.as_dict()
            results["evaluation_seconds"] = time.perf_counter() - start
            print(f"evaluation ({results['evaluation_seconds']:.0f} s, seeds {seeds}):")
            print(evaluation.markdown())
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
