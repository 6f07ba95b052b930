"""A Parquet worker file read into a pool column by column, its facts read when shown.

The row reader (:mod:`matcher.pool.parallel`) turns every row into a JSON line, decodes
and checks it, builds the worker's facts and packs them: about 50 us a worker, where a
1,000,000-worker file was to be read into a pool in 10 s. Here the file is read as
columns:

* the column screen (:mod:`models.parquet_screen`) finds the rows the row reader would
  keep as written with nothing to say; only the others are read by the row reader
  (:func:`models.file_parts.read_screened_part`), so the verdict, the errors and the
  warnings are the row reader's;
* the encoded pool's values are read from the clean rows' columns
  (:mod:`matcher.pool.columns_read`) and from the facts of the rows read, merged in file
  order (:func:`matcher.scoring.columns.merge_gathered`) and encoded as
  :func:`matcher.scoring.encoding.encode_pool` encodes facts;
* a worker's facts are made only when a run reads them (:class:`RowFacts`): a match shows
  a few thousand workers of a million.

Row ranges are read by one forked process each (``--read-jobs``), as the row reader's
parts are. :func:`read_columnar` declines (None) a file it cannot read this way: not
Parquet with the columns Selaras writes, or ids that repeat once read (the row reader then
reads it, as before).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from matcher.arrays import Ints
from matcher.pool.columns_read import gather_columns
from matcher.pool.packed import MadeWhenRead
from matcher.pool.parallel import ReadPool
from matcher.scoring.columns import gather, merge_gathered
from matcher.scoring.encoding import (
    GATHERED,
    GATHERED_EXTRA,
    EncodedPool,
    encode_gathered,
    join_encoded,
)
from matcher.scoring.facts import WorkerFacts, worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer, load_default_normalizers
from matcher.taxonomy.skills import default_skill_normalizer
from models.file_parts import Part, PartRead, join_parts, parquet_parts, read_screened_part
from models.files import checked
from models.parquet_files import UNREADABLE, json_lines
from models.parquet_screen import screen_workers, screens
from models.typed_workers import decode_view
from models.worker import Worker

__all__ = ["RowFacts", "read_columnar"]

_FETCH_ROWS = 4096
"""Rows whose facts are made at once when every worker is read in turn."""


class RowFacts(MadeWhenRead):
    """The facts of a table's worker rows, each made when first read, then kept.

    Parameters
    ----------
    table : pyarrow.Table
        Valid worker rows (a file the reader accepted).
    """

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self._made: dict[int, WorkerFacts] = {}

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def fetch(self, rows: Iterable[int]) -> None:
        """Make the facts of ``rows`` (those not yet made) in one batch."""
        wanted = sorted({int(r) for r in rows} - self._made.keys())
        self._made.update(zip(wanted, self._facts(wanted), strict=True))

    def _facts(self, rows: Sequence[int]) -> list[WorkerFacts]:
        if not rows:
            return []
        lines = json_lines(self.table.take(pa.array(rows, pa.int64())), "workers")
        # The rows are valid: a view where the typed decoder reads the line, else the record.
        records = [
            decode_view(line) or Worker.model_validate_json(line)
            for line in lines.split(b"\n")[:-1]
        ]
        return worker_facts(records, default_skill_normalizer(), default_occupation_normalizer())

    def _at(self, index: int) -> WorkerFacts:
        found = self._made.get(index)
        if found is None:
            self.fetch([index])
            found = self._made[index]
        return found

    def __iter__(self) -> Iterator[WorkerFacts]:
        # In batches, and not kept: reading every worker keeps no million facts.
        for start in range(0, len(self), _FETCH_ROWS):
            rows = range(start, min(start + _FETCH_ROWS, len(self)))
            made = self._made
            missing = [r for r in rows if r not in made]
            fresh = dict(zip(missing, self._facts(missing), strict=True))
            yield from (made.get(r) or fresh[r] for r in rows)


@dataclass(frozen=True)
class _Job:
    name: str
    table: pa.Table
    as_of: dt.date
    repeated: Ints


@dataclass(frozen=True)
class _Done:
    read: PartRead
    encoded: EncodedPool | None


_job: _Job | None = None
"""The job of a forked process (set by :func:`_start`)."""


def _start(job: _Job) -> None:
    global _job
    _job = job


def _read(part: Part) -> _Done:
    assert _job is not None
    # Forked: the table read before is shared with the parent, not copied.
    table = _job.table.slice(part.start, part.end - part.start)
    return _part_columns(table, part, _job.repeated, _job.name, _job.as_of)


def _part_columns(table: pa.Table, part: Part, repeated: Ints, name: str, as_of: dt.date) -> _Done:
    """One part's rows screened, the rows left read, and (without error) encoded."""
    screened = screen_workers(table)
    assert screened is not None, "the file's columns were checked before"
    clean = screened.clean
    inside = repeated[(repeated >= part.start) & (repeated < part.end)] - part.start
    clean[inside] = False  # a repeated id is the row reader's error to report
    read = read_screened_part(table, part, clean, name)
    if read.lines_with_errors:
        return _Done(replace(read, records=[]), None)
    skills, occupations = default_skill_normalizer(), default_occupation_normalizer()
    kept = np.flatnonzero(clean)
    left = np.flatnonzero(~clean)
    from_columns, clean_ids = gather_columns(
        table.take(pa.array(kept)) if len(left) else table, skills, occupations
    )
    facts = worker_facts(read.records, skills, occupations)
    from_facts = gather(facts, GATHERED, GATHERED_EXTRA)
    if len(left):
        merged = merge_gathered(from_columns, from_facts, (kept, left))
        ids = np.empty(table.num_rows, dtype=object)
        ids[kept] = clean_ids
        ids[left] = [f.id for f in facts]
        clean_ids = ids.tolist()
    else:
        merged = from_columns
    encoded = encode_gathered(merged, tuple(clean_ids), skills.taxonomy, as_of)
    return _Done(replace(read, records=[]), encoded)


