"""The model's life against a database: read, train, save, find, load.

- `train_to_file` — what ``soundstream recommend train`` runs: read every table through the
  repositories in one snapshot, fit (tuning the blend on a validation split), save under
  the data version it read.
- `ensure_recommender` — what ``soundstream up`` calls before serving: train only when this
  database has no model for its current data version.
- `load_recommender` — what the app calls at start-up: the model for the current data
  version, else the newest older one of the same database (stale, but listens written since
  are folded in per request), else None.
- `fit_in_process` — a model trained on the spot without tuning, for databases small enough
  that it takes milliseconds (the test fixtures, a fresh install).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.config import Settings
from server.db.engine import create_db_engine, database_label
from server.db.meta import SOURCE_FINGERPRINT, get_data_version, get_meta
from server.recommend.data import Interactions
from server.recommend.persistence import (
    DEFAULT_MODEL_DIR,
    database_key,
    find_model_file,
    load_model_file,
    model_path,
    new_model_version,
    save_recommender,
    utc_now,
)
from server.recommend.recommender import ModelInfo, Recommender
from server.recommend.training import Progress, TrainingReport, silent, train_hybrid
from server.repositories import recommend as repo

log = logging.getLogger("soundstream.recommend")


def model_dir_for(settings: Settings, override: Path | None = None) -> Path:
    """``override``, else a ``recommender_model_dir`` setting if the project adds one, else
    ``data/models`` (relative to the working directory, like the default SQLite file)."""
    if override is not None:
        return override
    configured = getattr(settings, "recommender_model_dir", None)
    return Path(configured) if configured else DEFAULT_MODEL_DIR


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The database's rows at one data version, and which database it is."""

    data: Interactions
    data_version: int
    key: str
    source_fingerprint: str | None


@contextmanager
def snapshot_session(engine: Engine) -> Iterator[Session]:
    """A read-only session whose statements all see one state of the database.

    PostgreSQL: REPEATABLE READ (READ COMMITTED would let a write land between reading the
    data version and reading the listens). SQLite in WAL mode: one read transaction is one
    snapshot already.
    """
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with engine.connect().execution_options(**options) as conn, Session(bind=conn) as session:
        yield session


def read_interactions(session: Session) -> Interactions:
    """Every user, artist, tag, listen, friendship and tag assignment, as matrices."""
    return Interactions.from_rows(
        user_ids=repo.user_ids(session),
        artist_ids=repo.artist_ids(session),
        tag_ids=repo.tag_ids(session),
        listens=repo.listen_rows(session),
        friendships=repo.friendship_rows(session),
        tag_assignments=repo.tag_assignment_rows(session),
    )


def identity(session: Session, settings: Settings) -> tuple[int, str, str | None]:
    """``(data version, database key, source fingerprint)`` of the session's database."""
    fingerprint = get_meta(session, SOURCE_FINGERPRINT)
    key = database_key(database_label(settings.database_url), fingerprint)
    return get_data_version(session), key, fingerprint


def read_snapshot(engine: Engine, settings: Settings) -> Snapshot:
    with snapshot_session(engine) as session:
        version, key, fingerprint = identity(session, settings)
        data = read_interactions(session)
    return Snapshot(data, version, key, fingerprint)


def build_recommender(
    snapshot: Snapshot, *, tune: bool, progress: Progress = silent, model_version: str
) -> tuple[Recommender, TrainingReport]:
    model, report = train_hybrid(snapshot.data, tune=tune, progress=progress)
    info = ModelInfo(
        model_version=model_version,
        data_version=snapshot.data_version,
        trained_at=utc_now(),
        source_fingerprint=snapshot.source_fingerprint,
        extra={"training": report.as_dict()},
    )
    recommender = Recommender(
        model,
        info,
        user_ids=snapshot.data.user_ids,
        artist_ids=snapshot.data.artist_ids,
        tag_ids=snapshot.data.tag_ids,
    )
    return recommender, report


