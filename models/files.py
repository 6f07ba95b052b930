"""All-or-nothing reading of Selaras record files (JSON Lines, JSON array, CSV).

Every problem in a file is collected, each naming the line and the field path; a caller
applies the records only when there is none. Imports (CLI today, the API later) go
through :func:`read_stream` so that they all accept and reject exactly the same input.

Reading is bounded whatever a file holds. JSON Lines and CSV are read a line at a time
(a JSON array is one value, so its text is read whole: at most the upload limit). JSON
is strict (:mod:`models.strict_json`: no NaN, no lone surrogates, no nesting deeper
than 1,024 levels, no number too large for a double). A record (a line, an array
element, a CSV row) of more than :data:`MAX_RECORD_BYTES` is that record's error. The
first :data:`MAX_LISTED_PROBLEMS` errors (and warnings) are listed; beyond them the lines
with errors are only counted, cheaply (:attr:`ReadResult.lines_with_errors`), and once
a file has an error the valid records are no longer kept (nothing of it will be
applied), so memory stays bounded too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from models.agency import Agency
from models.common import error_message
from models.course import Course
from models.csv_format import COLUMNS, REQUIRED_COLUMNS, row_to_record
from models.kinds import FileFormat, RecordKind
from models.opportunity import Opportunity
from models.outcome import Outcome
from models.strict_json import JsonError
from models.strict_json import loads as strict_loads
from models.typed_workers import decode_view, decode_worker
from models.vacancy import Vacancy
from models.worker import Returnee, Worker

__all__ = [
    "MAX_LISTED_PROBLEMS",
    "MAX_RECORD_BYTES",
    "RECORD_MODELS",
    "FileFormat",
    "InvalidInputError",
    "Problem",
    "ReadResult",
    "RecordKind",
    "checked",
    "json_values",
    "parse_records",
    "read_records",
    "read_stream",
]

RECORD_MODELS: dict[str, type[BaseModel]] = {
    "workers": Worker,
    "vacancies": Vacancy,
    "agencies": Agency,
    "courses": Course,
    "returnees": Returnee,
    "opportunities": Opportunity,
    "outcomes": Outcome,
}
_UNIQUE_BY: dict[str, tuple[str, ...]] = {
    "workers": ("agency_id", "id"),
    "vacancies": ("agency_id", "id"),
    "returnees": ("agency_id", "id"),
    "agencies": ("id",),
    "courses": ("id",),
    "opportunities": ("id",),
    # The same stage of the same pair on the same day twice would count twice in learning.
    "outcomes": ("vacancy_id", "worker_id", "stage", "date"),
}
"""The fields that identify a record within a file (a repeat is an error)."""
RecordT = TypeVar("RecordT", bound=BaseModel)

MAX_LISTED_PROBLEMS = 1000
"""Errors (and warnings) listed for one file; the rest are counted, not listed."""
MAX_RECORD_BYTES = 1024 * 1024
"""Largest record of a file: one JSON body's worth (a real worker is a few KB)."""

_MESSAGES = {
    "extra_forbidden": "unknown field (not part of the Selaras format; check its spelling)",
    "missing": "required field is missing",
}
_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 4096
_READ_CHUNK = 1024 * 1024
_KNOWN_BAD_LINES = 4096
_KNOWN_BAD_LINE_BYTES = 1024
"""Bad lines remembered: at most 4,096 of at most 1 KiB (4 MiB)."""
# The csv module refuses a field over its limit (128 KiB by default) with csv.Error; the
# limit is process-wide, so it is set once here, to the record limit.
csv.field_size_limit(MAX_RECORD_BYTES)


@dataclass(frozen=True)
class Problem:
    """One error or warning in an input file; ``line`` is 1-based, None for the whole file."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class ReadResult(Generic[RecordT]):
    """Records read from a file with the errors and warnings found.

    ``errors`` and ``warnings`` list at most :data:`MAX_LISTED_PROBLEMS` each;
    ``lines_with_errors`` counts every line (or whole-file problem) with an error and
    ``warning_count`` every warning. Once there is an error, ``records`` stops growing.
    """

    records: list[RecordT] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    lines_with_errors: int = 0
    warning_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the file may be applied (no error at all)."""
        return self.lines_with_errors == 0

    @property
    def listing_full(self) -> bool:
        """True when no more errors are listed (they are still counted)."""
        return len(self.errors) >= MAX_LISTED_PROBLEMS

    def reject(self, problems: Sequence[Problem]) -> None:
        """Count one line (or whole-file problem) with errors and list its problems while
        there is room. From the first error on the file is rejected whole, so the records
        kept so far are dropped."""
        if self.ok:
            self.records, self.lines = [], []
        self.lines_with_errors += 1
        self.errors.extend(problems[: MAX_LISTED_PROBLEMS - len(self.errors)])

    @property
    def truncated(self) -> bool:
        """True when some errors or warnings were counted but not listed."""
        return self.lines_with_errors > len({p.line for p in self.errors}) or (
            self.warning_count > len(self.warnings)
        )


