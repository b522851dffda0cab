"""The base of every typed result: a Pydantic v2 model that tolerates new server fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from soundstream_sdk._frames import frame_from_records

if TYPE_CHECKING:
    import pandas as pd


class SoundStreamModel(BaseModel):
    """A result from the API.

    Fields the server adds after this SDK was released are kept (``extra="allow"``) rather
    than refused, so an older SDK keeps working against a newer server.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_dict(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """The model as plain dicts and lists.

        Args:
            mode: ``"json"`` to get only JSON types (tuples become lists).

        Example:
            >>> from soundstream_sdk.types import Tag
            >>> Tag(id=1, name="rock").to_dict()
            {'id': 1, 'name': 'rock'}
        """
        return self.model_dump(mode=mode)


class ItemsModel(SoundStreamModel):
    """A result whose ``items`` make a table (charts, recommendations)."""

    items: list[Any]

    def to_pandas(self) -> pd.DataFrame:
        """The items as a DataFrame, one row each (needs the ``pandas`` extra).

        Example:
            >>> frame = client.charts.artists(limit=5).to_pandas()  # doctest: +SKIP
            >>> frame[["rank", "name", "plays"]]  # doctest: +SKIP
        """
        return frame_from_records([_record(item) for item in self.items])


def _record(item: Any) -> dict[str, Any]:
    if isinstance(item, BaseModel):
        return item.model_dump()
    return dict(item)
