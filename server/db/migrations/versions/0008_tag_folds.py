"""every tag's case-folded name, indexed, so a name is looked up instead of listed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:10:00

Tag names are compared ignoring case (Unicode case folding, `server.db.models.fold_tag_name`),
which neither backend's ``lower()`` does as Python does. So the search held a directory of
every tag name per worker, rebuilt after every write (444,248 names and 2-3 s at 100x the
data), and creating or renaming a tag read every name. ``tag_folds`` holds the folded name
of each tag under an index; the application writes it with the tag (`server.repositories.tags`,
the ingest). It is filled here from ``tags``, folded in Python, in batches.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table(
        "tag_folds",
        sa.Column("tagID", sa.Integer(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tagID"],
            ["tags.tagID"],
            name=op.f("fk_tag_folds_tagID_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tagID", name=op.f("pk_tag_folds")),
        sqlite_with_rowid=False,
    )
    folds = sa.table("tag_folds", sa.column("tagID", sa.Integer), sa.column("folded", sa.Text))
    read = sa.text(
        'SELECT "tagID", "tagValue" FROM tags WHERE "tagID" > :after ORDER BY "tagID" LIMIT :n'
    )
    after = -(2**31) - 1
    while True:
        rows = connection.execute(read, {"after": after, "n": BATCH}).all()
        if not rows:
            break
        # The rule of `server.db.models.fold_tag_name`, written out: a migration must not
        # change when the application's code does.
        connection.execute(
            folds.insert(), [{"tagID": tag_id, "folded": name.casefold()} for tag_id, name in rows]
        )
        after = rows[-1][0]
    op.create_index("ix_tag_folds_folded", "tag_folds", ["folded", "tagID"], unique=False)
    if connection.dialect.name == "postgresql":
        op.execute("ANALYZE tag_folds")


def downgrade() -> None:
    op.drop_index("ix_tag_folds_folded", table_name="tag_folds")
    op.drop_table("tag_folds")
