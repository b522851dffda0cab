"""Search by tags alone, two ways in the same run: the SQL intersection against the tags'
postings in memory (docs/scaling.md, run 14).

A match=all search by relevance with no other criterion is the top of the tags'
intersection. ``sql`` runs the statement that answered it before run 14 (still used when
another criterion joins the tags): a join of the tags' tally rows, ranked, the window's
artists read. ``postings`` is what the service does now (`server.services.postings`):
each tag's postings read once, the intersection and the rank cut in numpy, one statement
for the artists that can reach the window. Both read the first window (100 rows) for pairs
of the most used tags, alternating per pair, on an existing database (e.g. the 100x one of
``benchmarks/scale.py``). The machine is shared and noisy: the ratio is the result.

Usage::

    .venv/bin/python benchmarks/search_tags.py --database-url URL [--pairs 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
from _runinfo import describe_run  # noqa: E402

# This directory holds graphql.py and graph.py, which would shadow the packages the app
# imports: keep it off the path once _runinfo is loaded, and put the repository first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from server.db.engine import create_db_engine  # noqa: E402
from server.db.meta import get_data_version  # noqa: E402
from server.db.models import ArtistTagCount, Tag  # noqa: E402
from server.repositories import search as repo  # noqa: E402
from server.schemas.search import SearchSort  # noqa: E402
from server.services.cache import ResultCache  # noqa: E402
from server.services.search import SEARCH_WINDOW, top_by_tags  # noqa: E402

TOP_TAGS = 60  # as benchmarks/scale.py's search requests


def top_tags(session: Session) -> list[tuple[int, str]]:
    used = func.sum(ArtistTagCount.assignments)
    stmt = (
        select(Tag.id, Tag.value)
        .join(ArtistTagCount, ArtistTagCount.tag_id == Tag.id)
        .group_by(Tag.id, Tag.value)
        .order_by(used.desc(), Tag.id)
        .limit(TOP_TAGS)
    )
    return [(int(i), str(v)) for i, v in session.execute(stmt)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--pairs", type=int, default=400, help="tag pairs per round (400)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (3)")
    args = parser.parse_args()

    engine = create_db_engine(args.database_url)
    cache = ResultCache()
    times: dict[str, list[float]] = {"sql": [], "postings": []}
    with Session(engine) as session:
        tags = top_tags(session)
        version = get_data_version(session)
        pairs = [(a, b) for i, a in enumerate(tags) for b in tags[i + 1 :]]
        random.Random(0).shuffle(pairs)
        pairs = pairs[: args.pairs]

        def sql(f: repo.ArtistFilter) -> int:
            rows, _ = repo.search_first_page(session, f, sort=SearchSort.RELEVANCE, limit=100)
            return len(rows)

        def postings(f: repo.ArtistFilter, names: dict[int, str]) -> int:
            rows, _ = top_by_tags(session, cache, version, f, names, SEARCH_WINDOW, 0)
            return len(rows)

        started = time.perf_counter()
        for (a, name_a), (b, name_b) in pairs:  # reads every tag's postings once
            postings(repo.ArtistFilter(tag_groups=((a,), (b,))), {a: name_a, b: name_b})
        first_pass = time.perf_counter() - started
        for _ in range(args.rounds):
            for (a, name_a), (b, name_b) in pairs:
                f = repo.ArtistFilter(tag_groups=((a,), (b,)))
                t0 = time.perf_counter()
                n_sql = sql(f)
                t1 = time.perf_counter()
                n_postings = postings(f, {a: name_a, b: name_b})
                t2 = time.perf_counter()
                if n_sql != n_postings:
                    sys.exit(f"the two paths disagree for tags {a}, {b}: {n_sql} != {n_postings}")
                times["sql"].append(t1 - t0)
                times["postings"].append(t2 - t1)
    print(describe_run())
    print(
        f"{len(pairs)} pairs of the {len(tags)} most used tags x {args.rounds} rounds; "
        f"the postings' first pass (each tag read once): {first_pass:.2f} s; "
        f"postings held: {cache.sized_units:,}"
    )
    print()
    print("| path | median ms | p95 ms | mean ms |")
    print("|---|---:|---:|---:|")
    for path, values in times.items():
        ms = [v * 1000 for v in values]
        print(
            f"| {path} | {statistics.median(ms):.2f} | {percentile(ms, 0.95):.2f} "
            f"| {statistics.mean(ms):.2f} |"
        )
    ratio = statistics.median(times["sql"]) / statistics.median(times["postings"])
    print(f"\nmedian sql / postings: {ratio:.1f}x")


if __name__ == "__main__":
    main()
