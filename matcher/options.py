"""The choices a caller makes when running the engine (command options, API fields).

Plain ``Literal`` types in a module that imports nothing, so that the command line can
declare its options (and ``selaras --help`` answer) without loading numpy or the models.
The modules that act on a choice re-export it: ``matcher.scoring.matching.Direction``,
``matcher.allocation.round.Method`` and ``GapScope``, ``matcher.allocation.runner.Backend``,
``matcher.reintegration.run.ReintegrateFor``.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Backend", "Direction", "GapScope", "Method", "ReintegrateFor"]

Direction = Literal["vacancies", "workers"]
"""``vacancies``: the top workers of each job order; ``workers``: the reverse."""
Method = Literal["optimal", "stable"]
"""Allocation method: the largest total score, or worker-proposing deferred acceptance."""
GapScope = Literal["open", "all"]
"""Job orders whose gaps explain unplaced workers: those left with open slots, or all."""
Backend = Literal["threading", "loky", "fork", "dask"]
"""Where a round's chunks run: threads of this process, processes of this machine (loky,
or forked from this one), or a Dask cluster."""
ReintegrateFor = Literal["returnees", "opportunities"]
"""``returnees``: each returnee's best opportunities; ``opportunities``: the reverse."""
