"""The published score, the ranking rule and the kernel-vs-reference agreement check.

A score is published rounded to :data:`DECIMALS` decimals exactly as Python's
``round(score, 4)`` rounds it, and everything that orders pairs compares published
scores, never raw floats: docs/format.md ranks eligible pairs first, then the published score
descending, then the other side's id ascending. This module is the one home of that
rule, for one pair (:func:`published`, :func:`ranking_key`) and for arrays
(:func:`published_scores`, :func:`ranking_keys`, with ids ranked by :func:`id_rank`), and
of the check that the kernel and the reference agree on a pair (:func:`check_agreement`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

import numpy as np

from matcher.arrays import Bools, Floats, Ints

__all__ = [
    "DECIMALS",
    "SCALE",
    "by_id",
    "check_agreement",
    "eligible_below",
    "id_rank",
    "published",
    "published_scores",
    "ranked",
    "ranking_key",
    "ranking_keys",
]

_P = TypeVar("_P")

DECIMALS = 4
"""Decimals of a published score."""
SCALE = 10**DECIMALS
"""Published scores as integers: ``round(score, 4) * SCALE``."""
# Integer published scores run 0..SCALE; one more slot keeps a key's parts apart.
_SLOTS = SCALE + 2


def published(score: float) -> float:
    """The score as results show it: ``round(score, 4)``."""
    return round(score, DECIMALS)


def published_scores(score: Floats) -> Ints:
    """``round(score, 4) * 10**4`` exactly as Python computes it, for an array.

    Python rounds the exact binary value to four decimals (ties to even); ``np.round``
    multiplies first, which can move a value sitting just below a decimal tie onto it.
    Values far from a tie take the fast path; near ties the sign of ``score * 20000 -
    (2m + 1)`` is decided exactly with a Veltkamp split.

    Parameters
    ----------
    score : ndarray of float64, any shape

    Returns
    -------
    ndarray of int64
        Same shape as ``score``.
    """
    flat = np.ravel(np.asarray(score, dtype=np.float64))
    scaled = flat * float(SCALE)
    floor = np.floor(scaled)
    rounded = (floor + (scaled - floor >= 0.5)).astype(np.int64)
    near = np.flatnonzero(np.abs(scaled - floor - 0.5) < 1e-6)
    if near.size:
        x = flat[near]
        m = floor[near]
        split = 134217729.0 * x  # 2**27 + 1
        high = split - (split - x)
        low = x - high
        # high * 20000 and low * 20000 are exact; the first difference is exact (Sterbenz).
        sign = (high * 20000.0 - (2.0 * m + 1.0)) + low * 20000.0
        up = (sign > 0) | ((sign == 0) & (m % 2 == 1))
        rounded[near] = (m + up).astype(np.int64)
    return rounded.reshape(np.shape(score))


def ranking_key(eligible: bool, score: float, other_id: str) -> tuple[bool, float, str]:
    """The docs/format.md ranking key of one pair (ascending sorts best first)."""
    return (not eligible, -published(score), other_id)


def ranked(
    pairs: Iterable[_P],
    outcome: Callable[[_P], tuple[bool, float]],
    other_id: Callable[[_P], str],
    top: int,
    include_ineligible: bool,
) -> Iterator[tuple[int, _P]]:
    """Evaluated pairs of one side in ranking order, with their rank (1-based).

    Parameters
    ----------
    pairs : iterable
        The pairs of one worker (returnee) or one job order (opportunity).
    outcome : callable
        A pair's (eligible, score).
    other_id : callable
        The id of the pair's other side, the tie-break.
    top : int
        How many to keep; 0 keeps all.
    include_ineligible : bool
        Keep ineligible pairs too (they rank after every eligible one).

    Yields
    ------
    tuple of (int, pair)
    """
    kept = [p for p in pairs if include_ineligible or outcome(p)[0]]
    kept.sort(key=lambda p: ranking_key(*outcome(p), other_id(p)))
    yield from enumerate(kept[:top] if top else kept, start=1)


def by_id(items: Iterable[_P], wanted: str, item_id: Callable[[_P], str], what: str) -> _P:
    """The first of ``items`` whose id is ``wanted``.

    Raises
    ------
    KeyError
        ``"no {what} {wanted!r}"`` when there is none.
    """
    found = next((item for item in items if item_id(item) == wanted), None)
    if found is None:
        raise KeyError(f"no {what} {wanted!r}")
    return found


def id_rank(ids: Sequence[str]) -> Ints:
    """Position of each id in ascending code-point order (stable for equal ids): the
    ranking's tie-break, as :func:`ranking_keys` takes it."""
    # numpy compares unicode strings by code point, like Python's str.
    rank = np.empty(len(ids), np.int64)
    rank[np.argsort(np.asarray(ids, dtype=str), kind="stable")] = np.arange(len(ids))
    return rank


def ranking_keys(eligible: Bools | bool, published: Ints, other_rank: Ints, n_other: int) -> Ints:
    """The ranking key of many pairs as one int64 each (ascending sorts best first).

    Parameters
    ----------
    eligible : ndarray of bool or bool
        Eligibility of each pair (ineligible pairs sort after every eligible one).
    published : ndarray of int64
        Published scores times :data:`SCALE` (:func:`published_scores`).
    other_rank : ndarray of int64
        Position of the other side's id in ascending id order (the tie-break).
    n_other : int
        More than the largest ``other_rank``.

    Returns
    -------
    ndarray of int64
        ``(ineligible, SCALE + 1 - published, other_rank)`` packed in one integer.
    """
    slot = np.clip(published, 0, _SLOTS - 1)
    ineligible = np.logical_not(eligible).astype(np.int64)
    keys: Ints = (ineligible * _SLOTS + (_SLOTS - 1 - slot)) * max(n_other, 1) + other_rank
    return keys


def eligible_below(n_other: int) -> int:
    """Every eligible pair's key (:func:`ranking_keys`) is below this, no ineligible one is."""
    return int(_SLOTS * max(n_other, 1))


def check_agreement(pair: str, kernel: tuple[bool, float], reference: tuple[bool, float]) -> None:
    """Check that the kernel and the reference agree on a pair as published.

    Parameters
    ----------
    pair : str
        The pair, ``worker/vacancy``, for the message.
    kernel, reference : tuple of (bool, float)
        Eligibility and score from each.

    Raises
    ------
    RuntimeError
        If eligibility or the published score differ (a bug in one of them).
    """
    if kernel[0] != reference[0] or published(kernel[1]) != published(reference[1]):
        raise RuntimeError(
            f"kernel and reference disagree on {pair}: kernel ({kernel[0]}, {kernel[1]!r}), "
            f"reference ({reference[0]}, {reference[1]!r}); please report this"
        )
