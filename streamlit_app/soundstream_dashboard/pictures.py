"""Artist pictures that degrade to initials, as HTML for `st.markdown`.

Last.fm's 2011 picture URLs are mostly dead and 444 artists have none. A plain ``<img>`` (or
a Plotly layout image) shows a broken-image icon for each; here the picture is a layer over
an initials placeholder, so a URL that fails to load leaves the initials visible.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol


class Pictured(Protocol):
    """Anything with an artist's name, picture and Last.fm URL (chart entries, artists)."""

    @property
    def name(self) -> str: ...
    @property
    def picture_url(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...


def initials(name: str) -> str:
    """Up to two initials for a picture placeholder (quotes and punctuation skipped).

    Example:
        >>> initials('"Weird Al" Yankovic'), initials("Björk")
        ('WY', 'B')
    """
    words = ["".join(ch for ch in word if ch.isalnum()) for word in name.split()]
    letters = [word[0].upper() for word in words if word]
    if len(letters) > 2:
        letters = [letters[0], letters[-1]]
    return "".join(letters) or "?"


def picture_html(name: str, picture_url: str | None, *, size: int = 96) -> str:
    """A square picture over a placeholder with the artist's initials, in a colour
    derived from the name (stable across reruns)."""
    hue = sum(map(ord, name)) % 360
    picture = ""
    if picture_url:
        src = html.escape(picture_url, quote=True)
        picture = (
            f'<div style="position:absolute;inset:0;background:url(&quot;{src}&quot;) '
            'center/cover no-repeat;"></div>'
        )
    return (
        f'<div style="position:relative;width:{size}px;height:{size}px;border-radius:8px;'
        f"overflow:hidden;background:linear-gradient(135deg,hsl({hue},45%,45%),"
        f"hsl({(hue + 40) % 360},55%,30%));color:#fff;display:flex;align-items:center;"
        f'justify-content:center;font:600 {size // 3}px sans-serif;">'
        f"{html.escape(initials(name))}{picture}</div>"
    )


def picture_strip_html(artists: Sequence[Pictured], *, size: int = 38) -> str:
    """A row of numbered pictures, each linking to the artist's Last.fm page: the
    pictures of a chart, in its order."""
    tiles = []
    for rank, artist in enumerate(artists, start=1):
        tile = picture_html(artist.name, artist.picture_url, size=size)
        if artist.url:
            tile = f'<a href="{html.escape(artist.url, quote=True)}" target="_blank">{tile}</a>'
        tiles.append(
            f'<div title="{html.escape(artist.name, quote=True)}" style="text-align:center;'
            f'font:12px sans-serif;color:#5f6368;">{tile}{rank}</div>'
        )
    # One row, one column per artist, under a chart of the same width.
    return (
        f'<div style="display:grid;grid-template-columns:repeat({max(len(tiles), 1)},1fr);'
        f'justify-items:center;gap:4px;margin:0 0 12px 0;">{"".join(tiles)}</div>'
    )
