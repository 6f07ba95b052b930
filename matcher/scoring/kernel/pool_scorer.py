"""Chunked scoring and top-k selection in both directions: :class:`PoolScorer`."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from matcher.arrays import Bools, Floats, Ints
from matcher.forked import forked_map, processes
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import EncodedPool
from matcher.scoring.kernel.candidates import (
    DENSE_SHARE,
    TIER_SHARE,
    CandidateIndex,
    Criterion,
    narrow,
)
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.gap_counts import MASK_CACHE_BYTES, GateCounts, MaskCache, count_plan
from matcher.scoring.kernel.gates import score_rows
from matcher.scoring.kernel.kept import KeptColumns
from matcher.scoring.kernel.plan import Plan, compile_plan
from matcher.scoring.kernel.results import TopVacancies, TopWorkers, VacancyScores
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import eligible_below, id_rank, published_scores, ranking_keys

DEFAULT_MEMORY_BUDGET = 256 * 2**20
"""Bytes of working memory a chunk may use (the encoded pool itself not counted)."""

PLANS_KEPT = 8192
"""Compiled job orders a :class:`PoolScorer` keeps (least recently used dropped): an
allocation round compiles each job order once for scoring and its gap pass."""

CANDIDATE_CHUNK = 2**16
"""Candidates scored together at most: each of a chunk's temporaries (8 bytes a row)
then stays in the core's cache between the numpy passes over it, instead of streaming
from memory once per gate."""


def _chunk_rows(pool: EncodedPool, memory_budget: int, extra_per_row: int = 0) -> int:
    """Rows per chunk so that a chunk's temporaries fit ``memory_budget`` bytes.

    Calibrated with tracemalloc on the synthetic pool (benchmarks.synthetic): scoring every
    row of a chunk with its gaps peaks at about 190 bytes a row there, which this
    estimate puts at about 380; ``extra_per_row`` adds what the caller keeps per row.
    """
    n = max(pool.n_workers, 1)
    entries = (
        len(pool.certificates.worker) * (1 + pool.certificates.concepts.shape[1])
        + len(pool.languages.worker)
        + len(pool.experience.worker)
        + len(pool.preferences.worker)
    ) / n
    per_row = 256 + int(24 * entries) + extra_per_row
    return max(1, memory_budget // per_row)


def _check_k(k: int | None, caller: str) -> None:
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise ValueError(
            f"The 'k' parameter of {caller} must be an int in the range [1, inf) or None. "
            f"Got {k!r}."
        )


def _check_budget(memory_budget: int, caller: str) -> None:
    if isinstance(memory_budget, bool) or not isinstance(memory_budget, int) or memory_budget < 1:
        raise ValueError(
            f"The 'memory_budget' parameter of {caller} must be an int in the range [1, inf). "
            f"Got {memory_budget!r}."
        )


def _smallest(keys: Ints, k: int | None) -> Ints:
    """Positions of the ``k`` smallest keys (all when None), in ascending key order."""
    if k is not None and k < len(keys):
        part = np.argpartition(keys, k - 1)[:k]
        return part[np.argsort(keys[part], kind="stable")]
    return np.argsort(keys, kind="stable")


class _Selected:
    """Pairs selected for the rows of a chunk, reduced to each row's ``width`` best."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.parts: list[tuple[Ints, Ints, Ints, Floats]] = []
        self.size = 0

    def add(self, row: Ints, other: Ints, keys: Ints, score: Floats) -> None:
        self.parts.append((row, other, keys, score))
        self.size += len(row)

    def reduce(self) -> tuple[Ints, Ints, Ints, Ints, Floats]:
        """(row, rank within the row, other side, key, score) of each row's best."""
        if self.parts:
            row, other, keys, score = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        else:
            row = other = keys = np.zeros(0, np.int64)
            score = np.zeros(0)
        order = np.lexsort((keys, row))
        row, other, keys, score = row[order], other[order], keys[order], score[order]
        starts = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1])))
        lengths = np.diff(np.append(starts, len(row)))
        rank = np.arange(len(row)) - np.repeat(starts, lengths)
        keep = rank < self.width
        row, rank, other, keys, score = row[keep], rank[keep], other[keep], keys[keep], score[keep]
        self.parts = [(row, other, keys, score)]
        self.size = len(row)
        return row, rank, other, keys, score


