"""A reintegration run: read returnees, screen opportunities, score, rank, explain.

The kernel (:class:`~matcher.reintegration.kernel.ReintegrationKernel`) scores and
selects; every pair it selects is evaluated again by the reference
(:class:`~matcher.reintegration.reference.ReintegrationScorer`) for its gaps, flags and
recognised levels, and :func:`matcher.scoring.publish.check_agreement` stops the run on a
disagreement rather than publish it. Ranking is :mod:`matcher.scoring.publish`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from matcher.options import ReintegrateFor
from matcher.reintegration.facts import ReturneeFacts, returnee_facts
from matcher.reintegration.kernel import ReintegrationKernel, TopBothWays
from matcher.reintegration.params import ReintegrationParams
from matcher.reintegration.recognition_rules import RecognitionRules
from matcher.reintegration.reference import ReintegrationOutcome, ReintegrationScorer
from matcher.reintegration.screening import ScreenedOpportunity, screen_opportunities
from matcher.reintegration.wage_floors import MinimumWageTable
from matcher.rules.exchange_rates import ExchangeRateTable, load_exchange_rates
from matcher.rules.types import RulePack
from matcher.scoring.explain import with_explanation
from matcher.scoring.matching import pair_fields, reason_record
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import by_id, check_agreement, ranked
from matcher.scoring.ranked_run import RankedRun
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.text.messages import Lang
from models.opportunity import Opportunity
from models.reintegration_results import (
    OpportunityRefusal,
    Recognised,
    ReintegrationResult,
)
from models.worker import Worker

__all__ = [
    "ReintegrateFor",
    "ReintegrationRun",
    "explain_reintegration",
    "prepare_reintegration",
    "records_for",
]


_Pair = tuple[ReturneeFacts, ScreenedOpportunity, ReintegrationOutcome]


@dataclass(frozen=True)
class ReintegrationRun(RankedRun[ReintegrateFor, ReintegrationResult]):
    """Returnees read and opportunities screened, ready to rank (:meth:`RankedRun.rank`:
    ``returnees`` by default, or ``opportunities``) or explain."""

    default_direction: ClassVar[str] = "returnees"

    returnees: tuple[ReturneeFacts, ...]
    opportunities: tuple[ScreenedOpportunity, ...]
    params: ScoringParams
    reintegration: ReintegrationParams

    @cached_property
    def scorer(self) -> ReintegrationScorer:
        """The reference scorer of the run."""
        return ReintegrationScorer(self.params, self.reintegration)

    @cached_property
    def kernel(self) -> ReintegrationKernel:
        """The kernel over the run's returnees."""
        return ReintegrationKernel(self.returnees, self.params, self.reintegration)

    def refusals(self, lang: Lang = "en") -> list[OpportunityRefusal]:
        """Refusal records of the refused opportunities, in input order."""
        return [
            OpportunityRefusal(
                opportunity_id=o.id,
                reasons=[reason_record(n, lang) for n in o.refusals],
            )
            for o in self.opportunities
            if o.refused
        ]

    def evaluate(self, returnee_id: str, opportunity_id: str) -> _Pair:
        """Evaluate one pair by ids (refused opportunities included).

        Raises
        ------
        KeyError
            If either id is not in the run.
        """
        returnee = by_id(self.returnees, returnee_id, lambda r: r.id, "returnee")
        found = by_id(self.opportunities, opportunity_id, lambda o: o.id, "opportunity")
        return returnee, found, self.scorer.evaluate(returnee, found)

    def _by_reference(
        self, direction: str, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[ReintegrationResult]:
        if direction == "returnees":
            open_ = [o for o in self.opportunities if not o.refused]
            for returnee in self.returnees:
                pairs = [(returnee, o, self.scorer.evaluate(returnee, o)) for o in open_]
                yield from _ranked(pairs, lambda p: p[1].id, top, include_ineligible, lang)
        else:
            for found in (o for o in self.opportunities if not o.refused):
                pairs = [(r, found, self.scorer.evaluate(r, found)) for r in self.returnees]
                yield from _ranked(pairs, lambda p: p[0].id, top, include_ineligible, lang)

    def _by_kernel(
        self, direction: str, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[ReintegrationResult]:
        best = self.kernel.top(
            self.opportunities, k=top or None, include_ineligible=include_ineligible
        )
        if direction == "returnees":
            for i in range(len(self.returnees)):
                yield from self.selected_for(best, i, top, include_ineligible, lang)
        else:
            for found, chosen in zip(self.opportunities, best.returnees, strict=True):
                if chosen is None:
                    continue
                pairs = [
                    _checked(self.scorer, self.returnees[i], found, bool(ok), float(score))
                    for i, ok, score in zip(*chosen, strict=True)
                ]
                yield from _ranked(pairs, lambda p: p[0].id, top, include_ineligible, lang)

    def selected_for(
        self, best: TopBothWays, row: int, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[ReintegrationResult]:
        """The records of one returnee's opportunities the kernel selected.

        Parameters
        ----------
        best : TopBothWays
            From ``self.kernel.top(self.opportunities, ...)`` with at least ``top`` per
            returnee (and ``include_ineligible`` when it is asked for here).
        row : int
            The returnee's position in ``self.returnees``.
        top, include_ineligible, lang
            As :meth:`rank` takes them.

        Yields
        ------
        ReintegrationResult
            By rank, each pair evaluated again by the reference.
        """
        chosen = [
            (self.opportunities[j], bool(ok), float(score))
            for j, ok, score in zip(
                best.opportunities[row],
                best.opportunity_eligible[row],
                best.opportunity_score[row],
                strict=True,
            )
            if j >= 0
        ]
        yield from records_for(
            self.scorer, self.returnees[row], chosen, top, include_ineligible, lang
        )


def records_for(
    scorer: ReintegrationScorer,
    returnee: ReturneeFacts,
    chosen: Sequence[tuple[ScreenedOpportunity, bool, float]],
    top: int,
    include_ineligible: bool,
    lang: Lang,
) -> Iterator[ReintegrationResult]:
    """The records of one returnee's opportunities a kernel selected.

    Parameters
    ----------
    scorer : ReintegrationScorer
        The reference of the run (or book) that selected them.
    returnee : ReturneeFacts
    chosen : sequence of (ScreenedOpportunity, eligible, score)
        The kernel's selection with its eligibility and score, each checked against the
        reference (:func:`matcher.scoring.publish.check_agreement`).
    top, include_ineligible, lang
        As :meth:`ReintegrationRun.rank` takes them.

    Yields
    ------
    ReintegrationResult
        By rank, each pair evaluated again by the reference.
    """
    pairs = [_checked(scorer, returnee, found, ok, score) for found, ok, score in chosen]
    yield from _ranked(pairs, lambda p: p[1].id, top, include_ineligible, lang)


def _checked(
    scorer: ReintegrationScorer,
    returnee: ReturneeFacts,
    found: ScreenedOpportunity,
    eligible: bool,
    score: float,
) -> _Pair:
    outcome = scorer.evaluate(returnee, found)
    check_agreement(
        f"{returnee.id}/{found.id}", (eligible, score), (outcome.eligible, outcome.score)
    )
    return returnee, found, outcome


def _ranked(
    pairs: list[_Pair],
    other: Callable[[_Pair], str],
    top: int,
    include_ineligible: bool,
    lang: Lang,
) -> Iterator[ReintegrationResult]:
    order = ranked(pairs, lambda p: (p[2].eligible, p[2].score), other, top, include_ineligible)
    for rank, (returnee, found, outcome) in order:
        yield result_record(returnee, found, outcome, rank, lang)


def result_record(
    returnee: ReturneeFacts,
    found: ScreenedOpportunity,
    outcome: ReintegrationOutcome,
    rank: int,
    lang: Lang,
) -> ReintegrationResult:
    """The FORMAT.md v2 record of one evaluated pair (parameters as
    :func:`matcher.scoring.matching.result_record` takes them)."""
    return ReintegrationResult(
        opportunity_id=found.id,
        worker_id=returnee.id,
        rank=rank,
        **pair_fields(outcome, lang),
        recognised=[Recognised.model_validate(r.record()) for r in outcome.recognised],
        proximity=outcome.proximity,
    )


def explain_reintegration(
    run: ReintegrationRun, returnee_id: str, opportunity_id: str, lang: Lang
) -> dict[str, Any]:
    """The record of one pair with a readable explanation.

    Parameters
    ----------
    run : ReintegrationRun
    returnee_id, opportunity_id : str
    lang : {"en", "id"}

    Returns
    -------
    dict
        The pair record (``rank`` among every returnee of the run for the opportunity,
        ineligible ones included; 1 when it is refused), ``refused`` reasons when the
        opportunity is refused, and ``explanation``: one line per component, recognised
        level, gap and flag, in ``lang``.

    Raises
    ------
    KeyError
        If either id is not in the run.
    """
    returnee, found, outcome = run.evaluate(returnee_id, opportunity_id)
    rank = 1
    if not found.refused:
        alone = ReintegrationRun(run.returnees, (found,), run.params, run.reintegration)
        ranked = alone.rank("opportunities", top=0, include_ineligible=True, lang=lang)
        rank = next((r.rank for r in ranked if r.worker_id == returnee_id), 1)
    record = result_record(returnee, found, outcome, rank, lang).model_dump()
    words = _WORDS[lang]
    lines = [f"{words[name]}: {value:.2f}" for name, value in outcome.components.items()]
    lines.append(f"{words['proximity_tier']}: {words[outcome.proximity]}")
    lines += [
        f"{words['recognised']}: {r.skill} {words['level']} {r.level} "
        f"({'; '.join(e.text() for e in r.evidence)})"
        for r in outcome.recognised
    ]
    refusals = found.refusals if found.refused else None
    return with_explanation(record, lines, outcome.gaps, outcome.flags, refusals, words, lang)


_WORDS: Mapping[Lang, Mapping[str, str]] = {
    "en": {
        "skills": "skills",
        "certification": "certification",
        "language": "language",
        "experience": "experience",
        "proximity": "proximity",
        "proximity_tier": "where",
        "regency": "in the returnee's own regency",
        "province": "in the returnee's province",
        "island": "in the returnee's island group",
        "elsewhere": "elsewhere",
        "recognised": "recognised",
        "level": "level",
        "gap": "gap",
        "flag": "flag",
        "refused": "the opportunity is refused: it gets no candidates",
    },
    "id": {
        "skills": "keahlian",
        "certification": "sertifikasi",
        "language": "bahasa",
        "experience": "pengalaman",
        "proximity": "kedekatan",
        "proximity_tier": "lokasi",
        "regency": "di kabupaten/kota tempat tinggal",
        "province": "di provinsi tempat tinggal",
        "island": "di gugus pulau tempat tinggal",
        "elsewhere": "di tempat lain",
        "recognised": "diakui",
        "level": "level",
        "gap": "kekurangan",
        "flag": "catatan",
        "refused": "peluang ditolak: tidak ada kandidat",
    },
}


def prepare_reintegration(
    returnees: Sequence[Worker],
    opportunities: Sequence[Opportunity],
    as_of: dt.date,
    *,
    rates: ExchangeRateTable | None = None,
    wages: MinimumWageTable | None = None,
    recognition: RecognitionRules | None = None,
    packs: dict[str, RulePack] | None = None,
    reintegration: ReintegrationParams | None = None,
) -> ReintegrationRun:
    """Read returnees, screen opportunities and set up the scorers for one evaluation date.

    Parameters
    ----------
    returnees, opportunities : sequences of validated records
    as_of : datetime.date
        The evaluation date.
    rates, wages, recognition, packs : optional
        Replacement exchange-rate, minimum-wage, recognition and rule-pack tables; the
        shipped ones by default.
    reintegration : ReintegrationParams, optional
        The proximity component; the defaults when omitted.

    Returns
    -------
    ReintegrationRun
    """
    skills = default_skill_normalizer()
    rates = rates or load_exchange_rates()
    facts = returnee_facts(
        returnees, skills, default_occupation_normalizer(), as_of, rules=recognition
    )
    screened = screen_opportunities(
        opportunities, as_of, skills, wages=wages, rates=rates, packs=packs
    )
    params = ScoringParams(skills.taxonomy, as_of, rates)
    return ReintegrationRun(
        tuple(facts), tuple(screened), params, reintegration or ReintegrationParams()
    )
