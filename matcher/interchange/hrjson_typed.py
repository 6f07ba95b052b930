"""The fast reader of HR-JSON candidates: typed msgspec structs in front of the reference reader.

Importing 100,000 candidates took 170 s or more (issue 20): the reference reader
(:class:`matcher.interchange.hrjson_import._CandidateReader`) walks each document through
Python checks that name every problem's path, then validates the record with pydantic.
This module reads a document that maps *completely* (every part is one the mapping reads,
nothing to note, nothing wrong) in a fraction of that:

* the parsed document is converted in C to typed structs of the parts the mapping reads
  (:func:`msgspec.convert`, from the value the strict JSON reader parsed, so what counts as
  JSON is unchanged). The structs that stand for a part whose unknown keys the reference
  reader notes (document, person, profile, certification, position preference,
  communication) refuse unknown fields, and so do those whose emptiness it tests (ids, a
  legal id, an experience measure, a proficiency level);
* the worker record's JSON is built from the structs by the same rules (the values of
  :mod:`matcher.interchange.hrjson_values`), and read by the typed worker decoder
  (:func:`models.typed_workers.decode_worker`) instead of pydantic.

Whenever anything would differ from a clean mapping (a struct refuses the document, a
value would be noted or be an error, the worker decoder declines the record) the mapper
returns None and the reference reader reads the document again, reporting exactly what it
always reported. So this reader can only change how quickly a file is read, never its
verdict, its records or its messages; ``tests/test_hrjson_typed.py`` holds the two readers
to that on the fixtures and on damaged documents.
"""

from __future__ import annotations

from typing import Any

import msgspec

from matcher.interchange import terms
from matcher.interchange.hrjson_values import GENDERS, MONTHS_PER, certificate_for, partial_date
from models.language_results import LANGUAGE_TESTS
from models.typed_workers import decode_worker
from models.worker import CERTIFICATE_SCHEMES, EDUCATION_LEVELS, Worker

__all__ = ["NOTED_PARTS", "typed_candidate"]

UNSET = msgspec.UNSET
_Unset = msgspec.UnsetType
_Number = int | float


class _Part(msgspec.Struct, rename="camel"):
    """A part whose other keys the reference reader ignores silently (fields are named as
    HR-JSON's camelCase keys, in snake case)."""


