"""Fast, memory-bounded reading of the integer ``.dat`` files into numpy arrays.

The ingest's readers validate every line; here only shape matters, on files of up to ~20 M
rows (100x), so lines are parsed in blocks by numpy instead of one Python tuple per row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]

BLOCK_BYTES = 32 << 20


def read_int_table(path: Path, columns: int) -> IntMatrix:
    """All rows of a tab-separated all-integer file with one header line, as (rows, columns).

    Raises ValueError when a block does not hold a whole number of rows (a malformed file).
    """
    blocks: list[IntMatrix] = []
    with path.open("rb") as handle:
        handle.readline()  # header
        rest = b""
        while True:
            chunk = handle.read(BLOCK_BYTES)
            if not chunk:
                break
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            rest = chunk[cut:]
            blocks.append(_parse(chunk[:cut], columns))
        if rest.strip():
            blocks.append(_parse(rest, columns))
    if not blocks:
        return np.zeros((0, columns), dtype=np.int64)
    return np.concatenate(blocks)


def _parse(block: bytes, columns: int) -> IntMatrix:
    values = np.array(block.split(), dtype=np.int64)
    if values.size % columns:
        raise ValueError(f"a block of {values.size} integers is not a multiple of {columns}")
    return values.reshape(-1, columns)
