"""A matching run: read the pool, screen the job orders, score, rank, explain.

Ranking follows docs/format.md as :mod:`matcher.scoring.publish` defines it: eligible pairs
first, then the published score descending, then the other side's id ascending, so
results are deterministic. Refused job orders get no candidates and are reported as
refusals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Protocol, runtime_checkable

from matcher.options import Direction
from matcher.rules.exchange_rates import ExchangeRateTable, load_exchange_rates
from matcher.rules.packs import load_rule_packs
from matcher.rules.screening import Note, ScreenedVacancy, screen_vacancies
from matcher.rules.types import RulePack
from matcher.scoring.encoding import EncodedPool, encode_pool, on_day
from matcher.scoring.facts import WorkerFacts, worker_facts
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import by_id, check_agreement, published, ranked
from matcher.scoring.ranked_run import RankedRun
from matcher.scoring.reference import PairOutcome, Scorer
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.text.messages import Lang, render
from models.agency import Agency
from models.results import Flag, Gap, MatchResult, Reason, Refusal
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["Direction", "MatchRun", "pair_fields", "prepare_run", "reason_record", "run_from_facts"]


def _id(worker: WorkerFacts) -> str:
    return worker.id


@runtime_checkable
class Fetching(Protocol):
    """A pool's facts made when first read, which can make many at once (faster): a
    run fetches the workers it is about to show."""

    def fetch(self, rows: Iterable[int]) -> None:
        """Make the facts of the workers at ``rows``."""


@dataclass(frozen=True)
class MatchRun(RankedRun[Direction, MatchResult]):
    """A pool and job orders read and screened, ready to rank (:meth:`RankedRun.rank`:
    ``vacancies`` by default, or ``workers``) or explain.

    ``encoded`` is the pool already encoded (a pool snapshot's, :mod:`matcher.pool`), for
    any evaluation date: the run dates it; None encodes ``workers`` when first needed.
    ``n_jobs`` is the processes the kernel ranks the job orders in (``vacancies``; -1: one
    per core): ``PoolScorer.top_workers(n_jobs=...)``, the same records for every value.
    """

    default_direction: ClassVar[str] = "vacancies"

    workers: Sequence[WorkerFacts]
    vacancies: tuple[ScreenedVacancy, ...]
    params: ScoringParams
    encoded: EncodedPool | None = None
    n_jobs: int = 1

    @cached_property
    def pool(self) -> EncodedPool:
        """The pool as columns on the run's date, encoded once per run: ranking, the
        reasons given for a job order nobody fits and allocation read the same encoding
        (encoding 100,000 workers took as long as reading them)."""
        if self.encoded is not None:
            return on_day(self.encoded, self.params.as_of)
        return encode_pool(self.workers, self.params.taxonomy, self.params.as_of)

    @cached_property
    def scorer(self) -> Scorer:
        """The reference scorer of the run's parameters."""
        return Scorer(self.params)

    @cached_property
    def kernel(self) -> PoolScorer:
        """The vectorized scorer over :attr:`pool`."""
        return PoolScorer(self.pool, self.params)

    def refusals(self, lang: Lang = "en") -> list[Refusal]:
        """Refusal records of the refused job orders, in input order."""
        return [
            Refusal(vacancy_id=v.vacancy.id, reasons=[reason_record(n, lang) for n in v.refusals])
            for v in self.vacancies
            if v.refused
        ]

    def evaluate(
        self, worker_id: str, vacancy_id: str
    ) -> tuple[WorkerFacts, ScreenedVacancy, PairOutcome]:
        """Evaluate one pair by ids (for ``explain``).

        Raises
        ------
        KeyError
            If either id is not in the run.
        """
        if self.encoded is None:
            worker = by_id(self.workers, worker_id, lambda w: w.id, "worker")
        else:
            # Looked up among the encoded ids: a pool whose facts are made when read
            # (matcher.pool.columnar.RowFacts) makes only this worker's.
            ids = self.encoded.ids
            at = ids.index(worker_id) if worker_id in ids else None
            worker = by_id(() if at is None else (self.workers[at],), worker_id, _id, "worker")
        screened = by_id(self.vacancies, vacancy_id, lambda v: v.vacancy.id, "job order")
        return worker, screened, self.scorer.evaluate(worker, screened)

    def _by_reference(
        self, direction: str, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[MatchResult]:
        open_orders = [v for v in self.vacancies if not v.refused]
        if direction == "vacancies":
            for screened in open_orders:
                pairs = [(w, screened, self.scorer.evaluate(w, screened)) for w in self.workers]
                yield from self._ranked(pairs, lambda p: p[0].id, top, include_ineligible, lang)
        else:
            for worker in self.workers:
                pairs = [(worker, v, self.scorer.evaluate(worker, v)) for v in open_orders]
                yield from self._ranked(
                    pairs, lambda p: p[1].vacancy.id, top, include_ineligible, lang
                )

    def _by_kernel(
        self, direction: str, top: int, include_ineligible: bool, lang: Lang
    ) -> Iterator[MatchResult]:
        open_orders = [v for v in self.vacancies if not v.refused]
        kernel, k = self.kernel, top or None
        if direction == "vacancies":
            chosen = kernel.top_workers(
                open_orders, k=k, include_ineligible=include_ineligible, n_jobs=self.n_jobs
            )
            if isinstance(self.workers, Fetching):
                self.workers.fetch(w for found in chosen if found for w in found.workers.tolist())
            for screened, found in zip(open_orders, chosen, strict=True):
                assert found is not None
                pairs = [
                    self._checked(self.workers[i], screened, bool(ok), float(score))
                    for i, ok, score in zip(found.workers, found.eligible, found.score, strict=True)
                ]
                yield from self._ranked(pairs, lambda p: p[0].id, top, include_ineligible, lang)
        else:
            best = kernel.top_vacancies(open_orders, k=k, include_ineligible=include_ineligible)
            for i, worker in enumerate(self.workers):
                pairs = [
                    self._checked(worker, open_orders[j], bool(ok), float(score))
                    for j, ok, score in zip(
                        best.vacancies[i], best.eligible[i], best.score[i], strict=True
                    )
                    if j >= 0
                ]
                yield from self._ranked(
                    pairs, lambda p: p[1].vacancy.id, top, include_ineligible, lang
                )

    def _checked(
        self, worker: WorkerFacts, screened: ScreenedVacancy, eligible: bool, score: float
    ) -> tuple[WorkerFacts, ScreenedVacancy, PairOutcome]:
        """The reference evaluation of a pair the kernel selected, checked against it."""
        outcome = self.scorer.evaluate(worker, screened)
        check_agreement(
            f"{worker.id}/{screened.vacancy.id}",
            (eligible, score),
            (outcome.eligible, outcome.score),
        )
        return worker, screened, outcome

    @staticmethod
    def _ranked(
        pairs: list[tuple[WorkerFacts, ScreenedVacancy, PairOutcome]],
        other_id: Callable[[tuple[WorkerFacts, ScreenedVacancy, PairOutcome]], str],
        top: int,
        include_ineligible: bool,
        lang: Lang,
    ) -> Iterator[MatchResult]:
        order = ranked(
            pairs, lambda p: (p[2].eligible, p[2].score), other_id, top, include_ineligible
        )
        for rank, (worker, screened, outcome) in order:
            yield result_record(worker, screened, outcome, rank, lang)


def result_record(
    worker: WorkerFacts, screened: ScreenedVacancy, outcome: PairOutcome, rank: int, lang: Lang
) -> MatchResult:
    """The docs/format.md match result record of one evaluated pair.

    Parameters
    ----------
    worker, screened, outcome
        The pair and its evaluation.
    rank : int
        Its rank (1-based).
    lang : {"en", "id"}
        Language of gap and flag details.

    Returns
    -------
    MatchResult
    """
    return MatchResult(
        vacancy_id=screened.vacancy.id,
        worker_id=worker.id,
        rank=rank,
        **pair_fields(outcome, lang),
    )


def pair_fields(outcome: PairOutcome, lang: Lang) -> dict[str, Any]:
    """The fields every pair record shares (a match result, a reintegration record):
    the published score and components, eligibility, and gaps and flags in ``lang``
    (each flag once)."""
    unique = dict.fromkeys((n.kind, render(n.message, lang), n.source) for n in outcome.flags)
    return {
        "score": published(outcome.score),
        "eligible": outcome.eligible,
        "components": {k: published(v) for k, v in outcome.components.items()},
        "gaps": [
            Gap(kind=g.kind, requirement=g.requirement, detail=render(g.message, lang))
            for g in outcome.gaps
        ],
        "flags": [Flag(kind=kind, detail=detail, source=source) for kind, detail, source in unique],
    }


def reason_record(note: Note, lang: Lang) -> Reason:
    """The record of a refusal reason, its message in ``lang``."""
    return Reason(kind=note.kind, detail=render(note.message, lang), source=note.source)


def prepare_run(
    workers: Sequence[Worker],
    vacancies: Sequence[Vacancy],
    agencies: Sequence[Agency] | None,
    as_of: dt.date,
    *,
    packs: Mapping[str, RulePack] | None = None,
    rates: ExchangeRateTable | None = None,
) -> MatchRun:
    """Read workers, screen job orders and set up the scorer for one evaluation date.

    Parameters
    ----------
    workers, vacancies : sequences of validated records
    agencies : sequence of Agency or None
        The register; None means licences cannot be checked (every result is flagged).
    as_of : datetime.date
        The evaluation date.
    packs, rates : optional
        Replacement rule packs and exchange-rate table; the shipped ones by default.

    Returns
    -------
    MatchRun
    """
    skills = default_skill_normalizer()
    facts = worker_facts(workers, skills, default_occupation_normalizer())
    return run_from_facts(tuple(facts), vacancies, agencies, as_of, packs=packs, rates=rates)


def run_from_facts(
    facts: Sequence[WorkerFacts],
    vacancies: Sequence[Vacancy],
    agencies: Sequence[Agency] | None,
    as_of: dt.date,
    *,
    encoded: EncodedPool | None = None,
    packs: Mapping[str, RulePack] | None = None,
    rates: ExchangeRateTable | None = None,
) -> MatchRun:
    """:func:`prepare_run` for a pool already read into facts (and perhaps encoded).

    Parameters
    ----------
    facts : Sequence[WorkerFacts]
        The pool, read with the shipped normalizers.
    vacancies, agencies, as_of, packs, rates
        As for :func:`prepare_run`.
    encoded : EncodedPool, optional
        ``facts`` encoded with the shipped taxonomy, on any date.

    Returns
    -------
    MatchRun
    """
    skills = default_skill_normalizer()
    packs = load_rule_packs() if packs is None else packs
    register = None if agencies is None else {a.id: a for a in agencies}
    screened = screen_vacancies(vacancies, packs, register, as_of, skills)
    params = ScoringParams(skills.taxonomy, as_of, rates or load_exchange_rates())
    return MatchRun(facts, tuple(screened), params, encoded)
