"""artist name search index on SQLite (FTS5 trigrams)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:00:00

SQLite read every artist name for a substring search (``q``): 381 ms of CPU at 100x the
data. An FTS5 table with the trigram tokenizer over ``artists.name``, kept by triggers,
finds the names holding a piece instead (`server.db.name_trigrams`, docs/scaling.md).
PostgreSQL has its trigram indexes since 0003 and 0004 and gets nothing here.
"""

from collections.abc import Sequence

from alembic import op

from server.db import name_trigrams

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    statements = name_trigrams.create_statements()
    if op.get_bind().dialect.name == "sqlite" and statements:
        for statement in statements:
            op.execute(statement)
        op.execute(name_trigrams.REBUILD)  # the names already there


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in name_trigrams.drop_statements():
            op.execute(statement)
