"""The candidate (worker) record of the Selaras format."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Literal, NamedTuple, get_args

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models.bounds import (
    MAX_CERTIFICATE_SCORE,
    MAX_COUNTRIES,
    MAX_ITEMS,
    MAX_MONTHS,
    Day,
    WrittenDay,
)
from models.common import (
    PROGRAMME_COUNTRY,
    CountryCode,
    Identifier,
    IscoCode,
    MonthlyWage,
    Programme,
    SelarasModel,
    ShortText,
    check_order,
)
from models.language_results import LanguageTest, canonical_result, check_score, check_sections
from models.regions import Place
from models.returnee import Reintegration, TradeTestGrade, grade_in_name, read_trade_test_grade

__all__ = [
    "CERTIFICATE_SCHEMES",
    "EDUCATION_LEVELS",
    "PROTECTED_FIELDS",
    "Certificate",
    "CertificateScheme",
    "Documents",
    "Education",
    "Experience",
    "FieldWarning",
    "Health",
    "LanguageResult",
    "Preferences",
    "Returnee",
    "SkillClaim",
    "Worker",
]

PROTECTED_FIELDS = ("gender", "province", "religion", "ethnicity", "marital_status")
"""Stored for fairness audits only; scoring never reads them."""

CertificateScheme = Literal[
    "BNSP",
    "AWS",
    "ASME-IX",
    "ISO-9606",
    "JP-SSW-SKILLS-TEST",
    "JP-SSW2-SKILLS-TEST",
    "JP-TRADE-TEST",
    "KR-EPS-SKILLS-TEST",
    "SIO",
    "OTHER",
]
CERTIFICATE_SCHEMES: tuple[CertificateScheme, ...] = get_args(CertificateScheme)
"""Certificate schemes (docs/format.md ``certificates[].scheme``), in that order."""
Education = Literal[
    "SD", "SMP", "MTs", "SMA", "MA", "SMK", "Paket A", "Paket B", "Paket C",
    "D1", "D2", "D3", "D4", "S1", "S2", "S3",
]  # fmt: skip
EDUCATION_LEVELS: tuple[Education, ...] = get_args(Education)
"""Education levels (docs/format.md ``education``), in that order (the encoded pool's codes)."""

_EARLIEST_BIRTH = dt.date(1920, 1, 1)
Months = Annotated[int, Field(ge=0, le=MAX_MONTHS)]


class FieldWarning(NamedTuple):
    """A problem worth a human look that does not make the record invalid."""

    field: str
    message: str


class SkillClaim(SelarasModel):
    """A skill the worker states, in free text, with optional months and level (1-5)."""

    name: ShortText
    months: Months | None = None
    level: Annotated[int, Field(ge=1, le=5)] | None = None


class Certificate(SelarasModel):
    """A competency certificate, licence or skills-test result."""

    name: ShortText
    skill: ShortText | None = None
    scheme: CertificateScheme
    number: ShortText | None = None
    issued: Day | None = None
    expires: Day | None = None
    score: Annotated[float, Field(ge=0, le=MAX_CERTIFICATE_SCORE)] | None = None
    grade: Annotated[TradeTestGrade | None, BeforeValidator(read_trade_test_grade)] = None

    @model_validator(mode="after")
    def _dates_ordered(self) -> Certificate:
        check_order(self.issued, self.expires, "issued", "expires")
        return self

    @model_validator(mode="after")
    def _grade_only_for_the_trade_test(self) -> Certificate:
        if self.grade is not None and self.scheme != "JP-TRADE-TEST":
            raise ValueError(
                "'grade' is the grade of Japan's trade skills test: only a JP-TRADE-TEST "
                f"certificate has one (this one is {self.scheme})"
            )
        return self

    @property
    def trade_test_grade(self) -> TradeTestGrade | None:
        """The JP-TRADE-TEST grade: ``grade``, else one written in the name ("2級")."""
        if self.scheme != "JP-TRADE-TEST":
            return None
        return self.grade if self.grade is not None else grade_in_name(self.name)


class LanguageResult(SelarasModel):
    """One language test result in the test's own scale (see docs/languages.md)."""

    test: LanguageTest
    result: str | int | float
    sections: dict[str, int] | None = None
    score: int | None = None
    date: Day | None = None

    @model_validator(mode="after")
    def _result_fits_test(self) -> LanguageResult:
        self.result = canonical_result(self.test, self.result)
        self.sections = check_sections(self.test, self.result, self.sections)
        self.score = check_score(self.test, self.score)
        return self


class Experience(SelarasModel):
    """A period of work, at home or abroad, with an optional ISCO-08 code and programme."""

    title: ShortText
    isco: IscoCode | None = None
    country: CountryCode | None = None
    programme: Programme | None = None
    months: Months | None = None
    start: Day | None = None
    end: Day | None = None
    completed_contract: bool | None = None
    skills_used: Annotated[list[ShortText], Field(max_length=MAX_ITEMS)] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _dates_ordered(self) -> Experience:
        check_order(self.start, self.end, "start", "end")
        return self

    @property
    def abroad(self) -> bool:
        """Whether this is work abroad: a ``country`` other than ID, or (no country) a
        ``programme``, every programme being a scheme for work abroad."""
        if self.country is not None:
            return self.country != "ID"
        return self.programme is not None

    @property
    def country_worked(self) -> str | None:
        """The country of this work: ``country``, else the ``programme``'s destination
        (None when neither says, e.g. programme ``OTHER`` without a country)."""
        if self.country is not None:
            return self.country
        return None if self.programme is None else PROGRAMME_COUNTRY[self.programme]


class Health(SelarasModel):
    """Medical check results (personal data)."""

    fit_to_work: bool | None = None
    colour_vision_normal: bool | None = None
    checked: Day | None = None


class Documents(SelarasModel):
    """Travel documents (personal data)."""

    passport_expires: Day | None = None


class Preferences(SelarasModel):
    """What the worker asks for: destination countries and a minimum monthly wage."""

    countries: Annotated[list[CountryCode], Field(max_length=MAX_COUNTRIES)] = Field(
        default_factory=list
    )
    min_monthly_wage: MonthlyWage | None = None


class Worker(SelarasModel):
    """A candidate migrant worker (docs/format.md, "Worker")."""

    id: Identifier
    agency_id: Identifier
    full_name: ShortText | None = None
    nik: Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")] | None = None
    birth_date: WrittenDay
    gender: Literal["F", "M", "X"] | None = None
    province: ShortText | None = None
    religion: ShortText | None = None
    ethnicity: ShortText | None = None
    marital_status: ShortText | None = None
    education: Education | None = None
    # Lists default by factory, not `= []`: pydantic deep-copies a mutable default for every
    # record read (a tenth of validating a worker).
    skills: Annotated[list[SkillClaim], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)
    certificates: Annotated[list[Certificate], Field(max_length=MAX_ITEMS)] = Field(
        default_factory=list
    )
    languages: Annotated[list[LanguageResult], Field(max_length=MAX_ITEMS)] = Field(
        default_factory=list
    )
    experience: Annotated[list[Experience], Field(max_length=MAX_ITEMS)] = Field(
        default_factory=list
    )
    health: Health | None = None
    documents: Documents | None = None
    preferences: Preferences | None = None
    returned: Day | None = None
    home: Place | None = None
    reintegration: Reintegration | None = None

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: dt.date) -> dt.date:
        if value < _EARLIEST_BIRTH or value > dt.date.today():
            raise ValueError(
                f"birth date {value} is not plausible (expected {_EARLIEST_BIRTH} to today)"
            )
        return value

    @field_validator("nik")
    @classmethod
    def _nik_has_a_date(cls, value: str | None) -> str | None:
        if value is not None and _nik_birth(value) is None:
            raise ValueError(
                f"NIK {value[:6]}...: digits 7-12 must be a birth date DDMMYY (day + 40 for women)"
            )
        return value

    @field_validator("returned")
    @classmethod
    def _returned_after_birth(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        check_order(info.data.get("birth_date"), value, "birth_date", "returned")
        return value

    def warnings(self) -> list[FieldWarning]:
        """Return the slips worth reporting that do not invalidate the record.

        A NIK whose embedded birth date or sex disagrees with ``birth_date`` or
        ``gender`` is a warning: real records carry such slips (docs/format.md). So is a
        ``returned`` date before the end of the last work abroad: the end recorded is often
        the contract's planned end, and a worker who came home early has an earlier return.
        """
        return self._nik_warnings() + self._return_warnings()

    def _return_warnings(self) -> list[FieldWarning]:
        ends = [(e.end, i) for i, e in enumerate(self.experience) if e.abroad and e.end]
        if self.returned is None or not ends:
            return []
        end, index = max(ends)
        if self.returned >= end:
            return []
        return [
            FieldWarning(
                "returned",
                f"returned ({self.returned}) is before the end of the last work abroad "
                f"(experience[{index}].end {end})",
            )
        ]

    def _nik_warnings(self) -> list[FieldWarning]:
        found: list[FieldWarning] = []
        embedded = _nik_birth(self.nik) if self.nik else None
        if embedded is None:
            return found
        day, month, year2, female = embedded
        birth = self.birth_date
        if (day, month, year2) != (birth.day, birth.month, birth.year % 100):
            found.append(
                FieldWarning(
                    "nik",
                    f"NIK birth date {day:02d}-{month:02d}-{year2:02d} disagrees with "
                    f"birth_date {birth}",
                )
            )
        if self.gender in ("F", "M") and female != (self.gender == "F"):
            found.append(
                FieldWarning(
                    "nik",
                    f"NIK encodes {'female' if female else 'male'} but gender is {self.gender}",
                )
            )
        return found


class Returnee(Worker):
    """A worker who has come home (FORMAT.md v2, "Returnee"): a returnees file requires
    ``returned``; the other returnee fields stay optional as on any worker record."""

    returned: Day


# Reading a worker checks its NIK, then lists its warnings: the second reads it again.
@lru_cache(maxsize=1)
def _nik_birth(nik: str) -> tuple[int, int, int, bool] | None:
    """Return (day, month, two-digit year, female) embedded in a NIK, or None if not a date."""
    if len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    # 2000 is a leap year, so 29 February is accepted for any two-digit year.
    try:
        dt.date(2000, month, day)
    except ValueError:
        return None
    return day, month, year2, female
