"""SQL of the multi-criteria artist search: one statement for a page, one for the total.

Tag criteria are set-based: a ``matched`` CTE (assignment counts per artist and requested
tag: the `artist_tag_counts` tally, or the dated assignments inside a year window) and a
``candidates`` CTE grouped per artist, where ``HAVING COUNT(DISTINCT tag) = n`` implements
match=all. Names, plays and listeners come from the `artist_search` rows (see
`_filtered_stats`); an artist nobody listens to has 0 and 0 there and is still found. The
page's matched tags come back in the same statement, so there is never a query per hit:
as columns of each hit's row where the candidates are an intersection (`_per_tag_keys`),
else as one row per hit and matched tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    CTE,
    BigInteger,
    Boolean,
    ColumnElement,
    FunctionElement,
    Subquery,
    Text,
    and_,
    case,
    cast,
    collate,
    column,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler

from server.db import name_trigrams
from server.db.models import (
    Artist,
    ArtistSearch,
    ArtistStats,
    ArtistTagCount,
    Tag,
    UserTaggedArtist,
    spaceless,
)
from server.repositories import idlists
from server.schemas.search import SearchSort

LIKE_ESCAPE = "\\"
SQLITE_LOWER = "soundstream_lower"
_SQLITE_LOWER_INSTALLED = "soundstream_lower_installed"


class unicode_lower(FunctionElement[str]):  # noqa: N801 - named like the SQL function it is
    """``lower()`` that folds every letter, not only ASCII.

    PostgreSQL's ``lower`` follows the database's ctype (UTF-8 here); SQLite's built-in only
    folds A–Z, so ``BJÖRK`` would never find ``Björk``. On SQLite this compiles to a Python
    ``str.lower`` registered on the connection (`install_sqlite_functions`).
    """

    type = Text()
    inherit_cache = True
    name = "unicode_lower"


@compiles(unicode_lower)
def _compile_lower(element: unicode_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _compile_lower_sqlite(element: unicode_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


class contains_folded(FunctionElement[bool]):  # noqa: N801 - reads like the SQL it compiles to
    """``column`` matches a lower-case LIKE ``pattern`` (escaped with `LIKE_ESCAPE`), ignoring
    case in every script.

    PostgreSQL: ``column ILIKE pattern``, which the trigram index on ``artist_search.name``
    (``pg_trgm``, migrations 0003 and 0007) serves: a substring search was a scan of every
    name (~150 ms at 100x the data). SQLite: ``soundstream_lower(column) LIKE pattern``,
    which no index serves; `_name_trigrams_condition` adds the FTS5 prefilter that spares
    the scan.
    """

    type = Boolean()
    inherit_cache = True
    name = "contains_folded"


@compiles(contains_folded)
def _compile_contains(element: contains_folded, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = element.clauses
    return compiler.process(column.ilike(pattern, escape=LIKE_ESCAPE), **kw)


@compiles(contains_folded, "sqlite")
def _compile_contains_sqlite(element: contains_folded, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = element.clauses
    return compiler.process(unicode_lower(column).like(pattern, escape=LIKE_ESCAPE), **kw)


class spaceless_contains(FunctionElement[bool]):  # noqa: N801 - reads like the SQL it compiles to
    """A prefilter implied by `contains_folded` for a pattern with a space inside: the
    name with its spaces removed contains the pattern with its spaces removed.

    Why: ``pg_trgm`` takes a space for a word boundary, so a piece such as ``'a ro'`` yields
    only the trigrams of the one- and two-letter words around the space — in most names —
    and the name index returns a third of the catalogue to be checked row by row (114,159
    candidates for 6,532 matches at 100x the data: 60 ms to count them). Without the space,
    ``'aro'`` is a trigram of its own: the index on ``replace(lower(name), ' ', '')``
    (migration 0004) returns 11,900 candidates, and the count takes 15-20 ms. The exact
    condition still decides; this only narrows what it reads. PostgreSQL's ``ILIKE`` is
    ``lower(name) LIKE lower(pattern)`` in a UTF-8 database, so removing the spaces from
    both sides keeps every match. Elsewhere (SQLite, which scans) it compiles to true.
    """

    type = Boolean()
    inherit_cache = True
    name = "spaceless_contains"


@compiles(spaceless_contains)
def _compile_spaceless(element: spaceless_contains, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = element.clauses
    condition = spaceless(column).like(spaceless(pattern), escape=LIKE_ESCAPE)
    return compiler.process(condition, **kw)


@compiles(spaceless_contains, "sqlite")
def _compile_spaceless_sqlite(element: spaceless_contains, compiler: SQLCompiler, **kw: Any) -> str:
    return "1"


def _name_trigrams_condition(piece: str) -> ColumnElement[bool] | None:
    """SQLite: the artist is among the rows its name index (`server.db.name_trigrams`)
    returns for the piece — a prefilter implied by `contains_folded` where
    `name_trigrams.match_query` accepts the piece, so the search reads the names holding it
    instead of every name; the exact condition still decides. None where the index cannot
    serve (the piece, or a SQLite without the trigram tokenizer)."""
    query = name_trigrams.match_query(piece)
    if query is None or not name_trigrams.supported():
        return None
    index = table(name_trigrams.TABLE, column("rowid"))
    matching = select(index.c.rowid).where(literal_column(name_trigrams.TABLE).match(query))
    return ArtistSearch.artist_id.in_(matching)


def narrows_spaceless(text: str) -> bool:
    """Whether `spaceless_contains` helps for ``text``: a space inside it, and without its
    spaces a run of three letters or digits (a trigram the index holds)."""
    return " " in text.strip() and re.search(r"[^\W_]{3}", text.replace(" ", "")) is not None


def _python_lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def install_sqlite_functions(session: Session) -> None:
    """Register `unicode_lower`'s SQLite function on the session's connection, once per
    pooled connection (remembered in its ``info``); a no-op on other databases."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    pooled = connection.connection
    if pooled.info.get(_SQLITE_LOWER_INSTALLED):
        return
    driver = pooled.driver_connection
    assert driver is not None
    driver.create_function(SQLITE_LOWER, 1, _python_lower, deterministic=True)
    pooled.info[_SQLITE_LOWER_INSTALLED] = True


