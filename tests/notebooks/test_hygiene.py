"""The notebook as committed: no outputs in git, data only through the SDK, a fresh rendered copy.

No server needed: these read the files.
"""

from __future__ import annotations

import ast
import copy
import re

import nbformat
import pytest
import render
from nbformat import NotebookNode

# Data must come from the live API through soundstream_sdk (ARCHITECTURE.md): no database
# drivers, no server package, no hand-made HTTP.
FORBIDDEN_IMPORTS = {"server", "graph", "sqlalchemy", "sqlite3", "psycopg", "httpx", "requests"}


@pytest.fixture(scope="module")
def notebook() -> NotebookNode:
    return render.read()


def code_cells(notebook: NotebookNode) -> list[NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_notebook_is_valid_nbformat(notebook: NotebookNode) -> None:
    nbformat.validate(notebook)


def test_no_outputs_are_committed(notebook: NotebookNode) -> None:
    assert [cell.id for cell in code_cells(notebook) if cell.outputs] == []


def test_no_execution_counts_are_committed(notebook: NotebookNode) -> None:
    counts = [cell.execution_count for cell in code_cells(notebook)]
    assert counts == [None] * len(counts)


def test_no_run_metadata_is_committed(notebook: NotebookNode) -> None:
    # nbclient stamps timings into cell metadata; Jupyter adds widget state and more.
    assert [cell.id for cell in notebook.cells if cell.metadata] == []
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}


def test_the_kernel_is_python3(notebook: NotebookNode) -> None:
    assert notebook.metadata["kernelspec"]["name"] == render.KERNEL


def test_the_notebook_reads_data_only_through_the_sdk(notebook: NotebookNode) -> None:
    imported: set[str] = set()
    for cell in code_cells(notebook):
        # IPython magics (%matplotlib) are not Python.
        source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "soundstream_sdk" in imported
    assert imported & FORBIDDEN_IMPORTS == set()


def test_the_api_location_comes_from_soundstream_url(notebook: NotebookNode) -> None:
    sources = "\n".join(cell.source for cell in code_cells(notebook))
    assert 'os.environ.get("SOUNDSTREAM_URL", "http://127.0.0.1:8000")' in sources


def test_strip_clears_outputs_counts_and_metadata(notebook: NotebookNode) -> None:
    dirty = copy.deepcopy(notebook)
    cell = code_cells(dirty)[0]
    cell.outputs = [nbformat.v4.new_output("stream", text="hello")]
    cell.execution_count = 3
    cell.metadata = {"execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"}}
    clean = render.strip(dirty)
    assert code_cells(clean)[0].outputs == []
    assert code_cells(clean)[0].execution_count is None
    assert code_cells(clean)[0].metadata == {}


def test_the_rendered_copy_is_from_the_current_notebook(notebook: NotebookNode) -> None:
    html = render.HTML.read_text(encoding="utf-8")
    assert render.html_digest(html) == render.source_digest(notebook), (
        "docs/eda.html is stale: run `python notebooks/render.py` against a server over the "
        "full dataset and commit docs/eda.html"
    )


def test_the_rendered_copy_has_every_figure_and_no_error() -> None:
    html = render.HTML.read_text(encoding="utf-8")
    figures = len(re.findall(r'<img[^>]+src="data:image/png;base64,', html))
    assert figures >= 10
    assert "Traceback" not in html
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html


def test_source_digest_changes_with_any_cell(notebook: NotebookNode) -> None:
    edited = copy.deepcopy(notebook)
    edited.cells[-1].source += "\n# edited"
    assert render.source_digest(edited) != render.source_digest(notebook)
