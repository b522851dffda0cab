"""Where the dataset comes from: a given directory, ``LASTFM_DATA_DIR``, ``data/raw/`` or the
GroupLens archive (`fetch`)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from server.ingest.readers import HEADERS, REQUIRED_FILES, USER_TAGGED_TIMESTAMPS

# Data rows (header excluded) per file as the dataset's readme states them.
EXPECTED_ROWS: dict[str, int] = {
    "artists.dat": 17632,
    "tags.dat": 11946,
    "user_artists.dat": 92834,
    "user_taggedartists.dat": 186479,
    "user_friends.dat": 25434,
}
FINGERPRINT_FORMAT = "1"  # bump when the parsing rules change, so `up` re-ingests


class DataNotFoundError(Exception):
    """No directory holds the dataset; the message says how to get it."""


class FetchError(Exception):
    """The download, checksum or unpacked files are not what they should be."""


def has_dataset(directory: Path) -> bool:
    return all((directory / name).is_file() for name in REQUIRED_FILES)


def resolve_data_dir(explicit: Path | None, env_dir: Path | None, raw_dir: Path) -> Path:
    """`--data-dir`, then `LASTFM_DATA_DIR`, then `data/raw/`, else a helpful error."""
    tried: list[str] = []
    for label, candidate in (("--data-dir", explicit), ("LASTFM_DATA_DIR", env_dir)):
        if candidate is None:
            continue
        if has_dataset(candidate):
            return candidate
        raise DataNotFoundError(
            f"{label}={candidate} does not hold the dataset files "
            f"({', '.join(REQUIRED_FILES)}); missing: {missing_files(candidate)}"
        )
    for candidate in (raw_dir, raw_dir / "hetrec2011-lastfm-2k"):
        tried.append(str(candidate))
        if has_dataset(candidate):
            return candidate
    raise DataNotFoundError(
        "the HetRec 2011 Last.fm-2k files were not found (looked in --data-dir, "
        f"LASTFM_DATA_DIR, {', '.join(tried)}). Download them with `soundstream fetch-data` "
        "or point LASTFM_DATA_DIR at a directory holding them."
    )


def missing_files(directory: Path) -> str:
    return ", ".join(n for n in REQUIRED_FILES if not (directory / n).is_file()) or "none"


def fingerprint(directory: Path, orphans_policy: str) -> str:
    """SHA-256 over the input files and the options that shape the database."""
    digest = hashlib.sha256(f"format={FINGERPRINT_FORMAT};orphans={orphans_policy}".encode())
    for name in (*REQUIRED_FILES, USER_TAGGED_TIMESTAMPS):
        path = directory / name
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"-")
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_data_rows(path: Path) -> int:
    lines = path.read_bytes().replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    header = "\t".join(HEADERS[path.name]).encode()
    return len(lines) - (1 if lines and lines[0] == header else 0)


def check_row_counts(directory: Path) -> list[str]:
    """Differences from the readme's row counts (empty when the files are complete)."""
    problems = []
    for name, expected in EXPECTED_ROWS.items():
        found = count_data_rows(directory / name)
        if found != expected:
            problems.append(f"{name}: {found:,} data rows, expected {expected:,}")
    return problems


Download = Callable[[str, Path], None]


def http_download(url: str, target: Path) -> None:
    import httpx

    with httpx.stream("GET", url, follow_redirects=True, timeout=60.0) as response:
        response.raise_for_status()
        with target.open("wb") as handle:
            for chunk in response.iter_bytes():
                handle.write(chunk)


def fetch(
    dest: Path,
    *,
    url: str,
    expected_sha256: str | None,
    download: Download = http_download,
) -> Path:
    """Download, verify and unpack the archive into ``dest``; return the directory of files.

    The default URL and checksum live in `Settings` (the checksum is the one other projects
    pin; it could not be confirmed from this project's network, hence ``--no-verify``).

    The archive is unpacked into a temporary directory and moved into place only once its
    checksum and row counts are right, so a failed fetch never leaves half a dataset behind.
    """
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        archive = Path(tmp) / "hetrec2011-lastfm-2k.zip"
        try:
            download(url, archive)
        except Exception as exc:  # network errors come in many types; report them all alike
            raise FetchError(f"could not download {url}: {exc}") from exc
        actual = sha256_file(archive)
        if expected_sha256 is not None and actual != expected_sha256:
            raise FetchError(
                f"checksum mismatch for {url}: expected sha256 {expected_sha256}, got {actual}. "
                "Re-run with --no-verify to accept this archive."
            )
        unpacked = Path(tmp) / "unpacked"
        try:
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.infolist():
                    name = Path(member.filename).name
                    if member.is_dir() or not name.endswith((".dat", ".txt")):
                        continue
                    unpacked.mkdir(exist_ok=True)
                    with zipped.open(member) as src, (unpacked / name).open("wb") as out:
                        shutil.copyfileobj(src, out)
        except zipfile.BadZipFile as exc:
            raise FetchError(f"{url} is not a zip archive: {exc}") from exc
        if not has_dataset(unpacked):
            raise FetchError(f"the archive lacks dataset files: {missing_files(unpacked)}")
        problems = check_row_counts(unpacked)
        if problems:
            raise FetchError("unexpected row counts: " + "; ".join(problems))
        for path in unpacked.iterdir():
            path.replace(dest / path.name)
    return dest
