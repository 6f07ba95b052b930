"""Optimal allocation: the largest total published score over the eligible graph.

A min-cost flow, solved exactly by OR-tools (integer costs, cost-scaling push-relabel):
every worker with an eligible pair supplies one unit that flows either to a job order
(cost ``-(score * K + 1)``, capacity 1), or straight to the sink, unplaced (cost 0); each
job order passes at most its slots to the sink. ``K`` is larger than any number of
placements, so the optimum has the largest total score first and, among allocations
with that total, the most placements (a slot is never left empty for a worker whose
score is 0). Nothing is pruned: every eligible pair is an arc.

Which of several equally good allocations is returned is decided by the solver, which
is deterministic; arcs are added in job-order id and worker id order, so the result does
not depend on the order of the input files either.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from matcher.allocation.graph import EligibleGraph
from matcher.arrays import Bools, Ints

__all__ = ["edges_by_job_id", "optimal_allocation"]


def edges_by_job_id(graph: EligibleGraph) -> Ints:
    """The graph's edges in (job-order id, rank) order, the order arcs are added in.

    The graph holds each job order's edges in one run, in rank order, runs by job index:
    the runs are laid out in job id order (no sort of the edges).
    """
    job_order = np.argsort(graph.job_rank, kind="stable")
    lengths = np.diff(graph.ptr)[job_order]
    starts = np.repeat(graph.ptr[job_order] - np.cumsum(lengths) + lengths, lengths)
    edges: Ints = starts + np.arange(graph.n_edges)
    return edges


def optimal_allocation(graph: EligibleGraph) -> Bools:
    """An allocation of maximum total score (then most placements).

    An allocator (:data:`matcher.allocation.round.ALLOCATORS`): the chosen edges of
    ``graph``, shape ``(n_edges,)``, each worker at most once, each job order at most its
    capacity.

    Raises
    ------
    RuntimeError
        If the solver does not report an optimal flow (a bug: the problem always has one).
    """
    chosen = np.zeros(graph.n_edges, np.bool_)
    if not graph.n_edges:
        return chosen
    # Nodes: the graph's workers that have an edge, then its job orders, then the sink,
    # each in id order.
    jobs = graph.job()
    workers = np.flatnonzero(np.bincount(graph.worker, minlength=graph.n_workers))
    workers = workers[np.argsort(graph.worker_rank[workers], kind="stable")]
    worker_node = np.full(graph.n_workers, -1, np.int64)
    worker_node[workers] = np.arange(len(workers))
    job_order = np.argsort(graph.job_rank, kind="stable")
    job_node = np.empty(graph.n_jobs, np.int64)
    job_node[job_order] = len(workers) + np.arange(graph.n_jobs)
    sink = len(workers) + graph.n_jobs
    edges = edges_by_job_id(graph)
    weight = np.int64(min(len(workers), int(graph.capacity.sum())) + 1)
    tails = np.concatenate((worker_node[graph.worker[edges]], np.arange(len(workers)), job_node))
    heads = np.concatenate(
        (job_node[jobs[edges]], np.full(len(workers), sink), np.full(graph.n_jobs, sink))
    )
    capacities = np.concatenate((np.ones(graph.n_edges + len(workers), np.int64), graph.capacity))
    costs = np.concatenate(
        (-(graph.score[edges] * weight + 1), np.zeros(len(workers) + graph.n_jobs, np.int64))
    )
    flow = SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs.astype(np.int64)
    )
    supplies = np.concatenate(
        (np.ones(len(workers), np.int64), np.zeros(graph.n_jobs, np.int64), [-len(workers)])
    )
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}; please report this")
    used = np.asarray(flow.flows(np.asarray(arcs, dtype=np.int32)[: graph.n_edges])) > 0
    chosen[edges[used]] = True
    return chosen