class InvalidInputError(ValueError):
    """Raised by :func:`read_records` when a file has any error; nothing was applied.

    ``problems`` lists the first errors; ``lines_with_errors`` counts them all by line.
    """

    def __init__(self, problems: Sequence[Problem], lines_with_errors: int | None = None) -> None:
        self.problems = list(problems)
        self.lines_with_errors = (
            len({p.line for p in self.problems}) if lines_with_errors is None else lines_with_errors
        )
        super().__init__("\n".join(str(p) for p in self.problems))


def read_records(
    path: str | Path,
    kind: RecordKind,
    *,
    fmt: FileFormat | Literal["parquet"] | None = None,
    typed: bool = True,
    views: bool = False,
) -> ReadResult[Any]:
    """Read and validate a whole file; raise :class:`InvalidInputError` if any record is bad.

    Parameters
    ----------
    path : path of a ``.jsonl``, ``.json``, ``.csv`` or ``.parquet`` file
    kind : which records the file holds
    fmt : the format; by default taken from the extension (or sniffed from the content);
        Parquet is read by :mod:`models.parquet_files`
    typed : read worker JSON Lines with the fast typed decoder first (see
        :func:`read_stream`); False reads every record with pydantic alone
    views : read the workers the typed decoder accepts as views (see :func:`read_stream`)

    Returns
    -------
    ReadResult
        All records, in file order, and the warnings; ``errors`` is empty.
    """
    path = Path(path)
    if fmt == "parquet" or (fmt is None and _parquet_file(path)):
        from models.parquet_files import read_parquet  # pyarrow only when a file needs it

        result = read_parquet(path, kind, views=views)
    else:
        with path.open("rb") as handle:
            result = read_stream(
                handle, kind, name=str(path), fmt=fmt, suffix=path.suffix, typed=typed,
                views=views,
            )  # fmt: skip
    return checked(result, str(path))


def checked(result: ReadResult[Any], name: str) -> ReadResult[Any]:
    """``result`` when it has no error, else raise the error :func:`read_records` raises.

    Parameters
    ----------
    result : ReadResult
        A whole file's result (:func:`read_stream`, or its parts joined by
        :func:`models.file_parts.join_parts`).
    name : str
        The file name used in messages.

    Returns
    -------
    ReadResult
        ``result`` itself.

    Raises
    ------
    InvalidInputError
        If it holds any error: the listed ones, and a line counting those not listed.
    """
    if not result.ok:
        problems = list(result.errors)
        listed = len({p.line for p in problems})
        if result.lines_with_errors > listed:
            more = result.lines_with_errors - listed
            message = (
                f"{more:,} more lines with errors (the first {MAX_LISTED_PROBLEMS:,} errors "
                "are listed)"
            )
            problems.append(Problem(name, None, None, message))
        raise InvalidInputError(problems, result.lines_with_errors)
    return result


def parse_records(text: str, kind: RecordKind, *, name: str, fmt: FileFormat) -> ReadResult[Any]:
    """Validate every record of ``text`` and collect the problems (see :func:`read_stream`)."""
    return read_stream(io.BytesIO(text.encode("utf-8", "surrogatepass")), kind, name=name, fmt=fmt)


def read_stream(
    handle: IO[bytes],
    kind: RecordKind,
    *,
    name: str,
    fmt: FileFormat | None = None,
    suffix: str = "",
    typed: bool = True,
    views: bool = False,
) -> ReadResult[Any]:
    """Validate every record of an open binary file, a line at a time.

    Parameters
    ----------
    handle : binary file, seekable, at its start
    kind : which records it holds
    name : the file name used in messages
    fmt : ``jsonl`` (one object per line), ``json`` (an array, or one object) or ``csv``;
        by default from ``suffix``, else sniffed from the content
    suffix : the file name's extension (``.jsonl``, ``.csv``...), for the format
    typed : read each line of a workers JSON Lines file with the typed decoder of
        :mod:`models.typed_workers` first, and with pydantic only when it declines the
        line: the same records, errors and messages, in a fraction of the time. False
        reads every line with pydantic (the reference the typed reader is tested against)
    views : with ``typed``, the workers the typed decoder accepts are read as views
        (:func:`models.typed_workers.decode_view`), not pydantic records: for a caller
        that needs no pydantic instance. The verdict, messages and warnings are the same.

    Returns
    -------
    ReadResult
        Valid records with their line numbers (while there is no error), the first
        errors and warnings, and the counts of all of them.
    """
    head = handle.read(_SNIFF_BYTES)
    handle.seek(len(_BOM) if head.startswith(_BOM) else 0)
    reader = _Reader(kind, name, typed=typed, views=views)
    reader.any_content = bool(head.removeprefix(_BOM).strip())
    chosen = fmt or _format_of(suffix, head.removeprefix(_BOM))
    if chosen == "jsonl":
        reader.take_jsonl(handle)
    else:
        raw = _csv_records(handle, kind) if chosen == "csv" else _json_records(handle)
        for line, value, problems in raw:
            reader.take(line, value, problems)
    return reader.finish()


