"""Stats, charts, weight distribution, tag trends and profiles: exact values on the small
fixture (worked out by hand from tests/fixtures/small/README.md) and on the full dataset."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.db.models import UserArtist
from server.services.analytics import (
    gini,
    log_histogram,
    median_of_frequencies,
    shannon_entropy,
    top_share,
)
from server.services.writes import commit_write
from tests.conftest import count_statements

API = "/api/v1"
SMALL_ARTIST_PLAYS = [10, 20, 50, 500, 1000, 1300, 15000]  # ascending; artist 8 has none
SMALL_WEIGHTS = [10, 20, 50, 100, 200, 300, 500, 700, 1000, 5000, 10000]


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_problem(client: TestClient, path: str, status: int, **params: Any) -> dict[str, Any]:
    response = client.get(API + path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


# --- pure statistics ---------------------------------------------------------------------


def test_gini_of_equal_values_is_zero_and_of_one_holder_is_n_minus_one_over_n() -> None:
    assert gini([5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 8]) == pytest.approx(0.75)
    assert gini([]) == 0.0


def test_median_of_frequency_table_averages_the_middle_pair() -> None:
    assert median_of_frequencies([(1, 1), (3, 1)]) == 2.0
    assert median_of_frequencies([(1, 2), (7, 1)]) == 1.0
    assert median_of_frequencies([]) == 0.0


def test_top_share_takes_at_least_one_value() -> None:
    assert top_share([1, 1, 2], 0.01) == pytest.approx(0.5)
    assert top_share(list(range(1, 101)), 0.10) == pytest.approx(sum(range(91, 101)) / 5050)


def test_log_histogram_puts_powers_of_ten_in_the_upper_bin_and_zeros_apart() -> None:
    histogram = log_histogram([(0, 2), (1, 1), (9, 1), (10, 1), (99, 1), (100, 1)], 1)
    assert histogram.values == 7
    assert histogram.zeros == 2
    assert [(b.lower, b.upper, b.count) for b in histogram.bins] == [
        (1.0, 10.0, 2),
        (10.0, 100.0, 2),
        (100.0, 1000.0, 1),
    ]


def test_entropy_is_undefined_when_normalised_below_two_artists() -> None:
    assert shannon_entropy([7]) == (0.0, None)
    assert shannon_entropy([]) == (0.0, None)
    entropy, normalised = shannon_entropy([1, 1, 1, 1])
    assert entropy == pytest.approx(math.log(4))
    assert normalised == pytest.approx(1.0)


# --- /stats ------------------------------------------------------------------------------


def test_stats_on_the_small_fixture(client: TestClient) -> None:
    response = client.get(API + "/stats")
    body = response.json()
    assert body["data_version"] == int(response.headers["X-Data-Version"])
    assert body["counts"] == {
        "artists": 8,
        "users": 5,
        "tags": 8,
        "listens": 11,
        "tag_assignments": 13,
        "friendships": 4,
        "friendship_rows": 8,
    }
    assert body["plays"] == {
        "total": 17880,
        "mean_per_listen": pytest.approx(17880 / 11),
        "median_per_listen": 300.0,
        "min_per_listen": 10,
        "max_per_listen": 10000,
    }
    weighted = sum(i * x for i, x in enumerate(SMALL_ARTIST_PLAYS, start=1))
    assert body["artist_concentration"] == {
        "artists": 7,
        "gini": pytest.approx(2 * weighted / (7 * 17880) - 8 / 7),
        "top_1pct_share": pytest.approx(15000 / 17880),
        "top_10pct_share": pytest.approx(15000 / 17880),
    }
    # Distinct tags per tagged artist: Björk 3, Radiohead 2, Daft Punk 2, four artists 1.
    assert body["tags_per_artist"] == {
        "population": 7,
        "mean": pytest.approx(11 / 7),
        "median": 1.0,
    }
    # Friends: users 2, 3, 5 have two; 4 and 6 one.
    assert body["friends_per_user"] == {"population": 5, "mean": 1.6, "median": 2.0}


def test_stats_on_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/stats")
    assert body["counts"] == {
        "artists": 17632,
        "users": 1892,
        "tags": 11946,
        "listens": 92834,
        "tag_assignments": 184941,  # 1,538 rows naming unknown artists are quarantined
        "friendships": 12717,
        "friendship_rows": 25434,
    }
    plays = body["plays"]
    assert plays["total"] == 69183975
    assert plays["median_per_listen"] == 260.0
    assert (plays["min_per_listen"], plays["max_per_listen"]) == (1, 352698)
    assert plays["mean_per_listen"] == pytest.approx(69183975 / 92834)
    concentration = body["artist_concentration"]
    assert concentration["artists"] == 17632
    assert concentration["top_1pct_share"] == pytest.approx(0.52, abs=0.005)
    assert concentration["top_10pct_share"] == pytest.approx(0.85, abs=0.005)
    assert concentration["gini"] == pytest.approx(0.8927, abs=1e-4)
    assert body["tags_per_artist"]["population"] == 12133
    assert body["tags_per_artist"]["median"] == 5.0
    assert body["friends_per_user"]["mean"] == pytest.approx(25434 / 1892)
    assert body["friends_per_user"]["median"] == 6.0


def test_stats_answers_304_to_a_current_etag(client: TestClient) -> None:
    etag = client.get(API + "/stats").headers["ETag"]
    assert client.get(API + "/stats", headers={"If-None-Match": etag}).status_code == 304


# --- charts ------------------------------------------------------------------------------


def test_artist_chart_by_plays_and_by_listeners(client: TestClient) -> None:
    by_plays = get(client, "/charts/artists", limit=3)
    assert by_plays["by"] == "plays"
    assert [(e["rank"], e["id"], e["plays"]) for e in by_plays["items"]] == [
        (1, 6, 15000),
        (2, 4, 1300),
        (3, 7, 1000),
    ]
    by_listeners = get(client, "/charts/artists", by="listeners", limit=4)
    assert [(e["id"], e["listeners"]) for e in by_listeners["items"]] == [
        (4, 3),
        (6, 2),
        (7, 2),
        (5, 1),
    ]


def test_tag_chart_by_assignments_and_by_artists(client: TestClient) -> None:
    by_assignments = get(client, "/charts/tags", limit=4)
    assert [(e["name"], e["assignments"], e["artists"]) for e in by_assignments["items"]] == [
        ("rock", 3, 2),
        ("pop", 3, 2),
        ("electronic", 2, 2),
        ("indie", 2, 2),
    ]
    by_artists = get(client, "/charts/tags", by="artists", limit=10)
    assert [e["id"] for e in by_artists["items"]] == [1, 2, 3, 6, 4, 5, 7]


@pytest.mark.parametrize("path", ["/charts/artists", "/charts/tags"])
@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"by": "fame"}])
def test_chart_parameters_are_validated(
    client: TestClient, path: str, params: dict[str, Any]
) -> None:
    assert_problem(client, path, 422, **params)


def test_charts_on_the_full_dataset(full_client: TestClient) -> None:
    top = get(full_client, "/charts/artists", by="plays", limit=10)["items"]
    assert (top[0]["id"], top[0]["name"], top[0]["plays"]) == (289, "Britney Spears", 2393140)
    assert len(top) == 10
    assert get(full_client, "/charts/artists", by="listeners", limit=1)["items"][0]["id"] == 89
    tags = get(full_client, "/charts/tags", limit=3)["items"]
    assert [(t["name"], t["assignments"], t["artists"]) for t in tags] == [
        ("rock", 7459, 2248),
        ("pop", 5401, 1726),
        ("alternative", 5223, 1718),
    ]


# --- weight distribution -----------------------------------------------------------------


def test_weight_distribution_on_the_small_fixture(client: TestClient) -> None:
    body = get(client, "/analytics/weight-distribution")
    artist_bins = [(b["lower"], b["upper"], b["count"]) for b in body["artist_plays"]["bins"]]
    assert artist_bins == [
        (1.0, 10.0, 0),
        (10.0, 100.0, 3),
        (100.0, 1000.0, 1),
        (1000.0, 10000.0, 2),
        (10000.0, 100000.0, 1),
    ]
    assert [b["count"] for b in body["listen_weights"]["bins"]] == [0, 3, 5, 2, 1]
    assert body["listen_weights"]["values"] == len(SMALL_WEIGHTS)
    lorenz = body["lorenz"]
    assert len(lorenz) == 101
    assert lorenz[0] == {"artists_share": 0.0, "plays_share": 0.0}
    assert lorenz[-1] == {"artists_share": 1.0, "plays_share": 1.0}
    assert lorenz[50] == {"artists_share": pytest.approx(4 / 7), "plays_share": 580 / 17880}
    shares = [point["plays_share"] for point in lorenz]
    assert shares == sorted(shares)
    assert body["gini"] == get(client, "/stats")["artist_concentration"]["gini"]


def test_weight_distribution_with_finer_bins(client: TestClient) -> None:
    body = get(client, "/analytics/weight-distribution", bins_per_decade=2)
    edges = [b["lower"] for b in body["artist_plays"]["bins"]]
    assert edges[:3] == [1.0, pytest.approx(10**0.5), 10.0]
    assert sum(b["count"] for b in body["artist_plays"]["bins"]) == 7
    assert_problem(client, "/analytics/weight-distribution", 422, bins_per_decade=11)


def test_weight_distribution_on_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/analytics/weight-distribution")
    assert body["artist_plays"]["values"] == 17632
    assert sum(b["count"] for b in body["artist_plays"]["bins"]) == 17632
    assert sum(b["count"] for b in body["listen_weights"]["bins"]) == 92834
    assert body["listen_weights"]["bins"][-1] == {"lower": 1e5, "upper": 1e6, "count": 25}
    # The least played 99% of artists share 48% of the plays.
    assert body["lorenz"][99]["plays_share"] == pytest.approx(0.48, abs=0.005)
    assert body["gini"] == pytest.approx(0.8927, abs=1e-4)


# --- tag trends --------------------------------------------------------------------------


def test_tag_trends_per_year_fill_missing_years(client: TestClient) -> None:
    body = get(client, "/analytics/tag-trends", tags="rock,POP", **{"from": 2008, "to": 2010})
    assert body["periods"] == ["2008", "2009", "2010"]
    assert body["series"] == [
        {"id": 1, "name": "rock", "counts": [1, 2, 0], "total": 3},
        {"id": 2, "name": "pop", "counts": [0, 0, 3], "total": 3},
    ]
    assert body["unknown_tags"] == []


def test_tag_trends_per_month(client: TestClient) -> None:
    body = get(
        client,
        "/analytics/tag-trends",
        tags="rock",
        granularity="month",
        **{"from": 2009, "to": 2009},
    )
    assert body["periods"][0] == "2009-01"
    assert len(body["periods"]) == 12
    counts = body["series"][0]["counts"]
    assert counts == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]


def test_tag_trends_default_to_the_years_with_data(client: TestClient) -> None:
    body = get(client, "/analytics/tag-trends", tags="rock")
    assert (body["from_year"], body["to_year"]) == (2008, 2009)
    assert body["series"][0]["counts"] == [1, 2]


def test_tag_trends_report_unknown_tags_and_404_when_none_is_known(client: TestClient) -> None:
    body = get(client, "/analytics/tag-trends", tags="rock,nosuch")
    assert body["unknown_tags"] == ["nosuch"]
    assert [s["name"] for s in body["series"]] == ["rock"]
    problem = assert_problem(client, "/analytics/tag-trends", 404, tags="nosuch,nothing")
    assert problem["unknown_tags"] == ["nosuch", "nothing"]


@pytest.mark.parametrize(
    "params",
    [
        {"tags": "rock", "from": 2010, "to": 2009},
        {"tags": ""},
        {"tags": " , "},
        {"tags": "rock", "granularity": "week"},
        {"tags": "rock", "from": 1000, "to": 2000, "granularity": "month"},
        {"tags": ",".join(f"t{i}" for i in range(11))},
    ],
)
def test_tag_trend_parameters_are_validated(client: TestClient, params: dict[str, Any]) -> None:
    assert_problem(client, "/analytics/tag-trends", 422, **params)


def test_tag_trends_on_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/analytics/tag-trends", tags="rock,pop", **{"from": 2005, "to": 2011})
    assert body["series"][0] == {
        "id": 73,
        "name": "rock",
        "counts": [79, 544, 952, 1471, 1736, 2027, 650],
        "total": 7459,
    }
    assert body["series"][1]["total"] == 5401


# --- user profile ------------------------------------------------------------------------


def test_profile_of_a_listener(client: TestClient) -> None:
    body = get(client, "/users/2/profile")
    assert (body["id"], body["total_plays"], body["friends"]) == (2, 1550, 2)
    assert [(a["id"], a["weight"]) for a in body["top_artists"]] == [(4, 1000), (5, 500), (3, 50)]
    assert body["top_artists"][0]["share"] == pytest.approx(1000 / 1550)
    p = [1000 / 1550, 500 / 1550, 50 / 1550]
    entropy = -sum(x * math.log(x) for x in p)
    assert body["diversity"] == {
        "distinct_artists": 3,
        "entropy": pytest.approx(entropy),
        "normalised_entropy": pytest.approx(entropy / math.log(3)),
    }
    # Radiohead's 1000 plays split 2:1 between rock and indie; Muse's 500 all rock;
    # Björk's 50 split three ways.
    assert [(t["name"], t["weight"]) for t in body["top_tags"]] == [
        ("rock", pytest.approx(1000 * 2 / 3 + 500)),
        ("indie", pytest.approx(1000 / 3 + 50 / 3)),
        ("electronic", pytest.approx(50 / 3)),
        ("tropicália", pytest.approx(50 / 3)),
    ]
    assert body["top_tags"][0]["share"] == pytest.approx((1000 * 2 / 3 + 500) / 1550)
    assert body["own_tags"] == [
        {"id": 1, "name": "rock", "count": 2},
        {"id": 6, "name": "indie", "count": 2},
        {"id": 3, "name": "electronic", "count": 1},
    ]


def test_profile_of_a_user_without_listens(client: TestClient) -> None:
    body = get(client, "/users/6/profile")
    assert body["total_plays"] == 0
    assert body["friends"] == 1
    assert body["top_artists"] == []
    assert body["top_tags"] == []
    assert body["diversity"] == {"distinct_artists": 0, "entropy": 0.0, "normalised_entropy": None}
    assert body["own_tags"] == [{"id": 5, "name": "tropicália", "count": 1}]


def test_profile_limit_cuts_every_list(client: TestClient) -> None:
    body = get(client, "/users/2/profile", limit=1)
    assert len(body["top_artists"]) == len(body["top_tags"]) == len(body["own_tags"]) == 1
    assert body["diversity"]["distinct_artists"] == 3


def test_profile_is_cached_per_data_version(client: TestClient) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    first = get(client, "/users/3/profile")
    with count_statements(engine) as statements:
        assert get(client, "/users/3/profile") == first
    assert len(statements) <= 1  # the data version only
    with client.app.state.database.writer() as session:  # type: ignore[attr-defined]
        session.add(UserArtist(user_id=3, artist_id=8, weight=1))
        commit_write(session)
    after = get(client, "/users/3/profile")
    assert after["diversity"]["distinct_artists"] == first["diversity"]["distinct_artists"] + 1
    assert after["total_plays"] == first["total_plays"] + 1


def test_profile_of_an_unknown_user_is_404(client: TestClient) -> None:
    assert_problem(client, "/users/999/profile", 404)
    assert_problem(client, "/users/0/profile", 422)


def test_profile_on_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/users/2/profile", limit=3)
    assert (body["total_plays"], body["friends"]) == (168737, 13)
    assert body["top_artists"][0]["name"] == "Duran Duran"
    assert body["diversity"]["distinct_artists"] == 50
    assert 0 < body["diversity"]["normalised_entropy"] < 1


# --- OpenAPI -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/api/v1/stats", {"304"}),
        ("/api/v1/charts/artists", {"304", "422"}),
        ("/api/v1/charts/tags", {"304", "422"}),
        ("/api/v1/analytics/weight-distribution", {"304", "422"}),
        ("/api/v1/analytics/tag-trends", {"304", "404", "422"}),
        ("/api/v1/users/{user_id}/profile", {"304", "404", "422"}),
    ],
)
def test_routes_are_documented(client: TestClient, path: str, statuses: set[str]) -> None:
    operation = client.get("/openapi.json").json()["paths"][path]["get"]
    assert operation["summary"]
    assert statuses <= set(operation["responses"])
    assert "$ref" in str(operation["responses"]["200"])
