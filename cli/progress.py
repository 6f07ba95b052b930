"""A progress bar with ETA for long commands, on stderr (never mixed with JSON on stdout)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from matcher.allocation.runner import QuietProgress

__all__ = ["StageBar", "stage_bar"]


class StageBar:
    """One bar per stage of a round (:class:`matcher.allocation.runner.Progress`)."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def start(self, stage: str, total: int) -> None:
        """Open the stage's bar (the previous one stays, complete)."""
        self._task = self._bar.add_task(stage, total=total)

    def advance(self, n: int) -> None:
        """Move the current stage's bar on by ``n`` job orders."""
        if self._task is not None:
            self._bar.advance(self._task, n)


@contextmanager
def stage_bar(show: bool | None) -> Iterator[StageBar | QuietProgress]:
    """A progress bar on stderr for the duration of the block.

    Parameters
    ----------
    show : bool or None
        True: always (drawn as on a terminal, e.g. for a log viewer that renders it);
        False: never; None: only when stderr is a terminal.

    Yields
    ------
    StageBar or a progress that shows nothing
    """
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield QuietProgress()
        return
    console = Console(stderr=True, force_terminal=True)
    columns = (
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("job orders"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        yield StageBar(bar)
