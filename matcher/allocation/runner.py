"""Running chunk tasks in parallel: joblib threads or processes here, or a Dask cluster.

One knob, ``n_jobs``, and the same answer for every value: results come back in chunk
order whatever finished first. Local jobs are threads by default: the kernel's work is
numpy over whole columns, which releases the GIL, and threads share the encoded pool
instead of copying it into every process. Where the Python between those numpy calls
holds the GIL (many small job orders), ``backend="loky"`` runs the same tasks in worker
processes: joblib hands them the pool's large arrays as memory maps, written once per
pass, and each process builds its scorer once per round (:class:`PoolPayload`).
``backend="fork"`` runs them in processes forked from this one for each pass: they
inherit the pool, the scorer and the tables it has built (copy on write), and only the
chunks' positions and their results cross between processes. ``backend="dask"`` sends
the same tasks to a Dask cluster through joblib's Dask backend; the pool and the scorer
are scattered to the workers once per pass, and each worker process builds its scorer
once per pass.

:mod:`distributed` is imported only when the Dask backend is used.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from types import TracebackType
from typing import Any, Protocol, TypeVar

from joblib import Parallel, delayed, parallel_config

from matcher.allocation.chunks import Chunk, PoolPayload
from matcher.forked import can_fork, forked_map, processes
from matcher.options import Backend

__all__ = ["BACKENDS", "Backend", "ChunkRunner", "Progress", "QuietProgress"]

BACKENDS: tuple[Backend, ...] = ("threading", "loky", "fork", "dask")
R = TypeVar("R")


class Progress(Protocol):
    """Where a round reports its progress (a progress bar, a job's status row).

    A round runs stages one after the other; each counts its own units (job orders).
    """

    def start(self, stage: str, total: int) -> None:
        """A stage begins with ``total`` units to do."""

    def advance(self, n: int) -> None:
        """``n`` more units of the current stage are done."""


class QuietProgress:
    """Progress that reports nowhere."""

    def start(self, stage: str, total: int) -> None:
        """Nothing to show."""

    def advance(self, n: int) -> None:
        """Nothing to show."""


class ChunkRunner:
    """Maps chunk tasks over job-order chunks, in order, with joblib.

    Use it as a context manager with ``backend="dask"`` (it holds the cluster's client
    for the round); a threading runner needs no context.

    Parameters
    ----------
    n_jobs : int or None
        Parallel jobs: threads or processes locally, tasks in flight on a cluster. None
        means 1 locally and every core of the cluster with Dask; -1 means every core.
    backend : {"threading", "loky", "fork", "dask"}
    scheduler : str or None
        Address of the Dask scheduler (``tcp://host:8786``); required with Dask.

    Raises
    ------
    ValueError
        If a parameter is invalid.
    """

    def __init__(
        self,
        *,
        n_jobs: int | None = None,
        backend: Backend = "threading",
        scheduler: str | None = None,
    ) -> None:
        if n_jobs is not None and (
            isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0
        ):
            raise ValueError(
                "The 'n_jobs' parameter of ChunkRunner must be an int other than 0, or None. "
                f"Got {n_jobs!r}."
            )
        if backend not in BACKENDS:
            raise ValueError(
                f"The 'backend' parameter of ChunkRunner must be one of {list(BACKENDS)}. "
                f"Got {backend!r}."
            )
        if (backend == "dask") != (scheduler is not None):
            raise ValueError(
                "The 'scheduler' parameter of ChunkRunner is required with backend='dask' "
                f"and only then. Got backend={backend!r}, scheduler={scheduler!r}."
            )
        if backend == "fork" and not can_fork():
            raise ValueError("backend='fork' needs a system that can fork processes (POSIX).")
        self.n_jobs = n_jobs
        self.backend = backend
        self.scheduler = scheduler
        self._client: Any = None

    def __enter__(self) -> ChunkRunner:
        if self.backend == "dask":
            from distributed import Client  # optional and heavy: imported on use

            self._client = Client(  # type: ignore[no-untyped-call]
                self.scheduler, set_as_default=False
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def map(
        self,
        task: Callable[..., R],
        payload: PoolPayload,
        chunks: Sequence[Chunk],
        *shared: Any,
    ) -> Generator[R, None, None]:
        """``task(payload, chunk, *shared)`` for every chunk, results in chunk order.

        Results are yielded as soon as they and every earlier one are done, so the caller
        can save and report each while later chunks run.

        Raises
        ------
        RuntimeError
            With Dask, when the runner is not entered (no client).
        """
        if not chunks:
            return
        if self.backend == "fork":
            yield from _forked(task, payload, chunks, shared, self.n_jobs or 1)
            return
        if self.backend != "dask":
            local = (delayed(task)(payload, chunk, *shared) for chunk in chunks)
            yield from Parallel(
                n_jobs=self.n_jobs or 1, backend=self.backend, return_as="generator"
            )(local)
            return
        if self._client is None:
            raise RuntimeError("enter the ChunkRunner (with ...) to use the Dask backend")
        # The payload and the shared arguments go to every worker once per pass; every
        # task refers to them. Scattered under fresh keys (hash=False): with content keys
        # the next pass would scatter the same key while the last one is being released,
        # and its tasks could lose their data.
        scattered = self._client.scatter([payload, *shared], broadcast=True, hash=False)
        calls = (delayed(task)(scattered[0], chunk, *scattered[1:]) for chunk in chunks)
        try:
            with parallel_config(backend="dask", n_jobs=self.n_jobs or -1, client=self._client):
                yield from Parallel(return_as="generator")(calls)
        finally:
            for future in scattered:
                future.release()


def _forked(
    task: Callable[..., R],
    payload: PoolPayload,
    chunks: Sequence[Chunk],
    shared: tuple[Any, ...],
    n_jobs: int,
) -> Generator[R, None, None]:
    """The chunks' results in chunk order, computed in ``n_jobs`` forked processes (-1:
    one per core), or in this process when that is one (:func:`matcher.forked.forked_map`)."""
    # Built here, before the fork, so that every process shares this scorer and the
    # tables it has built instead of building its own.
    payload.pool_scorer()
    yield from forked_map(
        lambda i: task(payload, chunks[i], *shared), len(chunks), processes(n_jobs)
    )
