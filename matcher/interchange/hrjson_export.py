"""A worker record as an HR Open Standards HR-JSON candidate document (CandidateType 4.2).

The mapping, field by field, and what HR-JSON has no place for are in
``docs/integrations.md``. In short: the person (name, national id, birth date, gender,
protected attributes for audits, province), the profile's education level, employment
histories, certifications, competencies (skills, language test results, the skill each
certificate attests) and position preferences. Whatever a worker record holds that the
document cannot carry is reported as a note, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from matcher.interchange import terms
from matcher.interchange.records import RecordNote
from models.worker import Certificate, Experience, LanguageResult, Worker

__all__ = [
    "GENDER_CODES",
    "HrJsonExport",
    "export_candidates",
    "to_candidate",
]

GENDER_CODES = {"F": "Female", "M": "Male"}
"""Selaras ``gender`` -> HR Open GenderCodeList (which has no third value)."""


@dataclass
class HrJsonExport:
    """Candidate documents in input order with the notes on what could not be carried."""

    candidates: list[dict[str, Any]] = field(default_factory=list)
    notes: list[RecordNote] = field(default_factory=list)


def export_candidates(workers: Iterable[Worker]) -> HrJsonExport:
    """Write each worker as an HR-JSON candidate document.

    Parameters
    ----------
    workers : iterable of Worker
        Validated worker records.

    Returns
    -------
    HrJsonExport
        One document per worker, and a note per field HR-JSON cannot carry.
    """
    result = HrJsonExport()
    for worker in workers:
        result.candidates.append(to_candidate(worker))
        result.notes += [RecordNote(worker.id, f, m) for f, m in _uncarried(worker)]
    return result


def to_candidate(worker: Worker) -> dict[str, Any]:
    """Return one worker as an HR-JSON CandidateType document.

    Parameters
    ----------
    worker : Worker
        A validated worker record.

    Returns
    -------
    dict
        The document (``documentId``, ``person``, one profile).
    """
    own_id = {
        "value": worker.id,
        "schemeId": terms.WORKER_SCHEME,
        "schemeAgencyId": worker.agency_id,
    }
    person: dict[str, Any] = {"id": own_id}
    if worker.full_name is not None:
        person["name"] = {"formattedName": worker.full_name}
    if worker.nik is not None:
        person["legalId"] = {
            "value": worker.nik,
            "schemeId": terms.NIK_SCHEME,
            "schemeAgencyId": "ID",
        }
    person["birthDate"] = worker.birth_date.isoformat()
    if worker.gender in GENDER_CODES:
        person["gender"] = GENDER_CODES[worker.gender]
    if worker.religion is not None:
        person["religion"] = [worker.religion]
    if worker.ethnicity is not None:
        person["ethnicity"] = [worker.ethnicity]
    if worker.marital_status is not None:
        person["maritalStatus"] = worker.marital_status
    if worker.province is not None:
        province = {"type": "province", "value": worker.province}
        person["communication"] = {
            "address": [{"countryCode": "ID", "countrySubDivisions": [province]}]
        }
    profile: dict[str, Any] = {}
    if worker.education is not None:
        level = {
            "code": worker.education,
            "id": {"value": worker.education, "schemeId": terms.EDUCATION_SCHEME},
        }
        profile["education"] = [{"educationLevelCodes": [level]}]
    if worker.experience:
        profile["employment"] = [_employment(e) for e in worker.experience]
    if worker.certificates:
        profile["certifications"] = [_certification(c) for c in worker.certificates]
    qualifications = [
        *(_skill(s.name, s.months, s.level) for s in worker.skills),
        *(_language(r) for r in worker.languages),
        *(_certified_skill(c) for c in _evidenced(worker.certificates)),
    ]
    if qualifications:
        profile["qualifications"] = qualifications
    preference = _preference(worker)
    if preference:
        profile["positionPreferences"] = [preference]
    document: dict[str, Any] = {"documentId": dict(own_id), "person": person}
    if profile:
        document["profiles"] = [profile]
    return document


def _employment(entry: Experience) -> dict[str, Any]:
    position: dict[str, Any] = {"title": entry.title}
    if entry.start is not None:
        position["start"] = entry.start.isoformat()
    if entry.end is not None:
        position["end"] = entry.end.isoformat()
    if entry.country is not None:
        position["location"] = {"countryCode": entry.country}
    categories = [
        {"code": code, "id": {"value": code, "schemeId": scheme}}
        for code, scheme in (
            (entry.isco, terms.ISCO_SCHEME),
            (entry.programme, terms.PROGRAMME_SCHEME),
        )
        if code is not None
    ]
    if categories:
        position["jobCategories"] = categories
    return {"positionHistories": [position]}


def _certification(certificate: Certificate) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": certificate.name, "type": {"code": certificate.scheme}}
    if certificate.number is not None:
        entry["id"] = {"value": certificate.number}
    if certificate.issued is not None:
        entry["issued"] = certificate.issued.isoformat()
    if certificate.expires is not None:
        # HR Open's validTo is a date-time; the certificate is valid through that whole day.
        entry["effectiveTimePeriod"] = {"validTo": f"{certificate.expires.isoformat()}T23:59:59Z"}
    return entry


def _evidenced(certificates: list[Certificate]) -> list[Certificate]:
    """The certificates that need a competency entry (a skill or a score to carry).

    An entry names its certificate by name and number, and an importer links entries to
    certificates in order; so when certificates share a name and number, all of them get
    an entry once one of them needs it, or a later one's skill would land on an earlier one.
    """
    needs: dict[tuple[str, str | None], bool] = {}
    for c in certificates:
        key = (c.name, c.number)
        needs[key] = needs.get(key, False) or c.skill is not None or c.score is not None
    return [c for c in certificates if needs[(c.name, c.number)]]


def _certified_skill(certificate: Certificate) -> dict[str, Any]:
    """The competency a certificate is evidence of (HR Open links them this way)."""
    evidence: dict[str, Any] = {
        "evidenceTypeCode": "certification",
        "evidenceName": certificate.name,
    }
    if certificate.number is not None:
        evidence["ids"] = [{"value": certificate.number}]
    if certificate.score is not None:
        evidence["scores"] = [{"scoresNumeric": [{"value": certificate.score}]}]
    entry: dict[str, Any] = {"competencyEvidence": evidence}
    if certificate.skill is not None:
        entry = {"competencyName": certificate.skill, **entry}
    return entry


def _skill(name: str, months: int | None, level: int | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"competencyName": name}
    if level is not None:
        entry["proficiencyLevel"] = {
            "scoresNumeric": [{"value": level, "minimum": 1, "maximum": 5}]
        }
    if months is not None:
        entry["experienceMeasure"] = {"value": months, "unitCode": "MON"}
    return entry


def _language(result: LanguageResult) -> dict[str, Any]:
    score: dict[str, Any]
    if isinstance(result.result, str):
        score = {"scoresText": [{"value": result.result}]}
        if result.score is not None:
            score["scoresNumeric"] = [{"value": result.score, "scoreCode": "Scaled"}]
    else:
        score = {"scoresNumeric": [{"value": result.result}]}
    evidence: dict[str, Any] = {
        "evidenceTypeCode": "assessment",
        "evidenceName": result.test,
        "scores": [score],
    }
    if result.date is not None:
        evidence["effectivePeriod"] = result.date.isoformat()
    entry: dict[str, Any] = {
        "competencyName": f"{result.test} {result.result}",
        "competencyEvidence": evidence,
    }
    if result.sections:
        entry["competencyDimensions"] = [
            {"dimensionType": name, "score": {"scoresNumeric": [{"value": value}]}}
            for name, value in result.sections.items()
        ]
    return entry


def _preference(worker: Worker) -> dict[str, Any]:
    wanted = worker.preferences
    if wanted is None:
        return {}
    preference: dict[str, Any] = {}
    if wanted.countries:
        preference["locations"] = [
            {"referenceLocation": {"countryCode": c}} for c in wanted.countries
        ]
    if wanted.min_monthly_wage is not None:
        money = wanted.min_monthly_wage
        preference["offeredRemunerationPackage"] = {
            "ranges": [
                {
                    "typeCode": "BasePay",
                    "minimumAmount": {"value": money.amount, "currency": money.currency},
                    "intervalCode": "Month",
                }
            ]
        }
    return preference


def _uncarried(worker: Worker) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if worker.gender is not None and worker.gender not in GENDER_CODES:
        found.append(
            ("gender", f"{worker.gender!r} is not in HR Open's GenderCodeList (Male, Female)")
        )
    found += [
        (f"experience[{i}].months", "HR-JSON histories carry start and end dates, not months")
        for i, e in enumerate(worker.experience)
        if e.months is not None
    ]
    # A returnee's fields (FORMAT.md v2) have no place in an HR-JSON candidate.
    found += [
        (f"experience[{i}].{name}", f"HR-JSON position histories carry no {what}")
        for i, e in enumerate(worker.experience)
        for name, what, held in (
            ("completed_contract", "contract completion", e.completed_contract is not None),
            ("skills_used", "skills used abroad", bool(e.skills_used)),
        )
        if held
    ]
    found += [
        (f"certificates[{i}].grade", "HR-JSON certifications carry no grade")
        for i, c in enumerate(worker.certificates)
        if c.grade is not None
    ]
    found += [
        (name, f"HR-JSON candidates have no place for a returnee's {what}")
        for name, what, held in (
            ("returned", "date of return", worker.returned is not None),
            ("home", "home regency", worker.home is not None),
            ("reintegration", "reintegration plans", worker.reintegration is not None),
        )
        if held
    ]
    if worker.health is not None:
        found.append(("health", "medical results stay in Selaras (HR-JSON candidates carry none)"))
    if worker.documents is not None:
        found.append(
            (
                "documents",
                "HR-JSON legal documents need the document number, which Selaras does not hold",
            )
        )
    return found
