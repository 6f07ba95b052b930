"""Policy tables in memory: columns of dimension values and counts, before and after
disclosure control.

A :class:`PolicyTable` holds the true counts and is never written anywhere; only
:func:`matcher.insights.suppression.protect` turns it into a :class:`ProtectedTable`,
the one type the writers, the dashboard and the API accept. Rows are kept sorted by their
dimension values so that every output of the same data is byte for byte the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.insights.schema import TableSchema

__all__ = ["PolicyTable", "ProtectedTable", "TableError"]


class TableError(ValueError):
    """A policy table built from inconsistent columns (names the column and the row)."""


@dataclass(frozen=True, eq=False)
class PolicyTable:
    """True counts of one policy table at one date.

    Parameters
    ----------
    schema : TableSchema
        Which table this is.
    as_of : datetime.date
        The date the counts describe.
    dimensions : Mapping[str, Sequence[str]]
        One sequence of values per dimension of the schema, all of length ``n_rows``; date
        dimensions hold ISO dates. No two rows may share all dimension values.
    measures : Mapping[str, array-like]
        One array of shape (n_rows,) per measure of the schema: non-negative integers, or
        non-negative finite floats for float measures.
    provenance : Mapping[str, Any], optional
        How the counts were made, beyond the engine's versions, for the manifest (JSON
        values; the ``courses`` table: whether its training plan was proven optimal).
        Nothing about a person.

    Raises
    ------
    TableError
        For a missing or unknown column, a length mismatch, a negative, fractional or
        non-finite count, an empty dimension value, a malformed date or a repeated row.
    """

    schema: TableSchema
    as_of: dt.date
    dimensions: Mapping[str, NDArray[np.str_]]
    measures: Mapping[str, NDArray[Any]]
    n_rows: int = field(init=False)
    provenance: Mapping[str, Any] = field(init=False)

    def __init__(
        self,
        schema: TableSchema,
        as_of: dt.date,
        dimensions: Mapping[str, Sequence[str] | NDArray[Any]],
        measures: Mapping[str, Sequence[float] | NDArray[Any]],
        *,
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        _same_names("dimension", schema.dimension_names, dimensions)
        _same_names("measure", schema.measure_names, measures)
        dims = {d.name: _dimension(d.name, d.type, dimensions[d.name]) for d in schema.dimensions}
        values = {m.name: _measure(m.name, m.type, measures[m.name]) for m in schema.measures}
        lengths = {len(a) for a in (*dims.values(), *values.values())}
        if len(lengths) > 1:
            sizes = ", ".join(f"{k}={len(a)}" for k, a in {**dims, **values}.items())
            raise TableError(f"{schema.name}: columns differ in length ({sizes})")
        n_rows = lengths.pop() if lengths else 0
        order = _row_order(schema, dims, n_rows)
        object.__setattr__(self, "schema", schema)
        object.__setattr__(self, "as_of", as_of)
        object.__setattr__(self, "dimensions", {k: v[order] for k, v in dims.items()})
        object.__setattr__(self, "measures", {k: v[order] for k, v in values.items()})
        object.__setattr__(self, "n_rows", n_rows)
        object.__setattr__(self, "provenance", dict(provenance or {}))

    @classmethod
    def from_rows(
        cls, schema: TableSchema, as_of: dt.date, rows: Sequence[Mapping[str, Any]]
    ) -> PolicyTable:
        """Build a table from one mapping per row (dimension and measure names as keys).

        Raises
        ------
        TableError
            As the constructor, and for a row that lacks a column (naming the row).
        """
        columns: dict[str, list[Any]] = {
            c: [] for c in (*schema.dimension_names, *schema.measure_names)
        }
        for i, row in enumerate(rows):
            for name, column in columns.items():
                if name not in row:
                    raise TableError(f"{schema.name}: row {i} has no {name!r}")
                column.append(row[name])
        return cls(
            schema,
            as_of,
            {d: columns[d] for d in schema.dimension_names},
            {m: columns[m] for m in schema.measure_names},
        )

    def codes(self) -> NDArray[np.int64]:
        """Each row's dimension values as dense integer codes.

        Returns
        -------
        ndarray of int, shape (n_rows, n_dimensions)
            Column ``d`` numbers the distinct values of dimension ``d`` from 0 in sorted
            order.
        """
        if not self.schema.dimensions:
            return np.zeros((self.n_rows, 0), dtype=np.int64)
        return np.stack(
            [
                np.unique(self.dimensions[d], return_inverse=True)[1].reshape(-1)
                for d in self.schema.dimension_names
            ],
            axis=1,
        ).astype(np.int64)


@dataclass(frozen=True, eq=False)
class ProtectedTable:
    """A policy table after disclosure control: what may be published.

    Attributes
    ----------
    table : PolicyTable
        The counts; a blanked count is never read from here by a writer.
    blanked : Mapping[str, ndarray of bool, shape (n_rows,)]
        Per person-count measure, the rows whose count is withheld.
    min_cell : int
        The smallest person count shown (other than zero).
    """

    table: PolicyTable
    blanked: Mapping[str, NDArray[np.bool_]]
    min_cell: int

    @property
    def schema(self) -> TableSchema:
        """The table's schema."""
        return self.table.schema

    @property
    def as_of(self) -> dt.date:
        """The date the counts describe."""
        return self.table.as_of

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return self.table.n_rows

    def column(self, name: str) -> list[Any]:
        """One measure or dimension column as published: None where blanked.

        Parameters
        ----------
        name : str
            A dimension or measure of the schema.

        Returns
        -------
        list
            ``str`` for dimensions, ``int``/``float``/None for measures.
        """
        if name in self.table.dimensions:
            return [str(v) for v in self.table.dimensions[name]]
        values = self.table.measures[name].tolist()
        mask = self.blanked.get(name)
        if mask is None:
            return list(values)
        return [None if hidden else v for v, hidden in zip(values, mask.tolist(), strict=True)]

    def suppressed(self) -> list[list[str]]:
        """Per row, the names of its blanked measures in schema order (empty when none)."""
        names = [m for m in self.schema.person_counts if m in self.blanked]
        if not names:
            return [[] for _ in range(self.n_rows)]
        masks = np.stack([self.blanked[m] for m in names], axis=1)
        return [[n for n, hidden in zip(names, row, strict=True) if hidden] for row in masks]

    def rows(self) -> Iterator[dict[str, Any]]:
        """The published rows in column order (``as_of`` first, ``suppressed`` last)."""
        as_of = self.as_of.isoformat()
        columns = {
            name: self.column(name)
            for name in (*self.schema.dimension_names, *self.schema.measure_names)
        }
        for i, hidden in enumerate(self.suppressed()):
            row: dict[str, Any] = {"as_of": as_of}
            row.update({name: values[i] for name, values in columns.items()})
            row["suppressed"] = hidden
            yield row


