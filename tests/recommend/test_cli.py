"""`soundstream recommend train|evaluate` in-process (typer's runner) on the small fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import app
from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from server.recommend.lifecycle import ensure_recommender, load_recommender
from tests.conftest import SMALL_DATA, make_settings

runner = CliRunner()


@pytest.fixture
def small_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()
    return url


def test_train_writes_a_model_keyed_by_data_version_then_skips(
    small_sqlite: str, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    args = ["recommend", "train", "--database-url", small_sqlite, "--model-dir", str(models)]

    first = runner.invoke(app, args)
    second = runner.invoke(app, args)

    assert first.exit_code == 0, first.output
    assert "data version 1" in first.output
    assert "default blend (not tuned)" in first.output  # 4 users: too few to tune on
    [npz] = models.glob("recommender-v1-*.npz")
    metadata = json.loads(npz.with_suffix(".json").read_text())
    assert metadata["data_version"] == 1
    assert metadata["model_version"].startswith("hybrid-v1-")
    assert second.exit_code == 0
    assert "model up to date" in second.output
    loaded = load_recommender(make_settings(small_sqlite), model_dir=models)
    assert loaded is not None
    assert loaded.model_version == metadata["model_version"]


def test_ensure_trains_only_when_the_model_is_missing(small_sqlite: str, tmp_path: Path) -> None:
    settings = make_settings(small_sqlite)

    path = ensure_recommender(settings, model_dir=tmp_path)
    stamp = path.stat().st_mtime_ns

    assert ensure_recommender(settings, model_dir=tmp_path) == path
    assert path.stat().st_mtime_ns == stamp


def test_load_finds_nothing_for_another_database(small_sqlite: str, tmp_path: Path) -> None:
    ensure_recommender(make_settings(small_sqlite), model_dir=tmp_path)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    engine = create_db_engine(other)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()

    assert load_recommender(make_settings(other), model_dir=tmp_path) is None


def test_evaluate_refuses_data_without_enough_artists_per_user(small_sqlite: str) -> None:
    result = runner.invoke(app, ["recommend", "evaluate", "--database-url", small_sqlite])

    assert result.exit_code == 1
    assert "nothing to hold out" in result.output


def test_evaluate_rejects_unknown_models(small_sqlite: str) -> None:
    result = runner.invoke(
        app, ["recommend", "evaluate", "--database-url", small_sqlite, "--models", "magic"]
    )

    assert result.exit_code == 2
