"""Making sure a database has the current schema, cheaply.

A brand-new database gets ``metadata.create_all`` and is stamped at the head revision (the
Alembic cookbook's "create_all, then stamp" recipe; a test checks that the migrations and the
models produce the same schema). Only an existing database at an older revision pays for
importing Alembic. This keeps `soundstream ingest` start-up fast.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from server.db.models import Base

# The newest migration; tests/server/test_migrations.py keeps it equal to Alembic's head.
HEAD_REVISION = "0008"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine) -> str:
    """Create or migrate the schema to head; return what was done ("created", "migrated", "ok")."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return "ok"
    with engine.connect() as conn:
        empty = not inspect(conn).get_table_names()
    if revision is None and empty:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            conn.execute(
                text(
                    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
                )
            )
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD_REVISION})
        return "created"
    from server.db.migrate import upgrade

    upgrade(engine.url.render_as_string(hide_password=False))
    return "migrated"