class _Closed(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A part whose other keys the reference reader notes, or whose emptiness it tests."""


class _Identifier(_Closed):
    value: str | _Unset | None = UNSET
    scheme_id: str | _Unset | None = UNSET
    scheme_agency_id: str | _Unset | None = UNSET


class _Name(_Part):
    formatted_name: str | _Unset | None = UNSET
    given: str | None = None
    middle: str | None = None
    family: str | None = None


class _SubDivision(_Part):
    type: str | None = None
    value: str | None = None


class _Address(_Part):
    country_sub_divisions: list[_SubDivision] | None = None


class _Communication(_Closed):
    address: list[_Address] | None = None


class _Person(_Closed):
    birth_date: str
    id: _Identifier | None = None
    name: _Name | None = None
    legal_id: _Identifier | None = None
    gender: str | None = None
    religion: list[str] | None = None
    ethnicity: list[str] | None = None
    marital_status: str | None = None
    communication: _Communication | None = None


class _Code(_Part):
    code: str


class _Education(_Part):
    education_level_codes: list[_Code] | None = None


class _CategoryId(_Part):
    scheme_id: str | None = None


class _Category(_Part):
    code: str | None = None
    id: _CategoryId | None = None


class _Location(_Part):
    country_code: str | None = None


class _Position(_Part):
    title: str | None = None
    start: str | _Unset | None = UNSET
    end: str | _Unset | None = UNSET
    current: bool | None = None
    location: _Location | None = None
    job_categories: list[_Category] | None = None


class _Employer(_Part):
    position_histories: list[_Position]
    start: str | None = None
    end: str | None = None
    current: bool | None = None


class _Kind(_Part):
    code: str


class _Validity(_Part):
    valid_to: str | None = None


class _Value(_Part):
    value: str | None = None


class _Certification(_Closed):
    name: str | None = None
    type: _Kind | None = None
    id: _Value | None = None
    issued: str | _Unset | None = UNSET
    first_issued: str | None = None
    effective_time_period: _Validity | None = None


class _Numeric(_Part):
    value: _Number | None = None
    minimum: _Number | _Unset = UNSET
    maximum: _Number | _Unset = UNSET


class _Text(_Part):
    value: str | None = None


class _Score(_Part):
    scores_text: list[_Text] | None = None
    scores_numeric: list[_Numeric] | None = None


class _Period(_Part):
    start: str | None = None


class _Evidence(_Part):
    evidence_type_code: str | None = None
    evidence_name: str | None = None
    ids: list[_Value] | None = None
    scores: list[_Score] | None = None
    effective_period: str | _Period | None = None


class _Measure(_Closed):
    value: _Number
    unit_code: str


class _Level(_Closed):
    scores_numeric: list[_Numeric]


class _Dimension(_Part):
    dimension_type: str
    score: _Score


class _Qualification(_Part):
    competency_name: str | None = None
    competency_evidence: _Evidence | None = None
    experience_measure: _Measure | None = None
    proficiency_level: _Level | None = None
    competency_dimensions: list[_Dimension] | None = None


class _Amount(_Part):
    value: _Number | None = None
    currency: str | None = None


class _Range(_Part):
    type_code: str | None = None
    interval_code: str | None = None
    minimum_amount: _Amount | None = None


class _Package(_Part):
    ranges: list[_Range] | None = None


class _ReferenceLocation(_Part):
    country_code: str | None = None


class _PreferredLocation(_Part):
    reference_location: _ReferenceLocation | None = None


class _Preference(_Closed):
    locations: list[_PreferredLocation] | None = None
    offered_remuneration_package: _Package | None = None


class _Profile(_Closed):
    education: list[_Education] | None = None
    employment: list[_Employer] | None = None
    certifications: list[_Certification] | None = None
    licenses: list[_Certification] | None = None
    qualifications: list[_Qualification] | None = None
    position_preferences: list[_Preference] | None = None
    profile_name: Any = None
    profile_id: Any = None
    language_code: Any = None


class _Document(_Closed):
    person: _Person
    document_id: _Identifier | None = None
    profiles: list[_Profile] | None = None


NOTED_PARTS: dict[str, frozenset[str]] = {
    kind: frozenset(struct.__struct_encode_fields__)
    for kind, struct in (
        ("document", _Document),
        ("person", _Person),
        ("profile", _Profile),
        ("certification", _Certification),
        ("preference", _Preference),
    )
}
"""The keys the typed reader takes in each part whose other keys the reference reader notes
(a test holds them to the reference reader's own lists)."""


class _DeclinedError(Exception):
    """The document is left to the reference reader."""


def typed_candidate(document: object, agency_id: str | None) -> Worker | None:
    """Read one parsed candidate document as a worker, when it maps completely.

    Parameters
    ----------
    document : object
        The document as the strict JSON reader parsed it.
    agency_id : str or None
        The agency given to the import (``--agency``), if any.

    Returns
    -------
    Worker or None
        The record, equal to what the reference reader makes of the document, or None
        when the document is left to the reference reader (it may be valid, or not).
    """
    try:
        parsed = msgspec.convert(document, _Document)
        raw = _worker(parsed, agency_id)
    except (msgspec.ValidationError, _DeclinedError, ValueError):
        return None
    return decode_worker(msgspec.json.encode(raw))


def _worker(document: _Document, agency_id: str | None) -> dict[str, Any]:
    """The worker record's JSON, as the reference reader builds it before validation."""
    person = document.person
    own = person.id
    if own is None or not isinstance(own.value, str) or not own.value:
        raise _DeclinedError  # the id from document_id, or none: the reference reader decides
    carried = own.scheme_agency_id if own.scheme_id == terms.WORKER_SCHEME else None
    if carried is UNSET:
        carried = None
    if agency_id is not None and carried is not None and carried != agency_id:
        raise _DeclinedError
    agency = agency_id if agency_id is not None else carried
    if agency is None:
        raise _DeclinedError
    raw: dict[str, Any] = {"id": own.value, "agency_id": agency, **_person(person)}
    profiles = document.profiles or []
    if len(profiles) > 1:
        raise _DeclinedError  # the later profiles are noted
    if profiles:
        raw |= _profile(profiles[0])
    return {key: value for key, value in raw.items() if value is not None}


def _person(person: _Person) -> dict[str, Any]:
    found: dict[str, Any] = {"birth_date": person.birth_date}
    name = person.name
    if name is not None:
        if name.formatted_name is UNSET:
            parts = (name.given, name.middle, name.family)
            joined = " ".join(p.strip() for p in parts if p is not None and p.strip())
            found["full_name"] = joined or None
        else:
            found["full_name"] = name.formatted_name
    legal = person.legal_id
    if legal is not None and legal != _Identifier():
        if not isinstance(legal.scheme_id, str) or legal.scheme_id.upper() != terms.NIK_SCHEME:
            raise _DeclinedError  # noted: not a NIK
        found["nik"] = None if legal.value is UNSET else legal.value
    if person.gender is not None:
        if person.gender not in GENDERS:
            raise _DeclinedError
        found["gender"] = GENDERS[person.gender]
    for key, values in (("religion", person.religion), ("ethnicity", person.ethnicity)):
        if values:
            if len(values) > 1:
                raise _DeclinedError  # noted: one value is kept
            found[key] = values[0]
    found["marital_status"] = person.marital_status
    found["province"] = _province(person.communication)
    return found


def _province(communication: _Communication | None) -> str | None:
    if communication is None:
        return None
    for address in communication.address or ():
        for part in address.country_sub_divisions or ():
            if part.type is not None and part.type.lower() == "province":
                return part.value
    return None


def _profile(profile: _Profile) -> dict[str, Any]:
    certificates = [
        _certificate(entry)
        for entries in (profile.certifications, profile.licenses)
        for entry in entries or ()
    ]
    skills, languages = _qualifications(profile.qualifications or [], certificates)
    return {
        "education": _education(profile.education or []),
        "experience": [
            _position(position, employer)
            for employer in _employers(profile.employment or [])
            for position in employer.position_histories
        ],
        "certificates": certificates,
        "skills": skills,
        "languages": languages,
        "preferences": _preferences(profile.position_preferences or []),
    }


def _employers(employment: list[_Employer]) -> list[_Employer]:
    if any(not employer.position_histories for employer in employment):
        raise _DeclinedError  # an employment history without a position is an error
    return employment


def _education(entries: list[_Education]) -> str | None:
    levels = {code.code for entry in entries for code in entry.education_level_codes or ()}
    if not levels.issubset(EDUCATION_LEVELS) or len(levels) > 1:
        raise _DeclinedError  # noted (not a Selaras level), or an error (several levels)
    return next(iter(levels), None)


def _date(value: str | None, *, last: bool) -> str | None:
    return None if value is None else partial_date(value, last=last)


def _position(position: _Position, employer: _Employer) -> dict[str, Any]:
    start = employer.start if position.start is UNSET else position.start
    if position.end is not UNSET or position.current is True:
        end = None if position.end is UNSET else position.end
    else:
        end = None if employer.current is True else employer.end
    entry: dict[str, Any] = {
        "title": position.title,
        "start": _date(start, last=False),
        "end": _date(end, last=True),
        "country": None if position.location is None else position.location.country_code,
    }
    for category in position.job_categories or ():
        scheme = None if category.id is None else category.id.scheme_id
        if scheme == terms.ISCO_SCHEME:
            entry["isco"] = category.code
        elif scheme == terms.PROGRAMME_SCHEME:
            entry["programme"] = category.code
        else:
            raise _DeclinedError  # noted: neither ISCO-08 nor a programme
    return {key: value for key, value in entry.items() if value is not None}


def _certificate(entry: _Certification) -> dict[str, Any]:
    scheme = None if entry.type is None else entry.type.code
    if scheme not in CERTIFICATE_SCHEMES:
        raise _DeclinedError  # noted: imported as OTHER
    issued = entry.first_issued if entry.issued is UNSET else entry.issued
    validity = entry.effective_time_period
    certificate = {
        "name": entry.name,
        "scheme": scheme,
        "number": (None if entry.id is None else entry.id.value) or None,
        "issued": _date(issued, last=False),
        "expires": _date(None if validity is None else validity.valid_to, last=True),
    }
    return {key: value for key, value in certificate.items() if value is not None}


def _qualifications(
    entries: list[_Qualification], certificates: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    skills: list[dict[str, Any]] = []
    languages: list[dict[str, Any]] = []
    linked: set[int] = set()
    for entry in entries:
        evidence = entry.competency_evidence
        kind = None if evidence is None else evidence.evidence_type_code
        if (
            evidence is not None
            and kind == "assessment"
            and evidence.evidence_name in LANGUAGE_TESTS
        ):
            languages.append(_language(entry, evidence))
        elif evidence is not None and kind == "certification":
            number = evidence.ids[0].value if evidence.ids else None
            target = certificate_for(evidence.evidence_name, number, certificates, linked)
            if target is None:
                raise _DeclinedError  # an error: the evidence names no certification
            linked.add(target)
            if entry.competency_name is not None:
                certificates[target]["skill"] = entry.competency_name
            scores = _numbers(evidence.scores or [])
            if scores:
                certificates[target]["score"] = scores[0]
        else:
            skills.append(_skill(entry))
    return skills, languages


def _skill(entry: _Qualification) -> dict[str, Any]:
    skill: dict[str, Any] = {"name": entry.competency_name}
    measure = entry.experience_measure
    if measure is not None:
        if measure.unit_code not in MONTHS_PER:
            raise _DeclinedError  # noted: another unit
        months = measure.value * MONTHS_PER[measure.unit_code]
        if not float(months).is_integer():
            raise _DeclinedError  # an error: not a whole number of months
        skill["months"] = int(months)
    level = entry.proficiency_level
    if level is not None:
        scale = level.scores_numeric[0] if level.scores_numeric else None
        if scale is None or scale.minimum not in (1, UNSET) or scale.maximum not in (5, UNSET):
            raise _DeclinedError  # noted: not a 1-5 scale
        skill["level"] = scale.value
    return skill


def _language(entry: _Qualification, evidence: _Evidence) -> dict[str, Any]:
    result: dict[str, Any] = {"test": evidence.evidence_name}
    first = evidence.scores[0] if evidence.scores else _Score()
    numbers = _numbers([first])
    if first.scores_text:
        result["result"] = first.scores_text[0].value
        if numbers:
            result["score"] = numbers[0]
    elif numbers:
        result["result"] = numbers[0]
    else:
        raise _DeclinedError  # an error: a result needs a score
    when = evidence.effective_period
    result["date"] = _date(when.start if isinstance(when, _Period) else when, last=False)
    sections: dict[str, Any] = {}
    for dimension in entry.competency_dimensions or ():
        values = _numbers([dimension.score])
        sections[dimension.dimension_type] = values[0] if values else None
    if sections:
        result["sections"] = sections
    return {key: value for key, value in result.items() if value is not None}


def _numbers(scores: list[_Score]) -> list[Any]:
    """The ``value`` of the first ``scores_numeric`` entry of each score, in order."""
    return [score.scores_numeric[0].value for score in scores if score.scores_numeric]


def _preferences(entries: list[_Preference]) -> dict[str, Any] | None:
    countries: list[str] = []
    wage: dict[str, Any] | None = None
    for entry in entries:
        for location in entry.locations or ():
            reference = location.reference_location
            code = None if reference is None else reference.country_code
            if code is not None and code not in countries:
                countries.append(code)
        package = entry.offered_remuneration_package
        for band in () if package is None else package.ranges or ():
            monthly = band.type_code == "BasePay" and band.interval_code == "Month"
            if not monthly or wage is not None:
                raise _DeclinedError  # noted: one monthly base-pay minimum is read
            amount = band.minimum_amount or _Amount()
            wage = {"amount": amount.value, "currency": amount.currency}
    if not countries and wage is None:
        return None
    return {"countries": countries, "min_monthly_wage": wage}
