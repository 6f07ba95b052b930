"""The gates of one pair: every unmet one is a :class:`Gap` saying what the worker has and
what would close it (the kernel's counterpart is :mod:`matcher.scoring.kernel.gates`).

A pair is eligible when every gate holds: Indonesian law and the rule pack (age, accepted
language tests and their validity, skill tests, health, stay caps, programme dates), the
job order's required skills, certificates, languages and experience, and the worker's own
preferences.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from matcher.dates import age_on, months_of_age_on
from matcher.rules.exchange_rates import ExchangeRateError, convert_currency
from matcher.rules.screening import LanguageGate, ScreenedVacancy, SkillNeed
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.params import ScoringParams
from matcher.scoring.reference.context import (
    broader_held,
    certified,
    exempt,
    has_certificate,
    has_experience,
    label,
    labels,
)
from matcher.scoring.reference.results import Gap
from matcher.taxonomy.skills import SkillTaxonomy
from matcher.text.messages import Message, Param, number_text

__all__ = ["pair_gaps"]


def pair_gaps(
    params: ScoringParams,
    worker: WorkerFacts,
    screened: ScreenedVacancy,
    margins: Sequence[float],
    exact_months: int,
) -> list[Gap]:
    """Every unmet gate of a pair, in the order the gates are checked.

    Parameters
    ----------
    params : ScoringParams
    worker : WorkerFacts
    screened : ScreenedVacancy
        Not refused.
    margins : sequence of float
        Per language gate of ``screened``, the best margin (-inf when none meets it).
    exact_months : int
        Months of experience in the target unit groups.

    Returns
    -------
    list of Gap
        Possibly several for one requirement (law, pack and job order can each ask).
    """
    taxonomy, day = params.taxonomy, screened.day
    gaps = age_gaps(worker, screened)
    for need in screened.skills:
        if need.required:
            gaps.extend(skill_gaps(taxonomy, worker, need, day))
    for gate, margin in zip(screened.languages, margins, strict=True):
        # An exemption (TITP (ii) completion for SSW (i)) waives the gate but shows no
        # language ability, so it earns no language credit.
        if (
            gate.required
            and margin == -math.inf
            and not (
                gate.exemptions and exempt(taxonomy, worker, screened, gate.exemptions, "language")
            )
        ):
            gaps.append(language_gap(worker, gate))
    gaps.extend(experience_gaps(screened, exact_months))
    if worker.fit_to_work is False:
        gaps.append(Gap("health", "fit to work", Message("unfit")))
    gaps.extend(pack_gaps(taxonomy, worker, screened))
    gaps.extend(preference_gaps(params, worker, screened))
    if worker.passport_expires is not None and worker.passport_expires < day:
        dates = {"expires": worker.passport_expires.isoformat(), "day": day.isoformat()}
        gaps.append(Gap("document", "passport", Message("passport_expired", dates)))
    return gaps


def age_gaps(worker: WorkerFacts, screened: ScreenedVacancy) -> list[Gap]:
    """Age windows of law, pack and job order (with minima raised by education)."""
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


def skill_gaps(
    taxonomy: SkillTaxonomy, worker: WorkerFacts, need: SkillNeed, day: dt.date
) -> list[Gap]:
    """A required skill: held (or certified), at the level, months and certification asked."""
    gaps: list[Gap] = []
    for concept in need.concepts:
        name = label(taxonomy, concept)
        held = [s for s in worker.skills if taxonomy.is_within(s.concept, concept)]
        shown = certified(taxonomy, worker, concept, day)
        if not held and not shown:
            # Held only as a broader skill: met in part in the score, still a gap here.
            broader = broader_held(taxonomy, worker, concept)
            have: Param = labels(taxonomy, broader or [s.concept for s in worker.skills])
            kind = "skill_broader" if broader else "skill_missing"
            gaps.append(Gap("skill", need.name, Message(kind, {"need": name, "have": have})))
            continue
        if need.min_level is not None and not any((s.level or 0) >= need.min_level for s in held):
            have = str(max((s.level for s in held if s.level), default="-"))
            params = {"need": name, "level": str(need.min_level), "have": have}
            gaps.append(Gap("skill", need.name, Message("skill_level", params)))
        if need.min_months is not None and not any(s.months >= need.min_months for s in held):
            have = f"{max((s.months for s in held), default=0)}"
            params = {"need": name, "months": str(need.min_months), "have": have}
            gaps.append(Gap("skill", need.name, Message("skill_months", params)))
        if need.certified and not shown:
            message = _certificate_message(taxonomy, worker, concept, day)
            gaps.append(Gap("certificate", need.name, message))
    return gaps


def _certificate_message(
    taxonomy: SkillTaxonomy, worker: WorkerFacts, concept: str, day: dt.date
) -> Message:
    expired = [
        c
        for c in worker.certificates
        if any(taxonomy.is_within(k, concept) for k in c.concepts) and c.expires is not None
    ]
    name = label(taxonomy, concept)
    if expired:
        last = max(expired, key=lambda c: c.expires or day)
        params = {
            "scheme": last.scheme,
            "need": name,
            "expired": str(last.expires),
            "day": day.isoformat(),
        }
        return Message("certificate_expired", params)
    have = ", ".join(f"{c.scheme} {c.name}" for c in worker.certificates) or (
        "none",
        "tidak ada",
    )
    params_missing = {"need": name, "day": day.isoformat(), "have": have}
    return Message("certificate_missing", params_missing)


def language_gap(worker: WorkerFacts, gate: LanguageGate) -> Gap:
    """The gap of a language gate no valid result meets."""
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
        return Gap("language", need, Message("language_not_accepted", {"test": test, "why": why}))
    return Gap("language", need, Message("language", {"have": have, "need": (need, need_id)}))


def experience_gaps(screened: ScreenedVacancy, exact_months: int) -> list[Gap]:
    """Months of experience in the target unit groups below the job order's minimum."""
    minimum = screened.experience_min_months
    if not minimum or exact_months >= minimum:
        return []
    isco: Param = "/".join(screened.experience_targets) or ("any occupation", "pekerjaan apa pun")
    params: dict[str, Param] = {"months": str(minimum), "isco": isco, "have": str(exact_months)}
    return [Gap("experience", f"{minimum} months", Message("experience", params))]


