"""Pool files: JSON Lines, the same bytes whatever the number of processes drawing the
workers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.synthetic.pool import Pool
from benchmarks.synthetic.settings import FILE_NAMES, WORKER_BLOCK
from benchmarks.synthetic.worker_tables import WorkerTables
from benchmarks.synthetic.workers import iter_workers, without_gc, worker_block


def record_line(record: Mapping[str, Any]) -> str:
    """One JSON Lines line (with its newline) as the pool files store it."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_records(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write ``records`` to ``path`` as JSON Lines (replacing it); how many were written."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(record_line(record))
            count += 1
    return count


# Worker-process state of ``write_workers`` (set once per process by its initializer).
_PROCESS_TABLES: list[WorkerTables] = []


def _init_process(agencies: Sequence[Mapping[str, Any]], as_of: dt.date, seed: int) -> None:
    _PROCESS_TABLES[:] = [WorkerTables(agencies, as_of, seed)]


def _block_text(task: tuple[int, int, int, int]) -> str:
    """The JSON Lines text of one block of workers (runs in a worker process)."""
    block, n, seed, width = task
    records = without_gc(worker_block, block, n, seed, _PROCESS_TABLES[0], width)
    return "".join(record_line(record) for record in records)


def write_workers(
    path: Path,
    n_workers: int,
    agencies: Sequence[Mapping[str, Any]],
    *,
    seed: int,
    as_of: dt.date,
    n_jobs: int,
) -> int:
    """Write ``n_workers`` workers to ``path``; ``n_jobs`` processes give the same bytes.

    Blocks have their own random streams, so they can be drawn in any process; the
    processes return each block's text and it is written in block order.
    """
    if n_jobs == 1:
        records = iter_workers(n_workers, agencies, seed=seed, as_of=as_of)
        return write_records(path, records)
    width = max(7, len(str(n_workers)))
    tasks = [
        (block, min(WORKER_BLOCK, n_workers - block * WORKER_BLOCK), seed, width)
        for block in range(-(-n_workers // WORKER_BLOCK))
    ]
    with (
        ProcessPoolExecutor(
            n_jobs, initializer=_init_process, initargs=(agencies, as_of, seed)
        ) as executor,
        path.open("w", encoding="utf-8", newline="\n") as handle,
    ):
        for text in executor.map(_block_text, tasks):
            handle.write(text)
    return n_workers


def write_pool(pool: Pool, out_dir: str | Path) -> dict[str, Path]:
    """Write a pool as ``workers.jsonl``, ``vacancies.jsonl`` and ``agencies.jsonl``.

    Parameters
    ----------
    pool : Pool
        The records.
    out_dir : str or Path
        Directory, created if missing; existing files of those names are replaced.

    Returns
    -------
    dict of str to Path
        ``workers``, ``vacancies``, ``agencies`` -> the files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / name for kind, name in zip(("workers", "vacancies", "agencies"),
                                                    FILE_NAMES, strict=True)}  # fmt: skip
    write_records(paths["workers"], pool.workers)
    write_records(paths["vacancies"], pool.vacancies)
    write_records(paths["agencies"], pool.agencies)
    return paths