def _same_names(kind: str, expected: tuple[str, ...], given: Mapping[str, Any]) -> None:
    missing = [n for n in expected if n not in given]
    unknown = [n for n in given if n not in expected]
    if missing or unknown:
        raise TableError(
            f"{kind} columns must be {', '.join(expected) or 'none'}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )


def _dimension(name: str, kind: str, values: Sequence[str] | NDArray[Any]) -> NDArray[np.str_]:
    array = np.asarray(values, dtype=object)
    for i, value in enumerate(array.tolist()):
        if not isinstance(value, str) or not value.strip():
            raise TableError(f"{name}: row {i} is {value!r}, not a non-empty string")
        if kind == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise TableError(f"{name}: row {i} is {value!r}, not a YYYY-MM-DD date") from None
    return np.asarray(array.tolist() or [], dtype=np.str_)


def _measure(name: str, kind: str, values: Sequence[float] | NDArray[Any]) -> NDArray[Any]:
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise TableError(f"{name}: expected one value per row, got shape {raw.shape}")
    if raw.size and raw.dtype.kind not in "iuf":
        raise TableError(f"{name}: counts must be numbers, got {raw.dtype}")
    as_float = raw.astype(np.float64)
    bad = ~np.isfinite(as_float) | (as_float < 0)
    if kind == "int":
        bad |= as_float != np.round(as_float)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "a non-negative integer" if kind == "int" else "a non-negative number"
        raise TableError(f"{name}: row {i} is {raw[i].item()!r}, not {what}")
    return as_float.astype(np.int64) if kind == "int" else as_float


def _row_order(
    schema: TableSchema, dims: Mapping[str, NDArray[np.str_]], n_rows: int
) -> NDArray[np.intp]:
    if n_rows == 0:
        return np.zeros(0, dtype=np.intp)
    codes = [np.unique(dims[d], return_inverse=True)[1] for d in schema.dimension_names]
    order = np.lexsort(codes[::-1])
    ordered = np.stack([c[order] for c in codes], axis=1)
    repeated = np.flatnonzero((ordered[1:] == ordered[:-1]).all(axis=1))
    if repeated.size:
        i = int(order[repeated[0] + 1])
        key = ", ".join(f"{d}={dims[d][i]!r}" for d in schema.dimension_names)
        raise TableError(f"{schema.name}: row {i} repeats the cell {key}")
    return order
