"""A JSON Lines or Parquet file read in parts (one process each), joined into the whole
file's result.

Reading a large worker file is the longest phase of a batch run and runs on one core.
:func:`jsonl_parts` cuts a JSON Lines file at line breaks into byte ranges
(:func:`buffer_parts` the same bytes held in memory: a bulk upload, read by
:func:`read_buffer_part`), :func:`parquet_parts` a Parquet file into row ranges;
:func:`read_part` reads one range
with the reader of :mod:`models.files` (the typed decoder first; a Parquet part's rows
made the JSON Lines :func:`models.parquet_files.read_parquet` reads), numbering its lines
(rows) as in the whole file, and :func:`join_parts` joins the parts' results into exactly
the :class:`~models.files.ReadResult` the whole file gives: the same records, errors,
warnings, messages, counts and order.

What a part cannot know alone is settled when joining: a repeated id is only an error
against the whole file (a part reports the key and line of every valid record, and the
join finds the repeats in file order, with the first line of each key), and the warnings
count only before the file's first error (a part reports the line of each warning).
Reading stops at a line that is not UTF-8 text; a part that stopped ends the file.
``tests/models/test_file_parts.py`` holds the join to the whole-file reader.
"""

from __future__ import annotations

import heapq
import io
import mmap
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice, pairwise
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from models.files import (
    _BOM,
    _SNIFF_BYTES,
    MAX_LISTED_PROBLEMS,
    FileFormat,
    Problem,
    ReadResult,
    _duplicate,
    _format_of,
    _parquet_file,
    _Reader,
    no_records,
)
from models.kinds import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "Part",
    "PartRead",
    "buffer_is_jsonl",
    "buffer_parts",
    "is_jsonl",
    "join_parts",
    "jsonl_parts",
    "parquet_parts",
    "read_buffer_part",
    "read_part",
    "read_screened_part",
]

_COUNT_CHUNK = 16 * 1024 * 1024


@dataclass(frozen=True)
class Part:
    """Bytes ``start`` to ``end`` of a JSON Lines file, whole lines, the first being
    ``first_line``; of a Parquet file, rows ``start`` to ``end`` (from 0, ``end``
    excluded), ``first_line`` being ``start + 1``."""

    start: int
    end: int
    first_line: int


@dataclass
class PartRead:
    """What :func:`read_part` found in one part, for :func:`join_parts`.

    Attributes
    ----------
    name, kind : str
        The file name used in messages, and the records' kind.
    records : list
        The valid records, while the part has no error of its own (then all of them).
    lines, keys : list
        Line and identifying fields of every valid record (after an error too: a later
        record repeating one is still an error).
    errors : list of Problem
        The part's first errors (repeated ids aside), as the reader lists them.
    lines_with_errors : int
        The part's lines with errors (repeated ids aside).
    first_error : int or None
        The line of the part's first error.
    warnings : list of Problem
        The first warnings of the records before the part's first error.
    warning_lines : list of int
        The line of each of those warnings, listed or not.
    any_content : bool
        Whether the part holds anything but blank lines (or begins a file that does).
    complete : bool
        False when reading stopped at a line that is not UTF-8 (nothing after it counts).
    readable : bool
        False when the rows of a Parquet part could not be read (then nothing else is
        set, and the file is to be read whole for its error).
    clean : int
        Valid rows not in ``lines`` and ``keys``: rows the column screen found clean
        (:func:`read_screened_part`), whose ids the caller has shown to be unique.
    """

    name: str
    kind: RecordKind
    records: list[Any] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    keys: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    lines_with_errors: int = 0
    first_error: int | None = None
    warnings: list[Problem] = field(default_factory=list)
    warning_lines: list[int] = field(default_factory=list)
    any_content: bool = False
    complete: bool = True
    readable: bool = True
    clean: int = 0


def is_jsonl(path: Path) -> bool:
    """True when :func:`models.files.read_records` reads ``path`` as JSON Lines (its
    extension, or its content sniffed as the reader does)."""
    if _parquet_file(path):
        return False
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    return _format_of(path.suffix, head.removeprefix(_BOM)) == "jsonl"