@dataclass(slots=True)
class TrainResult:
    path: Path
    recommender: Recommender
    report: TrainingReport
    seconds: dict[str, float] = field(default_factory=dict)


def train_to_file(
    settings: Settings,
    *,
    model_dir: Path | None = None,
    tune: bool = True,
    progress: Progress = silent,
) -> TrainResult:
    """Read the database, fit the hybrid, save it keyed by the data version it read."""
    directory = model_dir_for(settings, model_dir)
    engine = create_db_engine(settings.database_url)
    try:
        clock = time.perf_counter()
        progress("reading the database")
        snapshot = read_snapshot(engine, settings)
        read_seconds = time.perf_counter() - clock
    finally:
        engine.dispose()
    trained_at = utc_now()
    version = new_model_version(snapshot.data_version, snapshot.key, trained_at)
    clock = time.perf_counter()
    recommender, report = build_recommender(
        snapshot, tune=tune, progress=progress, model_version=version
    )
    train_seconds = time.perf_counter() - clock
    progress("saving")
    seconds = {"read": read_seconds, "train": train_seconds}
    path = save_recommender(
        recommender,
        directory,
        snapshot.key,
        metadata={
            "training": report.as_dict(),
            "timings": {k: round(v, 3) for k, v in seconds.items()},
            "listens": int(snapshot.data.plays.nnz),
        },
    )
    log.info("model %s saved to %s", version, path)
    return TrainResult(path, recommender, report, seconds)


def current_model_path(settings: Settings, model_dir: Path | None = None) -> Path | None:
    """The model file for the database's current data version, if it exists."""
    engine = create_db_engine(settings.database_url)
    try:
        with snapshot_session(engine) as session:
            version, key, _fingerprint = identity(session, settings)
    finally:
        engine.dispose()
    path = model_path(model_dir_for(settings, model_dir), version, key)
    return path if path.is_file() and path.with_suffix(".json").is_file() else None


def ensure_recommender(
    settings: Settings, *, model_dir: Path | None = None, progress: Progress = silent
) -> Path:
    """The current model's path, training it first if it is missing or stale (for ``up``)."""
    existing = current_model_path(settings, model_dir)
    if existing is not None:
        return existing
    return train_to_file(settings, model_dir=model_dir, progress=progress).path


def load_recommender(settings: Settings, *, model_dir: Path | None = None) -> Recommender | None:
    """The model to serve: this database's for its current data version, else its newest
    older one (logged as stale), else None. Never raises: a server without a model still
    answers (see `server.services.recommend`)."""
    directory = model_dir_for(settings, model_dir)
    if not directory.is_dir():
        return None
    engine = create_db_engine(settings.database_url)
    try:
        with snapshot_session(engine) as session:
            version, key, _fingerprint = identity(session, settings)
    except SQLAlchemyError as exc:
        log.warning("recommender not loaded: cannot read the database (%s)", exc)
        return None
    finally:
        engine.dispose()
    found = find_model_file(directory, key, version)
    if found is None:
        log.info("no recommender model in %s for data version %d", directory, version)
        return None
    path, exact = found
    try:
        recommender = load_model_file(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("recommender model %s not loaded: %s", path, exc)
        return None
    if not exact:
        log.warning(
            "recommender model %s is for data version %d, the database is at %d: serving it "
            "(new listens are folded in per request); run `soundstream recommend train`",
            path,
            recommender.info.data_version,
            version,
        )
    return recommender


def fit_in_process(session: Session, settings: Settings) -> Recommender:
    """A model for a small database, trained now with default blend weights (no tuning:
    too few users to tune on). Reads in the caller's session."""
    version, key, fingerprint = identity(session, settings)
    snapshot = Snapshot(read_interactions(session), version, key, fingerprint)
    recommender, _report = build_recommender(
        snapshot, tune=False, model_version=f"in-process-v{version}"
    )
    return recommender
