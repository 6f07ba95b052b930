"""Frozen records of a destination rule pack (``matcher/data/rulepacks/*.json``).

Every rule carries the key of its source (``source``, looked up in ``RulePack.sources``),
optional corroborating keys (``also``) and a ``status`` of ``verified`` or ``unverified``.
Field names follow the JSON keys, except ``min``/``max`` (``minimum``/``maximum``).
The file format is described in docs/rulepacks.md; parsing lives in ``matcher.rules.parse``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "STATUSES",
    "AgeWindow",
    "Allowance",
    "Availability",
    "CertificateRequirement",
    "ContractRule",
    "Coverage",
    "Exemption",
    "ExemptionEffect",
    "ExperienceRequirement",
    "HealthGate",
    "HoursConvention",
    "JobOrderFlag",
    "LanguageOption",
    "LanguageRule",
    "LanguageValidity",
    "LegalRule",
    "Money",
    "Moratorium",
    "MoratoriumCountry",
    "MoratoriumException",
    "NoStatutoryFloor",
    "NotAccepted",
    "NotEncoded",
    "PackFlag",
    "RulePack",
    "SalaryThreshold",
    "SkillCategory",
    "SkillGate",
    "SkillRoute",
    "Sourced",
    "StayCap",
    "WageFloor",
    "WageFloorFallback",
]

STATUSES = ("verified", "unverified")
"""``verified``: sourced and not marked unverified in the research notes; ``unverified``: marked
unverified, conflicting, derived without a stated source, or assumed beyond its sources."""


@dataclass(frozen=True, kw_only=True)
class Sourced:
    """Where a rule comes from; every sourced record of a pack ends with these fields.

    ``source`` is the key of its source in ``RulePack.sources``, ``also`` corroborating keys and
    ``status`` one of STATUSES. Keyword-only, so each record's own fields keep their positions.
    """

    source: str
    also: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class LanguageOption:
    """One accepted test and its minimum result on that test's own scale."""

    test: str
    minimum: str | int | float
    status: str
    detail: str | None


@dataclass(frozen=True)
class NotAccepted:
    """A test that explicitly does not satisfy the programme's language gate."""

    test: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it
    source: str
    status: str


@dataclass(frozen=True)
class LanguageRule(Sourced):
    """The programme's language gate: any one of ``any_of`` met on the named test itself."""

    any_of: tuple[LanguageOption, ...]
    not_accepted: tuple[NotAccepted, ...]
    exemptions: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class LanguageValidity(Sourced):
    """How long a test result counts for this programme, from the result's date."""

    test: str
    months: int
    counts_from: str
    detail: str


@dataclass(frozen=True)
class AgeWindow(Sourced):
    """An inclusive age window in whole years; ``None`` bounds are open.

    ``min_by_education`` raises the minimum for an education level to (years, months).
    """

    minimum: int | None
    maximum: int | None
    at: str
    min_by_education: Mapping[str, tuple[int, int]]
    detail: str

    def admits(self, age_years: int) -> bool:
        """Return whether a worker of ``age_years`` completed years is inside the window.

        Parameters
        ----------
        age_years : int
            Completed years on the evaluation date.

        Returns
        -------
        bool
            ``True`` when ``minimum <= age_years <= maximum`` (open bounds always pass).
        """
        if self.minimum is not None and age_years < self.minimum:
            return False
        return self.maximum is None or age_years <= self.maximum


@dataclass(frozen=True)
class StayCap(Sourced):
    """A cap on months spent abroad under ``programmes`` (in ``countries`` when given).

    With ``includes_contract`` the prior months plus the new contract must fit the cap;
    without it only the prior months are capped.
    """

    programmes: tuple[str, ...]
    countries: tuple[str, ...]
    months: int
    includes_contract: bool
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class ContractRule(Sourced):
    """The programme's contract length (initial maximum and extension limit)."""

    max_months: int
    extendable_to_months: int | None
    detail: str


