"""Per-artist and per-(artist, tag) tallies kept by the database itself.

Why: the questions users ask most — an artist's plays and listeners, an artist's top tags,
the artists carrying two tags — were aggregates over the raw link tables at request time, so
their cost grew with the popularity of what was asked. At 100x the real data a head artist
has thousands of tag assignments and a head tag hundreds of thousands (docs/scaling.md:
search p95 324 ms, the nested GraphQL walk 582 ms on PostgreSQL). Small derived tables hold
those tallies instead, each with the indexes its readers need:

- ``artist_stats`` — ``plays`` (sum of weights) and ``listeners`` per artist with at least
  one listen;
- ``artist_tag_counts`` — ``assignments`` per (artist, tag) with at least one, and the tag's
  name (``tagValue``, kept on renames): an artist's top tags, ties by name, are a range of
  its index;
- ``artist_search`` — every artist's name beside its plays and listeners (0 and 0 for an
  artist nobody listens to), under the name search's trigram indexes: a search by a piece of
  a name ranks its matches by plays in the one table the index points into, where it probed
  ``artist_stats`` once per match (12,146 probes, half of a 44 ms statement at 100x). It
  follows ``artists`` (names) and ``artist_stats`` (numbers), so a listen write updates one
  more row; on PostgreSQL that is a HOT update (no indexed column changes).

Triggers keep them exact on every write, whatever path it takes: the REST and GraphQL
services, a foreign-key cascade (deleting a user, an artist or a tag), or plain SQL someone
runs by hand. A tally row exists only while its count is positive, so a tally table equals
``GROUP BY`` over its source at every commit, and ``artist_search`` has one row per artist
(tests/server/test_summaries.py checks both after each kind of write on both backends). The
bulk load drops the triggers, loads, rebuilds the tables with one ``INSERT ... SELECT`` each
and puts the triggers back, inside its one transaction: row triggers over 28 M loaded rows
would multiply its cost.

The year filter of the artist search (``tagged_from``/``tagged_to``) still reads the raw
assignments: the tallies carry no time.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

ARTIST_STATS = "artist_stats"
ARTIST_TAG_COUNTS = "artist_tag_counts"
ARTIST_SEARCH = "artist_search"

# The summaries as each migration that changed them left them. A migration is a frozen
# snapshot: it installs its revision's triggers and tables, never the current ones.
UNNAMED_TALLY = 2
"""Revision 0002: ``artist_stats`` and ``artist_tag_counts`` without the tag's name."""
NAMED_TALLY = 6
"""Revision 0006: ``artist_tag_counts`` carries the tag's name, kept on renames."""
SEARCH_ROWS = 7
"""Revision 0007: ``artist_search``, every artist's name beside its plays and listeners."""
CURRENT = SEARCH_ROWS


def summary_tables(revision: int = CURRENT) -> tuple[str, ...]:
    """The derived tables of ``revision``, each after the tables it is computed from."""
    tables = (ARTIST_STATS, ARTIST_TAG_COUNTS)
    return (*tables, ARTIST_SEARCH) if revision >= SEARCH_ROWS else tables


SUMMARY_TABLES: tuple[str, ...] = summary_tables()

_REBUILD_STATS = (
    'INSERT INTO artist_stats ("artistID", plays, listeners) '
    'SELECT "artistID", SUM(weight), COUNT(*) FROM user_artists GROUP BY "artistID"'
)
_REBUILD_TAG_COUNTS = (
    'INSERT INTO artist_tag_counts ("artistID", "tagID", assignments, "tagValue") '
    'SELECT counted."artistID", counted."tagID", counted.n, tags."tagValue" FROM '
    '(SELECT "artistID", "tagID", COUNT(*) AS n FROM user_taggedartists '
    'GROUP BY "artistID", "tagID") AS counted JOIN tags ON tags."tagID" = counted."tagID"'
)
# Revision 0002's tally, before it carried the tag's name (its migration and 0006's downgrade).
_REBUILD_TAG_COUNTS_UNNAMED = (
    'INSERT INTO artist_tag_counts ("artistID", "tagID", assignments) '
    'SELECT "artistID", "tagID", COUNT(*) FROM user_taggedartists GROUP BY "artistID", "tagID"'
)
_TAG_NAME = '(SELECT "tagValue" FROM tags WHERE "tagID" = NEW."tagID")'
_SEARCH_ROWS = (
    "SELECT artists.id, artists.name, COALESCE(artist_stats.plays, 0), "
    "COALESCE(artist_stats.listeners, 0) FROM artists "
    'LEFT JOIN artist_stats ON artist_stats."artistID" = artists.id'
)
REBUILD_SEARCH = f'INSERT INTO artist_search ("artistID", name, plays, listeners) {_SEARCH_ROWS}'
"""Fill ``artist_search`` from ``artists`` and ``artist_stats`` (after the latter's rebuild)."""


