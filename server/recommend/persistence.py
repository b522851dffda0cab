"""Model files: ``{dir}/recommender-v{data_version}-{database key}.npz`` plus a ``.json``.

The ``.npz`` holds the arrays (uncompressed: the dense EASE block does not compress, and an
uncompressed file loads at disk speed); the ``.json`` beside it holds the metadata — model
version, data version, when, on what, with which hyper-parameters and blend weights and the
validation numbers — readable without numpy.

Why the database key in the name: the data version counts writes *within one database*; two
databases (a SQLite file and a PostgreSQL server, or the test fixture and the full data) are
both at version 1 after ingest. The key hashes the database URL (without password) and the
ingested source's fingerprint, so their models never overwrite or load as each other.

Files are written to a temporary name and renamed into place, so a server starting while
`soundstream recommend train` runs never reads half a model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np

from server.recommend.hybrid import BlendWeights, HybridModel, HybridParams
from server.recommend.recommender import ModelInfo, Recommender

log = logging.getLogger("soundstream.recommend")

FORMAT_VERSION = 1
DEFAULT_MODEL_DIR = Path("data/models")
KEEP_OLD_MODELS = 2
"""Older versions kept beside the newest (a server that started on one can restart on it)."""
_NAME = re.compile(r"^recommender-v(\d+)-([0-9a-f]{8})\.npz$")


def database_key(database_label: str, source_fingerprint: str | None) -> str:
    """8 hex digits naming one database (see the module docstring)."""
    text = f"{database_label}|{source_fingerprint or ''}"
    return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


def model_path(directory: Path, data_version: int, key: str) -> Path:
    return directory / f"recommender-v{data_version}-{key}.npz"


def metadata_path(path: Path) -> Path:
    return path.with_suffix(".json")


def new_model_version(data_version: int, key: str, trained_at: str) -> str:
    """``hybrid-v{data version}-{6 hex}``: unique per training run."""
    digest = hashlib.blake2s(f"{key}|{trained_at}".encode(), digest_size=3).hexdigest()
    return f"hybrid-v{data_version}-{digest}"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_recommender(
    recommender: Recommender, directory: Path, key: str, *, metadata: dict[str, Any]
) -> Path:
    """Write the model and its metadata atomically; prune old versions of this database."""
    directory.mkdir(parents=True, exist_ok=True)
    path = model_path(directory, recommender.info.data_version, key)
    arrays = recommender.model.to_arrays()
    arrays["ids.users"] = recommender.user_ids
    arrays["ids.artists"] = recommender.artist_ids
    arrays["ids.tags"] = recommender.tag_ids
    info = recommender.info
    document = {
        "format": FORMAT_VERSION,
        "model_version": info.model_version,
        "data_version": info.data_version,
        "trained_at": info.trained_at,
        "source_fingerprint": info.source_fingerprint,
        "database_key": key,
        "params": asdict(recommender.model.params),
        "weights": recommender.model.weights.as_dict(),
        "sizes": {
            "users": len(recommender.user_ids),
            "artists": len(recommender.artist_ids),
            "tags": len(recommender.tag_ids),
        },
        **metadata,
    }
    # cast: numpy's stubs read a dict of arrays as a candidate for its ``allow_pickle`` flag
    savez = cast(Any, np.savez)
    _atomic_write(path, lambda handle: savez(handle, **arrays))
    _atomic_write(
        metadata_path(path),
        lambda handle: handle.write(json.dumps(document, indent=2, sort_keys=True).encode()),
    )
    prune(directory, key, keep_below=info.data_version)
    return path


def _atomic_write(path: Path, write: Any) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(temp, 0o644)  # mkstemp makes it private; a model is not a secret
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_model_file(path: Path) -> Recommender:
    """A `Recommender` from a file written by `save_recommender`."""
    document = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: model format {document.get('format')} is not supported")
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    params = HybridParams(**document["params"])
    weights = BlendWeights(**document["weights"])
    model = HybridModel.from_arrays(arrays, params, weights)
    info = ModelInfo(
        model_version=str(document["model_version"]),
        data_version=int(document["data_version"]),
        trained_at=str(document["trained_at"]),
        source_fingerprint=document.get("source_fingerprint"),
        extra={k: document[k] for k in ("training", "timings") if k in document},
    )
    return Recommender(
        model,
        info,
        user_ids=arrays["ids.users"],
        artist_ids=arrays["ids.artists"],
        tag_ids=arrays["ids.tags"],
    )


def model_files(directory: Path, key: str) -> list[tuple[int, Path]]:
    """``(data version, path)`` of this database's complete model files, newest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if match and match.group(2) == key and metadata_path(path).is_file():
            found.append((int(match.group(1)), path))
    return sorted(found, reverse=True)


def find_model_file(directory: Path, key: str, data_version: int) -> tuple[Path, bool] | None:
    """The model for ``data_version`` (``exact`` True) or else the newest older one."""
    for version, path in model_files(directory, key):
        if version <= data_version:
            return path, version == data_version
    return None


def prune(directory: Path, key: str, *, keep_below: int) -> None:
    """Delete this database's models older than ``keep_below`` beyond `KEEP_OLD_MODELS`."""
    older = [(v, p) for v, p in model_files(directory, key) if v < keep_below]
    for _version, path in older[KEEP_OLD_MODELS:]:
        path.unlink(missing_ok=True)
        metadata_path(path).unlink(missing_ok=True)
        log.info("removed old model %s", path)
