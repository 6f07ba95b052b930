"""Which job orders are advertised, and their schema.org JobPosting export.

A job order is advertised (``selaras export jobposting``, ``GET /feeds/jobpostings``) when
screening does not refuse it and its work has not started: a posting is valid until the
start date (``validThrough``), so one whose start has passed is not open any more. The
screening is :func:`matcher.rules.screening.screen_vacancies`, the same one ``match`` and
``allocate`` run; the engine's readings the mapping needs (ISCO-08 titles, the skill
concept a name denotes) are passed to :mod:`matcher.interchange.jobposting_export` here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from matcher.interchange.jobposting_export import JobPostingExport, SkillTerm, export_jobpostings
from matcher.rules.packs import load_rule_packs
from matcher.rules.screening import ScreenedVacancy, screen_vacancies
from matcher.rules.types import RulePack
from matcher.taxonomy.isco import isco_groups
from matcher.taxonomy.skills import SkillNormalizer, default_skill_normalizer
from models.agency import Agency
from models.vacancy import Vacancy

__all__ = ["advertised", "export_postings", "is_open"]


def is_open(screened: ScreenedVacancy, as_of: dt.date) -> bool:
    """Whether a screened job order may be advertised on ``as_of``.

    Parameters
    ----------
    screened : ScreenedVacancy
        The job order as screening left it.
    as_of : datetime.date
        The day of the export.

    Returns
    -------
    bool
        Not refused, and its start date (if any) not before ``as_of``.
    """
    start = screened.vacancy.start_date
    return not screened.refused and (start is None or start >= as_of)


def advertised(
    vacancies: Sequence[Vacancy],
    agencies: Sequence[Agency] | None,
    as_of: dt.date,
    *,
    packs: Mapping[str, RulePack] | None = None,
    skills: SkillNormalizer | None = None,
) -> list[Vacancy]:
    """The open, non-refused job orders, in input order.

    Parameters
    ----------
    vacancies : sequence of Vacancy
        Validated job orders.
    agencies : sequence of Agency or None
        The register; None leaves licences unchecked (as ``selaras match`` does).
    as_of : datetime.date
        The day of the export.
    packs : mapping, optional
        Rule packs by programme; the shipped ones by default.
    skills : SkillNormalizer, optional
        Reads requirement skill names; the shipped taxonomy by default.

    Returns
    -------
    list[Vacancy]
    """
    register = None if agencies is None else {a.id: a for a in agencies}
    screened = screen_vacancies(
        vacancies,
        load_rule_packs() if packs is None else packs,
        register,
        as_of,
        default_skill_normalizer() if skills is None else skills,
    )
    return [s.vacancy for s in screened if is_open(s, as_of)]


def export_postings(
    vacancies: Sequence[Vacancy], as_of: dt.date, *, skills: SkillNormalizer | None = None
) -> JobPostingExport:
    """JobPosting JSON-LD of job orders already chosen (see :func:`advertised`).

    Parameters
    ----------
    vacancies : sequence of Vacancy
        The job orders to write, in order.
    as_of : datetime.date
        ``datePosted`` of every posting.
    skills : SkillNormalizer, optional
        Names the skill concepts (``termCode``); the shipped taxonomy by default.

    Returns
    -------
    JobPostingExport

    Raises
    ------
    matcher.interchange.records.ExportError
        If a posting does not validate against schema.org (nothing is returned).
    """
    normalizer = default_skill_normalizer() if skills is None else skills

    def terms(names: Sequence[str]) -> list[SkillTerm | None]:
        return [
            None if m.concept is None else SkillTerm(m.concept.id, m.concept.label_en)
            for m in normalizer.normalize_many(names)
        ]

    return export_jobpostings(
        vacancies, date_posted=as_of, isco_title=isco_groups().get, skill_terms=terms
    )
