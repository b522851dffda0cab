"""Per-artist and per-(artist, tag) tallies kept by the database itself.

Why: the questions users ask most — an artist's plays and listeners, an artist's top tags,
the artists carrying two tags — were aggregates over the raw link tables at request time, so
their cost grew with the popularity of what was asked. At 100x the real data a head artist
has thousands of tag assignments and a head tag hundreds of thousands (docs/scaling.md:
search p95 324 ms, the nested GraphQL walk 582 ms on PostgreSQL). Two small tables hold those
tallies instead, each with an index ordered the way they are read:

- ``artist_stats`` — ``plays`` (sum of weights) and ``listeners`` per artist with at least
  one listen;
- ``artist_tag_counts`` — ``assignments`` per (artist, tag) with at least one, and the tag's
  name (``tagValue``, kept on renames): an artist's top tags, ties by name, are a range of
  its index.

Triggers keep them exact on every write, whatever path it takes: the REST and GraphQL
services, a foreign-key cascade (deleting a user, an artist or a tag), or plain SQL someone
runs by hand. A row exists only while its count is positive, so a tally table equals
``GROUP BY`` over its source at every commit (tests/server/test_summaries.py checks it after
each kind of write on both backends). The bulk load drops the triggers, loads, rebuilds both
tables with one ``INSERT ... SELECT ... GROUP BY`` each and puts the triggers back, inside
its one transaction: row triggers over 28 M loaded rows would multiply its cost.

The year filter of the artist search (``tagged_from``/``tagged_to``) still reads the raw
assignments: the tallies carry no time.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

ARTIST_STATS = "artist_stats"
ARTIST_TAG_COUNTS = "artist_tag_counts"
SUMMARY_TABLES: tuple[str, ...] = (ARTIST_STATS, ARTIST_TAG_COUNTS)

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


def _sqlite_triggers(tag_names: bool) -> list[Trigger]:
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
    return triggers


# --- PostgreSQL: one row trigger function per source table, and TRUNCATE follows through -----

_PG_FUNCTIONS: dict[str, str] = {
    "soundstream_artist_stats": """
CREATE OR REPLACE FUNCTION soundstream_artist_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE artist_stats SET plays = plays - OLD.weight, listeners = listeners - 1
      WHERE "artistID" = OLD."artistID";
    DELETE FROM artist_stats WHERE "artistID" = OLD."artistID" AND listeners <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO artist_stats ("artistID", plays, listeners) VALUES (NEW."artistID", NEW.weight, 1)
      ON CONFLICT ("artistID") DO UPDATE
      SET plays = artist_stats.plays + EXCLUDED.plays, listeners = artist_stats.listeners + 1;
  END IF;
  RETURN NULL;
END $$""",
    "soundstream_truncate_summary": """
CREATE OR REPLACE FUNCTION soundstream_truncate_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'TRUNCATE ' || quote_ident(TG_ARGV[0]);
  RETURN NULL;
END $$""",
}


def _pg_tag_counts_function(tag_names: bool) -> str:
    columns, value = (', "tagValue"', f", {_TAG_NAME}") if tag_names else ("", "")
    return f"""
CREATE OR REPLACE FUNCTION soundstream_artist_tag_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
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
  END IF;
  RETURN NULL;
END $$"""


_PG_RENAME_FUNCTION = f"""
CREATE OR REPLACE FUNCTION soundstream_tag_names() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  {_RENAME_TAG};
  RETURN NULL;
END $$"""


def _pg_functions(tag_names: bool) -> list[str]:
    extra = [_PG_RENAME_FUNCTION] if tag_names else []
    return [*_PG_FUNCTIONS.values(), _pg_tag_counts_function(tag_names), *extra]


_PG_SOURCES: dict[str, tuple[str, str]] = {
    "user_artists": (ARTIST_STATS, "soundstream_artist_stats"),
    "user_taggedartists": (ARTIST_TAG_COUNTS, "soundstream_artist_tag_counts"),
}


def _pg_triggers(tag_names: bool) -> list[Trigger]:
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
    if tag_names:
        create = (
            f'CREATE OR REPLACE TRIGGER {_RENAME_TRIGGER} AFTER UPDATE OF "tagValue" ON tags '
            "FOR EACH ROW EXECUTE FUNCTION soundstream_tag_names()"
        )
        triggers.append((_RENAME_TRIGGER, "tags", create))
    return triggers


# ``tag_names=False`` everywhere below: revision 0002's tally, whose rows had no tag name
# (its migration builds that one; 0006 adds the name).


def triggers(dialect: str, *, tag_names: bool = True) -> list[Trigger]:
    """The triggers the summaries need on ``dialect``."""
    return _sqlite_triggers(tag_names) if dialect == "sqlite" else _pg_triggers(tag_names)


def create_statements(dialect: str, *, tag_names: bool = True) -> list[str]:
    """The functions and triggers that keep the summary tables exact (idempotent DDL)."""
    functions = [] if dialect == "sqlite" else _pg_functions(tag_names)
    return functions + [create for _name, _table, create in triggers(dialect, tag_names=tag_names)]


def drop_statements(dialect: str, *, tag_names: bool = True) -> list[str]:
    """Remove the triggers (not the functions): before a bulk load rewrites the sources."""
    statements = []
    for name, table, _create in triggers(dialect, tag_names=tag_names):
        on = "" if dialect == "sqlite" else f" ON {table}"
        statements.append(f"DROP TRIGGER IF EXISTS {name}{on}")
    return statements


def rebuild_statements(*, tag_names: bool = True) -> tuple[str, ...]:
    """Recompute both summary tables from their sources (one aggregate statement each)."""
    counts = _REBUILD_TAG_COUNTS if tag_names else _REBUILD_TAG_COUNTS_UNNAMED
    return (*(f"DELETE FROM {table}" for table in SUMMARY_TABLES), _REBUILD_STATS, counts)


REBUILD_STATEMENTS = rebuild_statements()


def create_triggers(conn: Connection, *, tag_names: bool = True) -> None:
    for statement in create_statements(conn.dialect.name, tag_names=tag_names):
        conn.exec_driver_sql(statement)


def drop_triggers(conn: Connection, *, tag_names: bool = True) -> None:
    for statement in drop_statements(conn.dialect.name, tag_names=tag_names):
        conn.exec_driver_sql(statement)


def rebuild(conn: Connection, *, tag_names: bool = True) -> None:
    for statement in rebuild_statements(tag_names=tag_names):
        conn.exec_driver_sql(statement)


def drift(conn: Connection) -> dict[str, int]:
    """Rows where a summary table and a fresh ``GROUP BY`` of its source disagree, per table
    (both directions of the difference). All zero in a healthy database."""
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
    }
    found: dict[str, int] = {}
    for table, (kept, fresh) in checks.items():
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
