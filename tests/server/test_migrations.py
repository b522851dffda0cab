"""Alembic migrations and the models describe the same schema, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from server.db import name_trigrams
from server.db.engine import create_db_engine
from server.db.migrate import head_revision, upgrade
from server.db.models import Base, compared_on
from server.db.schema import HEAD_REVISION, current_revision, ensure_schema


def compared(backend: str) -> dict[str, Any]:
    """What autogenerate compares (as in migrations/env.py): the models' tables, with the
    indexes each backend gets."""
    return {"include_name": name_trigrams.include_name, "include_object": compared_on(backend)}


# SQLite's name index (migration 0005, or create_all): the FTS5 table and its triggers.
NAME_INDEX = {
    "sqlite": sorted(
        [
            ("table", name_trigrams.TABLE),
            *[("trigger", f"{name_trigrams.TABLE}_{op}") for op in ("insert", "delete", "update")],
        ]
    )
}


def name_index(engine: Engine) -> list[tuple[str, str]]:
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, name FROM sqlite_master WHERE name LIKE :prefix ORDER BY 1, 2"),
            {"prefix": f"{name_trigrams.TABLE}%"},
        ).all()
    return [
        (str(kind), str(name))
        for kind, name in rows
        if kind in {"table", "trigger"} and (kind == "trigger" or name == name_trigrams.TABLE)
    ]


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
            context = MigrationContext.configure(conn, opts=compared(backend))
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert current_revision(engine) == HEAD_REVISION
        assert name_index(engine) == NAME_INDEX.get(backend, [])
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
            context = MigrationContext.configure(conn, opts=compared(backend))
            assert compare_metadata(context, Base.metadata) == []
        assert name_index(engine) == NAME_INDEX.get(backend, [])
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
