"""What a request reads: one user's rows in one statement, the names of an answer in another
(SQLite and PostgreSQL; the small fixture, tests/fixtures/small/README.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from server.db.engine import create_db_engine
from server.repositories import recommend as repo
from tests.conftest import count_statements


@pytest.fixture
def engine(small_db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(small_db_url)
    yield engine
    engine.dispose()


def test_a_users_listens_friends_and_tag_counts_come_in_one_statement(engine: Engine) -> None:
    with Session(engine) as session, count_statements(engine) as statements:
        state = repo.user_state(session, 2)

    assert len(statements) == 1
    assert state.exists
    assert state.plays == {4: 1000, 5: 500, 3: 50}
    assert state.friend_ids == [3, 4]
    assert state.tag_counts == {1: 2, 6: 2, 3: 1}


def test_a_user_without_listens_exists_and_an_unknown_one_does_not(engine: Engine) -> None:
    with Session(engine) as session:
        quiet = repo.user_state(session, 6)
        unknown = repo.user_state(session, 999)

    assert quiet.exists
    assert quiet.plays == {}
    assert quiet.friend_ids == [5]
    assert quiet.tag_counts == {5: 1}
    assert not unknown.exists
    assert (unknown.plays, unknown.friend_ids, unknown.tag_counts) == ({}, [], {})


def test_names_of_artists_and_tags_come_in_one_statement(engine: Engine) -> None:
    with Session(engine) as session, count_statements(engine) as statements:
        artists, tags = repo.names(session, {4, 3, 12345}, {6, 4, 999})
        only_artists = repo.names(session, [5], [])
        only_tags = repo.names(session, [], [1])
        nothing = repo.names(session, [], [])

    assert len(statements) == 3  # none for nothing
    assert artists == {3: "Björk", 4: "Radiohead"}
    assert tags == {4: "fußball", 6: "indie"}
    assert only_artists == ({5: "Muse"}, {})
    assert only_tags == ({}, {1: "rock"})
    assert nothing == ({}, {})
