"""The weights that best agree with employers' decisions: a pairwise logistic model.

Within one job order every candidate's score has the same denominator (the weights of the
components the job order measures), so its ranking depends on ``w . x`` alone, ``x`` the
candidate's four components. For each comparison ``k`` of a selected and a rejected
candidate of one job order, ``d_k = x(selected) - x(rejected)`` (a component the job order
does not measure is 1.0 for both, so 0 here). The weights, on the simplex (each >= 0,
summing to 1), minimise

    sum_k log(1 + exp(-s * w . d_k)) + PRIOR_STRENGTH * |w - w0|^2

over the weights and the sharpness ``s`` (in ``SHARPNESS_RANGE``), where ``w0`` are the
weights in use: with few outcomes the proposal stays near them. scipy's SLSQP solves it
from ``w0`` and ``s = TEMPERATURE``; the answer is deterministic.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from matcher.arrays import Floats, Ints

__all__ = [
    "PRIOR_STRENGTH",
    "SHARPNESS_RANGE",
    "TEMPERATURE",
    "WEIGHT_DECIMALS",
    "agreement",
    "fit_weights",
    "folds",
]

TEMPERATURE = 10.0
"""Where the fit starts the sharpness: a score ahead by 0.1, odds of e to 1 of being the
one chosen."""
SHARPNESS_RANGE = (1.0, 1000.0)
"""The sharpness the fit may take (a score ahead by 1 at odds of e to 1, up to a score
ahead by 0.001): fitted with the weights."""
PRIOR_STRENGTH = 30.0
"""How much the weights in use hold the proposal back. Comparisons they already order
rightly move nothing; comparisons they order wrongly move the weights about as far as
ordering them rightly takes (one such comparison of 0.5 in two components: about 0.005;
ten of them: to just past the tie)."""
WEIGHT_DECIMALS = 4
"""Decimals of a proposed weight (they still sum to exactly 1)."""


def fit_weights(differences: Floats, prior: Floats) -> Floats:
    """The weights on the simplex that best explain the comparisons (module docstring).

    Parameters
    ----------
    differences : ndarray, shape (n_comparisons, n_components)
        Components of the selected candidate minus those of the rejected one.
    prior : ndarray, shape (n_components,)
        The weights in use, summing to 1.

    Returns
    -------
    ndarray, shape (n_components,)
        Weights >= 0 with :data:`WEIGHT_DECIMALS` decimals, summing to exactly 1.
    """
    d = np.asarray(differences, np.float64)
    n = len(prior)

    # The unknowns: the weights and the sharpness (how much a score difference weighs in
    # the choice). With the sharpness fixed, the weights would carry it: summing to 1,
    # they would lean on the components that differ most to make differences larger.
    def loss(x: Floats) -> float:
        w, sharpness = x[:n], x[n]
        z = sharpness * (d @ w)
        return float(np.logaddexp(0.0, -z).sum() + PRIOR_STRENGTH * ((w - prior) ** 2).sum())

    def gradient(x: Floats) -> Floats:
        w, sharpness = x[:n], x[n]
        margin = d @ w
        pull = expit(-sharpness * margin)
        found: Floats = np.empty(n + 1)
        found[:n] = -sharpness * (d.T @ pull) + 2 * PRIOR_STRENGTH * (w - prior)
        found[n] = -float(margin @ pull)
        return found

    answer = minimize(
        loss,
        np.append(np.asarray(prior, np.float64), TEMPERATURE),
        jac=gradient,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n + [SHARPNESS_RANGE],
        constraints=[
            {
                "type": "eq",
                "fun": lambda x: x[:n].sum() - 1.0,
                "jac": lambda x: np.append(np.ones(n), 0.0),
            }
        ],
        options={"ftol": 1e-12, "maxiter": 500},
    )
    return _rounded(np.clip(answer.x[:n], 0.0, None))


def _rounded(weights: Floats) -> Floats:
    """Weights to :data:`WEIGHT_DECIMALS` decimals summing to exactly 1 (the largest
    remainders get the last units)."""
    scale = 10**WEIGHT_DECIMALS
    exact = weights / weights.sum() * scale
    units = np.floor(exact).astype(np.int64)
    short = scale - int(units.sum())
    # Stable: equal remainders go to the earlier component.
    units[np.argsort(-(exact - units), kind="stable")[:short]] += 1
    rounded: Floats = units / scale
    return rounded


def agreement(chosen: Ints, passed_over: Ints) -> float:
    """Share of comparisons the scores get right: the selected candidate's published score
    above the rejected one's counts 1, a tie 1/2 (the ranking then falls to the ids).

    Parameters
    ----------
    chosen, passed_over : ndarray of int64
        Published scores (``matcher.scoring.publish.published_scores``) of each
        comparison's selected and rejected candidate.

    Returns
    -------
    float
    """
    if not len(chosen):
        return float("nan")
    return float(((chosen > passed_over) + 0.5 * (chosen == passed_over)).mean())


def folds(groups: Ints, k: int) -> Ints:
    """A fold for each comparison such that a job order's comparisons share one: the job
    orders in ascending order dealt round the ``k`` folds.

    Parameters
    ----------
    groups : ndarray of int
        Each comparison's job order (any integer code).
    k : int
        Folds (>= 2).

    Returns
    -------
    ndarray of int64
    """
    _, order = np.unique(groups, return_inverse=True)
    dealt: Ints = (order.reshape(-1) % k).astype(np.int64)
    return dealt
