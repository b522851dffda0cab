"""The EDA notebook executed top to bottom, with nbclient, against a live server over the full
dataset, as CI runs it: every cell must succeed and the findings must match the data.

One execution per test run serves every test here. It runs on SQLite only: the notebook
exercises the API and the SDK, whose results are the same on both backends (the server and
SDK suites run on both), and a second ~40 s execution on PostgreSQL would buy no coverage.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import nbformat
import pytest
import render
from nbformat import NotebookNode

from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from tests.conftest import full_data_dir, make_settings
from tests.server.live import live_server

pytestmark = pytest.mark.full

PROBE_MARKER = "NOTEBOOK-PROBE:"
# Appended to the in-memory copy only: reports what the notebook computed and which
# interpreter ran the kernel.
PROBE = f"""
import json as _json, sys as _sys
print({PROBE_MARKER!r} + _json.dumps(
    {{"findings": findings, "executable": _sys.executable}}, default=str
))
"""


def _execute(new_database_url: Callable[[str, str], str]) -> NotebookNode:
    """Ingest the full dataset into a new SQLite file, serve it, run the notebook over HTTP."""
    url = new_database_url("sqlite", "eda")
    engine = create_db_engine(url)
    run_ingest(engine, full_data_dir())
    engine.dispose()
    notebook = render.read()
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE, id="test-probe"))
    with live_server(make_settings(url)) as base_url:
        return render.execute(notebook, url=base_url)


@pytest.fixture(scope="module")
def executed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> NotebookNode:
    """The notebook executed once per test run, however many xdist workers run these tests.

    The first worker to get here executes it (ingesting the full dataset only then) and
    leaves the result in the run's shared temporary directory; the others wait on a lock and
    read it: two ~40 s executions on two shared cores would buy nothing.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    result = shared / "eda-executed.ipynb"
    with (shared / "eda-executed.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            notebook = _execute(request.getfixturevalue("new_database_url"))
            nbformat.write(notebook, result)
    executed_notebook: NotebookNode = nbformat.read(result, as_version=4)
    return executed_notebook


@pytest.fixture(scope="module")
def probe(executed: NotebookNode) -> dict[str, Any]:
    text = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    payload: dict[str, Any] = json.loads(text.split(PROBE_MARKER, 1)[1])
    return payload


@pytest.fixture(scope="module")
def findings(probe: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = probe["findings"]
    return result


def test_every_cell_ran_without_error(executed: NotebookNode) -> None:
    cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in cells)
    errors = [o for cell in cells for o in cell.outputs if o.output_type == "error"]
    assert errors == []


def test_no_cell_writes_to_stderr(executed: NotebookNode) -> None:
    # Warnings (pandas deprecations, matplotlib) would litter the rendered copy.
    streams = [
        (cell.id, o.text)
        for cell in executed.cells
        for o in cell.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert streams == []


def test_every_figure_is_rendered(executed: NotebookNode) -> None:
    figures = [
        o
        for cell in executed.cells
        for o in cell.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert len(figures) >= 10


def test_the_kernel_runs_on_the_test_interpreter(probe: dict[str, Any]) -> None:
    assert probe["executable"] == sys.executable


def test_concentration_matches_the_data_readme(findings: dict[str, Any]) -> None:
    assert findings["top_1pct_share"] == pytest.approx(0.52, abs=0.005)
    assert findings["top_10pct_share"] == pytest.approx(0.85, abs=0.005)
    assert 0.85 < findings["gini"] < 0.95
    assert findings["gini_users"] < findings["gini"]


def test_the_artist_tail_is_fitted_above_the_median(findings: dict[str, Any]) -> None:
    fit = findings["power_law[plays per artist]"]
    assert 1.5 < fit["alpha"] < 3.0
    assert fit["xmin"] > 260  # the median listen
    assert 0 < fit["n_tail"] < 17_632
    assert 0.0 <= fit["llr_p"] <= 1.0


def test_tags_rock_leads_and_tagging_peaks_before_the_partial_last_year(
    findings: dict[str, Any],
) -> None:
    assert findings["top_tag"] == "rock"
    assert findings["peak_tagging_year"] == 2010
    assert findings["last_tag_month"].startswith("2011-")
    assert len(findings["rising_tags"]) == len(findings["falling_tags"]) == 3


def test_the_top_50_cap_is_found(findings: dict[str, Any]) -> None:
    assert findings["users_at_50"] == 1_829
    assert findings["users_over_50"] == 0


def test_diversity_is_measured_by_entropy(findings: dict[str, Any]) -> None:
    assert 3.0 < findings["median_entropy"] < 3.912  # below ln 50
    assert findings["median_effective_artists"] < 50


def test_taste_clusters_are_found_and_named(findings: dict[str, Any]) -> None:
    assert 4 <= findings["clusters"] <= 10
    assert findings["silhouette"] > 0.1
    assert len(findings["cluster_names"]) == findings["clusters"]
    assert any("metal" in name for name in findings["cluster_names"])


def test_more_friends_go_with_less_even_listening(findings: dict[str, Any]) -> None:
    assert findings["rho_friends_entropy"] == pytest.approx(-0.25, abs=0.01)
    assert findings["p_friends_entropy"] < 1e-10
    assert findings["partial_rho_friends_entropy"] < 0
    assert abs(findings["rho_friends_tags"]) < 0.1
