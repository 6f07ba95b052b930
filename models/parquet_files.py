"""Selaras records as Parquet: the Arrow schema of each record kind, reading and writing.

A Parquet file holds one record per row; its columns are the record's fields, nested as
the JSON is (an object is a struct, a list a list, a table of numbers such as
``sections`` a map). Reading validates exactly as JSON Lines does: each row is handed to
:func:`models.files.read_stream` as one JSON line, so a row gets the very errors a line
gets, named ``file:row: field: message`` (rows count from 1). Before any row is read, the
columns are checked against the kind's schema: an unknown column, a missing required one
or a column of the wrong type (``slots`` as text) is an error naming the column, and
nothing of the file is read.

Two conventions keep the columns typed:

* a null is an absent value (Arrow gives every row every field of a struct);
* a field that takes text or a number (a language result: ``N4`` or ``650``; a
  certificate ``grade``) is a text column holding the value as JSON writes it (``N4``,
  ``650``); a text that reads as a JSON number is that number when read back.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from models.files import RECORD_MODELS, Problem, ReadResult, checked, read_stream
from models.kinds import RecordKind

__all__ = [
    "UNREADABLE",
    "arrow_schema",
    "iter_rows",
    "json_lines",
    "number_or_text",
    "parquet_table",
    "read_parquet",
    "readable_rows",
    "rows_as_jsonl",
    "write_parquet",
]

_BATCH_ROWS = 65_536
UNREADABLE = (pa.ArrowException, OSError)
"""What pyarrow raises for a file it cannot read (a refusal of the whole file)."""
_NUMBER = (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal)
_TEXT = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)


@dataclass(frozen=True)
class _Node:
    """What one field holds: ``kind`` is text, integer, number, boolean, date, union
    (text or number), list, struct or map; ``items`` the element of a list or the value of
    a map; ``fields`` a struct's fields; ``required`` the struct fields it must have."""

    kind: str
    items: _Node | None = None
    fields: tuple[tuple[str, _Node], ...] = ()
    required: frozenset[str] = frozenset()

    def arrow(self) -> pa.DataType:
        if self.kind in _SCALARS:
            return _SCALARS[self.kind]
        if self.kind == "list":
            assert self.items is not None
            return pa.list_(self.items.arrow())
        if self.kind == "map":
            assert self.items is not None
            return pa.map_(pa.string(), self.items.arrow())
        return pa.struct([pa.field(name, node.arrow()) for name, node in self.fields])

    def accepts(self, found: pa.DataType) -> bool:
        """Whether a column of type ``found`` can hold this field."""
        if pa.types.is_null(found):
            return True  # a column with no value in any row
        if pa.types.is_dictionary(found):
            return self.accepts(found.value_type)
        if self.kind in ("text", "date"):
            return _is(found, _TEXT) or (self.kind == "date" and pa.types.is_date(found))
        if self.kind == "integer":
            return _is(found, (pa.types.is_integer,))
        if self.kind == "number":
            return _is(found, _NUMBER)
        if self.kind == "boolean":
            return _is(found, (pa.types.is_boolean,))
        if self.kind == "union":
            return _is(found, _TEXT) or _is(found, _NUMBER)
        assert self.items is not None or self.kind == "struct"
        if self.kind == "list":
            listed = pa.types.is_list(found) or pa.types.is_large_list(found)
            return listed and self.items is not None and self.items.accepts(found.value_type)
        if self.kind == "map":
            assert self.items is not None
            if pa.types.is_map(found):
                return self.items.accepts(found.item_type)
            # A struct's fields are the map's keys (what inference gives a JSON object).
            return pa.types.is_struct(found) and all(
                self.items.accepts(found.field(i).type) for i in range(found.num_fields)
            )
        return pa.types.is_struct(found) and self._struct_accepts(found)

    def mismatch(self, found: pa.DataType, path: str = "") -> tuple[str, _Node, pa.DataType]:
        """Where a column of type ``found`` that this field does not accept goes wrong: the
        deepest part's path below the column (``.amount``, ``[].months``), the field it
        must hold and the type it has."""
        if pa.types.is_dictionary(found):
            return self.mismatch(found.value_type, path)
        listed = pa.types.is_list(found) or pa.types.is_large_list(found)
        if self.kind == "list" and listed and self.items is not None:
            return self.items.mismatch(found.value_type, f"{path}[]")
        if self.kind == "map" and pa.types.is_map(found) and self.items is not None:
            return self.items.mismatch(found.item_type, f"{path}.*")
        if self.kind == "struct" and pa.types.is_struct(found):
            known = dict(self.fields)
            for i in range(found.num_fields):
                child = found.field(i)
                node = known.get(child.name)
                if node is not None and not node.accepts(child.type):
                    return node.mismatch(child.type, f"{path}.{child.name}")
        return path, self, found

    def _struct_accepts(self, found: pa.StructType) -> bool:
        known = dict(self.fields)
        for i in range(found.num_fields):
            child = found.field(i)
            node = known.get(child.name)
            if node is not None and not node.accepts(child.type):
                return False
        return True  # unknown fields are the row validator's errors, with their paths


