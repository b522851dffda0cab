"""Tag assignment use cases: a user's assignments, tagging and untagging, and the tallies
(an artist's tags, a tag's artists) that count them.

Times are Unix milliseconds; ``day``/``month``/``year`` are always the UTC calendar date of
``timestamp``, the same rule the ingest follows.
"""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from server.errors import ConflictError, NotFoundError
from server.repositories import artists as artists_repo
from server.repositories import tag_assignments as repo
from server.schemas.pagination import Page, PageParams
from server.schemas.tag_assignments import (
    ArtistTagPublic,
    TagArtistPublic,
    TagAssignmentCreate,
    TagAssignmentPublic,
)
from server.services.artists import artist_not_found, require_artist
from server.services.integrity import database_rules_as_domain_errors
from server.services.tags import get_tag, require_tag, resolve_tag_name
from server.services.users import require_user
from server.services.writes import commit_write

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def utc_date(timestamp_ms: int) -> datetime:
    """The UTC instant of a Unix-millisecond timestamp (negative ones too)."""
    return EPOCH + timedelta(milliseconds=timestamp_ms)


def list_user_assignments(
    session: Session,
    user_id: int,
    params: PageParams,
    *,
    artist_id: int | None = None,
    tag_id: int | None = None,
) -> Page[TagAssignmentPublic]:
    """The user's assignments, newest first; optionally of one artist and/or one tag."""
    total = repo.user_count(session, user_id, artist_id=artist_id, tag_id=tag_id)
    if total == 0:
        require_user(session, user_id)
    # Past the end no page query runs (an offset beyond BIGINT would make the driver fail).
    rows = (
        repo.user_page(
            session,
            user_id,
            artist_id=artist_id,
            tag_id=tag_id,
            limit=params.limit,
            offset=params.offset,
        )
        if params.offset < total
        else ()
    )
    return Page[TagAssignmentPublic](
        items=[TagAssignmentPublic.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def create_assignment(
    session: Session, user_id: int, data: TagAssignmentCreate, *, now: int | None = None
) -> TagAssignmentPublic:
    """Record that the user tagged the artist; 409 if they already applied that tag to that
    artist. A ``tag_name`` that names no tag (ignoring case) creates the tag."""
    require_user(session, user_id)
    artist = artists_repo.get(session, data.artist_id)
    if artist is None:
        raise artist_not_found(data.artist_id)
    if data.tag_id is not None:
        tag = get_tag(session, data.tag_id)
    else:
        assert data.tag_name is not None  # the schema requires one of the two
        tag = resolve_tag_name(session, data.tag_name)
    if repo.timestamps_of(session, user_id, artist.id, tag.id):
        raise ConflictError(
            f"user {user_id} already tagged artist {artist.id} with tag {tag.id}",
            resource="tag-assignment",
            user_id=user_id,
            artist_id=artist.id,
            tag_id=tag.id,
        )
    if data.timestamp is not None:
        timestamp = data.timestamp
    elif data.date is not None:
        timestamp = calendar.timegm(data.date.timetuple()) * 1000
    else:
        timestamp = now_ms() if now is None else now
    moment = utc_date(timestamp)
    with database_rules_as_domain_errors(
        session, f"user {user_id} tagged artist {artist.id} with tag {tag.id} concurrently"
    ):
        repo.add(
            session,
            user_id=user_id,
            artist_id=artist.id,
            tag_id=tag.id,
            timestamp=timestamp,
            day=moment.day,
            month=moment.month,
            year=moment.year,
        )
        commit_write(session)
    return TagAssignmentPublic(
        user_id=user_id,
        artist_id=artist.id,
        artist_name=artist.name,
        tag_id=tag.id,
        tag_name=tag.name,
        timestamp=timestamp,
        day=moment.day,
        month=moment.month,
        year=moment.year,
    )


def delete_assignment(
    session: Session, user_id: int, artist_id: int, tag_id: int, *, timestamp: int | None = None
) -> None:
    """Remove the user's assignment of the tag to the artist (only the one at ``timestamp``
    when given); 404 when there is none, naming the missing user, artist or tag if any."""
    if repo.delete_matching(session, user_id, artist_id, tag_id, timestamp) == 0:
        require_user(session, user_id)
        require_artist(session, artist_id)
        require_tag(session, tag_id)
        at = "" if timestamp is None else f" at {timestamp}"
        raise NotFoundError(
            f"user {user_id} has not tagged artist {artist_id} with tag {tag_id}{at}",
            resource="tag-assignment",
            user_id=user_id,
            artist_id=artist_id,
            tag_id=tag_id,
        )
    commit_write(session)


def list_artist_tags(session: Session, artist_id: int, params: PageParams) -> Page[ArtistTagPublic]:
    """The artist's tags, most assigned first, then by name; 404 for an unknown artist."""
    total = repo.artist_tags_count(session, artist_id)
    if total == 0:
        require_artist(session, artist_id)
    rows = (
        repo.artist_tags_page(session, artist_id, limit=params.limit, offset=params.offset)
        if params.offset < total
        else ()
    )
    return Page[ArtistTagPublic](
        items=[ArtistTagPublic(tag_id=r.tag_id, name=r.name, count=r.uses) for r in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def list_tag_artists(session: Session, tag_id: int, params: PageParams) -> Page[TagArtistPublic]:
    """The artists carrying the tag, most assigned first, then by name; 404 for an unknown
    tag."""
    total = repo.tag_artists_count(session, tag_id)
    if total == 0:
        require_tag(session, tag_id)
    rows = (
        repo.tag_artists_page(session, tag_id, limit=params.limit, offset=params.offset)
        if params.offset < total
        else ()
    )
    return Page[TagArtistPublic](
        items=[TagArtistPublic(artist_id=r.artist_id, name=r.name, count=r.uses) for r in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )
