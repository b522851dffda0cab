"""A burst of more requests at once than the server has worker threads (anyio's default is
40): nothing waits on anything that waits on it.

Two deadlocks were found this way. A request that held a pooled connection (or the process's
SQLite write turn) while it waited for a worker thread, and threads that waited for that
connection (or turn) while they held the workers: with 100 clients every thread was blocked
and the connection holders could never run. Reads and writes now take a connection only in
the thread that runs the route, and writers queue for their turn on the event loop. The
same burst PUTs each new listen and friendship from several clients at once: an idempotent
PUT that loses the race to insert still succeeds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from tests.conftest import API_KEY, make_settings
from tests.hardening.conftest import fresh_small_database
from tests.server.live import live_server

BURST = 120  # three times anyio's 40 worker threads
ARTISTS = (1, 2, 3, 4, 5, 6, 7, 8)
USERS = (2, 3, 4, 5)
NEW_FRIENDS = ((2, 5), (2, 6), (3, 4), (3, 6), (4, 5), (4, 6))  # not friends in the fixture


async def burst(base: str) -> list[tuple[str, int]]:
    limits = httpx.Limits(max_connections=BURST, max_keepalive_connections=BURST)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def read(i: int) -> tuple[str, int]:
            # Distinct URLs: the response cache cannot answer them, each runs its route.
            response = await client.get(f"/api/v1/artists/{ARTISTS[i % 8]}", params={"n": i})
            return f"GET {i}", response.status_code

        async def write(i: int) -> tuple[str, int]:
            user, artist = USERS[i % 4], ARTISTS[i % 8]
            response = await client.put(
                f"/api/v1/users/{user}/artists/{artist}",
                json={"weight": 1000 + i},
                headers={"X-API-Key": API_KEY},
            )
            return f"PUT listen {i}", response.status_code

        async def befriend(i: int) -> tuple[str, int]:
            # Each new friendship is PUT by several clients at once (PUT is idempotent).
            user, friend = NEW_FRIENDS[(i // 4) % len(NEW_FRIENDS)]
            response = await client.put(
                f"/api/v1/users/{user}/friends/{friend}", headers={"X-API-Key": API_KEY}
            )
            return f"PUT friend {i}", response.status_code

        jobs = [(read, write, read, befriend)[i % 4](i) for i in range(BURST)]
        return await asyncio.gather(*jobs)


def test_a_burst_beyond_the_worker_threads_is_answered(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    url = fresh_small_database(new_database_url, backend, "burst")
    with live_server(make_settings(url)) as base:
        answers = asyncio.run(burst(base))
        health = httpx.get(f"{base}/api/v1/health", timeout=10).json()
        friends = {
            user: {
                f["friend_id"]
                for f in httpx.get(f"{base}/api/v1/users/{user}/friends", timeout=10).json()[
                    "items"
                ]
            }
            for user in (2, 3, 4, 5, 6)
        }
    assert [a for a in answers if a[1] >= 300] == []
    for user, friend in NEW_FRIENDS:  # every acknowledged friendship, in both directions
        assert friend in friends[user]
        assert user in friends[friend]
    assert len(answers) == BURST
    assert health == {"status": "ok"}
