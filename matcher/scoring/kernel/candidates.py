"""Candidate generation: the workers a job order can find eligible, from posting lists,
before any gate or score runs on them.

Each hard gate that can narrow the pool gives a *criterion*: a superset of the workers
who can pass it, as sorted worker indices, a boolean mask over the pool, or both.

* a required skill concept: workers listing it or a more specific concept, or holding a
  certificate for one (the skill arrays' own postings, joined once per concept);
* the destination: workers who list no preferred country, or list this one;
* a required language gate: workers with some result the gate accepts, whatever its date
  (plus the workers an exemption waives it for);
* a programme skill test: workers with a certificate of a route's scheme and name,
  whatever its dates, and a route's experience (plus exempt workers).

Dates, levels and months are left to the gates: a criterion may keep a worker who fails,
never drop one who passes, so scoring the intersection with every gate gives exactly
what scoring the whole pool gives. Criteria are built once per pool and key and kept (a
mask of one byte per worker for each destination, language minimum and skills test
asked; eight bytes per holder in the sorted list of each required concept, and a byte
per worker for a concept whose list was probed by many candidates) and
intersected per job order, the smallest list probing the others (a mask lookup or a
binary search per candidate). When the estimated intersection (the pool times the product
of the criteria's shares, as if independent) is above ``dense_share`` of the pool, the
kernel scans the pool in contiguous chunks instead: gathers cost more than a scan there.

For the best ``k`` of a job order, a second narrowing (:meth:`CandidateIndex.tiers`): a
worker who lists none of its skill concepts (nor a more specific one) and holds no
certificate for one scores at most a bound (a broader or sibling concept earns the
related credit at most). The workers who do are scored first; when the ``k``-th of them
publishes a score above that bound, no one else can enter the top ``k``. If not, the
workers listing a related concept join them, against the bound of no skill credit at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Ints
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.plan import LanguagePlan, Plan, SkillGatePlan
from matcher.scoring.publish import published_scores

__all__ = ["DENSE_SHARE", "TIER_SHARE", "CandidateIndex", "Criterion", "narrow"]

DENSE_SHARE = 0.3
"""Above this estimated share of the pool, candidates are not gathered: the pool is scanned."""

TIER_SHARE = 0.5
"""A tier (:meth:`CandidateIndex.tiers`) is scored first only when it holds at most this
share of the candidates: otherwise it saves too little when its bound holds."""

# A list becomes a mask when probed by at least 1/this of its size in rows: building the
# mask writes the pool once, a probe then costs a byte read per row.
_PROBES_FOR_MASK = 4

# A worker outside the skill postings scores at most the bound; a float sum of a few
# weighted terms may differ from it by an ulp or two, far below this slack.
_SLACK = 1e-9


class Criterion:
    """A superset of the workers who can pass one gate.

    Parameters
    ----------
    n_workers : int
        Pool size.
    workers : ndarray of int64, optional
        Sorted worker indices.
    mask : ndarray of bool, optional
        Per pool worker; at least one of ``workers`` and ``mask`` is given.
    """

    def __init__(self, n_workers: int, workers: Ints | None = None, mask: Bools | None = None):
        self.n_workers = n_workers
        self._workers = workers
        self.mask = mask
        if workers is not None:
            self.size = len(workers)
        elif mask is not None:
            self.size = int(np.count_nonzero(mask))
        else:
            raise ValueError("a criterion needs its workers or its mask")

    @property
    def share(self) -> float:
        """The share of the pool that passes."""
        return self.size / max(self.n_workers, 1)

    @property
    def workers(self) -> Ints:
        """Sorted worker indices (built from the mask on first use)."""
        if self._workers is None:
            assert self.mask is not None
            self._workers = np.flatnonzero(self.mask).astype(np.int64)
        return self._workers

    def keep(self, rows: Ints) -> Ints:
        """The sorted ``rows`` that pass.

        A list probed by many rows becomes a mask too (kept): a byte lookup per row
        instead of a binary search through the list, whose random reads cost more.
        """
        if self.mask is None and len(rows) * _PROBES_FOR_MASK >= self.size:
            mask = np.zeros(self.n_workers, np.bool_)
            mask[self.workers] = True
            self.mask = mask
        if self.mask is not None:
            return rows[self.mask[rows]]
        workers = self.workers
        at = np.searchsorted(workers, rows)
        found = workers[np.minimum(at, len(workers) - 1)] == rows if len(workers) else at < 0
        return rows[found]


class CandidateIndex:
    """Posting-list criteria of one pool, built on first use and kept.

    Parameters
    ----------
    ctx : Context
        The pool and parameters (its cached per-worker arrays are reused).
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.n = ctx.pool.n_workers
        self._cache: dict[tuple[Hashable, ...], Criterion] = {}

    # ------------------------------------------------------------------ per job order
    def criteria(self, plan: Plan) -> list[Criterion] | None:
        """The criteria of a job order's gates; None when no worker can be eligible."""
        if plan.closed is not None:
            return None
        found = [self._concept(c) for c in sorted({check.concept for check in plan.checks})]
        assert plan.other_country is not None
        found.append(self._country(plan.screened.vacancy.country, plan.other_country))
        found += [self._language(g) for g in plan.languages if g.label is not None]
        for gate in plan.skill_gates:
            criterion = self._skill_gate(gate)
            if criterion is not None:
                found.append(criterion)
        return found

    @staticmethod
    def rows(criteria: Sequence[Criterion], dense_share: float = DENSE_SHARE) -> Ints | None:
        """The sorted workers that pass every criterion, or None to scan the pool.

        Parameters
        ----------
        criteria : sequence of Criterion
            A job order's (:meth:`criteria`), at least one.
        dense_share : float
            Scan the pool when the intersection is estimated above this share of it
            (below 0 always scans; above 1 never does).

        Returns
        -------
        ndarray of int64 or None
            A superset of the eligible workers, sorted; None: every worker (scan).
        """
        if math.prod(c.share for c in criteria) > dense_share:
            return None
        return narrow(criteria, None)

    def tiers(self, plan: Plan) -> Iterator[tuple[Criterion, int]]:
        """Ever wider sets of workers a job order's skills credit, each with the highest
        published score (times :data:`~matcher.scoring.publish.SCALE`) a worker outside
        it can get.

        First the workers who list one of its concepts (or a more specific one) or hold
        a certificate for one: anyone else earns at most the related-concept credit for
        a skill. Then those and the workers listing a related (broader or sibling)
        concept: anyone else earns no skill credit. Both bounds take no certificate share
        and the best language and experience credit.
        """
        concepts = sorted({c for _, cs in plan.needs for c in cs})
        if not concepts:
            return
        mask = np.zeros(self.n, np.bool_)
        for concept in concepts:
            mask[self._concept(concept).workers] = True
        yield Criterion(self.n, mask=mask), self._bound(plan, _related_credit(self.ctx))
        mask = mask.copy()
        skills = self.ctx.pool.skills
        for concept in concepts:
            relatives = self.ctx.relatives[concept]
            for related in (*relatives["broader"], *relatives["sibling"]):
                mask[skills.held.of(int(related))] = True
        yield Criterion(self.n, mask=mask), self._bound(plan, _unlisted_credit(self.ctx))

    def _bound(self, plan: Plan, skill_credit: float) -> int:
        ctx = self.ctx
        if not plan.weight_total:
            return int(published_scores(np.array([1.0]))[0])
        best = {
            "skills": max(_unlisted_credit(ctx), skill_credit),
            "certification": 0.0,
            "language": max((float(g.credit.max()) for g in plan.languages), default=0.0),
            "experience": float(ctx.experience_credit.max()),
        }
        bound = sum(weight * best[name] for name, weight in plan.weights) / plan.weight_total
        return int(published_scores(np.array([bound + _SLACK]))[0])

    # ------------------------------------------------------------------ criteria, cached
    def _concept(self, concept: int) -> Criterion:
        def build() -> Criterion:
            skills = self.ctx.pool.skills
            held, certified = skills.held.of(concept), skills.certified.of(concept)
            workers = np.union1d(held, certified).astype(np.int64)
            return Criterion(self.n, workers=workers)

        return self._cached(("concept", concept), build)

    def _country(self, country: str, other: Bools) -> Criterion:
        return self._cached(("country", country), lambda: Criterion(self.n, mask=~other))

    def _language(self, gate: LanguagePlan) -> Criterion:
        """Workers with a result the gate accepts on some date (or exempt)."""
        langs = self.ctx.pool.languages
        if gate.by_result is not None:
            key: tuple[Hashable, ...] = ("tests", gate.by_result.tobytes())
        else:
            key = ("cefr", gate.language, gate.min_cefr)
        exempt = gate.exempt

        def build() -> Criterion:
            if gate.by_result is not None:
                accepted = gate.by_result[langs.result] >= 0
            else:
                cefr = langs.cefr
                accepted = (langs.language == gate.language) & (cefr > 0)
                accepted &= cefr >= gate.min_cefr
            mask = self._holders(langs.worker[accepted])
            return Criterion(self.n, mask=mask if exempt is None else mask | exempt)

        # Exemption arrays are kept by the context for the pool's life: their ids are stable.
        return self._cached((*key, None if exempt is None else id(exempt)), build)

    def _skill_gate(self, gate: SkillGatePlan) -> Criterion | None:
        """Workers with some route's certificates (any dates) and experience, or exempt;
        None when a route asks for nothing (everyone may pass)."""
        if any(not r.requirements and r.experience is None for r in gate.routes):
            return None
        certs = self.ctx.pool.certificates
        routes = tuple(
            (
                tuple((code, None if names is None else id(names)) for code, names, _ in reqs),
                None if r.experience is None else id(r.experience),
            )
            for r in gate.routes
            for reqs in [r.requirements]
        )

        def build() -> Criterion:
            met = np.zeros(self.n, np.bool_)
            for route in gate.routes:
                ok = np.ones(self.n, np.bool_) if route.experience is None else route.experience
                for code, names, _ in route.requirements:
                    hit = np.ones(len(certs.worker), np.bool_)
                    if code is not None:
                        hit &= certs.scheme == code
                    if names is not None:
                        hit &= names[certs.name]
                    ok = ok & self._holders(certs.worker[hit])
                met |= ok
            return Criterion(self.n, mask=met | gate.exempt)

        # Name masks, experience and exemption arrays are kept by the context: stable ids.
        return self._cached(("skill gate", routes, id(gate.exempt)), build)

    def _holders(self, workers: NDArray[np.integer[Any]]) -> Bools:
        mask = np.zeros(self.n, np.bool_)
        mask[workers] = True
        return mask

    def _cached(self, key: tuple[Hashable, ...], build: Callable[[], Criterion]) -> Criterion:
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = build()
        return found


def narrow(criteria: Sequence[Criterion], rows: Ints | None) -> Ints:
    """The sorted ``rows`` (every worker when None) that pass every criterion, the
    smallest criterion's list probing the others."""
    ordered = sorted(criteria, key=lambda c: c.size)
    if rows is None:
        if not ordered:
            raise ValueError("narrow needs rows or at least one criterion")
        rows, ordered = ordered[0].workers, ordered[1:]
    for criterion in ordered:
        if not len(rows):
            break
        rows = criterion.keep(rows)
    return rows


def _related_credit(ctx: Context) -> float:
    # The most a broader or sibling concept earns (SKILL_RELATION_CREDIT x full depth).
    return max(float(t.max()) for r, t in ctx.relation_credit.items() if r != "within")


def _unlisted_credit(ctx: Context) -> float:
    # Index 0 of every relation's table: the credit of a skill the worker does not list.
    return max(float(t[0]) for t in ctx.relation_credit.values())
