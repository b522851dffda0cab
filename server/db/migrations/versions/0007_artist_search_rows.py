"""every artist's name beside its plays and listeners, under the name search's indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:20:00

The name search (``q``) found its matches through the trigram indexes on ``artists`` and
then probed ``artist_stats`` once per match to rank them by plays: for a piece that
thousands of names hold, most of the statement (at 100x the data 12,146 probes of a 44 ms
statement's). ``artist_search`` holds each artist's name with its plays and listeners, and
the trigram indexes move onto it (PostgreSQL; SQLite's own name index, revision 0005, stays
over ``artists``): the matches are ranked where the index points (`server.db.summaries`,
docs/scaling.md). The table is derived data, filled here from the tables it follows and
kept by triggers from then on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db import summaries

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ON_ARTISTS = {
    "postgresql": {
        "ix_artists_name_search": "CREATE INDEX ix_artists_name_search ON artists "
        "USING gin (name gin_trgm_ops)",
        "ix_artists_name_spaceless": "CREATE INDEX ix_artists_name_spaceless ON artists "
        "USING gin (replace(lower(name), ' ', '') gin_trgm_ops)",
    },
    # SQLite ignored the trigram options of 0003's index: a plain index no query used.
    "sqlite": {"ix_artists_name_search": "CREATE INDEX ix_artists_name_search ON artists (name)"},
}


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    op.create_table(
        "artist_search",
        sa.Column("artistID", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("plays", sa.BigInteger(), nullable=False),
        sa.Column("listeners", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("artistID", name=op.f("pk_artist_search")),
    )
    for name in _ON_ARTISTS[dialect]:
        op.execute(f"DROP INDEX {name}")
    op.execute(summaries.REBUILD_SEARCH)
    if dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_artist_search_name ON artist_search USING gin (name gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_artist_search_spaceless ON artist_search "
            "USING gin (replace(lower(name), ' ', '') gin_trgm_ops)"
        )
    summaries.create_triggers(connection, revision=summaries.SEARCH_ROWS)
    if dialect == "postgresql":
        op.execute("ANALYZE artist_search")


def downgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    summaries.drop_triggers(connection, revision=summaries.SEARCH_ROWS)
    op.drop_table("artist_search")
    for create in _ON_ARTISTS[dialect].values():
        op.execute(create)
    summaries.create_triggers(connection, revision=summaries.NAMED_TALLY)
    if dialect == "postgresql":
        for function in ("names", "figures", "unlistened"):
            op.execute(f"DROP FUNCTION IF EXISTS soundstream_artist_search_{function}()")
