"""Alembic migrations and the models describe the same schema, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from server.db.engine import create_db_engine
from server.db.migrate import head_revision, upgrade
from server.db.models import Base
from server.db.schema import HEAD_REVISION, current_revision, ensure_schema


def test_schema_head_constant_matches_alembic() -> None:
    assert head_revision() == HEAD_REVISION


# SQLite cannot reflect expression indexes; the one the models declare is PostgreSQL-only.
SQLITE_EXPRESSION_INDEX = (
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)


@pytest.mark.filterwarnings(SQLITE_EXPRESSION_INDEX)
def test_migrations_produce_the_models_schema(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    url = new_database_url(backend, "migrate")
    upgrade(url)
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


@pytest.mark.filterwarnings(SQLITE_EXPRESSION_INDEX)
def test_create_all_path_matches_migrations(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    url = new_database_url(backend, "createall")
    engine = create_db_engine(url)
    try:
        assert ensure_schema(engine) == "created"
        assert ensure_schema(engine) == "ok"
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("user_taggedartists")}
        assert {
            "ix_user_taggedartists_tag_artists",
            "ix_user_taggedartists_artist_tags",
            "ix_user_taggedartists_year_month",
        } <= indexes
    finally:
        engine.dispose()


def test_course_table_and_column_names() -> None:
    columns = {
        name: [c.name for c in table.columns] for name, table in Base.metadata.tables.items()
    }
    assert columns["artists"] == ["id", "name", "url", "pictureURL"]
    assert columns["users"] == ["userID"]
    assert columns["user_artists"] == ["userID", "artistID", "weight"]
    assert columns["tags"] == ["tagID", "tagValue"]
    assert columns["user_taggedartists"] == [
        "userID",
        "artistID",
        "tagID",
        "timestamp",
        "day",
        "month",
        "year",
    ]
    assert columns["user_friends"] == ["userID", "friendID"]
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            assert fk.ondelete == "CASCADE"
