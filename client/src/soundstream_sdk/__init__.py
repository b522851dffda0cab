"""The Python SDK of SoundStream, the Last.fm-2k music-graph API.

Example:
    >>> from soundstream_sdk import SoundStream
    >>> client = SoundStream()  # SOUNDSTREAM_URL, else http://127.0.0.1:8000
    >>> [hit.name for hit in client.artists.search(tags=["rock"], limit=5)]
"""

from soundstream_sdk._base_client import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
)
from soundstream_sdk._client import AsyncSoundStream, SoundStream
from soundstream_sdk._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GraphQLError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SoundStreamError,
    UnprocessableEntityError,
)
from soundstream_sdk._pagination import AsyncPage, AsyncPaginator, SyncPage
from soundstream_sdk._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncSoundStream",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "GraphQLError",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "SoundStream",
    "SoundStreamError",
    "SyncPage",
    "UnprocessableEntityError",
    "__version__",
]
