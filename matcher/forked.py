"""Work spread over processes forked from this one, which inherit what it holds.

The engine's Python between numpy calls holds the interpreter's lock, so threads do not
run it in parallel; processes do, and a forked process inherits the encoded pool, the
scorer and every table it has built without copying or pickling them (copy on write).
Only the piece of work goes to a process (a position, a few small arrays), and its
result comes back pickled. Callers: an allocation round's two passes
(``ChunkRunner(backend="fork")``, whose processes serve both passes and keep what they
built in the first for the second) and the kernel's ranking of many job orders
(``PoolScorer.top_workers(n_jobs=...)``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

__all__ = ["ForkedProcesses", "ProcessLostError", "can_fork", "forked_map", "processes"]

R = TypeVar("R")
S = TypeVar("S")
T = TypeVar("T")


class ProcessLostError(RuntimeError):
    """A forked process stopped before returning a result (killed, out of memory)."""


# What the processes being forked share: set by _start in each process before it takes
# a piece of work (inherited through the fork, never pickled).
_state: Any = None


def can_fork() -> bool:
    """Whether this system can fork processes (POSIX)."""
    return "fork" in multiprocessing.get_all_start_methods()


def processes(n_jobs: int) -> int:
    """The processes ``n_jobs`` asks for: itself when positive, one per core for -1."""
    return (os.cpu_count() or 1) if n_jobs < 0 else n_jobs


def _start(state: Any) -> None:
    global _state
    _state = state
    # What the process inherited is never collected here: a collection walking it would
    # write to every object's header, copying the parent's whole heap page by page.
    gc.freeze()


def _run(work: Callable[[Any, Any], Any], item: Any) -> Any:
    return work(_state, item)


class ForkedProcesses(Generic[S]):
    """Processes forked from this one that share ``state`` and serve several maps: what
    a process builds while it works stays with it for the next map.

    Parameters
    ----------
    state : object
        What every piece of work is given first; it reaches the processes through the
        fork (never pickled).
    n_processes : int
        Processes (2 or more).

    Use it as a context manager, or :meth:`close` it.
    """

    def __init__(self, state: S, n_processes: int) -> None:
        self.state = state
        self._executor = ProcessPoolExecutor(
            max_workers=n_processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
            initargs=(state,),
        )

    def map(self, work: Callable[[S, T], R], items: Iterable[T]) -> Generator[R, None, None]:
        """``work(state, item)`` for every item, in order, computed in the processes.

        ``work`` is a module-level function (pickled by name) and every item and result
        must pickle. Results are yielded as soon as they and every earlier one are done;
        an error a piece raises is raised here, for that piece; when the caller stops
        early, the pieces not started are dropped.

        Raises
        ------
        ProcessLostError
            If a process stopped before returning a result (killed, out of memory); the
            processes cannot be used again.
        """
        futures: list[Future[R]] = []
        try:
            futures.extend(self._executor.submit(_run, work, item) for item in items)
            for future in futures:
                yield future.result()
        except BrokenProcessPool as error:
            raise ProcessLostError(
                "a forked process stopped before returning its result (killed, or out of "
                "memory?); run with fewer jobs"
            ) from error
        finally:
            for future in futures:
                future.cancel()  # stopped early: the pieces not started are dropped

    def close(self) -> None:
        """Stop the processes (after the pieces they are running)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ForkedProcesses[S]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _call(work: Callable[[int], Any], index: int) -> Any:
    return work(index)


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
        As :meth:`ForkedProcesses.map`.

    Raises
    ------
    ProcessLostError
        If a process stopped before returning a result (killed, out of memory).
    """
    n_processes = min(n_processes, n)
    if n_processes <= 1:
        yield from (work(i) for i in range(n))
        return
    with ForkedProcesses(work, n_processes) as forked:
        yield from forked.map(_call, range(n))
