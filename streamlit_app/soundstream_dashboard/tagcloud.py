"""The tag cloud: tag names sized by how often listeners applied them."""

from __future__ import annotations

from random import Random
from typing import Any

from PIL.Image import Image
from soundstream_sdk.types import TagChart
from wordcloud import WordCloud

WIDTH = 1200
HEIGHT = 480


def _red(*_args: Any, random_state: Random | None = None, **_kwargs: Any) -> str:
    # Dark reds only: a colormap's pale end would vanish on the white background.
    lightness = random_state.randint(22, 48) if random_state else 35
    return f"hsl(2, 75%, {lightness}%)"


def tag_frequencies(chart: TagChart) -> dict[str, float]:
    """Tag name -> assignments, the cloud's word weights.

    Example:
        >>> tag_frequencies(client.charts.tags(limit=2))  # doctest: +SKIP
        {'rock': 3.0, 'pop': 3.0}
    """
    return {entry.name: float(entry.assignments) for entry in chart.items if entry.assignments}


def tag_cloud_image(frequencies: dict[str, float], *, seed: int = 0) -> Image:
    """The cloud as an image; ``seed`` fixes the layout so reruns do not reshuffle it.

    Raises:
        ValueError: ``frequencies`` is empty (there is nothing to draw).
    """
    if not frequencies:
        raise ValueError("no tags to draw")
    cloud = WordCloud(
        width=WIDTH,
        height=HEIGHT,
        background_color="white",
        color_func=_red,
        prefer_horizontal=0.9,
        relative_scaling=0.5,
        min_font_size=8,
        random_state=seed,
        max_words=len(frequencies),
    )
    image: Image = cloud.generate_from_frequencies(frequencies).to_image()
    return image
