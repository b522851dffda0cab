"""The course's schema as typed SQLAlchemy 2.0 models.

Table and column names are exactly the seed's (``user_artists.userID`` ...), so SQL written for
the course runs unchanged; Python attributes are snake_case. Relationships are ``lazy="raise"``:
an accidental lazy load (an N+1 in the making) fails loudly in tests instead of silently in
production. Secondary indexes are named for the query that uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    column,
    event,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Link tables are their composite primary key: on SQLite, WITHOUT ROWID stores the rows in the
# key's B-tree instead of a rowid table plus a separate key index (one write per row, not two;
# a user's rows are contiguous). PostgreSQL ignores the option.
SQLITE_CLUSTERED = {"sqlite_with_rowid": False}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


TRIGRAMS = DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # type: ignore[no-untyped-call]
"""What the artist name index needs on PostgreSQL (a contrib extension every managed
PostgreSQL offers; trusted since PostgreSQL 13, so the database's owner may create it)."""


ONLY_ON = "only_on"
"""``Index.info`` key: the one dialect the index is for (``create_all`` reads the matching
``ddl_if``; the SQLite bulk load, which builds indexes itself, reads this)."""


def only_on(dialect: str, index: Index) -> Index:
    """``index``, created on ``dialect`` alone — by ``create_all`` and by the bulk load."""
    index.info[ONLY_ON] = dialect
    return index.ddl_if(dialect=dialect)


def compared_on(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` for schema comparisons on ``dialect`` (autogenerate, the
    migration tests): an index the models declare for another dialect alone is not missing
    here."""

    def include(item: Any, _name: str | None, type_: str, reflected: bool, _to: Any) -> bool:
        if type_ != "index" or reflected:
            return True
        return bool(item.info.get(ONLY_ON, dialect) == dialect)

    return include


def spaceless(text: ColumnElement[str]) -> ColumnElement[str]:
    """``replace(lower(text), ' ', '')``: what ``ix_artist_search_spaceless`` indexes and the
    search compares with it (`server.repositories.search.spaceless_contains`). The space and
    the empty string are literals, not parameters, so a query's expression is the index's."""
    return func.replace(func.lower(text), literal_column("' '"), literal_column("''"))


class Artist(Base):
    __tablename__ = "artists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    url: Mapped[str | None] = mapped_column(Text)
    picture_url: Mapped[str | None] = mapped_column("pictureURL", Text)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column("userID", Integer, primary_key=True)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column("tagID", Integer, primary_key=True)
    value: Mapped[str] = mapped_column("tagValue", Text, nullable=False, unique=True)


def fold_tag_name(name: str) -> str:
    """The key tag names are compared by: Unicode case folding (``TROPICÁLIA`` and
    ``tropicália``, ``Straße`` and ``STRASSE`` are one name), as Last.fm treats tags."""
    return name.casefold()


class TagFold(Base):
    """Each tag's name case-folded (`fold_tag_name`), indexed: a tag is found by name in
    any case with one index probe.

    Why a table of its own, written by the application (the tag services, the ingest):
    neither SQLite's ``lower()`` (ASCII only) nor PostgreSQL's (the database's locale)
    folds as Python does, so no trigger or expression index could give both backends the
    same answer; and the course's ``tags`` table keeps exactly its two columns. Before it,
    every worker held a directory of all tag names, rebuilt after every write (444,248 names
    and 2–3 s at 100x the data; docs/scaling.md).
    """

    __tablename__ = "tag_folds"
    __table_args__ = (Index("ix_tag_folds_folded", "folded", "tagID"), SQLITE_CLUSTERED)

    tag_id: Mapped[int] = mapped_column(
        "tagID", ForeignKey("tags.tagID", ondelete="CASCADE"), primary_key=True
    )
    folded: Mapped[str] = mapped_column(Text, nullable=False)


class UserArtist(Base):
    """A listen weight: how many times a user played an artist (one of their top 50)."""

    __tablename__ = "user_artists"
    __table_args__ = (
        CheckConstraint('"weight" >= 0', name="weight_non_negative"),
        # artist -> listeners (and per-artist plays): GET /artists/{id}/listeners, charts, search.
        Index("ix_user_artists_artist_listeners", "artistID", "weight", "userID"),
        SQLITE_CLUSTERED,
    )

    user_id: Mapped[int] = mapped_column(
        "userID", ForeignKey("users.userID", ondelete="CASCADE"), primary_key=True
    )
    artist_id: Mapped[int] = mapped_column(
        "artistID", ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    weight: Mapped[int] = mapped_column(BigInteger, nullable=False)


class UserTaggedArtist(Base):
    """One tag assignment. ``timestamp`` is Unix milliseconds (see `server.ingest.readers`)."""

    __tablename__ = "user_taggedartists"
    __table_args__ = (
        # tag -> artists: GET /tags/{id}/artists and the tag filters of the artist search.
        Index("ix_user_taggedartists_tag_artists", "tagID", "artistID"),
        # artist -> tags with counts: GET /artists/{id}/tags.
        Index("ix_user_taggedartists_artist_tags", "artistID", "tagID"),
        # time series: tag trends by year/month.
        Index("ix_user_taggedartists_year_month", "year", "month"),
        SQLITE_CLUSTERED,
    )

    user_id: Mapped[int] = mapped_column(
        "userID", ForeignKey("users.userID", ondelete="CASCADE"), primary_key=True
    )
    artist_id: Mapped[int] = mapped_column(
        "artistID", ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        "tagID", ForeignKey("tags.tagID", ondelete="CASCADE"), primary_key=True
    )
    timestamp: Mapped[int] = mapped_column(BigInteger, primary_key=True, nullable=False)
    day: Mapped[int | None] = mapped_column(SmallInteger)
    month: Mapped[int | None] = mapped_column(SmallInteger)
    year: Mapped[int | None] = mapped_column(SmallInteger)


class UserFriend(Base):
    """One direction of a friendship; every friendship is stored in both directions."""

    __tablename__ = "user_friends"
    __table_args__ = (
        CheckConstraint('"userID" <> "friendID"', name="not_self"),
        # friend -> user: who lists this user as a friend (the reverse edge, cascades).
        Index("ix_user_friends_friend_user", "friendID", "userID"),
        SQLITE_CLUSTERED,
    )

    user_id: Mapped[int] = mapped_column(
        "userID", ForeignKey("users.userID", ondelete="CASCADE"), primary_key=True
    )
    friend_id: Mapped[int] = mapped_column(
        "friendID", ForeignKey("users.userID", ondelete="CASCADE"), primary_key=True
    )


class ArtistStats(Base):
    """Plays and listeners of an artist with at least one listen, kept by triggers
    (`server.db.summaries`): an artist's popularity is read, never summed per request."""

    __tablename__ = "artist_stats"
    __table_args__ = (
        # charts and "by plays" orders: the top of the catalogue is an index walk.
        Index("ix_artist_stats_plays", "plays", "artistID"),
        Index("ix_artist_stats_listeners", "listeners", "artistID"),
        SQLITE_CLUSTERED,
    )

    artist_id: Mapped[int] = mapped_column("artistID", Integer, primary_key=True)
    plays: Mapped[int] = mapped_column(BigInteger, nullable=False)
    listeners: Mapped[int] = mapped_column(Integer, nullable=False)


class ArtistSearch(Base):
    """Every artist's name beside its plays and listeners (0 and 0 without listens), kept by
    triggers from ``artists`` and `ArtistStats` (`server.db.summaries`): the table the
    name search (``q``) reads, so its matches are ranked by plays where the name index
    points, not by a probe of the tally per match."""

    __tablename__ = "artist_search"
    __table_args__ = (
        # The substring search: PostgreSQL matches ``name ILIKE '%q%'`` through this trigram
        # index (`server.repositories.search.contains_folded`) instead of reading every name.
        # SQLite has its own index over ``artists`` (`server.db.name_trigrams`).
        only_on(
            "postgresql",
            Index(
                "ix_artist_search_name",
                "name",
                postgresql_using="gin",
                postgresql_ops={"name": "gin_trgm_ops"},
            ),
        ),
        # A piece with a space inside (``'a ro'``) gives the index above only the trigrams
        # of short words, in most names; without its spaces it is selective
        # (`server.repositories.search.spaceless_contains`).
        only_on(
            "postgresql",
            Index(
                "ix_artist_search_spaceless",
                spaceless(column("name")).label("spaceless"),
                postgresql_using="gin",
                postgresql_ops={"spaceless": "gin_trgm_ops"},
            ),
        ),
    )

    artist_id: Mapped[int] = mapped_column("artistID", Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    plays: Mapped[int] = mapped_column(BigInteger, nullable=False)
    listeners: Mapped[int] = mapped_column(Integer, nullable=False)


event.listen(ArtistSearch.__table__, "before_create", TRIGRAMS.execute_if(dialect="postgresql"))


class ArtistTagCount(Base):
    """How many times a tag was assigned to an artist (rows with at least one), and the
    tag's name, kept by triggers (`server.db.summaries`).

    Why the name: an artist's top tags are ordered by count, ties by name. With the name
    only in ``tags``, every tag tied at the page's last count had to be read and named to
    pick the first ones by name (813 rows for 141 kept in a nested GraphQL request at 100x);
    with it in the index below, a page is that many index entries."""

    __tablename__ = "artist_tag_counts"
    __table_args__ = (
        # artist -> its most used tags, in the order they are shown: GraphQL topTags,
        # GET /artists/{id}/tags.
        Index(
            "ix_artist_tag_counts_artist_top",
            "artistID",
            column("assignments").desc(),
            "tagValue",
            "tagID",
        ),
        # tag -> artists, most tagged first: the tag filters of the search, a tag's artists.
        Index("ix_artist_tag_counts_tag_rank", "tagID", "assignments", "artistID"),
        SQLITE_CLUSTERED,
    )

    artist_id: Mapped[int] = mapped_column("artistID", Integer, primary_key=True)
    tag_id: Mapped[int] = mapped_column("tagID", Integer, primary_key=True)
    assignments: Mapped[int] = mapped_column(Integer, nullable=False)
    tag_value: Mapped[str] = mapped_column("tagValue", Text, nullable=False)


@event.listens_for(Base.metadata, "after_create")
def _install_summary_triggers(_target: MetaData, connection: Connection, **_kw: Any) -> None:
    """``create_all`` (a brand-new database) gets the triggers the migrations install, and
    on SQLite the name search's index (`server.db.name_trigrams`, migration 0005)."""
    from server.db import name_trigrams, summaries

    summaries.create_triggers(connection)
    if connection.dialect.name == "sqlite":
        for statement in name_trigrams.create_statements():
            connection.exec_driver_sql(statement)


class Meta(Base):
    """Small key/value facts about the database: the data version, the ingested source."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class IngestReject(Base):
    """A quarantined input row: nothing read is ever dropped without a trace."""

    __tablename__ = "ingest_rejects"
    __table_args__ = (Index("ix_ingest_rejects_file_reason", "file", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file: Mapped[str] = mapped_column(String(128), nullable=False)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    raw: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=lambda: datetime.now(UTC)
    )


DATA_TABLES: tuple[str, ...] = (
    "artists",
    "users",
    "tags",
    "user_artists",
    "user_taggedartists",
    "user_friends",
)
