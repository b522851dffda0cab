"""`benchmarks/search_tags.py` end to end on a real database of each backend: the two paths
it times agree on every pair, and it prints its table and ratio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "search_tags.py"


def test_the_benchmark_runs_both_paths_and_prints_their_ratio(full_db_url: str) -> None:
    argv = [sys.executable, str(SCRIPT), "--database-url", full_db_url]
    result = subprocess.run(
        [*argv, "--pairs", "30", "--rounds", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # a pair on which the two paths disagreed would exit non-zero, naming its tags
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "30 pairs of the 60 most used tags x 1 rounds" in result.stdout
    rows = {line.split(" | ")[0].lstrip("| ") for line in lines if line.startswith("| ")}
    assert {"sql", "postings"} <= rows
    ratio = next(line for line in lines if line.startswith("median sql / postings"))
    assert float(ratio.split(": ")[1].rstrip("x")) > 0