def like_contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its ``%``, ``_`` and ``\\`` taken literally."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class ArtistFilter:
    """Resolved search criteria: tag names already turned into ids by the service.

    ``tag_groups`` holds one tuple of tag ids per requested name (names compare
    case-insensitively, so a name may in principle match several tags). An empty tuple means
    "no tag criterion"; a service that found none of the requested names never calls here.
    """

    tag_groups: tuple[tuple[int, ...], ...] = ()
    match_all: bool = True
    exclude_tag_ids: tuple[int, ...] = ()
    name_contains: str | None = None
    min_listeners: int | None = None
    max_listeners: int | None = None
    min_plays: int | None = None
    max_plays: int | None = None
    tagged_from: int | None = None
    tagged_to: int | None = None

    @property
    def has_stat_bounds(self) -> bool:
        bounds = (self.min_listeners, self.max_listeners, self.min_plays, self.max_plays)
        return any(bound is not None for bound in bounds)


@dataclass(slots=True)
class ArtistSearchRow:
    id: int
    name: str
    url: str | None
    picture_url: str | None
    plays: int
    listeners: int
    matched: list[tuple[int, str, int]] = field(default_factory=list)
    """``(tag id, tag name, assignments)`` of the requested tags, most assigned first."""

    @classmethod
    def of(cls, row: Sequence[Any]) -> ArtistSearchRow:
        """From a row starting (id, name, url, picture URL, plays, listeners)."""
        return cls(
            id=row[0],
            name=row[1],
            url=row[2],
            picture_url=row[3],
            plays=int(row[4]),
            listeners=int(row[5]),
        )