class Lines(Protocol):
    """What :meth:`_Reader.take_jsonl` reads: lines of at most ``size`` bytes."""

    def readline(self, size: int = -1, /) -> bytes:
        """The next line (its line break included), at most ``size`` bytes; b"" at the end."""
        ...


RawProblems = list[tuple[int | None, str | None, str]]
"""Problems found before validation: ``(line or None for the file, field, message)``."""
RawRecord = tuple[int, Any, RawProblems]


class _Reader:
    """Validates raw records one by one and keeps what :class:`ReadResult` reports."""

    def __init__(
        self, kind: RecordKind, name: str, *, typed: bool = True, views: bool = False
    ) -> None:
        self.kind = kind
        # Only workers have a typed decoder: a pool is read by every run, job orders are few.
        decode = decode_view if views else decode_worker
        self.decode = decode if typed and kind == "workers" else None
        self.name = name
        self.model = RECORD_MODELS[kind]
        # Not isinstance(record, Worker): a view (decode_view) is not one.
        self.warns = issubclass(self.model, Worker)
        self.required = frozenset(
            key for key, info in self.model.model_fields.items() if info.is_required()
        )
        self.key_of = _key_of(_UNIQUE_BY[kind])
        self.seen: dict[tuple[str, ...], int] = {}
        self.result: ReadResult[Any] = ReadResult()
        self.any_content = False

    def take_jsonl(self, handle: Lines, first_line: int = 1) -> bool:
        """Take every line of a JSON Lines file (or of a part of one starting on line
        ``first_line``, :mod:`models.file_parts`); False when reading stopped at a line
        that is not UTF-8 (nothing after it is read).

        Once the listing is full, a line with the very bytes of a line already found bad
        is counted without being read again: whether a line is valid depends on its bytes
        alone (a duplicate id is an error only of a line that is otherwise valid), and a
        flood of one bad line then costs a set lookup a line.
        """
        known_bad: set[bytes] = set()
        number = first_line - 1
        while line := handle.readline(MAX_RECORD_BYTES + 1):
            number += 1
            if line in known_bad:
                self.result.lines_with_errors += 1
                continue
            if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(_READ_CHUNK)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the line without holding it
                self.take(number, None, [(number, None, _too_long("the line"))])
                continue
            if line.isspace():
                continue
            good = self.take_line(number, line)
            if good is None:
                return False
            if (
                not good
                and self.result.listing_full
                and len(line) <= _KNOWN_BAD_LINE_BYTES
                and len(known_bad) < _KNOWN_BAD_LINES
            ):
                known_bad.add(line)
        return True

    def take_line(self, number: int, line: bytes) -> bool | None:
        """Take one JSON line (not blank) as line ``number``: whether it is valid, or None
        when it is not UTF-8 (a problem of the whole file: reading stops there)."""
        if self.decode is not None and (record := self.decode(line)) is not None:
            self.any_content = True
            return self.keep(number, record)
        try:
            value = strict_loads(line)
        except JsonError as error:
            if not _is_utf8(line):
                message = f"file is not UTF-8 text (line {number})"
                self.take(number, None, [(None, None, message)])
                return None
            return self.take(number, None, [(number, None, f"malformed JSON: {error}")])
        return self.take(number, value, [])

    def take(self, line: int, raw: Any, problems: RawProblems) -> bool:
        """Validate one raw record (or record the problems found while reading it).

        Returns
        -------
        bool
            Whether the record is valid.
        """
        self.any_content = True
        if problems:
            self._error_line(lambda: [Problem(self.name, at, f, m) for at, f, m in problems])
            return False
        if not isinstance(raw, dict):
            message = f"expected a JSON object, got {type(raw).__name__}"
            self._error_line(lambda: [Problem(self.name, line, None, message)])
            return False
        if self.result.listing_full and not self.required <= raw.keys():
            # Past the listed errors only the count matters, and a missing required field
            # settles it without running the validators.
            self.result.lines_with_errors += 1
            return False
        try:
            record = self.model.model_validate(raw)
        except ValidationError as error:
            self._error_line(partial(_problems, self.name, line, error))
            return False
        return self.keep(line, record)

    def keep(self, line: int, record: Any) -> bool:
        """Keep one validated record unless its id repeats an earlier one.

        Returns
        -------
        bool
            Whether the record is valid (not a duplicate).
        """
        # The validated ids, not the raw ones: " W-1" and "W-1" are the same id once stripped.
        key = self.key_of(record)
        if key in self.seen:
            field, message = _duplicate(self.kind, key, self.seen[key])
            self._error_line(lambda: [Problem(self.name, line, field, message)])
            return False
        self.seen[key] = line
        if not self.result.ok:
            return True  # the file is rejected: nothing more to keep
        self.result.records.append(record)
        self.result.lines.append(line)
        if self.warns:
            for warning in record.warnings():
                self.result.warning_count += 1
                if len(self.result.warnings) < MAX_LISTED_PROBLEMS:
                    self.result.warnings.append(
                        Problem(self.name, line, warning.field, warning.message)
                    )
        return True

    def finish(self) -> ReadResult[Any]:
        """The result, with the problem of a file that holds no records."""
        if not self.result.records and self.result.ok:
            self._error_line(lambda: [no_records(self.name, self.any_content)])
        return self.result

    def _error_line(self, problems: Callable[[], list[Problem]]) -> None:
        # Problems are only built while listed: building them costs more than validating.
        self.result.reject(() if self.result.listing_full else problems())


