"""Exact weighted b-matching by min-cost flow, for the parts of a plan that need no MIP.

Workers on the left (each placed at most once), job orders on the right (each up to its
slots). Every worker with an edge supplies one unit; it flows over one of her edges to a
job order, or, when she is free to stay unplaced, straight to the sink at cost 0. A
worker who must be placed (an enrolment is always placed) has no arc to the sink. Arc
costs are ``-weight``: the flow of least cost is a matching of greatest total weight.
OR-Tools' ``SimpleMinCostFlow`` solves it exactly in integers.

Used for the baseline (the largest number placed with no training), for components of
the instance that no course touches (a pure b-matching), and to compute the exact
allocation once the enrolments are fixed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

__all__ = ["FlowInfeasibleError", "lexicographic_weight", "max_weight_bmatching"]

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

_INT62 = 2**62


class FlowInfeasibleError(RuntimeError):
    """The workers who must be placed cannot all be placed."""


def lexicographic_weight(primary: Ints, secondary: Ints, *, n_placed_max: int) -> Ints:
    """One integer weight per edge that orders matchings by primary total, then secondary.

    ``primary * K + secondary`` with ``K`` larger than any matching's secondary total, so
    a matching of larger primary total always weighs more.

    Parameters
    ----------
    primary, secondary : ndarray of int64, shape (n_edges,)
        Non-negative.
    n_placed_max : int
        An upper bound on the number of edges in a matching.

    Returns
    -------
    ndarray of int64, shape (n_edges,)

    Raises
    ------
    OverflowError
        If a matching's total weight could leave int64.
    """
    if not len(primary):
        return np.zeros(0, np.int64)
    factor = int(secondary.max()) * max(n_placed_max, 1) + 1
    largest = (int(primary.max()) * factor + int(secondary.max())) * max(n_placed_max, 1)
    if largest >= _INT62:
        raise OverflowError("edge weights too large for an exact min-cost flow")
    return primary * np.int64(factor) + secondary


def max_weight_bmatching(
    worker: Ints,
    job: Ints,
    weight: Ints,
    *,
    n_workers: int,
    capacity: Ints,
    must_place: Bools | None = None,
) -> Bools:
    """Edges of a b-matching of maximum total weight.

    Parameters
    ----------
    worker, job : ndarray of int64, shape (n_edges,)
        Endpoints of each edge (indices; a pair at most once). The arcs are added in the
        given order, so the answer depends only on the arrays (the solver is
        deterministic).
    weight : ndarray of int64, shape (n_edges,)
        Non-negative weight of each edge.
    n_workers : int
        Number of workers (indices ``0 .. n_workers - 1``).
    capacity : ndarray of int64, shape (n_jobs,)
        Slots of each job order.
    must_place : ndarray of bool, shape (n_workers,), optional
        Workers who must be placed.

    Returns
    -------
    ndarray of bool, shape (n_edges,)
        The chosen edges.

    Raises
    ------
    FlowInfeasibleError
        If the workers in ``must_place`` cannot all be placed.
    """
    n_edges, n_jobs = len(worker), len(capacity)
    chosen = np.zeros(n_edges, np.bool_)
    if not n_edges:
        if must_place is not None and must_place.any():
            raise FlowInfeasibleError("a worker who must be placed has no edge")
        return chosen
    active = np.unique(worker)
    node = np.full(n_workers, -1, np.int64)
    node[active] = np.arange(len(active))
    n_active = len(active)
    sink = n_active + n_jobs
    free = np.ones(n_active, np.bool_) if must_place is None else ~must_place[active]
    if must_place is not None and bool(must_place.sum() > must_place[active].sum()):
        raise FlowInfeasibleError("a worker who must be placed has no edge")
    free_nodes = np.flatnonzero(free)
    tails = np.concatenate((node[worker], free_nodes, n_active + np.arange(n_jobs)))
    heads = np.concatenate((n_active + job, np.full(len(free_nodes), sink), np.full(n_jobs, sink)))
    capacities = np.concatenate(
        (np.ones(n_edges + len(free_nodes), np.int64), np.asarray(capacity, np.int64))
    )
    costs = np.concatenate(
        (-np.asarray(weight, np.int64), np.zeros(len(free_nodes) + n_jobs, np.int64))
    )
    flow = SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    supplies = np.concatenate(
        (np.ones(n_active, np.int64), np.zeros(n_jobs, np.int64), [-n_active])
    )
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status == SimpleMinCostFlow.INFEASIBLE:
        raise FlowInfeasibleError("the workers who must be placed cannot all be placed")
    if status != SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}; please report this")
    used = np.asarray(flow.flows(np.asarray(arcs, dtype=np.int32)[:n_edges])) > 0
    chosen[used] = True
    return chosen
