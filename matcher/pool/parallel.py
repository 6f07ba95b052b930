"""A large worker file read, normalized and encoded in parts, one process per part.

Reading a worker file (decoding, validating, the facts with their normalized skills and
titles, encoding) is most of ``selaras match`` and ``selaras pool build`` and runs on one
core. A JSON Lines file of at least :data:`MIN_PARALLEL_BYTES` is cut into parts at line
breaks, a Parquet file of at least :data:`MIN_PARALLEL_ROWS` rows into row ranges
(:mod:`models.file_parts`); forked processes each read one part and turn its
workers into facts and columns, and send back only those, packed (the facts as one
MessagePack buffer, :class:`~matcher.pool.packed.PackedFacts`; the columns as arrays),
not the records or facts as Python objects for the parent to rebuild one by one. The parts'
results are joined into the whole file's verdict (the same errors and messages as the
one-process reader), and their columns into the pool encoding the whole file gives
(:func:`~matcher.scoring.encoding.join_encoded`). Smaller files, other formats, a Parquet
file the reader refuses whole (unreadable, a wrong column) and one job are read in process
as before.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from matcher.pool.packed import PackedFacts
from matcher.scoring.encoding import EncodedPool, encode_pool, join_encoded
from matcher.scoring.facts import WorkerFacts, worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer, load_default_normalizers
from matcher.taxonomy.skills import default_skill_normalizer
from models.file_parts import (
    Part,
    PartRead,
    is_jsonl,
    join_parts,
    jsonl_parts,
    parquet_parts,
    read_part,
)
from models.files import InvalidInputError, _parquet_file, checked, read_records
from models.worker import Worker

__all__ = ["MIN_PARALLEL_BYTES", "MIN_PARALLEL_ROWS", "ReadPool", "read_in_parts", "read_pool"]

MIN_PARALLEL_BYTES = 8 * 1024 * 1024
"""Smallest worker file read in parts: below it (about 10,000 workers) starting the
processes costs more than the part of a second they save."""

MIN_PARALLEL_ROWS = 10_000
"""Smallest Parquet worker file read in parts, in rows (about the workers of
:data:`MIN_PARALLEL_BYTES` of JSON Lines; Parquet's bytes say little, being compressed)."""

EachPart = Callable[[list[Worker]], Any]
"""Run in a process on its part's records (when the part has no error); what it returns
is sent back (for what the caller keeps about the raw records, which stay there). The
records are views (:func:`models.typed_workers.decode_view`) where the typed reader reads
a line: they read as records, but are not instances of ``Worker``."""


@dataclass(frozen=True)
class ReadPool:
    """A worker file read in parts, as one pool.

    Attributes
    ----------
    facts : Sequence[WorkerFacts]
        Every worker's facts, in file order, made when read (packed, or from the file's
        rows: :class:`matcher.pool.columnar.RowFacts`).
    encoded : EncodedPool
        Their columns, encoded on the date given.
    each_part : list
        What ``each_part`` returned for each part, in file order.
    """

    facts: Sequence[WorkerFacts]
    encoded: EncodedPool
    each_part: list[Any]


def read_in_parts(
    path: Path, jobs: int, *, min_bytes: int | None = None, min_rows: int | None = None
) -> bool:
    """Whether :func:`read_pool` should read the worker file ``path`` (else one process).

    Parameters
    ----------
    path : Path
    jobs : int
        Processes allowed (``--read-jobs``).
    min_bytes : int, optional
        Smallest JSON Lines file read in parts; :data:`MIN_PARALLEL_BYTES` (read when
        called, so that tests can lower it) by default.
    min_rows : int, optional
        Smallest Parquet file read in parts, in rows; :data:`MIN_PARALLEL_ROWS` (read when
        called) by default. A Parquet file the reader refuses whole is never read in parts.
    """
    if jobs < 2:
        return False
    if _parquet_file(path):
        try:
            rows = _parquet_rows(path)
        except InvalidInputError:
            return False  # read in one process, which reports why it is refused
        return rows >= (MIN_PARALLEL_ROWS if min_rows is None else min_rows)
    least = MIN_PARALLEL_BYTES if min_bytes is None else min_bytes
    return path.stat().st_size >= least and is_jsonl(path)


def _parquet_rows(path: Path) -> int:
    from models.parquet_files import readable_rows  # pyarrow only when a file needs it

    return readable_rows(path, "workers")


@dataclass(frozen=True)
class _Job:
    path: Path
    as_of: dt.date
    each_part: EachPart | None


@dataclass(frozen=True)
class _Done:
    read: PartRead
    facts: PackedFacts | None
    encoded: EncodedPool | None
    note: Any


_job: _Job | None = None
"""The job of a forked process (set by :func:`_start` before it reads its part)."""
_kept: list[object] = []
"""A process's records and facts, never freed: freeing 500,000 records took seconds,
between making the part's result and sending it. A pool's process ends without the
interpreter's teardown (``os._exit``), so they go with it."""


def _start(job: _Job) -> None:
    global _job
    _job = job


def _read(part: Part) -> _Done:
    """One part read, and, when it has no error of its own, its facts and columns."""
    assert _job is not None
    # Nothing here keeps the records: views are read (models.typed_workers.decode_view).
    read = read_part(_job.path, "workers", part, views=True)
    if read.lines_with_errors:
        return _Done(replace(read, records=[]), None, None, None)  # the file is refused
    records: list[Worker] = read.records
    facts, packed, encoded = _pooled(records, _job.as_of)
    note = None if _job.each_part is None else _job.each_part(records)
    _kept.append((records, facts))
    return _Done(replace(read, records=[]), packed, encoded, note)


def _pooled(
    records: list[Worker], as_of: dt.date
) -> tuple[list[WorkerFacts], PackedFacts, EncodedPool]:
    """The records' facts, the facts packed, and their columns encoded on ``as_of``."""
    skills = default_skill_normalizer()
    facts = worker_facts(records, skills, default_occupation_normalizer())
    return facts, PackedFacts.pack(facts), encode_pool(facts, skills.taxonomy, as_of)


def read_pool(
    path: Path, as_of: dt.date, jobs: int, *, each_part: EachPart | None = None
) -> ReadPool:
    """Read, normalize and encode a worker file in ``jobs`` forked processes.

    Parameters
    ----------
    path : Path
        The worker file (JSON Lines or Parquet).
    as_of : datetime.date
        The date the columns are encoded on.
    jobs : int
        Processes, one per part.
    each_part : callable, optional
        Run in each process on its part's records; its results are returned.

    Returns
    -------
    ReadPool
        The facts and columns :func:`models.files.read_records`,
        :func:`matcher.scoring.facts.worker_facts` and
        :func:`matcher.scoring.encoding.encode_pool` give the whole file.

    Raises
    ------
    models.files.InvalidInputError
        If the file has any error: the very error :func:`models.files.read_records` raises.
    """
    # A Parquet file refused whole (unreadable, a wrong column) raises its error here.
    rows = _parquet_rows(path) if _parquet_file(path) else None
    parts = jsonl_parts(path, jobs) if rows is None else parquet_parts(rows, jobs)
    # Built (and loaded) here once, so that every process starts with them: forked, not
    # rebuilt.
    load_default_normalizers()
    context = multiprocessing.get_context("fork")
    job = _Job(path, as_of, each_part)
    # Forked, the job (and each_part) reaches the processes without being pickled.
    with context.Pool(len(parts), initializer=_start, initargs=(job,)) as pool:
        done: Sequence[_Done] = pool.map(_read, parts, chunksize=1)
        # The processes end on their own and are waited for here, not killed on exit.
        pool.close()
        pool.join()
    if not all(d.read.readable for d in done):
        return _read_whole(path, as_of, each_part)
    checked(join_parts([d.read for d in done]), str(path))
    facts = [d.facts for d in done if d.facts is not None]
    encoded = [d.encoded for d in done if d.encoded is not None]
    return ReadPool(PackedFacts.join(facts), join_encoded(encoded), [d.note for d in done])


def _read_whole(path: Path, as_of: dt.date, each_part: EachPart | None) -> ReadPool:
    """The file read in this process, when a process could not read the rows of its part
    (a Parquet page pyarrow cannot decode): the whole file's reader raises the error it
    gives in one process, naming what it could not read first."""
    records = read_records(path, "workers").records
    _, packed, encoded = _pooled(records, as_of)
    return ReadPool(packed, encoded, [None if each_part is None else each_part(records)])
