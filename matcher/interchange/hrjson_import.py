"""HR Open Standards HR-JSON candidate documents -> Selaras worker records, all or nothing.

Reads CandidateType documents (HR Open 4.2): one document, a JSON array of them, or JSON
Lines. Every problem names the line and the JSON path; nothing is applied unless there is
none. A value Selaras reads but cannot use (no birth date, a gender outside the code list,
a certificate dated in a form that is not a date) is an error; a part of the document a
worker record has no field for (contact details, licences' endorsements, a second profile)
is dropped with a note. The worker's agency is never guessed: it comes from the caller
(``agency_id``) or from Selaras's own ``selaras:worker`` identifier, else the document is an
error. The mapping is in ``docs/integrations.md``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from matcher.interchange import terms
from matcher.interchange.hrjson_export import GENDER_CODES
from matcher.interchange.jsonld import Issue
from matcher.interchange.jsontext import documents
from models.files import Problem, ReadResult
from models.language_results import LANGUAGE_TESTS
from models.worker import CERTIFICATE_SCHEMES, EDUCATION_LEVELS, Worker

__all__ = ["read_candidates"]

_GENDERS = {code: gender for gender, code in GENDER_CODES.items()}
_MONTHS_PER = {"MON": 1, "ANN": 12}
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?$")

_READ_PERSON = frozenset(
    {
        "id", "name", "legalId", "birthDate", "gender", "religion", "ethnicity",
        "maritalStatus", "communication",
    }
)  # fmt: skip
_READ_PROFILE = frozenset(
    {
        "education", "employment", "certifications", "licenses", "qualifications",
        "positionPreferences", "profileName", "profileId", "languageCode",
    }
)  # fmt: skip
"""Read, or (name, id, language of the profile itself) nothing a worker record could hold."""
_READ_CERTIFICATION = frozenset(
    {"name", "type", "id", "issued", "firstIssued", "effectiveTimePeriod"}
)
_READ_DOCUMENT = frozenset({"documentId", "person", "profiles"})


def read_candidates(text: str, *, name: str, agency_id: str | None = None) -> ReadResult[Worker]:
    """Map every HR-JSON candidate document in ``text`` to a worker record.

    Parameters
    ----------
    text : str
        One CandidateType document, a JSON array of them, or JSON Lines.
    name : str
        The file name used in problems.
    agency_id : str, optional
        The agency of every worker (CLI ``--agency``); else each document's
        ``person.id`` must be Selaras's own (``schemeId`` ``selaras:worker``).

    Returns
    -------
    ReadResult[Worker]
        Workers with their lines; ``errors`` (apply nothing unless empty) and ``warnings``
        (what was not imported, and NIK slips as ``selaras validate`` reports them).
    """
    result: ReadResult[Worker] = ReadResult()
    if not text.strip():
        result.errors.append(Problem(name, None, None, "file is empty: it holds no records"))
        return result
    seen: dict[tuple[str, str], int] = {}
    for line, value, error in documents(text):
        if error is not None:
            result.errors.append(Problem(name, line, None, error))
            continue
        if not isinstance(value, dict):
            result.errors.append(
                Problem(name, line, None, "expected a candidate document (a JSON object)")
            )
            continue
        reader = _CandidateReader(value, agency_id)
        worker = reader.read()
        result.errors += [Problem(name, line, i.path or None, i.message) for i in reader.errors]
        result.warnings += [Problem(name, line, i.path or None, i.message) for i in reader.notes]
        if worker is None:
            continue
        key = (worker.agency_id, worker.id)
        if key in seen:
            message = f"duplicate worker {worker.id!r} for agency {worker.agency_id!r}"
            result.errors.append(
                Problem(name, line, "person.id", f"{message} (first on line {seen[key]})")
            )
            continue
        seen[key] = line
        result.records.append(worker)
        result.lines.append(line)
        result.warnings += [Problem(name, line, w.field, w.message) for w in worker.warnings()]
    if not result.records and not result.errors:
        result.errors.append(Problem(name, None, None, "file holds no candidate document"))
    return result


class _CandidateReader:
    """Reads one candidate document; collects errors and notes with JSON paths."""

    def __init__(self, document: Mapping[str, Any], agency_id: str | None) -> None:
        self.document = document
        self.agency_id = agency_id
        self.errors: list[Issue] = []
        self.notes: list[Issue] = []
        self.sources: dict[str, str] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.append(Issue(path, message))

    def note(self, path: str, message: str) -> None:
        self.notes.append(Issue(path, message))

    def unread(self, node: Mapping[str, Any], path: str, read: frozenset[str]) -> None:
        for key in node:
            if key not in read:
                self.note(
                    f"{path}.{key}" if path else key,
                    "not imported: a worker record has no such field",
                )

    def read(self) -> Worker | None:
        self.unread(self.document, "", _READ_DOCUMENT)
        person = self.document.get("person")
        if not isinstance(person, dict):
            self.error("person", "required: the candidate's person (with birthDate)")
            return None
        self.unread(person, "person", _READ_PERSON)
        raw: dict[str, Any] = {**self._identity(person), **self._person(person)}
        profiles = self.document.get("profiles") or []
        if not isinstance(profiles, list):
            self.error("profiles", "must be a list of profiles")
        elif profiles:
            for index in range(1, len(profiles)):
                self.note(f"profiles[{index}]", "not imported: Selaras reads the first profile")
            if isinstance(profiles[0], dict):
                raw |= self._profile(profiles[0], "profiles[0]")
            else:
                self.error("profiles[0]", "must be an object")
        if self.errors:
            return None
        try:
            return Worker.model_validate({k: v for k, v in raw.items() if v is not None})
        except ValidationError as error:
            for item in error.errors(include_url=False):
                loc = [str(part) for part in item["loc"]]
                where = self._source(loc)
                message = item["msg"].removeprefix("Value error, ")
                self.error(where, f"{'.'.join(loc)}: {message}" if loc else message)
            return None

    def _source(self, loc: list[str]) -> str:
        """The JSON path a worker field came from (deepest known prefix)."""
        for size in range(len(loc), 0, -1):
            found = self.sources.get(".".join(loc[:size]))
            if found is not None:
                return found
        return ".".join(loc)

    # --- person ----------------------------------------------------------------------

    def _identity(self, person: Mapping[str, Any]) -> dict[str, Any]:
        own = person.get("id") if isinstance(person.get("id"), dict) else None
        fallback = self.document.get("documentId")
        ident = own or (fallback if isinstance(fallback, dict) else None)
        where = "person.id" if own else "documentId"
        self.sources |= {"id": f"{where}.value", "agency_id": "person.id.schemeAgencyId"}
        worker_id = ident.get("value") if ident else None
        if not isinstance(worker_id, str) or not worker_id:
            self.error("person.id", "required: the candidate's id (person.id or documentId)")
        carried = (
            own.get("schemeAgencyId")
            if own is not None and own.get("schemeId") == terms.WORKER_SCHEME
            else None
        )
        agency = self.agency_id if self.agency_id is not None else carried
        if self.agency_id is not None and carried is not None and carried != self.agency_id:
            self.error(
                "person.id.schemeAgencyId",
                f"agency {carried!r} but the import was given --agency {self.agency_id!r}",
            )
        elif agency is None:
            self.error(
                "person.id",
                "no agency: pass --agency or carry person.id with schemeId "
                f"{terms.WORKER_SCHEME!r} and schemeAgencyId (Selaras never guesses the agency)",
            )
        return {"id": worker_id, "agency_id": agency}

    def _person(self, person: Mapping[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        self.sources |= {
            "birth_date": "person.birthDate",
            "full_name": "person.name",
            "nik": "person.legalId.value",
            "gender": "person.gender",
            "religion": "person.religion",
            "ethnicity": "person.ethnicity",
            "marital_status": "person.maritalStatus",
            "province": "person.communication.address",
        }
        if person.get("birthDate") is None:
            self.error("person.birthDate", "required: a worker record needs the birth date")
        else:
            found["birth_date"] = person["birthDate"]
        name = person.get("name")
        if isinstance(name, dict):
            formatted = name.get("formattedName")
            parts = [name.get(k) for k in ("given", "middle", "family")]
            joined = " ".join(p for p in parts if isinstance(p, str) and p.strip())
            found["full_name"] = formatted if isinstance(formatted, str) else joined or None
        legal = person.get("legalId")
        if isinstance(legal, dict):
            if str(legal.get("schemeId", "")).upper() == terms.NIK_SCHEME:
                found["nik"] = legal.get("value")
            else:
                self.note("person.legalId", 'not imported: not a NIK (schemeId "NIK")')
        gender = person.get("gender")
        if gender is not None:
            if gender in _GENDERS:
                found["gender"] = _GENDERS[gender]
            else:
                self.error(
                    "person.gender", f"{gender!r} is not in HR Open's GenderCodeList (Male, Female)"
                )
        for key, field in (("religion", "religion"), ("ethnicity", "ethnicity")):
            values = person.get(key)
            if isinstance(values, list) and len(values) == 1:
                found[field] = values[0]
            elif values:
                self.note(f"person.{key}", "not imported: a worker record holds one value")
        found["marital_status"] = person.get("maritalStatus")
        found["province"] = self._province(person.get("communication"))
        return found

    def _province(self, communication: Any) -> str | None:
        if not isinstance(communication, dict):
            return None
        for key in communication:
            if key != "address":
                self.note(
                    f"person.communication.{key}",
                    "not imported: a worker record holds no contact details",
                )
        addresses = communication.get("address") or []
        for index, address in enumerate(addresses if isinstance(addresses, list) else []):
            for part in (
                address.get("countrySubDivisions") or [] if isinstance(address, dict) else []
            ):
                if isinstance(part, dict) and str(part.get("type", "")).lower() == "province":
                    self.sources["province"] = f"person.communication.address[{index}]"
                    return part.get("value") if isinstance(part.get("value"), str) else None
        return None

    # --- profile ---------------------------------------------------------------------

    def _profile(self, profile: Mapping[str, Any], path: str) -> dict[str, Any]:
        self.unread(profile, path, _READ_PROFILE)
        found: dict[str, Any] = {"education": self._education(profile.get("education"), path)}
        found["experience"] = self._employment(profile.get("employment"), f"{path}.employment")
        certificates, cert_paths = self._certificates(profile, path)
        skills, languages = self._qualifications(
            profile.get("qualifications"), f"{path}.qualifications", certificates, cert_paths
        )
        found |= {"certificates": certificates, "skills": skills, "languages": languages}
        found["preferences"] = self._preferences(profile.get("positionPreferences"), path)
        return found

    def _education(self, entries: Any, path: str) -> str | None:
        levels: dict[str, str] = {}
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            for code_index, code in enumerate(
                entry.get("educationLevelCodes") or [] if isinstance(entry, dict) else []
            ):
                value = code.get("code") if isinstance(code, dict) else None
                where = f"{path}.education[{index}].educationLevelCodes[{code_index}]"
                if value in EDUCATION_LEVELS:
                    levels.setdefault(value, where)
                else:
                    self.note(where, f"not imported: {value!r} is not a Selaras education level")
        if len(levels) > 1:
            self.error(
                f"{path}.education",
                f"several Selaras education levels {sorted(levels)}: a worker record holds one "
                "(the highest); mark only that one",
            )
            return None
        if levels:
            level, where = next(iter(levels.items()))
            self.sources["education"] = where
            return level
        return None

    def _employment(self, entries: Any, path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for index, employer in enumerate(entries if isinstance(entries, list) else []):
            where = f"{path}[{index}]"
            if not isinstance(employer, dict):
                self.error(where, "must be an object")
                continue
            positions = employer.get("positionHistories") or []
            if not positions:
                self.error(where, "an employment history needs positionHistories with a title")
            for p_index, position in enumerate(positions):
                p_where = f"{where}.positionHistories[{p_index}]"
                self.sources[f"experience.{len(found)}"] = p_where
                found.append(self._position(position, employer, p_where))
        return found

    def _position(self, position: Any, employer: Mapping[str, Any], path: str) -> dict[str, Any]:
        if not isinstance(position, dict):
            self.error(path, "must be an object")
            return {}
        start = position.get("start", employer.get("start"))
        # A position's own end wins; a current position (or employer) has none.
        if "end" in position or position.get("current") is True:
            end = position.get("end")
        else:
            end = None if employer.get("current") is True else employer.get("end")
        entry: dict[str, Any] = {
            "title": position.get("title"),
            "start": self._date(start, f"{path}.start", last=False),
            "end": self._date(end, f"{path}.end", last=True),
        }
        location = position.get("location")
        if isinstance(location, dict):
            entry["country"] = location.get("countryCode")
        for c_index, category in enumerate(position.get("jobCategories") or []):
            scheme = category.get("id", {}).get("schemeId") if isinstance(category, dict) else None
            code = category.get("code") if isinstance(category, dict) else None
            if scheme == terms.ISCO_SCHEME:
                entry["isco"] = code
            elif scheme == terms.PROGRAMME_SCHEME:
                entry["programme"] = code
            else:
                self.note(
                    f"{path}.jobCategories[{c_index}]",
                    "not imported: neither ISCO-08 nor a Selaras programme",
                )
        return {k: v for k, v in entry.items() if v is not None}

    def _certificates(
        self, profile: Mapping[str, Any], path: str
    ) -> tuple[list[dict[str, Any]], list[str]]:
        found: list[dict[str, Any]] = []
        paths: list[str] = []
        for key in ("certifications", "licenses"):
            entries = profile.get(key)
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                where = f"{path}.{key}[{index}]"
                if not isinstance(entry, dict):
                    self.error(where, "must be an object")
                    continue
                self.unread(entry, where, _READ_CERTIFICATION)
                scheme = (
                    (entry.get("type") or {}).get("code")
                    if isinstance(entry.get("type"), dict)
                    else None
                )
                if scheme not in CERTIFICATE_SCHEMES:
                    self.note(
                        f"{where}.type",
                        f"{scheme!r} is not a Selaras certificate scheme: imported as OTHER",
                    )
                    scheme = "OTHER"
                number = (
                    (entry.get("id") or {}).get("value")
                    if isinstance(entry.get("id"), dict)
                    else None
                )
                validity = entry.get("effectiveTimePeriod")
                expires = validity.get("validTo") if isinstance(validity, dict) else None
                issued = entry.get("issued", entry.get("firstIssued"))
                self.sources[f"certificates.{len(found)}"] = where
                paths.append(where)
                found.append(
                    {
                        k: v
                        for k, v in {
                            "name": entry.get("name"),
                            "scheme": scheme,
                            "number": number or None,
                            "issued": self._date(issued, f"{where}.issued", last=False),
                            "expires": self._date(
                                expires, f"{where}.effectiveTimePeriod.validTo", last=True
                            ),
                        }.items()
                        if v is not None
                    }
                )
        return found, paths

    def _qualifications(
        self,
        entries: Any,
        path: str,
        certificates: list[dict[str, Any]],
        cert_paths: list[str],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        skills: list[dict[str, Any]] = []
        languages: list[dict[str, Any]] = []
        linked: set[int] = set()
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            where = f"{path}[{index}]"
            if not isinstance(entry, dict):
                self.error(where, "must be an object")
                continue
            evidence = entry.get("competencyEvidence")
            kind = evidence.get("evidenceTypeCode") if isinstance(evidence, dict) else None
            if (
                isinstance(evidence, dict)
                and kind == "assessment"
                and evidence.get("evidenceName") in LANGUAGE_TESTS
            ):
                self.sources[f"languages.{len(languages)}"] = where
                languages.append(self._language(entry, evidence, where))
            elif isinstance(evidence, dict) and kind == "certification":
                target = _certificate_for(evidence, certificates, linked)
                if target is None:
                    self.error(
                        f"{where}.competencyEvidence.evidenceName",
                        "names no certification of this profile",
                    )
                    continue
                linked.add(target)
                if isinstance(entry.get("competencyName"), str):
                    certificates[target]["skill"] = entry["competencyName"]
                score = _first_number(evidence.get("scores"))
                if score is not None:
                    certificates[target]["score"] = score
            else:
                self.sources[f"skills.{len(skills)}"] = where
                skills.append(self._skill(entry, where))
        return skills, languages

    def _skill(self, entry: Mapping[str, Any], path: str) -> dict[str, Any]:
        skill: dict[str, Any] = {"name": entry.get("competencyName")}
        measure = entry.get("experienceMeasure")
        if isinstance(measure, dict):
            unit = measure.get("unitCode")
            value = measure.get("value")
            if unit in _MONTHS_PER and isinstance(value, int | float):
                months = value * _MONTHS_PER[unit]
                if float(months).is_integer():
                    skill["months"] = int(months)
                else:
                    self.error(
                        f"{path}.experienceMeasure",
                        f"{value} {unit} is not a whole number of months",
                    )
            else:
                self.note(f"{path}.experienceMeasure", f"not imported: in {unit!r}, not MON or ANN")
        level = entry.get("proficiencyLevel")
        if isinstance(level, dict):
            numeric = (level.get("scoresNumeric") or [None])[0]
            if (
                isinstance(numeric, dict)
                and numeric.get("minimum", 1) == 1
                and numeric.get("maximum", 5) == 5
            ):
                skill["level"] = numeric.get("value")
            else:
                self.note(
                    f"{path}.proficiencyLevel", "not imported: Selaras reads a level on a 1-5 scale"
                )
        return skill

    def _language(
        self, entry: Mapping[str, Any], evidence: Mapping[str, Any], path: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = {"test": evidence["evidenceName"]}
        scores = evidence.get("scores") or [{}]
        first = (
            scores[0] if isinstance(scores, list) and scores and isinstance(scores[0], dict) else {}
        )
        texts = first.get("scoresText") or []
        numbers = first.get("scoresNumeric") or []
        if texts:
            result["result"] = texts[0].get("value")
            if numbers:
                result["score"] = numbers[0].get("value")
        elif numbers:
            result["result"] = numbers[0].get("value")
        else:
            self.error(
                f"{path}.competencyEvidence.scores", f"a {result['test']} result needs a score"
            )
        when = evidence.get("effectivePeriod")
        if isinstance(when, dict):
            when = when.get("start")
        result["date"] = self._date(when, f"{path}.competencyEvidence.effectivePeriod", last=False)
        sections = {
            d.get("dimensionType"): _first_number([d.get("score")])
            for d in entry.get("competencyDimensions") or []
            if isinstance(d, dict)
        }
        if sections:
            result["sections"] = sections
        return {k: v for k, v in result.items() if v is not None}

    def _preferences(self, entries: Any, path: str) -> dict[str, Any] | None:
        countries: list[str] = []
        wage: dict[str, Any] | None = None
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            where = f"{path}.positionPreferences[{index}]"
            if not isinstance(entry, dict):
                continue
            self.unread(entry, where, frozenset({"locations", "offeredRemunerationPackage"}))
            for location in entry.get("locations") or []:
                code = (
                    (location.get("referenceLocation") or {}).get("countryCode")
                    if isinstance(location, dict)
                    else None
                )
                if code is not None and code not in countries:
                    countries.append(code)
            package = entry.get("offeredRemunerationPackage")
            for r_index, band in enumerate(
                package.get("ranges") or [] if isinstance(package, dict) else []
            ):
                r_where = f"{where}.offeredRemunerationPackage.ranges[{r_index}]"
                if (
                    isinstance(band, dict)
                    and band.get("typeCode") == "BasePay"
                    and band.get("intervalCode") == "Month"
                    and wage is None
                ):
                    minimum = band.get("minimumAmount") or {}
                    wage = {"amount": minimum.get("value"), "currency": minimum.get("currency")}
                    self.sources["preferences.min_monthly_wage"] = r_where
                else:
                    self.note(r_where, "not imported: Selaras reads one monthly base-pay minimum")
        if not countries and wage is None:
            return None
        self.sources["preferences"] = f"{path}.positionPreferences"
        return {"countries": countries, "min_monthly_wage": wage}

    def _date(self, value: Any, path: str, *, last: bool) -> str | None:
        """An HR Open date, year-month or year as a date: its first day, or ``last`` day."""
        if value is None:
            return None
        match = _PARTIAL_DATE.match(value) if isinstance(value, str) else None
        if match is None:
            self.error(path, f"{value!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a date-time)")
            return None
        year, month, day = int(match[1]), match[2], match[3]
        try:
            if day is not None:
                return dt.date(year, int(month), int(day)).isoformat()
            if month is not None:
                end = calendar.monthrange(year, int(month))[1] if last else 1
                return dt.date(year, int(month), end).isoformat()
            return dt.date(year, 12, 31).isoformat() if last else dt.date(year, 1, 1).isoformat()
        except ValueError as error:
            self.error(path, f"{value!r}: {error}")
            return None


def _certificate_for(
    evidence: Mapping[str, Any], certificates: list[dict[str, Any]], linked: set[int]
) -> int | None:
    """The first certificate not yet linked that the evidence names.

    A certificate whose name and number (the evidence's first id, or none) both match wins;
    failing that, one whose name matches (another system may not repeat the number).
    """
    ids = evidence.get("ids") or []
    number = ids[0].get("value") if ids and isinstance(ids[0], dict) else None
    named = [
        i
        for i, certificate in enumerate(certificates)
        if i not in linked and certificate.get("name") == evidence.get("evidenceName")
    ]
    exact = [i for i in named if certificates[i].get("number") == number]
    return (exact or named or [None])[0]


def _first_number(scores: Any) -> Any:
    for score in scores if isinstance(scores, list) else []:
        numbers = score.get("scoresNumeric") if isinstance(score, dict) else None
        if numbers and isinstance(numbers[0], dict):
            return numbers[0].get("value")
    return None
