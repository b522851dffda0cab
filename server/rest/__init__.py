"""REST routers, one per resource, mounted under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter


def build_api_router() -> APIRouter:
    from server.rest import (
        analytics,
        artists,
        friends,
        health,
        listens,
        recommend,
        search,
        social,
        tag_assignments,
        tags,
        users,
    )

    api = APIRouter()
    # Order matters where paths overlap: a router with fixed paths such as /artists/search
    # must come before artists, whose /artists/{artist_id} would otherwise capture them.
    for module in (
        health,
        search,
        artists,
        users,
        tags,
        listens,
        friends,
        tag_assignments,
        analytics,
        social,
        recommend,
    ):
        api.include_router(module.router)
    return api
