"""The bare baseline of the ingest benchmark: the least work that gets the five files into SQLite.

Run as its own process by `benchmarks/ingest.py`, so start-up is timed exactly as for the
``soundstream ingest`` command it is compared with. Standard library only, on purpose: whatever
this script costs is the floor any loader pays (reading, splitting, converting to integers and
``executemany``); the ratio ours/bare is what our validation, report, schema management and
indexes add on top of it.

What it does *not* do, by design: no validation, no quarantine, no foreign-key checks, no
secondary indexes, no meta table, no WAL. Rows that our ingest quarantines (tag assignments of
undefined artists) are loaded here like any other row.

Two schemas (``--schema``):

``nokeys``
    plain tables, no constraint at all: the cost of appending rows.
``keys``
    the course schema's tables with their primary keys only (rowid tables, so each key is an
    automatic unique index SQLite maintains per row) — what a careful hand-written script loads.

Usage: ``python benchmarks/_bare_load.py --schema keys DATA_DIR DB_FILE``
"""

from __future__ import annotations

import argparse
import calendar
import sqlite3
from pathlib import Path

MS_PER_SECOND = 1000

SCHEMAS: dict[str, tuple[str, ...]] = {
    "nokeys": (
        "CREATE TABLE artists (id INTEGER, name TEXT, url TEXT, pictureURL TEXT)",
        "CREATE TABLE tags (tagID INTEGER, tagValue TEXT)",
        "CREATE TABLE users (userID INTEGER)",
        "CREATE TABLE user_artists (userID INTEGER, artistID INTEGER, weight INTEGER)",
        "CREATE TABLE user_taggedartists (userID INTEGER, artistID INTEGER, tagID INTEGER, "
        "timestamp INTEGER, day INTEGER, month INTEGER, year INTEGER)",
        "CREATE TABLE user_friends (userID INTEGER, friendID INTEGER)",
    ),
    "keys": (
        "CREATE TABLE artists (id INTEGER PRIMARY KEY, name TEXT NOT NULL, url TEXT, "
        "pictureURL TEXT)",
        "CREATE TABLE tags (tagID INTEGER PRIMARY KEY, tagValue TEXT NOT NULL)",
        "CREATE TABLE users (userID INTEGER PRIMARY KEY)",
        "CREATE TABLE user_artists (userID INTEGER NOT NULL, artistID INTEGER NOT NULL, "
        "weight INTEGER NOT NULL, PRIMARY KEY (userID, artistID))",
        "CREATE TABLE user_taggedartists (userID INTEGER NOT NULL, artistID INTEGER NOT NULL, "
        "tagID INTEGER NOT NULL, timestamp INTEGER NOT NULL, day INTEGER, month INTEGER, "
        "year INTEGER, PRIMARY KEY (userID, artistID, tagID, timestamp))",
        "CREATE TABLE user_friends (userID INTEGER NOT NULL, friendID INTEGER NOT NULL, "
        "PRIMARY KEY (userID, friendID))",
    ),
}


def data_lines(path: Path, encoding: str = "utf-8") -> list[str]:
    """The file's lines without the header; tab-separated, no quoting (names contain ``"``)."""
    lines = path.read_text(encoding=encoding).split("\n")
    return [line for line in lines[1:] if line]


def integer_rows(path: Path) -> list[tuple[int, ...]]:
    return [tuple(map(int, line.split("\t"))) for line in data_lines(path)]


def load(data_dir: Path, db_file: Path, schema: str) -> None:
    split = (line.split("\t") for line in data_lines(data_dir / "artists.dat"))
    artists = [(int(id_), name, url, picture) for id_, name, url, picture in split]
    split = (line.split("\t") for line in data_lines(data_dir / "tags.dat", "latin-1"))
    tags = [(int(id_), value) for id_, value in split]
    listens = integer_rows(data_dir / "user_artists.dat")
    friends = integer_rows(data_dir / "user_friends.dat")
    # The timestamp (part of the key) is UTC midnight of the day in ms, as our ingest stores it;
    # memoised, as anyone would, since 186k rows share a few thousand dates.
    midnights: dict[tuple[int, int, int], int] = {}
    tagged = []
    for user, artist, tag, day, month, year in integer_rows(data_dir / "user_taggedartists.dat"):
        stamp = midnights.get((year, month, day))
        if stamp is None:
            stamp = calendar.timegm((year, month, day, 0, 0, 0)) * MS_PER_SECOND
            midnights[(year, month, day)] = stamp
        tagged.append((user, artist, tag, stamp, day, month, year))
    users = {row[0] for row in listens} | {row[0] for row in tagged}
    users |= {row[0] for row in friends} | {row[1] for row in friends}

    db = sqlite3.connect(db_file, isolation_level=None)
    db.execute("BEGIN")
    for ddl in SCHEMAS[schema]:
        db.execute(ddl)
    db.executemany("INSERT INTO artists VALUES (?, ?, ?, ?)", artists)
    db.executemany("INSERT INTO tags VALUES (?, ?)", tags)
    db.executemany("INSERT INTO users VALUES (?)", [(user,) for user in sorted(users)])
    db.executemany("INSERT INTO user_artists VALUES (?, ?, ?)", listens)
    db.executemany("INSERT INTO user_taggedartists VALUES (?, ?, ?, ?, ?, ?, ?)", tagged)
    db.executemany("INSERT INTO user_friends VALUES (?, ?)", friends)
    db.execute("COMMIT")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", choices=sorted(SCHEMAS), required=True)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("db_file", type=Path)
    args = parser.parse_args()
    load(args.data_dir, args.db_file, args.schema)


if __name__ == "__main__":
    main()
