"""A weights proposal from outcomes: every decided pair scored by the engine, the weights
fitted (:mod:`.fit`), and the proposal checked on job orders it was not fitted on.

Each pair is evaluated by the engine's reference scorer as ``selaras explain`` would
evaluate it on the run's date, and every score is the engine's own
(:func:`~matcher.scoring.reference.components.weighted_score` of the pair's components
under the weights in question, published as results publish it), so the agreement of the
weights in use is exactly that of today's rankings. Only job orders that use the default
weights count: one with its own ``requirements.weights`` is not ranked by the defaults,
and a refused one is not ranked at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.arrays import Bools, Floats, Ints
from matcher.learning.decisions import PairDecision
from matcher.learning.fit import (
    PRIOR_STRENGTH,
    SHARPNESS_RANGE,
    TEMPERATURE,
    agreement,
    fit_weights,
    folds,
)
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.matching import MatchRun
from matcher.scoring.params import COMPONENTS
from matcher.scoring.publish import published_scores, ranking_keys
from matcher.scoring.reference.components import measured_components, weighted_score
from matcher.scoring.versions import engine_versions
from models.files import Problem
from models.outcome import Outcome

__all__ = [
    "FOLDS",
    "MIN_COMPARISONS",
    "Comparisons",
    "LearningError",
    "compare",
    "outcome_problems",
    "propose",
]

FOLDS = 5
"""Folds of the cross-validation (fewer when fewer job orders have comparisons)."""
MIN_COMPARISONS = 30
"""Fewest comparisons for a proposal to be recommended at all."""


class LearningError(ValueError):
    """The outcomes hold nothing to learn from (no job order with both decisions)."""


@dataclass(frozen=True)
class Comparisons:
    """Every decided pair of the job orders that count, and their comparisons.

    Attributes
    ----------
    components : ndarray, shape (n_pairs, 4)
        Each pair's components (:data:`~matcher.scoring.params.COMPONENTS` order).
    measured : list of list of str
        The components each pair's job order measures.
    job : ndarray of int64
        Each pair's job order (an index into ``job_ids``).
    worker : ndarray of int64
        Each pair's worker (an index into the run's workers).
    chosen : ndarray of bool
        Whether each pair was selected (else rejected).
    eligible : ndarray of bool
        Whether each pair is eligible on the run's date (the ranking puts eligible pairs
        first, whatever the weights).
    selected, rejected : ndarray of int64
        Each comparison's selected and rejected pair (indices into the pairs).
    job_ids : list of str
    counts : dict
        Decided pairs, left-out pairs and job orders, for the proposal's ``evidence``.
    """

    components: Floats
    measured: list[list[str]]
    job: Ints
    worker: Ints
    chosen: Bools
    eligible: Bools
    selected: Ints
    rejected: Ints
    job_ids: list[str]
    counts: dict[str, Any]

    def scores(self, weights: Mapping[str, float]) -> Ints:
        """Each pair's published score under ``weights`` (the engine's weighted mean)."""
        raw = [
            weighted_score(weights, dict(zip(COMPONENTS, row, strict=True)), measured)
            for row, measured in zip(self.components.tolist(), self.measured, strict=True)
        ]
        return published_scores(np.asarray(raw, np.float64))

    def agreement(self, weights: Mapping[str, float], among: Ints | None = None) -> float:
        """:func:`~matcher.learning.fit.agreement` of the comparisons (``among``: these
        only) under ``weights``, on the ranking's terms: an eligible pair above an
        ineligible one, then the published score."""
        # The ranking's own key with no id to break ties (lower ranks first): an equal
        # key is a tie, which the ids would break either way.
        tie = np.zeros(len(self.eligible), np.int64)
        keys = -ranking_keys(self.eligible, self.scores(weights), tie, 1)
        chosen, passed_over = keys[self.selected], keys[self.rejected]
        if among is not None:
            chosen, passed_over = chosen[among], passed_over[among]
        return agreement(chosen, passed_over)

    def weighed(self) -> Bools:
        """The comparisons the weights decide: both pairs eligible, or both not."""
        same: Bools = self.eligible[self.selected] == self.eligible[self.rejected]
        return same


def _index(run: MatchRun) -> tuple[dict[str, int], set[str], dict[str, ScreenedVacancy]]:
    workers: dict[str, int] = {}
    twice: set[str] = set()
    for position, worker in enumerate(run.workers):
        if worker.id in workers:
            twice.add(worker.id)
        workers[worker.id] = position
    return workers, twice, {v.vacancy.id: v for v in run.vacancies}


def outcome_problems(
    run: MatchRun, outcomes: Sequence[Outcome], lines: Sequence[int], file: str
) -> list[Problem]:
    """Every outcome naming a worker or job order the run does not hold, or a worker id
    that workers of several agencies share.

    Parameters
    ----------
    run : MatchRun
        The workers and job orders of the files.
    outcomes : sequence of Outcome
        Validated outcome records.
    lines : sequence of int
        Each record's line in ``file``.
    file : str
        The outcome file's name, for problems.

    Returns
    -------
    list of Problem
        One per field at fault, with its line, in record order.
    """
    workers, twice, orders = _index(run)
    problems = []
    for outcome, line in zip(outcomes, lines, strict=True):
        worker_id, vacancy_id = outcome.worker_id, outcome.vacancy_id
        if worker_id not in workers:
            message = f"no worker {worker_id!r} in --workers"
            problems.append(Problem(file, line, "worker_id", message))
        elif worker_id in twice:
            message = f"{worker_id!r} is the id of workers of several agencies"
            problems.append(Problem(file, line, "worker_id", message))
        if vacancy_id not in orders:
            message = f"no job order {vacancy_id!r} in --vacancies"
            problems.append(Problem(file, line, "vacancy_id", message))
    return problems


def compare(run: MatchRun, decisions: Sequence[PairDecision]) -> Comparisons:
    """Evaluate every decided pair and pair the selected with the rejected of each job order.

    Parameters
    ----------
    run : MatchRun
        The workers and job orders the outcomes name, on the evaluation date.
    decisions : sequence of PairDecision
        From :func:`~matcher.learning.decisions.decide`, every id in ``run``
        (:func:`outcome_problems` finds none).

    Returns
    -------
    Comparisons
        In (job order, worker) id order, whatever the order of the outcome records.

    Raises
    ------
    LearningError
        When no job order that counts has both a selected and a rejected candidate.
    """
    workers, _, orders = _index(run)
    counts: Counter[str] = Counter(p.decision for p in decisions)
    rows: list[list[float]] = []
    measured: list[list[str]] = []
    job_of: dict[str, int] = {}
    job: list[int] = []
    worker: list[int] = []
    chosen: list[bool] = []
    eligible: list[bool] = []
    by_job: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    left_out: Counter[str] = Counter()
    for pair in sorted(decisions, key=lambda p: (p.vacancy_id, p.worker_id)):
        if pair.decision not in ("selected", "rejected"):
            continue
        screened = orders[pair.vacancy_id]
        if screened.refused:
            left_out["pairs_of_refused_job_orders"] += 1
            continue
        if screened.weights is not None:
            left_out["pairs_of_job_orders_with_own_weights"] += 1
            continue
        position = workers[pair.worker_id]
        outcome = run.scorer.evaluate(run.workers[position], screened)
        code = job_of.setdefault(pair.vacancy_id, len(job_of))
        by_job[code][pair.decision].append(len(rows))
        rows.append([outcome.components[c] for c in COMPONENTS])
        measured.append(measured_components(screened))
        job.append(code)
        worker.append(position)
        chosen.append(pair.decision == "selected")
        eligible.append(outcome.eligible)
    selected: list[int] = []
    rejected: list[int] = []
    for sides in by_job.values():
        for winner in sides["selected"]:
            for other in sides["rejected"]:
                selected.append(winner)
                rejected.append(other)
    if not selected:
        raise LearningError(
            "nothing to learn from: no job order ranked by the default weights has both a "
            "selected and a rejected candidate in the outcomes"
        )
    kinds = ("pairs_of_refused_job_orders", "pairs_of_job_orders_with_own_weights")
    return Comparisons(
        components=np.asarray(rows, np.float64).reshape(-1, len(COMPONENTS)),
        measured=measured,
        job=np.asarray(job, np.int64),
        worker=np.asarray(worker, np.int64),
        chosen=np.asarray(chosen, np.bool_),
        eligible=np.asarray(eligible, np.bool_),
        selected=np.asarray(selected, np.int64),
        rejected=np.asarray(rejected, np.int64),
        job_ids=list(job_of),
        counts={
            "pairs": {d: counts[d] for d in ("selected", "rejected", "withdrew", "undecided")},
            "left_out": {k: left_out[k] for k in kinds},
            "job_orders": len({job[i] for i in selected}),
        },
    )


def _fitted(found: Comparisons, prior: Floats, among: Ints | None = None) -> dict[str, float]:
    """Weights fitted to the comparisons (``among``: these only) that weights decide."""
    use = found.weighed()
    if among is not None:
        kept = np.zeros(len(use), np.bool_)
        kept[among] = True
        use &= kept
    selected, rejected = found.selected[use], found.rejected[use]
    differences = found.components[selected] - found.components[rejected]
    return dict(zip(COMPONENTS, fit_weights(differences, prior).tolist(), strict=True))


def _mean_difference(differences: Floats) -> dict[str, float | None]:
    """Per component, how far ahead the selected were (None without a comparison)."""
    if not len(differences):
        return dict.fromkeys(COMPONENTS)
    means = differences.mean(0).tolist()
    return {c: round(m, 4) for c, m in zip(COMPONENTS, means, strict=True)}


def propose(
    run: MatchRun, found: Comparisons, outcomes: int, *, licences_checked: bool
) -> dict[str, Any]:
    """The weights proposal (docs/learning.md, "The proposal").

    Parameters
    ----------
    run : MatchRun
        The run the comparisons were evaluated in (its weights are the ones in use).
    found : Comparisons
    outcomes : int
        Outcome records read.
    licences_checked : bool
        Whether the run had the agency register (without it, a job order of an agency
        that is not licensed is not refused, and counts).

    Returns
    -------
    dict
        The proposal document, ready for JSON.
    """
    current = {c: float(run.params.weights[c]) for c in COMPONENTS}
    prior = np.asarray([current[c] for c in COMPONENTS], np.float64)
    prior = prior / prior.sum()
    proposed = _fitted(found, prior)
    n = len(found.selected)
    job = found.job[found.selected]
    k = min(FOLDS, len(np.unique(job)))
    validated: dict[str, Any] | None = None
    if k >= 2:
        # Each fold's job orders are scored with weights fitted without them.
        fold = folds(job, k)
        scored: list[tuple[Ints, float]] = []
        for f in range(k):
            test = np.flatnonzero(fold == f)
            weights = _fitted(found, prior, np.flatnonzero(fold != f))
            scored.append((test, found.agreement(weights, test)))
        validated = {
            "folds": k,
            "current": round(found.agreement(current), 4),
            "proposed": round(float(sum(s * len(t) for t, s in scored) / n), 4),
        }
    adopt = (
        validated is not None
        and n >= MIN_COMPARISONS
        and validated["proposed"] > validated["current"]
    )
    weighed = found.weighed()
    differences = (
        found.components[found.selected[weighed]] - found.components[found.rejected[weighed]]
    )
    return {
        "kind": "weights_proposal",
        "status": "proposed",
        "as_of": run.params.as_of.isoformat(),
        "weights": proposed,
        "current": current,
        "recommendation": "adopt" if adopt else "keep current",
        "agreement": {
            "comparisons": n,
            "current": round(found.agreement(current), 4),
            "proposed": round(found.agreement(proposed), 4),
            "cross_validated": validated,
        },
        "evidence": {
            "outcomes": outcomes,
            **found.counts,
            "comparisons_decided_by_eligibility": int((~found.weighed()).sum()),
            "licences_checked": licences_checked,
        },
        "mean_difference": _mean_difference(differences),
        "method": {
            "model": "pairwise logistic on the selected minus the rejected candidate's "
            "components, within each job order, weights on the simplex",
            "sharpness": {"fitted_in": list(SHARPNESS_RANGE), "from": TEMPERATURE},
            "prior_strength": PRIOR_STRENGTH,
            "min_comparisons": MIN_COMPARISONS,
        },
        "versions": engine_versions(rates=run.params.rates),
    }
