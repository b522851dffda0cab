"""SQLite's index for the artist name search (``q``): an FTS5 trigram table kept by triggers.

Why: SQLite has no index for ``LIKE '%piece%'``, so the name search read every name — 24 ms
at 1x, 381 ms of CPU at 100x the data (docs/scaling.md), the one search growing with the
catalogue. FTS5's ``trigram`` tokenizer (SQLite 3.34+; `supported` checks, and without it
the search scans as before) indexes every three characters of a name, spaces and
punctuation included, and a phrase query of the piece returns the rows holding it.
PostgreSQL has its own trigram indexes (``pg_trgm``, migrations 0003 and 0004) and never
sees this table.

The table is external-content (it stores no copy of the names, only the index) over
``artists``; three triggers keep it exact through every write, whichever program makes it.
A bulk load drops the triggers and rebuilds the index once at the end
(`server.ingest.loader`). The search uses it only as a prefilter (`match_query` says with
what): the exact condition still decides.
"""

from __future__ import annotations

import sqlite3
from functools import cache

TABLE = "artist_name_trigrams"
_TRIGGERS = {
    f"{TABLE}_insert": (
        f"AFTER INSERT ON artists BEGIN "
        f"INSERT INTO {TABLE}(rowid, name) VALUES (NEW.id, NEW.name); END"
    ),
    f"{TABLE}_delete": (
        f"AFTER DELETE ON artists BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, name) VALUES ('delete', OLD.id, OLD.name); END"
    ),
    f"{TABLE}_update": (
        f"AFTER UPDATE OF id, name ON artists BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, name) VALUES ('delete', OLD.id, OLD.name); "
        f"INSERT INTO {TABLE}(rowid, name) VALUES (NEW.id, NEW.name); END"
    ),
}
REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"
"""Reindex every name from ``artists`` (after a bulk load, or when the table is new)."""

MIN_PIECE = 3
"""A phrase shorter than one trigram finds nothing: shorter pieces are scanned."""


@cache
def supported() -> bool:
    """Whether this process's SQLite has FTS5 with the trigram tokenizer (3.34+): without
    it, no table is made and the search scans names as before."""
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    return True


def create_statements() -> list[str]:
    """The table and its triggers (idempotent); empty where SQLite lacks the tokenizer."""
    if not supported():
        return []
    table = (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, content='artists', "
        "content_rowid='id', tokenize='trigram case_sensitive 0')"
    )
    triggers = [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _TRIGGERS.items()]
    return [table, *triggers]


def drop_trigger_statements() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS]


def drop_statements() -> list[str]:
    return [*drop_trigger_statements(), f"DROP TABLE IF EXISTS {TABLE}"]


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's ``include_name``: schema comparisons (autogenerate, the migration tests)
    cover the models' tables, and the FTS table with the shadow tables SQLite keeps for it
    (``<table>_data``, ...) is none of them."""
    own = name is not None and (name == TABLE or name.startswith(TABLE + "_"))
    return not (type_ == "table" and own)


_DOTTED_I = "\u0130"  # İ: Python lowers it to "i" and a combining dot above


@cache
def _unfolded() -> frozenset[str]:
    """The lower-case characters a name may hold in another case that the tokenizer does
    not fold to them — measured once against this process's SQLite: each cased character
    is indexed and looked up by its Python lower case.

    The tokenizer folds case with its own Unicode tables, which differ from Python's
    ``str.lower`` (the exact condition's fold) for 391 characters with SQLite 3.40 (newer
    scripts: Cherokee, Latin Extended-D, ...). Cased characters end below U+20000.
    ``İ`` is the one character Python lowers to two; its combining dot counts as unfolded
    and `match_query` asks for its ``i`` separately.
    """
    cased = [ch for ch in map(chr, range(0x80, 0x20000)) if ch.lower() != ch]
    unfolded: set[str] = set()
    for ch in cased:
        if len(ch.lower()) > 1 and ch != _DOTTED_I:
            unfolded.update(ch.lower())  # none in today's Unicode; if one comes, safe
    single = [ch for ch in cased if len(ch.lower()) == 1]
    with sqlite3.connect(":memory:") as probe:
        probe.execute(
            "CREATE VIRTUAL TABLE p USING fts5(name, tokenize='trigram case_sensitive 0')"
        )
        probe.executemany(
            "INSERT INTO p(rowid, name) VALUES (?, ?)",
            [(i, f"q{ch}qq") for i, ch in enumerate(single)],
        )
        for i, ch in enumerate(single):
            query = f'"q{ch.lower()}qq"'
            if (
                probe.execute(
                    "SELECT 1 FROM p WHERE p MATCH ? AND rowid = ?", (query, i)
                ).fetchone()
                is None
            ):
                unfolded.add(ch.lower())
    unfolded.add(_DOTTED_I.lower()[1])
    return frozenset(unfolded)


def match_query(piece: str) -> str | None:
    """An FTS5 query whose rows include every name containing ``piece`` (already
    lower-cased, as the exact condition compares it), or None where the index cannot vouch
    for that and the names must be scanned.

    The query is the longest run of the piece (three characters at least: one trigram)
    whose characters the tokenizer folds as Python does (`_unfolded`): a name holding the
    piece holds the run. A run ending in ``i`` also asks for the run ending in ``İ``, which
    Python lowers to ``i`` and a combining dot. Shorter pieces, and pieces made mostly of
    unfolded characters, are scanned.
    """
    unfolded = _unfolded()
    runs = "".join("\0" if ch in unfolded else ch for ch in piece).split("\0")
    run = max(runs, key=len)
    if len(run) < MIN_PIECE:
        return None
    phrases = [run]
    if run.endswith("i"):
        phrases.append(run[:-1] + _DOTTED_I)
    return " OR ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)