def buffer_is_jsonl(data: bytes, *, fmt: FileFormat | None, suffix: str) -> bool:
    """True when :func:`models.files.read_stream` reads ``data`` as JSON Lines.

    Parameters
    ----------
    data : bytes
        The whole file (an upload).
    fmt : {"jsonl", "json", "csv"} or None
        The format given, if any.
    suffix : str
        The file name's extension, as for :func:`~models.files.read_stream`.
    """
    head = data[:_SNIFF_BYTES]
    return (fmt or _format_of(suffix, head.removeprefix(_BOM))) == "jsonl"


def jsonl_parts(path: Path, n: int) -> list[Part]:
    """Cut a JSON Lines file into at most ``n`` parts of about equal size at line breaks.

    Parameters
    ----------
    path : Path
    n : int
        Parts wanted (at least 1); a small file may give fewer, an empty one one.

    Returns
    -------
    list of Part
        In file order, covering the file after its byte-order mark, none empty (unless
        the file is), each starting on a line's first byte.
    """
    if path.stat().st_size == 0:
        return [Part(0, 0, 1)]  # mmap cannot map an empty file
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return _cut(view, n)


def buffer_parts(data: bytes, n: int) -> list[Part]:
    """:func:`jsonl_parts` of JSON Lines held in memory (an upload).

    Parameters
    ----------
    data : bytes
        The whole file.
    n : int
        Parts wanted (at least 1).

    Returns
    -------
    list of Part
        As :func:`jsonl_parts` gives them for a file of these bytes.
    """
    return _cut(data, n)


