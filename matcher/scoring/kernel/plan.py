"""A job order compiled against a pool: gap labels, gates as index arrays, lookup tables
and weights, built once and applied to every chunk.

Every gate carries a *key*: what it requires, as hashable values (a concept and the day,
a test and its minima, a country...). Equal keys give equal masks over one pool whatever
the job order, so a gap count computes each mask once for all the job orders that share
it (:mod:`~matcher.scoring.kernel.gap_counts`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Floats, Ints
from matcher.rules.exchange_rates import ExchangeRateError, convert_currency
from matcher.rules.screening import LanguageGate, ScreenedVacancy
from matcher.scoring.encoding import day_number
from matcher.scoring.kernel.context import Context, compile_certificate, job_concept_bits
from matcher.scoring.kernel.rows import Key
from matcher.scoring.kernel.tables import credit_table
from matcher.scoring.params import ScoringParams
from matcher.taxonomy.language_scale import cefr_rank
from models.worker import EDUCATION_LEVELS


@dataclass
class SkillCheck:
    """One concept of a required skill."""

    concept: int
    skill_label: int
    cert_label: int
    min_level: int | None
    min_months: int | None
    certified: bool
    skill_key: Key
    cert_key: Key


@dataclass
class AgeCheck:
    age: NDArray[np.int16]  # per pool worker, on the gate's day
    minimum: int | None
    maximum: int | None
    low: int
    high: int
    entered: Bools | None  # per pool worker: already worked in the first-entry country
    months: NDArray[np.int32] | None  # per pool worker: months of age, for raised minima
    raised: list[tuple[int, int, int, Key]]  # (education code, months needed, label, key)
    low_key: Key
    high_key: Key


@dataclass
class LanguagePlan:
    label: int | None
    signature: tuple[Hashable, ...]  # equal for gates that decide every result alike
    by_result: NDArray[np.int16] | None  # rank of each pool result under ``tests`` (-1: no)
    language: int  # pool language code for a ``min_cefr`` gate (-2: none)
    min_cefr: int
    start: Ints  # per pool test: first valid issue day number
    undated: Bools  # per pool test: an undated result is valid
    credit: Floats  # by rank + 1
    key: Key  # with the day and the exemption
    exempt: Bools | None = None  # per pool worker: an exemption waives the gate


@dataclass
class RoutePlan:
    requirements: list[tuple[int | None, Bools | None, bool]]  # scheme, names, job
    experience: Bools | None


@dataclass
class SkillGatePlan:
    label: int
    exempt: Bools
    routes: list[RoutePlan]
    key: Key = ()  # set once the job's concepts are known (routes that ask for them)


@dataclass
class Plan:
    screened: ScreenedVacancy
    day: int
    labels: dict[tuple[str, str], int] = field(default_factory=dict)
    closed: int | None = None
    ages: list[AgeCheck] = field(default_factory=list)
    health: list[tuple[NDArray[np.int8], int, Key]] = field(default_factory=list)
    stay: tuple[Ints, int, int, Key] | None = None
    other_country: Bools | None = None  # per worker: lists countries, not the job's
    country_key: Key = ()
    pays: Floats | None = None  # offered monthly wage per worker currency (+ NaN slot)
    pays_key: Key = ()
    checks: list[SkillCheck] = field(default_factory=list)
    needs: list[tuple[float, list[int]]] = field(default_factory=list)
    needs_weight: float = 0.0
    isco_targets: tuple[str, ...] = ()
    isco_quarters: Ints | None = None
    isco_exact: Bools | None = None
    experience_measured: bool = False
    experience_min: int = 0
    experience_label: int = -1
    experience_key: Key = ()
    languages: list[LanguagePlan] = field(default_factory=list)
    skill_gates: list[SkillGatePlan] = field(default_factory=list)
    job_bits: NDArray[np.uint64] | None = None
    weights: list[tuple[str, float]] = field(default_factory=list)
    weight_total: float = 0.0

    def label(self, kind: str, requirement: str) -> int:
        return self.labels.setdefault((kind, requirement), len(self.labels))


def compile_plan(ctx: Context, screened: ScreenedVacancy) -> Plan:
    pool, params = ctx.pool, ctx.params
    vacancy, pack, day = screened.vacancy, screened.pack, screened.day
    plan = Plan(screened, day_number(day))
    for gate in screened.ages:
        low = plan.label("age", f"age >= {gate.minimum}") if gate.minimum is not None else -1
        high = plan.label("age", f"age <= {gate.maximum}") if gate.maximum is not None else -1
        where = ("age", gate.day, gate.first_entry)
        raised: list[tuple[int, int, int, Key]] = [
            (
                EDUCATION_LEVELS.index(level),
                12 * years + months,
                plan.label("age", f"age >= {years} years {months} months ({level})"),
                (*where, "raised", EDUCATION_LEVELS.index(level), 12 * years + months),
            )
            for level, (years, months) in gate.min_by_education.items()
        ]
        codes = tuple(sorted({code for code, *_ in raised}))
        plan.ages.append(
            AgeCheck(
                ctx.age(gate.day),
                gate.minimum,
                gate.maximum,
                low,
                high,
                None if gate.first_entry is None else ctx.entered(gate.first_entry),
                ctx.months_of_age(gate.day) if raised else None,
                raised,
                (*where, "minimum", gate.minimum, codes),
                (*where, "maximum", gate.maximum),
            )
        )
    for need in screened.skills:
        concepts = [ctx.index[c] for c in need.concepts]
        plan.needs.append((need.weight, concepts))
        if need.required:
            for concept in concepts:
                plan.checks.append(
                    SkillCheck(
                        concept,
                        plan.label("skill", need.name),
                        plan.label("certificate", need.name),
                        need.min_level,
                        need.min_months,
                        need.certified,
                        ("skill", concept, plan.day, need.min_level, need.min_months),
                        ("certificate", concept, plan.day),
                    )
                )
    plan.needs_weight = sum(n.weight for n in screened.skills)
    for language in screened.languages:
        compiled = _compile_language(ctx, language, day, plan)
        exempt_key = None
        if language.required and language.exemptions:
            exempt_key, compiled.exempt = ctx.exempt(screened, language.exemptions, "language")
        # The signature decides the results within one job order; the day and the
        # exemption complete it across job orders.
        compiled.key = ("language", plan.day, compiled.signature, exempt_key)
        plan.languages.append(compiled)
    targets = screened.experience_targets
    plan.isco_targets = targets
    if targets:
        plan.isco_quarters, plan.isco_exact = ctx.isco_credit(targets)
        plan.experience_measured = True
    if screened.experience_min_months:
        plan.experience_min = screened.experience_min_months
        plan.experience_label = plan.label("experience", f"{screened.experience_min_months} months")
        plan.experience_key = ("experience", targets, plan.experience_min)
        if plan.isco_exact is None:
            plan.isco_quarters, plan.isco_exact = ctx.isco_credit(())
    plan.label("health", "fit to work")
    for health in pack.health:
        column = {"fit_to_work": pool.fit_to_work,
                  "colour_vision_normal": pool.colour_vision_normal}[health.gate]  # fmt: skip
        plan.health.append((column, plan.label("health", health.gate), ("health", health.gate)))
    cap = pack.stay_cap_months
    if cap is not None:
        contract = vacancy.contract_months or (pack.contract.max_months if pack.contract else 0)
        prior = ctx.prior_stay(cap)
        allowed = cap.months - (contract if cap.includes_contract else 0)
        label = plan.label("programme_rule", "stay cap")
        plan.stay = (prior, allowed, label, ("stay", cap, allowed))
    if pack.availability is not None and day > pack.availability.last_start_date:
        plan.closed = plan.label("programme_rule", "programme dates")
    for skill_gate in pack.skill_gates:
        if skill_gate.mode != "gate":
            continue
        routes = [
            RoutePlan(
                [compile_certificate(ctx, r) for r in route.certificates],
                None if route.experience is None else ctx.has_experience(route.experience),
            )
            for route in skill_gate.routes
        ]
        exempt_key, exempt = ctx.exempt(screened, skill_gate.exemptions, skill_gate.id)
        plan.skill_gates.append(
            SkillGatePlan(
                plan.label(skill_gate.gap_kind, skill_gate.id),
                exempt,
                routes,
                ("skills test", skill_gate, plan.day, exempt_key),
            )
        )
    if any(job for route in plan.skill_gates for r in route.routes for *_, job in r.requirements):
        plan.job_bits = job_concept_bits(ctx, screened)
        for compiled_gate in plan.skill_gates:
            if any(job for r in compiled_gate.routes for *_, job in r.requirements):
                compiled_gate.key = (*compiled_gate.key, plan.job_bits.tobytes())
    plan.label("preference", "countries")
    plan.other_country = ctx.prefers_other(vacancy.country)
    plan.country_key = ("countries", vacancy.country)
    if screened.monthly_wage is not None:
        plan.label("preference", "min_monthly_wage")
        plan.pays = np.array(
            [*(_pays(screened, c, params) for c in pool.preferences.currencies), math.nan]
        )
        plan.pays_key = ("wage", plan.pays.tobytes())
    plan.label("document", "passport")
    weights = screened.weights or params.weights
    measured = []
    if screened.skills:
        measured += ["skills", "certification"]
    if screened.languages:
        measured.append("language")
    if targets:
        measured.append("experience")
    plan.weights = [(c, weights[c]) for c in measured]
    plan.weight_total = sum(weights[c] for c in measured)
    return plan


def _pays(screened: ScreenedVacancy, currency: str, params: ScoringParams) -> float:
    assert screened.monthly_wage is not None
    try:
        return convert_currency(
            screened.monthly_wage,
            screened.vacancy.wage.currency,
            currency,
            params.as_of,
            table=params.rates,
        ).amount
    except ExchangeRateError:
        return math.nan  # the reference skips the comparison


def _compile_language(ctx: Context, gate: LanguageGate, day: dt.date, plan: Plan) -> LanguagePlan:
    pool = ctx.pool.languages
    bounds = [ctx.validity(test, gate, day) for test in pool.tests]
    start = np.array([b[0] for b in bounds], np.int64)
    undated = np.array([b[1] for b in bounds], np.bool_)
    label = None
    if gate.required:
        if gate.tests:
            need = " or ".join(f"{t} {m}" for t, m in gate.tests)
        else:
            need = f"{gate.language} {gate.min_cefr} (CEFR)"
        label = plan.label("language", need)
    if gate.tests:
        # 4 == 4.0, but a TOEFL-iBT legacy score 4 is not the band 4.0: keep the types apart.
        minima = tuple((t, type(m).__name__, m) for t, m in gate.tests)
        # The same tests recur across job orders: their tables are built once per pool.
        by_result, credit = ctx.cached(("language tests", minima), lambda: _tests(ctx, gate))
        signature: tuple[Hashable, ...] = ("tests", minima, *bounds)
        return LanguagePlan(label, signature, by_result, -2, 0, start, undated, credit, ())
    language, minimum = -2, 0
    if gate.language is not None and gate.min_cefr is not None:
        languages = pool.languages
        language = languages.index(gate.language) if gate.language in languages else -2
        minimum = cefr_rank(gate.min_cefr)
    credit = ctx.cached(
        ("cefr credit",),
        lambda: credit_table([float(m) for m in range(7)], ctx.params.language_credit),
    )
    signature = ("cefr", language, minimum, *bounds)
    return LanguagePlan(label, signature, None, language, minimum, start, undated, credit, ())


# ---------------------------------------------------------------------------- scoring


def _tests(ctx: Context, gate: LanguageGate) -> tuple[NDArray[np.int16], Floats]:
    """Rank of each pool result under a gate's named tests (-1: none), and the credit by
    rank + 1."""
    options = [ctx.option_margins(test, minimum) for test, minimum in gate.tests]
    margins = sorted({m for option in options for m in option.values()})
    if len(margins) >= np.iinfo(np.int16).max:  # ranks are int16; results are far fewer
        raise ValueError(f"too many distinct language results ({len(margins)})")
    rank = {m: r for r, m in enumerate(margins)}
    by_result = np.full(len(ctx.pool.languages.results), -1, np.int16)
    for option in options:
        for result, margin in option.items():
            by_result[result] = max(by_result[result], rank[margin])
    return by_result, credit_table(margins, ctx.params.language_credit)
