"""Work spread over processes forked from this one, which inherit what it holds.

The engine's Python between numpy calls holds the interpreter's lock, so threads do not
run it in parallel; processes do, and a forked process inherits the encoded pool, the
scorer and every table it has built without copying or pickling them (copy on write).
Only the position of each piece of work goes to a process, and its result comes back
pickled. Callers: an allocation round's two passes (``ChunkRunner(backend="fork")``) and
the kernel's ranking of many job orders (``PoolScorer.top_workers(n_jobs=...)``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["can_fork", "forked_map", "processes"]

R = TypeVar("R")

# The work of the processes being forked: set by _start in each process before it takes
# a piece (inherited through the fork, never pickled).
_work: Callable[[int], Any] | None = None


def can_fork() -> bool:
    """Whether this system can fork processes (POSIX)."""
    return "fork" in multiprocessing.get_all_start_methods()


def processes(n_jobs: int) -> int:
    """The processes ``n_jobs`` asks for: itself when positive, one per core for -1.

    Raises
    ------
    ValueError
        If ``n_jobs`` is not an int other than 0.
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0:
        raise ValueError(f"'n_jobs' must be an int other than 0; got {n_jobs!r}")
    return (os.cpu_count() or 1) if n_jobs < 0 else n_jobs


def _start(work: Callable[[int], Any]) -> None:
    global _work
    _work = work
    # What the process inherited is never collected here: a collection walking it would
    # write to every object's header, copying the parent's whole heap page by page.
    gc.freeze()


def _run(index: int) -> Any:
    assert _work is not None
    return _work(index)


def forked_map(work: Callable[[int], R], n: int, n_processes: int) -> Generator[R, None, None]:
    """``work(0)``, ..., ``work(n - 1)``, in order, computed in forked processes.

    Parameters
    ----------
    work : callable
        The work of one piece, by its position; it and what it refers to reach the
        processes through the fork. Its result must pickle.
    n : int
        Pieces of work.
    n_processes : int
        Processes at most (no more than ``n``); with one, the pieces run in this process.

    Yields
    ------
    result
        Each piece's result, as soon as it and every earlier one are done. An error a
        piece raises is raised here, for that piece; the pieces not started are dropped.

    Raises
    ------
    RuntimeError
        If a process stopped before returning a result (killed, out of memory).
    """
    n_processes = min(n_processes, n)
    if n_processes <= 1:
        yield from (work(i) for i in range(n))
        return
    executor = ProcessPoolExecutor(
        max_workers=n_processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(work,),
    )
    try:
        yield from executor.map(_run, range(n))
    except BrokenProcessPool as error:
        raise RuntimeError(
            "a forked process stopped before returning its result (killed, or out of "
            "memory?); run with fewer jobs"
        ) from error
    finally:
        # Stopped early (an error, a closed generator): the pieces not started are dropped.
        executor.shutdown(wait=True, cancel_futures=True)
