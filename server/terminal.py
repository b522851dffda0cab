"""How long CLI jobs report progress: rich on an interactive terminal, nothing in CI or pipes.

Kept import-light (rich is imported only when drawing) because `soundstream ingest` is timed
as a whole command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("CI")


@contextmanager
def steps() -> Iterator[Callable[[str], None]]:
    """A callable naming the current step: a spinner on a terminal, silence elsewhere."""
    if not interactive():
        yield lambda _step: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda step: bar.update(task, description=step)