@dataclass(frozen=True)
class Availability(Sourced):
    """The last start date a job order under this programme can have."""

    last_start_date: dt.date
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class HealthGate(Sourced):
    """A worker ``health`` field (docs/format.md) that must be ``true``."""

    gate: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class CertificateRequirement:
    """A certificate of ``scheme`` (any scheme when ``None``).

    ``skill_matches_job``: its skill must match the job's; ``name_contains_any``: its name
    must contain one of these strings (case-insensitive), when given.
    """

    scheme: str | None
    skill_matches_job: bool
    name_contains_any: tuple[str, ...]


@dataclass(frozen=True)
class ExperienceRequirement:
    """Months of experience, in ``country`` and under ``programme`` when given."""

    country: str | None
    programme: str | None
    min_months: int


@dataclass(frozen=True)
class SkillRoute:
    """One way to meet a skill gate: every certificate and the experience, if any."""

    id: str
    certificates: tuple[CertificateRequirement, ...]
    experience: ExperienceRequirement | None


@dataclass(frozen=True)
class SkillCategory:
    """A test category of a skill gate, in Japanese (or the local language) and English."""

    ja: str
    en: str


@dataclass(frozen=True)
class SkillGate(Sourced):
    """A programme skill or certificate gate met by any one of ``routes``.

    ``mode`` is ``gate`` (unmet -> a gap of ``gap_kind``) or ``review`` (cannot be checked
    from the Selaras format: shown to the officer as a flag, never a gap).
    """

    id: str
    mode: str
    gap_kind: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it
    routes: tuple[SkillRoute, ...]
    categories: tuple[SkillCategory, ...]
    exemptions: tuple[str, ...]


@dataclass(frozen=True)
class ExemptionEffect:
    """What an exemption waives: ``gate`` is a skill gate id or ``language``."""

    gate: str
    condition: str
    status: str


@dataclass(frozen=True)
class Exemption(Sourced):
    """Evidence that waives gates (e.g. TITP (ii) completion for SSW (i))."""

    id: str
    detail: str
    experience: ExperienceRequirement | None
    certificates_any: tuple[CertificateRequirement, ...]
    other: str | None
    exempts: tuple[ExemptionEffect, ...]


@dataclass(frozen=True)
class PackFlag(Sourced):
    """A destination rule shown to the officer and never applied (e.g. one naming a sex)."""

    id: str
    kind: str
    sex_related: bool
    scope: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class JobOrderFlag(Sourced):
    """A job-order field that, when set, is flagged with ``kind`` and this legal basis."""

    id: str
    field: str
    kind: str
    detail: str


@dataclass(frozen=True)
class LegalRule(Sourced):
    """A legal rule on a job order or worker: ``outcome`` refuse, gap or flag, of ``kind``.

    ``checkable`` is ``False`` when the Selaras format has no field to check it with.
    """

    id: str
    applies_to: str
    outcome: str
    kind: str
    detail: str
    params: Mapping[str, object]
    checkable: bool


@dataclass(frozen=True)
class Money:
    """An amount of ``currency`` per ``per``."""

    amount: float
    currency: str
    per: str


@dataclass(frozen=True)
class MoratoriumCountry:
    """A country covered by a moratorium, with the status of its inclusion."""

    code: str
    status: str


@dataclass(frozen=True)
class MoratoriumException(Sourced):
    """A channel a moratorium does not block (described, with its own conditions)."""

    id: str
    country: str
    detail: str
    min_wage: Money | None


@dataclass(frozen=True)
class Moratorium(Sourced):
    """A placement ban for ``employer_types`` in ``countries`` from ``effective_from``."""

    id: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it
    employer_types: tuple[str, ...]
    effective_from: dt.date
    refusal_kind: str
    countries: tuple[MoratoriumCountry, ...]
    countries_detail: str
    exceptions: tuple[MoratoriumException, ...]

    def covers(self, country: str, employer_type: str, on: dt.date) -> MoratoriumCountry | None:
        """Return the covered country entry if this moratorium blocks the placement.

        Parameters
        ----------
        country : str
            ISO 3166-1 alpha-2 code of the workplace.
        employer_type : str
            ``company`` or ``household`` (docs/format.md ``employer.type``).
        on : datetime.date
            The evaluation date.

        Returns
        -------
        MoratoriumCountry or None
            The entry (with its status) when blocked, else ``None``.
        """
        if on < self.effective_from or employer_type not in self.employer_types:
            return None
        code = country.strip().upper()
        return next((c for c in self.countries if c.code == code), None)