class PoolScorer:
    """Job orders against one encoded pool, with one run's parameters, for as many queries
    as needed.

    What scoring derives from the pool alone is computed on first use and kept: concept
    relations, per-rule worker arrays (months counted against a stay cap, programme
    experience, exemptions), per-value tables (language margins, validity edges, ISCO
    closeness). Build one per (pool, parameters) and reuse it, e.g. in a server's lifespan.

    Parameters
    ----------
    pool : EncodedPool
        The workers, encoded with the parameters' taxonomy.
    params : ScoringParams
        Taxonomy, evaluation date, exchange rates, default weights, component constants.
    dense_share : float
        :meth:`top_workers` scores only candidates from posting lists
        (:mod:`~matcher.scoring.kernel.candidates`) unless they are estimated above this
        share of the pool; then it scans the pool. Below 0 always scans; above 1 never.
        Either way the answer is the same.
    tier_share : float
        For the best ``k``, score first the workers a job order's skills credit when they
        are at most this share of the candidates (:meth:`CandidateIndex.tiers`); below 0
        never. Either way the answer is the same.
    mask_cache_bytes : int
        Bytes of gate bitsets :meth:`count_gaps` keeps across job orders (one bit a
        worker per requirement).
    kept : KeptColumns, optional
        The pool-wide columns kept by use, shared with the other scorers over the same
        encoded rows (a live pool's scorers of several evaluation dates;
        :func:`~matcher.scoring.kernel.context.kept_columns`); by default this
        scorer's own.

    Raises
    ------
    ValueError
        If the pool was encoded with another taxonomy.
    """

    def __init__(
        self,
        pool: EncodedPool,
        params: ScoringParams,
        *,
        dense_share: float = DENSE_SHARE,
        tier_share: float = TIER_SHARE,
        mask_cache_bytes: int = MASK_CACHE_BYTES,
        kept: KeptColumns | None = None,
    ) -> None:
        self.pool = pool
        self.params = params
        self.dense_share = dense_share
        self.tier_share = tier_share
        self._context = Context(pool, params, kept)
        self._candidates = CandidateIndex(self._context)
        self._masks = MaskCache(mask_cache_bytes)
        # By the job order's identity; the job order is kept with its plan, so its id
        # is not reused while the entry lives.
        self._plans: OrderedDict[int, tuple[ScreenedVacancy, Plan]] = OrderedDict()
        self._plans_lock = threading.Lock()

    def _compiled(self, screened: ScreenedVacancy) -> Plan:
        """``compile_plan`` once per job order object (a job order is frozen)."""
        key = id(screened)
        with self._plans_lock:
            found = self._plans.get(key)
            if found is not None and found[0] is screened:
                self._plans.move_to_end(key)
                return found[1]
        plan = compile_plan(self._context, screened)
        with self._plans_lock:
            self._plans[key] = (screened, plan)
            while len(self._plans) > PLANS_KEPT:
                self._plans.popitem(last=False)
        return plan

    def prefers_other(self, country: str) -> Bools:
        """Per worker: lists preferred countries and ``country`` is not among them (the
        ``preference: countries`` gate), kept for the next job order of that country.

        Parameters
        ----------
        country : str
            An ISO 3166-1 alpha-2 code.

        Returns
        -------
        ndarray of bool, shape (n_workers,)
        """
        return self._context.prefers_other(country)

    def score_vacancy(
        self,
        screened: ScreenedVacancy,
        *,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        with_score: bool = True,
    ) -> VacancyScores:
        """Score one job order against every worker, with its gaps.

        Parameters
        ----------
        screened : ScreenedVacancy
            A job order that is not refused.
        memory_budget : int
            Bytes a chunk of workers may use.
        with_score : bool
            False: run the gates only (eligibility and gaps); ``score`` is NaN. About half
            the cost, for counting which gates block whom.

        Returns
        -------
        VacancyScores
            Eligibility, score and gaps of every worker, as the reference scorer gives them.
        """
        _check_budget(memory_budget, "score_vacancy")
        ctx, n = self._context, self.pool.n_workers
        plan = self._compiled(screened)
        step = _chunk_rows(self.pool, memory_budget, len(plan.labels))
        eligible, scores, gaps = [], [], []
        for lo in range(0, n, step):
            _, ok, score, found = score_rows(
                ctx, plan, lo, min(lo + step, n), prune=False, with_gaps=True,
                with_score=with_score,
            )  # fmt: skip
            assert found is not None
            eligible.append(ok)
            scores.append(score)
            gaps.append(found)
        n_labels = len(plan.labels)
        return VacancyScores(
            eligible=np.concatenate(eligible) if eligible else np.zeros(0, np.bool_),
            score=np.concatenate(scores) if scores else np.zeros(0),
            gaps=np.concatenate(gaps, axis=1) if gaps else np.zeros((n_labels, 0), np.bool_),
            gap_labels=tuple(plan.labels),
        )

    def count_gaps(
        self,
        vacancies: Sequence[ScreenedVacancy],
        *,
        tracked: Ints | None = None,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
    ) -> list[GateCounts]:
        """Which gates of each job order block whom over the whole pool: the gap counts of
        :meth:`score_vacancy` with ``with_score=False``, without its gates x pool matrix.

        Each gate's mask is computed once per requirement (its key) and kept as a
        bitset for the next job orders that ask the same
        (:mod:`~matcher.scoring.kernel.gap_counts`).

        Parameters
        ----------
        vacancies : Sequence[ScreenedVacancy]
            Job orders, none refused.
        tracked : ndarray of int64, shape (n_tracked,), optional
            Pool indices whose gaps are returned per job order (``GateCounts.tracked``).
        memory_budget : int
            Bytes a chunk of workers may use while a gate's mask is computed.

        Returns
        -------
        list of GateCounts
            One per job order, in order.

        Raises
        ------
        ValueError
            If a job order is refused.
        """
        _check_budget(memory_budget, "count_gaps")
        ctx = self._context
        rows = np.zeros(0, np.int64) if tracked is None else np.asarray(tracked, np.int64)
        # The tracked workers' bits of each gate are kept under a digest of who they are.
        tag = hashlib.blake2b(rows.tobytes(), digest_size=16).digest()
        out = []
        for screened in vacancies:
            if screened.refused:
                raise ValueError(f"job order {screened.vacancy.id} is refused")
            plan = self._compiled(screened)
            step = _chunk_rows(self.pool, memory_budget, len(plan.labels))
            out.append(count_plan(ctx, plan, self._masks, step, rows, tag))
        return out

    def plan(self, screened: ScreenedVacancy) -> Plan:
        """A job order compiled against this pool once, for :meth:`score_selected`."""
        return self._compiled(screened)

    def score_selected(
        self, plan: Plan, rows: Ints, *, prune: bool, with_gaps: bool
    ) -> tuple[Ints, Bools, Floats, Bools | None]:
        """Score a compiled job order against the workers ``rows`` only.

        For a capability with gates of its own (reintegration: interests, relocate,
        capital): it rules rows out first and the engine scores the rest.

        Parameters
        ----------
        plan : Plan
            From :meth:`plan`.
        rows : ndarray of int64
            Sorted, distinct pool indices.
        prune : bool
            Return only the eligible rows (skipping the others' gates and scores).
        with_gaps : bool
            Also return the gaps (``plan.labels`` name them); not with ``prune``.

        Returns
        -------
        rows, eligible, score : ndarrays aligned with each other
        gaps : ndarray of bool, shape (len(plan.labels), len(rows)), or None
        """
        if not len(rows):
            empty = np.zeros((len(plan.labels), 0), np.bool_) if with_gaps else None
            return rows, np.zeros(0, np.bool_), np.zeros(0), empty
        return score_rows(
            self._context, plan, int(rows[0]), int(rows[-1]) + 1, prune=prune,
            with_gaps=with_gaps, only=rows,
        )  # fmt: skip

    def top_workers(
        self,
        vacancies: Sequence[ScreenedVacancy],
        *,
        k: int | None = 10,
        include_ineligible: bool = False,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        among: Bools | None = None,
        n_jobs: int = 1,
    ) -> list[TopWorkers | None]:
        """The best ``k`` workers of each job order.

        Parameters
        ----------
        vacancies : Sequence[ScreenedVacancy]
            Job orders; refused ones get None.
        k : int or None
            How many per job order (None: all).
        include_ineligible : bool
            Also rank ineligible workers (after the eligible ones); scores every worker.
        memory_budget : int
            Bytes a chunk of workers may use.
        among : ndarray of bool, shape (n_workers,), optional
            Only these workers may be selected (the others are not scored).
        n_jobs : int
            Processes to rank in (-1: one per core): with more than one, contiguous
            blocks of job orders are ranked in processes forked from this one
            (:func:`matcher.forked.forked_map`), which share the pool and what this
            scorer has built. The same answer for every value.

        Returns
        -------
        list of TopWorkers or None
            One per job order, in order.
        """
        _check_k(k, "top_workers")
        _check_budget(memory_budget, "top_workers")
        n_processes = min(processes(n_jobs), len(vacancies))
        n = self.pool.n_workers
        if among is not None and np.shape(among) != (n,):
            raise ValueError(f"'among' must have shape ({n},); got {np.shape(among)}")
        if n_processes > 1:
            # A few blocks a process, so that one slow block does not leave a core idle.
            blocks = np.array_split(np.arange(len(vacancies)), min(len(vacancies), 4 * n_processes))
            ranked = forked_map(
                lambda b: self.top_workers(
                    [vacancies[i] for i in blocks[b]], k=k, include_ineligible=include_ineligible,
                    memory_budget=memory_budget, among=among,
                ),
                len(blocks),
                n_processes,
            )  # fmt: skip
            return [found for block in ranked for found in block]
        scope = None if among is None else Criterion(n, mask=np.asarray(among, np.bool_))
        step = _chunk_rows(self.pool, memory_budget)
        out: list[TopWorkers | None] = []
        for screened in vacancies:
            if screened.refused:
                out.append(None)
                continue
            plan = self._compiled(screened)
            if include_ineligible:
                rows = None if scope is None else scope.workers
                out.append(self._best(plan, k, rows, step, prune=False))
            else:
                out.append(self._best_eligible(plan, k, step, scope))
        return out

    def _best_eligible(
        self, plan: Plan, k: int | None, step: int, scope: Criterion | None
    ) -> TopWorkers:
        """The best ``k`` eligible workers: candidates from posting lists (or a scan when
        they do not narrow), and when the job order measures skills, first the workers
        its skills can credit, if the ``k``-th of them is beyond everyone else's reach."""
        index = self._candidates
        criteria = index.criteria(plan)
        if criteria is None:
            return self._best(plan, k, np.zeros(0, np.int64), step, prune=True)
        rows: Ints | None
        if scope is not None:  # only a scope's workers are scored, whatever its share
            rows = narrow([*criteria, scope], None)
        else:
            rows = index.rows(criteria, self.dense_share)
        if k is not None and not plan.checks and self.tier_share >= 0:
            return self._within_tiers(plan, criteria, rows, k, step)[0]
        return self._best(plan, k, rows, step, prune=True)

    def _within_tiers(
        self, plan: Plan, criteria: list[Criterion], rows: Ints | None, k: int, step: int
    ) -> tuple[TopWorkers, bool]:
        """The best ``k``, tier by tier of the workers its skills credit, each tier scoring
        only the workers the one before did not: done at the first tier whose ``k``-th
        best is beyond everyone else's reach, else (or when a tier is too large) the
        candidates no tier scored join. The flag: a tier alone decided."""
        total = self.pool.n_workers if rows is None else len(rows)
        best: TopWorkers | None = None
        scored: Bools | None = None  # the last tier scored, per pool worker
        for reach, bound in self._candidates.tiers(plan):
            near = narrow([*criteria, reach], None) if rows is None else reach.keep(rows)
            if len(near) > self.tier_share * total:
                break
            fresh = near if scored is None else near[~scored[near]]
            best = self._best(plan, k, fresh, step, prune=True, start=best)
            scored = reach.mask
            if len(best.workers) == k and published_scores(best.score[-1:])[0] > bound:
                return best, True
        if best is None or rows is None:
            # Scanning reads the pool in contiguous chunks: cheaper than gathering the rest.
            return self._best(plan, k, rows, step, prune=True), False
        assert scored is not None
        return self._best(plan, k, rows[~scored[rows]], step, prune=True, start=best), False

    def _best(
        self,
        plan: Plan,
        k: int | None,
        rows: Ints | None,
        step: int,
        *,
        prune: bool,
        start: TopWorkers | None = None,
    ) -> TopWorkers:
        """The best ``k`` of ``rows`` (sorted; None: the pool, in chunks of ``step``) and
        of ``start`` (the best of other rows, already scored); only the eligible ones
        when pruning."""
        ctx, pool, n = self._context, self.pool, self.pool.n_workers
        chunks: list[tuple[int, int, Ints | None]]
        if rows is None:
            chunks = [(lo, min(lo + step, n), None) for lo in range(0, n, step)]
        else:
            size = min(step, CANDIDATE_CHUNK)
            parts = [rows[lo : lo + size] for lo in range(0, len(rows), size)]
            chunks = [(int(p[0]), int(p[-1]) + 1, p) for p in parts]
        best_rows = np.zeros(0, np.int64)
        best_keys = np.zeros(0, np.int64)
        best_ok = np.zeros(0, np.bool_)
        best_score = np.zeros(0)
        if start is not None:
            best_rows, best_ok, best_score = start.workers, start.eligible, start.score
            best_keys = ranking_keys(
                best_ok, published_scores(best_score), pool.id_rank[best_rows], n
            )
        for lo, hi, candidates in chunks:
            found, ok, score, _ = score_rows(
                ctx, plan, lo, hi, prune=prune, with_gaps=False, candidates=candidates
            )
            keys = ranking_keys(ok, published_scores(score), pool.id_rank[found], n)
            found = np.concatenate((best_rows, found))
            keys = np.concatenate((best_keys, keys))
            ok = np.concatenate((best_ok, ok))
            score = np.concatenate((best_score, score))
            chosen = _smallest(keys, k)
            best_rows, best_keys = found[chosen], keys[chosen]
            best_ok, best_score = ok[chosen], score[chosen]
        return TopWorkers(best_rows, best_ok, best_score)

    def top_vacancies(
        self,
        vacancies: Sequence[ScreenedVacancy],
        *,
        k: int | None = 10,
        include_ineligible: bool = False,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
    ) -> TopVacancies:
        """The best ``k`` job orders of each worker.

        Parameters
        ----------
        vacancies : Sequence[ScreenedVacancy]
            Job orders; refused ones are never selected.
        k : int or None
            How many per worker (None: as many as there are open job orders).
        include_ineligible : bool
            Also rank ineligible job orders (after the eligible ones).
        memory_budget : int
            Bytes a chunk of workers may use, the pairs it keeps while selecting included
            (the returned arrays are not counted).

        Returns
        -------
        TopVacancies
            Arrays of shape ``(n_workers, k)``; positions index ``vacancies``.
        """
        _check_k(k, "top_vacancies")
        _check_budget(memory_budget, "top_vacancies")
        ctx, pool = self._context, self.pool
        open_orders = np.array([j for j, v in enumerate(vacancies) if not v.refused], np.int64)
        plans = [self._compiled(vacancies[j]) for j in open_orders]
        n_open, n = len(open_orders), pool.n_workers
        width = n_open if k is None else min(k, n_open)
        positions = np.full((n, width), -1, np.int64)
        eligible = np.zeros((n, width), np.bool_)
        scores = np.full((n, width), np.nan)
        if not width:
            return TopVacancies(positions, eligible, scores)
        ranks = id_rank([vacancies[j].vacancy.id for j in open_orders])
        # Selected pairs are kept sparse: (row, job order, key, score), 32 bytes each, plus
        # the sort that reduces them to each row's best ``width``, as much again.
        kept_per_row = 64 * width
        step = _chunk_rows(pool, memory_budget, kept_per_row)
        cap = max(memory_budget // 64, 1)
        for lo in range(0, n, step):
            hi = min(lo + step, n)
            found = _Selected(width)
            for j, plan in enumerate(plans):
                rows, ok, score, _ = score_rows(
                    ctx, plan, lo, hi, prune=not include_ineligible, with_gaps=False
                )
                other = np.full(len(rows), ranks[j])
                keys = ranking_keys(ok, published_scores(score), other, n_open)
                found.add(rows - lo, np.full(len(rows), j), keys, score)
                if found.size > cap:
                    found.reduce()
            row, rank, order, keys, score = found.reduce()
            positions[lo + row, rank] = open_orders[order]
            eligible[lo + row, rank] = keys < eligible_below(n_open)
            scores[lo + row, rank] = score
        return TopVacancies(positions, eligible, scores)
