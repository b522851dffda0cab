"""Per-client rate limiting: a fixed one-minute window counter per client.

``Settings.rate_limit_per_minute`` requests per client per clock minute (0, the default,
turns limiting off). A client is its API key when it sends a valid one (so clients behind one
NAT do not share a budget) and its IP address otherwise (so made-up keys do not buy fresh
budgets). Behind a reverse proxy the address is the proxy's unless the server trusts its
forwarded headers (uvicorn ``--proxy-headers --forwarded-allow-ips``). Over the limit the
answer is a 429 problem with ``Retry-After``; every limited response carries
``X-RateLimit-Limit``/``-Remaining``/``-Reset``.

The counters live in Redis when ``Settings.redis_url`` is set (``INCR`` + ``EXPIRE`` on one
key per client and window, so every worker process shares them) and in process memory
otherwise. A fixed window lets a client burst up to twice the limit across a window
boundary; that is the price of one counter per client instead of a log of timestamps.

If Redis is unreachable the limiter lets requests through and logs: losing rate limiting
for a while is better than losing the API.

Implemented as pure ASGI middleware installed by `install_rate_limiter`. It reads the limiter
from ``app.state.rate_limiter`` on each request, so a test can swap in one with its own
clock or key prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import FastAPI
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.config import Settings
from server.errors import RateLimitedError, problem

log = logging.getLogger("soundstream.ratelimit")

WINDOW_SECONDS = 60
DEFAULT_KEY_PREFIX = "soundstream:ratelimit"
# Probes must answer however busy a client is.
EXEMPT_PATHS = frozenset({"/api/v1/health", "/api/v1/ready"})

Clock = Callable[[], float]


class WindowStore(Protocol):
    """Counts hits per client per window."""

    async def hit(self, client: str, window: int, ttl: int) -> int | None:
        """Count one hit and return the window's count so far; None if the store is down."""
        ...

    async def aclose(self) -> None: ...


class MemoryWindowStore:
    """Counters in this process; only the current window is kept, so memory is bounded by
    the number of clients seen in one minute."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, client: str, window: int, ttl: int) -> int | None:
        # No await between read and write: the event loop makes this atomic.
        if window != self._window:
            self._window, self._counts = window, {}
        count = self._counts.get(client, 0) + 1
        self._counts[client] = count
        return count

    async def aclose(self) -> None:
        self._counts.clear()


class RedisWindowStore:
    """Counters in Redis: ``INCR`` and ``EXPIRE`` in one MULTI, one key per client and window.

    The key names its window, so a key whose EXPIRE were lost would still never count
    towards a later window.
    """

    def __init__(self, client: Redis, key_prefix: str = DEFAULT_KEY_PREFIX) -> None:
        self.client = client
        self.key_prefix = key_prefix
        self._healthy = True

    @classmethod
    def from_url(cls, url: str, key_prefix: str = DEFAULT_KEY_PREFIX) -> RedisWindowStore:
        # Short timeouts: a stalled Redis must not stall every request behind it.
        client = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return cls(client, key_prefix)

    def key(self, client: str, window: int) -> str:
        return f"{self.key_prefix}:{window}:{client}"

    async def hit(self, client: str, window: int, ttl: int) -> int | None:
        key = self.key(client, window)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, ttl)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            if self._healthy:  # log the outage once, not once per request
                log.warning("rate limiting is off: Redis does not answer (%s)", exc)
            self._healthy = False
            return None
        if not self._healthy:
            log.warning("rate limiting is back on: Redis answers again")
            self._healthy = True
        return int(count)

    async def aclose(self) -> None:
        await self.client.aclose()


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int
    """Seconds until the window ends (at least 1)."""

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after),
        }


class RateLimiter:
    """``limit`` requests per client per window of ``window_seconds``."""

    def __init__(
        self,
        limit: int,
        store: WindowStore,
        *,
        api_keys: Sequence[str] = (),
        clock: Clock = time.time,
        window_seconds: int = WINDOW_SECONDS,
    ) -> None:
        if limit < 1:
            raise ValueError("a rate limiter needs a limit of at least 1")
        self.limit = limit
        self.store = store
        self.clock = clock
        self.window_seconds = window_seconds
        self._api_keys = [key.encode() for key in api_keys]

    def client_id(self, api_key: str | None, address: str | None) -> str:
        """The client a request counts against: its valid API key (hashed), else its IP."""
        if api_key:
            sent = api_key.encode()
            valid = False
            for candidate in self._api_keys:
                valid |= hmac.compare_digest(sent, candidate)
            if valid:
                return "key:" + hashlib.sha256(sent).hexdigest()[:16]
        return f"ip:{address or 'unknown'}"

    async def check(self, client: str) -> Decision:
        """Count one request of ``client`` and decide whether it may proceed."""
        now = self.clock()
        window = math.floor(now / self.window_seconds)
        reset_after = max(1, math.ceil((window + 1) * self.window_seconds - now))
        count = await self.store.hit(client, window, reset_after + 1)
        if count is None:  # store down: fail open
            return Decision(True, self.limit, self.limit, reset_after)
        return Decision(count <= self.limit, self.limit, max(self.limit - count, 0), reset_after)

    async def aclose(self) -> None:
        await self.store.aclose()


def build_rate_limiter(
    settings: Settings, *, key_prefix: str = DEFAULT_KEY_PREFIX, clock: Clock = time.time
) -> RateLimiter | None:
    """The limiter ``settings`` ask for: None when off, Redis-backed when ``redis_url`` is set."""
    if settings.rate_limit_per_minute <= 0:
        return None
    store: WindowStore = (
        RedisWindowStore.from_url(settings.redis_url, key_prefix)
        if settings.redis_url
        else MemoryWindowStore()
    )
    return RateLimiter(
        settings.rate_limit_per_minute,
        store,
        api_keys=settings.soundstream_api_keys,
        clock=clock,
    )


class RateLimitMiddleware:
    """Applies ``app.state.rate_limiter`` (if any) to every HTTP request but the probes, and
    closes it when the app shuts down."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_on_shutdown(scope, send))
            return
        limiter = _limiter(scope)
        if scope["type"] != "http" or limiter is None or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        address = scope["client"][0] if scope.get("client") else None
        decision = await limiter.check(limiter.client_id(headers.get("x-api-key"), address))
        if not decision.allowed:
            response = problem(
                RateLimitedError.status,
                RateLimitedError.title,
                f"more than {decision.limit} requests in a minute; "
                f"retry after {decision.reset_after} s",
                code=RateLimitedError.code,
                instance=scope["path"],
                headers={"Retry-After": str(decision.reset_after), **decision.headers()},
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(decision.headers())
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _closing_on_shutdown(self, scope: Scope, send: Send) -> Send:
        async def send_then_close(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                limiter = _limiter(scope)
                if limiter is not None:
                    await limiter.aclose()
            await send(message)

        return send_then_close


def _limiter(scope: Scope) -> RateLimiter | None:
    app: Any = scope.get("app")
    limiter: RateLimiter | None = getattr(app.state, "rate_limiter", None) if app else None
    return limiter


def install_rate_limiter(app: FastAPI, settings: Settings) -> None:
    """Install the middleware and the limiter ``settings`` ask for (possibly none)."""
    app.state.rate_limiter = build_rate_limiter(settings)
    app.add_middleware(RateLimitMiddleware)
