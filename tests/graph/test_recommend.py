"""Friend-based artist recommendations: scores by hand, exclusions, explanations, ties."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graph import UnknownUserError, recommend_artists, taste_profiles


def small_world() -> tuple[nx.Graph, list[tuple[int, int, float]]]:
    """User 1's friends are 2 and 3; 4 is a friend of 2 only (a friend of a friend of 1)."""
    G = nx.Graph([(1, 2), (1, 3), (2, 4)])
    listens: list[tuple[int, int, float]] = [
        (1, 10, 100), (1, 11, 50),
        (2, 10, 80), (2, 20, 20),
        (3, 11, 10), (3, 21, 30), (3, 20, 10),
        (4, 10, 5), (4, 22, 40),
    ]  # fmt: skip
    return G, listens


def test_known_artists_are_never_recommended() -> None:
    G, listens = small_world()

    recs = recommend_artists(G, listens, 1, k=10)

    assert {r.artist for r in recs} == {20, 21, 22}


def test_score_is_similarity_times_normalised_weight_summed_over_friends() -> None:
    G, listens = small_world()
    p = taste_profiles(listens)

    def cos(a: int, b: int) -> float:
        va = {k: math.log1p(v) for k, v in p[a].items()}
        vb = {k: math.log1p(v) for k, v in p[b].items()}
        dot = sum(v * vb.get(k, 0.0) for k, v in va.items())
        return dot / math.hypot(*va.values()) / math.hypot(*vb.values())

    scores = {r.artist: r.score for r in recommend_artists(G, listens, 1)}

    assert scores[20] == pytest.approx(cos(1, 2) * 20 / 100 + cos(1, 3) * 10 / 50)
    assert scores[22] == pytest.approx(0.5 * cos(1, 4) * 40 / 45)


def test_explanations_name_real_friends_and_add_up_to_the_score() -> None:
    G, listens = small_world()
    distance = nx.single_source_shortest_path_length(G, 1, cutoff=2)

    for rec in recommend_artists(G, listens, 1, max_contributors=100):
        assert all(distance[c.user] == c.distance > 0 for c in rec.contributors)
        assert math.fsum(c.contribution for c in rec.contributors) == pytest.approx(rec.score)
        assert len(rec.contributors) == rec.contributors_total


def test_contributors_are_sorted_and_capped() -> None:
    G, listens = small_world()

    rec = next(r for r in recommend_artists(G, listens, 1) if r.artist == 20)
    capped = next(r for r in recommend_artists(G, listens, 1, max_contributors=1) if r.artist == 20)

    contributions = [c.contribution for c in rec.contributors]
    assert contributions == sorted(contributions, reverse=True)
    assert [c.user for c in capped.contributors] == [rec.contributors[0].user]
    assert capped.contributors_total == 2


def test_friends_of_friends_count_with_the_discount() -> None:
    G, listens = small_world()

    half = {r.artist: r.score for r in recommend_artists(G, listens, 1)}
    full = {
        r.artist: r.score for r in recommend_artists(G, listens, 1, friend_of_friend_discount=1)
    }
    none = {r.artist for r in recommend_artists(G, listens, 1, friend_of_friend_discount=0)}

    assert half[22] == pytest.approx(full[22] / 2)
    assert 22 not in none


def test_jaccard_similarity_can_be_chosen() -> None:
    G, listens = small_world()

    recs = recommend_artists(G, listens, 1, similarity="jaccard", friend_of_friend_discount=0)

    # Jaccard(1, 2) = |{10}| / |{10, 11, 20}| = 1/3; friend 2 gives 20 plays of 100 to artist 20.
    contribution = next(
        c.contribution for r in recs if r.artist == 20 for c in r.contributors if c.user == 2
    )
    assert contribution == pytest.approx(1 / 3 * 20 / 100)


def test_ties_are_broken_by_artist_id() -> None:
    G = nx.Graph([(1, 2)])
    listens = [(1, 5, 1), (2, 5, 1), (2, 9, 3), (2, 7, 3)]

    assert [r.artist for r in recommend_artists(G, listens, 1)] == [7, 9]


def test_k_limits_the_list() -> None:
    G, listens = small_world()

    assert len(recommend_artists(G, listens, 1, k=1)) == 1


def test_a_user_without_plays_trusts_every_friend_equally() -> None:
    G = nx.Graph([(1, 2), (1, 3)])
    listens = [(2, 10, 3), (2, 11, 1), (3, 11, 1)]

    recs = recommend_artists(G, listens, 1)

    assert [(r.artist, r.score) for r in recs] == [(11, 1.25), (10, 0.75)]


def test_a_user_without_friends_gets_nothing() -> None:
    G = nx.Graph()
    G.add_node(1)

    assert recommend_artists(G, [(1, 10, 1)], 1) == []


def test_profiles_can_be_passed_instead_of_rows() -> None:
    G, listens = small_world()

    assert recommend_artists(G, taste_profiles(listens), 1) == recommend_artists(G, listens, 1)


def test_unknown_user_raises() -> None:
    G, listens = small_world()

    with pytest.raises(UnknownUserError):
        recommend_artists(G, listens, 42)


@pytest.mark.parametrize(
    "options",
    [
        {"k": 0},
        {"friend_of_friend_discount": 1.5},
        {"similarity": "pearson"},
        {"max_contributors": -1},
    ],
)
def test_invalid_options_raise_value_error(options: dict[str, object]) -> None:
    G, listens = small_world()
    name = next(iter(options))

    with pytest.raises(ValueError, match=name):
        recommend_artists(G, listens, 1, **options)  # type: ignore[arg-type]
