"""Bulk loading of parsed rows in one transaction, so a failure leaves the old data intact.

SQLite: ``executemany`` on the driver connection; secondary indexes are dropped at the start
and each table's are rebuilt once its rows are in (SQLite DDL is transactional, so a failure
rolls all of it back).
PostgreSQL: ``COPY ... FROM STDIN`` through psycopg 3 in foreign-key order, then the id
sequences are moved past the loaded ids.
Both: the summary tables' triggers are dropped for the load, the tallies rebuilt from the
loaded rows with one aggregate each, and the triggers put back (`server.db.summaries`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.schema import CreateIndex, DropIndex

from server.db import meta, name_trigrams, summaries
from server.db.models import ONLY_ON, Base, fold_tag_name
from server.ingest.readers import ParsedData

TABLES: tuple[str, ...] = (
    "artists",
    "tags",
    "tag_folds",
    "users",
    "user_artists",
    "user_taggedartists",
    "user_friends",
    "ingest_rejects",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "artists": ("id", "name", "url", "pictureURL"),
    "tags": ("tagID", "tagValue"),
    "tag_folds": ("tagID", "folded"),
    "users": ("userID",),
    "user_artists": ("userID", "artistID", "weight"),
    "user_taggedartists": ("userID", "artistID", "tagID", "timestamp", "day", "month", "year"),
    "user_friends": ("userID", "friendID"),
    "ingest_rejects": ("file", "line_no", "raw", "reason", "detail", "created_at"),
}
# Tables filled from the files, parents first (derived rows follow: users, stubs, rejects).
PARSED_TABLES: tuple[str, ...] = (
    "artists",
    "tags",
    "user_artists",
    "user_taggedartists",
    "user_friends",
)
# Tables whose rows all arrive in one `insert`, so their indexes are built right after it.
INDEX_EARLY: frozenset[str] = frozenset({"user_artists", "user_taggedartists", "user_friends"})
SERIAL_COLUMNS: dict[str, str] = {"artists": "id", "tags": "tagID", "users": "userID"}

Progress = Callable[[str, int], None]
Rows = Sequence[tuple[Any, ...]]


def stub_artist_name(artist_id: int) -> str:
    return f"[unknown artist {artist_id}]"


def stub_tag_value(tag_id: int) -> str:
    return f"[unknown tag {tag_id}]"


def parsed_rows(data: ParsedData, table: str) -> Rows:
    """The rows a parsed file contributes to ``table``."""
    rows: dict[str, Rows] = {
        "artists": data.artists,
        "tags": data.tags,
        "user_artists": data.user_artists,
        "user_taggedartists": data.tagged,
        "user_friends": data.friends,
    }
    return rows[table]


def derived_rows(data: ParsedData) -> dict[str, Rows]:
    """Rows known only once every file is parsed: users, placeholder stubs, every tag's
    folded name, rejects."""
    user_ids: set[int] = {row[0] for row in data.user_artists}
    user_ids.update(row[0] for row in data.tagged)
    user_ids.update(row[0] for row in data.friends)
    user_ids.update(row[1] for row in data.friends)
    now = datetime.now(UTC)
    stub_tags = [(i, stub_tag_value(i)) for i in sorted(data.stub_tags)]
    return {
        "artists": [(i, stub_artist_name(i), None, None) for i in sorted(data.stub_artists)],
        "tags": stub_tags,
        "tag_folds": [
            (i, fold_tag_name(name)) for rows in (data.tags, stub_tags) for i, name in rows
        ],
        "users": [(user_id,) for user_id in sorted(user_ids)],
        "ingest_rejects": [
            (r.file, r.line_no, r.raw, r.reason, r.detail or None, now) for r in data.rejects
        ],
    }


class BulkLoad:
    """One load transaction: `insert` tables as they are parsed, then `commit` or roll back.

    Used as a context manager; leaving it without `commit` (an exception, an abort) rolls
    back, so the database keeps what it held before.
    """

    def __init__(self, engine: Engine, progress: Progress | None = None) -> None:
        self.engine = engine
        self.progress = progress
        self.committed = False

    def insert(self, table: str, rows: Rows) -> None:
        raise NotImplementedError

    def commit(self, facts: dict[str, str]) -> int:
        """Write ``facts`` into ``meta``, bump the data version, commit; return the version."""
        raise NotImplementedError

    def rollback(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> BulkLoad:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.rollback()

    def _advanced(self, table: str, count: int) -> None:
        if self.progress is not None:
            self.progress(table, count)


def open_bulk_load(engine: Engine, progress: Progress | None = None) -> BulkLoad:
    if engine.dialect.name == "sqlite":
        return SqliteBulkLoad(engine, progress)
    return PostgresBulkLoad(engine, progress)


class SqliteBulkLoad(BulkLoad):
    """Streams each table in as soon as its file is parsed, inside one ``BEGIN IMMEDIATE``.

    Foreign-key enforcement is off for this one connection during the load: the readers have
    resolved every reference (users are derived from the rows, artists and tags checked
    against their files), and SQLite's per-row parent lookups would cost a third of the load.
    It is switched back on before the connection returns to the pool, and a test runs
    ``PRAGMA foreign_key_check`` after ingest to hold this promise. (A writer thread to
    overlap parsing and writing was tried and measured: the GIL gave it nothing.)
    """

    def __init__(self, engine: Engine, progress: Progress | None = None) -> None:
        super().__init__(engine, progress)
        self._raw = engine.raw_connection()
        db: Any = self._raw.driver_connection
        self._db = db
        db.execute("PRAGMA foreign_keys=OFF")
        # A bulk load through the WAL writes every page twice (WAL, then the checkpoint when
        # the connection closes). With no other connection open, a rollback journal is
        # cheaper: pages the load adds past the old end of the file are not journaled at
        # all. If another connection holds the file, SQLite keeps WAL and nothing changes.
        self._journal = db.execute("PRAGMA journal_mode").fetchone()[0]
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("BEGIN IMMEDIATE")
        for statement in summaries.drop_statements("sqlite"):
            db.execute(statement)
        # The name index's triggers too: it is rebuilt once at the end (`commit`) instead
        # of taking every row.
        for statement in name_trigrams.drop_trigger_statements():
            db.execute(statement)
        for table in (*summaries.SUMMARY_TABLES, *reversed(TABLES)):
            db.execute(f'DELETE FROM "{table}"')
            for index in Base.metadata.tables[table].indexes:
                db.execute(self._ddl(DropIndex(index, if_exists=True)))

    def _ddl(self, element: Any) -> str:
        return str(element.compile(dialect=self.engine.dialect))

    def _index(self, table: str) -> None:
        for index in sorted(Base.metadata.tables[table].indexes, key=lambda i: str(i.name)):
            if index.info.get(ONLY_ON, "sqlite") == "sqlite":
                self._db.execute(self._ddl(CreateIndex(index)))

    def insert(self, table: str, rows: Rows) -> None:
        columns = COLUMNS[table]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        self._db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        if table in INDEX_EARLY:
            self._index(table)
        self._advanced(table, len(rows))

    def commit(self, facts: dict[str, str]) -> int:
        db = self._db
        for table in TABLES:
            if table not in INDEX_EARLY:
                self._index(table)
        for statement in summaries.REBUILD_STATEMENTS:
            db.execute(statement)
        for table in summaries.SUMMARY_TABLES:
            self._index(table)
        for statement in summaries.create_statements("sqlite"):
            db.execute(statement)
        if name_statements := name_trigrams.create_statements():
            for statement in name_statements:
                db.execute(statement)
            db.execute(name_trigrams.REBUILD)
        upsert = (
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        db.executemany(upsert, list(facts.items()))
        found = db.execute("SELECT value FROM meta WHERE key = ?", (meta.DATA_VERSION,)).fetchone()
        version = (int(found[0]) if found else 0) + 1
        db.executemany(
            upsert, [(meta.DATA_VERSION, str(version)), (meta.INGESTED_DATA_VERSION, str(version))]
        )
        db.execute("COMMIT")
        self.committed = True
        self._close()
        return version

    def rollback(self) -> None:
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        finally:
            self._close()

    def _close(self) -> None:
        self._db.execute(f"PRAGMA journal_mode={self._journal}")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._raw.close()


def _drop_secondary_structures(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop the loaded tables' foreign keys and secondary indexes; return the statements that
    put them back, exactly as the database had them (read from its catalogue).

    COPY into indexed, constrained tables checks every reference and updates every index
    row by row; building an index once and validating a foreign key in one pass over the
    table is far cheaper (at 100x the real data the tag assignments' COPY alone took about
    18 minutes; docs/scaling.md). It all happens inside the load's transaction: a failure
    rolls the drops back with everything else, and a row breaking a rule fails the rebuild.
    """
    rebuild: list[str] = []
    for table in tables:
        indexes = conn.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = %(t)s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))",
            {"t": table},
        ).all()
        foreign_keys = conn.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(%(t)s) AND contype = 'f'",
            {"t": f'"{table}"'},
        ).all()
        for name, _definition in foreign_keys:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        rebuild += [definition for _name, definition in indexes]
        rebuild += [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for name, definition in foreign_keys
        ]
    # Indexes first: the parents' primary keys serve the foreign keys' validation.
    return sorted(rebuild, key=lambda statement: statement.startswith("ALTER"))


