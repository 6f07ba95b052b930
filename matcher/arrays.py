"""Array type aliases every layer of the engine shares (numpy only, no engine imports)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Bools", "Floats", "Ints", "grouped", "members"]

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


def grouped(keys: Ints, n_keys: int) -> tuple[Ints, Ints]:
    """Positions sorted by key (stable) and, per key, where its positions start and end.

    Parameters
    ----------
    keys : ndarray of int64
        A key in ``[0, n_keys)`` per position.
    n_keys : int

    Returns
    -------
    order : ndarray of int64
    bounds : ndarray of int64, shape (n_keys + 1,)
        The positions of key ``k`` are ``order[bounds[k]:bounds[k + 1]]``.
    """
    order = np.argsort(keys, kind="stable")
    return order, np.searchsorted(keys[order], np.arange(n_keys + 1))


def members(groups: tuple[Ints, Ints], which: Ints) -> tuple[Ints, Ints]:
    """The positions holding each key of ``which``, key after key, without a loop.

    Parameters
    ----------
    groups : (order, bounds)
        :func:`grouped` of the keys.
    which : ndarray of int64
        Keys asked for (repeats allowed).

    Returns
    -------
    positions : ndarray of int64
        For ``which[0]`` the positions whose key it is (ascending), then for ``which[1]``...
    of : ndarray of int64
        For each position returned, its index into ``which``.
    """
    order, bounds = groups
    which = np.asarray(which, np.int64)
    counts = bounds[which + 1] - bounds[which]
    first = np.cumsum(counts) - counts
    at = np.repeat(bounds[which] - first, counts) + np.arange(int(counts.sum()))
    return order[at].astype(np.int64), np.repeat(np.arange(len(which)), counts)
