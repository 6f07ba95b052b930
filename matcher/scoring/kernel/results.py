"""The kernel's result types."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.arrays import Bools, Floats, Ints


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
