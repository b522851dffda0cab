"""Custom scalars. GraphQL's Int is 32-bit; play counts and millisecond timestamps are not."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

Long = NewType("Long", int)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _parse_long(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"Long cannot represent {value!r}")
    number = int(value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError("Long must fit in 64 bits")
    return number


SCALARS: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit integer (play counts, Unix milliseconds).",
        serialize=int,
        parse_value=_parse_long,
    )
}