# An artist's plays and listeners for its ``artist_search`` row, read from the tally: not
# assumed 0, since an artist's id may change, or its row come back, while its listens stay.
_PLAYS_OF_NEW = 'COALESCE((SELECT plays FROM artist_stats WHERE "artistID" = NEW.id), 0)'
_LISTENERS_OF_NEW = 'COALESCE((SELECT listeners FROM artist_stats WHERE "artistID" = NEW.id), 0)'
_ADD_SEARCH_ROW = (
    'INSERT INTO artist_search ("artistID", name, plays, listeners) '
    f"VALUES (NEW.id, NEW.name, {_PLAYS_OF_NEW}, {_LISTENERS_OF_NEW}) "
    'ON CONFLICT ("artistID") DO UPDATE SET name = excluded.name, '
    "plays = excluded.plays, listeners = excluded.listeners"
)
_MOVE_SEARCH_ROW = (
    'UPDATE artist_search SET "artistID" = NEW.id, name = NEW.name, '
    f'plays = {_PLAYS_OF_NEW}, listeners = {_LISTENERS_OF_NEW} WHERE "artistID" = OLD.id'
)
_REMOVE_SEARCH_ROW = 'DELETE FROM artist_search WHERE "artistID" = OLD.id'
_ZERO_SEARCH_FIGURES = (
    'UPDATE artist_search SET plays = 0, listeners = 0 WHERE "artistID" = OLD."artistID"'
)
# A tally row moving to another artist (only plain SQL does that) leaves the old one unlistened.
_ZERO_MOVED_FIGURES = f'{_ZERO_SEARCH_FIGURES} AND OLD."artistID" <> NEW."artistID"'
_SET_SEARCH_FIGURES = (
    "UPDATE artist_search SET plays = NEW.plays, listeners = NEW.listeners "
    'WHERE "artistID" = NEW."artistID"'
)

# --- SQLite: one trigger per event (no multi-event triggers), upserts inside them -------------

_SQLITE_ADD_LISTEN = (
    'INSERT INTO artist_stats ("artistID", plays, listeners) VALUES (NEW."artistID", '
    'NEW.weight, 1) ON CONFLICT ("artistID") DO UPDATE SET plays = plays + excluded.plays, '
    "listeners = listeners + 1;"
)
_SQLITE_REMOVE_LISTEN = (
    "UPDATE artist_stats SET plays = plays - OLD.weight, listeners = listeners - 1 "
    'WHERE "artistID" = OLD."artistID"; '
    'DELETE FROM artist_stats WHERE "artistID" = OLD."artistID" AND listeners <= 0;'
)


def _sqlite_add_assignment(tag_names: bool) -> str:
    columns, value = (', "tagValue"', f", {_TAG_NAME}") if tag_names else ("", "")
    return (
        f'INSERT INTO artist_tag_counts ("artistID", "tagID", assignments{columns}) '
        f'VALUES (NEW."artistID", NEW."tagID", 1{value}) ON CONFLICT ("artistID", "tagID") '
        "DO UPDATE SET assignments = assignments + 1;"
    )


_SQLITE_REMOVE_ASSIGNMENT = (
    "UPDATE artist_tag_counts SET assignments = assignments - 1 "
    'WHERE "artistID" = OLD."artistID" AND "tagID" = OLD."tagID"; '
    'DELETE FROM artist_tag_counts WHERE "artistID" = OLD."artistID" '
    'AND "tagID" = OLD."tagID" AND assignments <= 0;'
)


Trigger = tuple[str, str, str]
"""(name, source table, CREATE statement)."""


