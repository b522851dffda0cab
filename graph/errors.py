"""The one error the graph functions raise on purpose besides ``ValueError``.

Why a ``KeyError`` subclass: asking for a user the graph does not hold is a failed lookup, so code
that already catches ``KeyError``/``LookupError`` keeps working, while a service can catch exactly
this class and answer 404. Invalid *options* (a radius of 3, ``k=0``) raise ``ValueError``.
"""

from __future__ import annotations

__all__ = ["UnknownUserError"]


class UnknownUserError(KeyError):
    """The user id is not a node of the friendship graph.

    Attributes
    ----------
    user : int
        The Last.fm user id that was asked for.

    Examples
    --------
    >>> err = UnknownUserError(42)
    >>> str(err)
    'user 42 is not in the friendship graph'
    >>> isinstance(err, KeyError)
    True
    """

    def __init__(self, user: int) -> None:
        super().__init__(user)
        self.user = user

    def __str__(self) -> str:
        # KeyError.__str__ would print repr(user); a sentence reads better in a 404 body.
        return f"user {self.user} is not in the friendship graph"
