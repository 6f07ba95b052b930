"""All-or-nothing reading of Selaras record files (JSON Lines, JSON array, CSV).

Every problem in a file is collected, each naming the line and the field path; a caller
applies the records only when there is none. Imports (CLI today, the API later) go
through :func:`parse_records` so that they all accept and reject exactly the same input.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from models.agency import Agency
from models.course import Course
from models.csv_format import COLUMNS, REQUIRED_COLUMNS, row_to_record
from models.kinds import FileFormat, RecordKind
from models.opportunity import Opportunity
from models.outcome import Outcome
from models.vacancy import Vacancy
from models.worker import Returnee, Worker

__all__ = [
    "RECORD_MODELS",
    "FileFormat",
    "InvalidInputError",
    "Problem",
    "ReadResult",
    "RecordKind",
    "json_values",
    "parse_records",
    "read_records",
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

_MESSAGES = {
    "extra_forbidden": "unknown field (not part of the Selaras format; check its spelling)",
    "missing": "required field is missing",
}


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
    """Records read from a file with every error and warning found."""

    records: list[RecordT] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file may be applied (no error at all)."""
        return not self.errors


class InvalidInputError(ValueError):
    """Raised by :func:`read_records` when a file has any error; nothing was applied."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_records(
    path: str | Path, kind: RecordKind, *, fmt: FileFormat | None = None
) -> ReadResult[Any]:
    """Read and validate a whole file; raise :class:`InvalidInputError` if any record is bad.

    Parameters
    ----------
    path : path of a ``.jsonl``, ``.json`` or ``.csv`` file
    kind : which records the file holds
    fmt : the format; by default taken from the extension (or sniffed from the content)

    Returns
    -------
    ReadResult
        All records, in file order, and the warnings; ``errors`` is empty.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            [Problem(str(path), None, None, f"file is not UTF-8 text ({error.reason})")]
        ) from None
    result = parse_records(text, kind, name=str(path), fmt=fmt or _format_of(path, text))
    if not result.ok:
        raise InvalidInputError(result.errors)
    return result


def parse_records(text: str, kind: RecordKind, *, name: str, fmt: FileFormat) -> ReadResult[Any]:
    """Validate every record of ``text`` and collect every problem.

    Parameters
    ----------
    text : the file's content
    kind : which records it holds
    name : the file name used in messages
    fmt : ``jsonl`` (one object per line), ``json`` (an array, or one object) or ``csv``

    Returns
    -------
    ReadResult
        Valid records with their line numbers, and every error and warning.
    """
    result: ReadResult[Any] = ReadResult()
    if not text.strip():
        result.errors.append(Problem(name, None, None, "file is empty: it holds no records"))
        return result
    model = RECORD_MODELS[kind]
    seen: dict[tuple[str, ...], int] = {}
    for line, raw, raw_error in _raw_records(text, kind, name, fmt, result):
        if raw_error is not None:
            result.errors.append(Problem(name, line, None, raw_error))
            continue
        if not isinstance(raw, dict):
            result.errors.append(
                Problem(name, line, None, f"expected a JSON object, got {type(raw).__name__}")
            )
            continue
        try:
            record = model.model_validate(raw)
        except ValidationError as error:
            result.errors.extend(_problems(name, line, error))
            continue
        # The validated ids, not the raw ones: " W-1" and "W-1" are the same id once stripped.
        key = tuple(str(getattr(record, field)) for field in _UNIQUE_BY[kind])
        if key in seen:
            result.errors.append(Problem(name, line, *_duplicate(kind, key, seen[key])))
            continue
        seen[key] = line
        result.records.append(record)
        result.lines.append(line)
        if isinstance(record, Worker):
            result.warnings.extend(
                Problem(name, line, w.field, w.message) for w in record.warnings()
            )
    if not result.records and not result.errors:
        result.errors.append(Problem(name, None, None, "file holds no records"))
    return result


