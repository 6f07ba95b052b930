"""Domestic opportunities screened for matching: the minimum-wage refusal, and the
requirements read into the engine's form.

An opportunity's requirements take the job-order forms (FORMAT.md v2), so the engine's
gates and components apply to them unchanged: the skills are read with
:func:`matcher.rules.screening.read_skill_needs`, the languages with
:func:`~matcher.rules.screening.language_gates`, a sex, religion, marital-status, height
or weight requirement is flagged by :func:`~matcher.rules.screening.discrimination_flags`
and never applied. What the engine reads is a :class:`ScreenedVacancy` under
:data:`DOMESTIC_PACK`, a rule pack with no gate: an opportunity at home is under
Indonesian labour law, not a placement programme, so none of the destination rules
(age windows, accepted tests, stay caps, health checks, skills tests) apply, and neither
does the licence of a placement agency (P3MI). The wage gate is the minimum wage in force
at the opportunity's location (:func:`~matcher.reintegration.wage_gate.check_opportunity_wage`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.reintegration.wage_floors import MinimumWageTable
from matcher.reintegration.wage_gate import check_opportunity_wage
from matcher.rules.exchange_rates import ExchangeRateTable
from matcher.rules.packs import legal_pack
from matcher.rules.screening import (
    AgeGate,
    Note,
    ScreenedVacancy,
    discrimination_flags,
    read_skill_needs,
    screened_vacancy,
)
from matcher.rules.types import RulePack
from matcher.taxonomy.skills import SkillNormalizer
from models.opportunity import Opportunity, OpportunityKind
from models.vacancy import Employer, Vacancy

__all__ = ["DOMESTIC_PACK", "ScreenedOpportunity", "screen_opportunities"]

DOMESTIC_PACK = RulePack(
    programme="ID-DOMESTIC",
    version="none",
    country="ID",
    updated=dt.date(2026, 12, 4),
    title="Domestic opportunities: no placement-programme rules",
    sources={},
    language=None,
    language_validity={},
    age=None,
    stay_cap_months=None,
    contract=None,
    availability=None,
    health=(),
    skill_gates=(),
    exemptions=(),
    flags=(),
    job_order_flags=(),
    rules=(),
    moratoria=(),
    wage_floors=(),
    wage_floor_fallback=None,
    no_statutory_floor=(),
    wage_floor_coverage=(),
    salary_thresholds=(),
    hours_per_month={},
    not_encoded=(),
    file="",
)
"""The engine's rule pack for an opportunity at home: no gate of its own."""


@dataclass(frozen=True)
class ScreenedOpportunity:
    """An opportunity ready for matching, or refused with its reasons.

    Attributes
    ----------
    opportunity : Opportunity
    screened : ScreenedVacancy
        The requirements as the engine reads them (:data:`DOMESTIC_PACK`, no wage
        preference: a returnee's wage wish was stated for work abroad).
    refusals, flags : tuple of Note
        The wage gate's, and the requirements' (a skill outside the taxonomy, a
        discriminatory requirement).
    """

    opportunity: Opportunity
    screened: ScreenedVacancy
    refusals: tuple[Note, ...]
    flags: tuple[Note, ...]

    @property
    def id(self) -> str:
        """The opportunity's id."""
        return self.opportunity.id

    @property
    def kind(self) -> OpportunityKind:
        """The opportunity's kind."""
        return self.opportunity.kind

    @property
    def refused(self) -> bool:
        """Whether the opportunity is refused (it gets no candidates)."""
        return bool(self.refusals)


def screen_opportunities(
    opportunities: Sequence[Opportunity],
    as_of: dt.date,
    skills: SkillNormalizer,
    *,
    wages: MinimumWageTable | None = None,
    rates: ExchangeRateTable | None = None,
    packs: dict[str, RulePack] | None = None,
) -> list[ScreenedOpportunity]:
    """Screen opportunities and read their requirements.

    Parameters
    ----------
    opportunities : Sequence[Opportunity]
        Validated opportunities.
    as_of : datetime.date
        The run's evaluation date (the wage floor's date when there is no ``start_date``).
    skills : SkillNormalizer
        Reads requirement skill names (all of them in one batch).
    wages, rates : optional
        The minimum-wage and exchange-rate tables; the shipped ones by default.
    packs : dict, optional
        Rule packs holding ``ID-LAW`` (the legal basis of the discrimination flag); the
        shipped packs by default.

    Returns
    -------
    list of ScreenedOpportunity
        One per opportunity, in order.
    """
    legal = legal_pack(packs=packs)
    names = [s.name for o in opportunities for s in o.requirements.skills]
    read = iter(skills.normalize_many(names))
    out = []
    for opportunity in opportunities:
        requirements = opportunity.requirements
        needs, refusals, flags = read_skill_needs(requirements, read)
        wage = check_opportunity_wage(opportunity, as_of, table=wages, rates=rates)
        refusals = [*wage.refusals, *refusals]
        flags = [*wage.flags, *flags]
        flags.extend(discrimination_flags(requirements, legal))
        day = opportunity.start_date or as_of
        age = requirements.age
        ages = (
            (AgeGate(age.min, age.max, as_of, "opportunity", None, False),)
            if age is not None and (age.min is not None or age.max is not None)
            else ()
        )
        # The engine's view of the opportunity: what its gates read of a job order (id,
        # ISCO, country ID, requirements); no contract, and no wage preference to meet.
        stand_in = Vacancy.model_construct(
            id=opportunity.id,
            agency_id=opportunity.id,
            employer=Employer(name=opportunity.organiser.name, type="company"),
            country="ID",
            region=None,
            programme="OTHER",
            title=opportunity.title,
            isco=opportunity.isco,
            slots=opportunity.slots,
            start_date=opportunity.start_date,
            contract_months=None,
            # Never read: the engine reads a job order's wage only for a wage preference,
            # and monthly_wage is None below (kinds other than jobs pay none at all).
            wage=opportunity.wage,  # type: ignore[arg-type]
            requirements=requirements,
        )
        screened = screened_vacancy(
            stand_in,
            DOMESTIC_PACK,
            day,
            refusals=refusals,
            flags=flags,
            skills=needs,
            ages=ages,
            monthly_wage=None,
        )
        out.append(ScreenedOpportunity(opportunity, screened, tuple(refusals), tuple(flags)))
    return out
