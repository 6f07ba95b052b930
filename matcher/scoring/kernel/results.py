"""The kernel's result types, and scores rounded for publication exactly as Python does."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.arrays import Bools, Floats, Ints

DECIMALS = 4
SCALE = 10**DECIMALS


@dataclass(frozen=True)
class VacancyScores:
    """One job order against every worker of a pool.

    Attributes
    ----------
    eligible : ndarray of bool, shape (n_workers,)
    score : ndarray of float64, shape (n_workers,)
    gaps : ndarray of bool, shape (n_labels, n_workers)
        ``gaps[g, i]``: worker ``i`` has the gap ``gap_labels[g]``.
    gap_labels : tuple of (kind, requirement)
        The distinct gaps the job order can produce, as the reference names them.
    """

    eligible: Bools
    score: Floats
    gaps: Bools
    gap_labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TopWorkers:
    """The best workers of one job order, best first.

    Attributes
    ----------
    workers : ndarray of int64, shape (n_selected,)
        Pool indices.
    eligible : ndarray of bool, shape (n_selected,)
    score : ndarray of float64, shape (n_selected,)
    """

    workers: Ints
    eligible: Bools
    score: Floats


@dataclass(frozen=True)
class TopVacancies:
    """The best job orders of every worker, best first, padded.

    Attributes
    ----------
    vacancies : ndarray of int64, shape (n_workers, k)
        Positions in the job orders passed in; -1 pads a row with fewer than ``k``.
    eligible : ndarray of bool, shape (n_workers, k)
    score : ndarray of float64, shape (n_workers, k)
        NaN where padded.
    """

    vacancies: Ints
    eligible: Bools
    score: Floats


# ----------------------------------------------------------------------- exact helpers


def publication_rank(score: Floats) -> Ints:
    """``round(score, 4) * 10**4`` as Python computes it, for an array.

    Python rounds the exact binary value to four decimals (ties to even); ``np.round``
    multiplies first, which can move a value sitting just below a decimal tie onto it.
    Values far from a tie take the fast path; near ties the sign of ``score * 20000 -
    (2m + 1)`` is decided exactly with a Veltkamp split.

    Parameters
    ----------
    score : ndarray of float64

    Returns
    -------
    ndarray of int64
        Same shape as ``score``.
    """
    scaled = score * float(SCALE)
    floor = np.floor(scaled)
    rounded = (floor + (scaled - floor >= 0.5)).astype(np.int64)
    near = np.flatnonzero(np.abs(scaled - floor - 0.5) < 1e-6)
    if near.size:
        x = score[near]
        m = floor[near]
        split = 134217729.0 * x  # 2**27 + 1
        high = split - (split - x)
        low = x - high
        # high * 20000 and low * 20000 are exact; the first difference is exact (Sterbenz).
        sign = (high * 20000.0 - (2.0 * m + 1.0)) + low * 20000.0
        up = (sign > 0) | ((sign == 0) & (m % 2 == 1))
        rounded[near] = (m + up).astype(np.int64)
    return rounded
