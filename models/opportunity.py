"""The domestic opportunity record (FORMAT.md v2, "Domestic opportunity").

A job, a government programme for small industry (IKM), a cooperative or a trainer post
in Indonesia, for returnees. Requirements take the job-order forms
(:class:`models.vacancy.Requirements`, reused, not copied) plus overseas experience and
capital. The minimum-wage gate is the engine's (it needs the wage table and the date).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from models.bounds import MAX_COUNTRIES, Day
from models.common import CountryCode, Identifier, IscoCode, Money, SelarasModel, ShortText
from models.regions import Place
from models.returnee import Interest
from models.vacancy import Requirements, Wage

__all__ = [
    "INTEREST_OF_KIND",
    "OPPORTUNITY_KINDS",
    "ORGANISER_TYPES",
    "WAGED_KINDS",
    "Opportunity",
    "OpportunityKind",
    "OpportunityRequirements",
    "Organiser",
    "OrganiserType",
    "OverseasExperienceRequirement",
]

OpportunityKind = Literal["job", "ikm_programme", "cooperative", "trainer_post"]
OPPORTUNITY_KINDS: tuple[OpportunityKind, ...] = get_args(OpportunityKind)
OrganiserType = Literal["company", "government", "cooperative", "training_centre"]
ORGANISER_TYPES: tuple[OrganiserType, ...] = get_args(OrganiserType)

WAGED_KINDS: frozenset[OpportunityKind] = frozenset({"job", "trainer_post"})
"""Kinds that pay a wage: ``wage`` is required for them and absent for the others."""

INTEREST_OF_KIND: Mapping[OpportunityKind, Interest] = {
    "job": "employment",
    "ikm_programme": "entrepreneurship",
    "cooperative": "cooperative",
    "trainer_post": "trainer",
}
"""The returnee interest (``reintegration.interests``) each opportunity kind serves."""


class Organiser(SelarasModel):
    """Who offers the opportunity."""

    name: ShortText
    type: OrganiserType


class OverseasExperienceRequirement(SelarasModel):
    """Months of work abroad, summed over entries in ``countries`` (any abroad if absent)."""

    min_months: Annotated[int, Field(ge=1, le=1200)]
    countries: (
        Annotated[list[CountryCode], Field(min_length=1, max_length=MAX_COUNTRIES)] | None
    ) = None

    @model_validator(mode="after")
    def _abroad_only(self) -> OverseasExperienceRequirement:
        if self.countries is not None and "ID" in self.countries:
            raise ValueError("overseas experience is work abroad: 'countries' may not list ID")
        return self


class OpportunityRequirements(Requirements):
    """The job-order requirements plus ``overseas_experience`` and ``capital`` (a minimum)."""

    overseas_experience: OverseasExperienceRequirement | None = None
    capital: Money | None = None


class Opportunity(SelarasModel):
    """A domestic opportunity for returnees (FORMAT.md v2, "Domestic opportunity")."""

    id: Identifier
    kind: OpportunityKind
    organiser: Organiser
    title: ShortText
    isco: IscoCode | None = None
    sector: ShortText | None = None
    location: Place
    slots: Annotated[int, Field(ge=1, le=100_000)]
    start_date: Day | None = None
    wage: Annotated[Wage | None, Field(validate_default=True)] = None
    requirements: OpportunityRequirements = OpportunityRequirements()

    @field_validator("wage")
    @classmethod
    def _wage_for_waged_kinds(cls, value: Wage | None, info: ValidationInfo) -> Wage | None:
        kind = info.data.get("kind")  # absent when the kind itself is invalid
        if kind in WAGED_KINDS and value is None:
            raise ValueError(f"kind {kind!r} needs a wage (checked against the minimum wage)")
        if kind is not None and kind not in WAGED_KINDS and value is not None:
            raise ValueError(f"kind {kind!r} pays no wage: remove 'wage'")
        return value
