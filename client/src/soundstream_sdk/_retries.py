"""When a failed request is retried, and how long to wait first.

Only what is safe and likely to succeed later is retried:

- the method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS): repeating a POST or PATCH
  whose answer was lost could apply it twice, so those are never retried;
- and the failure is transient: no connection or no answer in time, 429 (too many
  requests), or 502/503/504 (a proxy or the server is briefly unavailable). Other 4xx are
  the caller's mistake and 500 a bug: repeating them gives the same answer.

The wait doubles from `INITIAL_DELAY` up to `MAX_DELAY`, less up to 25 % of random jitter
so that many clients do not retry in step. A ``Retry-After`` header, when the server sends
one, is honoured instead; a server asking for more than `MAX_RETRY_AFTER` seconds is not
retried at all (the error is raised at once, with ``retry_after`` on it).
"""

from __future__ import annotations

import random
import time

import anyio

from soundstream_sdk._exceptions import parse_retry_after

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0


def is_idempotent(method: str) -> bool:
    """Whether repeating ``method`` cannot apply a change twice."""
    return method.upper() in IDEMPOTENT_METHODS


def should_retry_status(status_code: int) -> bool:
    """Whether an answer with this status may succeed if asked again."""
    return status_code in RETRY_STATUSES


def retry_delay(retries_done: int, retry_after: str | None = None) -> float | None:
    """Seconds to wait before retry number ``retries_done + 1``, or None not to retry.

    Args:
        retries_done: Retries already made for this request (0 before the first).
        retry_after: The response's ``Retry-After`` header, if any.

    Example:
        >>> retry_delay(0, "2")
        2.0
        >>> 0.375 <= retry_delay(0) <= 0.5
        True
    """
    asked = parse_retry_after(retry_after)
    if asked is not None:
        return asked if asked <= MAX_RETRY_AFTER else None
    backoff = min(INITIAL_DELAY * 2.0**retries_done, MAX_DELAY)
    return backoff * (1 - 0.25 * random.random())


def sleep(seconds: float) -> None:
    """Block for ``seconds`` (a seam: tests replace it to record the waits)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Wait ``seconds`` without blocking the event loop (asyncio or trio)."""
    await anyio.sleep(seconds)
