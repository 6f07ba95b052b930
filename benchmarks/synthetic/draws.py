"""Seeded draws: weighted picks, exact shares, and a ``random.Random`` made cheap for
the worker loop."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

_T = TypeVar("_T")


def quota(n: int, share: float) -> int:
    """Records of a kind among ``n``: the share rounded, and at least one from 20 records."""
    count = math.floor(n * share + 0.5)
    return max(count, 1) if n >= 20 else count


def exact_counts(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Split ``n`` by ``shares`` with the largest-remainder method (keys in given order)."""
    total = sum(shares.values())
    raw = {key: n * share / total for key, share in shares.items()}
    counts = {key: math.floor(value) for key, value in raw.items()}
    left = n - sum(counts.values())
    order = sorted(raw, key=lambda key: (counts[key] - raw[key], list(shares).index(key)))
    for key in order[:left]:
        counts[key] += 1
    return counts


def cumulative(weights: Iterable[float]) -> list[float]:
    """Running totals of ``weights``, for :func:`pick`."""
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def pick(rnd: random.Random, items: Sequence[Any], cum: Sequence[float]) -> Any:
    """One of ``items`` drawn with cumulative weights ``cum``."""
    return items[bisect.bisect_right(cum, rnd.random() * cum[-1])]


def probabilities(weights: Iterable[float]) -> NDArray[np.float64]:
    """``weights`` scaled to sum to 1, for numpy's ``Generator.choice``."""
    array = np.fromiter(weights, dtype=np.float64)
    return np.asarray(array / array.sum(), dtype=np.float64)


class FastRandom(random.Random):
    """``random.Random`` with the draws the worker loop makes a million times made cheap.

    ``choice`` and ``randint`` scale one ``random()`` instead of rejection-sampling bits
    (a bias below 2**-40, irrelevant for synthetic data); still seeded and reproducible.
    """

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))
