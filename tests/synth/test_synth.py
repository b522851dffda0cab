"""The synthetic data generator: deterministic, ingestible as is, shaped like the real data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import app
from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from server.synth.generate import MANIFEST, generate
from server.synth.shape import RealShape, fit_shape
from server.synth.summary import TOLERANCES, compare, summarise
from tests.conftest import full_data_dir

# Every test draws from the real dataset's shape.
pytestmark = pytest.mark.full

DAT_FILES = (
    "artists.dat",
    "tags.dat",
    "user_artists.dat",
    "user_taggedartists.dat",
    "user_friends.dat",
)


@pytest.fixture(scope="module")
def real_dir() -> Path:
    return full_data_dir()


@pytest.fixture(scope="module")
def shape(real_dir: Path) -> RealShape:
    return fit_shape(real_dir)


@pytest.fixture(scope="module")
def small_synth(shape: RealShape, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tenth of the real data in users (189 users), seed 0."""
    out = tmp_path_factory.mktemp("synth-0.1")
    generate(shape, out, scale=0.1, seed=0)
    return out


@pytest.fixture(scope="module")
def synth_1x(shape: RealShape, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-1x")
    generate(shape, out, scale=1, seed=0)
    return out


def file_bytes(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in (*DAT_FILES, MANIFEST)}


def test_same_seed_writes_the_same_bytes(
    shape: RealShape, small_synth: Path, tmp_path: Path
) -> None:
    generate(shape, tmp_path, scale=0.1, seed=0)

    assert file_bytes(tmp_path) == file_bytes(small_synth)


def test_another_seed_writes_other_data(
    shape: RealShape, small_synth: Path, tmp_path: Path
) -> None:
    generate(shape, tmp_path, scale=0.1, seed=1)

    other, first = file_bytes(tmp_path), file_bytes(small_synth)
    assert all(other[name] != first[name] for name in DAT_FILES)


def test_ingest_quarantines_nothing(
    backend: str, new_database_url: Callable[[str, str], str], small_synth: Path
) -> None:
    engine = create_db_engine(new_database_url(backend, "synth"))
    try:
        report = run_ingest(engine, small_synth)
    finally:
        engine.dispose()

    manifest = json.loads((small_synth / MANIFEST).read_text())
    assert [f.quarantined_total for f in report.files.values()] == [0] * len(DAT_FILES)
    assert report.table_counts["ingest_rejects"] == 0
    assert report.table_counts["users"] == manifest["users"]
    assert report.table_counts["artists"] == manifest["artists"]
    assert report.table_counts["user_artists"] == manifest["listens"]
    assert report.table_counts["user_taggedartists"] == manifest["tag_assignments"]
    assert report.table_counts["user_friends"] == 2 * manifest["friendships"]


def test_summary_statistics_match_the_real_data_at_1x(real_dir: Path, synth_1x: Path) -> None:
    rows = compare(summarise(real_dir), summarise(synth_1x))

    outside = [row for row in rows if row.holds is False]
    assert {row.name for row in rows if row.holds is not None} == set(TOLERANCES)
    assert outside == []


def test_sizes_grow_with_the_scale_as_designed(
    shape: RealShape, small_synth: Path, synth_1x: Path
) -> None:
    tenth = json.loads((small_synth / MANIFEST).read_text())
    whole = json.loads((synth_1x / MANIFEST).read_text())

    assert whole["users"] == shape.users
    assert tenth["users"] == round(shape.users / 10)
    # Listens grow with the users; the artist catalogue sub-linearly (Heaps' law).
    assert 8 < whole["listens"] / tenth["listens"] < 12
    assert 1 < whole["artists"] / tenth["artists"] < 10**shape.artist_heaps * 1.3


def test_files_keep_the_ingest_honest(synth_1x: Path) -> None:
    artists = (synth_1x / "artists.dat").read_text(encoding="utf-8").splitlines()[1:]
    tags = (synth_1x / "tags.dat").read_bytes().decode("iso-8859-1").splitlines()[1:]

    assert any('"' in line.split("\t")[1] for line in artists)
    assert any(not line.split("\t")[1].isascii() for line in artists)
    assert any(line.endswith("\t") for line in artists)  # no picture URL
    assert any(not line.isascii() for line in tags)
    with pytest.raises(UnicodeDecodeError):
        (synth_1x / "tags.dat").read_bytes().decode("utf-8")


def test_friendships_are_written_in_both_directions(small_synth: Path) -> None:
    lines = (small_synth / "user_friends.dat").read_text().splitlines()[1:]
    pairs = {tuple(line.split("\t")) for line in lines}

    assert pairs == {(b, a) for a, b in pairs}
    assert all(a != b for a, b in pairs)


def test_scale_must_be_positive(shape: RealShape, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        generate(shape, tmp_path, scale=0, seed=0)


def test_cli_writes_a_dataset(real_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    result = CliRunner().invoke(
        app,
        ["synth", "--scale", "0.05", "--out", str(out), "--seed", "3", "--data-dir", str(real_dir)],
    )

    assert result.exit_code == 0, result.output
    assert "95 users" in result.output
    assert json.loads((out / MANIFEST).read_text())["seed"] == 3
    assert all((out / name).is_file() for name in DAT_FILES)


def test_cli_refuses_to_overwrite_the_real_data(real_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--scale", "1", "--out", str(real_dir), "--data-dir", str(real_dir)]
    )

    assert result.exit_code == 1
    assert "must not be the real dataset" in result.output
