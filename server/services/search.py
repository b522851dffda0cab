"""The artist search use case, shared by REST and GraphQL.

Tag names are compared ignoring case, by their folded form (`server.db.models.fold_tag_name`:
Python folds ``TROPICÁLIA`` where SQLite's ``lower`` would not), looked up in ``tag_folds``.
Results are cached per (criteria, sort, data version): the first `SEARCH_WINDOW` rows as one
window that every page inside it is cut from, pages further on one by one; totals per
(criteria, data version), so paging through a result counts it once. A first page counts
nothing apart when it is shorter than asked (most searches: fewer than `SEARCH_WINDOW`
matches) or when its own statement ranks, and so counts, every match.

What is cached is a `SearchWindow`: each hit a tuple of plain values, not a model. Why: the
garbage collector stops tracking a tuple of numbers and strings, but tracks every model with
its dict, its fields-set and its list of tags. A full cache of windows (4,096 of up to 100
hits) was ~700,000 tracked objects, and every full collection walked them all: at 100x the
data, replaying the benchmark's name searches in one process, 13 collections of up to 425 ms
each, the p99 of search by name under load 250-330 ms against a p95 of 27. The page a
request gets is cut from the window and made into models then (20 hits, tens of µs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from server.db.meta import get_data_version
from server.db.models import fold_tag_name
from server.errors import InvalidInputError
from server.repositories import search as repo
from server.repositories import tags as tags_repo
from server.schemas.fields import INT32_MAX, is_text
from server.schemas.search import (
    ArtistSearchCriteria,
    ArtistSearchHit,
    ArtistSearchPage,
    MatchedTag,
    SearchSort,
    TagMatch,
)
from server.services import postings
from server.services.cache import ResultCache

MAX_TAG_NAMES = 20
"""More names than this in one criterion is a mistake or an attack, not a search."""

SEARCH_WINDOW = 100
"""Pages ending within the first this many results are cut from one cached window.

