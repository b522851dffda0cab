"""Artist use cases: list, read, create, replace, update, delete.

Deleting an artist removes its listens and tag assignments too (ON DELETE CASCADE).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.db.models import Artist
from server.errors import ConflictError, NotFoundError
from server.repositories import artists as repo
from server.schemas.artists import ArtistBase, ArtistCreate, ArtistPublic, ArtistUpdate
from server.schemas.fields import INT32_MAX
from server.schemas.pagination import Page, PageParams
from server.services.integrity import database_rules_as_domain_errors, no_id_left
from server.services.totals import table_total
from server.services.writes import commit_write


def artist_not_found(artist_id: int) -> NotFoundError:
    return NotFoundError(f"artist {artist_id} does not exist", resource="artist", id=artist_id)


def require_artist(session: Session, artist_id: int) -> None:
    """Raise `NotFoundError` naming the artist unless it exists."""
    if not repo.exists(session, artist_id):
        raise artist_not_found(artist_id)


def _load(session: Session, artist_id: int) -> Artist:
    artist = repo.get(session, artist_id)
    if artist is None:
        raise artist_not_found(artist_id)
    return artist


def list_artists(session: Session, params: PageParams) -> Page[ArtistPublic]:
    """Artists by id."""
    total = table_total(session, "artists", repo.count)
    # Past the end no page query runs (an offset beyond BIGINT would make the driver fail).
    rows = (
        repo.page(session, limit=params.limit, offset=params.offset)
        if params.offset < total
        else []
    )
    return Page[ArtistPublic](
        items=[ArtistPublic.model_validate(row) for row in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def get_artist(session: Session, artist_id: int) -> ArtistPublic:
    return ArtistPublic.model_validate(_load(session, artist_id))


def create_artist(session: Session, data: ArtistCreate) -> ArtistPublic:
    """Create an artist with ``data.id`` (409 if taken) or with the largest id + 1."""
    if data.id is not None and repo.exists(session, data.id):
        raise ConflictError(f"artist {data.id} already exists", resource="artist", id=data.id)
    with database_rules_as_domain_errors(
        session, "the artist id was taken concurrently", out_of_range=no_id_left("artist")
    ):
        artist = repo.add(
            session,
            artist_id=data.id,
            name=data.name,
            url=data.url,
            picture_url=data.picture_url,
        )
        if artist.id > INT32_MAX:  # SQLite hands out the largest rowid + 1, unbounded
            raise no_id_left("artist")
        commit_write(session)
    return ArtistPublic.model_validate(artist)


def replace_artist(session: Session, artist_id: int, data: ArtistBase) -> ArtistPublic:
    """Replace every writable field (omitted URLs become null)."""
    return _apply(session, artist_id, data.model_dump())


def update_artist(session: Session, artist_id: int, data: ArtistUpdate) -> ArtistPublic:
    """Change the fields the client sent; the others keep their value."""
    return _apply(session, artist_id, data.changes())


def _apply(session: Session, artist_id: int, changes: dict[str, object]) -> ArtistPublic:
    artist = _load(session, artist_id)
    for field, value in changes.items():
        setattr(artist, field, value)
    # A write that changes nothing leaves the data version alone, so caches stay warm.
    if session.is_modified(artist):
        commit_write(session)
    return ArtistPublic.model_validate(artist)


def delete_artist(session: Session, artist_id: int) -> None:
    """Delete an artist with its listens and tag assignments."""
    if not repo.delete_by_id(session, artist_id):
        raise artist_not_found(artist_id)
    commit_write(session)
