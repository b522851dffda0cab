"""Tag rows (``tags.tagValue`` is the name)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from server.db.models import Tag, TagFold, fold_tag_name
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
    """``(id, name)`` of the tags whose name equals ``name`` ignoring case, by id."""
    return by_folded_names(session, [name]).get(fold_tag_name(name), [])


def by_folded_names(session: Session, names: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """The ``(id, name)`` tags of each folded name (`fold_tag_name`) that ``names`` hold,
    by id: one probe of ``ix_tag_folds_folded`` per name, in one statement."""
    folded = sorted({fold_tag_name(name) for name in names})
    if not folded:
        return {}
    rows = session.execute(
        select(TagFold.folded, Tag.id, Tag.value)
        .join(Tag, Tag.id == TagFold.tag_id)
        .where(TagFold.folded.in_(folded))
        .order_by(TagFold.folded, Tag.id)
    )
    found: dict[str, list[tuple[int, str]]] = {}
    for key, tag_id, value in rows:
        found.setdefault(key, []).append((tag_id, value))
    return found


def add(session: Session, *, tag_id: int | None, name: str) -> Tag:
    """Insert a tag with its folded name; without ``tag_id`` the database picks the next id."""
    tag = Tag(value=name)
    if tag_id is not None:
        tag.id = tag_id
    session.add(tag)
    session.flush()
    if tag_id is not None:
        advance_id_sequence(session, Tag.__tablename__, "tagID")
    session.add(TagFold(tag_id=tag.id, folded=fold_tag_name(name)))
    session.flush()
    return tag


def rename(session: Session, tag: Tag, name: str) -> None:
    """Give ``tag`` a new name, and its folded name with it (flushed, not committed)."""
    tag.value = name
    result = session.execute(
        update(TagFold).where(TagFold.tag_id == tag.id).values(folded=fold_tag_name(name)),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[Any], result).rowcount == 0:  # a tag written by SQL outside the API
        session.add(TagFold(tag_id=tag.id, folded=fold_tag_name(name)))
    session.flush()


def delete_by_id(session: Session, tag_id: int) -> bool:
    """Delete a tag (its assignments cascade in the database); False when there was none."""
    result = session.execute(
        delete(Tag).where(Tag.id == tag_id),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount > 0