Why: a page's cost is finding and ranking the candidates (two head tags share thousands of
artists at 100x the real data); reading 100 ranked rows instead of 20 adds a few index probes,
and a user paging on (the dashboard, an analyst's script) then reads pages 2-5 from memory
instead of ranking the same candidates again for each."""


def _listener_bound(bound: int | None) -> int | None:
    """A listener-count bound the database can compare: PostgreSQL binds it as ``INTEGER``
    (a count of rows), which refuses 2**31 and above. No artist has more listeners than there
    are users (32-bit ids), so the clamp changes no result."""
    return None if bound is None else min(bound, INT32_MAX)


def normalise_names(names: Iterable[str], field: str = "tags") -> tuple[str, ...]:
    """Strip, drop empties and duplicates ignoring case (the first spelling wins).

    Raises `InvalidInputError` for a name that is not Unicode text (a lone surrogate, which
    JSON can spell and GraphQL variables carry): the names are looked up in the database,
    whose driver cannot encode it."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in names:
        if not is_text(raw):
            raise InvalidInputError(
                f"{field} holds a name that is not valid Unicode text",
                errors=[{"field": field, "msg": "a lone surrogate is not text"}],
            )
        name = raw.strip()
        if name and fold_tag_name(name) not in seen:
            seen.add(fold_tag_name(name))
            kept.append(name)
    return tuple(kept)


TagsByName = dict[str, list[tuple[int, str]]]
"""The ``(id, name)`` tags of each folded name (`server.repositories.tags.by_folded_names`)."""


def find_tags(
    session: Session, cache: ResultCache, version: int, names: Iterable[str]
) -> TagsByName:
    """Every tag named as one of ``names`` ignoring case: one indexed statement, whatever
    the number of tags in the database, and cached per data version (the further pages of
    a search, the other sorts of the same tags, need not ask again)."""
    folded = sorted({fold_tag_name(name) for name in names})
    if not folded:
        return {}
    return cache.get_or_compute(
        "tags-by-name",
        {"names": folded},
        version,
        lambda: tags_repo.by_folded_names(session, folded),
        TagsByName,
    )


def resolve_tag_names(
    found: TagsByName, names: Iterable[str]
) -> tuple[list[list[tuple[int, str]]], list[str]]:
    """``(the (id, name) tags of each known name, the unknown names)``, in request order."""
    groups: list[list[tuple[int, str]]] = []
    unknown: list[str] = []
    for name in names:
        group = found.get(fold_tag_name(name))
        if group:
            groups.append(group)
        else:
            unknown.append(name)
    return groups, unknown


def tag_ids(groups: Iterable[list[tuple[int, str]]]) -> list[tuple[int, ...]]:
    return [tuple(tag_id for tag_id, _ in group) for group in groups]


def _check_range(low: int | None, high: int | None, low_name: str, high_name: str) -> None:
    if low is not None and high is not None and low > high:
        raise InvalidInputError(
            f"{low_name} ({low}) is greater than {high_name} ({high})",
            errors=[{"field": low_name, "msg": f"must not exceed {high_name}"}],
        )


def normalise_criteria(criteria: ArtistSearchCriteria) -> ArtistSearchCriteria:
    """Validate the rules types cannot express and canonicalise names (the cache key)."""
    _check_range(criteria.min_listeners, criteria.max_listeners, "min_listeners", "max_listeners")
    _check_range(criteria.min_plays, criteria.max_plays, "min_plays", "max_plays")
    _check_range(criteria.tagged_from, criteria.tagged_to, "tagged_from", "tagged_to")
    tags = normalise_names(criteria.tags, "tags")
    exclude = normalise_names(criteria.exclude_tags, "exclude_tags")
    for field, names in (("tags", tags), ("exclude_tags", exclude)):
        if len(names) > MAX_TAG_NAMES:
            raise InvalidInputError(
                f"{field} names {len(names)} tags; at most {MAX_TAG_NAMES} are allowed",
                errors=[{"field": field, "msg": f"at most {MAX_TAG_NAMES} names"}],
            )
    q = criteria.q if criteria.q else None
    return criteria.model_copy(update={"tags": tags, "exclude_tags": exclude, "q": q})


def search_artists(
    session: Session,
    cache: ResultCache,
    criteria: ArtistSearchCriteria,
    *,
    sort: SearchSort | None = None,
    limit: int = 20,
    offset: int = 0,
    data_version: int | None = None,
) -> ArtistSearchPage:
    """One page of artists matching ``criteria``.

    ``sort`` defaults to relevance when tags are given, else plays. Unknown names in
    ``criteria.tags`` make a match=all search empty and are ignored by match=any; either way
    they are reported. Raises `InvalidInputError` for min > max bounds or too many names.
    ``data_version`` lets a caller that already read it (the ETag) spare the query.
    """
    criteria = normalise_criteria(criteria)
    applied_sort = sort or (SearchSort.RELEVANCE if criteria.tags else SearchSort.PLAYS)
    version = get_data_version(session) if data_version is None else data_version

    def cached(limit: int, offset: int) -> SearchWindow:
        args = {
            "criteria": criteria.model_dump(mode="json"),
            "sort": applied_sort.value,
            "limit": limit,
            "offset": offset,
        }
        return cache.get_or_compute(
            "artist-search",
            args,
            version,
            lambda: _search(session, cache, version, criteria, applied_sort, limit, offset),
            SearchWindow,
        )

    window = cached(limit, offset) if offset + limit > SEARCH_WINDOW else cached(SEARCH_WINDOW, 0)
    return window.page(limit=limit, offset=offset)


MatchedRow = tuple[int, str, int]
"""``(tag id, tag name, assignments)``."""
HitRow = tuple[int, str, str | None, str | None, int, int, tuple[MatchedRow, ...]]
"""``(id, name, url, picture URL, plays, listeners, matched tags)``."""


class SearchWindow(BaseModel):
    """Ranked hits from ``offset`` on, as the cache holds them (see the module docstring);
    JSON for the shared Redis tier like any cached result."""

    model_config = ConfigDict(frozen=True)

    rows: tuple[HitRow, ...]
    total: int
    offset: int
    sort: SearchSort
    unknown_tags: tuple[str, ...] = ()
    unknown_exclude_tags: tuple[str, ...] = ()

    def page(self, *, limit: int, offset: int) -> ArtistSearchPage:
        """The page ``offset``..``offset + limit`` of the result, from this window's rows."""
        start = offset - self.offset
        return ArtistSearchPage(
            items=[_hit(row) for row in self.rows[start : start + limit]],
            total=self.total,
            limit=limit,
            offset=offset,
            sort=self.sort,
            unknown_tags=list(self.unknown_tags),
            unknown_exclude_tags=list(self.unknown_exclude_tags),
        )


def _search(
    session: Session,
    cache: ResultCache,
    version: int,
    criteria: ArtistSearchCriteria,
    sort: SearchSort,
    limit: int,
    offset: int,
) -> SearchWindow:
    groups: list[tuple[int, ...]] = []
    found: list[list[tuple[int, str]]] = []
    unknown: list[str] = []
    exclude_ids: list[int] = []
    unknown_exclude: list[str] = []
    if criteria.tags or criteria.exclude_tags:
        named = find_tags(session, cache, version, (*criteria.tags, *criteria.exclude_tags))
        found, unknown = resolve_tag_names(named, criteria.tags)
        groups = tag_ids(found)
        excluded, unknown_exclude = resolve_tag_names(named, criteria.exclude_tags)
        exclude_ids = sorted({tag_id for group in tag_ids(excluded) for tag_id in group})

    def page(rows: Iterable[repo.ArtistSearchRow], total: int) -> SearchWindow:
        # Built without validation: the rows are the database's, typed by the repository.
        return SearchWindow.model_construct(
            rows=tuple(_row(row) for row in rows),
            total=total,
            offset=offset,
            sort=sort,
            unknown_tags=tuple(unknown),
            unknown_exclude_tags=tuple(unknown_exclude),
        )

    # No known tag can satisfy the tag criterion: nothing matches, no query needed.
    if criteria.tags and (not groups or (criteria.match is TagMatch.ALL and unknown)):
        return page((), 0)

    f = repo.ArtistFilter(
        tag_groups=tuple(groups),
        match_all=criteria.match is TagMatch.ALL,
        exclude_tag_ids=tuple(exclude_ids),
        name_contains=criteria.q,
        min_listeners=_listener_bound(criteria.min_listeners),
        max_listeners=_listener_bound(criteria.max_listeners),
        min_plays=criteria.min_plays,
        max_plays=criteria.max_plays,
        tagged_from=criteria.tagged_from,
        tagged_to=criteria.tagged_to,
    )

    if repo.ranks_by_tags_alone(f, sort):
        names = {tag_id: name for group in found for tag_id, name in group}
        return page(*top_by_tags(session, cache, version, f, names, limit, offset))

    def total(count: Callable[[], int] = lambda: repo.count_artists(session, f)) -> int:
        args = {"criteria": criteria.model_dump(mode="json")}
        return cache.get_or_compute("artist-search-total", args, version, count, int)

    if offset == 0:
        # The first page (read as a window of `SEARCH_WINDOW` rows) says how many match
        # when it is shorter than asked, and its statement counts the matches where it
        # ranks all of them anyway; only otherwise does a COUNT (a second pass over every
        # match) run.
        rows, counted = repo.search_first_page(session, f, sort=sort, limit=limit)
        matches = len(rows) if len(rows) < limit else counted
        if matches is None:
            return page(rows, total())
        return page(rows, total(lambda: matches))
    # Further pages: the total first (usually cached by the first page), so a page past the
    # end reads nothing more — and an offset past what the database can bind never reaches it.
    known = total()
    if offset >= known:
        return page((), known)
    rows = repo.search_artists(session, f, sort=sort, limit=limit, offset=offset)
    return page(rows, known)


def top_by_tags(
    session: Session,
    cache: ResultCache,
    version: int,
    f: repo.ArtistFilter,
    names: dict[int, str],
    limit: int,
    offset: int,
) -> tuple[list[repo.ArtistSearchRow], int]:
    """``(the page, how many match)`` of a search `repo.ranks_by_tags_alone` decides: the
    top of the tags' intersection from their postings (`server.services.postings`), ordered
    as the SQL path orders relevance (summed assignments, plays, id descending, ascending)."""
    tag_ids = [group[0] for group in f.tag_groups]
    lists = [postings.tag_postings(session, cache, version, tag_id) for tag_id in tag_ids]
    top = postings.top_of_intersection(lists, offset + limit)
    if offset >= top.total:
        return [], top.total
    found = repo.rows_by_id(session, top.artist_ids.tolist())
    ranked: list[tuple[int, repo.ArtistSearchRow]] = []
    for artist_id, counts in zip(top.artist_ids.tolist(), top.counts.tolist(), strict=True):
        row = found.get(artist_id)
        if row is None:  # deleted since this version's postings were read
            continue
        matched = ((t, names[t], n) for t, n in zip(tag_ids, counts, strict=True))
        row.matched = repo.most_assigned_first(matched)
        ranked.append((sum(counts), row))
    ranked.sort(key=lambda hit: (-hit[0], -hit[1].plays, hit[1].id))
    return [row for _, row in ranked[offset : offset + limit]], top.total


def _row(row: repo.ArtistSearchRow) -> HitRow:
    matched = tuple((int(i), str(n), int(c)) for i, n, c in row.matched)
    return (row.id, row.name, row.url, row.picture_url, row.plays, row.listeners, matched)


def _hit(row: HitRow) -> ArtistSearchHit:
    artist_id, name, url, picture_url, plays, listeners, matched = row
    return ArtistSearchHit(
        id=artist_id,
        name=name,
        url=url,
        picture_url=picture_url,
        plays=plays,
        listeners=listeners,
        matched_tags=[MatchedTag(id=i, name=n, count=c) for i, n, c in matched],
    )