_SCALARS: dict[str, pa.DataType] = {
    "text": pa.string(),
    "date": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "union": pa.string(),
}
_DESCRIBE = {
    "text": "text",
    "date": "a date (text YYYY-MM-DD, or a date column)",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "union": "text or a number",
    "list": "a list",
    "struct": "a struct (an object)",
    "map": "a map (an object of named values)",
}


def _is(found: pa.DataType, tests: tuple[Callable[[pa.DataType], Any], ...]) -> bool:
    return any(bool(test(found)) for test in tests)


def _node(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> _Node:
    """The node of a pydantic JSON schema (``$ref`` resolved, ``X | None`` read as X)."""
    if "$ref" in schema:
        return _node(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_node(s, defs) for s in schema[key] if s.get("type") != "null"]
            kinds = {o.kind for o in options}
            if len(options) == 1:
                return options[0]
            if kinds <= {"text", "integer", "number", "union", "date"}:
                return _Node("union" if kinds & {"text", "date"} else "number")
            raise TypeError(f"no Parquet column type for a union of {sorted(kinds)}")
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        kinds = {_json_kind(v) for v in values}
        return _Node(kinds.pop() if len(kinds) == 1 else "union")
    kind = schema.get("type")
    if kind == "string":
        return _Node("date" if schema.get("format") == "date" else "text")
    if kind in ("integer", "number", "boolean"):
        return _Node(kind)
    if kind == "array":
        return _Node("list", items=_node(schema.get("items", {}), defs))
    if kind == "object" and "properties" in schema:
        fields = tuple((k, _node(v, defs)) for k, v in schema["properties"].items())
        return _Node("struct", fields=fields, required=frozenset(schema.get("required", ())))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return _Node("map", items=_node(schema["additionalProperties"], defs))
    raise TypeError(f"no Parquet column type for the JSON schema {schema!r}")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "text"


@cache  # a model's JSON schema takes milliseconds to build; rows are converted often
def _record_node(model: type[BaseModel]) -> _Node:
    schema = model.model_json_schema()
    return _node(schema, schema.get("$defs", {}))


def arrow_schema(kind: RecordKind) -> pa.Schema:
    """The Arrow schema Selaras writes a record kind with (one column per field).

    Parameters
    ----------
    kind : RecordKind

    Returns
    -------
    pyarrow.Schema
    """
    node = _record_node(RECORD_MODELS[kind])
    return pa.schema([pa.field(name, child.arrow()) for name, child in node.fields])


def read_parquet(
    path: str | Path, kind: RecordKind, *, name: str | None = None, views: bool = False
) -> ReadResult[Any]:
    """Validate every row of a Parquet file as a record of ``kind``.

    Parameters
    ----------
    path : path of a Parquet file
    kind : which records it holds
    name : the file name used in messages (default: ``path``)
    views : read workers as views, as :func:`models.files.read_stream` does

    Returns
    -------
    ReadResult
        As :func:`models.files.read_stream` returns for JSON Lines, with rows for lines.
    """
    label = str(path) if name is None else name
    result: ReadResult[Any] = ReadResult()
    opened = _opened(path, kind, label)
    if isinstance(opened, list):
        result.reject(opened)
        return result
    parquet, node = opened
    lines = io.BytesIO()
    try:
        for batch in parquet.iter_batches(batch_size=_BATCH_ROWS):
            lines.write(_json_lines(batch, node))
    except UNREADABLE as error:
        result.reject([Problem(label, None, None, f"Parquet file cannot be read ({error})")])
        return result
    lines.seek(0)
    return read_stream(lines, kind, name=label, fmt="jsonl", views=views)


def readable_rows(path: str | Path, kind: RecordKind) -> int:
    """The rows of a Parquet file whose columns can hold records of ``kind``.

    Raises
    ------
    models.files.InvalidInputError
        When :func:`read_parquet` refuses the file whole, before any row (it cannot be
        opened as Parquet, or a column is wrong for ``kind``): the very error
        :func:`models.files.read_records` raises. Such a file is not read in parts
        (:mod:`models.file_parts`).
    """
    opened = _opened(path, kind, str(path))
    if isinstance(opened, list):
        refused: ReadResult[Any] = ReadResult()
        refused.reject(opened)
        checked(refused, str(path))  # raises: the file is refused whole
    assert not isinstance(opened, list)
    return int(opened[0].metadata.num_rows)


def _opened(
    path: str | Path, kind: RecordKind, label: str
) -> tuple[pq.ParquetFile, _Node] | list[Problem]:
    """The file opened with the node of ``kind``, or why the file is refused whole."""
    try:
        parquet = pq.ParquetFile(path)
    except UNREADABLE as error:
        return [Problem(label, None, None, f"not a readable Parquet file ({error})")]
    node = _record_node(RECORD_MODELS[kind])
    return _column_problems(parquet.schema_arrow, node, label) or (parquet, node)


def rows_as_jsonl(path: str | Path, kind: RecordKind, start: int, end: int) -> bytes:
    """Rows ``start`` to ``end`` (from 0, ``end`` excluded) as the JSON Lines
    :func:`read_parquet` reads them, row for row the same bytes.

    Only the row groups that hold those rows are decoded.

    Raises
    ------
    pyarrow.ArrowException, OSError
        When the file cannot be read (:func:`read_parquet` then refuses it whole).
    """
    parquet = pq.ParquetFile(path)
    node = _record_node(RECORD_MODELS[kind])
    out = io.BytesIO()
    first = 0
    for group in range(parquet.num_row_groups):
        rows = parquet.metadata.row_group(group).num_rows
        begin, stop = max(start, first), min(end, first + rows)
        if begin < stop:
            table = parquet.read_row_group(group).slice(begin - first, stop - begin)
            for batch in table.to_batches(max_chunksize=_BATCH_ROWS):
                out.write(_json_lines(batch, node))
        first += rows
    return out.getvalue()


def json_lines(rows: pa.Table | pa.RecordBatch, kind: RecordKind) -> bytes:
    """Rows of a table of ``kind`` as the JSON Lines :func:`read_parquet` reads, row for row.

    Parameters
    ----------
    rows : pyarrow.Table or pyarrow.RecordBatch
    kind : RecordKind

    Returns
    -------
    bytes
        One line per row, each ending in a line break.
    """
    node = _record_node(RECORD_MODELS[kind])
    batches = rows.to_batches(max_chunksize=_BATCH_ROWS) if isinstance(rows, pa.Table) else [rows]
    return b"".join(_json_lines(batch, node) for batch in batches)


def _json_lines(batch: pa.RecordBatch, node: _Node) -> bytes:
    """The rows of ``batch`` as JSON Lines: each row as :func:`_from_arrow` writes it.

    Column-wise where it can be: the rows are converted in C to msgspec structs made for
    the batch's columns (:func:`_rows_type`), which leave out a null field when encoded, and
    encoded in one call; Python touches only the values a struct cannot convert (a text
    that may be a number, a map). A batch whose columns no struct can describe (a struct
    column with two fields of one name, a field named with a quote or a control character)
    is converted row by row.
    """
    rows = batch.to_pylist()
    try:
        rows_type = _rows_type(batch.schema, node)
    except (TypeError, ValueError):
        return b"".join(
            orjson.dumps(_from_arrow(row, node), default=_json_default) + b"\n" for row in rows
        )
    return _ENCODER.encode_lines(msgspec.convert(rows, rows_type, dec_hook=_converted))


class _Converted:
    """A value that needs :func:`_from_arrow` (the subclass made for a node says which)."""

    __slots__ = ("value",)
    node: _Node

    def __init__(self, value: Any) -> None:
        self.value = value


def _converted(kind: type, value: Any) -> Any:
    # msgspec asks for the types it does not know: only the _Converted subclasses here
    # (_rows_type puts no other custom type in a row type). A TypeError is what msgspec
    # turns into a validation error naming the value.
    if isinstance(kind, type) and issubclass(kind, _Converted):
        return kind(_from_arrow(value, kind.node))
    raise TypeError(f"no conversion from Arrow to {kind!r}")


def _unwrapped(value: Any) -> Any:
    if isinstance(value, _Converted):
        return value.value
    # Decimal columns (a wage written by a database) are written as numbers by the encoder;
    # the converted rows hold no other object msgspec lacks.
    raise TypeError(f"no JSON for a {type(value).__name__} in a Parquet row")


_ENCODER = msgspec.json.Encoder(enc_hook=_unwrapped, decimal_format="number")


def _rows_type(schema: pa.Schema, node: _Node) -> Any:
    """The msgspec type of a list of rows of ``schema``.

    Raises
    ------
    TypeError, ValueError
        When no msgspec struct can describe a row (see :func:`_json_lines`).
    """
    return list[_struct_type(list(schema), node)]  # type: ignore[misc]


def _struct_type(fields: list[pa.Field], node: _Node | None) -> Any:
    names = [field.name for field in fields]
    if len(set(names)) != len(names):
        raise TypeError("a struct with two fields of one name")
    known = dict(node.fields) if node is not None and node.kind == "struct" else {}
    return msgspec.defstruct(
        "_Row",
        [
            (f"f{i}", _value_type(field.type, known.get(field.name)) | None, None)
            for i, field in enumerate(fields)
        ],
        rename={f"f{i}": name for i, name in enumerate(names)},
        omit_defaults=True,  # a null is an absent value
    )


def _value_type(found: pa.DataType, node: _Node | None) -> Any:
    """The msgspec type of a column of type ``found`` holding ``node`` (None: unknown)."""
    if pa.types.is_dictionary(found):
        return _value_type(found.value_type, node)
    if node is not None and node.kind in ("union", "map"):
        # A number kept as text, a map read as (key, value) pairs: converted in Python.
        return type("_Value", (_Converted,), {"__slots__": (), "node": node})
    if pa.types.is_struct(found):
        return _struct_type([found.field(i) for i in range(found.num_fields)], node)
    if pa.types.is_list(found) or pa.types.is_large_list(found):
        item = node.items if node is not None and node.kind == "list" else None
        return list[_value_type(found.value_type, item) | None]  # type: ignore[misc]
    return Any  # a scalar, written as read (a map of an unknown field: its pairs)


def _column_problems(schema: pa.Schema, node: _Node, name: str) -> list[Problem]:
    """Unknown, missing and mistyped columns, each naming the column."""
    fields = dict(node.fields)
    problems = []
    for column in schema:
        expected = fields.get(column.name)
        field = column.name
        if expected is None:
            message = "unknown column (not part of the Selaras format; check its spelling)"
        elif not expected.accepts(column.type):
            # A part of a nested column is named by its path (wage.amount).
            below, part, found = expected.mismatch(column.type)
            field += below
            message = f"{'has' if below else 'column has'} type {found}; it must hold "
            message += _DESCRIBE[part.kind]
        else:
            continue
        problems.append(Problem(name, None, field, message))
    present = set(schema.names)
    problems += [
        Problem(name, None, column, "required column is missing")
        for column, _ in node.fields
        if column in node.required and column not in present
    ]
    return problems


def _json_default(value: Any) -> Any:
    # Decimal columns (a wage written by a database) read as numbers.
    return float(value)


def _from_arrow(value: Any, node: _Node | None) -> Any:
    """A row's value as JSON: nulls dropped, maps as objects, union text back to numbers."""
    if isinstance(value, dict):
        fields = dict(node.fields) if node is not None and node.kind == "struct" else {}
        child = node.items if node is not None and node.kind == "map" else None
        return {k: _from_arrow(v, fields.get(k, child)) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        if node is not None and node.kind == "map":
            # pyarrow reads a map as a list of (key, value) pairs.
            return {k: _from_arrow(v, node.items) for k, v in value if v is not None}
        item = node.items if node is not None and node.kind == "list" else None
        return [_from_arrow(v, item) for v in value]
    if node is not None and node.kind == "union" and isinstance(value, str):
        return number_or_text(value)
    return value


def number_or_text(text: str) -> Any:
    """A text column's value of a field that takes text or a number (a language result):
    the number when the text reads as a JSON number, else the text."""
    try:
        number = json.loads(text)
    except ValueError:
        return text
    return number if isinstance(number, int | float) and not isinstance(number, bool) else text


def parquet_table(records: Iterable[Mapping[str, Any]], kind: RecordKind | None = None) -> pa.Table:
    """An Arrow table of JSON records: typed by ``kind``'s schema, else inferred.

    Parameters
    ----------
    records : iterable of JSON-ready mappings
        Records as ``model_dump(mode="json")`` gives them.
    kind : RecordKind, optional
        The record kind (its :func:`arrow_schema`); None infers the columns from the
        values (results, whose shapes vary from one record to the next).

    Returns
    -------
    pyarrow.Table

    Raises
    ------
    ValueError
        When the records do not fit one column type (only without ``kind``).
    """
    rows = list(records)
    if kind is None:
        try:
            return pa.Table.from_struct_array(pa.array(rows, type=None)) if rows else pa.table({})
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise ValueError(f"records do not fit one Parquet column type each: {error}") from None
    node = _record_node(RECORD_MODELS[kind])
    schema = arrow_schema(kind)
    converted = [_to_arrow(row, node) for row in rows]
    return pa.Table.from_pylist(converted, schema=schema)


def _to_arrow(value: Any, node: _Node) -> Any:
    if node.kind == "union":
        return None if value is None else value if isinstance(value, str) else json.dumps(value)
    if node.kind == "struct" and isinstance(value, Mapping):
        return {name: _to_arrow(value.get(name), child) for name, child in node.fields}
    if node.kind == "list" and isinstance(value, list):
        assert node.items is not None
        return [_to_arrow(v, node.items) for v in value]
    if node.kind == "map" and isinstance(value, Mapping):
        assert node.items is not None
        return [(k, _to_arrow(v, node.items)) for k, v in value.items()]
    return value


def write_parquet(table: pa.Table, path: str | Path) -> None:
    """Write a table as one Parquet file (zstd) at ``path`` (the caller makes it atomic)."""
    pq.write_table(table, path, compression="zstd")


def iter_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of a Parquet file Selaras wrote (results), nulls dropped, for tests and tools."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH_ROWS):
        for row in batch.to_pylist():
            yield _from_arrow(row, None)
