"""The flags of one pair: matters for an officer's review that change neither eligibility
nor the score (the kernel has no counterpart: flags are read for the pairs shown only)."""

from __future__ import annotations

from matcher.dates import add_months
from matcher.rules.screening import Note, ScreenedVacancy
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.reference.context import broader_held, label, labels
from matcher.taxonomy.skills import SkillTaxonomy
from matcher.text.messages import Message, Param

__all__ = ["pair_flags"]


def pair_flags(
    taxonomy: SkillTaxonomy, worker: WorkerFacts, screened: ScreenedVacancy
) -> list[Note]:
    """The job order's own flags, its unverified rules, optional skills met only in part
    by a broader skill, and a passport expiring during the contract."""
    flags = list(screened.flags)
    for gate in screened.languages:
        for what in gate.unverified:
            params: dict[str, Param] = {
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
    for need in screened.skills:
        for concept in need.concepts if not need.required else ():
            broader = broader_held(taxonomy, worker, concept)
            if broader and not any(taxonomy.is_within(s.concept, concept) for s in worker.skills):
                # A required one has its gap (skill_broader); an optional one says why
                # its credit is partial.
                params = {"need": label(taxonomy, concept), "have": labels(taxonomy, broader)}
                flags.append(Note("skill_partial", Message("skill_partial", params), None))
    contract = screened.vacancy.contract_months
    if worker.passport_expires is not None and contract is not None:
        ends = add_months(screened.day, contract)
        if screened.day <= worker.passport_expires < ends:
            params = {"expires": worker.passport_expires.isoformat(), "ends": ends.isoformat()}
            flags.append(Note("document_expiring", Message("document_expiring", params), None))
    return flags
