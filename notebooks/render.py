"""Execute the EDA notebook against a live server and write its rendered copy, ``docs/eda.html``.

The notebook lives in git without outputs; this script is the one way to produce the copy with
outputs. It runs every cell with nbclient on this interpreter's ``python3`` kernel (ipykernel),
with ``SOUNDSTREAM_URL`` pointing at the server, then converts the result with nbconvert. The
HTML carries a digest of the notebook's cells, so a test can tell when the copy is stale.

Usage (a server over the full dataset must be running, e.g. ``soundstream up``)::

    python notebooks/render.py                        # SOUNDSTREAM_URL, else 127.0.0.1:8000
    python notebooks/render.py --url http://127.0.0.1:8000 --html docs/eda.html
    python notebooks/render.py --strip                # clear outputs of notebooks/eda.ipynb
    python notebooks/render.py --check                # exit 1 if docs/eda.html is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbformat import NotebookNode

NOTEBOOKS = Path(__file__).resolve().parent
NOTEBOOK = NOTEBOOKS / "eda.ipynb"
HTML = NOTEBOOKS.parent / "docs" / "eda.html"
DEFAULT_URL = "http://127.0.0.1:8000"
KERNEL = "python3"
# The kernelspec says `python`; jupyter_client swaps that for sys.executable, so the kernel
# runs on the interpreter (virtual environment) that runs this script.
DIGEST_META = "soundstream-eda-source"
CELL_TIMEOUT = 600


def read(path: Path = NOTEBOOK) -> NotebookNode:
    notebook: NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return notebook


def source_digest(notebook: NotebookNode) -> str:
    """SHA-256 of the cells' types and sources: what the rendered copy was rendered from."""
    cells = [[cell.cell_type, cell.source] for cell in notebook.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def strip(notebook: NotebookNode) -> NotebookNode:
    """The notebook without outputs, execution counts or per-cell run metadata (in place)."""
    for cell in notebook.cells:
        cell.metadata = {}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": KERNEL,
        },
        "language_info": {"name": "python"},
    }
    return notebook


def execute(notebook: NotebookNode, *, url: str, timeout: int = CELL_TIMEOUT) -> NotebookNode:
    """Run every cell, top to bottom, against the API at ``url`` (in place).

    Raises:
        nbclient.exceptions.CellExecutionError: A cell raised; the message shows which.
    """
    previous = os.environ.get("SOUNDSTREAM_URL")
    os.environ["SOUNDSTREAM_URL"] = url  # the kernel inherits this process's environment
    try:
        NotebookClient(
            notebook,
            kernel_name=KERNEL,
            timeout=timeout,
            resources={"metadata": {"path": str(NOTEBOOKS)}},  # cwd: `import eda_lib` works
        ).execute()
    finally:
        if previous is None:
            del os.environ["SOUNDSTREAM_URL"]
        else:
            os.environ["SOUNDSTREAM_URL"] = previous
    return notebook


def to_html(notebook: NotebookNode, digest: str) -> str:
    """A self-contained HTML page (figures are embedded PNGs) stamped with ``digest``."""
    exporter = HTMLExporter()  # type: ignore[no-untyped-call]
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": "SoundStream EDA"}}
    )
    stamp = f'<meta name="{DIGEST_META}" content="{digest}">'
    return body.replace("<head>", f"<head>\n{stamp}", 1)


def html_digest(html: str) -> str | None:
    """The digest a rendered copy was stamped with, or None."""
    marker = f'<meta name="{DIGEST_META}" content="'
    start = html.find(marker)
    if start < 0:
        return None
    start += len(marker)
    return html[start : html.index('"', start)]


def render(*, url: str, html_path: Path = HTML, executed_path: Path | None = None) -> float:
    """Execute the committed notebook and write the HTML copy; returns the seconds it took."""
    notebook = read()
    digest = source_digest(notebook)
    started = time.perf_counter()
    execute(notebook, url=url)
    seconds = time.perf_counter() - started
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(to_html(notebook, digest), encoding="utf-8")
    if executed_path is not None:
        nbformat.write(notebook, executed_path)  # type: ignore[no-untyped-call]
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("SOUNDSTREAM_URL", DEFAULT_URL))
    parser.add_argument("--html", type=Path, default=HTML, help="where the HTML copy goes")
    parser.add_argument("--executed", type=Path, help="also write the executed .ipynb here")
    parser.add_argument("--strip", action="store_true", help="clear the notebook's outputs")
    parser.add_argument("--check", action="store_true", help="fail if the HTML copy is stale")
    args = parser.parse_args(argv)
    if args.strip:
        nbformat.write(strip(read()), NOTEBOOK)  # type: ignore[no-untyped-call]
        print(f"stripped {NOTEBOOK}")
        return 0
    if args.check:
        fresh = args.html.is_file() and html_digest(
            args.html.read_text(encoding="utf-8")
        ) == source_digest(read())
        print(f"{args.html}: {'up to date' if fresh else 'STALE: run python notebooks/render.py'}")
        return 0 if fresh else 1
    seconds = render(url=args.url, html_path=args.html, executed_path=args.executed)
    print(f"executed {NOTEBOOK.name} against {args.url} in {seconds:.1f} s -> {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
