"""`fetch-data` against a real HTTP server on loopback serving a zip we build here."""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.ingest.readers import REQUIRED_FILES
from server.ingest.sources import (
    DataNotFoundError,
    FetchError,
    fetch,
    http_download,
    resolve_data_dir,
)
from tests.conftest import SMALL_DATA, full_data_dir


@pytest.fixture
def archive_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serves tmp_path/www over HTTP on 127.0.0.1; yields (base url, www dir)."""
    www = tmp_path / "www"
    www.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(www), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", www
    server.shutdown()
    server.server_close()


def build_archive(source: Path, target: Path) -> str:
    with zipfile.ZipFile(target, "w") as archive:
        for name in (*REQUIRED_FILES, "readme.txt"):
            path = source / name
            if path.exists():
                archive.write(path, f"hetrec2011-lastfm-2k/{name}")
    return hashlib.sha256(target.read_bytes()).hexdigest()


def test_fetch_downloads_verifies_and_unpacks(
    archive_server: tuple[str, Path], tmp_path: Path
) -> None:
    base, www = archive_server
    digest = build_archive(full_data_dir(), www / "lastfm.zip")
    dest = tmp_path / "raw"
    where = fetch(dest, url=f"{base}/lastfm.zip", expected_sha256=digest, download=http_download)
    assert where == dest
    for name in REQUIRED_FILES:
        assert (dest / name).read_bytes() == (full_data_dir() / name).read_bytes()
    assert not [p for p in dest.iterdir() if p.is_dir()]  # no temporary leftovers


def test_checksum_mismatch_names_both_sums(
    archive_server: tuple[str, Path], tmp_path: Path
) -> None:
    base, www = archive_server
    digest = build_archive(full_data_dir(), www / "lastfm.zip")
    expected = "0" * 64
    with pytest.raises(FetchError) as caught:
        fetch(tmp_path / "raw", url=f"{base}/lastfm.zip", expected_sha256=expected)
    assert expected in str(caught.value)
    assert digest in str(caught.value)
    assert "--no-verify" in str(caught.value)
    assert not (tmp_path / "raw" / "artists.dat").exists()


def test_row_counts_are_checked(archive_server: tuple[str, Path], tmp_path: Path) -> None:
    base, www = archive_server
    build_archive(SMALL_DATA, www / "small.zip")
    with pytest.raises(FetchError, match="unexpected row counts"):
        fetch(tmp_path / "raw", url=f"{base}/small.zip", expected_sha256=None)


def test_download_errors_are_reported(archive_server: tuple[str, Path], tmp_path: Path) -> None:
    base, _www = archive_server
    with pytest.raises(FetchError, match="could not download"):
        fetch(tmp_path / "raw", url=f"{base}/missing.zip", expected_sha256=None)


def test_data_dir_resolution_order(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    assert resolve_data_dir(SMALL_DATA, None, raw) == SMALL_DATA
    assert resolve_data_dir(None, SMALL_DATA, raw) == SMALL_DATA
    with pytest.raises(DataNotFoundError, match="fetch-data"):
        resolve_data_dir(None, None, raw)
    with pytest.raises(DataNotFoundError, match="LASTFM_DATA_DIR"):
        resolve_data_dir(None, tmp_path, raw)
