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

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from matcher.interchange import terms
from matcher.interchange.hrjson_typed import typed_candidate
from matcher.interchange.hrjson_values import GENDERS, MONTHS_PER, certificate_for, partial_date
from matcher.interchange.jsonld import Issue
from matcher.interchange.jsontext import documents
from models.files import Problem, ReadResult
from models.language_results import LANGUAGE_TESTS
from models.worker import CERTIFICATE_SCHEMES, EDUCATION_LEVELS, Worker

__all__ = ["read_candidates"]


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


def read_candidates(
    text: str, *, name: str, agency_id: str | None = None, typed: bool = True
) -> ReadResult[Worker]:
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
    typed : bool
        Read each document with the typed reader of :mod:`matcher.interchange.hrjson_typed`
        first, and with the reference reader only when it declines the document: the same
        records, errors and notes, in a fraction of the time. False reads every document
        with the reference reader (what the typed reader is tested against).

    Returns
    -------
    ReadResult[Worker]
        Workers with their lines; ``errors`` (apply nothing unless empty) and ``warnings``
        (what was not imported, and NIK slips as ``selaras validate`` reports them).
    """
    result: ReadResult[Worker] = ReadResult()
    if not text.strip():
        result.reject([Problem(name, None, None, "file is empty: it holds no records")])
        return result
    seen: dict[tuple[str, str], int] = {}
    for line, value, error in documents(text):
        if error is not None:
            result.reject([Problem(name, line, None, error)])
            continue
        if not isinstance(value, dict):
            result.reject(
                [Problem(name, line, None, "expected a candidate document (a JSON object)")]
            )
            continue
        worker = typed_candidate(value, agency_id) if typed else None
        if worker is None:
            reader = _CandidateReader(value, agency_id)
            worker = reader.read()
            if reader.errors:
                issues = reader.errors
                result.reject([Problem(name, line, i.path or None, i.message) for i in issues])
            notes = reader.notes
            result.warnings += [Problem(name, line, i.path or None, i.message) for i in notes]
        if worker is None:
            continue
        key = (worker.agency_id, worker.id)
        if key in seen:
            message = f"duplicate worker {worker.id!r} for agency {worker.agency_id!r}"
            result.reject(
                [Problem(name, line, "person.id", f"{message} (first on line {seen[key]})")]
            )
            continue
        seen[key] = line
        if result.ok:
            result.records.append(worker)
            result.lines.append(line)
        result.warnings += [Problem(name, line, w.field, w.message) for w in worker.warnings()]
    if not result.records and result.ok:
        result.reject([Problem(name, None, None, "file holds no candidate document")])
    return result


class _CandidateReader:
    """Reads one candidate document; collects errors and notes with JSON paths.

    Every access goes through :meth:`obj` and :meth:`arr`, so a part of the wrong shape
    (a list where an object belongs) is an error naming its path, never a crash.
    """

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

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        """``value`` if it is an object; else an error (unless absent) and an empty one."""
        if isinstance(value, dict):
            return value
        if value is not None:
            self.error(path, f"must be an object; got {_kind(value)}")
        return {}

    def arr(self, value: Any, path: str) -> list[Any]:
        """``value`` if it is a list; else an error (unless absent) and an empty one."""
        if isinstance(value, list):
            return value
        if value is not None:
            self.error(path, f"must be a list; got {_kind(value)}")
        return []

    def objects(self, value: Any, path: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The objects of a list with their paths; other items are errors."""
        found: list[tuple[str, Mapping[str, Any]]] = []
        for index, item in enumerate(self.arr(value, path)):
            where = f"{path}[{index}]"
            if isinstance(item, dict):
                found.append((where, item))
            else:
                self.error(where, f"must be an object; got {_kind(item)}")
        return found

    def unread(self, node: Mapping[str, Any], path: str, read: frozenset[str]) -> None:
        for key in node:
            if key not in read:
                where = f"{path}.{key}" if path else key
                self.note(where, "not imported: a worker record has no such field")

    def read(self) -> Worker | None:
        self.unread(self.document, "", _READ_DOCUMENT)
        if not isinstance(self.document.get("person"), dict):
            self.error("person", "required: the candidate's person (with birthDate)")
            return None
        person = self.document["person"]
        self.unread(person, "person", _READ_PERSON)
        raw: dict[str, Any] = {**self._identity(person), **self._person(person)}
        profiles = self.objects(self.document.get("profiles"), "profiles")
        for path, _ in profiles[1:]:
            self.note(path, "not imported: Selaras reads the first profile")
        if profiles:
            raw |= self._profile(profiles[0][1], profiles[0][0])
        if self.errors:
            return None
        try:
            return Worker.model_validate({k: v for k, v in raw.items() if v is not None})
        except ValidationError as error:
            for item in error.errors(include_url=False):
                loc = [str(part) for part in item["loc"]]
                message = item["msg"].removeprefix("Value error, ")
                self.error(self._source(loc), f"{'.'.join(loc)}: {message}" if loc else message)
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
        own = self.obj(person.get("id"), "person.id")
        fallback = self.obj(self.document.get("documentId"), "documentId")
        ident, where = (own, "person.id") if own else (fallback, "documentId")
        self.sources |= {"id": f"{where}.value", "agency_id": "person.id.schemeAgencyId"}
        worker_id = ident.get("value")
        if not isinstance(worker_id, str) or not worker_id:
            self.error("person.id", "required: the candidate's id (person.id or documentId)")
        carried = own.get("schemeAgencyId") if own.get("schemeId") == terms.WORKER_SCHEME else None
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
        name = self.obj(person.get("name"), "person.name")
        parts = [name.get(k) for k in ("given", "middle", "family")]
        joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
        found["full_name"] = name.get("formattedName", joined or None)
        legal = self.obj(person.get("legalId"), "person.legalId")
        if legal:
            if str(legal.get("schemeId", "")).upper() == terms.NIK_SCHEME:
                found["nik"] = legal.get("value")
            else:
                self.note("person.legalId", 'not imported: not a NIK (schemeId "NIK")')
        gender = person.get("gender")
        if gender is not None:
            if isinstance(gender, str) and gender in GENDERS:
                found["gender"] = GENDERS[gender]
            else:
                self.error(
                    "person.gender", f"{gender!r} is not in HR Open's GenderCodeList (Male, Female)"
                )
        for key in ("religion", "ethnicity"):
            values = self.arr(person.get(key), f"person.{key}")
            if len(values) == 1:
                found[key] = values[0]
            elif values:
                self.note(f"person.{key}", "not imported: a worker record holds one value")
        found["marital_status"] = person.get("maritalStatus")
        found["province"] = self._province(person.get("communication"))
        return found

    def _province(self, value: Any) -> Any:
        communication = self.obj(value, "person.communication")
        for key in communication:
            if key != "address":
                self.note(
                    f"person.communication.{key}",
                    "not imported: a worker record holds no contact details",
                )
        path = "person.communication.address"
        for where, address in self.objects(communication.get("address"), path):
            parts = self.objects(address.get("countrySubDivisions"), f"{where}.countrySubDivisions")
            for _, part in parts:
                if str(part.get("type", "")).lower() == "province":
                    self.sources["province"] = where
                    return part.get("value")
        return None

    # --- profile ---------------------------------------------------------------------

    def _profile(self, profile: Mapping[str, Any], path: str) -> dict[str, Any]:
        self.unread(profile, path, _READ_PROFILE)
        certificates = self._certificates(profile, path)
        skills, languages = self._qualifications(
            profile.get("qualifications"), f"{path}.qualifications", certificates
        )
        return {
            "education": self._education(profile.get("education"), f"{path}.education"),
            "experience": self._employment(profile.get("employment"), f"{path}.employment"),
            "certificates": certificates,
            "skills": skills,
            "languages": languages,
            "preferences": self._preferences(
                profile.get("positionPreferences"), f"{path}.positionPreferences"
            ),
        }

    def _education(self, value: Any, path: str) -> str | None:
        levels: dict[str, str] = {}
        for where, entry in self.objects(value, path):
            codes = self.objects(entry.get("educationLevelCodes"), f"{where}.educationLevelCodes")
            for code_where, code in codes:
                level = code.get("code")
                if level in EDUCATION_LEVELS:
                    levels.setdefault(level, code_where)
                else:
                    self.note(
                        code_where, f"not imported: {level!r} is not a Selaras education level"
                    )
        if len(levels) > 1:
            self.error(
                path,
                f"several Selaras education levels {sorted(levels)}: a worker record holds one "
                "(the highest); mark only that one",
            )
            return None
        if not levels:
            return None
        level, where = next(iter(levels.items()))
        self.sources["education"] = where
        return level

    def _employment(self, value: Any, path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for where, employer in self.objects(value, path):
            positions = self.objects(
                employer.get("positionHistories"), f"{where}.positionHistories"
            )
            if not positions:
                self.error(where, "an employment history needs positionHistories with a title")
            for p_where, position in positions:
                self.sources[f"experience.{len(found)}"] = p_where
                found.append(self._position(position, employer, p_where))
        return found

    def _position(
        self, position: Mapping[str, Any], employer: Mapping[str, Any], path: str
    ) -> dict[str, Any]:
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
            "country": self.obj(position.get("location"), f"{path}.location").get("countryCode"),
        }
        for c_where, category in self.objects(
            position.get("jobCategories"), f"{path}.jobCategories"
        ):
            scheme = self.obj(category.get("id"), f"{c_where}.id").get("schemeId")
            if scheme == terms.ISCO_SCHEME:
                entry["isco"] = category.get("code")
            elif scheme == terms.PROGRAMME_SCHEME:
                entry["programme"] = category.get("code")
            else:
                self.note(c_where, "not imported: neither ISCO-08 nor a Selaras programme")
        return {k: v for k, v in entry.items() if v is not None}

    def _certificates(self, profile: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for key in ("certifications", "licenses"):
            for where, entry in self.objects(profile.get(key), f"{path}.{key}"):
                self.unread(entry, where, _READ_CERTIFICATION)
                scheme = self.obj(entry.get("type"), f"{where}.type").get("code")
                if scheme not in CERTIFICATE_SCHEMES:
                    self.note(
                        f"{where}.type",
                        f"{scheme!r} is not a Selaras certificate scheme: imported as OTHER",
                    )
                    scheme = "OTHER"
                validity = self.obj(
                    entry.get("effectiveTimePeriod"), f"{where}.effectiveTimePeriod"
                )
                issued = entry.get("issued", entry.get("firstIssued"))
                self.sources[f"certificates.{len(found)}"] = where
                certificate = {
                    "name": entry.get("name"),
                    "scheme": scheme,
                    "number": self.obj(entry.get("id"), f"{where}.id").get("value") or None,
                    "issued": self._date(issued, f"{where}.issued", last=False),
                    "expires": self._date(
                        validity.get("validTo"), f"{where}.effectiveTimePeriod.validTo", last=True
                    ),
                }
                found.append({k: v for k, v in certificate.items() if v is not None})
        return found

    def _qualifications(
        self, value: Any, path: str, certificates: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        skills: list[dict[str, Any]] = []
        languages: list[dict[str, Any]] = []
        linked: set[int] = set()
        for where, entry in self.objects(value, path):
            evidence = self.obj(entry.get("competencyEvidence"), f"{where}.competencyEvidence")
            kind = evidence.get("evidenceTypeCode")
            if kind == "assessment" and evidence.get("evidenceName") in LANGUAGE_TESTS:
                self.sources[f"languages.{len(languages)}"] = where
                languages.append(self._language(entry, evidence, where))
            elif kind == "certification":
                ids = evidence.get("ids")
                first = ids[0] if isinstance(ids, list) and ids else None
                number = first.get("value") if isinstance(first, dict) else None
                target = certificate_for(evidence.get("evidenceName"), number, certificates, linked)
                if target is None:
                    self.error(
                        f"{where}.competencyEvidence.evidenceName",
                        "names no certification of this profile",
                    )
                    continue
                linked.add(target)
                if entry.get("competencyName") is not None:
                    certificates[target]["skill"] = entry["competencyName"]
                score = self._numbers(evidence.get("scores"), f"{where}.competencyEvidence.scores")
                if score:
                    certificates[target]["score"] = score[0]
            else:
                self.sources[f"skills.{len(skills)}"] = where
                skills.append(self._skill(entry, where))
        return skills, languages

    def _skill(self, entry: Mapping[str, Any], path: str) -> dict[str, Any]:
        skill: dict[str, Any] = {"name": entry.get("competencyName")}
        measure = self.obj(entry.get("experienceMeasure"), f"{path}.experienceMeasure")
        if measure:
            unit, value = measure.get("unitCode"), measure.get("value")
            if (
                isinstance(unit, str)
                and unit in MONTHS_PER
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                months = value * MONTHS_PER[unit]
                if float(months).is_integer():
                    skill["months"] = int(months)
                else:
                    self.error(
                        f"{path}.experienceMeasure",
                        f"{value} {unit} is not a whole number of months",
                    )
            elif isinstance(unit, str) and unit in MONTHS_PER:
                # The unit is one Selaras reads: a value that is no number is wrong, not
                # something to leave out.
                self.error(f"{path}.experienceMeasure.value", f"{value!r} is not a number")
            else:
                self.note(f"{path}.experienceMeasure", f"not imported: in {unit!r}, not MON or ANN")
        level = self.obj(entry.get("proficiencyLevel"), f"{path}.proficiencyLevel")
        if level:
            numeric = self.objects(
                level.get("scoresNumeric"), f"{path}.proficiencyLevel.scoresNumeric"
            )
            scale = numeric[0][1] if numeric else {}
            if numeric and scale.get("minimum", 1) == 1 and scale.get("maximum", 5) == 5:
                skill["level"] = scale.get("value")
            else:
                self.note(
                    f"{path}.proficiencyLevel", "not imported: Selaras reads a level on a 1-5 scale"
                )
        return skill

    def _language(
        self, entry: Mapping[str, Any], evidence: Mapping[str, Any], path: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = {"test": evidence["evidenceName"]}
        where = f"{path}.competencyEvidence.scores"
        scores = self.objects(evidence.get("scores"), where)
        first = scores[0][1] if scores else {}
        texts = self.objects(first.get("scoresText"), f"{where}[0].scoresText")
        numbers = self._numbers([first], where)
        if texts:
            result["result"] = texts[0][1].get("value")
            if numbers:
                result["score"] = numbers[0]
        elif numbers:
            result["result"] = numbers[0]
        else:
            self.error(where, f"a {result['test']} result needs a score")
        when = evidence.get("effectivePeriod")
        if isinstance(when, dict):
            when = when.get("start")
        result["date"] = self._date(when, f"{path}.competencyEvidence.effectivePeriod", last=False)
        sections = {}
        for d_where, dimension in self.objects(
            entry.get("competencyDimensions"), f"{path}.competencyDimensions"
        ):
            name = dimension.get("dimensionType")
            if not isinstance(name, str):
                self.error(f"{d_where}.dimensionType", "required: the section's name, as text")
                continue
            values = self._numbers([dimension.get("score")], f"{d_where}.score")
            sections[name] = values[0] if values else None
        if sections:
            result["sections"] = sections
        return {k: v for k, v in result.items() if v is not None}

    def _numbers(self, scores: Any, path: str) -> list[Any]:
        """The ``value`` of the first ``scoresNumeric`` entry of each score, in order."""
        found = []
        for where, score in self.objects(scores, path):
            numeric = self.objects(score.get("scoresNumeric"), f"{where}.scoresNumeric")
            if numeric:
                found.append(numeric[0][1].get("value"))
        return found

    def _preferences(self, value: Any, path: str) -> dict[str, Any] | None:
        countries: list[Any] = []
        wage: dict[str, Any] | None = None
        for where, entry in self.objects(value, path):
            self.unread(entry, where, frozenset({"locations", "offeredRemunerationPackage"}))
            for l_where, location in self.objects(entry.get("locations"), f"{where}.locations"):
                reference = self.obj(
                    location.get("referenceLocation"), f"{l_where}.referenceLocation"
                )
                code = reference.get("countryCode")
                if code is not None and code not in countries:
                    countries.append(code)
            package_path = f"{where}.offeredRemunerationPackage"
            package = self.obj(entry.get("offeredRemunerationPackage"), package_path)
            for r_where, band in self.objects(package.get("ranges"), f"{package_path}.ranges"):
                monthly = band.get("typeCode") == "BasePay" and band.get("intervalCode") == "Month"
                if monthly and wage is None:
                    minimum = self.obj(band.get("minimumAmount"), f"{r_where}.minimumAmount")
                    wage = {"amount": minimum.get("value"), "currency": minimum.get("currency")}
                    self.sources["preferences.min_monthly_wage"] = r_where
                else:
                    self.note(r_where, "not imported: Selaras reads one monthly base-pay minimum")
        if not countries and wage is None:
            return None
        self.sources["preferences"] = path
        return {"countries": countries, "min_monthly_wage": wage}

    def _date(self, value: Any, path: str, *, last: bool) -> str | None:
        """An HR Open date, year-month or year as a date (see :func:`partial_date`)."""
        if value is None:
            return None
        try:
            return partial_date(value, last=last)
        except ValueError as error:
            self.error(path, str(error))
            return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return str(value).lower()
    return "a number" if _is_number(value) else type(value).__name__
