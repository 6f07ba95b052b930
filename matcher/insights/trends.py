"""Change per cell of one policy table between dates.

A change is published only where the row exists at both dates and neither count is
withheld: it is then the difference of two published numbers, so the trend tells a reader
nothing the two published tables did not. Publishing any other difference would. With
``x`` withheld at the first date and shown at the second, ``x2 - x1`` gives ``x1``; with
both withheld, ``x2 - x1`` is a new linear equation on withheld cells, which can complete
the system of line totals that suppression left short of determining them. So a change
involving a withheld count is withheld (its measure is listed in ``suppressed``), and a
row present at one date only has no change (``presence`` says which).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from matcher.insights.schema import TableSchema
from matcher.insights.table import ProtectedTable

__all__ = ["Trend", "trends"]

Presence = Literal["both", "added", "removed"]


@dataclass(frozen=True)
class Trend:
    """The change of every measure of one table from ``since`` to ``as_of``.

    Attributes
    ----------
    schema : TableSchema
    since, as_of : datetime.date
        The earlier and the later date.
    keys : list of tuple of str
        The rows' dimension values, sorted; every row of either date.
    changes : dict[str, list]
        Per measure, the later count minus the earlier, or None (withheld or absent).
    presence : list of {"both", "added", "removed"}
        Whether the row exists at both dates, only the later, or only the earlier.
    suppressed : list of list of str
        Per row, the measures whose change is withheld because a count was.
    """

    schema: TableSchema
    since: dt.date
    as_of: dt.date
    keys: list[tuple[str, ...]]
    changes: dict[str, list[int | float | None]]
    presence: list[Presence]
    suppressed: list[list[str]]

    def rows(self) -> Iterator[dict[str, Any]]:
        """One mapping per row: ``since``, ``as_of``, dimensions, changes, ``presence``,
        ``suppressed``."""
        for i, key in enumerate(self.keys):
            row: dict[str, Any] = {"since": self.since.isoformat(), "as_of": self.as_of.isoformat()}
            row.update(zip(self.schema.dimension_names, key, strict=True))
            row.update({m: values[i] for m, values in self.changes.items()})
            row["presence"] = self.presence[i]
            row["suppressed"] = self.suppressed[i]
            yield row


def trends(snapshots: Sequence[ProtectedTable]) -> list[Trend]:
    """The change per cell between each pair of consecutive dates.

    Parameters
    ----------
    snapshots : sequence of ProtectedTable
        Two or more published versions of one table at distinct dates, in any order.

    Returns
    -------
    list of Trend
        One per consecutive pair of dates, earliest first.

    Raises
    ------
    ValueError
        For fewer than two snapshots, different tables, or a date given twice.
    """
    if len(snapshots) < 2:
        raise ValueError("a trend needs the table at two or more as_of dates")
    names = sorted({s.schema.name for s in snapshots})
    if len(names) > 1:
        raise ValueError(f"a trend follows one table; got {', '.join(names)}")
    dates = [s.as_of for s in snapshots]
    repeated = sorted({d for d in dates if dates.count(d) > 1})
    if repeated:
        raise ValueError(f"as_of given twice: {', '.join(d.isoformat() for d in repeated)}")
    ordered = sorted(snapshots, key=lambda s: s.as_of)
    return [_change(a, b) for a, b in itertools.pairwise(ordered)]


def _published(table: ProtectedTable) -> dict[tuple[str, ...], dict[str, Any]]:
    names = table.schema.dimension_names
    columns = {m: table.column(m) for m in table.schema.measure_names}
    dims = [table.column(d) for d in names]
    return {
        tuple(d[i] for d in dims): {m: values[i] for m, values in columns.items()}
        for i in range(table.n_rows)
    }


def _change(before: ProtectedTable, after: ProtectedTable) -> Trend:
    schema = after.schema
    old, new = _published(before), _published(after)
    keys = sorted(old.keys() | new.keys())
    changes: dict[str, list[int | float | None]] = {m: [] for m in schema.measure_names}
    presence: list[Presence] = []
    suppressed: list[list[str]] = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        presence.append("both" if a and b else "added" if b else "removed")
        withheld = []
        for m in schema.measure_names:
            if a is None or b is None:
                changes[m].append(None)
            elif a[m] is None or b[m] is None:
                changes[m].append(None)
                withheld.append(m)
            else:
                changes[m].append(b[m] - a[m])
        suppressed.append(withheld)
    return Trend(schema, before.as_of, after.as_of, keys, changes, presence, suppressed)
