"""The data version: one integer bumped in the same transaction as any write.

Caches, ETags and the recommender's staleness key on it (see ARCHITECTURE.md). Bumping is an
``UPDATE ... SET value = value + 1`` so concurrent writers serialise on the row instead of
losing increments.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, cast, insert, select, update
from sqlalchemy.orm import Session

from server.db.models import Meta

DATA_VERSION = "data_version"
SOURCE_FINGERPRINT = "source_fingerprint"
INGEST_POLICY = "ingest_orphans_policy"
INGESTED_AT = "ingested_at"
INGESTED_DATA_VERSION = "ingested_data_version"


def get_meta(conn: Connection | Session, key: str) -> str | None:
    return conn.execute(select(Meta.value).where(Meta.key == key)).scalar_one_or_none()


def set_meta(conn: Connection | Session, key: str, value: str) -> None:
    updated = conn.execute(update(Meta).where(Meta.key == key).values(value=value))
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        conn.execute(insert(Meta).values(key=key, value=value))


def get_data_version(conn: Connection | Session) -> int:
    value = get_meta(conn, DATA_VERSION)
    return int(value) if value is not None else 0


def bump_data_version(conn: Connection | Session) -> int:
    """Increment the data version inside the caller's transaction and return the new value."""
    if get_meta(conn, DATA_VERSION) is None:
        set_meta(conn, DATA_VERSION, "0")
    conn.execute(
        update(Meta)
        .where(Meta.key == DATA_VERSION)
        .values(value=cast(cast(Meta.value, Integer) + 1, Meta.value.type))
    )
    return get_data_version(conn)
