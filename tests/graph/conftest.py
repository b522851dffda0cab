"""Real-data fixtures for the graph tests: rows read straight from the shared ``.dat`` files.

No server, no database: the graph package takes plain rows, so the tests read them here. The
dataset comes from ``LASTFM_DATA_DIR``, else ``../shared/data/hetrec2011-lastfm-2k`` beside the
repository. Missing data skips these tests locally and fails them in CI (``CI`` set), where a
skip would hide breakage.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_FILES = ("user_friends.dat", "user_artists.dat", "user_taggedartists.dat")


def _read_ints(path: Path, columns: int) -> list[tuple[int, ...]]:
    with path.open(encoding="ascii") as lines:
        next(lines)  # header
        return [tuple(int(v) for v in line.split("\t")[:columns]) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def lastfm_dir() -> Path:
    env = os.environ.get("LASTFM_DATA_DIR")
    directory = Path(env) if env else REPO_ROOT.parent / "shared" / "data" / "hetrec2011-lastfm-2k"
    if all((directory / name).is_file() for name in DATA_FILES):
        return directory
    if os.environ.get("CI"):
        pytest.fail(f"the Last.fm dataset is required in CI, not found in {directory}")
    pytest.skip(f"Last.fm dataset not found in {directory}: set LASTFM_DATA_DIR")


@pytest.fixture(scope="session")
def friend_rows(lastfm_dir: Path) -> list[tuple[int, int]]:
    return [(u, v) for u, v in _read_ints(lastfm_dir / "user_friends.dat", 2)]


@pytest.fixture(scope="session")
def listen_rows(lastfm_dir: Path) -> list[tuple[int, int, float]]:
    return [(u, a, w) for u, a, w in _read_ints(lastfm_dir / "user_artists.dat", 3)]


@pytest.fixture(scope="session")
def user_tag_rows(lastfm_dir: Path) -> list[tuple[int, int, float]]:
    """``(user, tag, count)``: tag assignments counted per user and tag."""
    counts = Counter((u, t) for u, _a, t in _read_ints(lastfm_dir / "user_taggedartists.dat", 3))
    return [(u, t, c) for (u, t), c in sorted(counts.items())]
