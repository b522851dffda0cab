"""The training read: whole tables as int64 arrays (driver cursor on SQLite, binary COPY on
PostgreSQL), equal to what the ORM returns, in the snapshot's transaction."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.db.engine import create_db_engine
from server.db.models import UserArtist, UserFriend, UserTaggedArtist
from server.recommend.lifecycle import read_snapshot
from server.repositories import recommend as repo
from tests.conftest import make_settings


def _sorted(rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return rows[np.lexsort(rows.T[::-1])]


def test_whole_tables_read_as_arrays_equal_the_orm_rows(small_db_url: str) -> None:
    engine = create_db_engine(small_db_url)
    try:
        with Session(engine) as session:
            got = {
                "listens": repo.listen_rows(session),
                "friends": repo.friendship_rows(session),
                "tags": repo.tag_assignment_rows(session),
            }
            expected = {
                name: np.array(
                    [tuple(row) for row in session.execute(select(*columns))], dtype=np.int64
                )
                for name, columns in {
                    "listens": (UserArtist.user_id, UserArtist.artist_id, UserArtist.weight),
                    "friends": (UserFriend.user_id, UserFriend.friend_id),
                    "tags": (
                        UserTaggedArtist.user_id,
                        UserTaggedArtist.artist_id,
                        UserTaggedArtist.tag_id,
                    ),
                }.items()
            }
    finally:
        engine.dispose()

    for name, rows in got.items():
        assert rows.dtype == np.int64
        assert rows.shape == expected[name].shape
        assert len(rows) > 0
        assert np.array_equal(_sorted(rows), _sorted(expected[name])), name


def test_an_empty_table_reads_as_an_empty_array(small_db_url: str) -> None:
    engine = create_db_engine(small_db_url)
    try:
        with Session(engine) as session:
            session.execute(delete(UserFriend))
            rows = repo.friendship_rows(session)
            session.rollback()
    finally:
        engine.dispose()

    assert rows.shape == (0, 2)


def test_the_snapshot_matrices_hold_every_listen(small_db_url: str) -> None:
    engine = create_db_engine(small_db_url)
    try:
        snapshot = read_snapshot(engine, make_settings(small_db_url))
        with Session(engine) as session:
            listens = session.execute(select(UserArtist.weight)).scalars().all()
    finally:
        engine.dispose()

    assert snapshot.data.plays.nnz == len(listens)
    assert snapshot.data.plays.sum() == sum(listens)
