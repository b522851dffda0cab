"""Serving: exclusions, fold-in, cold start, reasons, determinism, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from server.recommend.data import Interactions, UserProfile
from server.recommend.hybrid import BlendWeights, HybridModel
from server.recommend.persistence import (
    database_key,
    find_model_file,
    load_model_file,
    model_files,
    save_recommender,
)
from server.recommend.recommender import (
    FriendsReason,
    ModelInfo,
    PopularReason,
    Recommender,
    SimilarArtistsReason,
    TagsReason,
)
from server.recommend.strategy import Strategy
from tests.recommend.conftest import genre_of_artist, genre_of_user


def make_recommender(world: Interactions, data_version: int = 1) -> Recommender:
    model = HybridModel()
    model.fit(world)
    info = ModelInfo(
        model_version=f"test-v{data_version}", data_version=data_version, trained_at="now"
    )
    return Recommender(
        model,
        info,
        user_ids=world.user_ids,
        artist_ids=world.artist_ids,
        tag_ids=world.tag_ids,
    )


@pytest.fixture(scope="module")
def recommender(world: Interactions) -> Recommender:
    return make_recommender(world)


def profile_of(world: Interactions, user_id: int) -> UserProfile:
    u = int(np.searchsorted(world.user_ids, user_id))
    row = world.plays[u]
    friends = world.friends[u].indices
    tags = world.user_tag_counts()[u]
    return UserProfile(
        user_id=user_id,
        plays={
            int(world.artist_ids[a]): int(w) for a, w in zip(row.indices, row.data, strict=True)
        },
        friend_ids=tuple(int(world.user_ids[f]) for f in friends),
        tag_counts={
            int(world.tag_ids[t]): int(c) for t, c in zip(tags.indices, tags.data, strict=True)
        },
    )


@pytest.mark.parametrize("strategy", list(Strategy))
def test_recommendations_exclude_known_artists_and_never_repeat(
    world: Interactions, recommender: Recommender, strategy: Strategy
) -> None:
    profile = profile_of(world, 7)

    found = recommender.recommend(profile, limit=20, strategy=strategy)

    ids = [r.artist_id for r in found]
    assert len(ids) == min(20, world.n_artists - len(profile.plays))
    assert not set(ids) & set(profile.plays)
    assert len(set(ids)) == len(ids)


def test_the_same_input_gives_the_same_list(world: Interactions, recommender: Recommender) -> None:
    profile = profile_of(world, 11)

    first = recommender.recommend(profile, limit=10)
    again = make_recommender(world).recommend(profile, limit=10)

    assert first == again


def test_a_new_listen_changes_the_next_recommendations(
    world: Interactions, recommender: Recommender
) -> None:
    profile = profile_of(world, 3)  # genre 0
    before = recommender.recommend(profile, limit=10)
    liked = {**profile.plays, 131: 5000, 132: 3000}  # two genre-3 artists, played a lot
    after = recommender.recommend(
        UserProfile(profile.user_id, liked, profile.friend_ids, profile.tag_counts), limit=10
    )

    ids = [r.artist_id for r in after]
    assert ids != [r.artist_id for r in before]
    assert 131 not in ids
    assert 132 not in ids
    assert any(genre_of_artist(a) == 3 for a in ids)


def test_a_user_with_nothing_gets_the_most_listened_artists(
    world: Interactions, recommender: Recommender
) -> None:
    found = recommender.recommend(UserProfile(999, {}, (), {}), limit=5)

    listeners = world.listeners()
    expected = sorted(range(world.n_artists), key=lambda a: (-listeners[a], a))[:5]
    assert [r.artist_id for r in found] == [int(world.artist_ids[a]) for a in expected]
    assert all(
        r.reasons == (PopularReason(int(listeners[a])),)
        for r, a in zip(found, expected, strict=True)
    )


def test_a_user_with_only_friends_gets_their_friends_artists(
    world: Interactions, recommender: Recommender
) -> None:
    friends = (16, 17, 18)  # genre 1
    found = recommender.recommend(UserProfile(999, {}, friends, {}), limit=5)

    assert found
    for item in found:
        assert genre_of_artist(item.artist_id) == 1
        reason = next(r for r in item.reasons if isinstance(r, FriendsReason))
        assert set(reason.user_ids) <= set(friends)


def test_a_user_with_only_tags_gets_artists_of_those_tags(
    world: Interactions, recommender: Recommender
) -> None:
    found = recommender.recommend(UserProfile(999, {}, (), {5: 3, 6: 1}), limit=3)  # genre 2

    scored = [r for r in found if not isinstance(r.reasons[0], PopularReason)]
    assert scored
    assert all(genre_of_artist(r.artist_id) == 2 for r in scored)
    assert all(any(isinstance(x, TagsReason) for x in r.reasons) for r in scored)


def test_reasons_name_the_users_artists_friends_and_real_tags(
    world: Interactions, recommender: Recommender
) -> None:
    profile = profile_of(world, 20)

    found = recommender.recommend(profile, limit=10)

    kinds = set()
    artist_tags = world.artist_tag_counts()
    for item in found:
        assert item.reasons
        a = int(np.searchsorted(world.artist_ids, item.artist_id))
        for reason in item.reasons:
            kinds.add(type(reason))
            if isinstance(reason, SimilarArtistsReason):
                assert set(reason.artist_ids) <= set(profile.plays)
            elif isinstance(reason, FriendsReason):
                assert set(reason.user_ids) <= set(profile.friend_ids)
                assert reason.total >= len(reason.user_ids)
            elif isinstance(reason, TagsReason):
                on_artist = {int(world.tag_ids[t]) for t in artist_tags[a].indices}
                assert set(reason.tag_ids) <= on_artist
    assert {SimilarArtistsReason, FriendsReason} <= kinds


def test_similar_artists_share_the_genre_and_exclude_the_artist(
    world: Interactions, recommender: Recommender
) -> None:
    found = recommender.similar_artists(125, limit=5)

    assert found is not None
    assert 125 not in [s.artist_id for s in found]
    assert all(genre_of_artist(s.artist_id) == 2 for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert recommender.similar_artists(9999, limit=5) is None


def test_similar_users_exclude_the_user_and_mark_friends(
    world: Interactions, recommender: Recommender
) -> None:
    profile = profile_of(world, 33)

    found = recommender.similar_users(profile, limit=5)

    assert found
    assert 33 not in [s.user_id for s in found]
    assert sum(genre_of_user(s.user_id) == genre_of_user(33) for s in found) >= 4
    assert all(s.is_friend == (s.user_id in profile.friend_ids) for s in found)
    assert all(s.shared_artists >= 0 for s in found)


def test_a_saved_model_loads_and_answers_alike(
    world: Interactions, recommender: Recommender, tmp_path: Path
) -> None:
    key = database_key("sqlite:///x.db", "fingerprint")
    path = save_recommender(recommender, tmp_path, key, metadata={"training": {}})

    loaded = load_model_file(path)

    assert path.name == f"recommender-v1-{key}.npz"
    assert loaded.model_version == recommender.model_version
    profile = profile_of(world, 42)
    for strategy in Strategy:
        assert loaded.recommend(profile, limit=8, strategy=strategy) == recommender.recommend(
            profile, limit=8, strategy=strategy
        )


def test_the_newest_model_not_newer_than_the_data_is_found_and_old_ones_pruned(
    world: Interactions, tmp_path: Path
) -> None:
    key = database_key("sqlite:///x.db", None)
    for version in (1, 2, 3, 5):
        save_recommender(make_recommender(world, version), tmp_path, key, metadata={})

    assert find_model_file(tmp_path, key, 5) == (tmp_path / f"recommender-v5-{key}.npz", True)
    assert find_model_file(tmp_path, key, 4) == (tmp_path / f"recommender-v3-{key}.npz", False)
    assert find_model_file(tmp_path, "00000000", 5) is None
    assert [v for v, _p in model_files(tmp_path, key)] == [5, 3, 2]  # v1 pruned


def test_a_component_the_blend_weighs_at_zero_is_not_computed(
    world: Interactions, monkeypatch: pytest.MonkeyPatch
) -> None:
    recommender = make_recommender(world)
    recommender.model.weights = BlendWeights(knn=0.0)
    expected = recommender.recommend(profile_of(world, 3), limit=5)

    def refuse(_rows: object) -> None:
        raise AssertionError("item-kNN scored although its weight is 0")

    monkeypatch.setattr(recommender.model.knn, "score", refuse)
    got = recommender.recommend(profile_of(world, 3), limit=5)

    assert got == expected
    assert len(got) == 5


def test_a_profile_becomes_the_rows_the_matrices_would_hold() -> None:
    user_ids = np.array([1, 2, 3, 5], dtype=np.int64)
    artist_ids = np.array([10, 20, 30, 40], dtype=np.int64)
    tag_ids = np.array([7, 8], dtype=np.int64)
    profile = UserProfile(
        1,
        plays={40: 3, 10: 9, 99: 4, 20: 0},  # 99: created after training; 20: no plays
        friend_ids=(5, 2, 4, 5),  # 4: unknown; 5 twice
        tag_counts={8: 2, 9: 1},
    )

    rows, unknown = profile.rows(user_ids, artist_ids, tag_ids)

    assert unknown == [99]
    assert rows.plays.toarray().tolist() == [[9.0, 0.0, 0.0, 3.0]]
    assert rows.plays.indices.tolist() == [0, 3]
    assert rows.friends.toarray().tolist() == [[0.0, 1.0, 0.0, 2.0]]
    assert rows.tags.toarray().tolist() == [[0.0, 2.0]]
    assert UserProfile(1, {}, (), {}).rows(user_ids, artist_ids, tag_ids)[0].plays.nnz == 0
