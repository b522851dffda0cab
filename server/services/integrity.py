"""The safety net under every write service: a rule the database enforces but the service's
own checks missed (a concurrent writer got there first) becomes a domain error, never a 500.

Services check existence and uniqueness explicitly so the error names the row at fault; this
only catches what slips between that check and the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from server.errors import ConflictError, DomainError, InvalidInputError


@contextmanager
def database_rules_as_domain_errors(
    session: Session, conflict: str, *, out_of_range: DomainError | None = None
) -> Iterator[None]:
    """Roll back and raise `ConflictError` (``conflict`` as detail) on an integrity error.

    A value the column cannot hold raises ``out_of_range`` when given (the one case callers
    expect: PostgreSQL's id sequence running past 2^31 - 1), else `InvalidInputError`.
    """
    try:
        yield
    except IntegrityError as exc:
        session.rollback()
        raise ConflictError(conflict) from exc
    except (DataError, OverflowError) as exc:
        # PostgreSQL reports an out-of-range value as a DataError; SQLite's driver refuses an
        # integer beyond 64 bits with a plain OverflowError before the statement runs.
        session.rollback()
        if out_of_range is not None:
            raise out_of_range from exc
        raise InvalidInputError("a value does not fit the database column it is stored in") from exc


def no_id_left(resource: str) -> ConflictError:
    """The largest id is taken, so "the largest id + 1" does not fit a 32-bit id."""
    return ConflictError(
        f"no {resource} id is left below 2^31; create it with a free id explicitly",
        resource=resource,
    )
