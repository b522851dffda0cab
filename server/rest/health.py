"""Liveness and readiness."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.db.meta import get_data_version
from server.db.models import DATA_TABLES, Base
from server.errors import UnavailableError
from server.rest.deps import SessionDep
from server.services.totals import table_total

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str = "ok"


class ReadyPublic(BaseModel):
    status: str = "ready"
    data_version: int
    tables: dict[str, int]


def _count(name: str, session: Session) -> int:
    count: int = session.execute(
        select(func.count()).select_from(Base.metadata.tables[name])
    ).scalar_one()
    return count


@router.get("/health", response_model=HealthPublic, summary="Liveness (no database)")
def health() -> HealthPublic:
    return HealthPublic()


@router.get(
    "/ready",
    response_model=ReadyPublic,
    summary="Readiness: the database answers and holds data",
    responses={503: {"description": "Database unreachable, unmigrated or empty"}},
)
def ready(session: SessionDep, response: Response) -> ReadyPublic:
    try:
        # Counted once per data version (`table_total`): orchestrators poll this route every
        # few seconds, and six whole-table COUNT(*)s grow with the data (issue #11).
        counts = {name: table_total(session, name, partial(_count, name)) for name in DATA_TABLES}
        version = get_data_version(session)
    except SQLAlchemyError as exc:
        raise UnavailableError(f"the database does not answer: {type(exc).__name__}") from exc
    if not any(counts.values()):
        raise UnavailableError("the database holds no data yet: run `soundstream ingest`")
    response.headers["X-Data-Version"] = str(version)
    return ReadyPublic(data_version=version, tables=counts)
