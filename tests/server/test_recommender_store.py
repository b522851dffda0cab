"""The recommender store decides "too large to train in-process" once per data version."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from server.db.engine import create_db_engine
from server.services.recommend import RecommenderStore
from tests.conftest import count_statements, make_settings


def test_a_large_database_is_counted_once_per_version(small_db_url: str) -> None:
    settings = make_settings(small_db_url)
    store = RecommenderStore(settings, lazy_max_listens=0)
    engine: Engine = create_db_engine(small_db_url)
    try:
        with Session(engine) as session:
            first = store.get(session, data_version=7)
            with count_statements(engine) as statements:
                again = [store.get(session, data_version=7) for _ in range(3)]
            with count_statements(engine) as after_a_write:
                newer = store.get(session, data_version=8)
    finally:
        engine.dispose()

    assert first is None
    assert again == [None] * 3
    assert newer is None
    assert statements == []
    assert len([s for s in after_a_write if "count(" in s.lower()]) == 1
