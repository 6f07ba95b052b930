"""CSV columns of the Selaras import format and their conversion to nested records.

A column named ``a.b`` fills field ``b`` of object ``a``. List fields hold a JSON array
in the cell; ``skills``, ``languages``, ``preferences.countries``,
``reintegration.interests`` and ``cohorts`` also take a short form that people type by
hand (see README, "CSV import"). An empty cell means absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from models.strict_json import JsonError
from models.strict_json import loads as strict_loads

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "row_to_record"]

_WORKER_COLUMNS = (
    "id",
    "agency_id",
    "full_name",
    "nik",
    "birth_date",
    "gender",
    "province",
    "religion",
    "ethnicity",
    "marital_status",
    "education",
    "skills",
    "certificates",
    "languages",
    "experience",
    "health.fit_to_work",
    "health.colour_vision_normal",
    "health.checked",
    "documents.passport_expires",
    "preferences.countries",
    "preferences.min_monthly_wage.amount",
    "preferences.min_monthly_wage.currency",
    "returned",
    "home.province",
    "home.regency",
    "reintegration.interests",
    "reintegration.capital.amount",
    "reintegration.capital.currency",
    "reintegration.relocate",
)
_VACANCY_COLUMNS = (
    "id",
    "agency_id",
    "employer.name",
    "employer.type",
    "country",
    "region",
    "programme",
    "title",
    "isco",
    "slots",
    "start_date",
    "contract_months",
    "wage.amount",
    "wage.currency",
    "wage.per",
    "requirements",
)
_AGENCY_COLUMNS = (
    "id",
    "name",
    "licence",
    "status",
    "valid_from",
    "valid_until",
    "revoked_on",
)

_COURSE_COLUMNS = (
    "id",
    "provider.name",
    "provider.kind",
    "provider.province",
    "title",
    "confers",
    "prerequisites",
    "duration_weeks",
    "cohorts",
    "cost.amount",
    "cost.currency",
    "pass_rate",
)
_OPPORTUNITY_COLUMNS = (
    "id",
    "kind",
    "organiser.name",
    "organiser.type",
    "title",
    "isco",
    "sector",
    "location.province",
    "location.regency",
    "slots",
    "start_date",
    "wage.amount",
    "wage.currency",
    "wage.per",
    "requirements",
)
_OUTCOME_COLUMNS = ("vacancy_id", "worker_id", "stage", "date", "reason")

COLUMNS: Mapping[str, tuple[str, ...]] = {
    "workers": _WORKER_COLUMNS,
    "returnees": _WORKER_COLUMNS,
    "vacancies": _VACANCY_COLUMNS,
    "agencies": _AGENCY_COLUMNS,
    "courses": _COURSE_COLUMNS,
    "opportunities": _OPPORTUNITY_COLUMNS,
    "outcomes": _OUTCOME_COLUMNS,
}
"""Allowed CSV columns per record kind."""

REQUIRED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "workers": ("id", "agency_id", "birth_date"),
    "vacancies": (
        "id",
        "agency_id",
        "employer.name",
        "employer.type",
        "country",
        "programme",
        "title",
        "slots",
        "wage.amount",
        "wage.currency",
        "wage.per",
    ),
    "agencies": ("id", "name", "status"),
    "returnees": ("id", "agency_id", "birth_date", "returned"),
    "courses": (
        "id",
        "provider.name",
        "provider.kind",
        "title",
        "confers",
        "duration_weeks",
        "cohorts",
        "cost.amount",
        "cost.currency",
    ),
    "opportunities": (
        "id",
        "kind",
        "organiser.name",
        "organiser.type",
        "title",
        "location.province",
        "slots",
    ),
    "outcomes": ("vacancy_id", "worker_id", "stage", "date"),
}
"""Columns a CSV file must have (a required field needs its column)."""


def _short_skills(cell: str) -> list[dict[str, str]]:
    """``las listrik:48:3; CNC milling:6`` -> [{name, months, level}, ...]."""
    skills = []
    for item in _items(cell, ";"):
        parts = [part.strip() for part in item.split(":")]
        if len(parts) > 3:
            raise ValueError(f"skill {item!r} must be name[:months[:level]]")
        skill = {"name": parts[0]}
        skill.update({k: v for k, v in zip(("months", "level"), parts[1:], strict=False) if v})
        skills.append(skill)
    return skills


def _short_languages(cell: str) -> list[dict[str, str]]:
    """``JLPT N4 2024-12-01; EPS-TOPIK 170`` -> [{test, result, date}, ...]."""
    results = []
    for item in _items(cell, ";"):
        parts = item.split()
        if len(parts) not in (2, 3):
            raise ValueError(f"language {item!r} must be 'TEST RESULT [YYYY-MM-DD]'")
        entry = {"test": parts[0], "result": parts[1]}
        if len(parts) == 3:
            entry["date"] = parts[2]
        results.append(entry)
    return results


def _short_cohorts(cell: str) -> list[dict[str, str]]:
    """``2026-04-06:20; 2026-07-06:20`` -> [{start, seats}, ...]."""
    cohorts = []
    for item in _items(cell, ";"):
        parts = [part.strip() for part in item.split(":")]
        if len(parts) != 2:
            raise ValueError(f"cohort {item!r} must be YYYY-MM-DD:SEATS")
        cohorts.append({"start": parts[0], "seats": parts[1]})
    return cohorts


def _items(cell: str, separator: str) -> list[str]:
    return [item.strip() for item in cell.split(separator) if item.strip()]


def _json(cell: str) -> Any:
    try:
        return strict_loads(cell)
    except JsonError as error:
        raise ValueError(f"cell is not valid JSON: {error}") from None


_SHORT_FORMS: Mapping[str, Callable[[str], Any]] = {
    "skills": _short_skills,
    "languages": _short_languages,
    "preferences.countries": lambda cell: _items(cell, ";"),
    "reintegration.interests": lambda cell: _items(cell, ";"),
    "cohorts": _short_cohorts,
}
_JSON_COLUMNS = frozenset(
    {
        "skills",
        "certificates",
        "languages",
        "experience",
        "requirements",
        "confers",
        "prerequisites",
        "cohorts",
    }
)


def row_to_record(row: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn one CSV row into a nested record.

    Parameters
    ----------
    row : mapping of column name to cell text

    Returns
    -------
    record : dict
        The nested record, without the empty cells.
    cell_errors : dict
        Column name to message for cells that could not be read.
    """
    record: dict[str, Any] = {}
    cell_errors: dict[str, str] = {}
    for column, raw in row.items():
        cell = raw.strip()
        if not cell:
            continue
        try:
            if column in _JSON_COLUMNS and cell[0] in "[{":
                value: Any = _json(cell)
            elif column in _SHORT_FORMS:
                value = _SHORT_FORMS[column](cell)
            elif column in _JSON_COLUMNS:
                raise ValueError("cell must hold a JSON value")
            else:
                value = cell
        except ValueError as error:
            cell_errors[column] = str(error)
            continue
        target = record
        *parents, leaf = column.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return record, cell_errors
