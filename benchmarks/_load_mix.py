"""The load benchmark's request mix: what is sent, in what proportions, to which server.

Pure (no I/O but writing the request files): `load.py` draws the ids from the database
(`Catalog`), and this module turns them into a seeded sequence of logical calls (`draw_calls`),
renders each call for our API or for Datasette (`ours_request`, `datasette_request`), splits
them into one file per wrk thread (`write_thread_files`, read by `_wrk.lua`), and afterwards
summarises what came back (`percentile`, `repeats`).

The mix (issue #10): 70 % single-resource and list reads, 20 % search and analytics, 5 %
recommendations, 5 % nested GraphQL. Reads pick ids uniformly among the ids that exist (the
real ranges, with their gaps skipped, so no 404 is provoked); searches and trends pick pairs of
tags among the most used ones, as people search for tags that exist. Datasette gets the same
calls where it has an equivalent (reads, search, analytics: 90 % of the mix) as canned queries
(`datasette_metadata`): the same SQL `rest.py` compares with, behind short URLs.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from rest import CHART_SQL, DB_NAME, SEARCH_SQL, STATS_SQL, USER_ARTISTS_SQL

Group = Literal["read", "search/analytics", "recommendations", "graphql"]


@dataclass(frozen=True)
class Category:
    key: str
    group: Group
    weight: float  # percent of the mix
    datasette: bool  # Datasette has an equivalent


MIX: tuple[Category, ...] = (
    Category("artist", "read", 20, datasette=True),
    Category("user_artists", "read", 20, datasette=True),
    Category("tag_artists", "read", 15, datasette=True),
    Category("user_friends", "read", 15, datasette=True),
    Category("search", "search/analytics", 8, datasette=True),
    Category("tag_trends", "search/analytics", 4, datasette=True),
    Category("chart_artists", "search/analytics", 3, datasette=True),
    Category("chart_tags", "search/analytics", 3, datasette=True),
    Category("stats", "search/analytics", 2, datasette=True),
    Category("recommendations", "recommendations", 5, datasette=False),
    Category("graphql_nested", "graphql", 5, datasette=False),
)
CATEGORIES = {c.key: c for c in MIX}
GROUPS: tuple[Group, ...] = ("read", "search/analytics", "recommendations", "graphql")

# The nested walk of graphql.py (user -> 20 friends -> 5 top artists each -> 3 top tags each),
# one document with the user as a variable, as a client sends it.
NESTED_QUERY = (
    "query Nested($id: Int!) { user(id: $id) { friends(first: 20) { edges { node { "
    "topArtists(first: 5) { edges { weight node { name topTags(first: 3) { node { name } } } } }"
    " } } } } }"
)

# Datasette's equivalents of the routes rest.py does not already compare: one page of 20 plus
# the total, as our page envelope.
TAG_ARTISTS_SQL = """
SELECT a.id, a.name, count(*) AS assignments, count(*) OVER () AS total
FROM user_taggedartists uta JOIN artists a ON a.id = uta."artistID"
WHERE uta."tagID" = :tag
GROUP BY uta."artistID"
ORDER BY assignments DESC, a.id
LIMIT 20
"""
USER_FRIENDS_SQL = """
SELECT "userID", "friendID", count(*) OVER () AS total
FROM user_friends WHERE "userID" = :user
ORDER BY "friendID"
LIMIT 20
"""
TAG_TRENDS_SQL = """
SELECT t."tagID", t."tagValue", uta.year, count(*) AS assignments
FROM user_taggedartists uta JOIN tags t ON t."tagID" = uta."tagID"
WHERE lower(t."tagValue") IN (:tag1, :tag2)
GROUP BY t."tagID", uta.year
ORDER BY t."tagID", uta.year
"""
CHART_LISTENERS_SQL = CHART_SQL.replace("ORDER BY plays DESC", "ORDER BY listeners DESC")
CHART_TAGS_SQL = """
SELECT t."tagID", t."tagValue", count(*) AS assignments, count(DISTINCT uta."artistID") AS artists
FROM user_taggedartists uta JOIN tags t ON t."tagID" = uta."tagID"
GROUP BY uta."tagID"
ORDER BY {order} DESC, t."tagID"
LIMIT 10
"""
CANNED_QUERIES = {
    "user_artists": USER_ARTISTS_SQL,
    "tag_artists": TAG_ARTISTS_SQL,
    "user_friends": USER_FRIENDS_SQL,
    "search": SEARCH_SQL,
    "tag_trends": TAG_TRENDS_SQL,
    "stats": STATS_SQL,
    "chart_artists_plays": CHART_SQL,
    "chart_artists_listeners": CHART_LISTENERS_SQL,
    "chart_tags_assignments": CHART_TAGS_SQL.format(order="assignments"),
    "chart_tags_artists": CHART_TAGS_SQL.format(order="artists"),
}


def datasette_metadata() -> dict[str, Any]:
    """Datasette metadata declaring the canned queries (``/soundstream/<name>.json?params``)."""
    queries = {name: {"sql": " ".join(sql.split())} for name, sql in CANNED_QUERIES.items()}
    return {"databases": {DB_NAME: {"queries": queries}}}


@dataclass(frozen=True)
class Catalog:
    """The ids requests are drawn from (read from the benchmarked database)."""

    artist_ids: Sequence[int]
    user_ids: Sequence[int]
    tag_ids: Sequence[int]
    top_tags: Sequence[str]  # the most used tag names, lower case, without commas


@dataclass(frozen=True)
class Call:
    """One logical request: a category and its arguments (ids, tag names, a variant)."""

    category: str
    args: tuple[int | str, ...]


@dataclass(frozen=True)
class Request:
    category: str
    method: str
    path: str
    body: str = ""

    @property
    def key(self) -> str:
        """What a response cache could key it on (POST bodies included)."""
        return f"{self.method} {self.path} {self.body}"

    def line(self) -> str:
        """The request as one line of a `_wrk.lua` requests file."""
        fields = [self.category, self.method, self.path] + ([self.body] if self.body else [])
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"a tab or newline in {self}")
        return "\t".join(fields)


def subset_mix(datasette_only: bool) -> tuple[Category, ...]:
    return tuple(c for c in MIX if c.datasette) if datasette_only else MIX


def draw_calls(catalog: Catalog, n: int, seed: int, *, mix: Sequence[Category] = MIX) -> list[Call]:
    """``n`` calls drawn with the mix's weights (seeded: the same calls for every server)."""
    rng = random.Random(seed)
    keys = rng.choices([c.key for c in mix], weights=[c.weight for c in mix], k=n)
    return [Call(key, _draw_args(key, catalog, rng)) for key in keys]


