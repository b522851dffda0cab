"""The base of resource namespaces (``client.artists``, ``client.users``...)."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, SupportsIndex

if TYPE_CHECKING:
    from soundstream_sdk._base_client import AsyncAPIClient, SyncAPIClient


class SyncAPIResource:
    """A namespace of blocking methods over one client."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    """A namespace of async methods over one client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


def path_id(value: SupportsIndex) -> int:
    """An id for a URL path, as an int (numpy integers from a DataFrame are fine), so that
    nothing but digits can end up in the path."""
    return operator.index(value)
