"""Query parameters and the RFC 8288 ``Link`` header of paginated lists."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from server.schemas.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageParams


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1–100).")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


def link_header(request: Request, page: Page[Any]) -> str:
    """``<url>; rel="next"``, ``rel="prev"``, ``rel="first"`` and ``rel="last"`` links."""
    links: list[str] = []
    url = request.url

    def at(offset: int) -> str:
        return str(url.include_query_params(limit=page.limit, offset=offset))

    links.append(f'<{at(0)}>; rel="first"')
    if page.offset > 0:
        links.append(f'<{at(max(page.offset - page.limit, 0))}>; rel="prev"')
    if page.offset + page.limit < page.total:
        links.append(f'<{at(page.offset + page.limit)}>; rel="next"')
    last = max((page.total - 1) // page.limit * page.limit, 0) if page.total else 0
    links.append(f'<{at(last)}>; rel="last"')
    return ", ".join(links)


T = TypeVar("T")


def paginated(request: Request, response: Response, page: Page[T]) -> Page[T]:
    """Set the ``Link`` and ``X-Total-Count`` headers and return the page unchanged."""
    response.headers["Link"] = link_header(request, page)
    response.headers["X-Total-Count"] = str(page.total)
    return page