def no_records(name: str, any_content: bool) -> Problem:
    """The problem of a file without errors that holds no record (blank or not)."""
    message = "file holds no records" if any_content else "file is empty"
    if not any_content:
        message += ": it holds no records"
    return Problem(name, None, None, message)


def _key_of(fields: tuple[str, ...]) -> Callable[[Any], tuple[str, ...]]:
    """The function giving a record's identifying fields, as text (the fields fetched in
    C: it runs once per record)."""
    fetch = attrgetter(*fields)
    if len(fields) == 1:
        return lambda record: (str(fetch(record)),)
    return lambda record: tuple(map(str, fetch(record)))


def _duplicate(kind: str, key: tuple[str, ...], first: int) -> tuple[str | None, str]:
    """The field and message of a record that repeats the one on line ``first``."""
    if kind == "outcomes":
        vacancy, worker, stage, date = key
        # The stage is what repeats: the same pair reached it once on that date already.
        return "stage", (
            f"duplicate outcome: {stage} of worker {worker!r} for {vacancy!r} on {date} "
            f"(first on line {first})"
        )
    owner = f" for agency {key[0]!r}" if len(key) == 2 else ""
    return "id", f"duplicate id {key[-1]!r}{owner} (first on line {first})"


def _parquet_file(path: Path) -> bool:
    """A ``.parquet`` file, or one that starts with Parquet's magic number."""
    if path.suffix.lower() == ".parquet":
        return True
    with path.open("rb") as handle:
        return handle.read(4) == b"PAR1"


def _format_of(suffix: str, head: bytes) -> FileFormat:
    suffix = suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    start = head.lstrip()[:1]
    if start == b"[":
        return "json"
    if start == b"{":
        return "json" if suffix == ".json" else "jsonl"
    return "csv"


def _too_long(what: str) -> str:
    return f"{what} is longer than {MAX_RECORD_BYTES:,} bytes (the largest record accepted)"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def json_values(text: str, fmt: Literal["json", "jsonl"]) -> Iterator[tuple[int, Any, str | None]]:
    """Yield the JSON values of a file with the line each starts on, or a parse error.

    ``fmt="json"``: the elements of an array (or the one value); ``"jsonl"``: one value per
    non-blank line. Each item is ``(line, value, None)`` or ``(line, None, message)``. The
    values are read by the same strict decoder and record-size limit as
    :func:`read_stream`, so readers of other record formats (JSON-LD, HR-JSON) refuse what
    it refuses and name lines exactly as it does.
    """
    if fmt == "json":
        handle = io.BytesIO(text.encode("utf-8", "surrogatepass"))
        for line, value, problems in _json_records(handle):
            yield line, value, problems[0][2] if problems else None
        return
    for number, text_line in enumerate(text.splitlines(), start=1):
        if not text_line.strip():
            continue
        if len(text_line.encode("utf-8", "surrogatepass")) > MAX_RECORD_BYTES:
            yield number, None, _too_long("the line")
            continue
        try:
            yield number, strict_loads(text_line), None
        except JsonError as error:
            yield number, None, f"malformed JSON: {error}"


