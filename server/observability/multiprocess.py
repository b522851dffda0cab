"""The metrics directory shared by several worker processes (prometheus-client's multiprocess
mode). Kept apart from `server.observability.metrics` on purpose: `soundstream serve` sets
``PROMETHEUS_MULTIPROC_DIR`` with it *before* prometheus-client is imported, since
prometheus-client reads that variable once, at import."""

from __future__ import annotations

import tempfile
from pathlib import Path


def prepare_multiprocess_dir(directory: Path | None) -> Path:
    """Create ``directory`` (a fresh temporary one if None) or empty it of a previous run's
    metric files, whose counters would otherwise be added to this run's."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="soundstream-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory
