"""Reductions before the solver: drop what cannot matter, split what does not interact.

Every reduction below keeps the tie-broken optimal plan (FORMAT.md, "Training plan")
unchanged; the brute-force oracle in ``tests/test_training_oracle.py`` checks them on
every generated instance.

Lemma (an enrolment is always placed where its course unlocks)
    Take a plan whose allocation places an enrolled worker ``w`` in a job order she could
    already do, or nowhere. The same allocation is available without her enrolment, so
    dropping it keeps the value and the score and does not raise the cost. So an optimal
    plan never needs such an enrolment, and the solver never makes one: every enrolment
    is placed in a job order its option unlocks (``expected_placement`` is the pass
    rate). This is also what makes "a plan never enrols a worker whose ``placed_in``
    would be null" hold by construction.

R1 Options that can never be placed
    An option costing more than the budget, in a cohort with no seats, or whose unlocked
    job orders all have no slots, cannot be part of a plan by the lemma; it is dropped.
R2 Constraints that cannot bind
    A cohort whose options number no more than its seats cannot overflow: its seat row is
    dropped. The budget row is dropped when even the costliest option of every worker
    with an option fits in it together (a worker takes at most one course).
R3 Independent components
    Workers, job orders, cohorts with a seat row and (when its row is kept) the budget
    are nodes; an eligible pair, an unlocked pair, an option (to its cohort, and to the
    budget when it costs anything) are edges. Constraints never cross components, the
    objective and the cost are sums over components, and the tie order on enrolments
    compares workers one at a time, so the lexicographic optimum of the whole is the
    union of each component's lexicographic optimum. A component with no option has
    only eligible pairs: its best allocation is a pure b-matching, solved exactly by
    min-cost flow (most placements first, then the highest total score).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matcher.training.instance import PlanInstance

__all__ = ["Part", "Reduction", "reduce_instance"]

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class Part:
    """One component that holds at least one enrolment option (indices into the instance).

    Attributes
    ----------
    workers : ndarray of int64
        Workers of the component, in ascending index order.
    jobs : ndarray of int64
        Job orders of the component, ascending.
    pairs : ndarray of int64
        Eligible pairs (rows of ``pair_*``) of the component.
    options : ndarray of int64
        Options (rows of ``option_*``) kept, ascending.
    unlocks : ndarray of int64
        Unlocked pairs (rows of ``unlock_*``) kept, grouped by option in option order.
    seat_cohorts : ndarray of int64
        Cohorts of the component whose seat row can bind.
    has_budget : bool
        Whether the budget row binds in this component.
    """

    workers: Ints
    jobs: Ints
    pairs: Ints
    options: Ints
    unlocks: Ints
    seat_cohorts: Ints
    has_budget: bool


@dataclass(frozen=True)
class Reduction:
    """What the solver has to solve, and what min-cost flow settles.

    Attributes
    ----------
    parts : list of Part
        Components with at least one option, in order of their smallest worker index.
    flow_pairs : ndarray of int64
        Eligible pairs of the components without any option.
    options_dropped : int
        Options dropped by R1.
    budget_binds : bool
        Whether the budget row was kept (R2).
    """

    parts: list[Part]
    flow_pairs: Ints
    options_dropped: int
    budget_binds: bool


def _usable_options(instance: PlanInstance) -> tuple[Bools, Bools]:
    """R1: options (and their unlocked pairs) that can be part of a plan."""
    option_ok = instance.seats[instance.option_cohort] > 0
    if instance.budget is not None:
        option_ok &= instance.option_cost <= instance.budget
    unlock_ok = option_ok[instance.unlock_option] & (instance.slots[instance.unlock_job] > 0)
    placed = np.bincount(instance.unlock_option[unlock_ok], minlength=instance.n_options) > 0
    option_ok &= placed
    return option_ok, unlock_ok & option_ok[instance.unlock_option]


def reduce_instance(instance: PlanInstance) -> Reduction:
    """Apply R1-R3.

    Parameters
    ----------
    instance : PlanInstance

    Returns
    -------
    Reduction
    """
    n_w, n_j, n_c = instance.n_workers, instance.n_jobs, instance.n_cohorts
    option_ok, unlock_ok = _usable_options(instance)
    options = np.flatnonzero(option_ok)
    unlocks = np.flatnonzero(unlock_ok)
    unlocks = unlocks[np.argsort(instance.unlock_option[unlocks], kind="stable")]
    per_cohort = np.bincount(instance.option_cohort[options], minlength=n_c)
    seat_binds = per_cohort > instance.seats
    budget_binds = False
    if instance.budget is not None and options.size:
        costliest = np.zeros(n_w, np.int64)
        np.maximum.at(costliest, instance.option_worker[options], instance.option_cost[options])
        budget_binds = int(np.sum(costliest.astype(object))) > instance.budget
    # Nodes: workers, job orders, cohorts, the budget.
    budget_node = n_w + n_j + n_c
    o_worker = instance.option_worker[options]
    o_cohort = instance.option_cohort[options]
    u_worker = instance.option_worker[instance.unlock_option[unlocks]]
    seat_edge = seat_binds[o_cohort]
    money_edge = instance.option_cost[options] > 0 if budget_binds else np.zeros(len(options), bool)
    tails = np.concatenate(
        (instance.pair_worker, u_worker, o_worker[seat_edge], o_worker[money_edge])
    )
    heads = np.concatenate(
        (
            n_w + instance.pair_job,
            n_w + instance.unlock_job[unlocks],
            n_w + n_j + o_cohort[seat_edge],
            np.full(int(money_edge.sum()), budget_node),
        )
    )
    n_nodes = budget_node + 1
    graph = coo_matrix((np.ones(len(tails), np.int8), (tails, heads)), shape=(n_nodes, n_nodes))
    _, label = connected_components(graph, directed=False)
    label = label.astype(np.int64)
    with_option = np.zeros(int(label.max()) + 1, np.bool_)
    with_option[label[o_worker]] = True
    pair_label = label[instance.pair_worker]
    flow_pairs = np.flatnonzero(~with_option[pair_label])
    parts = _split(instance, label, with_option, options, unlocks, seat_binds, budget_binds)
    return Reduction(
        parts=parts,
        flow_pairs=flow_pairs.astype(np.int64),
        options_dropped=int(instance.n_options - len(options)),
        budget_binds=bool(budget_binds),
    )


def _split(
    instance: PlanInstance,
    label: Ints,
    with_option: Bools,
    options: Ints,
    unlocks: Ints,
    seat_binds: Bools,
    budget_binds: bool,
) -> list[Part]:
    """Group the arrays by component label, one sort per array (no loop over rows)."""
    n_w, n_j = instance.n_workers, instance.n_jobs
    labels = np.flatnonzero(with_option)
    if not labels.size:
        return []

    def grouped(keys: Ints, items: Ints) -> list[Ints]:
        order = np.argsort(keys, kind="stable")
        keys, items = keys[order], items[order]
        bounds = np.searchsorted(keys, labels, side="left"), np.searchsorted(keys, labels, "right")
        return [items[a:b] for a, b in zip(*bounds, strict=True)]

    workers = grouped(label[:n_w], np.arange(n_w, dtype=np.int64))
    jobs = grouped(label[n_w : n_w + n_j], np.arange(n_j, dtype=np.int64))
    pairs = grouped(
        label[instance.pair_worker], np.arange(len(instance.pair_worker), dtype=np.int64)
    )
    opts = grouped(label[instance.option_worker[options]], options)
    unl = grouped(label[instance.option_worker[instance.unlock_option[unlocks]]], unlocks)
    cohorts_with_row = np.flatnonzero(seat_binds)
    cohort_label = label[n_w + n_j + cohorts_with_row]
    seats = grouped(cohort_label, cohorts_with_row.astype(np.int64))
    money = np.zeros(len(labels), np.bool_)
    if budget_binds:
        paying = options[instance.option_cost[options] > 0]
        money = np.isin(labels, label[instance.option_worker[paying]])
    # Ordered by smallest worker index (labels come from a traversal in node order).
    return [
        Part(workers[k], jobs[k], pairs[k], opts[k], unl[k], seats[k], bool(money[k]))
        for k in range(len(labels))
    ]
