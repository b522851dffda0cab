"""Shared fixtures: every database test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL comes from ``TEST_POSTGRES_URL``, else a PostgreSQL ``DATABASE_URL``, else the
local server's ``test`` database; it is only the place to run CREATE DATABASE. Each test
session creates its own databases (one per xdist worker) and drops them at the end.
Locally, without PostgreSQL, the PostgreSQL half is skipped with a reason; in CI (``CI``
set) an unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from server.config import Settings
from server.db.engine import create_db_engine, normalise_url
from server.ingest.service import run_ingest
from server.main import create_app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL_DATA = FIXTURES / "small"
API_KEY = "test-key-0123456789"
BACKENDS = ("sqlite", "postgresql")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def full_data_dir() -> Path:
    """The full shared dataset (LASTFM_DATA_DIR, else ../shared beside the project)."""
    env = os.environ.get("LASTFM_DATA_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "data" / "hetrec2011-lastfm-2k")
    for candidate in candidates:
        if (candidate / "user_taggedartists.dat").is_file():
            return candidate
    if os.environ.get("CI"):
        pytest.fail("the full dataset is required in CI: set LASTFM_DATA_DIR")
    pytest.skip("full dataset not found: set LASTFM_DATA_DIR")


class PostgresServer:
    """Creates and drops uniquely named databases on the test PostgreSQL server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []
        self._admin: Engine | None = None

    def admin(self) -> Engine:
        if self._admin is None:
            engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            self._admin = engine
        return self._admin

    def create_database(self, label: str) -> str:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"ss_{label}_{worker}_{uuid.uuid4().hex[:8]}"
        with self.admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = os.environ["DATABASE_URL"]
    server = PostgresServer(normalise_url(url or DEFAULT_PG))
    yield server
    server.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _require_postgres(server: PostgresServer) -> None:
    try:
        server.admin()
    except Exception as exc:  # any connection failure means "no server here"
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable ({type(exc).__name__}); set TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def new_database_url(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], str]:
    """``factory(backend, label)`` -> URL of a new, empty database."""

    def factory(backend: str, label: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp(label) / f"{label}.db"
            return f"sqlite:///{path}"
        _require_postgres(postgres)
        return postgres.create_database(label)

    return factory


@pytest.fixture(scope="session")
def full_db_url(backend: str, new_database_url: Callable[[str, str], str]) -> str:
    """The full shared dataset, ingested once per backend. Read-only: do not write to it."""
    data_dir = full_data_dir()
    url = new_database_url(backend, "full")
    engine = create_db_engine(url)
    run_ingest(engine, data_dir)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def _small_db_url_shared(backend: str, new_database_url: Callable[[str, str], str]) -> str:
    return new_database_url(backend, "small")


@pytest.fixture
def small_db_url(
    backend: str, _small_db_url_shared: str, new_database_url: Callable[[str, str], str]
) -> str:
    """A fresh copy of the small hand-made dataset (tests/fixtures/small) per test: writable."""
    url = new_database_url("sqlite", "small") if backend == "sqlite" else _small_db_url_shared
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA, replace=True)
    engine.dispose()
    return url


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "soundstream_api_keys": [API_KEY],
        "rate_limit_per_minute": 0,
        "redis_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def full_client(full_db_url: str) -> Iterator[TestClient]:
    """A client over the full dataset (read-only)."""
    with TestClient(create_app(make_settings(full_db_url))) as client:
        yield client


@pytest.fixture
def client(small_db_url: str) -> Iterator[TestClient]:
    """A client over a fresh small dataset; writes allowed with `auth` headers."""
    with TestClient(create_app(make_settings(small_db_url))) as client:
        yield client


@pytest.fixture
def auth() -> dict[str, str]:
    return {"X-API-Key": API_KEY}


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements ``engine`` executes inside the block (N+1 tests)."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
