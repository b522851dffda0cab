"""REST routers, one per resource, mounted under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter


def build_api_router() -> APIRouter:
    from server.rest import health

    api = APIRouter()
    for module in (health,):
        api.include_router(module.router)
    return api
