"""artist name index for the substring search (pg_trgm on PostgreSQL)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 15:00:00

On PostgreSQL a GIN trigram index serves ``name ILIKE '%q%'`` (the search's ``q``): without it
every search by name read all names, 150-230 ms at 100x the data (docs/scaling.md). It needs the
``pg_trgm`` extension, created here if missing. SQLite keeps a plain index on the name (the
PostgreSQL options do not apply there), as `server.db.models.Artist` declares.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_artists_name_search",
        "artists",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )


def downgrade() -> None:
    # The extension stays: other objects in the database may use it.
    op.drop_index("ix_artists_name_search", table_name="artists")