def _draw_args(key: str, catalog: Catalog, rng: random.Random) -> tuple[int | str, ...]:
    if key == "artist":
        return (rng.choice(catalog.artist_ids),)
    if key in ("user_artists", "user_friends", "recommendations", "graphql_nested"):
        return (rng.choice(catalog.user_ids),)
    if key == "tag_artists":
        return (rng.choice(catalog.tag_ids),)
    if key in ("search", "tag_trends"):
        first, second = rng.sample(catalog.top_tags, 2)
        return (first, second)
    if key == "chart_artists":
        return (rng.choice(("plays", "listeners")),)
    if key == "chart_tags":
        return (rng.choice(("assignments", "artists")),)
    if key == "stats":
        return ()
    raise ValueError(f"unknown category {key!r}")


def ours_request(call: Call) -> Request:
    """The call as our API takes it (REST under /api/v1, GraphQL at /graphql)."""
    a = call.args
    paths = {
        "artist": lambda: f"/artists/{a[0]}",
        "user_artists": lambda: f"/users/{a[0]}/artists",
        "tag_artists": lambda: f"/tags/{a[0]}/artists",
        "user_friends": lambda: f"/users/{a[0]}/friends",
        "search": lambda: (
            "/artists/search?" + urlencode({"tags": f"{a[0]},{a[1]}", "match": "all"})
        ),
        "tag_trends": lambda: "/analytics/tag-trends?" + urlencode({"tags": f"{a[0]},{a[1]}"}),
        "chart_artists": lambda: f"/charts/artists?by={a[0]}&limit=10",
        "chart_tags": lambda: f"/charts/tags?by={a[0]}&limit=10",
        "stats": lambda: "/stats",
        "recommendations": lambda: f"/users/{a[0]}/recommendations",
    }
    if call.category == "graphql_nested":
        body = json.dumps({"query": NESTED_QUERY, "variables": {"id": a[0]}})
        return Request(call.category, "POST", "/graphql", body)
    return Request(call.category, "GET", "/api/v1" + paths[call.category]())


