"""The training course record (FORMAT.md v2, "Training course").

A course is a catalogue entry of a training centre: what a worker who passes it holds
afterwards (``confers``), who may join (``prerequisites``, in the job-order forms of
:mod:`models.vacancy`), when (``cohorts``), for how long, at what cost and with what pass
rate. Whether a conferred skill is in the taxonomy is the engine's check (the models do not
read the taxonomy).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from models.bounds import MAX_ITEMS, Day
from models.common import Amount, Identifier, SelarasModel, ShortText
from models.language_results import LanguageTest, canonical_result
from models.regions import Province, ProvinceName, find_province
from models.vacancy import AgeRequirement, LanguageRequirement, SkillRequirement
from models.worker import CertificateScheme, Education, SkillClaim

__all__ = [
    "PASS_RATE_DECIMALS",
    "PROVIDER_KINDS",
    "Cohort",
    "ConferredCertificate",
    "ConferredLanguage",
    "Confers",
    "Course",
    "CourseCost",
    "LanguagePrerequisite",
    "Prerequisites",
    "Provider",
    "ProviderKind",
    "SkillPrerequisite",
]

ProviderKind = Literal["BDI", "POLITEKNIK", "BLK", "LPK", "LSP", "OTHER"]
PROVIDER_KINDS: tuple[ProviderKind, ...] = get_args(ProviderKind)
"""Kemenperin training centres (BDI) and polytechnics, public vocational centres (BLK),
licensed private institutes (LPK), certification bodies (LSP, assessment only), other."""

_UNWEIGHTED = SkillRequirement.model_fields["weight"].default
_MAX_WEEKS = 260  # five years: the longest programme a catalogue lists is a D3 diploma.


class Provider(SelarasModel):
    """The training centre that runs the course; ``province`` is kept as written."""

    name: ShortText
    kind: ProviderKind
    province: ProvinceName | None = None

    @property
    def official_province(self) -> Province | None:
        """The province :attr:`province` names (None when not given)."""
        return None if self.province is None else find_province(self.province)


class ConferredCertificate(SelarasModel):
    """A certificate a passing worker is issued on the completion date.

    ``valid_months`` counts from that date; absent or null, it does not expire.
    """

    name: ShortText
    skill: ShortText | None = None
    scheme: CertificateScheme
    valid_months: Annotated[int, Field(ge=1, le=1200)] | None = None


class ConferredLanguage(SelarasModel):
    """A language result a passing worker holds, dated on the completion date."""

    test: LanguageTest
    result: str | int | float

    @model_validator(mode="after")
    def _result_fits_test(self) -> ConferredLanguage:
        self.result = canonical_result(self.test, self.result)
        return self


class Confers(SelarasModel):
    """What a worker who passes holds from the completion date (at least one thing)."""

    skills: Annotated[list[SkillClaim], Field(max_length=MAX_ITEMS)] = []
    certificates: Annotated[list[ConferredCertificate], Field(max_length=MAX_ITEMS)] = []
    languages: Annotated[list[ConferredLanguage], Field(max_length=MAX_ITEMS)] = []

    @model_validator(mode="after")
    def _confers_something(self) -> Confers:
        if not (self.skills or self.certificates or self.languages):
            raise ValueError("a course confers at least one skill, certificate or language result")
        return self


def _refuse_score_only_fields(requirement: SkillRequirement | LanguageRequirement) -> None:
    if not requirement.required:
        raise ValueError("a prerequisite is always a gate: remove '\"required\": false'")
    # Compared with the default, not looked up in the fields set: a stored course is
    # dumped whole, weight 1.0 included, and must read back.
    if isinstance(requirement, SkillRequirement) and requirement.weight != _UNWEIGHTED:
        raise ValueError("a prerequisite has no 'weight': only a job order's score reads one")


class SkillPrerequisite(SkillRequirement):
    """A skill requirement (job-order form) that gates entry to a course."""

    @model_validator(mode="after")
    def _a_gate(self) -> SkillPrerequisite:
        _refuse_score_only_fields(self)
        return self


class LanguagePrerequisite(LanguageRequirement):
    """A language requirement (job-order form) that gates entry to a course."""

    @model_validator(mode="after")
    def _a_gate(self) -> LanguagePrerequisite:
        _refuse_score_only_fields(self)
        return self


class Prerequisites(SelarasModel):
    """Gates on the worker on the cohort's start date, in the job-order forms.

    Every prerequisite is a gate: ``"required": false`` and a ``weight`` other than 1
    (which only a job order's score reads) are refused rather than ignored.
    """

    skills: Annotated[list[SkillPrerequisite], Field(max_length=MAX_ITEMS)] = []
    languages: Annotated[list[LanguagePrerequisite], Field(max_length=MAX_ITEMS)] = []
    age: AgeRequirement | None = None
    education: Annotated[list[Education], Field(max_length=MAX_ITEMS)] = []


class Cohort(SelarasModel):
    """One intake of a course: its start date and the seats it has."""

    start: Day
    seats: Annotated[int, Field(ge=1, le=100_000)]


class CourseCost(Amount):
    """What one enrolment costs (0 for a free course: the amount may not be negative)."""

    amount: Annotated[float, Field(ge=0)]


PASS_RATE_DECIMALS = 4
"""Decimals a course's ``pass_rate`` may have: a training plan holds pass rates exactly, in
units of ``10 ** -PASS_RATE_DECIMALS`` (``matcher.training.instance.PASS_SCALE``)."""


class Course(SelarasModel):
    """A training course in the catalogue (FORMAT.md v2, "Training course")."""

    id: Identifier
    provider: Provider
    title: ShortText
    confers: Confers
    prerequisites: Prerequisites = Prerequisites()
    duration_weeks: Annotated[int, Field(ge=1, le=_MAX_WEEKS)]
    cohorts: Annotated[list[Cohort], Field(min_length=1, max_length=MAX_ITEMS)]
    cost: CourseCost
    pass_rate: Annotated[float, Field(ge=0, le=1)] = 1.0

    @field_validator("pass_rate")
    @classmethod
    def _exact_in_the_plan(cls, value: float) -> float:
        # Refused rather than rounded: a plan compares courses by their pass rates, and
        # 0.33334 read as 0.3333 could lose to a cheaper course it beats.
        scaled = value * 10**PASS_RATE_DECIMALS
        if abs(scaled - round(scaled)) > 1e-6:
            raise ValueError(f"pass_rate has at most {PASS_RATE_DECIMALS} decimals (got {value!r})")
        return value

    @field_validator("cohorts")
    @classmethod
    def _distinct_starts(cls, value: list[Cohort]) -> list[Cohort]:
        first: dict[dt.date, int] = {}
        for index, cohort in enumerate(value):
            if cohort.start in first:
                raise ValueError(
                    f"cohorts[{index}] starts on {cohort.start} as cohorts[{first[cohort.start]}] "
                    "does: each cohort of a course has its own start date"
                )
            first[cohort.start] = index
        return value

    def completes(self, cohort_start: dt.date) -> dt.date:
        """The completion date of the cohort starting on ``cohort_start``.

        Parameters
        ----------
        cohort_start : datetime.date

        Returns
        -------
        datetime.date
            ``cohort_start`` + ``duration_weeks`` weeks: the date conferred results hold from.
        """
        return cohort_start + dt.timedelta(weeks=self.duration_weeks)
