"""The in-memory ranking service behind the HTTP API: the stored pool, kept encoded.

:class:`LivePool` holds every stored worker encoded for the kernel and every stored job
order, is built once from the database on start (:meth:`LivePool.load`) and is updated on
every write by encoding only the written workers (see :mod:`api.live_pool.workers`). Its
rankings, explanations and refusals are those ``selaras match`` and ``selaras explain``
give for the same records (:mod:`matcher.scoring.matching`): the kernel selects, the reference
scorer evaluates each selected pair (and must agree with the kernel), and
:func:`matcher.scoring.matching.result_record` writes the record.

It is safe to call from many threads: a query works on a snapshot of the pool taken when
it starts, so it sees every write made before and none made after. Kernel calls run one at
a time, in arrival order: the kernel holds the GIL for most of its work, so concurrent
calls only contend (32 threads served 140 queries a second at 100,000 workers, one at a
time 466), and its per-pool caches are not made for concurrent use.

What a query derives is memoized: the kernel's per-pool tables per evaluation date,
screenings, the record of each evaluated (worker version, job order, date, language) pair,
so a query pays the reference scorer only for pairs it has not seen, and the last
``cached_results`` candidate lists by pool version, so a query asked again before any
worker is written is answered without scoring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from api.live_pool.cache import FairLock, Lru
from api.live_pool.orders import OrderStore, Screened
from api.live_pool.topk import rank_among, top_in_scope
from api.live_pool.workers import PreparedWorkers, WorkerStore
from matcher.rules.exchange_rates import ExchangeRateTable, load_exchange_rates
from matcher.rules.packs import load_rule_packs
from matcher.rules.types import RulePack
from matcher.scoring.encoding import EncodedPool, encode_pool
from matcher.scoring.explain import explain_pair
from matcher.scoring.facts import WorkerFacts, worker_facts
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.matching import MatchRun, result_record
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import check_agreement
from matcher.scoring.reference import Scorer
from matcher.scoring.versions import engine_versions
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.text.messages import Lang
from models.agency import Agency
from models.results import MatchResult, Refusal
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = ["LivePool"]

# Evaluation dates with a scorer kept, and evaluated pairs with their record kept (a few
# KB each: the top 50 of a few hundred job orders in a few dates and both languages).
_DATES = 16
_RECORDS = 16_384


class LivePool:
    """Stored workers and job orders, ranked and explained in memory.

    Parameters
    ----------
    packs : Mapping[str, RulePack], optional
        Rule packs; the shipped ones by default.
    rates : ExchangeRateTable, optional
        Exchange rates; the shipped table by default.
    background : bool
        Compact the encoded pool in a background thread (default); False compacts in the
        writing thread (deterministic, for tests).
    cached_results : int
        Candidate lists kept for queries asked again on an unchanged pool (0: none).
    """

    def __init__(
        self,
        *,
        packs: Mapping[str, RulePack] | None = None,
        rates: ExchangeRateTable | None = None,
        background: bool = True,
        cached_results: int = 1024,
    ) -> None:
        self._skills = default_skill_normalizer()
        self._occupations = default_occupation_normalizer()
        self._rates = load_exchange_rates() if rates is None else rates
        packs = load_rule_packs() if packs is None else packs
        self._workers = WorkerStore(self._skills.taxonomy, background=background)
        self._orders = OrderStore(packs, self._skills)
        self._scorers: Lru[Scorer] = Lru(_DATES)
        # The record of each evaluated pair, one object whatever its rank, so that what
        # callers derive from it (the API keeps its JSON) carries over from one answer
        # to the next, also after a write changed the pool.
        self._records_kept: Lru[MatchResult] = Lru(_RECORDS)
        self._answers: Lru[tuple[MatchResult, ...]] | None = (
            Lru(cached_results) if cached_results else None
        )
        self._kernel = FairLock()
        self._versions = engine_versions(packs=packs, rates=self._rates)
        self._generation = 0

    @property
    def generation(self) -> int:
        """Counts the writes (workers and job orders): equal values, the same pool data.
        Aggregates derived from the pool (the policy tables) are cached by it."""
        return self._generation

    @property
    def versions(self) -> dict[str, str]:
        """Versions of the code and data behind every result (for the audit log)."""
        return dict(self._versions)

    @property
    def n_workers(self) -> int:
        """Number of stored workers."""
        return len(self._workers)

    # ------------------------------------------------------------------- writes
    def load(
        self,
        workers: Iterable[tuple[Worker, str]],
        vacancies: Iterable[tuple[Vacancy, str]],
        ids: Sequence[str] | None = None,
    ) -> None:
        """Replace the whole pool (on start, from the database).

        Parameters
        ----------
        workers, vacancies : iterables of (record, owning agency id)
        ids : sequence of str, optional
            The pool's id of each worker, in order (the workers' own by default).
        """
        records = list(workers)
        self._workers.load(self._facts(records, ids))
        self._orders.load(vacancies)
        self._generation += 1

    def restore(
        self,
        workers: Sequence[tuple[WorkerFacts, str]],
        encoded: EncodedPool,
        vacancies: Iterable[tuple[Vacancy, str]],
    ) -> None:
        """Replace the whole pool with workers already read and encoded (a saved pool:
        :meth:`saved_rows` of an earlier server), nothing normalized or encoded again.

        Parameters
        ----------
        workers : sequence of (WorkerFacts, owning agency id)
            Facts read with this pool's normalizers, ids distinct.
        encoded : EncodedPool
            Their rows, in order, encoded with this pool's taxonomy (on any date).
        vacancies : iterable of (Vacancy, owning agency id)
        """
        self._workers.load(workers, encoded=encoded)
        self._orders.load(vacancies)
        self._generation += 1

    def saved_rows(self) -> tuple[list[WorkerFacts], list[str], EncodedPool]:
        """Every stored worker: facts, owning agency, encoded rows (for :meth:`restore`)."""
        return self._workers.live_rows()

    def upsert_worker(self, worker: Worker, agency_id: str) -> None:
        """Add or replace a worker (only this worker is encoded)."""
        self.upsert_workers([(worker, agency_id)])

    def upsert_workers(
        self, workers: Iterable[tuple[Worker, str]], ids: Sequence[str] | None = None
    ) -> None:
        """Add or replace many workers at once (one encoding for the batch: bulk uploads).

        ``ids``: the pool's id of each worker, in order (the workers' own by default).
        """
        self._workers.put(self._facts(list(workers), ids))
        self._generation += 1

    def prepare_workers(
        self, workers: Sequence[tuple[Worker, str]], ids: Sequence[str] | None = None
    ) -> PreparedWorkers:
        """Many workers' facts and encoded rows, for :meth:`put_prepared`; nothing is
        stored yet (a bulk upload prepares them while it stores the records).

        ``ids``: the pool's id of each worker, in order (the workers' own by default).
        """
        return self._workers.prepare(self._facts(workers, ids))

    def put_prepared(self, prepared: PreparedWorkers) -> None:
        """Add or replace the workers :meth:`prepare_workers` prepared."""
        self._workers.put(prepared)
        self._generation += 1

    def delete_worker(self, worker_id: str) -> None:
        """Remove a worker (nothing happens for an unknown id)."""
        self._workers.delete(worker_id)
        self._generation += 1

    def upsert_vacancy(self, vacancy: Vacancy, agency_id: str) -> None:
        """Add or replace a job order."""
        self._orders.put(vacancy, agency_id)
        self._generation += 1

    def delete_vacancy(self, vacancy_id: str) -> None:
        """Remove a job order (nothing happens for an unknown id)."""
        self._orders.delete(vacancy_id)
        self._generation += 1

    def stored_vacancy(self, vacancy_id: str) -> Vacancy | None:
        """The stored job order ``vacancy_id`` (the record the pool ranks), or None."""
        stored = self._orders.get(vacancy_id)
        return None if stored is None else stored.vacancy

    def compact(self) -> None:
        """Merge the encoded segments now (otherwise done when due, in the background)."""
        self._workers.compact()

    def _facts(
        self, records: Sequence[tuple[Worker, str]], ids: Sequence[str] | None = None
    ) -> list[tuple[WorkerFacts, str]]:
        facts = worker_facts([w for w, _ in records], self._skills, self._occupations, ids)
        return [(f, agency_id) for f, (_, agency_id) in zip(facts, records, strict=True)]

    # ------------------------------------------------------------------ queries
    def candidates(
        self,
        vacancy: Vacancy,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        include_ineligible: bool = False,
        agency_id: str | None = None,
        lang: Lang = "en",
    ) -> list[MatchResult] | Refusal:
        """The top ``k`` workers for a job order, stored or not.

        Parameters
        ----------
        vacancy : Vacancy
            A stored job order or an unsaved one (POST /match).
        agencies : sequence of Agency
            The agency register (the job order's licence is checked on ``as_of``).
        as_of : datetime.date
            The evaluation date.
        k : int
            How many workers (at least 1).
        include_ineligible : bool
            Also return ineligible workers, after the eligible ones, with their gaps.
        agency_id : str or None
            Rank only this agency's workers; None ranks the whole pool.
        lang : {"en", "id"}
            Language of gap and flag details.

        Returns
        -------
        list of MatchResult or Refusal
            The results by rank, or the job order's refusal. Records may share their
            lists with memoized ones: read them, do not modify them.
        """
        found = self.candidate_records(
            vacancy,
            agencies=agencies,
            as_of=as_of,
            k=k,
            include_ineligible=include_ineligible,
            agency_id=agency_id,
            lang=lang,
        )
        return found if isinstance(found, Refusal) else _with_ranks(found)

    def candidate_records(
        self,
        vacancy: Vacancy,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        include_ineligible: bool = False,
        agency_id: str | None = None,
        lang: Lang = "en",
    ) -> tuple[MatchResult, ...] | Refusal:
        """:meth:`candidates` with each pair's memoized record, whose ``rank`` is 1: a
        record's rank is its position plus one.

        The same pair (worker version, job order, date, language) is the same record
        object in every answer that selects it, at any rank, so that what a caller
        derives from a record (the API keeps its JSON) is derived once. Parameters as
        :meth:`candidates`.

        Returns
        -------
        tuple of MatchResult or Refusal
            The records by rank, or the job order's refusal.
        """
        _check_k(k, "candidates")
        (found,) = self._screen([(vacancy, self._orders.identity(vacancy))], agencies, as_of)
        if found.screened.refused:
            return self._refusals([found], as_of, lang)[0]
        snapshot = self._workers.snapshot()
        question = (snapshot.version, found.key, agency_id, k, include_ineligible, lang)
        if self._answers is not None and (answer := self._answers.get(question)) is not None:
            return answer
        scope = snapshot.scope(None if agency_id is None else self._workers.agency_code(agency_id))
        with self._kernel:
            picked = top_in_scope(
                snapshot,
                scope,
                found.screened,
                self._scorer(as_of),
                k=k,
                include_ineligible=include_ineligible,
            )
        records = self._records(
            picked.facts,
            picked.serials,
            [found] * len(picked.facts),
            (picked.eligible, picked.score),
            as_of,
            lang,
        )
        if self._answers is not None:
            self._answers.put(question, records)
        return records

    def job_orders(
        self,
        worker_id: str,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        agency_id: str | None = None,
        lang: Lang = "en",
    ) -> list[MatchResult]:
        """The top ``k`` open (not refused) stored job orders for a stored worker.

        Parameters
        ----------
        worker_id : str
        agencies, as_of, lang
            As :meth:`candidates`.
        k : int
            How many job orders (at least 1).
        agency_id : str or None
            Rank only this agency's job orders; None ranks every one.

        Returns
        -------
        list of MatchResult
            Eligible job orders only, by rank.

        Raises
        ------
        KeyError
            If no worker ``worker_id`` is stored.
        """
        return _with_ranks(
            self.job_order_records(
                worker_id, agencies=agencies, as_of=as_of, k=k, agency_id=agency_id, lang=lang
            )
        )

    def job_order_records(
        self,
        worker_id: str,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        k: int,
        agency_id: str | None = None,
        lang: Lang = "en",
    ) -> tuple[MatchResult, ...]:
        """:meth:`job_orders` with each pair's memoized record, whose ``rank`` is 1 (see
        :meth:`candidate_records`). Parameters and errors as :meth:`job_orders`."""
        _check_k(k, "job_orders")
        stored = self._workers.get(worker_id)
        orders = self._orders.orders(agency_id)
        screened = self._screen([(o.vacancy, o.serial) for o in orders], agencies, as_of)
        open_orders = [s for s in screened if not s.screened.refused]
        if not open_orders:
            return ()
        scorer = self._scorer(as_of)
        alone = encode_pool([stored.facts], self._skills.taxonomy, as_of)
        with self._kernel:
            kernel = PoolScorer(alone, scorer.params)
            best = kernel.top_vacancies([s.screened for s in open_orders], k=k)
        # Best first, padded with -1 (fewer than k open job orders).
        chosen = [j for j in best.vacancies[0].tolist() if j >= 0]
        return self._records(
            [stored.facts] * len(chosen),
            [stored.serial] * len(chosen),
            [open_orders[j] for j in chosen],
            (best.eligible[0, : len(chosen)].tolist(), best.score[0, : len(chosen)].tolist()),
            as_of,
            lang,
        )

    def explanation(
        self,
        worker_id: str,
        vacancy: Vacancy,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        lang: Lang = "en",
        agency_id: str | None = None,
    ) -> dict[str, Any]:
        """One pair's match record with a readable explanation (as ``selaras explain``).

        Parameters
        ----------
        worker_id : str
            A stored worker.
        vacancy : Vacancy
            A stored job order or an unsaved one.
        agencies, as_of, lang
            As :meth:`candidates`.
        agency_id : str or None
            Rank the pair among this agency's workers; None among the whole pool.

        Returns
        -------
        dict
            See :func:`matcher.scoring.explain.explain_pair`; ``rank`` is among every worker in
            scope, ineligible ones included (1 when the job order is refused).

        Raises
        ------
        KeyError
            If no worker ``worker_id`` is stored.
        """
        stored = self._workers.get(worker_id)
        (found,) = self._screen([(vacancy, self._orders.identity(vacancy))], agencies, as_of)
        scorer = self._scorer(as_of)
        outcome = scorer.evaluate(stored.facts, found.screened)
        rank = 1
        if not found.screened.refused:
            snapshot = self._workers.snapshot()
            code = None if agency_id is None else self._workers.agency_code(agency_id)
            with self._kernel:
                rank = rank_among(
                    snapshot,
                    snapshot.scope(code),
                    found.screened,
                    scorer,
                    worker_id=worker_id,
                    eligible=outcome.eligible,
                    score=outcome.score,
                )
        return explain_pair(stored.facts, found.screened, outcome, rank, lang)

    def refusals(
        self,
        *,
        agencies: Sequence[Agency],
        as_of: dt.date,
        agency_id: str | None = None,
        lang: Lang = "en",
    ) -> list[Refusal]:
        """Refusal records of the stored job orders (of ``agency_id``, or all), by id."""
        orders = self._orders.orders(agency_id)
        screened = self._screen([(o.vacancy, o.serial) for o in orders], agencies, as_of)
        return self._refusals([s for s in screened if s.screened.refused], as_of, lang)

    # ------------------------------------------------------------------ helpers
    def _scorer(self, as_of: dt.date) -> Scorer:
        return self._scorers.get_or_build(
            as_of, lambda: Scorer(ScoringParams(self._skills.taxonomy, as_of, self._rates))
        )

    def _screen(
        self,
        vacancies: Sequence[tuple[Vacancy, Hashable]],
        agencies: Sequence[Agency],
        as_of: dt.date,
    ) -> list[Screened]:
        return self._orders.screen(vacancies, {a.id: a for a in agencies}, as_of)

    def _refusals(self, refused: Sequence[Screened], as_of: dt.date, lang: Lang) -> list[Refusal]:
        run = MatchRun((), tuple(s.screened for s in refused), self._scorer(as_of).params)
        return run.refusals(lang)

    def _records(
        self,
        facts: Sequence[WorkerFacts],
        serials: Sequence[int],
        orders: Sequence[Screened],
        kernel: tuple[Sequence[bool], Sequence[float]],
        as_of: dt.date,
        lang: Lang,
    ) -> tuple[MatchResult, ...]:
        """The memoized records (rank 1) of kernel-selected pairs, in the kernel's order,
        each checked against the kernel's evaluation (``kernel``: eligibility, score).

        The reference scorer evaluates only the pairs not seen before; the memo is read
        and written once for the whole answer.
        """
        keys = [(serial, found.key, lang) for serial, found in zip(serials, orders, strict=True)]
        records = self._records_kept.get_many(keys)
        made: dict[Hashable, MatchResult] = {}
        for i, record in enumerate(records):
            if record is None:
                scorer = self._scorer(as_of)
                outcome = scorer.evaluate(facts[i], orders[i].screened)
                records[i] = made[keys[i]] = result_record(
                    facts[i], orders[i].screened, outcome, 1, lang
                )
        if made:
            self._records_kept.put_many(made)
        checked = []
        for record, ok, score in zip(records, *kernel, strict=True):
            assert record is not None
            check_agreement(
                f"{record.worker_id}/{record.vacancy_id}",
                (ok, score),
                (record.eligible, record.score),
            )
            checked.append(record)
        return tuple(checked)


def _with_ranks(records: Sequence[MatchResult]) -> list[MatchResult]:
    """Copies of memoized records (rank 1) with their rank, the position plus one."""
    return [record.model_copy(update={"rank": rank}) for rank, record in enumerate(records, 1)]


def _check_k(k: int, caller: str) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(
            f"The 'k' parameter of {caller} must be an int in the range [1, inf). Got {k!r}."
        )
