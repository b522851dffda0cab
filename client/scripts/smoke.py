"""Smoke test of an installed soundstream-sdk against a live server over the small fixture.

Run by ``ci.sh`` with the Python of a fresh virtual environment holding only the built wheel
(and its dependencies), from outside the repository, so it proves the wheel works on its own.
Reads ``SOUNDSTREAM_URL`` and ``SOUNDSTREAM_API_KEY`` like any user of the SDK. Exits 1 at the
first failed check.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import soundstream_sdk
from soundstream_sdk import (
    AsyncSoundStream,
    AuthenticationError,
    GraphQLError,
    NotFoundError,
    SoundStream,
)

checks: list[str] = []


def check(name: str, condition: Callable[[], bool]) -> None:
    try:
        ok = condition()
    except Exception as exc:
        print(f"FAIL {name}: {type(exc).__name__}: {exc}")
        sys.exit(1)
    if not ok:
        print(f"FAIL {name}")
        sys.exit(1)
    checks.append(name)
    print(f"ok   {name}")


def raises(kind: type[BaseException], call: Callable[[], object]) -> bool:
    try:
        call()
    except kind:
        return True
    return False


def main() -> None:
    installed = Path(soundstream_sdk.__file__).resolve()
    check("imported from site-packages", lambda: "site-packages" in installed.parts)
    check("py.typed shipped", lambda: (installed.parent / "py.typed").is_file())
    check("server not importable", lambda: raises(ImportError, lambda: __import__("server")))

    with SoundStream() as client:
        check("health", lambda: client.health().status == "ok")
        check("ready has a data version", lambda: client.ready().data_version >= 1)
        check("get", lambda: client.artists.get(4).name == "Radiohead")
        check("pagination", lambda: len(list(client.artists.list(limit=3))) == 8)
        check(
            "search",
            lambda: (
                [h.name for h in client.artists.search(tags=["rock", "indie"], min_listeners=2)]
                == ["Radiohead"]
            ),
        )
        check("stats", lambda: client.stats().counts.artists == 8)
        check("chart", lambda: client.charts.artists(limit=1).items[0].name == "Britney Spears")
        check("profile", lambda: client.users.profile(2).total_plays == 1550)
        check("social", lambda: client.social.summary().nodes == 5)
        check(
            "graphql walk",
            lambda: [f.id for f in client.graph.user_network(2).friends] == [3, 4],
        )
        check(
            "recommendations with reasons",
            lambda: all(item.reasons for item in client.users.recommendations(2, limit=3).items),
        )
        check("graphql error code", lambda: raises(GraphQLError, lambda: client.graphql("{ x }")))
        check("not found", lambda: raises(NotFoundError, lambda: client.artists.get(999)))
        tag = client.tags.create(name="smoke test")
        check("write with the key", lambda: client.tags.get(tag.id).name == "smoke test")
        client.tags.delete(tag.id)
        check("delete", lambda: raises(NotFoundError, lambda: client.tags.get(tag.id)))
        anonymous = client.with_options(api_key=None)
        check(
            "write without a key",
            lambda: raises(AuthenticationError, lambda: anonymous.tags.create(name="x")),
        )
        check(
            "pandas is optional",
            lambda: raises(ImportError, lambda: client.tags.list().to_pandas()),
        )

    async def async_checks() -> tuple[str, int]:
        async with AsyncSoundStream() as client:
            artist = await client.artists.get(4)
            users = [user.id async for user in client.users.list(limit=2)]
            return artist.name, len(users)

    check("async client", lambda: asyncio.run(async_checks()) == ("Radiohead", 5))
    print(
        f"smoke test: all {len(checks)} checks of soundstream-sdk {soundstream_sdk.__version__} ok"
    )


if __name__ == "__main__":
    main()
