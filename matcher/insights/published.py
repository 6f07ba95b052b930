"""Policy tables read back from an earlier ``selaras insights`` output, for trends.

A stored round is a directory ``selaras insights`` wrote: ``manifest.json`` and
``<table>.jsonl`` per table. Only what was published can be read back: a withheld count
is unknown, so it is held as 0 under a blank mask and is never published again (the
trends withhold every change that involves a withheld count, :mod:`matcher.insights.trends`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from matcher.insights.schema import SCHEMAS
from matcher.insights.table import PolicyTable, ProtectedTable, TableError

__all__ = ["PublishedError", "published_versions", "read_manifest", "read_published"]


class PublishedError(ValueError):
    """An earlier output cannot be read back (the message names the file and the row)."""


def read_published(directory: Path) -> list[ProtectedTable]:
    """The tables of an earlier ``selaras insights --out DIR``, as published.

    Parameters
    ----------
    directory : Path
        A directory holding ``manifest.json`` and the JSON Lines file of every table it
        names.

    Returns
    -------
    list of ProtectedTable
        In the manifest's order; withheld counts are blank (their value is not known).

    Raises
    ------
    PublishedError
        For a missing or malformed manifest or table file, an unknown table, or a row
        whose columns are not the table's.
    """
    manifest = read_manifest(directory)
    try:
        as_of = dt.date.fromisoformat(manifest["as_of"])
        min_cell = int(manifest["min_cell"])
        names = [str(n) for n in manifest["tables"]]
    except (ValueError, KeyError, TypeError) as error:
        raise _not_a_manifest(directory, error) from None
    return [_table(directory / f"{name}.jsonl", name, as_of, min_cell) for name in names]


def published_versions(directory: Path) -> dict[str, str]:
    """The versions an earlier output was computed with (its manifest's ``versions``).

    Raises
    ------
    PublishedError
        For a missing or malformed manifest.
    """
    versions = read_manifest(directory).get("versions")
    if not isinstance(versions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in versions.items()
    ):
        raise _not_a_manifest(directory, "versions must map names to versions")
    return versions


def read_manifest(directory: Path) -> dict[str, Any]:
    """The ``manifest.json`` of an earlier output in ``directory``, as an object.

    Parameters
    ----------
    directory : Path

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    PublishedError
        For a missing file, or one that is not a JSON object.
    """
    try:
        manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise _not_a_manifest(directory, error) from None
    if not isinstance(manifest, dict):
        raise _not_a_manifest(directory, "not an object")
    return manifest


def _not_a_manifest(directory: Path, why: object) -> PublishedError:
    path = directory / "manifest.json"
    return PublishedError(f"{path}: not a manifest of selaras insights ({why})")


def _table(path: Path, name: str, as_of: dt.date, min_cell: int) -> ProtectedTable:
    schema = SCHEMAS.get(name)
    if schema is None:
        raise PublishedError(f"{path}: unknown table {name!r}")
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as error:
        raise PublishedError(f"{path}: {error.strerror or error}") from None
    blanked_ok = set(schema.person_counts)
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
        except ValueError as error:
            raise PublishedError(f"{path}, line {number}: not JSON ({error})") from None
        if not isinstance(row, dict) or list(row) != list(schema.columns):
            raise PublishedError(
                f"{path}, line {number}: the columns must be {', '.join(schema.columns)}"
            )
        if row["as_of"] != as_of.isoformat():
            raise PublishedError(f"{path}, line {number}: as_of is not the manifest's {as_of}")
        rows.append(row)
    # Sorted as PolicyTable sorts its rows (dimension values in code point order), so
    # that the masks below line up with the table's rows.
    rows.sort(key=lambda r: tuple(str(r[d]) for d in schema.dimension_names))
    for number, row in enumerate(rows, start=1):
        missing = [m for m in schema.measure_names if row[m] is None and m not in blanked_ok]
        if missing:
            raise PublishedError(
                f"{path}: {', '.join(missing)} is null, and only counts of "
                f"people are ever withheld (row {number} in table order)"
            )
    blanked = {
        m: np.array([row[m] is None for row in rows], np.bool_) for m in schema.person_counts
    }
    known = [
        {**row, **{m: 0 if row[m] is None else row[m] for m in schema.measure_names}}
        for row in rows
    ]
    try:
        table = PolicyTable.from_rows(schema, as_of, known)
    except TableError as error:
        raise PublishedError(f"{path}: {error}") from None
    return ProtectedTable(table, blanked, min_cell)