@dataclass(frozen=True)
class Allowance:
    """An allowance owed on top of a floor unless provided in kind (Qatar food/housing)."""

    name: str
    amount: float
    currency: str
    per: str
    unless_in_kind: bool


@dataclass(frozen=True)
class WageFloor(Sourced):
    """One statutory floor row: in force from ``effective_from`` until a later row replaces it.

    ``category`` is ``None`` for the general floor; otherwise the row is a sector, grade or
    employer-size floor that applies only when the job order falls in it. ``effective_until``
    ends a row that no later row replaces (a transitional rate).
    """

    country: str
    region: str | None
    region_local: str | None
    amount: float
    currency: str
    per: str
    effective_from: dt.date
    effective_until: dt.date | None
    category: str | None
    label: str | None
    note: str | None
    allowances: tuple[Allowance, ...]


@dataclass(frozen=True)
class WageFloorFallback(Sourced):
    """What to do when the workplace region is missing or unknown (``rule``), and the flag."""

    rule: str
    flag_kind: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class NoStatutoryFloor(Sourced):
    """A destination with no statutory floor for foreign workers (never invent one)."""

    country: str
    currency: str
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class Coverage(Sourced):
    """The last date the loaded floors of ``country`` are known to be current."""

    country: str
    until: dt.date
    detail: str
    detail_id: str  # the same in Indonesian: a result can show it


@dataclass(frozen=True)
class SalaryThreshold(Sourced):
    """A programme salary threshold that is not a wage floor (e.g. §18a at age 45+)."""

    id: str
    country: str
    amount: float
    currency: str
    per: str
    effective_from: dt.date | None
    min_age: int | None
    mode: str
    applies_to: str
    detail: str


@dataclass(frozen=True)
class HoursConvention(Sourced):
    """Hours per month used to turn an hourly wage into a monthly one for ``country``.

    ``use_for_floor_check`` is ``True`` only where the destination's own rule uses this
    figure to compare wages with its floor (Korea's 209 h).
    """

    country: str
    hours: float
    derivation: str
    use_for_floor_check: bool
    detail: str


@dataclass(frozen=True)
class NotEncoded:
    """A rule from the research notes that the pack records but cannot check, and why."""

    id: str
    detail: str
    source: str | None
    also: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class RulePack:
    """A destination programme's dated, versioned rules and wage floors, with sources."""

    programme: str
    version: str
    country: str | None
    updated: dt.date
    title: str
    sources: Mapping[str, str]
    language: LanguageRule | None
    language_validity: Mapping[str, LanguageValidity]
    age: AgeWindow | None
    stay_cap_months: StayCap | None
    contract: ContractRule | None
    availability: Availability | None
    health: tuple[HealthGate, ...]
    skill_gates: tuple[SkillGate, ...]
    exemptions: tuple[Exemption, ...]
    flags: tuple[PackFlag, ...]
    job_order_flags: tuple[JobOrderFlag, ...]
    rules: tuple[LegalRule, ...]
    moratoria: tuple[Moratorium, ...]
    wage_floors: tuple[WageFloor, ...]
    wage_floor_fallback: WageFloorFallback | None
    no_statutory_floor: tuple[NoStatutoryFloor, ...]
    wage_floor_coverage: tuple[Coverage, ...]
    salary_thresholds: tuple[SalaryThreshold, ...]
    hours_per_month: Mapping[str, HoursConvention]
    not_encoded: tuple[NotEncoded, ...]
    file: str

    def source_url(self, key: str) -> str:
        """Return the URL of source ``key`` (``KeyError`` if the pack has no such source).

        Parameters
        ----------
        key : str
            A key of ``sources``, as found in any rule's ``source`` or ``also``.

        Returns
        -------
        str
            The source's URL.
        """
        return self.sources[key]

    @property
    def floor_countries(self) -> frozenset[str]:
        """Countries this pack holds wage-floor information for (floors or "none")."""
        return frozenset(f.country for f in self.wage_floors) | frozenset(
            n.country for n in self.no_statutory_floor
        )