def _duplicate(kind: str, key: tuple[str, ...], first: int) -> tuple[str | None, str]:
    """The field and message of a record that repeats the one on line ``first``."""
    if kind == "outcomes":
        vacancy, worker, stage, date = key
        return None, (
            f"duplicate outcome: {stage} of worker {worker!r} for {vacancy!r} on {date} "
            f"(first on line {first})"
        )
    owner = f" for agency {key[0]!r}" if len(key) == 2 else ""
    return "id", f"duplicate id {key[-1]!r}{owner} (first on line {first})"


def _format_of(path: Path, text: str) -> FileFormat:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    start = text.lstrip()[:1]
    if start == "[":
        return "json"
    if start == "{":
        return "json" if suffix == ".json" else "jsonl"
    return "csv"


RawRecord = tuple[int, Any, str | None]


def json_values(text: str, fmt: Literal["json", "jsonl"]) -> Iterator[RawRecord]:
    """Yield the JSON values of a file with the line each starts on, or a parse error.

    ``fmt="json"``: the elements of an array (or the one value); ``"jsonl"``: one value per
    non-blank line. Each item is ``(line, value, None)`` or ``(line, None, message)``;
    after a malformed JSON document nothing more is yielded. Readers of other record
    formats (JSON-LD, HR-JSON) use it to name lines exactly as :func:`parse_records` does.
    """
    return _json_records(text) if fmt == "json" else _jsonl_records(text)


def _raw_records(
    text: str, kind: RecordKind, name: str, fmt: FileFormat, result: ReadResult[Any]
) -> Iterator[RawRecord]:
    if fmt == "csv":
        yield from _csv_records(text, kind, name, result)
    elif fmt == "json":
        yield from _json_records(text)
    else:
        yield from _jsonl_records(text)


def _jsonl_records(text: str) -> Iterator[RawRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as error:
            yield number, None, f"malformed JSON: {error.msg} (column {error.colno})"


def _json_records(text: str) -> Iterator[RawRecord]:
    """Yield the elements of a JSON array (or one object) with the line each starts on."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if text[position] != "[":
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield error.lineno, None, f"malformed JSON: {error.msg} (column {error.colno})"
            return
        if _skip_space(text, end) != len(text):
            line = text.count("\n", 0, end) + 1
            yield line, None, "malformed JSON: extra data after the first value"
            return
        yield text.count("\n", 0, position) + 1, value, None
        return
    position = _skip_space(text, position + 1)
    first = True
    while position < len(text) and text[position] != "]":
        if not first:
            if text[position] != ",":
                line = text.count("\n", 0, position) + 1
                yield line, None, "malformed JSON: expected ',' or ']' between records"
                return
            position = _skip_space(text, position + 1)
        first = False
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield error.lineno, None, f"malformed JSON: {error.msg} (column {error.colno})"
            return
        yield line, value, None
        position = _skip_space(text, position)
    if position >= len(text):
        yield text.count("\n") + 1, None, "malformed JSON: the array is not closed with ']'"
    elif _skip_space(text, position + 1) != len(text):
        yield text.count("\n", 0, position) + 1, None, "malformed JSON: extra data after ']'"


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _csv_records(
    text: str, kind: RecordKind, name: str, result: ReadResult[Any]
) -> Iterator[RawRecord]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader)]
    allowed = set(COLUMNS[kind])
    header_errors = [f"unknown column {c!r}" for c in header if c not in allowed]
    header_errors += [f"duplicate column {c!r}" for i, c in enumerate(header) if c in header[:i]]
    header_errors += [
        f"required column {c!r} is missing" for c in REQUIRED_COLUMNS[kind] if c not in header
    ]
    if header_errors:
        result.errors.extend(Problem(name, 1, None, message) for message in header_errors)
        return
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            cells_text = "1 cell" if len(cells) == 1 else f"{len(cells)} cells"
            yield line, None, f"row has {cells_text}, the header has {len(header)}"
            continue
        record, cell_errors = row_to_record(dict(zip(header, cells, strict=True)))
        for column, message in cell_errors.items():
            result.errors.append(Problem(name, line, column, message))
        if not cell_errors:
            yield line, record, None


def _problems(name: str, line: int, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"])
        message = _MESSAGES.get(item["type"], item["msg"].removeprefix("Value error, "))
        problems.append(Problem(name, line, path.lstrip(".") or None, message))
    return problems
