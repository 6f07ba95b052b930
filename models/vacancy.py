"""The job order (vacancy) record of the Selaras format."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from models.bounds import (
    MAX_CONTRACT_MONTHS,
    MAX_ITEMS,
    MAX_MONTHS,
    MAX_SLOTS,
    Day,
    check_wage,
)
from models.common import (
    CountryCode,
    CurrencyCode,
    Identifier,
    IscoCode,
    LanguageCode,
    Programme,
    SelarasModel,
    ShortText,
    field_error,
)
from models.language_results import CEFR_LEVELS, LanguageTest, canonical_result

__all__ = [
    "DISCRIMINATORY_REQUIREMENTS",
    "AgeRequirement",
    "Employer",
    "ExperienceRequirement",
    "LanguageRequirement",
    "Requirements",
    "ScoreWeights",
    "SkillRequirement",
    "TestMinimum",
    "Vacancy",
    "Wage",
]

DISCRIMINATORY_REQUIREMENTS = (
    "sex",
    "religion",
    "marital_status",
    "min_height_cm",
    "min_weight_kg",
)
"""Requirement fields accepted so that nothing is lost but never applied or published."""

CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
assert CefrLevel.__args__ == CEFR_LEVELS  # type: ignore[attr-defined]  # one source of truth


class Employer(SelarasModel):
    """Who employs the worker; household employers fall under extra rules."""

    name: ShortText
    type: Literal["company", "household"]


class Wage(SelarasModel):
    """The offered wage in the destination's currency (at most the ceiling of its currency
    and period: ``models.bounds``)."""

    amount: Annotated[float, Field(gt=0)]
    currency: CurrencyCode
    per: Literal["hour", "month", "year"]

    @model_validator(mode="after")
    def _below_ceiling(self) -> Wage:
        try:
            check_wage(self.amount, self.currency, self.per)
        except ValueError as error:
            raise field_error(type(self), "amount", self.amount, str(error)) from None
        return self


class SkillRequirement(SelarasModel):
    """A skill the job order asks for; a hard gate unless ``required`` is false."""

    name: ShortText
    required: bool = True
    certified: bool = False
    min_level: Annotated[int, Field(ge=1, le=5)] | None = None
    min_months: Annotated[int, Field(ge=0, le=MAX_MONTHS)] | None = None
    weight: Annotated[float, Field(gt=0, le=10)] = 1.0


class TestMinimum(SelarasModel):
    """A named test with the minimum result it must reach."""

    test: LanguageTest
    min: str | int | float

    @model_validator(mode="after")
    def _min_fits_test(self) -> TestMinimum:
        self.min = canonical_result(self.test, self.min)
        return self


class LanguageRequirement(SelarasModel):
    """Either ``any_of`` named tests, or a ``language`` with ``min_cefr`` (docs/format.md)."""

    any_of: Annotated[list[TestMinimum], Field(max_length=MAX_ITEMS)] | None = None
    language: LanguageCode | None = None
    min_cefr: CefrLevel | None = None
    required: bool = True

    @model_validator(mode="after")
    def _one_form(self) -> LanguageRequirement:
        named = self.any_of is not None
        by_level = self.language is not None or self.min_cefr is not None
        if named == by_level:
            raise ValueError(
                "a language requirement needs either 'any_of' (named tests) or "
                "'language' with 'min_cefr', not both or neither"
            )
        if named and not self.any_of:
            raise ValueError("'any_of' must name at least one test")
        if by_level and (self.language is None or self.min_cefr is None):
            raise ValueError("'language' and 'min_cefr' go together")
        return self


class ExperienceRequirement(SelarasModel):
    """Minimum months of experience, optionally in given ISCO-08 unit groups."""

    min_months: Annotated[int, Field(ge=0, le=MAX_MONTHS)] = 0
    isco: Annotated[list[IscoCode], Field(max_length=MAX_ITEMS)] = []


class AgeRequirement(SelarasModel):
    """An age window in whole years on the evaluation date."""

    min: Annotated[int, Field(ge=0, le=100)] | None = None
    max: Annotated[int, Field(ge=0, le=100)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AgeRequirement:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"age max ({self.max}) is below age min ({self.min})")
        return self


class ScoreWeights(SelarasModel):
    """Per-job-order weights of the score components (docs/scoring.md); relative, >= 0."""

    skills: Annotated[float, Field(ge=0, le=100)] = 0.4
    certification: Annotated[float, Field(ge=0, le=100)] = 0.2
    language: Annotated[float, Field(ge=0, le=100)] = 0.2
    experience: Annotated[float, Field(ge=0, le=100)] = 0.2

    @model_validator(mode="after")
    def _not_all_zero(self) -> ScoreWeights:
        if not (self.skills or self.certification or self.language or self.experience):
            raise ValueError("at least one weight must be above 0")
        return self


class Requirements(SelarasModel):
    """What the job order asks of a worker.

    ``sex``, ``religion``, ``marital_status``, ``min_height_cm`` and ``min_weight_kg`` are
    accepted so that nothing is lost, but they are never applied: a job order carrying
    them is flagged for review as discriminatory.
    """

    skills: Annotated[list[SkillRequirement], Field(max_length=MAX_ITEMS)] = []
    languages: Annotated[list[LanguageRequirement], Field(max_length=MAX_ITEMS)] = []
    experience: ExperienceRequirement | None = None
    age: AgeRequirement | None = None
    sex: Literal["F", "M"] | None = None
    religion: ShortText | None = None
    marital_status: ShortText | None = None
    min_height_cm: Annotated[float, Field(gt=0, le=250)] | None = None
    min_weight_kg: Annotated[float, Field(gt=0, le=300)] | None = None
    weights: ScoreWeights | None = None


class Vacancy(SelarasModel):
    """An overseas job order (docs/format.md, "Job order")."""

    id: Identifier
    agency_id: Identifier
    employer: Employer
    country: CountryCode
    region: ShortText | None = None
    programme: Programme
    title: ShortText
    isco: IscoCode | None = None
    slots: Annotated[int, Field(ge=1, le=MAX_SLOTS)]
    start_date: Day | None = None
    contract_months: Annotated[int, Field(ge=1, le=MAX_CONTRACT_MONTHS)] | None = None
    wage: Wage
    requirements: Requirements = Requirements()
