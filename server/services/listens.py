"""Listen use cases: a user's artists, an artist's listeners, and writing one play count."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.errors import InvalidInputError, NotFoundError
from server.repositories import listens as repo
from server.schemas.fields import INT64_MAX
from server.schemas.listens import ArtistListenerPublic, ListenPublic, ListenSort, UserArtistPublic
from server.schemas.pagination import Page, PageParams
from server.services.artists import require_artist
from server.services.integrity import database_rules_as_domain_errors
from server.services.users import require_user
from server.services.writes import commit_write


def listen_not_found(user_id: int, artist_id: int) -> NotFoundError:
    return NotFoundError(
        f"user {user_id} has no listens of artist {artist_id}",
        resource="listen",
        user_id=user_id,
        artist_id=artist_id,
    )


def list_user_artists(
    session: Session, user_id: int, params: PageParams, sort: ListenSort = ListenSort.WEIGHT_DESC
) -> Page[UserArtistPublic]:
    """The user's artists with play counts; 404 for an unknown user."""
    total = repo.user_artists_count(session, user_id)
    if total == 0:
        require_user(session, user_id)  # only an empty list needs telling apart from a 404
    # Past the end no page query runs (an offset beyond BIGINT would make the driver fail).
    rows = (
        repo.user_artists_page(
            session, user_id, sort=sort, limit=params.limit, offset=params.offset
        )
        if params.offset < total
        else ()
    )
    return Page[UserArtistPublic](
        items=[
            UserArtistPublic(
                artist_id=row.artist_id,
                name=row.name,
                url=row.url,
                picture_url=row.picture_url,
                weight=row.weight,
            )
            for row in rows
        ],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def list_artist_listeners(
    session: Session, artist_id: int, params: PageParams
) -> Page[ArtistListenerPublic]:
    """The artist's listeners, most plays first (ties by user id); 404 for an unknown artist."""
    total = repo.listeners_count(session, artist_id)
    if total == 0:
        require_artist(session, artist_id)
    rows = (
        repo.listeners_page(session, artist_id, limit=params.limit, offset=params.offset)
        if params.offset < total
        else ()
    )
    return Page[ArtistListenerPublic](
        items=[ArtistListenerPublic(user_id=row.user_id, weight=row.weight) for row in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def get_listen(session: Session, user_id: int, artist_id: int) -> ListenPublic:
    listen = repo.get(session, user_id, artist_id)
    if listen is None:
        require_user(session, user_id)
        require_artist(session, artist_id)
        raise listen_not_found(user_id, artist_id)
    return ListenPublic(user_id=user_id, artist_id=artist_id, weight=listen.weight)


def require_plays_fit(session: Session, artist_id: int, *, old: int, new: int) -> None:
    """422 when setting a listen from ``old`` to ``new`` plays would take the artist's total
    past `INT64_MAX`: each weight fits, but the artist's plays are stored too (the
    `artist_stats` tally) and must stay exact. The database refuses it as well (PostgreSQL:
    out of range; a concurrent writer can only get there through that net)."""
    total = repo.artist_plays(session, artist_id) - old + new
    if total > INT64_MAX:
        raise InvalidInputError(
            f"artist {artist_id} would have {total} plays in all, more than the largest play "
            f"count stored ({INT64_MAX})",
            artist_id=artist_id,
        )


def put_listen(
    session: Session, user_id: int, artist_id: int, weight: int
) -> tuple[ListenPublic, bool]:
    """Set the user's play count for the artist; ``(listen, created)``.

    404 naming the user or the artist when either does not exist. PUT is idempotent, so two
    clients setting the same new listen at once both succeed: the insert skips a row another
    transaction added first (`insert_absent`), and the value is then set as an update.
    """
    listen = repo.get(session, user_id, artist_id)
    if listen is None:
        require_user(session, user_id)
        require_artist(session, artist_id)
        require_plays_fit(session, artist_id, old=0, new=weight)
        with database_rules_as_domain_errors(
            session, f"the listen of user {user_id} for artist {artist_id} changed concurrently"
        ):
            if repo.add_if_absent(session, user_id=user_id, artist_id=artist_id, weight=weight):
                commit_write(session)
                return ListenPublic(user_id=user_id, artist_id=artist_id, weight=weight), True
        listen = repo.get(session, user_id, artist_id)
        if listen is None:  # added, then deleted again before we could read it
            raise listen_not_found(user_id, artist_id)
    if listen.weight != weight:
        require_plays_fit(session, artist_id, old=listen.weight, new=weight)
        listen.weight = weight
        with database_rules_as_domain_errors(
            session, f"the listen of user {user_id} for artist {artist_id} changed concurrently"
        ):
            commit_write(session)
    return ListenPublic(user_id=user_id, artist_id=artist_id, weight=weight), False


def delete_listen(session: Session, user_id: int, artist_id: int) -> None:
    if not repo.delete_one(session, user_id, artist_id):
        require_user(session, user_id)
        require_artist(session, artist_id)
        raise listen_not_found(user_id, artist_id)
    commit_write(session)
