"""schema.org ``JobPosting`` JSON-LD -> Selaras job orders, all or nothing.

Each posting is first validated against the shipped schema.org vocabulary, then mapped
field by field (``docs/integrations.md``). A value Selaras reads but cannot use (a salary
without a currency, a wage per week, two workplaces for one job order) is an error naming
the line and the JSON path; a property Selaras has no field for (``jobBenefits``,
``description``) is dropped with a note. The destination programme is never guessed: it
comes from the caller (``programme``) or from the ``selaras:programme`` identifier that
Selaras's own export writes, else the posting is an error. The same holds for the agency.

A posting Selaras exported carries its full requirements in the ``selaras:requirements``
identifier; they are read from there, and the readable projection (``skills``,
``qualifications``, ``experienceRequirements``) must still agree with them, so an edit to
one without the other is an error rather than a silent loss.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from matcher.interchange import terms
from matcher.interchange.jobposting_export import UNIT_TEXT
from matcher.interchange.jsonld import Issue, jsonld_records, node_types, validate_node
from matcher.interchange.vocabulary import schemaorg
from models.common import Identifier
from models.files import Problem, ReadResult
from models.vacancy import Requirements, Vacancy

__all__ = ["read_jobpostings"]

_PER = {text: per for per, text in UNIT_TEXT.items()} | {
    "HUR": "hour",
    "MON": "month",
    "ANN": "year",
}
_MONTHS_PER_UNIT = {"MON": 1, "MONTH": 1, "MONTHS": 1, "ANN": 12, "YEAR": 12, "YEARS": 12}
_DURATION_MONTHS = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?$")
_ISCO_SETS = frozenset({"isco-08", "isco08", terms.ISCO_CODE_SET["url"].lower()})

_MAPPED = frozenset(
    {
        "title", "identifier", "hiringOrganization", "jobLocation", "totalJobOpenings",
        "baseSalary", "salaryCurrency", "occupationalCategory", "jobStartDate", "jobDuration",
        "skills", "qualifications", "experienceRequirements",
    }
)  # fmt: skip
_DERIVED = frozenset(
    {
        "description", "datePosted", "validThrough", "employmentType", "directApply",
        "applicantLocationRequirements",
    }
)  # fmt: skip
"""What Selaras's own export writes from fields already mapped: no note when it is dropped."""

_SOURCES = {
    "id": "identifier",
    "agency_id": "identifier",
    "programme": "identifier",
    "employer": "hiringOrganization",
    "country": "jobLocation.address.addressCountry",
    "region": "jobLocation.address.addressRegion",
    "title": "title",
    "isco": "occupationalCategory",
    "slots": "totalJobOpenings",
    "start_date": "jobStartDate",
    "contract_months": "jobDuration",
    "wage": "baseSalary",
    "requirements": "skills",
}
"""Where each job-order field comes from, to name the JSON-LD path in a model error."""

_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)


def read_jobpostings(
    text: str,
    *,
    name: str,
    programme: str | None = None,
    agency_id: str | None = None,
) -> ReadResult[Vacancy]:
    """Map every JobPosting in ``text`` to a job order and collect every problem.

    Parameters
    ----------
    text : str
        JSON-LD: one object, an array, an object with ``@graph``, or JSON Lines of these.
    name : str
        The file name used in problems.
    programme : str, optional
        The destination programme of every posting (CLI ``--programme``). Without it, each
        posting must carry Selaras's ``selaras:programme`` identifier.
    agency_id : str, optional
        The agency of every posting (CLI ``--agency``); else ``selaras:agency-id``.

    Returns
    -------
    ReadResult[Vacancy]
        Job orders with their lines; ``errors`` (apply nothing unless empty) and
        ``warnings``: what was not imported, per line and field.
    """
    result: ReadResult[Vacancy] = ReadResult()
    if not text.strip():
        result.reject([Problem(name, None, None, "file is empty: it holds no records")])
        return result
    seen: dict[tuple[str, str], int] = {}
    for record in jsonld_records(text):

        def problem(issue: Issue, line: int = record.line) -> Problem:
            return Problem(name, line, issue.path or None, issue.message)

        if record.node is None:
            result.reject([problem(i) for i in record.issues])
            continue
        reader = _PostingReader(record.node, record.path, programme, agency_id)
        vacancy = reader.read()
        if reader.errors:
            result.reject([problem(i) for i in reader.errors])
        result.warnings += [problem(i) for i in reader.notes]
        if vacancy is None:
            continue
        key = (vacancy.agency_id, vacancy.id)
        if key in seen:
            where = reader.path("identifier")
            message = f"duplicate job order {vacancy.id!r} for agency {vacancy.agency_id!r}"
            result.reject(
                [Problem(name, record.line, where, f"{message} (first on line {seen[key]})")]
            )
            continue
        seen[key] = record.line
        if result.ok:
            result.records.append(vacancy)
            result.lines.append(record.line)
    if not result.records and result.ok:
        result.reject([Problem(name, None, None, "file holds no JobPosting")])
    return result


