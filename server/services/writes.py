"""The one way a service finishes a write: bump the data version in the same transaction
and commit, so caches keyed on the version can never serve data older than a write. (A write
waits for its turn first: `Database.write_turn`.)"""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.db.meta import bump_data_version


def commit_write(session: Session) -> int:
    """Flush, bump the data version, commit; return the new version."""
    session.flush()
    version = bump_data_version(session)
    session.commit()
    return version
