"""Louvain on graphs with obvious communities, and lift that resists singletons and heavy fans."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph import community_profiles, friendship_graph, louvain_partition


def two_cliques_rows() -> list[tuple[int, int]]:
    """Cliques 1-5 and 6-10, bridged by 5-6, as friendship rows in both directions."""
    cliques = [range(1, 6), range(6, 11)]
    rows = [(u, v) for clique in cliques for u in clique for v in clique if u != v]
    return [*rows, (5, 6), (6, 5)]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_louvain_finds_the_two_cliques(seed: int) -> None:
    partition = louvain_partition(friendship_graph(two_cliques_rows()), seed=seed)

    assert partition.communities == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]
    assert partition.modularity is not None
    assert partition.modularity > 0.4


def test_louvain_is_deterministic_whatever_the_row_order() -> None:
    rows = [(u, v) for u, v in nx.les_miserables_graph().edges if u != v]
    ids = {name: i for i, name in enumerate(sorted({n for e in rows for n in e}))}
    rows = [(ids[u], ids[v]) for u, v in rows]
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)

    a = louvain_partition(friendship_graph(rows), seed=5)
    b = louvain_partition(friendship_graph(shuffled), seed=5)

    assert a == b


def test_membership_maps_users_to_community_indices() -> None:
    partition = louvain_partition(friendship_graph(two_cliques_rows()))

    assert partition.membership()[1] == 0
    assert partition.membership()[10] == 1


def test_graph_without_edges_has_singletons_and_no_modularity() -> None:
    partition = louvain_partition(friendship_graph([], users=[3, 1, 2]))

    assert partition.communities == [[1], [2], [3]]
    assert partition.modularity is None


LISTENS = [
    # community A = users 1-4 all play artist 100; community B = users 5-8 all play 200
    *[(u, 100, 10) for u in (1, 2, 3, 4)],
    *[(u, 200, 10) for u in (5, 6, 7, 8)],
    # both communities play 300 (not characteristic of either)
    *[(u, 300, 10) for u in range(1, 9)],
    # one heavy fan in A plays 999 a lot; nobody else does
    (1, 999, 350_000),
]
COMMUNITIES = [[1, 2, 3, 4], [5, 6, 7, 8]]


def test_characteristic_artist_has_the_lift_computed_by_hand() -> None:
    a, _ = community_profiles(COMMUNITIES, LISTENS, min_support=2)

    top = a.artists[0]
    # Users 2-4 give 100 half their profile, user 1 a third: A's mean share is (3/2 + 1/3) / 4;
    # across all 8 users it is half that, so the lift is 2.
    assert (top.id, top.support) == (100, 4)
    assert top.lift == pytest.approx(2.0)
    assert top.share == pytest.approx((3 / 2 + 1 / 3) / 4)


def test_an_artist_shared_by_everyone_has_lift_near_one() -> None:
    _, b = community_profiles(COMMUNITIES, LISTENS, min_support=2)

    shared = next(item for item in b.artists if item.id == 300)
    assert shared.lift < 1.1


def test_one_heavy_fan_does_not_make_an_artist_characteristic() -> None:
    a, _ = community_profiles(COMMUNITIES, LISTENS, min_support=2)

    assert 999 not in [item.id for item in a.artists]


def test_support_fraction_raises_the_bar_for_large_communities() -> None:
    a, _ = community_profiles(COMMUNITIES, LISTENS, min_support=1, min_support_fraction=1.0)

    assert [item.id for item in a.artists] == [100, 300]


def test_tags_are_ranked_by_lift_with_names() -> None:
    tag_rows = [(u, 1, 3) for u in (1, 2, 3)] + [(u, 2, 1) for u in range(1, 9)]

    a, b = community_profiles(
        COMMUNITIES, LISTENS, tag_rows=tag_rows, tag_names={1: "metal"}, min_support=2
    )

    assert (a.tags[0].id, a.tags[0].name, a.tags[0].support) == (1, "metal", 3)
    assert [t.id for t in b.tags] == [2]


def test_profiles_report_size_and_sorted_members() -> None:
    profiles = community_profiles([[4, 2, 3, 1], [8, 7, 6, 5]], LISTENS)

    assert [(p.community, p.size, p.members) for p in profiles] == [
        (0, 4, [1, 2, 3, 4]),
        (1, 4, [5, 6, 7, 8]),
    ]


def test_community_without_plays_has_no_characteristic_items() -> None:
    profiles = community_profiles([[1, 2, 3, 4], [50, 51, 52]], LISTENS, min_support=1)

    assert profiles[1].artists == []
    assert profiles[1].tags == []


def test_invalid_thresholds_are_rejected() -> None:
    with pytest.raises(ValueError, match="min_support"):
        community_profiles(COMMUNITIES, LISTENS, min_support=0)
