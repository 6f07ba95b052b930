"""Job orders as schema.org ``JobPosting`` JSON-LD (what job boards and search engines read).

Everything the engine knows that a job order does not say itself (the title of an ISCO-08
unit group, the concept a skill's free text names, whether a job order is open and not
refused) comes in as a callable, so this module depends on ``models`` only. The field by
field mapping, and what is not mapped, is in ``docs/integrations.md``.

A job order carries four things schema.org has no term for: its id, its agency, its
programme and its full requirements (named language tests with minima, age windows, levels,
weights). They travel as ``identifier`` ``PropertyValue`` entries (:mod:`.terms`), so an
exported posting imports back to the same job order. A discriminatory requirement (sex,
religion, marital status, height, weight) is never published: it is left out, with a note.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from matcher.interchange import terms
from matcher.interchange.jsonld import SCHEMA_CONTEXT, validate_node
from matcher.interchange.records import ExportError, RecordNote
from models.vacancy import DISCRIMINATORY_REQUIREMENTS, Requirements, Vacancy

__all__ = [
    "UNIT_TEXT",
    "JobPostingExport",
    "SkillTerm",
    "export_jobpostings",
    "published_requirements",
    "to_jobposting",
]

UNIT_TEXT = {"hour": "HOUR", "month": "MONTH", "year": "YEAR"}
"""``wage.per`` -> ``baseSalary.value.unitText`` (the values job boards read)."""


class SkillTerm(NamedTuple):
    """What the engine recognised in a skill's free text."""

    concept_id: str
    label: str
    """The concept's English label."""


SkillTerms = Callable[[Sequence[str]], Sequence[SkillTerm | None]]
"""Reads many skill names at once; None where the text names no known concept."""


@dataclass
class JobPostingExport:
    """Postings in input order with the notes on what was left out."""

    postings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[RecordNote] = field(default_factory=list)


def export_jobpostings(
    vacancies: Iterable[Vacancy],
    *,
    date_posted: dt.date,
    listed: Callable[[Vacancy], bool] | None = None,
    isco_title: Callable[[str], str | None] | None = None,
    skill_terms: SkillTerms | None = None,
) -> JobPostingExport:
    """Write each listed job order as a validated JobPosting.

    Parameters
    ----------
    vacancies : iterable of Vacancy
        Validated job orders.
    date_posted : datetime.date
        ``datePosted`` of every posting (the run's ``as_of``).
    listed : callable, optional
        Which job orders to write: the engine's "open and not refused" test, plus the
        officer's *promotable* mark for a public feed. Default: all.
    isco_title : callable, optional
        ISCO-08 code -> English title, for ``occupationalCategory.name``.
    skill_terms : callable, optional
        Skill names -> recognised concepts, for ``skills`` (``termCode``, ``alternateName``).

    Returns
    -------
    JobPostingExport
        One posting per listed job order, and the notes.

    Raises
    ------
    ExportError
        If any posting does not validate against the shipped schema.org vocabulary; none
        is returned then.
    """
    chosen = [v for v in vacancies if listed is None or listed(v)]
    names = [s.name for v in chosen for s in v.requirements.skills]
    found = list(skill_terms(names)) if skill_terms is not None and names else [None] * len(names)
    if len(found) != len(names):
        raise ValueError(f"skill_terms returned {len(found)} entries for {len(names)} names")
    read = iter(found)
    result = JobPostingExport()
    problems: list[RecordNote] = []
    for vacancy in chosen:
        recognised = [next(read) for _ in vacancy.requirements.skills]
        posting = to_jobposting(
            vacancy, date_posted=date_posted, isco_title=isco_title, recognised=recognised
        )
        problems += [RecordNote(vacancy.id, i.path, i.message) for i in validate_node(posting)]
        result.postings.append(posting)
        result.notes += [
            RecordNote(
                vacancy.id,
                f"requirements.{name}",
                "not published: a discriminatory requirement is never applied or advertised",
            )
            for name in DISCRIMINATORY_REQUIREMENTS
            if getattr(vacancy.requirements, name) is not None
        ]
    if problems:
        raise ExportError(problems)
    return result


