"""The load benchmark's pure parts: the request mix, its rendering, and reading wrk's result.

The scripts in ``benchmarks/`` import each other by bare name (they run as scripts), so that
directory goes on ``sys.path`` only while they are imported: left there, ``benchmarks/graph.py``
and ``benchmarks/graphql.py`` would shadow the packages of the same names.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
try:
    import _load_mix as mix
    import _wrk as wrk
finally:
    sys.path.remove(str(BENCHMARKS))

CATALOG = mix.Catalog(
    artist_ids=[1, 2, 5, 18745],
    user_ids=[2, 3, 2100],
    tag_ids=[1, 73, 12648],
    top_tags=["rock", "pop", "female vocalists", "hip-hop"],
)


def group_shares(calls: list[mix.Call]) -> dict[str, float]:
    groups = Counter(mix.CATEGORIES[c.category].group for c in calls)
    return {group: n / len(calls) for group, n in groups.items()}


def test_mix_weights_add_up_to_the_issue_split() -> None:
    totals: Counter[str] = Counter()
    for category in mix.MIX:
        totals[category.group] += category.weight
    assert dict(totals) == {
        "read": 70,
        "search/analytics": 20,
        "recommendations": 5,
        "graphql": 5,
    }


def test_drawn_calls_follow_the_mix() -> None:
    shares = group_shares(mix.draw_calls(CATALOG, 20_000, seed=1))

    assert shares["read"] == pytest.approx(0.70, abs=0.015)
    assert shares["search/analytics"] == pytest.approx(0.20, abs=0.015)
    assert shares["recommendations"] == pytest.approx(0.05, abs=0.01)
    assert shares["graphql"] == pytest.approx(0.05, abs=0.01)


def test_datasette_subset_drops_what_it_cannot_answer_and_renormalises() -> None:
    calls = mix.draw_calls(CATALOG, 20_000, seed=2, mix=mix.subset_mix(datasette_only=True))
    shares = group_shares(calls)

    assert set(shares) == {"read", "search/analytics"}
    assert shares["read"] == pytest.approx(70 / 90, abs=0.015)


def test_draws_are_seeded_and_use_only_existing_ids() -> None:
    first = mix.draw_calls(CATALOG, 500, seed=3)

    assert first == mix.draw_calls(CATALOG, 500, seed=3)
    assert first != mix.draw_calls(CATALOG, 500, seed=4)
    for call in first:
        if call.category == "artist":
            assert call.args[0] in CATALOG.artist_ids
        if call.category in ("search", "tag_trends"):
            assert call.args[0] != call.args[1]
            assert set(call.args) <= set(CATALOG.top_tags)


def test_our_requests_are_rest_paths_and_a_graphql_post() -> None:
    search = mix.ours_request(mix.Call("search", ("female vocalists", "rock")))
    nested = mix.ours_request(mix.Call("graphql_nested", (2,)))

    assert mix.ours_request(mix.Call("artist", (5,))).path == "/api/v1/artists/5"
    assert search.path == "/api/v1/artists/search?tags=female+vocalists%2Crock&match=all"
    assert (nested.method, nested.path) == ("POST", "/graphql")
    assert json.loads(nested.body)["variables"] == {"id": 2}
    assert "topTags(first: 3)" in json.loads(nested.body)["query"]


def test_datasette_requests_name_declared_canned_queries() -> None:
    queries = mix.datasette_metadata()["databases"]["soundstream"]["queries"]
    calls = mix.draw_calls(CATALOG, 2_000, seed=5, mix=mix.subset_mix(datasette_only=True))

    for call in calls:
        path = mix.datasette_request(call).path
        name = path.split("?")[0].removeprefix("/soundstream/").removesuffix(".json")
        assert name in queries or name.startswith("artists/")
    with pytest.raises(ValueError, match="no equivalent"):
        mix.datasette_request(mix.Call("recommendations", (2,)))


def test_request_lines_have_the_fields_the_lua_script_splits_on_tabs() -> None:
    get = mix.ours_request(mix.Call("stats", ())).line()
    post = mix.ours_request(mix.Call("graphql_nested", (3,))).line()

    assert get.split("\t") == ["stats", "GET", "/api/v1/stats"]
    category, method, path, body = post.split("\t")
    assert (category, method, path) == ("graphql_nested", "POST", "/graphql")
    assert json.loads(body)["variables"] == {"id": 3}


def test_thread_files_hold_one_slice_each(tmp_path: Path) -> None:
    requests = [mix.ours_request(mix.Call("artist", (i,))) for i in range(10)]
    per_thread = mix.split_per_thread(requests, 3)

    template = mix.write_thread_files(tmp_path, per_thread)

    assert [len(t) for t in per_thread] == [3, 3, 3]
    lines = Path(template % 1).read_text().splitlines()
    assert lines == [r.line() for r in requests[3:6]]


def test_repeats_count_urls_the_server_had_already_been_sent() -> None:
    a, b = (mix.ours_request(mix.Call("artist", (i,))) for i in (1, 2))
    post = mix.ours_request(mix.Call("graphql_nested", (2,)))
    per_thread = [[a, b], [a, post]]
    seen = {b.key}

    counts = mix.repeats(mix.sent_requests(per_thread, [3, 2]), seen)

    # thread 0 sent a, b, a (cycling); thread 1 sent a, post. Repeats: b (seen before the run)
    # and the second and third a; POSTs are never cacheable.
    assert counts == {"artist": (4, 3), "graphql_nested": (1, 0)}
    assert a.key in seen


def test_percentile_is_nearest_rank() -> None:
    samples = list(range(1, 101))

    assert mix.percentile(samples, 50) == 50
    assert mix.percentile(samples, 99) == 99
    assert mix.percentile([7], 95) == 7
    assert mix.percentile([], 50) is None


def test_wrk_result_line_is_parsed_with_categories_and_graphql_errors() -> None:
    line = (
        'WRK_RESULT {"duration_us": 2000000, "requests": 4, "bytes": 10, '
        '"statuses": {"200": 3, "graphql_errors": 1}, '
        '"errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}, '
        '"latency_us": {"mean": 1.0, "max": 9, "percentiles": {"50": 1500, "99": 9000}}, '
        '"sent": [3, 2], "categories": {"artist": {"statuses": {"200": 3}, "lost": 0, '
        '"latency_us": [1, 2, 3]}}}'
    )

    run = wrk.parse_result("Running 2s test\n" + line + "\n", connections=2)

    assert run is not None
    assert run.rps == 2.0
    assert run.non_2xx == 1
    assert not run.clean
    assert run.sent == [3, 2]
    assert run.categories["artist"]["latency_us"] == [1, 2, 3]
    assert run.percentile_ms("50") == 1.5
    assert wrk.parse_result("no result here", connections=1) is None


def test_requests_unanswered_past_the_timeout_count_as_errors() -> None:
    line = (
        'WRK_RESULT {"duration_us": 1000000, "requests": 2, "bytes": 10, '
        '"statuses": {"200": 2}, '
        '"errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}, '
        '"latency_us": {"mean": 1.0, "max": 9, "percentiles": {"50": 1}}, '
        '"sent": [2, 2], "unanswered_ms": [12.5, 15000.0], "categories": {}}'
    )
    run = wrk.parse_result(line, connections=2)
    assert run is not None

    run.timeout_s = 10.0

    assert run.stuck == 1
    assert run.socket_errors == 1
    assert not run.clean
