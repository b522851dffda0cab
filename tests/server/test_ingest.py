"""Ingest: exact counts on the full dataset, byte-exact text, quarantine, policies, atomicity."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from server.db.engine import create_db_engine
from server.ingest.readers import USER_TAGGED_TIMESTAMPS, read_all
from server.ingest.service import IngestAbortedError, run_ingest
from tests.conftest import SMALL_DATA, full_data_dir

FULL_COUNTS = {
    "artists": 17632,
    "users": 1892,
    "tags": 11946,
    "user_artists": 92834,
    "user_taggedartists": 184941,
    "user_friends": 25434,
    "ingest_rejects": 1538,
}


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in FULL_COUNTS
        }


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.fixture
def engine_for(
    backend: str, new_database_url: Callable[[str, str], str]
) -> Callable[[str], Engine]:
    engines: list[Engine] = []

    def make(label: str) -> Engine:
        engine = create_db_engine(new_database_url(backend, label))
        engines.append(engine)
        return engine

    yield make  # type: ignore[misc]
    for engine in engines:
        engine.dispose()


def small_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(SMALL_DATA, target)
    return target


def test_full_dataset_loads_exact_counts(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("full_ingest")
    report = run_ingest(engine, full_data_dir())
    assert counts(engine) == FULL_COUNTS
    assert report.table_counts == FULL_COUNTS
    tagged = report.files["user_taggedartists.dat"]
    assert (tagged.read, tagged.loaded) == (186479, 184941)
    assert dict(tagged.quarantined) == {"unknown_artist": 1538}
    for file_report in report.files.values():
        assert file_report.read == file_report.loaded + file_report.quarantined_total
    orphan_ids = scalar(
        engine,
        "SELECT COUNT(DISTINCT detail) FROM ingest_rejects WHERE reason = 'unknown_artist'",
    )
    assert orphan_ids == 390


def test_full_dataset_text_is_byte_exact(full_db_url: str) -> None:
    engine = create_db_engine(full_db_url)
    try:
        assert scalar(engine, "SELECT name FROM artists WHERE id = 1686") == '"Weird Al" Yankovic'
        assert scalar(engine, "SELECT name FROM artists WHERE id = 2906") == "Royce da 5'9\""
        assert scalar(engine, "SELECT COUNT(*) FROM artists WHERE name LIKE '%\"%'") == 16
        values = {
            scalar(engine, 'SELECT "tagValue" FROM tags WHERE "tagValue" = :v', v=v)
            for v in ("fußball", "tropicália")
        }
        assert values == {"fußball", "tropicália"}
        assert scalar(engine, 'SELECT COUNT(*) FROM artists WHERE "pictureURL" IS NULL') == 444
    finally:
        engine.dispose()


def test_timestamp_is_utc_midnight_in_ms_without_timestamps_file(full_db_url: str) -> None:
    engine = create_db_engine(full_db_url)
    try:
        stamp = scalar(
            engine,
            'SELECT "timestamp" FROM user_taggedartists WHERE "userID" = 2 AND "artistID" = 52 '
            'AND "tagID" = 13',
        )
        assert stamp == 1238544000000  # 2009-04-01T00:00:00Z
        years = scalar(engine, "SELECT MIN(year) FROM user_taggedartists")
        assert years == 1956  # dates are kept as Last.fm recorded them
    finally:
        engine.dispose()


def test_quarantine_rows_keep_file_line_raw_and_reason(
    engine_for: Callable[[str], Engine],
) -> None:
    engine = engine_for("small_q")
    run_ingest(engine, SMALL_DATA)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT file, line_no, raw, reason FROM ingest_rejects")).all()
    assert [tuple(r) for r in rows] == [
        ("user_taggedartists.dat", 14, "3\t99\t1\t1\t1\t2009", "unknown_artist")
    ]


def test_rerun_is_idempotent_and_writes_nothing(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("small_idem")
    first = run_ingest(engine, SMALL_DATA)
    before = counts(engine)
    second = run_ingest(engine, SMALL_DATA)
    assert second.status == "unchanged"
    assert second.data_version == first.data_version
    assert counts(engine) == before


def test_replace_rebuilds_from_the_files(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("small_replace")
    run_ingest(engine, SMALL_DATA)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM artists WHERE id = 4"))
    report = run_ingest(engine, SMALL_DATA, replace=True)
    assert report.status == "loaded"
    assert scalar(engine, "SELECT name FROM artists WHERE id = 4") == "Radiohead"
    assert scalar(engine, 'SELECT COUNT(*) FROM user_artists WHERE "artistID" = 4') == 3


def test_other_data_is_not_overwritten_without_replace(
    engine_for: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = engine_for("small_other")
    run_ingest(engine, SMALL_DATA)
    other = small_copy(tmp_path)
    with (other / "artists.dat").open("a", encoding="utf-8") as handle:
        handle.write("9\tNew Artist\thttp://x\t\n")
    with pytest.raises(IngestAbortedError, match="--replace"):
        run_ingest(engine, other)
    assert scalar(engine, "SELECT COUNT(*) FROM artists") == 8


def test_orphans_stub_keeps_rows_with_placeholder_artists(
    engine_for: Callable[[str], Engine],
) -> None:
    engine = engine_for("small_stub")
    report = run_ingest(engine, SMALL_DATA, orphans="stub")
    assert report.stub_artists == 1
    assert scalar(engine, "SELECT name FROM artists WHERE id = 99") == "[unknown artist 99]"
    assert scalar(engine, "SELECT url FROM artists WHERE id = 99") is None
    assert scalar(engine, "SELECT COUNT(*) FROM user_taggedartists") == 14
    assert scalar(engine, "SELECT COUNT(*) FROM ingest_rejects") == 0


def test_orphans_fail_leaves_the_database_as_it_was(
    engine_for: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = engine_for("small_fail")
    clean = small_copy(tmp_path)
    lines = (clean / "user_taggedartists.dat").read_text().splitlines(keepends=True)
    (clean / "user_taggedartists.dat").write_text("".join(lines[:-2] + lines[-1:]))
    run_ingest(engine, clean)  # a clean dataset without the orphan row
    before = counts(engine)
    version = scalar(engine, "SELECT value FROM meta WHERE key = 'data_version'")
    with pytest.raises(IngestAbortedError, match="nothing was written") as caught:
        run_ingest(engine, SMALL_DATA, orphans="fail", replace=True)
    assert caught.value.report.status == "aborted"
    assert counts(engine) == before
    assert scalar(engine, "SELECT value FROM meta WHERE key = 'data_version'") == version


def test_failure_mid_load_rolls_back(
    engine_for: Callable[[str], Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.ingest import loader

    engine = engine_for("small_crash")
    run_ingest(engine, SMALL_DATA)
    before = counts(engine)

    def explode(_data: object) -> dict[str, object]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loader, "derived_rows", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_ingest(engine, SMALL_DATA, replace=True)
    assert counts(engine) == before
    if engine.dialect.name == "sqlite":
        assert scalar(engine, "PRAGMA foreign_keys") == 1


def test_sqlite_load_leaves_no_foreign_key_violations(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/fk.db")
    run_ingest(engine, SMALL_DATA, orphans="stub")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()


def test_deleting_a_user_cascades_everywhere(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("small_cascade")
    run_ingest(engine, SMALL_DATA)
    with engine.begin() as conn:
        conn.execute(text('DELETE FROM users WHERE "userID" = 2'))
    assert scalar(engine, 'SELECT COUNT(*) FROM user_artists WHERE "userID" = 2') == 0
    assert scalar(engine, 'SELECT COUNT(*) FROM user_taggedartists WHERE "userID" = 2') == 0
    both_directions = scalar(
        engine, 'SELECT COUNT(*) FROM user_friends WHERE "userID" = 2 OR "friendID" = 2'
    )
    assert both_directions == 0
    assert scalar(engine, "SELECT COUNT(*) FROM user_friends") == 4


def test_deleting_an_artist_cascades_to_listens_and_tags(
    engine_for: Callable[[str], Engine],
) -> None:
    engine = engine_for("small_cascade_artist")
    run_ingest(engine, SMALL_DATA)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM artists WHERE id = 4"))
    assert scalar(engine, 'SELECT COUNT(*) FROM user_artists WHERE "artistID" = 4') == 0
    assert scalar(engine, 'SELECT COUNT(*) FROM user_taggedartists WHERE "artistID" = 4') == 0


# -- malformed input: quarantined with a reason, never a traceback, never lost ----------------


def write_lines(path: Path, lines: list[str], *, encoding: str = "utf-8", eol: str = "\n") -> None:
    path.write_bytes(eol.join(lines).encode(encoding) + eol.encode())


def test_malformed_lines_are_quarantined_with_reasons(tmp_path: Path) -> None:
    data = small_copy(tmp_path)
    with (data / "user_artists.dat").open("a") as handle:
        handle.write("2\t6\n")  # wrong column count
        handle.write("x2\t6\t5\n")  # not an integer
        handle.write("2\t6\t-5\n")  # negative weight
        handle.write("2\t4\t77\n")  # duplicate key (2, 4)
        handle.write("0\t6\t5\n")  # invalid id
    with (data / "user_taggedartists.dat").open("a") as handle:
        handle.write("2\t6\t2\t30\t2\t2009\n")  # 30 February
        handle.write("2\t6\t2\t1\t13\t2009\n")  # month 13
        handle.write("2\t6\t42\t1\t1\t2009\n")  # unknown tag
    with (data / "user_friends.dat").open("a") as handle:
        handle.write("3\t3\n")  # self friendship
        handle.write("4\t2")  # duplicate, and no final newline
    with (data / "artists.dat").open("ab") as handle:
        handle.write(b"9\tBad \xff bytes\thttp://x\t\n")  # not UTF-8
        handle.write(b"10\t\thttp://x\t\n")  # empty name
    data_report = read_all(data)
    reasons = {name: dict(rep.quarantined) for name, rep in data_report.files.items()}
    assert reasons["user_artists.dat"] == {
        "wrong_column_count": 1,
        "not_an_integer": 1,
        "negative_weight": 1,
        "duplicate_key": 1,
        "invalid_id": 1,
    }
    assert reasons["user_taggedartists.dat"] == {
        "impossible_date": 2,
        "unknown_tag": 1,
        "unknown_artist": 1,
    }
    assert reasons["user_friends.dat"] == {"self_friendship": 1, "duplicate_key": 1}
    assert reasons["artists.dat"] == {"undecodable_bytes": 1, "empty_value": 1}
    for rep in data_report.files.values():
        assert rep.read == rep.loaded + rep.quarantined_total
    bad = next(r for r in data_report.rejects if r.reason == "undecodable_bytes")
    assert bad.line_no == 10
    assert bad.raw == "9\tBad \\xff bytes\thttp://x\t"
    loaded_artists = {row[1] for row in data_report.artists}
    assert "Björk" in loaded_artists  # the good lines of the file still load


def test_crlf_and_headerless_files_read_the_same(tmp_path: Path) -> None:
    data = small_copy(tmp_path)
    friends = (data / "user_friends.dat").read_text().splitlines()
    write_lines(data / "user_friends.dat", friends, eol="\r\n")
    ua = (data / "user_artists.dat").read_text().splitlines()
    write_lines(data / "user_artists.dat", ua[1:])  # header missing: first row is data
    parsed = read_all(data)
    assert len(parsed.friends) == 8
    assert parsed.files["user_friends.dat"].read == 8
    assert len(parsed.user_artists) == 11


def test_truncated_file_gives_a_report_not_a_traceback(tmp_path: Path) -> None:
    data = small_copy(tmp_path)
    raw = (data / "user_taggedartists.dat").read_bytes()
    (data / "user_taggedartists.dat").write_bytes(raw[: raw.rindex(b"\t")])  # cut mid-line
    (data / "user_friends.dat").write_bytes(b"userID\tfriendID\n2\t3\n3\t2\n5\t")
    parsed = read_all(data)
    tagged = parsed.files["user_taggedartists.dat"]
    assert (tagged.read, tagged.loaded) == (14, 12)  # the orphan and the cut line
    assert dict(tagged.quarantined) == {"unknown_artist": 1, "wrong_column_count": 1}
    friends = parsed.files["user_friends.dat"]
    assert (friends.read, friends.loaded, dict(friends.quarantined)) == (
        3,
        2,
        {"not_an_integer": 1},
    )


def test_implausible_years_are_impossible_dates(tmp_path: Path) -> None:
    data = small_copy(tmp_path)
    with (data / "user_taggedartists.dat").open("a") as handle:
        handle.write("2\t6\t2\t1\t1\t20\n")  # a truncated "2009"
        handle.write("2\t6\t2\t1\t1\t1956\n")  # odd but as Last.fm recorded it: kept
    parsed = read_all(data)
    assert dict(parsed.files["user_taggedartists.dat"].quarantined) == {
        "unknown_artist": 1,
        "impossible_date": 1,
    }
    assert (2, 6, 2) in {(r[0], r[1], r[2]) for r in parsed.tagged}


def test_timestamps_file_is_used_when_present(tmp_path: Path) -> None:
    data = small_copy(tmp_path)
    write_lines(
        data / USER_TAGGED_TIMESTAMPS,
        [
            "userID\tartistID\ttagID\ttimestamp",
            "2\t4\t1\t1199188800000",  # 2008-01-01T12:00:00Z
            "9\t9\t9\t1199188800000",  # matches no assignment
        ],
    )
    parsed = read_all(data)
    stamps = {(r[0], r[1], r[2]): r[3] for r in parsed.tagged}
    assert stamps[(2, 4, 1)] == 1199188800000
    assert stamps[(2, 4, 6)] == 1199145600000  # no timestamp row: midnight of the day
    ts_report = parsed.files[USER_TAGGED_TIMESTAMPS]
    assert ts_report.read == 2
    assert dict(ts_report.quarantined) == {"no_matching_assignment": 1}


CATALOGUE = """
SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
UNION ALL
SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = to_regnamespace(current_schema())
"""


def test_postgres_load_rebuilds_every_index_and_foreign_key(
    new_database_url: Callable[[str, str], str],
) -> None:
    """The PostgreSQL load drops foreign keys and secondary indexes around COPY; afterwards
    the catalogue is exactly what the schema made, and a broken reference fails the load."""
    from server.db.schema import ensure_schema
    from server.ingest import loader

    engine = create_db_engine(new_database_url("postgresql", "catalogue"))
    try:
        ensure_schema(engine)
        with engine.connect() as conn:
            before = sorted(tuple(row) for row in conn.execute(text(CATALOGUE)))
        run_ingest(engine, SMALL_DATA)
        with engine.connect() as conn:
            after = sorted(tuple(row) for row in conn.execute(text(CATALOGUE)))
        assert after == before
        assert any(kind == "constraint" and "FOREIGN KEY" in d for kind, _n, d in after)
        assert any(kind == "index" and name.startswith("ix_") for kind, name, _d in after)
        loaded = counts(engine)

        original = loader.PostgresBulkLoad.insert

        def dangling(self: loader.PostgresBulkLoad, table: str, rows: object) -> None:
            original(self, table, rows)  # type: ignore[arg-type]
            if table == "user_artists":
                self._rows[table].append((999_999, 1, 5))  # a user that does not exist

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(loader.PostgresBulkLoad, "insert", dangling)
            with pytest.raises(Exception, match="foreign key"):
                run_ingest(engine, SMALL_DATA, replace=True)
        assert counts(engine) == loaded
        with engine.connect() as conn:
            assert sorted(tuple(row) for row in conn.execute(text(CATALOGUE))) == before
    finally:
        engine.dispose()