def to_jobposting(
    vacancy: Vacancy,
    *,
    date_posted: dt.date,
    isco_title: Callable[[str], str | None] | None = None,
    recognised: Sequence[SkillTerm | None] | None = None,
) -> dict[str, Any]:
    """Return one job order as a JobPosting JSON-LD object (not validated; see above).

    Parameters
    ----------
    vacancy : Vacancy
        A validated job order.
    date_posted : datetime.date
        ``datePosted``.
    isco_title : callable, optional
        ISCO-08 code -> English title.
    recognised : sequence, optional
        What the engine recognised in each of ``vacancy.requirements.skills``, in order.

    Returns
    -------
    dict
        A compact JSON-LD node with ``@context`` https://schema.org.
    """
    requirements = vacancy.requirements
    terms_read = list(recognised) if recognised is not None else [None] * len(requirements.skills)
    skills = [_skill_term(s.name, t) for s, t in zip(requirements.skills, terms_read, strict=True)]
    location: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": vacancy.country}
    if vacancy.region is not None:
        location["addressRegion"] = vacancy.region
    posting: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": _description(vacancy),
        "identifier": _identifiers(vacancy),
        "datePosted": date_posted.isoformat(),
        "hiringOrganization": {
            "@type": "Organization" if vacancy.employer.type == "company" else "Person",
            "name": vacancy.employer.name,
        },
        "jobLocation": {"@type": "Place", "address": location},
        "applicantLocationRequirements": {"@type": "Country", "name": "Indonesia"},
        "employmentType": "FULL_TIME",
        "directApply": False,
        "totalJobOpenings": vacancy.slots,
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": vacancy.wage.currency,
            "value": {
                "@type": "QuantitativeValue",
                "value": vacancy.wage.amount,
                "unitText": UNIT_TEXT[vacancy.wage.per],
            },
        },
    }
    if vacancy.isco is not None:
        category: dict[str, Any] = {"@type": "CategoryCode", "codeValue": vacancy.isco}
        title = isco_title(vacancy.isco) if isco_title is not None else None
        if title:
            category["name"] = title
        category["inCodeSet"] = terms.ISCO_CODE_SET
        posting["occupationalCategory"] = category
    if vacancy.start_date is not None:
        posting["jobStartDate"] = vacancy.start_date.isoformat()
        posting["validThrough"] = vacancy.start_date.isoformat()
    if vacancy.contract_months is not None:
        posting["jobDuration"] = {
            "@type": "QuantitativeValue",
            "value": vacancy.contract_months,
            "unitCode": "MON",
            "unitText": "MONTH",
        }
    if skills:
        posting["skills"] = skills
    credentials = [
        {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "certificate",
            "competencyRequired": term,
        }
        for need, term in zip(requirements.skills, skills, strict=True)
        if need.certified and need.required
    ]
    if credentials:
        posting["qualifications"] = credentials
    if requirements.experience is not None and requirements.experience.min_months > 0:
        posting["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": requirements.experience.min_months,
        }
    return posting


def published_requirements(requirements: Requirements) -> Requirements:
    """The requirements without the discriminatory fields, which are never published."""
    return requirements.model_copy(update=dict.fromkeys(DISCRIMINATORY_REQUIREMENTS))


def _identifiers(vacancy: Vacancy) -> list[dict[str, Any]]:
    entries = [
        (terms.JOB_ORDER_ID, vacancy.id),
        (terms.AGENCY_ID, vacancy.agency_id),
        (terms.PROGRAMME, vacancy.programme),
    ]
    published = published_requirements(vacancy.requirements).model_dump(
        mode="json", exclude_defaults=True
    )
    if published:
        text = json.dumps(published, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        entries.append((terms.REQUIREMENTS, text))
    return [{"@type": "PropertyValue", "propertyID": k, "value": v} for k, v in entries]


def _skill_term(name: str, recognised: SkillTerm | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"@type": "DefinedTerm", "name": name}
    if recognised is not None:
        if recognised.label != name:
            entry["alternateName"] = recognised.label
        entry["termCode"] = recognised.concept_id
        entry["inDefinedTermSet"] = terms.SKILL_TERM_SET
    return entry


def _amount(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _description(vacancy: Vacancy) -> str:
    """A plain-English summary of the job order (derived text; not read back on import)."""
    place = f"{vacancy.region}, {vacancy.country}" if vacancy.region else vacancy.country
    wage = vacancy.wage
    parts = [
        f"{vacancy.title} with {vacancy.employer.name} in {place}, "
        f"under the {vacancy.programme} programme.",
        f"Openings: {vacancy.slots}.",
        f"Wage: {_amount(wage.amount)} {wage.currency} per {wage.per}.",
    ]
    if vacancy.start_date is not None:
        parts.append(f"Start: {vacancy.start_date.isoformat()}.")
    if vacancy.contract_months is not None:
        parts.append(f"Contract: {vacancy.contract_months} months.")
    needs = [
        s.name + (" (certified)" if s.certified else "") + ("" if s.required else " (preferred)")
        for s in vacancy.requirements.skills
    ]
    if needs:
        parts.append("Skills: " + "; ".join(needs) + ".")
    parts.append(
        f"Candidates apply in Indonesia through the licensed placement agency {vacancy.agency_id}."
    )
    return " ".join(parts)