def read_columnar(path: Path, as_of: dt.date, jobs: int) -> ReadPool | None:
    """Read a Parquet worker file into a pool as columns (see the module docstring).

    Parameters
    ----------
    path : Path
        The worker file.
    as_of : datetime.date
        The date the columns are encoded on.
    jobs : int
        Processes reading row ranges (1: in this process).

    Returns
    -------
    ReadPool or None
        The pool (facts made when read: :class:`RowFacts`), or None when the file is not
        one this reader takes (the row reader reads it: it names any problem).

    Raises
    ------
    models.files.InvalidInputError
        If a row has any error: the very error :func:`models.files.read_records` raises.
    """
    # The file is read (in C++, without the interpreter's lock) while the normalizers
    # load: once here, for every forked process.
    with ThreadPoolExecutor(1) as thread:
        reading = thread.submit(_table, path)
        load_default_normalizers()
        found = reading.result()
    if found is None:
        return None
    table, repeated = found
    parts = parquet_parts(table.num_rows, max(jobs, 1))
    done = _read_parts(_Job(str(path), table, as_of, repeated), parts)
    if _renamed(table.select(["agency_id", "id"]), [d.read for d in done]):
        return None  # the row reader finds that repeated id, and any other problem
    checked(join_parts([d.read for d in done]), str(path))
    encoded = [d.encoded for d in done if d.encoded is not None]
    pool = encoded[0] if len(encoded) == 1 else join_encoded(encoded)
    return ReadPool(RowFacts(table), pool, [None] * len(parts))


def _table(path: Path) -> tuple[pa.Table, Ints] | None:
    """The file's rows and the rows whose ids repeat, or None when it is not a file of
    the columns Selaras writes (with some row)."""
    try:
        table = pq.read_table(path)
    except UNREADABLE:
        return None
    if not screens(table.schema):
        return None
    if not {"id", "agency_id", "birth_date"} <= set(table.column_names) or not table.num_rows:
        return None
    return table, _repeated(table.select(["agency_id", "id"]))


def _read_parts(job: _Job, parts: Sequence[Part]) -> list[_Done]:
    """Each part read, in forked processes when there are several."""
    if len(parts) == 1:
        _start(job)
        return [_read(parts[0])]
    context = multiprocessing.get_context("fork")
    with context.Pool(len(parts), initializer=_start, initargs=(job,)) as pool:
        done = pool.map(_read, parts, chunksize=1)
        # The processes end on their own and are waited for here, not killed on exit.
        pool.close()
        pool.join()
    return done


def _repeated(keys: pa.Table) -> Ints:
    """Rows whose (agency_id, id) another row has, as written."""
    joined = _joined(keys)
    codes = pc.dictionary_encode(joined).indices.to_numpy(zero_copy_only=False)
    counts = np.bincount(codes, minlength=len(codes))
    return np.flatnonzero(counts[codes] > 1).astype(np.int64)


def _joined(keys: pa.Table) -> pa.Array:
    agency = keys.column("agency_id").combine_chunks().fill_null("")
    ids = keys.column("id").combine_chunks().fill_null("")
    return pc.binary_join_element_wise(agency, ids, "\x1f")


def _renamed(keys: pa.Table, reads: Sequence[PartRead]) -> bool:
    """Whether a row read has, once read, another row's (agency_id, id) as written: the
    row reader compares ids as stored (" W-1" is "W-1"), which the screen did not see."""
    read_keys = [key for read in reads for key in read.keys]
    if not read_keys:
        return False
    lines = np.asarray([line for read in reads for line in read.lines], np.int64)
    wanted = pa.array(["\x1f".join(key) for key in read_keys], pa.string())
    hits = np.flatnonzero(pc.is_in(_joined(keys), value_set=wanted).to_numpy(zero_copy_only=False))
    return not np.isin(hits, lines - 1).all()
