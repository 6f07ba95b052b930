"""The reference scorer: one (job order, worker) pair at a time, written to be read.

This is the executable specification of matching (``docs/scoring.md`` says the same in
prose for users). The vectorized kernel must agree with it on every pair: eligibility and
gaps exactly, scores within 1e-6.

A pair is **eligible** when every gate holds: Indonesian law and the rule pack (age,
accepted language tests and their validity, skill tests, health, stay caps, programme
dates), the job order's required skills, certificates, languages and experience, and the
worker's own preferences. Every unmet gate is one gap saying what the worker has and what
would close it. The **score** in [0, 1] is a weighted mean of four components (skills,
certification, language, experience); a component with nothing to measure is reported as
1.0 and left out of the mean.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from matcher.exchange_rates import ExchangeRateError, ExchangeRateTable, convert_currency
from matcher.facts import CertificateFact, WorkerFacts, age_on, months_of_age_on
from matcher.isco import is_unit_group, isco_relation
from matcher.language_scale import cefr_rank, meets_minimum, native_rank, validity_months
from matcher.language_scale import valid_on as test_valid_on
from matcher.messages import Message, Param, number_text
from matcher.rulepack_types import CertificateRequirement, ExperienceRequirement
from matcher.screening import LanguageGate, Note, ScreenedVacancy, SkillNeed
from matcher.skills import SkillTaxonomy

__all__ = [
    "DEFAULT_WEIGHTS",
    "EXPERIENCE_SCALE",
    "ISCO_CREDIT",
    "LANGUAGE_STEP",
    "SKILL_MONTHS_FULL",
    "Gap",
    "PairOutcome",
    "Scorer",
    "language_result_valid",
]

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "skills": 0.4,
    "certification": 0.2,
    "language": 0.2,
    "experience": 0.2,
}
"""Weights of the score components (docs/scoring.md)."""

SKILL_MONTHS_FULL = 36
"""Months of practice at which a skill earns its full depth credit."""
EXPERIENCE_SCALE = 24.0
"""Experience: months (weighted by ISCO closeness) at which credit reaches 1 - 1/e."""
ISCO_CREDIT: Mapping[str, float] = {"same_unit": 1.0, "same_minor": 0.5, "same_sub_major": 0.25}
"""Experience credit per month by how close the worker's unit group is to the job's."""
LANGUAGE_STEP: Mapping[str, float] = {
    "EPS-TOPIK": 20.0,
    "TOEIC": 100.0,
    "IELTS": 0.5,
    "JFT-Basic": 25.0,
    "TOEFL-iBT": 0.5,
}
"""One "step" above a language minimum, per test (1 elsewhere); each step halves the
remaining credit."""


@dataclass(frozen=True)
class Gap:
    """One unmet gate."""

    kind: str
    requirement: str
    message: Message


@dataclass(frozen=True)
class PairOutcome:
    """The evaluation of one pair."""

    eligible: bool
    score: float
    components: Mapping[str, float]
    gaps: tuple[Gap, ...]
    flags: tuple[Note, ...]


class Scorer:
    """Evaluates pairs; holds what every pair of a run shares.

    Parameters
    ----------
    taxonomy : SkillTaxonomy
        For "is this skill within that one" questions.
    as_of : datetime.date
        The run's evaluation date (ages are computed on it).
    rates : ExchangeRateTable
        For comparing a worker's wage preference with the offered wage.
    weights : Mapping[str, float]
        Component weights (default :data:`DEFAULT_WEIGHTS`).
    """

    def __init__(
        self,
        taxonomy: SkillTaxonomy,
        as_of: dt.date,
        rates: ExchangeRateTable,
        weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    ) -> None:
        self.taxonomy = taxonomy
        self.as_of = as_of
        self.rates = rates
        self.weights = weights

    # ----------------------------------------------------------------- skills
    def _within(self, concept: str, broader: str) -> bool:
        return self.taxonomy.is_within(concept, broader)

    def _related(self, have: str, need: str) -> bool:
        """Partial credit: the worker's skill is broader than, or a sibling of, the need."""
        if self._within(need, have):
            return True
        parent = self.taxonomy[need].parent
        return parent is not None and self.taxonomy[have].parent == parent

    def _skill_credit(self, worker: WorkerFacts, concept: str, day: dt.date) -> float:
        best = 0.0
        for skill in worker.skills:
            if self._within(skill.concept, concept):
                base = 1.0
            elif self._related(skill.concept, concept):
                base = 0.5
            else:
                continue
            depth = 0.5 + 0.5 * min(skill.months, SKILL_MONTHS_FULL) / SKILL_MONTHS_FULL
            best = max(best, base * depth)
        if best < 0.5 and self._certified(worker, concept, day):
            best = 0.5  # a valid certificate shows the skill even if it is not listed
        return best

    def _certified(self, worker: WorkerFacts, concept: str, day: dt.date) -> bool:
        return any(
            c.valid_on(day) and any(self._within(k, concept) for k in c.concepts)
            for c in worker.certificates
        )

    def _skill_gaps(self, worker: WorkerFacts, need: SkillNeed, day: dt.date) -> list[Gap]:
        gaps: list[Gap] = []
        for concept in need.concepts:
            label = self._label(concept)
            held = [s for s in worker.skills if self._within(s.concept, concept)]
            certified = self._certified(worker, concept, day)
            if not held and not certified:
                have: Param = self._labels([s.concept for s in worker.skills])
                gaps.append(
                    Gap("skill", need.name, Message("skill_missing", {"need": label, "have": have}))
                )
                continue
            if need.min_level is not None and not any(
                (s.level or 0) >= need.min_level for s in held
            ):
                have = str(max((s.level for s in held if s.level), default="-"))
                params = {"need": label, "level": str(need.min_level), "have": have}
                gaps.append(Gap("skill", need.name, Message("skill_level", params)))
            if need.min_months is not None and not any(s.months >= need.min_months for s in held):
                have = f"{max((s.months for s in held), default=0)}"
                params = {"need": label, "months": str(need.min_months), "have": have}
                gaps.append(Gap("skill", need.name, Message("skill_months", params)))
            if need.certified and not certified:
                gaps.append(Gap("certificate", need.name, self._cert_message(worker, concept, day)))
        return gaps

    def _cert_message(self, worker: WorkerFacts, concept: str, day: dt.date) -> Message:
        expired = [
            c
            for c in worker.certificates
            if any(self._within(k, concept) for k in c.concepts) and c.expires is not None
        ]
        label = self._label(concept)
        if expired:
            last = max(expired, key=lambda c: c.expires or day)
            params = {
                "scheme": last.scheme,
                "need": label,
                "expired": str(last.expires),
                "day": day.isoformat(),
            }
            return Message("certificate_expired", params)
        have = ", ".join(f"{c.scheme} {c.name}" for c in worker.certificates) or (
            "none",
            "tidak ada",
        )
        params_missing = {"need": label, "day": day.isoformat(), "have": have}
        return Message("certificate_missing", params_missing)

    def _label(self, concept: str) -> tuple[str, str]:
        found = self.taxonomy[concept]
        return found.label_en, found.label_id

    def _labels(self, concepts: list[str]) -> tuple[str, str]:
        if not concepts:
            return "no listed skill", "tidak ada keahlian tercatat"
        names = [self._label(c) for c in dict.fromkeys(concepts)]
        return ", ".join(n[0] for n in names), ", ".join(n[1] for n in names)

    # --------------------------------------------------------------- language
    def _language_margin(self, worker: WorkerFacts, gate: LanguageGate, day: dt.date) -> float:
        """Steps above the requirement of the best valid result (-inf when none meets it)."""
        best = -math.inf
        for fact in worker.languages:
            if not language_result_valid(fact.test, fact.date, day, gate.validity.get(fact.test)):
                continue
            if gate.tests:
                for test, minimum in gate.tests:
                    if fact.test == test and meets_minimum(test, fact.result, minimum):
                        step = LANGUAGE_STEP.get(test, 1.0)
                        margin = (
                            native_rank(test, fact.result) - native_rank(test, minimum)
                        ) / step
                        best = max(best, margin)
            elif (
                gate.language is not None
                and gate.min_cefr is not None
                and fact.language == gate.language
                and fact.cefr is not None
                and cefr_rank(fact.cefr) >= cefr_rank(gate.min_cefr)
            ):
                best = max(best, float(cefr_rank(fact.cefr) - cefr_rank(gate.min_cefr)))
        return best

    def _language_gap(self, worker: WorkerFacts, gate: LanguageGate) -> Gap:
        if gate.tests:
            need = " or ".join(f"{t} {m}" for t, m in gate.tests)
            need_id = " atau ".join(f"{t} {m}" for t, m in gate.tests)
        else:
            need = need_id = f"{gate.language} {gate.min_cefr} (CEFR)"
        have = ", ".join(
            f"{f.test} {f.result}" + (f" ({f.date})" if f.date else "") for f in worker.languages
        ) or ("no language result", "tidak ada hasil tes bahasa")
        refused = [
            (t, why) for t, why in gate.not_accepted if any(f.test == t for f in worker.languages)
        ]
        if refused:
            test, why = refused[0]
            return Gap(
                "language", need, Message("language_not_accepted", {"test": test, "why": why})
            )
        return Gap("language", need, Message("language", {"have": have, "need": (need, need_id)}))

    # ------------------------------------------------------------------ gates
    def _age_gaps(self, worker: WorkerFacts, screened: ScreenedVacancy) -> list[Gap]:
        gaps = []
        for gate in screened.ages:
            if gate.first_entry is not None and any(
                e.country == gate.first_entry for e in worker.experience
            ):
                continue  # already entered that country: its first-entry window is past
            age = age_on(worker.birth_date, gate.day)
            params = {"age": str(age), "day": gate.day.isoformat(), "why": gate.why}
            raised = gate.min_by_education.get(worker.education or "")
            if raised is not None:
                years, months = raised
                if months_of_age_on(worker.birth_date, gate.day) < 12 * years + months:
                    need = f"{years} years {months} months ({worker.education})"
                    need_id = f"{years} tahun {months} bulan ({worker.education})"
                    message = Message("age_below", {**params, "min": (need, need_id)})
                    gaps.append(Gap("age", f"age >= {need}", message))
            elif gate.minimum is not None and age < gate.minimum:
                bound = (str(gate.minimum), f"{gate.minimum} tahun")
                message = Message("age_below", {**params, "min": bound})
                gaps.append(Gap("age", f"age >= {gate.minimum}", message))
            if gate.maximum is not None and age > gate.maximum:
                bound = (str(gate.maximum), f"{gate.maximum} tahun")
                message = Message("age_above", {**params, "max": bound})
                gaps.append(Gap("age", f"age <= {gate.maximum}", message))
        return gaps

    def _pack_gaps(self, worker: WorkerFacts, screened: ScreenedVacancy) -> list[Gap]:
        pack, vacancy, day = screened.pack, screened.vacancy, screened.day
        gaps: list[Gap] = []
        for gate in pack.health:
            value = {
                "fit_to_work": worker.fit_to_work,
                "colour_vision_normal": worker.colour_vision_normal,
            }[gate.gate]
            if value is not True:
                have = (
                    ("unknown (no health record)", "tidak diketahui (tidak ada catatan kesehatan)")
                    if value is None
                    else ("not met", "tidak memenuhi")
                )
                params: dict[str, Param] = {"gate": (gate.detail, gate.detail_id), "have": have}
                gaps.append(Gap("health", gate.gate, Message("health", params)))
        cap = pack.stay_cap_months
        if cap is not None:
            prior = sum(
                e.months
                for e in worker.experience
                if e.programme in cap.programmes
                or (e.programme is None and e.country in cap.countries)
            )
            contract = vacancy.contract_months or (pack.contract.max_months if pack.contract else 0)
            total = prior + (contract if cap.includes_contract else 0)
            if total > cap.months:
                plus = (
                    f" + {contract} months of this contract",
                    f" + {contract} bulan kontrak ini",
                )
                params = {
                    "months": str(prior),
                    "programmes": "/".join(cap.programmes),
                    "plus": plus if cap.includes_contract else "",
                    "cap": str(cap.months),
                }
                gaps.append(Gap("programme_rule", "stay cap", Message("stay_cap", params)))
        if pack.availability is not None and day > pack.availability.last_start_date:
            params = {"last": pack.availability.last_start_date.isoformat(), "day": day.isoformat()}
            gaps.append(
                Gap("programme_rule", "programme dates", Message("programme_closed", params))
            )
        for skill_gate in pack.skill_gates:
            if skill_gate.mode != "gate" or self._exempt(
                worker, screened, skill_gate.exemptions, skill_gate.id
            ):
                continue
            if not any(
                all(self._has_certificate(worker, c, screened) for c in route.certificates)
                and (route.experience is None or self._has_experience(worker, route.experience))
                for route in skill_gate.routes
            ):
                held: Param = ", ".join(f"{c.scheme} {c.name}" for c in worker.certificates) or (
                    "no certificate",
                    "tidak ada sertifikat",
                )
                params = {"what": (skill_gate.detail, skill_gate.detail_id), "have": held}
                gaps.append(Gap(skill_gate.gap_kind, skill_gate.id, Message("skill_test", params)))
        return gaps

    def _exempt(
        self, worker: WorkerFacts, screened: ScreenedVacancy, ids: tuple[str, ...], gate: str
    ) -> bool:
        """Whether an exemption named in ``ids`` waives ``gate`` (a skill gate id or
        ``language``): the pack marks that waiver verified, and the worker shows the
        exemption's experience and one of its certificates, valid on the start date and,
        where the pack says so, in the job's field (a "related field" waiver)."""
        for exemption in screened.pack.exemptions:
            if exemption.id not in ids or exemption.experience is None:
                continue
            if not any(e.gate == gate and e.status == "verified" for e in exemption.exempts):
                continue
            certified = not exemption.certificates_any or any(
                self._has_certificate(worker, need, screened)
                for need in exemption.certificates_any
            )
            if certified and self._has_experience(worker, exemption.experience):
                return True
        return False

    @staticmethod
    def _has_experience(worker: WorkerFacts, need: ExperienceRequirement) -> bool:
        months = sum(
            e.months
            for e in worker.experience
            if (need.country is None or e.country == need.country)
            and (need.programme is None or e.programme == need.programme)
        )
        return months >= need.min_months

    def _has_certificate(
        self, worker: WorkerFacts, need: CertificateRequirement, screened: ScreenedVacancy
    ) -> bool:
        return any(
            (need.scheme is None or cert.scheme == need.scheme)
            and cert.valid_on(screened.day)
            and (
                not need.name_contains_any
                or any(n.casefold() in cert.name.casefold() for n in need.name_contains_any)
            )
            and (not need.skill_matches_job or self._matches_job(cert, screened))
            for cert in worker.certificates
        )

    def _matches_job(self, cert: CertificateFact, screened: ScreenedVacancy) -> bool:
        """A skills test counts for the job when its field contains, or lies within, a
        skill the job asks for, or shares the job's ISCO unit group."""
        job = [c for need in screened.skills for c in need.concepts]
        isco = screened.vacancy.isco
        for concept in cert.concepts:
            if any(self._within(concept, j) or self._within(j, concept) for j in job):
                return True
            if isco is not None and isco in self.taxonomy[concept].isco:
                return True
        return False

    def _preference_gaps(self, worker: WorkerFacts, screened: ScreenedVacancy) -> list[Gap]:
        vacancy = screened.vacancy
        gaps = []
        if worker.preferred_countries and vacancy.country not in worker.preferred_countries:
            params: dict[str, Param] = {
                "countries": ", ".join(worker.preferred_countries),
                "country": vacancy.country,
            }
            gaps.append(Gap("preference", "countries", Message("preference_country", params)))
        if worker.min_monthly_wage is not None and screened.monthly_wage is not None:
            want, currency = worker.min_monthly_wage
            try:
                pays = convert_currency(
                    screened.monthly_wage,
                    vacancy.wage.currency,
                    currency,
                    self.as_of,
                    table=self.rates,
                )
            except ExchangeRateError:
                return gaps
            if pays.amount < want:
                wanted, paid = number_text(want), number_text(pays.amount)
                params = {
                    "want": (f"{wanted[0]} {currency}", f"{wanted[1]} {currency}"),
                    "pays": (f"{paid[0]} {currency}", f"{paid[1]} {currency}"),
                    "rate": (f"{pays.rate:g}", f"{pays.rate:g}".replace(".", ",")),
                    "day": str(pays.rate_date),
                }
                gaps.append(
                    Gap("preference", "min_monthly_wage", Message("preference_wage", params))
                )
        return gaps

    def _experience_months(
        self, worker: WorkerFacts, targets: tuple[str, ...]
    ) -> tuple[int, float]:
        """Months in the target unit groups exactly, and months weighted by closeness."""
        exact, weighted = 0, 0.0
        for entry in worker.experience:
            if entry.isco is None or not is_unit_group(entry.isco):
                continue
            credit = max(
                (ISCO_CREDIT.get(isco_relation(entry.isco, t), 0.0) for t in targets), default=0.0
            )
            exact += entry.months if entry.isco in targets else 0
            weighted += credit * entry.months
        return exact, weighted

    # ---------------------------------------------------------------- the pair
    def evaluate(self, worker: WorkerFacts, screened: ScreenedVacancy) -> PairOutcome:
        """Evaluate one pair.

        Parameters
        ----------
        worker : WorkerFacts
            The worker, read once per run.
        screened : ScreenedVacancy
            The job order after screening (not refused).

        Returns
        -------
        PairOutcome
            Eligibility, gaps, score, components and flags.
        """
        day = screened.day
        gaps = self._age_gaps(worker, screened)
        for need in screened.skills:
            if need.required:
                gaps.extend(self._skill_gaps(worker, need, day))
        margins = [self._language_margin(worker, gate, day) for gate in screened.languages]
        for gate, margin in zip(screened.languages, margins, strict=True):
            # An exemption (TITP (ii) completion for SSW (i)) waives the gate but shows no
            # language ability, so it earns no language credit.
            if (
                gate.required
                and margin == -math.inf
                and not (
                    gate.exemptions and self._exempt(worker, screened, gate.exemptions, "language")
                )
            ):
                gaps.append(self._language_gap(worker, gate))
        targets = screened.experience_isco or (
            (screened.vacancy.isco,) if screened.vacancy.isco else ()
        )
        exact, weighted = self._experience_months(worker, targets)
        if screened.experience_min_months and exact < screened.experience_min_months:
            isco: Param = "/".join(targets) or ("any occupation", "pekerjaan apa pun")
            params = {
                "months": str(screened.experience_min_months),
                "isco": isco,
                "have": str(exact),
            }
            gaps.append(
                Gap(
                    "experience",
                    f"{screened.experience_min_months} months",
                    Message("experience", params),
                )
            )
        if worker.fit_to_work is False:
            gaps.append(Gap("health", "fit to work", Message("unfit")))
        gaps.extend(self._pack_gaps(worker, screened))
        gaps.extend(self._preference_gaps(worker, screened))
        if worker.passport_expires is not None and worker.passport_expires < day:
            params = {"expires": worker.passport_expires.isoformat(), "day": day.isoformat()}
            gaps.append(Gap("document", "passport", Message("passport_expired", params)))

        components, measured = self._components(worker, screened, margins, weighted, targets)
        weights = screened.weights or self.weights
        total = sum(weights[c] for c in measured)
        score = sum(weights[c] * components[c] for c in measured) / total if total else 1.0
        return PairOutcome(
            eligible=not gaps,
            score=score,
            components=components,
            # The same gate can come from Indonesian law, the rule pack and the job order
            # (age 18, JLPT N4): one gap per requirement is enough.
            gaps=tuple(_first_per_requirement(gaps)),
            flags=tuple(self._flags(worker, screened)),
        )

    def _components(
        self,
        worker: WorkerFacts,
        screened: ScreenedVacancy,
        margins: list[float],
        weighted_months: float,
        targets: tuple[str, ...],
    ) -> tuple[dict[str, float], list[str]]:
        day = screened.day
        components = dict.fromkeys(DEFAULT_WEIGHTS, 1.0)
        measured = []
        needs = screened.skills
        if needs:
            components["skills"] = _weighted(needs, lambda c: self._skill_credit(worker, c, day))
            components["certification"] = _weighted(
                needs, lambda c: float(self._certified(worker, c, day))
            )
            measured += ["skills", "certification"]
        if screened.languages:
            components["language"] = sum(
                0.0 if m == -math.inf else 1.0 - 0.5 * 2.0 ** (-m) for m in margins
            ) / len(margins)
            measured.append("language")
        if targets:
            components["experience"] = 1.0 - math.exp(-weighted_months / EXPERIENCE_SCALE)
            measured.append("experience")
        return components, measured

    def _flags(self, worker: WorkerFacts, screened: ScreenedVacancy) -> list[Note]:
        flags = list(screened.flags)
        for gate in screened.languages:
            for what in gate.unverified:
                params = {
                    "rule": what,
                    "pack": gate.origin,
                    "detail": ("set per recruitment round", "ditetapkan per putaran rekrutmen"),
                }
                flags.append(Note("unverified_rule", Message("unverified", params), gate.source))
        for age in screened.ages:
            if age.unverified:
                params = {
                    "rule": ("age window", "batas usia"),
                    "pack": age.why,
                    "detail": f"{age.minimum}-{age.maximum}",
                }
                flags.append(Note("unverified_rule", Message("unverified", params), age.source))
        contract = screened.vacancy.contract_months
        if worker.passport_expires is not None and contract is not None:
            ends = _add_months(screened.day, contract)
            if screened.day <= worker.passport_expires < ends:
                params = {"expires": worker.passport_expires.isoformat(), "ends": ends.isoformat()}
                flags.append(Note("document_expiring", Message("document_expiring", params), None))
        return flags


