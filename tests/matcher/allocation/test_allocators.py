"""The allocators: one contract for all, then each against an independent oracle.

* Contract (every allocator, placements and shortlists): only eligible pairs, each worker
  at most once, each job order at most its capacity, the same answer whatever order the
  ids come in.
* ``stable``: no blocking pair, and identical to the resident-optimal solution of the
  ``matching`` library's ``HospitalResident`` game on every generated instance.
* ``optimal``: the total score of a brute-force search over every allocation, and never
  below the stable allocation's total.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from matcher.allocation.graph import EligibleGraph, build_graph
from matcher.allocation.round import ALLOCATORS, allocate, round_key, split_round_key
from matcher.allocation.stable import stable_allocation
from tests.matcher.allocation.games import graphs, random_graph

Pairs = set[tuple[int, int]]


def _pairs(graph: EligibleGraph, chosen: np.ndarray) -> Pairs:
    """Chosen (job, worker) pairs."""
    return {
        (int(j), int(w)) for j, w in zip(graph.job()[chosen], graph.worker[chosen], strict=True)
    }


def _check_valid(graph: EligibleGraph, chosen: np.ndarray) -> None:
    assert chosen.shape == (graph.n_edges,)
    assert chosen.dtype == np.bool_
    workers = graph.worker[chosen]
    assert len(set(workers.tolist())) == len(workers), "a worker is placed twice"
    filled = np.bincount(graph.job()[chosen], minlength=graph.n_jobs)
    assert (filled <= graph.capacity).all(), "a job order has more workers than slots"


def _relabelled(graph: EligibleGraph, seed: int) -> tuple[EligibleGraph, np.ndarray, np.ndarray]:
    """The same game with workers and job orders at other indices (ids unchanged)."""
    rng = np.random.default_rng(seed)
    new_worker = rng.permutation(graph.n_workers)
    new_job = rng.permutation(graph.n_jobs)
    worker_rank = np.empty_like(graph.worker_rank)
    worker_rank[new_worker] = graph.worker_rank
    job_rank = np.empty_like(graph.job_rank)
    job_rank[new_job] = graph.job_rank
    capacity = np.empty_like(graph.capacity)
    capacity[new_job] = graph.capacity
    edges = rng.permutation(graph.n_edges)
    other = build_graph(
        new_job[graph.job()[edges]],
        new_worker[graph.worker[edges]],
        graph.score[edges],
        capacity=capacity,
        worker_rank=worker_rank,
        job_rank=job_rank,
    )
    return other, new_job, new_worker


@pytest.mark.parametrize("method", sorted(ALLOCATORS))
@pytest.mark.parametrize("per_slot", [None, 2])
@settings(max_examples=150, deadline=None)
@given(graph=graphs())
def test_contract(method: str, per_slot: int | None, graph: EligibleGraph) -> None:
    chosen = allocate(graph, method=method, shortlist_per_slot=per_slot)  # type: ignore[arg-type]
    shortlisted = graph if per_slot is None else graph.with_capacity(graph.capacity * per_slot)
    _check_valid(shortlisted, chosen)
    other, new_job, new_worker = _relabelled(graph, seed=graph.n_edges)
    again = allocate(other, method=method, shortlist_per_slot=per_slot)  # type: ignore[arg-type]
    moved = {(int(new_job[j]), int(new_worker[w])) for j, w in _pairs(graph, chosen)}
    assert _pairs(other, again) == moved


@pytest.mark.parametrize("method", sorted(ALLOCATORS))
def test_contract_on_a_larger_seeded_game(method: str) -> None:
    graph = random_graph(np.random.default_rng(5), 400, 30, 0.08, 6)
    chosen = ALLOCATORS[method](graph)
    _check_valid(graph, chosen)
    assert chosen.sum() > 0


@pytest.mark.parametrize("method", sorted(ALLOCATORS))
def test_empty_graph(method: str) -> None:
    graph = build_graph(
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        capacity=np.array([2]),
        worker_rank=np.arange(3),
        job_rank=np.arange(1),
    )
    assert ALLOCATORS[method](graph).shape == (0,)


def test_unknown_method_is_an_error() -> None:
    graph = random_graph(np.random.default_rng(0), 3, 2, 0.5, 1)
    with pytest.raises(ValueError, match="'method' parameter of allocate"):
        allocate(graph, method="greedy")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- stable
def _blocking_pairs(graph: EligibleGraph, chosen: np.ndarray) -> Pairs:
    """Pairs (job, worker) that both prefer each other to what they got."""
    jobs, ranks = graph.job(), graph.rank()
    w_ptr, w_order = graph.by_worker()
    position = np.empty(graph.n_edges, np.int64)  # place of each edge in its worker's list
    for w in range(graph.n_workers):
        position[w_order[w_ptr[w] : w_ptr[w + 1]]] = np.arange(w_ptr[w + 1] - w_ptr[w])
    mine = {int(graph.worker[e]): int(position[e]) for e in np.flatnonzero(chosen)}
    worst = {}
    for j in range(graph.n_jobs):
        held = ranks[(jobs == j) & chosen]
        worst[j] = int(held.max()) if len(held) == graph.capacity[j] else None
    blocking = set()
    for e in range(graph.n_edges):
        w, j = int(graph.worker[e]), int(jobs[e])
        worker_wants = w not in mine or position[e] < mine[w]
        job_wants = worst[j] is None or ranks[e] < worst[j]
        if worker_wants and job_wants and not chosen[e]:
            blocking.add((j, w))
    return blocking


def _library_solution(graph: EligibleGraph) -> Pairs:
    """The resident-optimal solution of ``matching``'s HospitalResident game."""
    jobs = graph.job()
    w_ptr, w_order = graph.by_worker()
    residents = {
        f"w{w}": [f"j{jobs[e]}" for e in w_order[w_ptr[w] : w_ptr[w + 1]]]
        for w in range(graph.n_workers)
        if w_ptr[w + 1] > w_ptr[w]
    }
    hospitals = {
        f"j{j}": [f"w{w}" for w in graph.worker[graph.ptr[j] : graph.ptr[j + 1]]]
        for j in range(graph.n_jobs)
        if graph.ptr[j + 1] > graph.ptr[j]
    }
    if not residents:
        return set()
    capacities = {h: int(graph.capacity[int(h[1:])]) for h in hospitals}
    with warnings.catch_warnings():
        # The library warns when a capacity exceeds the residents ranking a hospital.
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        solution = game.solve(optimal="resident")
        assert game.check_validity()
        assert game.check_stability()
    return {(int(h.name[1:]), int(r.name[1:])) for h, matched in solution.items() for r in matched}


