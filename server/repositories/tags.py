"""Tag rows (``tags.tagValue`` is the name)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from server.db.models import Tag
from server.repositories.sequences import advance_id_sequence


def get(session: Session, tag_id: int) -> Tag | None:
    return session.get(Tag, tag_id)


def exists(session: Session, tag_id: int) -> bool:
    return session.scalar(select(Tag.id).where(Tag.id == tag_id)) is not None


def page(session: Session, *, limit: int, offset: int) -> Sequence[Tag]:
    """Tags by id."""
    return session.scalars(select(Tag).order_by(Tag.id).limit(limit).offset(offset)).all()


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Tag)).scalar_one()


def find_by_name(session: Session, name: str) -> Tag | None:
    """The tag named exactly ``name`` (the unique index answers)."""
    return session.scalars(select(Tag).where(Tag.value == name)).one_or_none()


def find_by_folded_name(session: Session, name: str) -> list[tuple[int, str]]:
    """``(id, name)`` of the tags whose name equals ``name`` ignoring case (Unicode case folding).

    Compared in Python: SQLite's ``lower()`` folds ASCII only while PostgreSQL's follows the
    database locale, so SQL could not give both backends the same answer. The scan reads
    ids and names only (about 12k short rows in the full dataset) and runs only on the write
    paths that create or rename a tag.
    """
    folded = name.casefold()
    rows = session.execute(select(Tag.id, Tag.value)).all()
    return [(tag_id, value) for tag_id, value in rows if value.casefold() == folded]


def add(session: Session, *, tag_id: int | None, name: str) -> Tag:
    """Insert a tag; without ``tag_id`` the database picks the next id."""
    tag = Tag(value=name)
    if tag_id is not None:
        tag.id = tag_id
    session.add(tag)
    session.flush()
    if tag_id is not None:
        advance_id_sequence(session, Tag.__tablename__, "tagID")
    return tag


def delete_by_id(session: Session, tag_id: int) -> bool:
    """Delete a tag (its assignments cascade in the database); False when there was none."""
    result = session.execute(
        delete(Tag).where(Tag.id == tag_id),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount > 0