class _PostingReader:
    """Reads one JobPosting node; collects errors and notes with JSON paths."""

    def __init__(
        self,
        node: Mapping[str, Any],
        base: str,
        programme: str | None,
        agency_id: str | None,
    ) -> None:
        self.node = node
        self.base = base
        self.programme = programme
        self.agency_id = agency_id
        self.errors: list[Issue] = []
        self.notes: list[Issue] = []

    def path(self, key: str) -> str:
        return f"{self.base}.{key}" if self.base else key

    def error(self, key: str, message: str) -> None:
        self.errors.append(Issue(self.path(key), message))

    def note(self, key: str, message: str) -> None:
        self.notes.append(Issue(self.path(key), message))

    def read(self) -> Vacancy | None:
        known = [t for t in node_types(self.node) if t in schemaorg().classes]
        if known and not any(schemaorg().is_a(t, frozenset({"JobPosting"})) for t in known):
            self.error("@type", f"expected a JobPosting; got {' or '.join(known)}")
            return None
        issues = validate_node(self.node, path=self.base)
        if issues:
            self.errors += issues
            return None
        own = self._selaras_identifiers()
        raw: dict[str, Any] = {
            "id": self._id(own),
            "agency_id": self._given("agency_id", self.agency_id, own.get(terms.AGENCY_ID)),
            "programme": self._given("programme", self.programme, own.get(terms.PROGRAMME)),
            "title": self._required_text("title"),
            "employer": self._employer(),
            "slots": self._required("totalJobOpenings", "the number of openings"),
            "wage": self._wage(),
            **self._location(),
            **self._optional_fields(),
            "requirements": self._requirements(own.get(terms.REQUIREMENTS)),
        }
        skip = _MAPPED | (_DERIVED if own else frozenset())
        for key in self.node:
            if not key.startswith("@") and key not in skip:
                self.note(key, "not imported: a Selaras job order has no such field")
        if self.errors:
            return None
        try:
            return Vacancy.model_validate({k: v for k, v in raw.items() if v is not None})
        except ValidationError as error:
            for item in error.errors(include_url=False):
                loc = [str(part) for part in item["loc"]]
                where = _SOURCES.get(loc[0], loc[0]) if loc else ""
                field = ".".join(loc)
                message = item["msg"].removeprefix("Value error, ")
                self.error(where, f"{field}: {message}" if field else message)
            return None

    # --- identifiers -------------------------------------------------------------------

    def _selaras_identifiers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, entry in enumerate(_as_list(self.node.get("identifier"))):
            if not isinstance(entry, dict) or "propertyID" not in entry:
                continue
            key = str(entry["propertyID"])
            if not key.startswith("selaras:"):
                continue
            where = f"identifier[{index}]"
            if key not in (
                terms.JOB_ORDER_ID,
                terms.AGENCY_ID,
                terms.PROGRAMME,
                terms.REQUIREMENTS,
            ):
                self.error(where, f"unknown Selaras identifier {key!r}")
            elif key in found:
                self.error(where, f"{key} is given twice")
            elif not isinstance(entry.get("value"), str):
                self.error(f"{where}.value", f"{key} must be text")
            else:
                found[key] = entry["value"]
        return found

    def _id(self, own: Mapping[str, str]) -> str | None:
        if terms.JOB_ORDER_ID in own:
            return own[terms.JOB_ORDER_ID]
        foreign = []
        for entry in _as_list(self.node.get("identifier")):
            if isinstance(entry, str):
                foreign.append(entry)
            elif isinstance(entry, dict) and not str(entry.get("propertyID", "")).startswith(
                "selaras:"
            ):
                value = entry.get("value")
                if isinstance(value, str | int) and not isinstance(value, bool):
                    foreign.append(str(value))
        if len(foreign) == 1:
            try:
                return _IDENTIFIER.validate_python(foreign[0])
            except ValidationError:
                self.error(
                    "identifier",
                    f"{foreign[0]!r} cannot be a job order id (letters, digits and . _ : / -, "
                    "at most 64)",
                )
                return None
        if foreign:
            self.error(
                "identifier",
                f"{len(foreign)} identifiers and no {terms.JOB_ORDER_ID}: which is the id?",
            )
        else:
            self.error("identifier", "a job order needs an id: give the posting an identifier")
        return None

    def _given(self, field: str, given: str | None, carried: str | None) -> str | None:
        key = terms.PROGRAMME if field == "programme" else terms.AGENCY_ID
        option = "--programme" if field == "programme" else "--agency"
        if given is not None and carried is not None and given != carried:
            self.error(
                "identifier", f"{key} is {carried!r} but the import was given {option} {given!r}"
            )
            return None
        value = given if given is not None else carried
        if value is None:
            self.error(
                "identifier",
                f"no {field}: pass {option} or carry a {key} identifier "
                f"(Selaras never guesses a job order's {field})",
            )
        return value

    # --- required fields -------------------------------------------------------------

    def _required(self, key: str, what: str) -> Any:
        value = self._single(key)
        if value is None and key not in self.node:
            self.error(key, f"required: a job order needs {what}")
        return value

    def _required_text(self, key: str) -> str | None:
        value = self._single(key)
        if value is None:
            if key not in self.node:
                self.error(key, f"required: a job order needs a {key}")
            return None
        return _text(value)

    def _single(self, key: str) -> Any:
        """The property's one value (a value object's ``@value``); several are an error."""
        values = [_literal(v) for v in _as_list(self.node.get(key)) if v is not None]
        if len(values) > 1:
            self.error(key, f"{len(values)} values; a job order has one")
            return None
        return values[0] if values else None

    def _employer(self) -> dict[str, str] | None:
        org = self._required("hiringOrganization", "the employer")
        if org is None:
            return None
        if not isinstance(org, dict) or "@type" not in org:
            self.error("hiringOrganization", "must be an Organization or a Person with a name")
            return None
        person = any(schemaorg().is_a(t, frozenset({"Person"})) for t in node_types(org))
        name = _text(org.get("name"))
        if name is None:
            self.error("hiringOrganization.name", "required: the employer's name")
            return None
        return {"name": name, "type": "household" if person else "company"}

    def _location(self) -> dict[str, Any]:
        place = self._required("jobLocation", "the workplace (its country)")
        if not isinstance(place, dict):
            return {}
        address = place.get("address")
        if isinstance(address, list):
            address = address[0] if len(address) == 1 else None
            if address is None:
                self.error("jobLocation.address", "a workplace has one address")
                return {}
        if not isinstance(address, dict):
            self.error(
                "jobLocation.address",
                "required: a PostalAddress with addressCountry (ISO 3166-1 alpha-2)",
            )
            return {}
        country = address.get("addressCountry")
        if isinstance(country, dict):
            country = _text(country.get("identifier")) or _text(country.get("name"))
        if country is None:
            self.error("jobLocation.address.addressCountry", "required: the workplace's country")
        region = address.get("addressRegion")
        if isinstance(region, dict):
            region = _text(region.get("name"))
        return {"country": _text(country), "region": _text(region)}

    def _wage(self) -> dict[str, Any] | None:
        salary = self._required("baseSalary", "the wage")
        if salary is None:
            return None
        types = node_types(salary) if isinstance(salary, dict) else ()
        if not any(schemaorg().is_a(t, frozenset({"MonetaryAmount"})) for t in types):
            self.error(
                "baseSalary",
                "must be a MonetaryAmount (currency, and a QuantitativeValue with unitText "
                "HOUR, MONTH or YEAR)",
            )
            return None
        currency = _text(salary.get("currency")) or _text(self._single("salaryCurrency"))
        if currency is None:
            self.error("baseSalary.currency", "salary without currency: give an ISO 4217 currency")
        value = salary.get("value")
        if not isinstance(value, dict):
            self.error(
                "baseSalary.value",
                "must be a QuantitativeValue with unitText HOUR, MONTH or YEAR (a bare number "
                "does not say per what)",
            )
            return None
        amount = _number(value.get("value"))
        if amount is None and value.get("minValue") is not None:
            amount = _number(value["minValue"])
            self.note(
                "baseSalary.value",
                "a salary range: its minValue is the job order's wage (the floor check must "
                "hold for the lowest pay offered)",
            )
        if amount is None:
            self.error("baseSalary.value.value", "required: the amount, one number")
            return None
        unit = _text(value.get("unitText")) or _text(value.get("unitCode"))
        per = _PER.get((unit or "").upper())
        if per is None:
            self.error(
                "baseSalary.value.unitText",
                f"wage per {unit!r}: Selaras reads HOUR, MONTH or YEAR"
                if unit
                else "required: HOUR, MONTH or YEAR",
            )
            return None
        return {"amount": amount, "currency": currency, "per": per}

    # --- optional fields -------------------------------------------------------------

    def _optional_fields(self) -> dict[str, Any]:
        found: dict[str, Any] = {"isco": self._isco()}
        start = self._single("jobStartDate")
        if isinstance(start, str):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", start):
                found["start_date"] = start
            else:
                self.note("jobStartDate", f"{start!r} is not a date; not imported")
        found["contract_months"] = self._contract_months()
        return found

    def _isco(self) -> str | None:
        codes = []
        for index, category in enumerate(_as_list(self.node.get("occupationalCategory"))):
            where = f"occupationalCategory[{index}]"
            if isinstance(category, dict) and _in_isco(category.get("inCodeSet")):
                codes.append(_text(category.get("codeValue")))
            else:
                self.note(where, "not an ISCO-08 CategoryCode; not imported")
        known = sorted({c for c in codes if c})
        if len(known) > 1:
            self.error(
                "occupationalCategory", f"several ISCO-08 codes {known}; a job order has one"
            )
            return None
        return known[0] if known else None

    def _contract_months(self) -> int | None:
        duration = self._single("jobDuration")
        if duration is None:
            return None
        if isinstance(duration, str):
            match = _DURATION_MONTHS.match(duration)
            if match is None:
                self.note("jobDuration", f"{duration!r} is not in whole months or years")
                return None
            return 12 * int(match[1] or 0) + int(match[2] or 0)
        unit = (_text(duration.get("unitCode")) or _text(duration.get("unitText")) or "").upper()
        value = _number(duration.get("value"))
        if unit not in _MONTHS_PER_UNIT or value is None:
            self.note("jobDuration", "not a value in months or years; not imported")
            return None
        months = value * _MONTHS_PER_UNIT[unit]
        if not float(months).is_integer():
            self.error("jobDuration.value", f"{value} {unit} is not a whole number of months")
            return None
        return int(months)

    # --- requirements ----------------------------------------------------------------

    def _requirements(self, carried: str | None) -> Any:
        skills = [_term_name(s) for s in _as_list(self.node.get("skills"))]
        certified = self._credential_skills()
        months = self._experience_months()
        if carried is not None:
            return self._carried_requirements(carried, skills, certified, months)
        names = [n for item in skills if item is not None for n in _split_skills(item)]
        out: dict[str, Any] = {}
        if names or certified:
            out["skills"] = [
                {"name": n, "required": False} for n in dict.fromkeys(names) if n not in certified
            ] + [{"name": n, "required": True, "certified": True} for n in certified]
            if names:
                self.note(
                    "skills",
                    "imported as preferred skills (score only): schema.org does not say which "
                    "are required; skills named by a required credential are gates",
                )
        if months:
            out["experience"] = {"min_months": months}
        return out

    def _credential_skills(self) -> list[str]:
        found: list[str] = []
        for index, item in enumerate(_as_list(self.node.get("qualifications"))):
            where = f"qualifications[{index}]"
            name = _term_name(item.get("competencyRequired")) if isinstance(item, dict) else None
            if name is None:
                self.note(where, "not a credential naming its competencyRequired; not imported")
            elif name not in found:
                found.append(name)
        return found

    def _experience_months(self) -> int | None:
        need = self._single("experienceRequirements")
        if need is None:
            return None
        months = _number(need.get("monthsOfExperience")) if isinstance(need, dict) else None
        if months is None:
            self.note("experienceRequirements", "no monthsOfExperience (one number); not imported")
            return None
        if not float(months).is_integer():
            self.error(
                "experienceRequirements.monthsOfExperience", f"{months} is not a whole number"
            )
            return None
        return int(months)

    def _carried_requirements(
        self, carried: str, skills: list[str | None], certified: list[str], months: int | None
    ) -> Any:
        try:
            requirements = Requirements.model_validate(json.loads(carried))
        except (ValueError, ValidationError) as error:
            self.error("identifier", f"{terms.REQUIREMENTS} is not valid requirements: {error}")
            return None
        views: list[tuple[str, object, object]] = [
            ("skills", skills, [s.name for s in requirements.skills]),
            (
                "qualifications",
                certified,
                [s.name for s in requirements.skills if s.certified and s.required],
            ),
            (
                "experienceRequirements",
                months,
                requirements.experience.min_months
                if requirements.experience and requirements.experience.min_months
                else None,
            ),
        ]
        for key, shown, derived in views:
            if shown != derived:
                self.error(
                    key,
                    f"disagrees with the {terms.REQUIREMENTS} identifier (it is derived from it: "
                    "edit the requirements and export again)",
                )
        return requirements


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _literal(value: Any) -> Any:
    """A JSON-LD value object's ``@value``; any other value as it is."""
    return value["@value"] if isinstance(value, dict) and "@value" in value else value


def _text(value: Any) -> str | None:
    value = _literal(value)
    return value if isinstance(value, str) else None


def _number(value: Any) -> int | float | None:
    value = _literal(value)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _term_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _split_skills(text: str) -> list[str]:
    """A ``skills`` text lists skills separated by commas, semicolons or new lines."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _in_isco(code_set: Any) -> bool:
    names: list[str | None] = []
    if isinstance(code_set, dict):
        names = [_text(code_set.get("name")), _text(code_set.get("url"))]
    else:
        names = [_text(code_set)]
    return any(n is not None and n.strip().lower() in _ISCO_SETS for n in names)