@settings(max_examples=300, deadline=None)
@given(graph=graphs(max_workers=10, max_jobs=5))
def test_stable_equals_the_matching_library(graph: EligibleGraph) -> None:
    chosen = stable_allocation(graph)
    assert _pairs(graph, chosen) == _library_solution(graph)


@pytest.mark.parametrize("seed", range(3))
def test_stable_equals_the_library_on_seeded_games(seed: int) -> None:
    graph = random_graph(np.random.default_rng(seed), 300, 20, 0.1, 5)
    chosen = stable_allocation(graph)
    assert _pairs(graph, chosen) == _library_solution(graph)
    assert not _blocking_pairs(graph, chosen)


@settings(max_examples=200, deadline=None)
@given(graph=graphs())
def test_stable_has_no_blocking_pair(graph: EligibleGraph) -> None:
    assert not _blocking_pairs(graph, stable_allocation(graph))


def test_blocking_pair_check_can_fail() -> None:
    graph = build_graph(
        np.array([0, 1]),
        np.array([0, 0]),
        np.array([5000, 9000]),
        capacity=np.array([1, 1]),
        worker_rank=np.arange(1),
        job_rank=np.arange(2),
    )
    worse = np.array([False, False])
    worse[graph.job() == 0] = True  # placed at her second choice while the first is free
    assert _blocking_pairs(graph, worse) == {(1, 0)}


# --------------------------------------------------------------------------- optimal
def _best_total(graph: EligibleGraph) -> tuple[int, int]:
    """Largest (total score, placements) over every valid allocation, by brute force."""
    jobs, best = graph.job(), (0, 0)
    for bits in itertools.product((False, True), repeat=graph.n_edges):
        chosen = np.array(bits, np.bool_)
        workers = graph.worker[chosen]
        if len(set(workers.tolist())) < len(workers):
            continue
        if (np.bincount(jobs[chosen], minlength=graph.n_jobs) > graph.capacity).any():
            continue
        best = max(best, (int(graph.score[chosen].sum()), int(chosen.sum())))
    return best


@settings(max_examples=200, deadline=None)
@given(graph=graphs(max_workers=5, max_jobs=3))
def test_optimal_matches_brute_force(graph: EligibleGraph) -> None:
    if graph.n_edges > 12:
        graph = build_graph(
            graph.job()[:12],
            graph.worker[:12],
            graph.score[:12],
            capacity=graph.capacity,
            worker_rank=graph.worker_rank,
            job_rank=graph.job_rank,
        )
    chosen = ALLOCATORS["optimal"](graph)
    assert (int(graph.score[chosen].sum()), int(chosen.sum())) == _best_total(graph)


@pytest.mark.parametrize("seed", range(3))
def test_optimal_is_never_below_stable(seed: int) -> None:
    graph = random_graph(np.random.default_rng(seed), 500, 40, 0.06, 4)
    optimal, stable = ALLOCATORS["optimal"](graph), stable_allocation(graph)
    assert graph.score[optimal].sum() >= graph.score[stable].sum()


def test_optimal_fills_a_slot_with_a_zero_score() -> None:
    graph = build_graph(
        np.array([0]),
        np.array([0]),
        np.array([0]),
        capacity=np.array([1]),
        worker_rank=np.arange(1),
        job_rank=np.arange(1),
    )
    assert ALLOCATORS["optimal"](graph).tolist() == [True]


_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,6}", fullmatch=True)


@given(st.lists(st.tuples(_IDS, _IDS), min_size=1, max_size=30, unique=True))
def test_round_keys_sort_by_id_then_agency(records: list[tuple[str, str]]) -> None:
    # The round's tie rule is id ascending; keys of records whose ids repeat across
    # agencies must keep it, and fall back on the agency only between equal ids.
    keys = [round_key(agency, record) for agency, record in records]
    assert [split_round_key(k) for k in keys] == records
    by_key = sorted(range(len(records)), key=lambda i: keys[i])
    by_rule = sorted(range(len(records)), key=lambda i: (records[i][1], records[i][0]))
    assert by_key == by_rule
