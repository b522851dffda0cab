"""Resource namespaces: ``client.artists``, ``client.users``, ``client.tags``,
``client.charts``, ``client.analytics``, ``client.social`` and ``client.graph``."""

from soundstream_sdk.resources.analytics import Analytics, AsyncAnalytics
from soundstream_sdk.resources.artists import Artists, AsyncArtists
from soundstream_sdk.resources.charts import AsyncCharts, Charts
from soundstream_sdk.resources.graph import AsyncGraph, Graph
from soundstream_sdk.resources.social import AsyncSocial, Social
from soundstream_sdk.resources.tags import AsyncTags, Tags
from soundstream_sdk.resources.users import AsyncUsers, Users

__all__ = [
    "Analytics",
    "Artists",
    "AsyncAnalytics",
    "AsyncArtists",
    "AsyncCharts",
    "AsyncGraph",
    "AsyncSocial",
    "AsyncTags",
    "AsyncUsers",
    "Charts",
    "Graph",
    "Social",
    "Tags",
    "Users",
]
