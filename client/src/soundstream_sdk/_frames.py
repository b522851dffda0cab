"""pandas, imported only when a DataFrame is asked for: it is an optional extra."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MISSING_PANDAS = (
    "pandas is needed for DataFrames but is not installed; "
    "install it with: pip install 'soundstream-sdk[pandas]'"
)


def require_pandas() -> Any:
    """The pandas module, or an ImportError that says how to install it."""
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise ImportError(MISSING_PANDAS) from exc


def frame_from_records(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A DataFrame with one row per record (columns in the records' key order)."""
    pandas = require_pandas()
    frame: pd.DataFrame = pandas.DataFrame.from_records(list(records))
    return frame
