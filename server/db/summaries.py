"""Per-artist and per-(artist, tag) tallies kept by the database itself.

Why: the questions users ask most — an artist's plays and listeners, an artist's top tags,
the artists carrying two tags — were aggregates over the raw link tables at request time, so
their cost grew with the popularity of what was asked. At 100x the real data a head artist
has thousands of tag assignments and a head tag hundreds of thousands (docs/scaling.md:
search p95 324 ms, the nested GraphQL walk 582 ms on PostgreSQL). Two small tables hold those
tallies instead, each with an index ordered the way they are read:

- ``artist_stats`` — ``plays`` (sum of weights) and ``listeners`` per artist with at least
  one listen;
- ``artist_tag_counts`` — ``assignments`` per (artist, tag) with at least one.

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

_REBUILD: tuple[str, ...] = (
    'INSERT INTO artist_stats ("artistID", plays, listeners) '
    'SELECT "artistID", SUM(weight), COUNT(*) FROM user_artists GROUP BY "artistID"',
    'INSERT INTO artist_tag_counts ("artistID", "tagID", assignments) '
    'SELECT "artistID", "tagID", COUNT(*) FROM user_taggedartists GROUP BY "artistID", "tagID"',
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
_SQLITE_ADD_ASSIGNMENT = (
    'INSERT INTO artist_tag_counts ("artistID", "tagID", assignments) VALUES (NEW."artistID", '
    'NEW."tagID", 1) ON CONFLICT ("artistID", "tagID") DO UPDATE SET '
    "assignments = assignments + 1;"
)
_SQLITE_REMOVE_ASSIGNMENT = (
    "UPDATE artist_tag_counts SET assignments = assignments - 1 "
    'WHERE "artistID" = OLD."artistID" AND "tagID" = OLD."tagID"; '
    'DELETE FROM artist_tag_counts WHERE "artistID" = OLD."artistID" '
    'AND "tagID" = OLD."tagID" AND assignments <= 0;'
)


Trigger = tuple[str, str, str]
"""(name, source table, CREATE statement)."""


def _sqlite_triggers() -> list[Trigger]:
    bodies = {
        "user_artists": (_SQLITE_ADD_LISTEN, _SQLITE_REMOVE_LISTEN),
        "user_taggedartists": (_SQLITE_ADD_ASSIGNMENT, _SQLITE_REMOVE_ASSIGNMENT),
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
    "soundstream_artist_tag_counts": """
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
    INSERT INTO artist_tag_counts ("artistID", "tagID", assignments)
      VALUES (NEW."artistID", NEW."tagID", 1)
      ON CONFLICT ("artistID", "tagID") DO UPDATE
      SET assignments = artist_tag_counts.assignments + 1;
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

_PG_SOURCES: dict[str, tuple[str, str]] = {
    "user_artists": (ARTIST_STATS, "soundstream_artist_stats"),
    "user_taggedartists": (ARTIST_TAG_COUNTS, "soundstream_artist_tag_counts"),
}


def _pg_triggers() -> list[Trigger]:
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
    return triggers


def triggers(dialect: str) -> list[Trigger]:
    """The triggers the summaries need on ``dialect``."""
    return _sqlite_triggers() if dialect == "sqlite" else _pg_triggers()


def create_statements(dialect: str) -> list[str]:
    """The functions and triggers that keep the summary tables exact (idempotent DDL)."""
    functions = [] if dialect == "sqlite" else list(_PG_FUNCTIONS.values())
    return functions + [create for _name, _table, create in triggers(dialect)]


def drop_statements(dialect: str) -> list[str]:
    """Remove the triggers (not the functions): before a bulk load rewrites the sources."""
    statements = []
    for name, table, _create in triggers(dialect):
        on = "" if dialect == "sqlite" else f" ON {table}"
        statements.append(f"DROP TRIGGER IF EXISTS {name}{on}")
    return statements


REBUILD_STATEMENTS: tuple[str, ...] = (
    *(f"DELETE FROM {table}" for table in SUMMARY_TABLES),
    *_REBUILD,
)
"""Recompute both summary tables from their sources (one aggregate statement each)."""


def create_triggers(conn: Connection) -> None:
    for statement in create_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)


def drop_triggers(conn: Connection) -> None:
    for statement in drop_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)


def rebuild(conn: Connection) -> None:
    for statement in REBUILD_STATEMENTS:
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
            'SELECT "artistID", "tagID", assignments FROM artist_tag_counts',
            'SELECT "artistID", "tagID", COUNT(*) FROM user_taggedartists '
            'GROUP BY "artistID", "tagID"',
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