_RENAME_TAG = 'UPDATE artist_tag_counts SET "tagValue" = NEW."tagValue" WHERE "tagID" = NEW."tagID"'
_RENAME_TRIGGER = "trg_tags_summary_rename"


_SEARCH_NAMES_TRIGGER = "trg_artists_search"
_SEARCH_FIGURES_TRIGGER = "trg_artist_stats_search"


def _sqlite_triggers(revision: int) -> list[Trigger]:
    tag_names = revision >= NAMED_TALLY
    bodies = {
        "user_artists": (_SQLITE_ADD_LISTEN, _SQLITE_REMOVE_LISTEN),
        "user_taggedartists": (_sqlite_add_assignment(tag_names), _SQLITE_REMOVE_ASSIGNMENT),
    }
    triggers: list[Trigger] = []
    for table, (add, remove) in bodies.items():
        for event, body in (("insert", add), ("delete", remove), ("update", f"{remove} {add}")):
            name = f"trg_{table}_summary_{event}"
            create = (
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event.upper()} ON {table} "
                f"BEGIN {body} END"
            )
            triggers.append((name, table, create))
    if tag_names:
        create = (
            f'CREATE TRIGGER IF NOT EXISTS {_RENAME_TRIGGER} AFTER UPDATE OF "tagValue" ON tags '
            f"BEGIN {_RENAME_TAG}; END"
        )
        triggers.append((_RENAME_TRIGGER, "tags", create))
    if revision >= SEARCH_ROWS:
        search = {
            (_SEARCH_NAMES_TRIGGER, "artists"): {
                "insert": _ADD_SEARCH_ROW,
                "update of id, name": _MOVE_SEARCH_ROW,
                "delete": _REMOVE_SEARCH_ROW,
            },
            (_SEARCH_FIGURES_TRIGGER, ARTIST_STATS): {
                "insert": _SET_SEARCH_FIGURES,
                "update": f"{_ZERO_MOVED_FIGURES}; {_SET_SEARCH_FIGURES}",
                "delete": _ZERO_SEARCH_FIGURES,
            },
        }
        for (prefix, table), events in search.items():
            for event, body in events.items():
                name = f"{prefix}_{event.split()[0]}"
                create = (
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event.upper()} ON {table} "
                    f"BEGIN {body}; END"
                )
                triggers.append((name, table, create))
    return triggers


# --- PostgreSQL: one row trigger function per source table, and TRUNCATE follows through -----


