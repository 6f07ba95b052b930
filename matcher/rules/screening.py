"""Job-order screening: refuse what breaks a protection rule, flag what needs review, and
resolve the order's requirements and its rule pack's gates into plain data for scoring.

A refused job order gets no candidates (docs/format.md "Refused job order"): wage below the
destination's floor, agency not licensed on the evaluation date, a moratorium case, or a
requirement the engine cannot read. A flag never changes eligibility: a sex, religion,
marital-status, height or weight requirement is flagged and never applied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from matcher.rules.packs import (
    WageFloorResult,
    hours_per_month,
    legal_pack,
    monthly_equivalent,
    wage_floor_on,
)
from matcher.rules.types import RulePack
from matcher.taxonomy.skills import SkillMatch, SkillNormalizer
from matcher.text.messages import Message, Param, Text, number_text
from models.agency import Agency
from models.vacancy import Requirements, Vacancy

__all__ = [
    "AgeGate",
    "LanguageGate",
    "Note",
    "ScreenedVacancy",
    "SkillNeed",
    "discrimination_flags",
    "language_gates",
    "read_skill_needs",
    "screen_vacancies",
    "screened_vacancy",
]


@dataclass(frozen=True)
class Note:
    """A refusal reason or a flag: kind, message and source."""

    kind: str
    message: Message
    source: str | None


@dataclass(frozen=True)
class SkillNeed:
    """A skill requirement read into concepts (a name may name several, all needed)."""

    name: str
    concepts: tuple[str, ...]
    required: bool
    certified: bool
    min_level: int | None
    min_months: int | None
    weight: float


@dataclass(frozen=True)
class LanguageGate:
    """A language requirement: named tests with minima, or a language with a CEFR level.

    ``origin`` is ``"job"`` for the job order's own requirement or the rule pack's name.
    """

    tests: tuple[tuple[str, str | int | float], ...]
    language: str | None
    min_cefr: str | None
    required: bool
    origin: str
    not_accepted: tuple[tuple[str, Text], ...]
    validity: Mapping[str, int]
    unverified: tuple[Text, ...]
    source: str | None
    exemptions: tuple[str, ...] = ()  # rule pack exemption ids that can waive the gate


@dataclass(frozen=True)
class AgeGate:
    """An age window in whole years on ``day`` (gap kind ``age``).

    ``first_entry``: a country whose window holds only at first entry, so a worker who
    has already worked there is not held to it. ``min_by_education``: a higher minimum,
    in (years, months), for workers of that education level.
    """

    minimum: int | None
    maximum: int | None
    day: dt.date
    why: str
    source: str | None
    unverified: bool
    first_entry: str | None = None
    min_by_education: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ScreenedVacancy:
    """A job order ready for scoring, or refused with its reasons."""

    vacancy: Vacancy
    pack: RulePack
    day: dt.date
    refusals: tuple[Note, ...]
    flags: tuple[Note, ...]
    skills: tuple[SkillNeed, ...]
    languages: tuple[LanguageGate, ...]
    ages: tuple[AgeGate, ...]
    experience_isco: tuple[str, ...]
    experience_min_months: int
    monthly_wage: float | None
    weights: Mapping[str, float] | None  # the job order's own component weights, if any

    @property
    def refused(self) -> bool:
        """Whether the job order is refused."""
        return bool(self.refusals)

    @property
    def experience_targets(self) -> tuple[str, ...]:
        """The ISCO unit groups experience counts in: the pack's, else the job order's."""
        isco = self.vacancy.isco
        return self.experience_isco or ((isco,) if isco else ())


_DISCRIMINATORY = {
    "sex": ("sex {value}", "jenis kelamin {value}"),
    "religion": ("religion {value}", "agama {value}"),
    "marital_status": ("marital status {value}", "status perkawinan {value}"),
    "min_height_cm": ("height at least {value} cm", "tinggi minimal {value} cm"),
    "min_weight_kg": ("weight at least {value} kg", "berat minimal {value} kg"),
}


def screen_vacancies(
    vacancies: Sequence[Vacancy],
    packs: Mapping[str, RulePack],
    agencies: Mapping[str, Agency] | None,
    as_of: dt.date,
    skills: SkillNormalizer,
) -> list[ScreenedVacancy]:
    """Screen job orders and resolve their requirements.

    Parameters
    ----------
    vacancies : Sequence[Vacancy]
        Validated job orders.
    packs : Mapping[str, RulePack]
        Rule packs by programme, with ``ID-LAW``.
    agencies : Mapping[str, Agency] or None
        The agency register; None when the run has none (licences unchecked, flagged).
    as_of : datetime.date
        The run's evaluation date.
    skills : SkillNormalizer
        Reads requirement skill names.

    Returns
    -------
    list[ScreenedVacancy]
        One per job order, in order.
    """
    names = [s.name for v in vacancies for s in v.requirements.skills]
    read = iter(skills.normalize_many(names))
    return [_screen(v, packs, agencies, as_of, read) for v in vacancies]


def _screen(
    vacancy: Vacancy,
    packs: Mapping[str, RulePack],
    agencies: Mapping[str, Agency] | None,
    as_of: dt.date,
    read: Iterator[SkillMatch],
) -> ScreenedVacancy:
    pack = packs[vacancy.programme]
    legal = legal_pack(packs=packs)
    day = vacancy.start_date or as_of
    needs, refusals, flags = read_skill_needs(vacancy.requirements, read)
    refusals.extend(_licence(vacancy, agencies, as_of, legal, flags))
    refusals.extend(_moratorium(vacancy, legal, day))
    monthly = _wage_check(vacancy, pack, packs, day, refusals, flags)
    flags.extend(discrimination_flags(vacancy.requirements, legal))
    flags.extend(
        Note(
            "discriminatory_requirement" if f.sex_related else f.kind,
            Message("pack_flag", {"what": (f.detail, f.detail_id)}),
            pack.sources.get(f.source, f.source),
        )
        for f in pack.flags
    )
    flags.extend(_unverified_gates(pack, day))
    return screened_vacancy(
        vacancy,
        pack,
        day,
        refusals=refusals,
        flags=flags,
        skills=needs,
        ages=_age_gates(vacancy, pack, legal, as_of),
        monthly_wage=monthly,
    )


def screened_vacancy(
    vacancy: Vacancy,
    pack: RulePack,
    day: dt.date,
    *,
    refusals: Iterable[Note],
    flags: Iterable[Note],
    skills: Iterable[SkillNeed],
    ages: Iterable[AgeGate],
    monthly_wage: float | None,
) -> ScreenedVacancy:
    """A :class:`ScreenedVacancy` from what screening found; the language gates, the
    experience asked for and the component weights are read from ``vacancy``'s
    requirements here (one reading for job orders and domestic opportunities).

    Parameters
    ----------
    vacancy : Vacancy
        The job order (or the stand-in of a domestic opportunity).
    pack : RulePack
        The rule pack it is screened and scored under.
    day : datetime.date
        The day its rules are read on.
    refusals, flags, skills, ages, monthly_wage
        The fields of the same names.

    Returns
    -------
    ScreenedVacancy
    """
    requirements = vacancy.requirements
    experience = requirements.experience
    return ScreenedVacancy(
        vacancy=vacancy,
        pack=pack,
        day=day,
        refusals=tuple(refusals),
        flags=tuple(flags),
        skills=tuple(skills),
        languages=tuple(language_gates(requirements, pack)),
        ages=tuple(ages),
        experience_isco=tuple(experience.isco) if experience and experience.isco else (),
        experience_min_months=experience.min_months if experience else 0,
        monthly_wage=monthly_wage,
        weights=requirements.weights.model_dump() if requirements.weights else None,
    )


def read_skill_needs(
    requirements: Requirements, read: Iterator[SkillMatch]
) -> tuple[list[SkillNeed], list[Note], list[Note]]:
    """Read a job order's (or a domestic opportunity's) skill requirements into concepts.

    A required skill outside the taxonomy refuses the order (``invalid``); an optional
    one is flagged (``unreadable_requirement``) and left out.

    Parameters
    ----------
    requirements : models.vacancy.Requirements
        The requirements, in the job-order form.
    read : iterator of SkillMatch
        The normalizer's reading of each ``requirements.skills[].name``, in order.

    Returns
    -------
    tuple of (needs, refusals, flags)
    """
    refusals: list[Note] = []
    flags: list[Note] = []
    needs: list[SkillNeed] = []
    for requirement in requirements.skills:
        match = next(read)
        concepts = tuple(hit.concept.id for hit in match.concepts)
        if not concepts:
            why = (
                f"skill requirement {requirement.name!r} is not in the Selaras taxonomy",
                f"persyaratan keahlian {requirement.name!r} tidak ada dalam taksonomi Selaras",
            )
            if requirement.required:
                refusals.append(Note("invalid", Message("invalid", {"why": why}), None))
            else:
                flags.append(Note("unreadable_requirement", Message("invalid", {"why": why}), None))
            continue
        needs.append(
            SkillNeed(
                requirement.name,
                concepts,
                requirement.required,
                requirement.certified,
                requirement.min_level,
                requirement.min_months,
                requirement.weight,
            )
        )
    return needs, refusals, flags


def _source(pack: RulePack, key: str | None) -> str | None:
    return None if key is None else pack.sources.get(key, key)


def _licence(
    vacancy: Vacancy,
    agencies: Mapping[str, Agency] | None,
    as_of: dt.date,
    legal: RulePack,
    flags: list[Note],
) -> list[Note]:
    rule = next(r for r in legal.rules if r.kind == "agency_not_licensed")
    source = _source(legal, rule.source)
    if agencies is None:
        flags.append(Note("licence_unchecked", Message("licence_unchecked"), source))
        return []
    agency = agencies.get(vacancy.agency_id)
    lapse = None if agency is None else agency.licence_lapse(as_of)
    if agency is None:
        why = Message("agency_unregistered")
    elif lapse is None:
        return []
    else:
        kind, day = lapse
        why = Message(f"licence_{kind}", {"day": "" if day is None else day.isoformat()})
    params = {"agency": vacancy.agency_id, "day": as_of.isoformat(), "why": why}
    return [Note("agency_not_licensed", Message("agency_not_licensed", params), source)]


def _moratorium(vacancy: Vacancy, legal: RulePack, day: dt.date) -> list[Note]:
    notes = []
    for moratorium in legal.moratoria:
        covered = {c.code: c.status for c in moratorium.countries}
        if (
            vacancy.employer.type in moratorium.employer_types
            and vacancy.country in covered
            and day >= moratorium.effective_from
        ):
            why: Param = (moratorium.detail, moratorium.detail_id)
            if covered[vacancy.country] != "verified":
                # Refused all the same: the ban protects workers, so doubt counts for it.
                why = (
                    f"{moratorium.detail} (this country's inclusion is marked unverified in "
                    "the rule pack)",
                    f"{moratorium.detail_id} (cakupan negara ini belum terverifikasi di paket "
                    "aturan)",
                )
            params = {"country": vacancy.country, "why": why}
            source = _source(legal, moratorium.source)
            notes.append(Note(moratorium.refusal_kind, Message("moratorium", params), source))
    return notes


def _wage_check(
    vacancy: Vacancy,
    pack: RulePack,
    packs: Mapping[str, RulePack],
    day: dt.date,
    refusals: list[Note],
    flags: list[Note],
) -> float | None:
    """Compare the wage with the floor in force on ``day``; return the monthly wage."""
    wage = vacancy.wage
    try:
        convention = hours_per_month(vacancy.programme, country=vacancy.country, packs=packs)
        monthly: float | None = monthly_equivalent(
            wage.amount, wage.per, hours_per_month=convention.hours
        )
    except KeyError:
        convention, monthly = None, (wage.amount if wage.per == "month" else None)
    found = wage_floor_on(
        vacancy.programme, vacancy.region, day, per=wage.per, country=vacancy.country, packs=packs
    )
    floor = found.floor
    if floor is None:
        why = _reason(found) or (
            "no wage floor known for this workplace and date",
            "upah minimum untuk tempat kerja dan tanggal ini tidak diketahui",
        )
        flags.append(
            Note(
                "wage_floor_unknown", Message("wage_floor_unknown", {"why": why}), found.source_url
            )
        )
        return monthly
    if floor.currency != wage.currency:
        why = (
            f"wage currency {wage.currency} is not the destination currency {floor.currency}; "
            "wages are compared with floors in the destination's own currency",
            f"mata uang upah {wage.currency} bukan mata uang negara tujuan {floor.currency}; "
            "upah dibandingkan dengan upah minimum dalam mata uang negara tujuan",
        )
        refusals.append(Note("invalid", Message("invalid", {"why": why}), found.source_url))
        return None
    offered = _in_unit(wage.amount, wage.per, floor.per, convention)
    if offered is None:
        shown = _money(floor.amount, floor.currency, floor.per)
        why = (
            f"{_PER_EN[wage.per][0]} wage cannot be checked against the "
            f"{_PER_EN[floor.per][1]} floor {shown[0]} without the contract's hours",
            f"upah per {_PER_ID.get(wage.per, wage.per)} tidak dapat dibandingkan dengan upah "
            f"minimum {shown[1]} tanpa jam kerja kontrak",
        )
        flags.append(
            Note(
                "wage_floor_unknown", Message("wage_floor_unknown", {"why": why}), found.source_url
            )
        )
        return monthly
    if found.flag_kind is not None:
        why = _reason(found) or (
            "the floor used is a fallback or unverified",
            "upah minimum yang dipakai adalah pengganti atau belum terverifikasi",
        )
        flags.append(
            Note(found.flag_kind, Message("wage_floor_unknown", {"why": why}), found.source_url)
        )
    if offered < floor.amount:
        params = {
            "wage": _money(wage.amount, wage.currency, wage.per),
            "region": floor.region or vacancy.country,
            "floor": _money(floor.amount, floor.currency, floor.per),
            "since": floor.effective_from.isoformat(),
        }
        refusals.append(
            Note("wage_below_floor", Message("wage_below_floor", params), found.source_url)
        )
    return monthly


# Wage units (models.vacancy): "an hourly wage", "the hourly floor"; "upah per jam".
_PER_EN = {
    "hour": ("an hourly", "hourly"),
    "day": ("a daily", "daily"),
    "week": ("a weekly", "weekly"),
    "month": ("a monthly", "monthly"),
    "year": ("a yearly", "yearly"),
}
_PER_ID = {"hour": "jam", "day": "hari", "week": "minggu", "month": "bulan", "year": "tahun"}


def _reason(found: WageFloorResult) -> Text | None:
    """Why the floor is missing, a fallback or unverified, in both languages."""
    if found.reason is None or found.reason_id is None:
        return None
    return found.reason, found.reason_id


def _money(value: float, currency: str, per: str) -> Text:
    """1226 JPY an hour -> ("1,226 JPY/hour", "1.226 JPY/jam"); 8.72 keeps two decimals."""
    english, indonesian = number_text(value, 0 if value == int(value) else 2)
    return f"{english} {currency}/{per}", f"{indonesian} {currency}/{_PER_ID.get(per, per)}"


def _in_unit(amount: float, per: str, unit: str, convention: object) -> float | None:
    """The wage in the floor's unit, where the destination's own rule allows converting."""
    if per == unit:
        return amount
    if per == "year" and unit == "month":
        return amount / 12
    hours = getattr(convention, "hours", None)
    if hours and getattr(convention, "use_for_floor_check", False):
        monthly = monthly_equivalent(amount, per, hours_per_month=hours)
        return monthly if unit == "month" else monthly / hours
    return None


def discrimination_flags(requirements: Requirements, legal: RulePack) -> list[Note]:
    """Flags for a sex, religion, marital-status, height or weight requirement: never
    applied, flagged for review with the legal basis of ``legal`` (the ID-LAW pack)."""
    notes = []
    basis = next((r for r in legal.rules if r.kind == "discriminatory_requirement"), None)
    for field, (en, id_) in _DISCRIMINATORY.items():
        value = getattr(requirements, field)
        if value is None:
            continue
        what = (en.format(value=value), id_.format(value=value))
        source = _source(legal, basis.source) if basis else None
        notes.append(
            Note("discriminatory_requirement", Message("discriminatory", {"what": what}), source)
        )
    return notes


def _unverified_gates(pack: RulePack, day: dt.date) -> list[Note]:
    """``unverified_rule`` flags for the pack's health, stay-cap, programme-date and
    skills-test gates that apply and whose figures the pack marks unverified (language
    minima and age windows are flagged by the scorer with the gate they belong to)."""
    gates: list[tuple[Text, Text, str | None]] = [
        ((gate.gate, _HEALTH_GATE_ID[gate.gate]), (gate.detail, gate.detail_id), gate.source)
        for gate in pack.health
        if gate.status != "verified"
    ]
    cap = pack.stay_cap_months
    if cap is not None and cap.status != "verified":
        gates.append((("stay cap", "batas masa tinggal"), (cap.detail, cap.detail_id), cap.source))
    closes = pack.availability
    if closes is not None and closes.status != "verified" and day > closes.last_start_date:
        gates.append(
            (
                ("programme dates", "tanggal program"),
                (closes.detail, closes.detail_id),
                closes.source,
            )
        )
    gates.extend(
        ((gate.id, gate.id), (gate.detail, gate.detail_id), gate.source)
        for gate in pack.skill_gates
        if gate.mode == "gate" and gate.status != "verified"
    )
    return [
        Note(
            "unverified_rule",
            Message("unverified", {"rule": rule, "pack": pack.programme, "detail": detail}),
            _source(pack, source),
        )
        for rule, detail, source in gates
    ]


# How the unverified-rule flag names a health gate in Indonesian (English uses its field).
_HEALTH_GATE_ID: Mapping[str, str] = {
    "fit_to_work": "pemeriksaan layak kerja",
    "colour_vision_normal": "pemeriksaan penglihatan warna",
}


def language_gates(requirements: Requirements, pack: RulePack) -> list[LanguageGate]:
    """The language gates of a job order's own requirements, then its rule pack's, with
    the pack's validity periods."""
    validity = {test: rule.months for test, rule in pack.language_validity.items()}
    gates = []
    for requirement in requirements.languages:
        tests = tuple((t.test, t.min) for t in requirement.any_of or ())
        gates.append(
            LanguageGate(
                tests,
                requirement.language,
                requirement.min_cefr,
                requirement.required,
                "job",
                (),
                validity,
                (),
                None,
            )
        )
    rule = pack.language
    if rule is not None and rule.any_of:
        gates.append(
            LanguageGate(
                tests=tuple((o.test, o.minimum) for o in rule.any_of),
                language=None,
                min_cefr=None,
                required=True,
                origin=pack.programme,
                not_accepted=tuple((n.test, (n.detail, n.detail_id)) for n in rule.not_accepted),
                validity=validity,
                unverified=tuple(
                    (f"{o.test} minimum {o.minimum}", f"{o.test} minimal {o.minimum}")
                    for o in rule.any_of
                    if o.status != "verified"
                ),
                source=_source(pack, rule.source),
                exemptions=rule.exemptions,
            )
        )
    return gates


def _age_gates(vacancy: Vacancy, pack: RulePack, legal: RulePack, as_of: dt.date) -> list[AgeGate]:
    gates = []
    for origin in (legal, pack):
        window = origin.age
        if window is not None and (window.minimum is not None or window.maximum is not None):
            gates.append(
                AgeGate(
                    window.minimum,
                    window.maximum,
                    as_of,
                    origin.programme,
                    _source(origin, window.source),
                    window.status != "verified",
                    first_entry=vacancy.country if window.at == "first_entry" else None,
                    min_by_education=window.min_by_education,
                )
            )
    age = vacancy.requirements.age
    if age is not None and (age.min is not None or age.max is not None):
        gates.append(AgeGate(age.min, age.max, as_of, "job order", None, False))
    return gates
