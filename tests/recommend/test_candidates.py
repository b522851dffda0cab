"""A request is scored on a candidate set (`HybridModel.candidate_components`), evaluation on
every artist (`HybridModel.components`): the two must give the same answer — the same
artists in the same order, the same scores and reasons — on the small world and on the real
data, for every strategy, cold users, users without friends, and limits beyond the
candidates (the most listened artists fill those places).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy.orm import Session

from server.db.engine import create_db_engine
from server.recommend.data import Interactions, UserProfile, UserRows
from server.recommend.hybrid import COMPONENTS, BlendWeights, HybridModel, HybridParams
from server.recommend.lifecycle import read_interactions, snapshot_session
from server.recommend.recommender import ModelInfo, Recommender
from server.recommend.strategy import Strategy
from server.services.recommend import load_profile
from tests.recommend.test_recommender import profile_of

NARROW = HybridParams(ease_max_items=8, als_max_items=12, knn_neighbours=3)
"""Components that each score a part of the small world's 40 artists, so that the
candidate set is a strict part of the catalogue."""
EVERY_COMPONENT = BlendWeights(knn=0.5)
"""The default blend weighs item-kNN at 0 (and so never scores it): here it counts."""


def fitted(data: Interactions, params: HybridParams, weights: BlendWeights) -> Recommender:
    model = HybridModel(params, weights)
    model.fit(data)
    info = ModelInfo(model_version="test", data_version=1, trained_at="now")
    return Recommender(
        model, info, user_ids=data.user_ids, artist_ids=data.artist_ids, tag_ids=data.tag_ids
    )


def cold_profiles(data: Interactions) -> list[UserProfile]:
    """A user with nothing, with friends only, with own tags only, and one of each with
    listens but no friends."""
    friends = tuple(int(u) for u in data.user_ids[:3])
    tags = {int(data.tag_ids[0]): 2, int(data.tag_ids[-1]): 1}
    return [
        UserProfile(10**9, {}, (), {}),
        UserProfile(10**9, {}, friends, {}),
        UserProfile(10**9, {}, (), tags),
    ]


def without_friends(profile: UserProfile) -> UserProfile:
    return UserProfile(profile.user_id, profile.plays, (), profile.tag_counts)


def assert_same_answers(
    recommender: Recommender, profiles: list[UserProfile], limits: tuple[int, ...]
) -> None:
    for profile in profiles:
        for strategy in Strategy:
            for limit in limits:
                fast = recommender.recommend(profile, limit=limit, strategy=strategy)
                reference = recommender.recommend(
                    profile, limit=limit, strategy=strategy, exhaustive=True
                )
                assert fast == reference, (profile.user_id, strategy, limit)


@pytest.fixture(scope="module", params=["default", "narrow", "every-component"])
def small_recommender(request: pytest.FixtureRequest, world: Interactions) -> Recommender:
    params, weights = {
        "default": (HybridParams(), BlendWeights()),
        "narrow": (NARROW, BlendWeights()),
        "every-component": (NARROW, EVERY_COMPONENT),
    }[request.param]
    return fitted(world, params, weights)


def test_candidate_answers_equal_the_exhaustive_ones_on_the_small_world(
    world: Interactions, small_recommender: Recommender
) -> None:
    profiles = [profile_of(world, int(u)) for u in world.user_ids]
    profiles += cold_profiles(world) + [without_friends(p) for p in profiles[::10]]

    assert_same_answers(small_recommender, profiles, limits=(1, 5, 40))


def test_artists_outside_the_candidates_score_zero_in_every_component(
    world: Interactions,
) -> None:
    model = fitted(world, NARROW, EVERY_COMPONENT).model
    for user in (0, 17, 44):
        rows = UserRows.of(world, [user])

        dense = model.components(rows, COMPONENTS)
        candidates = model.candidate_components(rows, COMPONENTS, fill=0)

        items = candidates.items
        assert items is not None
        assert 0 < len(items) < world.n_artists
        outside = np.setdiff1d(np.arange(world.n_artists), items)
        for name in COMPONENTS:
            assert np.array_equal(candidates.scaled[name][0], dense.scaled[name][0, items])
            assert not dense.scaled[name][0, outside].any(), name


def test_a_limit_beyond_the_candidates_is_filled_by_the_most_listened_artists(
    world: Interactions,
) -> None:
    recommender = fitted(world, NARROW, BlendWeights())
    profile = UserProfile(10**9, {}, (int(world.user_ids[0]),), {})  # one friend's artists
    rows, _unknown = recommender._rows(profile)
    supported = recommender.model.candidate_components(rows, ("social",), fill=0).items
    assert supported is not None

    found = recommender.recommend(profile, limit=30, strategy=Strategy.SOCIAL)

    assert len(found) == 30 > len(supported)
    assert found == recommender.recommend(
        profile, limit=30, strategy=Strategy.SOCIAL, exhaustive=True
    )


# --- the real data, read from each backend ----------------------------------------------------


@pytest.fixture(scope="module")
def full_data(full_db_url: str) -> Iterator[Interactions]:
    engine = create_db_engine(full_db_url)
    try:
        with snapshot_session(engine) as session:
            yield read_interactions(session)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def full_recommender(full_data: Interactions) -> Recommender:
    """Every component blended, ALS on the 5,000 most listened artists (of 17,632): the
    candidate set is a strict part of the catalogue, as at 100×."""
    params = HybridParams(als_max_items=5000, als_iterations=4)
    return fitted(full_data, params, BlendWeights(knn=0.5, tags=0.2))


def test_candidate_answers_equal_the_exhaustive_ones_on_the_real_data(
    full_data: Interactions, full_recommender: Recommender, full_db_url: str
) -> None:
    rng = np.random.default_rng(0)
    users = sorted(rng.choice(full_data.user_ids, size=40, replace=False).tolist())
    engine = create_db_engine(full_db_url)
    try:
        with Session(engine) as session:
            profiles = [load_profile(session, int(u)) for u in users]
    finally:
        engine.dispose()
    profiles += cold_profiles(full_data) + [without_friends(p) for p in profiles[:5]]

    assert_same_answers(full_recommender, profiles, limits=(10, 110))


def test_the_real_datas_candidates_are_a_part_of_the_catalogue(
    full_data: Interactions, full_recommender: Recommender
) -> None:
    rows = UserRows.of(full_data, [5])
    wanted = COMPONENTS

    items = full_recommender.model.candidate_components(rows, wanted, fill=110).items

    assert items is not None
    assert len(items) < full_data.n_artists
