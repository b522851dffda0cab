"""Tag use cases.

Names are unique **ignoring case** (Unicode case folding): creating ``Rock`` when ``rock``
exists is a 409, as is renaming a tag onto another tag's name in any case. The schema only
enforces exact uniqueness, but Last.fm treats tags case-insensitively and the dataset has no
two names that differ only in case, so the stricter rule keeps it that way instead of letting
``Rock``/``rock`` split one tag's assignments in two. A tag may be renamed to a different
case of its own name.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.db.models import Tag
from server.errors import ConflictError, NotFoundError
from server.repositories import tags as repo
from server.schemas.fields import INT32_MAX, is_text
from server.schemas.pagination import Page, PageParams
from server.schemas.tags import TagCreate, TagPublic
from server.services.integrity import database_rules_as_domain_errors, no_id_left
from server.services.totals import table_total
from server.services.writes import commit_write


def tag_not_found(tag_id: int) -> NotFoundError:
    return NotFoundError(f"tag {tag_id} does not exist", resource="tag", id=tag_id)


def _public(tag: Tag) -> TagPublic:
    return TagPublic(id=tag.id, name=tag.value)


def _load(session: Session, tag_id: int) -> Tag:
    tag = repo.get(session, tag_id)
    if tag is None:
        raise tag_not_found(tag_id)
    return tag


def require_tag(session: Session, tag_id: int) -> None:
    """Raise `NotFoundError` naming the tag unless it exists."""
    if not repo.exists(session, tag_id):
        raise tag_not_found(tag_id)


def _ensure_name_free(session: Session, name: str, *, renaming: int | None = None) -> None:
    """Raise `ConflictError` if another tag has ``name`` in any case."""
    for tag_id, value in repo.find_by_folded_name(session, name):
        if tag_id != renaming:
            raise ConflictError(
                f"tag {tag_id} is already named {value!r}; names are unique ignoring case",
                resource="tag",
                id=tag_id,
            )


def list_tags(session: Session, params: PageParams) -> Page[TagPublic]:
    """Tags by id."""
    total = table_total(session, "tags", repo.count)
    # Past the end no page query runs (an offset beyond BIGINT would make the driver fail).
    rows = (
        repo.page(session, limit=params.limit, offset=params.offset)
        if params.offset < total
        else []
    )
    return Page[TagPublic](
        items=[_public(row) for row in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def get_tag(session: Session, tag_id: int) -> TagPublic:
    return _public(_load(session, tag_id))


def _insert(session: Session, tag_id: int | None, name: str) -> Tag:
    """Insert without committing (the caller may write more in the same transaction)."""
    with database_rules_as_domain_errors(
        session, f"a tag named {name!r} was created concurrently", out_of_range=no_id_left("tag")
    ):
        tag = repo.add(session, tag_id=tag_id, name=name)
    if tag.id > INT32_MAX:  # SQLite hands out the largest rowid + 1, unbounded
        raise no_id_left("tag")
    return tag


def create_tag(session: Session, data: TagCreate) -> TagPublic:
    """Create a tag with ``data.id`` (409 if taken) or with the largest id + 1; 409 if the
    name is taken in any case."""
    if data.id is not None and repo.exists(session, data.id):
        raise ConflictError(f"tag {data.id} already exists", resource="tag", id=data.id)
    _ensure_name_free(session, data.name)
    tag = _insert(session, data.id, data.name)
    with database_rules_as_domain_errors(session, "the tag was created concurrently"):
        commit_write(session)
    return _public(tag)


def find_tag_by_name(session: Session, name: str) -> TagPublic | None:
    """The tag called ``name`` (exactly, else ignoring case), or None; never creates one."""
    if not is_text(name):  # no tag can be called that, and no driver could send it
        return None
    exact = repo.find_by_name(session, name)
    if exact is not None:
        return _public(exact)
    for tag_id, value in repo.find_by_folded_name(session, name):
        return TagPublic(id=tag_id, name=value)
    return None


def resolve_tag_name(session: Session, name: str) -> TagPublic:
    """The tag called ``name`` ignoring case, created (uncommitted) if there is none: tagging
    an artist with a new word creates the tag, as on Last.fm."""
    found = find_tag_by_name(session, name)
    return found if found is not None else _public(_insert(session, None, name))


def rename_tag(session: Session, tag_id: int, name: str | None) -> TagPublic:
    """Rename a tag (``None``: keep the name); 409 if another tag has the name in any case."""
    tag = _load(session, tag_id)
    if name is None or name == tag.value:
        return _public(tag)
    _ensure_name_free(session, name, renaming=tag_id)
    with database_rules_as_domain_errors(session, f"a tag named {name!r} was created concurrently"):
        repo.rename(session, tag, name)
    with database_rules_as_domain_errors(session, f"a tag named {name!r} was created concurrently"):
        commit_write(session)
    return _public(tag)


def delete_tag(session: Session, tag_id: int) -> None:
    """Delete a tag with all its assignments."""
    if not repo.delete_by_id(session, tag_id):
        raise tag_not_found(tag_id)
    commit_write(session)