def _cut(view: bytes | mmap.mmap, n: int) -> list[Part]:
    size = len(view)
    start = len(_BOM) if view[: len(_BOM)] == _BOM else 0
    if size <= start or n <= 1:
        return [Part(start, size, 1)]
    cuts = [start]
    for i in range(1, n):
        target = max(cuts[-1], start + (size - start) * i // n)
        found = view.find(b"\n", max(target - 1, cuts[-1]))
        cut = size if found < 0 else found + 1
        if cut > cuts[-1] and cut < size:
            cuts.append(cut)
    cuts.append(size)
    parts = []
    line = 1
    for begin, end in pairwise(cuts):
        parts.append(Part(begin, end, line))
        line += _count_lines(view, begin, end)
    return parts


def read_screened_part(
    table: pa.Table, part: Part, clean: NDArray[np.bool_], name: str
) -> PartRead:
    """The rows of a Parquet part of workers, read as :func:`read_part` reads them, but
    for the rows the column screen found clean (:mod:`models.parquet_screen`), which are
    counted as valid without being read.

    Parameters
    ----------
    table : pyarrow.Table
        The part's rows (``part.start`` to ``part.end`` of the file).
    part : Part
    clean : ndarray of bool, shape (table.num_rows,)
        The rows not to read. Their ids must be unique in the whole file (the join checks
        the ids of the rows read only).
    name : str
        The file name used in messages.

    Returns
    -------
    PartRead
        The records read are views; ``clean`` counts the others.
    """
    import pyarrow as pa  # pyarrow when needed

    from models.parquet_files import json_lines

    reader = _PartReader("workers", name, typed=True, views=True)
    left = np.flatnonzero(~clean)
    if len(left):
        lines = json_lines(table.take(pa.array(left)), "workers").split(b"\n")
        for row, line in zip(left.tolist(), lines, strict=False):
            # Rows convert to UTF-8 JSON: reading never stops on one.
            reader.take_line(part.first_line + row, line)
    reader.any_content = table.num_rows > 0
    read = _part_read(reader, True)
    read.clean = int(np.count_nonzero(clean))
    return read


def parquet_parts(rows: int, n: int) -> list[Part]:
    """Cut a Parquet file of ``rows`` rows into at most ``n`` parts of about equal rows.

    Parameters
    ----------
    rows : int
        The file's rows (:func:`models.parquet_files.readable_rows`).
    n : int
        Parts wanted (at least 1).

    Returns
    -------
    list of Part
        In file order, covering every row, none empty (unless the file is).
    """
    n = max(n, 1)
    bounds = sorted({rows * i // n for i in range(n + 1)})
    return [Part(a, b, a + 1) for a, b in pairwise(bounds)] or [Part(0, 0, 1)]


def _count_lines(view: bytes | mmap.mmap, start: int, end: int) -> int:
    # In chunks: a slice of a map (or of bytes) is a copy.
    chunks = range(start, end, _COUNT_CHUNK)
    return sum(view[at : min(at + _COUNT_CHUNK, end)].count(b"\n") for at in chunks)


class _Range:
    """The lines of bytes ``start`` to ``start + size`` of an open file."""

    def __init__(self, handle: IO[bytes], start: int, size: int) -> None:
        handle.seek(start)
        self._handle = handle
        self._left = size

    def readline(self, size: int = -1, /) -> bytes:
        """The next line of the range, at most ``size`` bytes; b"" at its end."""
        if self._left <= 0:
            return b""
        line = self._handle.readline(self._left if size < 0 else min(size, self._left))
        self._left -= len(line)
        return line


class _PartReader(_Reader):
    """The file reader without the repeated-id check (the join does it over the file),
    keeping what :class:`PartRead` reports."""

    def __init__(self, kind: RecordKind, name: str, *, typed: bool, views: bool) -> None:
        super().__init__(kind, name, typed=typed, views=views)
        self.valid_lines: list[int] = []
        self.valid_keys: list[tuple[str, ...]] = []
        self.warning_lines: list[int] = []
        self.first_error: int | None = None

    def take(self, line: int, raw: Any, problems: Any) -> bool:
        good = super().take(line, raw, problems)
        if not good and self.first_error is None:
            self.first_error = line
        return good

    def keep(self, line: int, record: Any) -> bool:
        self.valid_lines.append(line)
        self.valid_keys.append(self.key_of(record))
        if not self.result.ok:
            return True
        self.result.records.append(record)
        if self.warns:
            for warning in record.warnings():
                self.warning_lines.append(line)
                if len(self.result.warnings) < MAX_LISTED_PROBLEMS:
                    self.result.warnings.append(
                        Problem(self.name, line, warning.field, warning.message)
                    )
        return True


def read_part(
    path: Path, kind: RecordKind, part: Part, *, typed: bool = True, views: bool = False
) -> PartRead:
    """Read one part of a JSON Lines or Parquet file as :func:`models.files.read_records`
    reads it.

    Parameters
    ----------
    path : Path
    kind : RecordKind
    part : Part
        One of :func:`jsonl_parts`'s or :func:`parquet_parts`'s parts of ``path``.
    typed : bool
        As for :func:`models.files.read_stream`.
    views : bool
        Read the workers the typed decoder accepts as views
        (:func:`models.typed_workers.decode_view`), not as pydantic records: for a caller
        that keeps only their facts. The verdict is the same.

    Returns
    -------
    PartRead
        Lines (rows) numbered as in the whole file; to be joined with the other parts'.

    A Parquet part whose rows cannot be read is returned as not ``readable``.
    """
    reader = _PartReader(kind, str(path), typed=typed, views=views)
    if _parquet_file(path):
        from models.parquet_files import UNREADABLE, rows_as_jsonl  # pyarrow when needed

        try:
            lines = rows_as_jsonl(path, kind, part.start, part.end)
        except UNREADABLE:
            # The whole-file reader refuses such a file before any row, with pyarrow's
            # message for the first row group it cannot read: only it can say which.
            return PartRead(name=str(path), kind=kind, readable=False)
        # As read_parquet: its rows are read as JSON Lines, the first bytes sniffed.
        reader.any_content = part.first_line == 1 and bool(lines[:_SNIFF_BYTES].strip())
        complete = reader.take_jsonl(io.BytesIO(lines), part.first_line)
    else:
        with path.open("rb") as handle:
            complete = _take_jsonl_part(reader, handle, part)
    return _part_read(reader, complete)


def read_buffer_part(
    data: bytes, kind: RecordKind, part: Part, *, name: str, views: bool = False
) -> PartRead:
    """:func:`read_part` of JSON Lines held in memory (an upload).

    Parameters
    ----------
    data : bytes
        The whole file.
    kind : RecordKind
    part : Part
        One of :func:`buffer_parts`'s parts of ``data``.
    name : str
        The file name used in messages.
    views : bool
        As for :func:`read_part`.

    Returns
    -------
    PartRead
    """
    reader = _PartReader(kind, name, typed=True, views=views)
    return _part_read(reader, _take_jsonl_part(reader, io.BytesIO(data), part))


def _take_jsonl_part(reader: _PartReader, handle: IO[bytes], part: Part) -> bool:
    """Read a JSON Lines part from an open file; False when it stopped at a line that is
    not UTF-8."""
    if part.first_line == 1:
        # As the whole-file reader: a file of blank lines is "empty" only when its first
        # bytes are blank.
        head = handle.read(_SNIFF_BYTES)
        reader.any_content = bool(head.removeprefix(_BOM).strip())
    return reader.take_jsonl(_Range(handle, part.start, part.end - part.start), part.first_line)


def _part_read(reader: _PartReader, complete: bool) -> PartRead:
    found = reader.result
    return PartRead(
        name=reader.name,
        kind=reader.kind,
        records=found.records,
        lines=reader.valid_lines,
        keys=reader.valid_keys,
        errors=found.errors,
        lines_with_errors=found.lines_with_errors,
        first_error=reader.first_error,
        warnings=found.warnings,
        warning_lines=reader.warning_lines,
        any_content=reader.any_content,
        complete=complete,
    )


def _order(problem: Problem) -> float:
    # A problem of the whole file (not UTF-8) is a part's last: reading stopped there.
    return float("inf") if problem.line is None else problem.line


def join_parts(parts: Sequence[PartRead]) -> ReadResult[Any]:
    """The result of the whole file from its parts' (all of them, in file order).

    Parameters
    ----------
    parts : Sequence[PartRead]
        :func:`read_part` of every part of :func:`jsonl_parts` or :func:`parquet_parts`.

    Returns
    -------
    ReadResult
        Equal to what :func:`models.files.read_stream` gives the whole file (records only
        as the parts kept them). :func:`models.files.checked` turns it into the error of
        :func:`models.files.read_records`.

    Raises
    ------
    ValueError
        If a part is not ``readable``: only the whole file's reader can give its error.
    """
    if not all(part.readable for part in parts):
        raise ValueError("a part could not be read: read the whole file for its error")
    result: ReadResult[Any] = ReadResult()
    seen: dict[tuple[str, ...], int] = {}
    any_content = False
    first_error: int | None = None
    valid = 0
    for part in parts:
        any_content = any_content or part.any_content
        valid += len(part.lines) + part.clean
        repeated = []
        for line, key in zip(part.lines, part.keys, strict=True):
            first = seen.setdefault(key, line)
            if first != line:
                at, message = _duplicate(part.kind, key, first)
                repeated.append(Problem(part.name, line, at, message))
        if first_error is None:
            # Warnings count until the file's first error.
            ends = (part.first_error, repeated[0].line if repeated else None)
            cut = min((e for e in ends if e is not None), default=None)
            result.warning_count += (
                len(part.warning_lines) if cut is None else bisect_left(part.warning_lines, cut)
            )
            room = MAX_LISTED_PROBLEMS - len(result.warnings)
            result.warnings.extend(
                islice((w for w in part.warnings if cut is None or (w.line or 0) < cut), room)
            )
            first_error = cut
        room = MAX_LISTED_PROBLEMS - len(result.errors)
        result.errors.extend(islice(heapq.merge(part.errors, repeated, key=_order), room))
        result.lines_with_errors += part.lines_with_errors + len(repeated)
        if not part.complete:
            break
    if result.ok:
        result.records = [record for part in parts for record in part.records]
        result.lines = [line for part in parts for line in part.lines]
        if not valid:
            result.reject([no_records(parts[0].name, any_content)])
    return result