def _trigger_function(name: str, body: str) -> str:
    """``CREATE OR REPLACE`` of the PL/pgSQL trigger function ``name`` running ``body``
    (statements, each ending in ``;``) and returning NULL (an AFTER trigger's result)."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger\nLANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\n  RETURN NULL;\nEND $$"
    )


_PG_FUNCTIONS: dict[str, str] = {
    "soundstream_artist_stats": _trigger_function(
        "soundstream_artist_stats",
        """  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE artist_stats SET plays = plays - OLD.weight, listeners = listeners - 1
      WHERE "artistID" = OLD."artistID";
    DELETE FROM artist_stats WHERE "artistID" = OLD."artistID" AND listeners <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO artist_stats ("artistID", plays, listeners) VALUES (NEW."artistID", NEW.weight, 1)
      ON CONFLICT ("artistID") DO UPDATE
      SET plays = artist_stats.plays + EXCLUDED.plays, listeners = artist_stats.listeners + 1;
  END IF;""",
    ),
    "soundstream_truncate_summary": _trigger_function(
        "soundstream_truncate_summary", "  EXECUTE 'TRUNCATE ' || quote_ident(TG_ARGV[0]);"
    ),
}


def _pg_tag_counts_function(tag_names: bool) -> str:
    columns, value = (', "tagValue"', f", {_TAG_NAME}") if tag_names else ("", "")
    return _trigger_function(
        "soundstream_artist_tag_counts",
        f"""  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE artist_tag_counts SET assignments = assignments - 1
      WHERE "artistID" = OLD."artistID" AND "tagID" = OLD."tagID";
    DELETE FROM artist_tag_counts
      WHERE "artistID" = OLD."artistID" AND "tagID" = OLD."tagID" AND assignments <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO artist_tag_counts ("artistID", "tagID", assignments{columns})
      VALUES (NEW."artistID", NEW."tagID", 1{value})
      ON CONFLICT ("artistID", "tagID") DO UPDATE
      SET assignments = artist_tag_counts.assignments + 1;
  END IF;""",
    )


_PG_RENAME_FUNCTION = _trigger_function("soundstream_tag_names", f"  {_RENAME_TAG};")

_PG_SEARCH_FUNCTIONS = (
    _trigger_function(
        "soundstream_artist_search_names",
        f"""  IF TG_OP = 'DELETE' THEN
    {_REMOVE_SEARCH_ROW};
  ELSIF TG_OP = 'UPDATE' THEN
    {_MOVE_SEARCH_ROW};
  ELSE
    {_ADD_SEARCH_ROW};
  END IF;""",
    ),
    _trigger_function(
        "soundstream_artist_search_figures",
        f"""  IF TG_OP = 'DELETE' THEN
    {_ZERO_SEARCH_FIGURES};
  ELSE
    IF TG_OP = 'UPDATE' THEN
      {_ZERO_MOVED_FIGURES};
    END IF;
    {_SET_SEARCH_FIGURES};
  END IF;""",
    ),
    _trigger_function(
        "soundstream_artist_search_unlistened",
        "  UPDATE artist_search SET plays = 0, listeners = 0 WHERE plays <> 0 OR listeners <> 0;",
    ),
)


def _pg_functions(revision: int) -> list[str]:
    tag_names = revision >= NAMED_TALLY
    extra = [_PG_RENAME_FUNCTION] if tag_names else []
    if revision >= SEARCH_ROWS:
        extra += _PG_SEARCH_FUNCTIONS
    return [*_PG_FUNCTIONS.values(), _pg_tag_counts_function(tag_names), *extra]


_PG_SOURCES: dict[str, tuple[str, str]] = {
    "user_artists": (ARTIST_STATS, "soundstream_artist_stats"),
    "user_taggedartists": (ARTIST_TAG_COUNTS, "soundstream_artist_tag_counts"),
}


def _pg_triggers(revision: int) -> list[Trigger]:
    triggers: list[Trigger] = []
    for table, (summary, function) in _PG_SOURCES.items():
        rows = f"trg_{table}_summary"
        create_rows = (
            f"CREATE OR REPLACE TRIGGER {rows} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        truncate = f"trg_{table}_summary_truncate"
        create_truncate = (
            f"CREATE OR REPLACE TRIGGER {truncate} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION soundstream_truncate_summary('{summary}')"
        )
        triggers += [(rows, table, create_rows), (truncate, table, create_truncate)]
    if revision >= NAMED_TALLY:
        create = (
            f'CREATE OR REPLACE TRIGGER {_RENAME_TRIGGER} AFTER UPDATE OF "tagValue" ON tags '
            "FOR EACH ROW EXECUTE FUNCTION soundstream_tag_names()"
        )
        triggers.append((_RENAME_TRIGGER, "tags", create))
    if revision >= SEARCH_ROWS:
        search = (
            (_SEARCH_NAMES_TRIGGER, "artists", "INSERT OR DELETE OR UPDATE OF id, name", "names"),
            (_SEARCH_FIGURES_TRIGGER, ARTIST_STATS, "INSERT OR UPDATE OR DELETE", "figures"),
        )
        for name, table, events, function in search:
            create = (
                f"CREATE OR REPLACE TRIGGER {name} AFTER {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION soundstream_artist_search_{function}()"
            )
            triggers.append((name, table, create))
        # Emptying the artists empties their rows; emptying the tally (the listens were
        # truncated) leaves every artist unlistened.
        for name, table, then in (
            ("trg_artists_search_truncate", "artists", f"truncate_summary('{ARTIST_SEARCH}')"),
            ("trg_artist_stats_search_truncate", ARTIST_STATS, "artist_search_unlistened()"),
        ):
            create = (
                f"CREATE OR REPLACE TRIGGER {name} AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION soundstream_{then}"
            )
            triggers.append((name, table, create))
    return triggers


# ``revision`` everywhere below: which migration's summaries (`UNNAMED_TALLY`, `NAMED_TALLY`,
# `SEARCH_ROWS`); a migration passes its own, everything else the current one.


def triggers(dialect: str, *, revision: int = CURRENT) -> list[Trigger]:
    """The triggers the summaries need on ``dialect``."""
    return _sqlite_triggers(revision) if dialect == "sqlite" else _pg_triggers(revision)


def create_statements(dialect: str, *, revision: int = CURRENT) -> list[str]:
    """The functions and triggers that keep the summary tables exact (idempotent DDL)."""
    functions = [] if dialect == "sqlite" else _pg_functions(revision)
    return functions + [create for _name, _table, create in triggers(dialect, revision=revision)]


def drop_statements(dialect: str, *, revision: int = CURRENT) -> list[str]:
    """Remove the triggers (not the functions): before a bulk load rewrites the sources."""
    statements = []
    for name, table, _create in triggers(dialect, revision=revision):
        on = "" if dialect == "sqlite" else f" ON {table}"
        statements.append(f"DROP TRIGGER IF EXISTS {name}{on}")
    return statements


def rebuild_statements(*, revision: int = CURRENT) -> tuple[str, ...]:
    """Recompute the summary tables from their sources (one statement each, in order)."""
    counts = _REBUILD_TAG_COUNTS if revision >= NAMED_TALLY else _REBUILD_TAG_COUNTS_UNNAMED
    search = (REBUILD_SEARCH,) if revision >= SEARCH_ROWS else ()
    clear = (f"DELETE FROM {table}" for table in summary_tables(revision))
    return (*clear, _REBUILD_STATS, counts, *search)


REBUILD_STATEMENTS = rebuild_statements()


def create_triggers(conn: Connection, *, revision: int = CURRENT) -> None:
    for statement in create_statements(conn.dialect.name, revision=revision):
        conn.exec_driver_sql(statement)


def drop_triggers(conn: Connection, *, revision: int = CURRENT) -> None:
    for statement in drop_statements(conn.dialect.name, revision=revision):
        conn.exec_driver_sql(statement)


def rebuild(conn: Connection, *, revision: int = CURRENT) -> None:
    for statement in rebuild_statements(revision=revision):
        conn.exec_driver_sql(statement)


def drift(conn: Connection, *, revision: int = CURRENT) -> dict[str, int]:
    """Rows where a summary table and a fresh computation from its sources disagree, per
    table of ``revision`` (both directions of the difference). All zero in a healthy
    database."""
    checks = {
        ARTIST_STATS: (
            'SELECT "artistID", plays, listeners FROM artist_stats',
            'SELECT "artistID", SUM(weight), COUNT(*) FROM user_artists GROUP BY "artistID"',
        ),
        ARTIST_TAG_COUNTS: (
            'SELECT "artistID", "tagID", assignments, "tagValue" FROM artist_tag_counts',
            'SELECT counted.*, tags."tagValue" FROM (SELECT "artistID", "tagID", COUNT(*) '
            'FROM user_taggedartists GROUP BY "artistID", "tagID") AS counted '
            'JOIN tags ON tags."tagID" = counted."tagID"',
        ),
        ARTIST_SEARCH: (
            'SELECT "artistID", name, plays, listeners FROM artist_search',
            # from the listens themselves, not the tally it follows (checked above)
            "SELECT artists.id, artists.name, COALESCE(SUM(weight), 0), COUNT(weight) "
            'FROM artists LEFT JOIN user_artists ON user_artists."artistID" = artists.id '
            "GROUP BY artists.id, artists.name",
        ),
    }
    found: dict[str, int] = {}
    for table in summary_tables(revision):
        kept, fresh = checks[table]
        query = (
            f"SELECT COUNT(*) FROM (({kept}) EXCEPT ({fresh})) AS extra"
            if conn.dialect.name == "postgresql"
            else f"SELECT COUNT(*) FROM ({kept} EXCEPT {fresh})"
        )
        missing = (
            f"SELECT COUNT(*) FROM (({fresh}) EXCEPT ({kept})) AS lacking"
            if conn.dialect.name == "postgresql"
            else f"SELECT COUNT(*) FROM ({fresh} EXCEPT {kept})"
        )
        found[table] = int(conn.execute(text(query)).scalar_one()) + int(
            conn.execute(text(missing)).scalar_one()
        )
    return found
