"""Fixtures for the dashboard tests: one live API per backend over the small fixture
(read-only, shared by the whole suite), and `AppTest` runs of the page scripts against it.

The page scripts import `soundstream_dashboard` the way ``streamlit run
streamlit_app/app.py`` lets them (the app's folder is on ``sys.path``), so the folder is
put on ``sys.path`` here too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from tests.conftest import SMALL_DATA, make_settings
from tests.server.live import free_port, live_server

APP_DIR = Path(__file__).resolve().parents[2] / "streamlit_app"
PAGES_DIR = APP_DIR / "app_pages"
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))

from soundstream_dashboard.api import disconnect  # noqa: E402 - needs the path above

# A page's first run may train the small fixture's recommender in-process and compute the
# social summary; generous for two busy cores, yet a hang still fails.
APPTEST_TIMEOUT = 60


@pytest.fixture(scope="session")
def dashboard_api(
    backend: str,
    new_database_url: Callable[[str, str], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A live API over the small fixture on ``backend``, for every read-only test."""
    url = new_database_url(backend, "dashboard")
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()
    models = tmp_path_factory.mktemp("dashboard-models")
    with live_server(make_settings(url, recommender_model_dir=models)) as base:
        yield base
        disconnect()  # or the server's shutdown waits for the pages' keep-alive connections


@pytest.fixture
def api_env(dashboard_api: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``SOUNDSTREAM_URL`` pointing at the live API, as `soundstream up` sets it."""
    monkeypatch.setenv("SOUNDSTREAM_URL", dashboard_api)
    return dashboard_api


@pytest.fixture
def down_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """``SOUNDSTREAM_URL`` pointing at a loopback port nothing listens on."""
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("SOUNDSTREAM_URL", url)
    return url


def page(name: str) -> AppTest:
    """An `AppTest` of one page script (not yet run)."""
    return AppTest.from_file(str(PAGES_DIR / f"{name}.py"), default_timeout=APPTEST_TIMEOUT)


def first_run(name: str, api_url: str, **query: str) -> AppTest:
    """A page's first run against ``api_url`` (with ``?key=value`` query parameters), for
    module-scoped fixtures that several read-only tests inspect."""
    at = page(name)
    at.query_params.update(query)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOUNDSTREAM_URL", api_url)
        return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    """Every ``st.metric`` of a run, label -> displayed value (labels unique per page
    section are enough: later ones win)."""
    return {metric.label: metric.value for metric in at.metric}


def plotly_specs(at: AppTest) -> list[dict[str, Any]]:
    """The Plotly figures of a run, as the JSON the browser receives."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def figure_titled(at: AppTest, prefix: str) -> dict[str, Any]:
    for spec in plotly_specs(at):
        if str(spec["layout"]["title"]["text"]).startswith(prefix):
            return spec
    raise AssertionError(f"no figure titled {prefix!r}")


def markdown_texts(at: AppTest) -> list[str]:
    return [str(block.value) for block in at.markdown]