def pack_gaps(taxonomy: SkillTaxonomy, worker: WorkerFacts, screened: ScreenedVacancy) -> list[Gap]:
    """The rule pack's own gates: health, the stay cap, programme dates and skill tests."""
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
            health: dict[str, Param] = {"gate": (gate.detail, gate.detail_id), "have": have}
            gaps.append(Gap("health", gate.gate, Message("health", health)))
    cap = pack.stay_cap_months
    if cap is not None:
        prior = sum(
            e.months
            for e in worker.experience
            if e.programme in cap.programmes or (e.programme is None and e.country in cap.countries)
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
        gaps.append(Gap("programme_rule", "programme dates", Message("programme_closed", params)))
    for skill_gate in pack.skill_gates:
        if skill_gate.mode != "gate" or exempt(
            taxonomy, worker, screened, skill_gate.exemptions, skill_gate.id
        ):
            continue
        if not any(
            all(has_certificate(taxonomy, worker, c, screened) for c in route.certificates)
            and (route.experience is None or has_experience(worker, route.experience))
            for route in skill_gate.routes
        ):
            held: Param = ", ".join(f"{c.scheme} {c.name}" for c in worker.certificates) or (
                "no certificate",
                "tidak ada sertifikat",
            )
            test: dict[str, Param] = {
                "what": (skill_gate.detail, skill_gate.detail_id),
                "have": held,
            }
            gaps.append(Gap(skill_gate.gap_kind, skill_gate.id, Message("skill_test", test)))
    return gaps


def preference_gaps(
    params: ScoringParams, worker: WorkerFacts, screened: ScreenedVacancy
) -> list[Gap]:
    """The worker's own preferences: countries, and the least monthly wage she takes."""
    vacancy = screened.vacancy
    gaps = []
    if worker.preferred_countries and vacancy.country not in worker.preferred_countries:
        where: dict[str, Param] = {
            "countries": ", ".join(worker.preferred_countries),
            "country": vacancy.country,
        }
        gaps.append(Gap("preference", "countries", Message("preference_country", where)))
    if worker.min_monthly_wage is not None and screened.monthly_wage is not None:
        want, currency = worker.min_monthly_wage
        try:
            pays = convert_currency(
                screened.monthly_wage,
                vacancy.wage.currency,
                currency,
                params.as_of,
                table=params.rates,
            )
        except ExchangeRateError:
            return gaps
        if pays.amount < want:
            wanted, paid = number_text(want), number_text(pays.amount)
            wage: dict[str, Param] = {
                "want": (f"{wanted[0]} {currency}", f"{wanted[1]} {currency}"),
                "pays": (f"{paid[0]} {currency}", f"{paid[1]} {currency}"),
                "rate": (f"{pays.rate:g}", f"{pays.rate:g}".replace(".", ",")),
                "day": str(pays.rate_date),
            }
            gaps.append(Gap("preference", "min_monthly_wage", Message("preference_wage", wage)))
    return gaps
