"""Policy tables on disk: CSV, Parquet and JSON Lines with the same rows, and a manifest.

Only a :class:`~matcher.insights.table.ProtectedTable` can be written, so true small counts
never reach a file. A withheld count is empty in CSV and null in JSON Lines and Parquet;
``suppressed`` is ``;``-joined in CSV and a list elsewhere. Each file is written whole or
not at all (:mod:`matcher.atomic`), and ``manifest.json`` is written last: a directory
with a manifest holds every table it names.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from matcher.atomic import atomic_output, atomic_path
from matcher.insights.published import PublishedError, read_manifest
from matcher.insights.schema import SCHEMAS, TableSchema
from matcher.insights.table import ProtectedTable
from matcher.insights.trends import Trend

__all__ = [
    "FORMATS",
    "remove_output",
    "write_csv",
    "write_jsonl",
    "write_manifest",
    "write_parquet",
    "write_tables",
    "write_trends",
]

FORMATS = ("csv", "parquet", "jsonl")
"""The file formats every table is written in (also the file suffixes)."""

ColumnKind = Literal["date", "string", "int", "float", "list"]

_ARROW: Mapping[ColumnKind, pa.DataType] = {
    "date": pa.date32(),
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "list": pa.list_(pa.string()),
}


@dataclass(frozen=True)
class _Column:
    """One output column: its name, its kind (Parquet type) and whether it may be null."""

    name: str
    kind: ColumnKind
    nullable: bool = False


def _columns(
    schema: TableSchema, lead: Sequence[str], *, all_nullable: bool, trailing: Sequence[str] = ()
) -> tuple[_Column, ...]:
    """The columns of a table's rows (``lead`` dates first) or of its changes.

    Person counts may be null (withheld); with ``all_nullable`` every measure may (a change
    is also null where a row is absent at one date). ``trailing`` string columns come
    before ``suppressed``, which is last.
    """
    return (
        *(_Column(name, "date") for name in lead),
        *(_Column(d.name, d.type) for d in schema.dimensions),
        *(_Column(m.name, m.type, all_nullable or m.person_count) for m in schema.measures),
        *(_Column(name, "string") for name in trailing),
        _Column("suppressed", "list"),
    )


def _table_columns(table: ProtectedTable) -> tuple[_Column, ...]:
    return _columns(table.schema, ("as_of",), all_nullable=False)


def _csv(path: Path, columns: Sequence[_Column], rows: Iterable[Mapping[str, Any]]) -> None:
    """CSV: header row, empty fields for nulls, lists (``suppressed``) ``;``-joined.

    Rows are mappings in column order (as every row source here builds them).
    """
    with atomic_output(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow(
                [";".join(v) if isinstance(v, list) else _csv_value(v) for v in row.values()]
            )


def _jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """JSON Lines: one object per row, keys in column order."""
    with atomic_output(path) as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _parquet(path: Path, columns: Sequence[_Column], rows: Sequence[Mapping[str, Any]]) -> None:
    """Parquet: dates as ``date32``, nullable counts, ``suppressed`` a list of strings."""
    arrays = []
    for column in columns:
        values = [row[column.name] for row in rows]
        if column.kind == "date":
            values = [dt.date.fromisoformat(v) for v in values]
        arrays.append(pa.array(values, _ARROW[column.kind]))
    fields = [pa.field(c.name, _ARROW[c.kind], nullable=c.nullable) for c in columns]
    data = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    with atomic_path(path) as temporary:
        pq.write_table(data, temporary)


def _files(stem: Path, columns: Sequence[_Column], rows: Sequence[Mapping[str, Any]]) -> list[Path]:
    """Write ``rows`` to ``stem`` + every suffix of :data:`FORMATS`; return the paths."""
    _csv(stem.with_suffix(".csv"), columns, rows)
    _parquet(stem.with_suffix(".parquet"), columns, rows)
    _jsonl(stem.with_suffix(".jsonl"), rows)
    return [stem.with_suffix(f".{suffix}") for suffix in FORMATS]


def write_csv(table: ProtectedTable, path: Path) -> None:
    """Write ``table`` as CSV: header row, empty cells for withheld counts."""
    _csv(path, _table_columns(table), table.rows())


def write_jsonl(table: ProtectedTable, path: Path) -> None:
    """Write ``table`` as JSON Lines: one object per row, keys in column order."""
    _jsonl(path, table.rows())


def write_parquet(table: ProtectedTable, path: Path) -> None:
    """Write ``table`` as Parquet: dates as ``date32``, counts nullable, ``suppressed`` a
    list of strings."""
    _parquet(path, _table_columns(table), list(table.rows()))


def write_manifest(
    out: Path,
    tables: Sequence[ProtectedTable],
    *,
    versions: Mapping[str, str],
) -> None:
    """Write ``out/manifest.json``: ``as_of``, ``versions``, ``min_cell`` and the tables.

    A table with a provenance (:attr:`PolicyTable.provenance`: the ``courses`` table's
    plan status) adds it under ``provenance``, keyed by table name.

    Parameters
    ----------
    out : Path
        The output directory.
    tables : sequence of ProtectedTable
        The tables written, all of one ``as_of`` and one ``min_cell``.
    versions : Mapping[str, str]
        Versions of taxonomy, rule packs, weights and code
        (:func:`matcher.scoring.versions.engine_versions`).
    """
    as_of, min_cell = _common(tables)
    manifest = {
        "as_of": as_of.isoformat(),
        "versions": dict(versions),
        "min_cell": min_cell,
        "tables": [t.schema.name for t in tables],
        "rows": {t.schema.name: t.n_rows for t in tables},
    }
    # Only tables that say how they were made beyond the versions (courses: its plan).
    provenance = {t.schema.name: dict(t.table.provenance) for t in tables if t.table.provenance}
    if provenance:
        manifest["provenance"] = provenance
    _json(out / "manifest.json", manifest)


def write_tables(
    out: Path, tables: Sequence[ProtectedTable], *, versions: Mapping[str, str]
) -> list[Path]:
    """Write every table in every format to ``out`` (created if needed), then the manifest.

    The files of tables an earlier output in ``out`` wrote and this one does not are
    removed first (by the earlier manifest's list), so ``out`` holds only this output.

    Parameters
    ----------
    out : Path
        The output directory.
    tables : sequence of ProtectedTable
        Tables of distinct names, all of one ``as_of`` and one ``min_cell``.
    versions : Mapping[str, str]
        Written to the manifest.

    Returns
    -------
    list of Path
        The files written, the manifest last.

    Raises
    ------
    ValueError
        If two tables share a name or differ in ``as_of`` or ``min_cell``.
    """
    names = [t.schema.name for t in tables]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"table written twice: {', '.join(repeated)}")
    _common(tables)
    out.mkdir(parents=True, exist_ok=True)
    _drop_earlier(out, names)
    written = []
    for table in tables:
        written += _files(out / table.schema.name, _table_columns(table), list(table.rows()))
    write_manifest(out, tables, versions=versions)
    return [*written, out / "manifest.json"]


def _drop_earlier(out: Path, names: Sequence[str]) -> None:
    """Remove the files of the tables an earlier output in ``out`` named in its manifest
    and this one does not write, so that the directory holds one output, not a table of
    another date beside it. Nothing the manifest does not name as a table is touched."""
    _drop(out, [name for name in _earlier_tables(out) or () if name not in names])


def remove_output(out: Path) -> None:
    """Remove an earlier output of :func:`write_tables` or :func:`write_trends` from ``out``:
    the files of the tables its manifest names, then the manifest.

    For a run that writes the other layout (several dates under ``DIR/<as_of>/`` and
    ``DIR/trends/``, one date in ``DIR`` itself): without it, last run's tables would sit
    where a planner looks for this run's. Nothing the manifest does not name as a table is
    touched, and a directory without a manifest naming tables is left as it is; the
    directory itself goes only when nothing else is left in it.

    Parameters
    ----------
    out : Path
        The directory of the earlier output (it need not exist).
    """
    earlier = _earlier_tables(out)
    if earlier is None:
        return
    _drop(out, earlier)
    (out / "manifest.json").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        out.rmdir()  # only when nothing else is in it


def _earlier_tables(out: Path) -> list[str] | None:
    """The tables the manifest of an earlier output in ``out`` names, or None when there is
    no manifest listing tables. Only the names of tables: a manifest edited by hand names
    no other file."""
    try:
        tables = read_manifest(out).get("tables")
    except PublishedError:
        return None  # no earlier output here, or none this command wrote
    if not isinstance(tables, list):
        return None
    return [name for name in tables if isinstance(name, str) and name in SCHEMAS]


def _drop(out: Path, names: Sequence[str]) -> None:
    for name in names:
        for suffix in FORMATS:
            (out / f"{name}.{suffix}").unlink(missing_ok=True)


def _common(tables: Sequence[ProtectedTable]) -> tuple[dt.date, int]:
    if not tables:
        raise ValueError("no table to write")
    dates = sorted({t.as_of for t in tables})
    thresholds = sorted({t.min_cell for t in tables})
    if len(dates) > 1 or len(thresholds) > 1:
        raise ValueError(
            "tables written together share one as_of and one min_cell; got as_of "
            f"{', '.join(d.isoformat() for d in dates)} and min_cell "
            f"{', '.join(map(str, thresholds))}"
        )
    return dates[0], thresholds[0]


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_trends(
    out: Path,
    series: Sequence[Sequence[Trend]],
    *,
    versions: Mapping[dt.date, Mapping[str, str]],
    min_cell: Mapping[dt.date, int],
) -> list[Path]:
    """Write the changes of each table between consecutive dates, then a manifest.

    Per table, ``out/<table>.csv``, ``.parquet`` and ``.jsonl`` hold one row per cell and
    pair of dates: ``since``, ``as_of``, the dimensions, the change of each measure (empty
    or null where withheld or absent), ``presence`` and ``suppressed``
    (:mod:`matcher.insights.trends`). ``out/manifest.json``, written last, says what they
    were computed from, as a table directory's manifest does: every ``as_of`` compared,
    the pairs of dates, and per date the versions of taxonomy, rule packs, weights and
    code and the ``min_cell`` its tables were protected with.

    Parameters
    ----------
    out : Path
        The directory (created if needed).
    series : sequence of sequence of Trend
        Per table, :func:`matcher.insights.trends.trends` of that table.
    versions : Mapping[datetime.date, Mapping[str, str]]
        Per date compared, the versions its tables were computed with.
    min_cell : Mapping[datetime.date, int]
        Per date compared, the ``min_cell`` its tables were protected with.

    Returns
    -------
    list of Path
        Three files per table, then ``manifest.json``.

    Raises
    ------
    ValueError
        For an empty series, one mixing tables or a table given twice, and for a date
        compared without its versions or ``min_cell``.
    """
    names = [_one_table(trends) for trends in series]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"trends written twice: {', '.join(repeated)}")
    dates = sorted({d for trends in series for t in trends for d in (t.since, t.as_of)})
    missing = [d.isoformat() for d in dates if d not in versions or d not in min_cell]
    if missing:
        raise ValueError(f"no versions or min_cell for {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    _drop_earlier(out, names)
    written = []
    rows: dict[str, int] = {}
    for name, trends in zip(names, series, strict=True):
        columns = _columns(
            trends[0].schema, ("since", "as_of"), all_nullable=True, trailing=("presence",)
        )
        found = [row for trend in trends for row in trend.rows()]
        rows[name] = len(found)
        written += _files(out / name, columns, found)
    pairs = sorted({(t.since, t.as_of) for trends in series for t in trends})
    manifest = {
        "as_of": [d.isoformat() for d in dates],
        "changes": [{"since": a.isoformat(), "as_of": b.isoformat()} for a, b in pairs],
        "versions": {d.isoformat(): dict(versions[d]) for d in dates},
        "min_cell": {d.isoformat(): min_cell[d] for d in dates},
        "tables": names,
        "rows": rows,
    }
    _json(out / "manifest.json", manifest)
    return [*written, out / "manifest.json"]


def _one_table(trends: Sequence[Trend]) -> str:
    names = sorted({t.schema.name for t in trends})
    if len(names) != 1:
        raise ValueError(f"each series holds the trends of one table; got {names or 'none'}")
    return names[0]


def _json(path: Path, document: Mapping[str, Any]) -> None:
    with atomic_output(path) as handle:
        handle.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
