"""Policy tables on disk: CSV, Parquet and JSON Lines with the same rows, and a manifest.

Only a :class:`~matcher.insights.table.ProtectedTable` can be written, so true small counts
never reach a file. A withheld count is empty in CSV and null in JSON Lines and Parquet;
``suppressed`` is ``;``-joined in CSV and a list elsewhere. Each file is written whole or
not at all (:mod:`matcher.atomic`), and ``manifest.json`` is written last: a directory
with a manifest holds every table it names.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from matcher.atomic import atomic_output, atomic_path
from matcher.insights.table import ProtectedTable
from matcher.insights.trends import Trend

__all__ = [
    "FORMATS",
    "write_csv",
    "write_jsonl",
    "write_manifest",
    "write_parquet",
    "write_tables",
    "write_trends",
]

FORMATS = ("csv", "parquet", "jsonl")
"""The file formats every table is written in (also the file suffixes)."""


def write_csv(table: ProtectedTable, path: Path) -> None:
    """Write ``table`` as CSV: header row, empty cells for withheld counts."""
    with atomic_output(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.schema.columns)
        for row in table.rows():
            writer.writerow(
                [";".join(v) if k == "suppressed" else _csv_value(v) for k, v in row.items()]
            )


def write_jsonl(table: ProtectedTable, path: Path) -> None:
    """Write ``table`` as JSON Lines: one object per row, keys in column order."""
    with atomic_output(path) as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in table.rows())


def write_parquet(table: ProtectedTable, path: Path) -> None:
    """Write ``table`` as Parquet: dates as ``date32``, counts nullable, ``suppressed`` a
    list of strings."""
    schema = table.schema
    fields: list[pa.Field] = [pa.field("as_of", pa.date32(), nullable=False)]
    arrays: list[pa.Array] = [pa.array([table.as_of] * table.n_rows, type=pa.date32())]
    for dimension in schema.dimensions:
        values = table.column(dimension.name)
        if dimension.type == "date":
            fields.append(pa.field(dimension.name, pa.date32(), nullable=False))
            arrays.append(pa.array([dt.date.fromisoformat(v) for v in values], pa.date32()))
        else:
            fields.append(pa.field(dimension.name, pa.string(), nullable=False))
            arrays.append(pa.array(values, pa.string()))
    for measure in schema.measures:
        kind = pa.float64() if measure.type == "float" else pa.int64()
        fields.append(pa.field(measure.name, kind, nullable=measure.person_count))
        arrays.append(pa.array(table.column(measure.name), kind))
    fields.append(pa.field("suppressed", pa.list_(pa.string()), nullable=False))
    arrays.append(pa.array(table.suppressed(), pa.list_(pa.string())))
    data = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    with atomic_path(path) as temporary:
        pq.write_table(data, temporary)


def write_manifest(
    out: Path,
    tables: Sequence[ProtectedTable],
    *,
    versions: Mapping[str, str],
) -> None:
    """Write ``out/manifest.json``: ``as_of``, ``versions``, ``min_cell`` and the tables.

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
    with atomic_output(out / "manifest.json") as handle:
        handle.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def write_tables(
    out: Path, tables: Sequence[ProtectedTable], *, versions: Mapping[str, str]
) -> list[Path]:
    """Write every table in every format to ``out`` (created if needed), then the manifest.

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
    writers = {"csv": write_csv, "parquet": write_parquet, "jsonl": write_jsonl}
    written = []
    for table in tables:
        for suffix in FORMATS:
            path = out / f"{table.schema.name}.{suffix}"
            writers[suffix](table, path)
            written.append(path)
    write_manifest(out, tables, versions=versions)
    return [*written, out / "manifest.json"]


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


def write_trends(out: Path, trends: Sequence[Trend]) -> list[Path]:
    """Write the changes of one table between consecutive dates, in every format.

    ``out/<table>.csv``, ``.parquet`` and ``.jsonl`` hold one row per cell and pair of
    dates: ``since``, ``as_of``, the dimensions, the change of each measure (empty or null
    where withheld or absent), ``presence`` and ``suppressed``
    (:mod:`matcher.insights.trends`).

    Parameters
    ----------
    out : Path
        The directory (created if needed).
    trends : sequence of Trend
        :func:`matcher.insights.trends.trends` of one table.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        If ``trends`` is empty or mixes tables.
    """
    names = sorted({t.schema.name for t in trends})
    if len(names) != 1:
        raise ValueError(f"write_trends takes the trends of one table; got {names or 'none'}")
    schema = trends[0].schema
    rows = [row for trend in trends for row in trend.rows()]
    columns = ("since", "as_of", *schema.dimension_names, *schema.measure_names)
    columns += ("presence", "suppressed")
    out.mkdir(parents=True, exist_ok=True)
    stem = out / schema.name
    with atomic_output(stem.with_suffix(".csv")) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [";".join(row[c]) if c == "suppressed" else _csv_value(row[c]) for c in columns]
            )
    with atomic_output(stem.with_suffix(".jsonl")) as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    fields: list[pa.Field] = [
        pa.field("since", pa.date32(), nullable=False),
        pa.field("as_of", pa.date32(), nullable=False),
    ]
    arrays: list[pa.Array] = [
        pa.array([dt.date.fromisoformat(r["since"]) for r in rows], pa.date32()),
        pa.array([dt.date.fromisoformat(r["as_of"]) for r in rows], pa.date32()),
    ]
    for dimension in schema.dimensions:
        values = [r[dimension.name] for r in rows]
        if dimension.type == "date":
            fields.append(pa.field(dimension.name, pa.date32(), nullable=False))
            arrays.append(pa.array([dt.date.fromisoformat(v) for v in values], pa.date32()))
        else:
            fields.append(pa.field(dimension.name, pa.string(), nullable=False))
            arrays.append(pa.array(values, pa.string()))
    for measure in schema.measures:
        kind = pa.float64() if measure.type == "float" else pa.int64()
        fields.append(pa.field(measure.name, kind, nullable=True))
        arrays.append(pa.array([r[measure.name] for r in rows], kind))
    fields.append(pa.field("presence", pa.string(), nullable=False))
    arrays.append(pa.array([r["presence"] for r in rows], pa.string()))
    fields.append(pa.field("suppressed", pa.list_(pa.string()), nullable=False))
    arrays.append(pa.array([r["suppressed"] for r in rows], pa.list_(pa.string())))
    data = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    with atomic_path(stem.with_suffix(".parquet")) as temporary:
        pq.write_table(data, temporary)
    return [stem.with_suffix(f".{suffix}") for suffix in FORMATS]
