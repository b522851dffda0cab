"""The EDA notebook's tests: its arithmetic (``notebooks/eda_lib.py``), its hygiene in git, and
the notebook itself executed against a live server over the full dataset.

``notebooks/`` is not a package (the notebook imports ``eda_lib`` from its own directory, as
Jupyter runs it), so the directory goes on ``sys.path`` here.
"""

from __future__ import annotations

import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
if str(NOTEBOOKS) not in sys.path:
    sys.path.insert(0, str(NOTEBOOKS))
