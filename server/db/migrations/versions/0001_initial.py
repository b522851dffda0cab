"""course schema, meta and ingest_rejects

Revision ID: 0001
Revises:
Create Date: 2026-11-28 03:35:58.002585
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "artists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("pictureURL", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artists")),
    )
    op.create_table(
        "ingest_rejects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file", sa.String(length=128), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_rejects")),
    )
    with op.batch_alter_table("ingest_rejects", schema=None) as batch_op:
        batch_op.create_index("ix_ingest_rejects_file_reason", ["file", "reason"], unique=False)

    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "tags",
        sa.Column("tagID", sa.Integer(), nullable=False),
        sa.Column("tagValue", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tagID", name=op.f("pk_tags")),
        sa.UniqueConstraint("tagValue", name=op.f("uq_tags_tagValue")),
    )
    op.create_table(
        "users",
        sa.Column("userID", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("userID", name=op.f("pk_users")),
    )
    op.create_table(
        "user_artists",
        sa.Column("userID", sa.Integer(), nullable=False),
        sa.Column("artistID", sa.Integer(), nullable=False),
        sa.Column("weight", sa.BigInteger(), nullable=False),
        sa.CheckConstraint('"weight" >= 0', name=op.f("ck_user_artists_weight_non_negative")),
        sa.ForeignKeyConstraint(
            ["artistID"],
            ["artists.id"],
            name=op.f("fk_user_artists_artistID_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["userID"],
            ["users.userID"],
            name=op.f("fk_user_artists_userID_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("userID", "artistID", name=op.f("pk_user_artists")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("user_artists", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_artists_artist_listeners", ["artistID", "weight", "userID"], unique=False
        )

    op.create_table(
        "user_friends",
        sa.Column("userID", sa.Integer(), nullable=False),
        sa.Column("friendID", sa.Integer(), nullable=False),
        sa.CheckConstraint('"userID" <> "friendID"', name=op.f("ck_user_friends_not_self")),
        sa.ForeignKeyConstraint(
            ["friendID"],
            ["users.userID"],
            name=op.f("fk_user_friends_friendID_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["userID"],
            ["users.userID"],
            name=op.f("fk_user_friends_userID_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("userID", "friendID", name=op.f("pk_user_friends")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("user_friends", schema=None) as batch_op:
        batch_op.create_index("ix_user_friends_friend_user", ["friendID", "userID"], unique=False)

    op.create_table(
        "user_taggedartists",
        sa.Column("userID", sa.Integer(), nullable=False),
        sa.Column("artistID", sa.Integer(), nullable=False),
        sa.Column("tagID", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.SmallInteger(), nullable=True),
        sa.Column("month", sa.SmallInteger(), nullable=True),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["artistID"],
            ["artists.id"],
            name=op.f("fk_user_taggedartists_artistID_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tagID"],
            ["tags.tagID"],
            name=op.f("fk_user_taggedartists_tagID_tags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["userID"],
            ["users.userID"],
            name=op.f("fk_user_taggedartists_userID_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "userID", "artistID", "tagID", "timestamp", name=op.f("pk_user_taggedartists")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("user_taggedartists", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_taggedartists_artist_tags", ["artistID", "tagID"], unique=False
        )
        batch_op.create_index(
            "ix_user_taggedartists_tag_artists", ["tagID", "artistID"], unique=False
        )
        batch_op.create_index("ix_user_taggedartists_year_month", ["year", "month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_taggedartists", schema=None) as batch_op:
        batch_op.drop_index("ix_user_taggedartists_year_month")
        batch_op.drop_index("ix_user_taggedartists_tag_artists")
        batch_op.drop_index("ix_user_taggedartists_artist_tags")

    op.drop_table("user_taggedartists")
    with op.batch_alter_table("user_friends", schema=None) as batch_op:
        batch_op.drop_index("ix_user_friends_friend_user")

    op.drop_table("user_friends")
    with op.batch_alter_table("user_artists", schema=None) as batch_op:
        batch_op.drop_index("ix_user_artists_artist_listeners")

    op.drop_table("user_artists")
    op.drop_table("users")
    op.drop_table("tags")
    op.drop_table("meta")
    with op.batch_alter_table("ingest_rejects", schema=None) as batch_op:
        batch_op.drop_index("ix_ingest_rejects_file_reason")

    op.drop_table("ingest_rejects")
    op.drop_table("artists")
