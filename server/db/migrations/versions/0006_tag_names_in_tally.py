"""the artist-tag tally carries the tag's name, indexed in the order top tags are shown

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 22:30:00

An artist's top tags are ordered by count, ties by name. The name lived in ``tags`` only,
so every tag tied at the page's last count was read and looked up to choose by name: at
100x the data 813 rows for the 141 a nested GraphQL request keeps, 4.5 ms of PostgreSQL
time per request. With the name in the tally and an index on (artist, count descending,
name, id) the page is that many index entries (`server.db.summaries`, docs/scaling.md).

The tally is derived data: the table is made again and refilled from the tag assignments
in this transaction, and the triggers are replaced by ones that also copy a tag's name on
insert and follow its renames.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from server.db import summaries

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tally(*, tag_names: bool) -> None:
    columns: list[sa.Column[Any]] = [
        sa.Column("artistID", sa.Integer(), nullable=False),
        sa.Column("tagID", sa.Integer(), nullable=False),
        sa.Column("assignments", sa.Integer(), nullable=False),
    ]
    if tag_names:
        columns.append(sa.Column("tagValue", sa.Text(), nullable=False))
    op.create_table(
        "artist_tag_counts",
        *columns,
        sa.PrimaryKeyConstraint("artistID", "tagID", name=op.f("pk_artist_tag_counts")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("artist_tag_counts", schema=None) as batch_op:
        if tag_names:
            batch_op.create_index(
                "ix_artist_tag_counts_artist_top",
                ["artistID", sa.literal_column("assignments DESC"), "tagValue", "tagID"],
                unique=False,
            )
        else:
            batch_op.create_index(
                "ix_artist_tag_counts_artist_rank",
                ["artistID", "assignments", "tagID"],
                unique=False,
            )
        batch_op.create_index(
            "ix_artist_tag_counts_tag_rank", ["tagID", "assignments", "artistID"], unique=False
        )


def _replace(*, tag_names: bool) -> None:
    connection = op.get_bind()
    named, unnamed = summaries.NAMED_TALLY, summaries.UNNAMED_TALLY
    before, after = (unnamed, named) if tag_names else (named, unnamed)
    summaries.drop_triggers(connection, revision=before)
    op.drop_table("artist_tag_counts")
    _tally(tag_names=tag_names)
    summaries.rebuild(connection, revision=after)
    summaries.create_triggers(connection, revision=after)
    if connection.dialect.name == "postgresql":
        if not tag_names:
            op.execute("DROP FUNCTION IF EXISTS soundstream_tag_names()")
        # The planner's statistics of the refilled tables now, not when autovacuum gets to
        # them (ANALYZE runs inside the migration's transaction; VACUUM could not).
        op.execute("ANALYZE artist_tag_counts, artist_stats")


def upgrade() -> None:
    _replace(tag_names=True)


def downgrade() -> None:
    _replace(tag_names=False)
