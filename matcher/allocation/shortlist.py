"""Shortlists in the style of Korea's EPS: up to N candidates per slot, the employer chooses.

A shortlist is an allocation whose capacities are N x slots: each worker is on at most
one shortlist, chosen by the same method (optimal or stable) as a placement. Its order
is the job order's own ranking (score descending, then worker id).
"""

from __future__ import annotations

import numpy as np

from matcher.allocation.graph import EligibleGraph
from matcher.arrays import Bools, Ints

__all__ = ["positions", "shortlist_capacity"]


def shortlist_capacity(graph: EligibleGraph, per_slot: int) -> Ints:
    """Shortlist lengths: ``per_slot`` x slots of each job order.

    Raises
    ------
    ValueError
        If ``per_slot`` is not a positive int.
    """
    if isinstance(per_slot, bool) or not isinstance(per_slot, int) or per_slot < 1:
        raise ValueError(
            "The 'per_slot' parameter of shortlist_capacity must be an int in the range "
            f"[1, inf). Got {per_slot!r}."
        )
    return graph.capacity * per_slot


def positions(graph: EligibleGraph, chosen: Bools) -> Ints:
    """Position (1-based) of each chosen edge among the chosen of its job order.

    Parameters
    ----------
    graph : EligibleGraph
    chosen : ndarray of bool, shape (n_edges,)

    Returns
    -------
    ndarray of int64, shape (n_edges,)
        0 where an edge is not chosen.
    """
    running = np.cumsum(chosen, dtype=np.int64)
    before = np.concatenate(([0], running))[graph.ptr[:-1]]
    within = running - np.repeat(before, np.diff(graph.ptr))
    return np.where(chosen, within, 0)