def language_result_valid(
    test: str, issued: dt.date | None, day: dt.date, pack_months: int | None
) -> bool:
    """Whether a language result counts on ``day``.

    Parameters
    ----------
    test : str
        The test.
    issued : datetime.date or None
        The result's date (``languages[].date``), None when not given.
    day : datetime.date
        The job order's start date (or ``as_of``).
    pack_months : int or None
        The rule pack's validity period for the test (EPS-TOPIK: 24), if it sets one.

    Returns
    -------
    bool
        With a period (the pack's, else the test's own): issued on or before ``day`` and
        ``day`` within the period; an undated result cannot be shown valid. Without any
        period: issued on or before ``day``, or undated (JLPT results do not expire).
    """
    if issued is None:
        return pack_months is None and validity_months(test) is None
    if pack_months is None:
        return test_valid_on(test, issued, day)
    return issued <= day <= _add_months(issued, pack_months)


def _weighted(needs: Sequence[SkillNeed], credit: Callable[[str], float]) -> float:
    """Weighted mean over requirements of the mean credit of each requirement's concepts."""
    weight = sum(n.weight for n in needs)
    return (
        sum(n.weight * sum(credit(c) for c in n.concepts) / len(n.concepts) for n in needs) / weight
    )


def _first_per_requirement(gaps: list[Gap]) -> list[Gap]:
    first: dict[tuple[str, str], Gap] = {}
    for gap in gaps:
        first.setdefault((gap.kind, gap.requirement), gap)
    return list(first.values())


def _month_end(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, min(day.day, _month_end(day.year + year, month + 1)))