def _json_records(handle: IO[bytes]) -> Iterator[RawRecord]:
    """Yield the elements of a JSON array (or one object) with the line each starts on.

    The array is one value, so its text is read whole; each element is delimited by the
    standard decoder, then read by the strict one.
    """
    try:
        text = handle.read().decode("utf-8")
    except UnicodeDecodeError as error:
        yield 0, None, [(None, None, f"file is not UTF-8 text ({error.reason})")]
        return
    if not text.strip():
        return
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if text[position] != "[":
        value, end, problem = _element(text, decoder, position)
        if problem is None and _skip_space(text, end) != len(text):
            problem = (_line_at(text, end), "malformed JSON: extra data after the first value")
        line = _line_at(text, position)
        yield line, value, [] if problem is None else [(problem[0], None, problem[1])]
        return
    position = _skip_space(text, position + 1)
    first = True
    while position < len(text) and text[position] != "]":
        if not first:
            if text[position] != ",":
                line = _line_at(text, position)
                message = "malformed JSON: expected ',' or ']' between records"
                yield line, None, [(line, None, message)]
                return
            position = _skip_space(text, position + 1)
        first = False
        line = _line_at(text, position)
        value, end, problem = _element(text, decoder, position)
        yield line, value, [] if problem is None else [(problem[0], None, problem[1])]
        if end < 0:
            return  # the decoder cannot tell where the element ends: nothing after it is read
        position = _skip_space(text, end)
    if position >= len(text):
        line = text.count("\n") + 1
        yield line, None, [(line, None, "malformed JSON: the array is not closed with ']'")]
    elif _skip_space(text, position + 1) != len(text):
        line = _line_at(text, position)
        yield line, None, [(line, None, "malformed JSON: extra data after ']'")]


def _element(
    text: str, decoder: json.JSONDecoder, position: int
) -> tuple[Any, int, tuple[int, str] | None]:
    """One JSON value from ``position``: ``(value, end, problem)``; ``end`` is -1 when the
    value's end cannot be found, and ``problem`` is ``(line, message)`` or None."""
    try:
        _, end = decoder.raw_decode(text, position)
    except json.JSONDecodeError as error:
        return None, -1, (error.lineno, f"malformed JSON: {error.msg} (column {error.colno})")
    except (RecursionError, ValueError):
        # Python's decoder gives up on deep nesting and on integers of thousands of digits.
        line = _line_at(text, position)
        return None, -1, (line, "malformed JSON: nested too deeply, or a number too long")
    line = _line_at(text, position)
    if end - position > MAX_RECORD_BYTES:
        return None, end, (line, _too_long("the record"))
    try:
        return strict_loads(text[position:end]), end, None
    except JsonError as error:
        return None, end, (line, f"malformed JSON: {error}")


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _csv_records(handle: IO[bytes], kind: RecordKind) -> Iterator[RawRecord]:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    reader = csv.reader(text)
    line = 1
    try:
        header = [column.strip() for column in next(reader, [])]
        if not header:
            return
        allowed = set(COLUMNS[kind])
        problems: RawProblems = [
            (1, None, f"unknown column {c!r}") for c in header if c not in allowed
        ]
        problems += [
            (1, None, f"duplicate column {c!r}") for i, c in enumerate(header) if c in header[:i]
        ]
        problems += [
            (1, None, f"required column {c!r} is missing")
            for c in REQUIRED_COLUMNS[kind]
            if c not in header
        ]
        if problems:
            yield 1, None, problems
            return
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                cells_text = "1 cell" if len(cells) == 1 else f"{len(cells)} cells"
                message = f"row has {cells_text}, the header has {len(header)}"
                yield line, None, [(line, None, message)]
                continue
            record, cell_errors = row_to_record(dict(zip(header, cells, strict=True)))
            yield line, record, [(line, column, message) for column, message in cell_errors.items()]
    except UnicodeDecodeError as error:
        yield (
            line,
            None,
            [(None, None, f"file is not UTF-8 text ({error.reason}, near line {line})")],
        )
    except csv.Error as error:
        # A field over the record limit, or a NUL: the rows after it cannot be trusted.
        yield line, None, [(line, None, f"CSV cannot be read past this row: {error}")]
    finally:
        text.detach()  # the caller owns the handle


def _problems(name: str, line: int, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"])
        message = _MESSAGES.get(item["type"], error_message(item).removeprefix("Value error, "))
        problems.append(Problem(name, line, path.lstrip(".") or None, message))
    return problems
