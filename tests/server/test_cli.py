"""The `soundstream` command as users run it: a real subprocess, real files, real databases."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from server.db.schema import HEAD_REVISION
from tests.conftest import SMALL_DATA


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LASTFM_DATA_DIR")
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_ingest_command_prints_table_and_writes_json_report(
    backend: str, new_database_url: Callable[[str, str], str], tmp_path: Path
) -> None:
    url = new_database_url(backend, "cli")
    report_path = tmp_path / "report.json"
    result = run_cli(
        "ingest", "--data-dir", str(SMALL_DATA), "--database-url", url, "--report", str(report_path)
    )
    assert result.returncode == 0, result.stderr
    assert "user_taggedartists.dat" in result.stdout
    assert "unknown_artist=1" in result.stdout
    report = json.loads(report_path.read_text())
    tagged = next(f for f in report["files"] if f["file"] == "user_taggedartists.dat")
    assert tagged == {
        "file": "user_taggedartists.dat",
        "read": 14,
        "loaded": 13,
        "quarantined": 1,
        "quarantined_by_reason": {"unknown_artist": 1},
    }
    assert report["table_counts"]["users"] == 5
    again = run_cli("ingest", "--data-dir", str(SMALL_DATA), "--database-url", url)
    assert again.returncode == 0
    assert "ingest unchanged" in again.stdout


def test_database_url_comes_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    result = run_cli(
        "ingest", env={"DATABASE_URL": f"sqlite:///{db}", "LASTFM_DATA_DIR": str(SMALL_DATA)}
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM artists").fetchone() == (8,)


def test_default_database_is_the_sqlite_file_under_data(tmp_path: Path) -> None:
    result = run_cli("ingest", "--data-dir", str(SMALL_DATA), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "soundstream.db").is_file()


def test_orphans_fail_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "fail.db"
    result = run_cli(
        "ingest",
        "--data-dir",
        str(SMALL_DATA),
        "--database-url",
        f"sqlite:///{db}",
        "--orphans",
        "fail",
    )
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM artists").fetchone() == (0,)


def test_missing_data_says_how_to_get_it(tmp_path: Path) -> None:
    result = run_cli("ingest", "--database-url", f"sqlite:///{tmp_path}/x.db", cwd=tmp_path)
    assert result.returncode == 1
    assert "soundstream fetch-data" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_file_gives_a_report_not_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SMALL_DATA, data)
    with (data / "user_artists.dat").open("a") as handle:
        handle.write("garbage line\n2\t5\n")
    result = run_cli(
        "ingest", "--data-dir", str(data), "--database-url", f"sqlite:///{tmp_path}/m.db"
    )
    assert result.returncode == 0, result.stderr
    assert "wrong_column_count=2" in result.stdout
    assert "Traceback" not in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/up.db"
    result = run_cli("db", "upgrade", "--database-url", url)
    assert result.returncode == 0, result.stderr
    current = run_cli("db", "current", "--database-url", url)
    assert current.stdout.strip() == HEAD_REVISION
