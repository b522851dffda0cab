"""Fixtures for the SDK tests: a real uvicorn server on loopback over the small fixture.

- `read_url`: one server per test session (per xdist worker) over a SQLite copy of the small
  dataset, for the many tests that only read.
- `write_url`: a server over a fresh copy of the small dataset per test (`small_db_url`), so
  like every database test of the project these run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from soundstream_sdk import AsyncSoundStream, SoundStream

from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from tests.conftest import API_KEY, SMALL_DATA, make_settings
from tests.server.live import live_server


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (``pytest.mark.anyio``, anyio's own plugin) run on asyncio."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK reads SOUNDSTREAM_URL and SOUNDSTREAM_API_KEY; tests set what they need."""
    monkeypatch.delenv("SOUNDSTREAM_URL", raising=False)
    monkeypatch.delenv("SOUNDSTREAM_API_KEY", raising=False)


@pytest.fixture(scope="session")
def read_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over the small dataset, shared by read-only tests: never write to it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sdk-read')}/small.db"
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()
    with live_server(make_settings(url)) as base:
        yield base


@pytest.fixture
def write_url(small_db_url: str) -> Iterator[str]:
    """A live server over a fresh, writable copy of the small dataset."""
    with live_server(make_settings(small_db_url)) as base:
        yield base


@pytest.fixture
def client(read_url: str) -> Iterator[SoundStream]:
    """A read-only client (no API key)."""
    with SoundStream(base_url=read_url) as client:
        yield client


@pytest.fixture
def writer(write_url: str) -> Iterator[SoundStream]:
    """A client with the API key, over a fresh dataset."""
    with SoundStream(base_url=write_url, api_key=API_KEY) as client:
        yield client


@pytest.fixture
async def async_client(read_url: str) -> AsyncIterator[AsyncSoundStream]:
    async with AsyncSoundStream(base_url=read_url) as client:
        yield client


@pytest.fixture
async def async_writer(write_url: str) -> AsyncIterator[AsyncSoundStream]:
    async with AsyncSoundStream(base_url=write_url, api_key=API_KEY) as client:
        yield client