def datasette_request(call: Call) -> Request:
    """The call as Datasette answers it: a table row, or a canned query with its parameters."""
    a = call.args
    if call.category == "artist":
        return Request(call.category, "GET", f"/{DB_NAME}/artists/{a[0]}.json")
    params: dict[str, int | str]
    if call.category in ("user_artists", "user_friends"):
        name, params = call.category, {"user": a[0]}
    elif call.category == "tag_artists":
        name, params = call.category, {"tag": a[0]}
    elif call.category in ("search", "tag_trends"):
        name, params = call.category, {"tag1": a[0], "tag2": a[1]}
    elif call.category in ("chart_artists", "chart_tags"):
        name, params = f"{call.category}_{a[0]}", {}
    elif call.category == "stats":
        name, params = "stats", {}
    else:
        raise ValueError(f"Datasette has no equivalent of {call.category!r}")
    query = f"?{urlencode(params)}" if params else ""
    return Request(call.category, "GET", f"/{DB_NAME}/{name}.json{query}")


def split_per_thread(requests: Sequence[Request], threads: int) -> list[list[Request]]:
    """Contiguous slices, one per wrk thread (each thread has one connection)."""
    size = len(requests) // threads
    if size == 0:
        raise ValueError(f"{len(requests)} requests for {threads} threads")
    return [list(requests[i * size : (i + 1) * size]) for i in range(threads)]


def write_thread_files(directory: Path, per_thread: Sequence[Sequence[Request]]) -> str:
    """One requests file per thread; returns the ``%d`` template `_wrk.lua` expects."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, requests in enumerate(per_thread):
        lines = (r.line() for r in requests)
        (directory / f"thread-{index}.txt").write_text("\n".join(lines) + "\n")
    return str(directory / "thread-%d.txt")


def sent_requests(per_thread: Sequence[Sequence[Request]], sent: Sequence[int]) -> list[Request]:
    """What the threads actually sent: each thread's first ``sent[i]`` requests, cycling."""
    if len(sent) != len(per_thread):
        raise ValueError(f"{len(sent)} counts for {len(per_thread)} threads")
    return [
        r for requests, n in zip(per_thread, sent, strict=True) for r in islice(cycle(requests), n)
    ]


def repeats(sent: Iterable[Request], seen_before: set[str]) -> dict[str, tuple[int, int]]:
    """Per category, ``(requests, repeats)``: a repeat is a GET whose URL this server process
    had already been sent (earlier in the run, or in ``seen_before``, which is updated). Only
    a repeat can be answered from a response cache: it bounds the cache's hit rate from above
    (each worker process has its own cache, so a repeat on the other worker misses)."""
    counts: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for request in sent:
        counts[request.category] += 1
        if request.method != "GET":
            continue
        if request.key in seen_before:
            hits[request.category] += 1
        else:
            seen_before.add(request.key)
    return {category: (n, hits[category]) for category, n in counts.items()}


def percentile(samples: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of ``samples``, ``p`` in (0, 100]; None when empty."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = min(max(math.ceil(p / 100 * len(ordered)), 1), len(ordered))
    return ordered[rank - 1]