class PostgresBulkLoad(BulkLoad):
    """Buffers the tables, then COPYs them in one transaction into tables stripped of their
    foreign keys and secondary indexes, which are rebuilt after the load."""

    def __init__(self, engine: Engine, progress: Progress | None = None) -> None:
        super().__init__(engine, progress)
        self._rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}

    def insert(self, table: str, rows: Rows) -> None:
        self._rows[table].extend(rows)

    def commit(self, facts: dict[str, str]) -> int:
        with self.engine.begin() as conn:
            for statement in summaries.drop_statements("postgresql"):
                conn.exec_driver_sql(statement)
            every = (*TABLES, *summaries.SUMMARY_TABLES)
            tables = ", ".join(f'"{name}"' for name in every)
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY")
            rebuild = _drop_secondary_structures(conn, every)
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for table in TABLES:
                names = ", ".join(f'"{c}"' for c in COLUMNS[table])
                with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in self._rows[table]:
                        copy.write_row(row)
                self._advanced(table, len(self._rows[table]))
            cursor.close()
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            summaries.rebuild(conn)
            for statement in rebuild:
                conn.exec_driver_sql(statement)
            for table, column in SERIAL_COLUMNS.items():
                # After COPY with explicit ids, rows created through the API must not collide.
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                    f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
                )
            for key, value in facts.items():
                meta.set_meta(conn, key, value)
            version = meta.bump_data_version(conn)
            meta.set_meta(conn, meta.INGESTED_DATA_VERSION, str(version))
            summaries.create_triggers(conn)
        self.committed = True
        # Fresh statistics and visibility map: without them the planner guesses and the
        # listens index cannot answer index-only until autovacuum gets round to it (measured:
        # about 2x slower search queries right after an ingest).
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in (*TABLES, *summaries.SUMMARY_TABLES):
                conn.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')
        return version

    def rollback(self) -> None:
        self._rows.clear()
