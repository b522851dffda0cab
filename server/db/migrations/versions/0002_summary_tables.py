"""summary tables artist_stats and artist_tag_counts, kept by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:10:00

The tallies are filled from the existing rows in the same transaction, so an upgraded
database answers exactly what it answered before (server/db/summaries.py says why they
exist). The trigger DDL comes from that module: a later change to the triggers gets its own
migration, which replaces them (CREATE OR REPLACE / IF NOT EXISTS keep this idempotent).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db import summaries

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "artist_stats",
        sa.Column("artistID", sa.Integer(), nullable=False),
        sa.Column("plays", sa.BigInteger(), nullable=False),
        sa.Column("listeners", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("artistID", name=op.f("pk_artist_stats")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("artist_stats", schema=None) as batch_op:
        batch_op.create_index("ix_artist_stats_plays", ["plays", "artistID"], unique=False)
        batch_op.create_index("ix_artist_stats_listeners", ["listeners", "artistID"], unique=False)
    op.create_table(
        "artist_tag_counts",
        sa.Column("artistID", sa.Integer(), nullable=False),
        sa.Column("tagID", sa.Integer(), nullable=False),
        sa.Column("assignments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("artistID", "tagID", name=op.f("pk_artist_tag_counts")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("artist_tag_counts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_artist_tag_counts_artist_rank", ["artistID", "assignments", "tagID"], unique=False
        )
        batch_op.create_index(
            "ix_artist_tag_counts_tag_rank", ["tagID", "assignments", "artistID"], unique=False
        )
    connection = op.get_bind()
    # This revision's tally has no tag name (0006 adds it).
    summaries.rebuild(connection, revision=summaries.UNNAMED_TALLY)
    summaries.create_triggers(connection, revision=summaries.UNNAMED_TALLY)


def downgrade() -> None:
    connection = op.get_bind()
    summaries.drop_triggers(connection, revision=summaries.UNNAMED_TALLY)
    op.drop_table("artist_tag_counts")
    op.drop_table("artist_stats")
