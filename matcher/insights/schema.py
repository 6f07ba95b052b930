"""The seven policy tables of ``selaras insights``, declared once.

Writers, the dashboard, the API and the tests all derive column names, order and types
from :data:`SCHEMAS`, so a table cannot gain a column in one output and not another.
The declaration follows docs/format.md, "Policy tables": dimensions first, then measures,
then ``suppressed``; every row also carries ``as_of`` (written first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "PERSON_COUNTS",
    "SCHEMAS",
    "TABLE_NAMES",
    "Column",
    "Dimension",
    "Measure",
    "TableSchema",
    "schema_for",
]

DimensionType = Literal["string", "date"]
MeasureType = Literal["int", "float"]


@dataclass(frozen=True)
class Column:
    """A column of a policy table, known by its name (the rest is the kind's)."""

    name: str


@dataclass(frozen=True)
class Dimension(Column):
    """A column that identifies a cell (a skill, a destination, a quarter, ...).

    ``type`` is ``string``, or ``date`` for ISO dates (``YYYY-MM-DD``), written as dates
    in Parquet.
    """

    type: DimensionType = "string"


@dataclass(frozen=True)
class Measure(Column):
    """A counted column.

    ``person_count`` is true when the measure counts people: only these are subject to
    disclosure control. ``type`` is ``int``, or ``float`` for expectations
    (``expected_placements``).
    """

    person_count: bool = False
    type: MeasureType = "int"


@dataclass(frozen=True)
class TableSchema:
    """One policy table: its name, dimensions and measures, in column order.

    Attributes
    ----------
    name : str
        Table name (also the file stem).
    dimensions : tuple of Dimension
    measures : tuple of Measure
    """

    name: str
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column in output order: ``as_of``, dimensions, measures, ``suppressed``."""
        return (
            "as_of",
            *(d.name for d in self.dimensions),
            *(m.name for m in self.measures),
            "suppressed",
        )

    @property
    def dimension_names(self) -> tuple[str, ...]:
        """The dimension column names, in order."""
        return tuple(d.name for d in self.dimensions)

    @property
    def measure_names(self) -> tuple[str, ...]:
        """The measure column names, in order."""
        return tuple(m.name for m in self.measures)

    @property
    def person_counts(self) -> tuple[str, ...]:
        """The measures that count people (suppressed when small)."""
        return tuple(m.name for m in self.measures if m.person_count)


def _table(name: str, dimensions: str, measures: str) -> TableSchema:
    """Build a schema from space-separated names, in column order.

    A measure written ``*name`` counts people; ``cohort_start`` is the one date dimension
    and ``expected_*`` measures are the float ones.
    """
    dims = tuple(
        Dimension(d, "date" if d == "cohort_start" else "string") for d in dimensions.split()
    )
    return TableSchema(
        name,
        dims,
        tuple(
            Measure(
                m.lstrip("*"),
                person_count=m.startswith("*"),
                type="float" if m.startswith("expected_") else "int",
            )
            for m in measures.split()
        ),
    )


SCHEMAS: Mapping[str, TableSchema] = {
    s.name: s
    for s in (
        _table(
            "supply_demand",
            "skill destination quarter",
            "slots_demanded *eligible_workers *one_gap_workers *filled_slots",
        ),
        _table("gaps", "gap_kind requirement destination", "*blocked_workers"),
        _table("languages", "test level destination", "*workers_holding slots_requiring"),
        _table("origin", "province destination", "*eligible_workers *placed_workers"),
        _table("courses", "course_id cohort_start", "seats *workers_unlocked expected_placements"),
        _table("refusals", "reason_kind destination", "job_orders"),
        _table("reintegration", "province skill", "*returnees opportunity_slots"),
    )
}
"""Every policy table by name, in the order of docs/format.md."""

TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)
"""The table names, in the order of docs/format.md."""

PERSON_COUNTS: frozenset[str] = frozenset(m for s in SCHEMAS.values() for m in s.person_counts)
"""Every measure that counts people, across all tables."""


def schema_for(name: str) -> TableSchema:
    """The schema of table ``name``.

    Parameters
    ----------
    name : str
        A table name.

    Returns
    -------
    TableSchema

    Raises
    ------
    ValueError
        For an unknown table, naming the known ones.
    """
    try:
        return SCHEMAS[name]
    except KeyError:
        known = ", ".join(TABLE_NAMES)
        raise ValueError(f"unknown table {name!r}: the tables are {known}") from None