def _year_window(f: ArtistFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.tagged_from is not None:
        conditions.append(UserTaggedArtist.year >= f.tagged_from)
    if f.tagged_to is not None:
        conditions.append(UserTaggedArtist.year <= f.tagged_to)
    return conditions


def _tag_ids(f: ArtistFilter) -> list[int]:
    return sorted({tag_id for group in f.tag_groups for tag_id in group})


def _matched_cte(f: ArtistFilter) -> CTE:
    """Assignments per (artist, requested tag), inside the year window when there is one.

    Without a window they are read from the `artist_tag_counts` tally (one index range per
    requested tag, one row per artist carrying it); a window needs the dated assignments.
    """
    ids = _tag_ids(f)
    if not _year_window(f):
        tally = ArtistTagCount
        return (
            select(
                tally.artist_id.label("artist_id"),
                tally.tag_id.label("tag_id"),
                tally.assignments.label("n"),
            )
            .where(tally.tag_id.in_(ids))
            .cte("matched")
        )
    return (
        select(
            UserTaggedArtist.artist_id.label("artist_id"),
            UserTaggedArtist.tag_id.label("tag_id"),
            func.count().label("n"),
        )
        .where(UserTaggedArtist.tag_id.in_(ids), *_year_window(f))
        .group_by(UserTaggedArtist.artist_id, UserTaggedArtist.tag_id)
        .cte("matched")
    )


def _candidates_cte(f: ArtistFilter, matched: CTE) -> CTE:
    """Per artist: how many requested names it matches and their assignment total."""
    if all(len(group) == 1 for group in f.tag_groups):
        # ``matched`` has one row per (artist, tag): counting rows counts distinct tags.
        matched_names: ColumnElement[int] = func.count()
    else:
        group_of = case(
            {tag_id: index for index, group in enumerate(f.tag_groups) for tag_id in group},
            value=matched.c.tag_id,
        )
        matched_names = func.count(distinct(group_of))
    stmt = select(
        matched.c.artist_id,
        matched_names.label("matched_tags"),
        cast(func.sum(matched.c.n), BigInteger).label("matched_assignments"),
    ).group_by(matched.c.artist_id)
    if f.match_all:
        stmt = stmt.having(matched_names == len(f.tag_groups))
    return stmt.cte("candidates")


def _intersects(f: ArtistFilter) -> bool:
    """match=all over one tag id per name and no year window: `_intersection_cte` applies."""
    return (
        bool(f.tag_groups)
        and f.match_all
        and not _year_window(f)
        and all(len(group) == 1 for group in f.tag_groups)
    )


def _per_tag_keys(f: ArtistFilter) -> list[str]:
    """The intersection's columns holding each requested tag's assignments, in request
    order (none for other criteria)."""
    return [f"n_{i}" for i in range(len(f.tag_groups))] if _intersects(f) else []


def _intersection_cte(f: ArtistFilter) -> CTE | None:
    """match=all over one tag id per name and no year window: the candidates as a join of
    the tags' tally rows on the artist, led by the first tag's (None for other criteria),
    each tag's assignments in a column of its own (`_per_tag_keys`).

    Why: grouping the tags' rows and keeping the artists seen ``n`` times reads and
    aggregates every artist of every tag; the join keeps only the artists carrying all of
    them before anything is summed (at 100x the real data two head tags have about 12,000
    artists each and 3,000 in common). The per-tag columns carry each hit's matched-tag
    counts to the page, which then needs no probe of the tally per (hit, tag).
    """
    if not _intersects(f):
        return None
    tallies = [aliased(ArtistTagCount, name=f"tag_{i}") for i in range(len(f.tag_groups))]
    lead = tallies[0]
    stmt = select(
        lead.artist_id.label("artist_id"),
        literal(len(tallies)).label("matched_tags"),
        cast(sum((t.assignments for t in tallies[1:]), lead.assignments), BigInteger).label(
            "matched_assignments"
        ),
        *(t.assignments.label(key) for t, key in zip(tallies, _per_tag_keys(f), strict=True)),
    ).where(lead.tag_id == f.tag_groups[0][0])
    for tally, group in zip(tallies[1:], f.tag_groups[1:], strict=True):
        stmt = stmt.join(tally, and_(tally.artist_id == lead.artist_id, tally.tag_id == group[0]))
    return stmt.cte("candidates")


def _candidates_for(f: ArtistFilter, matched: CTE | None) -> CTE | None:
    """The tag candidates: the intersection join when it applies, else ``matched`` grouped."""
    if matched is None:
        return None
    intersection = _intersection_cte(f)
    return intersection if intersection is not None else _candidates_cte(f, matched)


def _artist_conditions(f: ArtistFilter, dialect: str) -> list[ColumnElement[bool]]:
    """Conditions on `ArtistSearch` rows (the artist's name and figures)."""
    conditions: list[ColumnElement[bool]] = []
    artist = ArtistSearch
    if f.name_contains is not None:
        piece = f.name_contains.lower()
        pattern = like_contains(piece)
        conditions.append(contains_folded(artist.name, pattern))
        if dialect == "sqlite" and (indexed := _name_trigrams_condition(piece)) is not None:
            conditions.append(indexed)
        if narrows_spaceless(f.name_contains):
            conditions.append(spaceless_contains(artist.name, pattern))
    if f.exclude_tag_ids and not _year_window(f):
        conditions.append(
            ~exists().where(
                ArtistTagCount.artist_id == artist.artist_id,
                ArtistTagCount.tag_id.in_(f.exclude_tag_ids),
            )
        )
    elif f.exclude_tag_ids:
        conditions.append(
            ~exists().where(
                UserTaggedArtist.artist_id == artist.artist_id,
                UserTaggedArtist.tag_id.in_(f.exclude_tag_ids),
                *_year_window(f),
            )
        )
    return conditions


def _stat_bounds(
    f: ArtistFilter, plays: ColumnElement[int], listeners: ColumnElement[int]
) -> list[ColumnElement[bool]]:
    bounds: list[ColumnElement[bool]] = []
    if f.min_plays is not None:
        bounds.append(plays >= f.min_plays)
    if f.max_plays is not None:
        bounds.append(plays <= f.max_plays)
    if f.min_listeners is not None:
        bounds.append(listeners >= f.min_listeners)
    if f.max_listeners is not None:
        bounds.append(listeners <= f.max_listeners)
    return bounds


def _name_key(session: Session) -> ColumnElement[str]:
    key: ColumnElement[str] = unicode_lower(ArtistSearch.name)
    if session.get_bind().dialect.name == "postgresql":
        # Code-point order, as SQLite's BINARY collation: the same page on both databases
        # whatever locale the PostgreSQL cluster was created with.
        key = collate(key, "C")
    return key


def _filtered_stats(
    session: Session, f: ArtistFilter, candidates: CTE | None, *, with_name_key: bool
) -> Subquery:
    """One row per matching artist: id, plays, listeners (+ relevance columns, name key).

    Read from `ArtistSearch`, where the name the search matches sits beside the plays and
    listeners it ranks by (0 and 0 for an artist nobody listens to): one row per match, not
    a sum over the artist's listens (which grew with its popularity), nor a probe of the
    `artist_stats` tally per match (half of a name search's time at 100x the data).
    """
    artist = ArtistSearch
    columns: list[Any] = [
        artist.artist_id.label("id"),
        cast(artist.plays, BigInteger).label("plays"),
        artist.listeners.label("listeners"),
    ]
    if candidates is not None:
        columns += [candidates.c.matched_tags, candidates.c.matched_assignments]
        columns += [candidates.c[key] for key in _per_tag_keys(f)]
    if with_name_key:
        columns.append(_name_key(session).label("name_key"))
    stmt = select(*columns).select_from(artist)
    if candidates is not None:
        stmt = stmt.join(candidates, candidates.c.artist_id == artist.artist_id)
    dialect = session.get_bind().dialect.name
    inner = stmt.where(*_artist_conditions(f, dialect)).subquery("artist_figures")
    bounds = _stat_bounds(f, inner.c.plays, inner.c.listeners)
    if not bounds:
        return inner
    return select(inner).where(*bounds).subquery("filtered")


def _order(sort: SearchSort, columns: Any, *, has_tags: bool) -> list[ColumnElement[Any]]:
    if sort is SearchSort.NAME:
        keys = [columns.name_key.asc()]
    elif sort is SearchSort.LISTENERS:
        keys = [columns.listeners.desc(), columns.plays.desc()]
    elif sort is SearchSort.RELEVANCE and has_tags:
        keys = [
            columns.matched_tags.desc(),
            columns.matched_assignments.desc(),
            columns.plays.desc(),
        ]
    else:  # plays, and relevance without tags (every artist matches nothing equally)
        keys = [columns.plays.desc()]
    return [*keys, columns.id.asc()]


def _relevance_decides_the_page(f: ArtistFilter, sort: SearchSort) -> bool:
    """True when the page is the top of the candidates by (matched tags, assignments) with
    plays only breaking ties: no filter on the artist or on its plays/listeners."""
    return (
        sort is SearchSort.RELEVANCE
        and not f.has_stat_bounds
        and f.name_contains is None
        and not f.exclude_tag_ids
    )


def _page_candidates(candidates: CTE, rows: int, per_tag: Sequence[str]) -> CTE:
    """The candidates that can reach the first ``rows`` by relevance: ranked by matched tags
    and assignments alone (``rank()``: ties share a rank, so every artist tied at the page's
    edge stays, and plays still order them exactly).

    Why: plays and listeners are two index probes per candidate, and two popular tags match
    a large share of a big catalogue (at 10× the real data, thousands of artists): summing
    the listens of all of them for a page of 20 made search grow with the data.
    """
    relevance = func.rank().over(
        order_by=[candidates.c.matched_tags.desc(), candidates.c.matched_assignments.desc()]
    )
    ranked = select(candidates, relevance.label("relevance_rank")).subquery("ranked")
    return (
        select(
            ranked.c.artist_id,
            ranked.c.matched_tags,
            ranked.c.matched_assignments,
            *(ranked.c[key] for key in per_tag),
        )
        .where(ranked.c.relevance_rank <= rows)
        .cte("page_candidates")
    )


def ranks_by_tags_alone(f: ArtistFilter, sort: SearchSort) -> bool:
    """The page is the top of the requested tags' intersection by summed assignments (plays
    breaking ties): match=all over one tag id per name, by relevance, and nothing else — what
    `server.services.postings` answers from the tags' cached postings."""
    return _intersects(f) and _relevance_decides_the_page(f, sort)


POSTING_SHIFT = 32
"""`tag_postings` packs an artist id and its count in one integer: ``id << 32 | count``."""


def tag_postings(session: Session, tag_id: int) -> npt.NDArray[np.int64]:
    """Every artist of a tag with its assignments, packed ``artist id << 32 | assignments``
    (`POSTING_SHIFT`), in no particular order, from the tally (one index range).

    Why one comma-separated text for them all: SQLAlchemy builds a row object per row, and
    for the 15,362 artists of a head tag at 100x the real data that took ~30 ms; one
    aggregated value (``string_agg`` / ``group_concat``) parsed by numpy takes ~10. Ids
    are 32-bit and a count cannot exceed the number of users, so both fit one integer.
    """
    tally = ArtistTagCount
    packed = cast(tally.artist_id, BigInteger) * (1 << POSTING_SHIFT) + tally.assignments
    stmt = select(func.aggregate_strings(cast(packed, Text), ",")).where(tally.tag_id == tag_id)
    text = session.execute(stmt).scalar_one()
    if not text:  # no artist carries the tag: the aggregate of no rows is NULL
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _rows_by_id_statement(array: bool) -> Any:
    return (
        select(
            Artist.id,
            Artist.name,
            Artist.url,
            Artist.picture_url,
            ArtistSearch.plays,
            ArtistSearch.listeners,
        )
        .join(ArtistSearch, ArtistSearch.artist_id == Artist.id)
        .where(idlists.matches(Artist.id, "ids", array=array))
    )


_ROWS_BY_ID = idlists.by_dialect(_rows_by_id_statement)


def rows_by_id(session: Session, ids: Sequence[int]) -> dict[int, ArtistSearchRow]:
    """The artists of ``ids`` (those that exist) as search rows, with their plays and
    listeners, in one statement: two primary-key probes per artist (its ids one array
    parameter on PostgreSQL: `server.repositories.idlists`)."""
    if not ids:
        return {}
    found = session.execute(_ROWS_BY_ID[idlists.uses_arrays(session)], {"ids": list(ids)})
    return {int(row[0]): ArtistSearchRow.of(row) for row in found}


def _browses_the_tally(f: ArtistFilter, sort: SearchSort) -> bool:
    """No criterion at all, ordered by plays or listeners: the page is the top of the
    `artist_stats` tally's own index."""
    unfiltered = ArtistFilter(match_all=f.match_all) == f
    return unfiltered and sort in (SearchSort.PLAYS, SearchSort.LISTENERS, SearchSort.RELEVANCE)


def _browse(
    session: Session, sort: SearchSort, *, limit: int, offset: int
) -> list[ArtistSearchRow]:
    """Every artist by plays (or listeners), read from the top of the tally's index.

    Why: the general path joins every artist to its tally row to order them, which at 100x
    the real data (327,020 artists) cost 150-230 ms for the first page. Artists the tally
    does not rank (no listens; or, by plays, only zero weights) follow in id order, as in
    the general path's order, and are read only by a page that reaches past the ranked ones.
    """
    stats = ArtistStats
    wanted = offset + limit
    columns = (Artist.id, Artist.name, Artist.url, Artist.picture_url, stats.plays, stats.listeners)
    if sort is SearchSort.LISTENERS:
        ranked = select(*columns).join(stats, stats.artist_id == Artist.id)
        order = [stats.listeners.desc(), stats.plays.desc(), Artist.id]
    else:
        ranked = select(*columns).join(stats, stats.artist_id == Artist.id).where(stats.plays > 0)
        order = [stats.plays.desc(), Artist.id]
    rows = list(session.execute(ranked.order_by(*order).limit(wanted)))
    if len(rows) < wanted:
        rest = (
            select(
                Artist.id,
                Artist.name,
                Artist.url,
                Artist.picture_url,
                func.coalesce(stats.plays, 0),
                func.coalesce(stats.listeners, 0),
            )
            .outerjoin(stats, stats.artist_id == Artist.id)
            .order_by(Artist.id)
            .limit(wanted - len(rows))
        )
        unranked = (
            stats.artist_id.is_(None)
            if sort is SearchSort.LISTENERS
            else or_(stats.artist_id.is_(None), stats.plays == 0)
        )
        rows += list(session.execute(rest.where(unranked)))
    return [ArtistSearchRow.of(row) for row in rows[offset:wanted]]


def search_artists(
    session: Session, f: ArtistFilter, *, sort: SearchSort, limit: int, offset: int
) -> list[ArtistSearchRow]:
    """One page of matching artists with their stats and matched tags, in one statement."""
    rows, _total = _search(session, f, sort=sort, limit=limit, offset=offset, with_total=False)
    return rows


def search_first_page(
    session: Session, f: ArtistFilter, *, sort: SearchSort, limit: int
) -> tuple[list[ArtistSearchRow], int | None]:
    """The first ``limit`` matching artists and, where the same statement can tell, how
    many match in all (else None: ask `count_artists`).

    Why: a page ordered by plays, listeners or name ranks every match, so the statement
    reads all of them anyway; counting them there (``count(*) OVER ()``, computed before
    the limit) spares `count_artists`, a second pass over the same matches — at 100x
    the real data 30-70 ms for a name piece that matches ten thousand artists. A relevance
    page, cut to the candidates that can reach it, counts the candidates themselves (every
    one matches): at 100x two head tags' intersection is ~6 ms of PostgreSQL time, which
    the second statement paid again. Not when browsing the tally's index (the page reads
    a few index entries, the total is every artist), nor for an empty page.
    """
    return _search(session, f, sort=sort, limit=limit, offset=0, with_total=True)


def _search(
    session: Session,
    f: ArtistFilter,
    *,
    sort: SearchSort,
    limit: int,
    offset: int,
    with_total: bool,
) -> tuple[list[ArtistSearchRow], int | None]:
    if _browses_the_tally(f, sort):
        return _browse(session, sort, limit=limit, offset=offset), None
    install_sqlite_functions(session)
    has_tags = bool(f.tag_groups)
    matched = _matched_cte(f) if has_tags else None
    candidates = _candidates_for(f, matched)
    candidates_total: Any = None
    if candidates is not None and _relevance_decides_the_page(f, sort):
        if with_total:
            # Every candidate matches (no other criterion): their number is the total,
            # counted from the candidates the statement computes anyway (a CTE read twice
            # is computed once), not by a second statement that joins the tags again.
            candidates_total = select(func.count()).select_from(candidates).scalar_subquery()
        candidates = _page_candidates(candidates, limit + offset, _per_tag_keys(f))
    inner = _filtered_stats(session, f, candidates, with_name_key=sort is SearchSort.NAME)
    ranked: Any = select(inner)
    if with_total and candidates_total is None:
        ranked = ranked.add_columns(func.count().over().label("total"))
    page = (
        ranked.order_by(*_order(sort, inner.c, has_tags=has_tags))
        .limit(limit)
        .offset(offset)
        .cte("page")
    )
    columns: list[Any] = [
        page.c.id,
        Artist.name,
        Artist.url,
        Artist.picture_url,
        page.c.plays,
        page.c.listeners,
    ]
    stmt = select(*columns).select_from(page).join(Artist, Artist.id == page.c.id)
    tail: list[ColumnElement[Any]] = []
    tag_id: Any
    n: Any
    per_tag = _per_tag_keys(f)
    if per_tag:
        # The intersection carried each tag's assignments to the page: one row per hit,
        # and each requested tag's name read once (an uncorrelated subquery).
        for (requested,), key in zip(f.tag_groups, per_tag, strict=True):
            name = select(Tag.value).where(Tag.id == requested).scalar_subquery()
            stmt = stmt.add_columns(name, page.c[key])
    elif has_tags:
        # The page's own matched tags: primary-key probes of the tally for a page of
        # artists, or the dated assignments inside a year window.
        if matched is not None and _year_window(f):
            tag_id, n = matched.c.tag_id, matched.c.n
            stmt = stmt.outerjoin(matched, matched.c.artist_id == page.c.id).outerjoin(
                Tag, Tag.id == tag_id
            )
        else:
            # Every (page artist, requested tag) pair, then the tally row of each by its
            # whole primary key: a fixed number of probes, which the planner cannot mistake
            # for a scan of the tags' (possibly huge) artist lists. Pairs the artist does
            # not carry come back with no count and are skipped below.
            tally = aliased(ArtistTagCount, name="matched")
            tag_id, n = tally.tag_id, tally.assignments
            stmt = stmt.join(Tag, Tag.id.in_(_tag_ids(f))).outerjoin(
                tally, and_(tally.artist_id == page.c.id, tally.tag_id == Tag.id)
            )
        stmt = stmt.add_columns(tag_id, Tag.value, n)
        tail = [n.desc(), tag_id.asc()]
    if with_total:
        total_column = page.c.total if candidates_total is None else candidates_total
        stmt = stmt.add_columns(total_column)  # the last column
    stmt = stmt.order_by(*_order(sort, page.c, has_tags=has_tags), *tail)

    rows: list[ArtistSearchRow] = []
    total: int | None = None
    for row in session.execute(stmt):
        if not rows or rows[-1].id != row[0]:
            rows.append(ArtistSearchRow.of(row))
        if per_tag:
            rows[-1].matched = _matched_in_columns(f, row)
        elif has_tags and row[6] is not None:
            rows[-1].matched.append((int(row[6]), str(row[7]), int(row[8])))
        if with_total:
            total = int(row[-1])
    return rows, total


def most_assigned_first(matched: Iterable[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    """``(tag id, name, assignments)`` in the order a hit's matched tags are shown: most
    assigned first, ties by tag id (as the tally path's ``ORDER BY`` puts them)."""
    return sorted(matched, key=lambda m: (-m[2], m[0]))


def _matched_in_columns(f: ArtistFilter, row: Sequence[Any]) -> list[tuple[int, str, int]]:
    """A hit's matched tags from its per-tag ``(name, assignments)`` columns (after the
    six of `ArtistSearchRow.of`)."""
    return most_assigned_first(
        (group[0], str(row[6 + 2 * i]), int(row[7 + 2 * i])) for i, group in enumerate(f.tag_groups)
    )


def count_artists(session: Session, f: ArtistFilter) -> int:
    """How many artists match; skips the listens aggregate unless plays/listeners bound it."""
    install_sqlite_functions(session)
    candidates = _candidates_for(f, _matched_cte(f) if f.tag_groups else None)
    if f.has_stat_bounds:
        inner = _filtered_stats(session, f, candidates, with_name_key=False)
        return int(session.execute(select(func.count()).select_from(inner)).scalar_one())
    conditions = _artist_conditions(f, session.get_bind().dialect.name)
    if candidates is not None and not conditions:
        # Tag assignments only name existing artists (a cascading foreign key): counting the
        # candidates needs no probe of the artists table per candidate.
        stmt = select(func.count()).select_from(candidates)
    else:
        stmt = select(func.count()).select_from(ArtistSearch)
        if candidates is not None:
            stmt = stmt.join(candidates, candidates.c.artist_id == ArtistSearch.artist_id)
        stmt = stmt.where(*conditions)
    return int(session.execute(stmt).scalar_one())
