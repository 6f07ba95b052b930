"""Benchmark: the training-plan solver (``matcher.training.solve_plan``) on synthetic instances.

Shape (``synthetic_instance``), chosen to look like a placement office's pool:

* ``--trades`` (25) trades; every job order needs one trade, a worker has one. Job orders
  and workers are spread over the trades by two different Dirichlet draws, so some trades
  are short of ready workers (training pays there) and others are oversupplied.
* Job orders have ``1 + Poisson(7)`` slots (about 8 on average: 500 job orders give
  about 4,000 slots) and start 10 to 52 weeks after ``as_of``.
* Workers are 45 % *ready* (eligible for some job orders of their trade), 25 %
  *near-miss* (one gap a course can close: the trade's skill course or its language
  course) and 30 % *far* (neither eligible nor one course away; they cost nothing but
  stay in the instance). Each ready or near-miss worker looks at ``Poisson(7)`` job orders
  of her trade (other gates — age, preferences, wage — rule out the rest); a near-miss
  worker's gap blocks 80 % of those, the rest she can already do. That gives about 7
  eligible pairs per eligible worker, as in the allocation benchmark's pool.
* 2 courses per trade (skill: 8-16 weeks, IDR 3-12 million; language: 12-24 weeks,
  IDR 2-8 million), so 50 courses, each with 4 cohorts starting 0, 4, 8 and 12 weeks after
  ``as_of`` with 15-30 seats, pass rate 0.60-0.95 in steps of 0.05. A near-miss worker
  meets a cohort's prerequisites with probability 0.85; a cohort unlocks a blocked job
  order only if it completes by the job order's start (so later cohorts unlock less).
  Her score after the course depends on her, the course and the job order, not on the
  cohort, so cohorts of one course tie (the tie rules then choose).
* Budget ``--budget`` (IDR 3 billion: about 500 enrolments, fewer than the useful ones, so
  it binds), or none with ``--budget 0``.

At 10,000 workers that is about 2,500 near-miss workers, 8,000 options, 30,000 unlocked
pairs and 35,000 eligible pairs. The 100,000-worker instance has 5,000 job orders (the
allocation benchmark's shape) and the same catalogue, so seats bind hard.

Each backend solves the same instance ``--repeat`` times in this process (the
machine is shared: the spread is reported); the plans must be identical across repeats
and backends that prove optimality.

Run: ``.venv/bin/python -m benchmarks.bench_plan_solver [--quick] [--workers 10000]
[--jobs 500] [--backends highs,scip,cp-sat,cbc] [--repeat 3] [--time-limit 60]``;
``--quick`` runs 2,000 workers x 100 job orders once per backend.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Sequence

import numpy as np

from benchmarks.common import parse_args
from matcher.training import BACKENDS, PASS_SCALE, PlanInstance, TrainingPlan, solve_plan

WEEK = 1


def _after_course_score(worker: np.ndarray, course: np.ndarray, job: np.ndarray) -> np.ndarray:
    """A score in [4500, 9000] that depends only on (worker, course, job order)."""
    key = (worker.astype(np.uint64) * np.uint64(1_000_003) + course.astype(np.uint64)) * np.uint64(
        100_003
    ) + job.astype(np.uint64)
    mixed = (key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(33)
    return (4500 + mixed % np.uint64(4501)).astype(np.int64)


def synthetic_instance(
    *,
    n_workers: int,
    n_jobs: int,
    n_trades: int = 25,
    cohorts_per_course: int = 4,
    budget: int | None = 3_000_000_000,
    seed: int = 0,
) -> PlanInstance:
    """A planning instance of the shape in the module docstring (vectorised, no loops)."""
    rng = np.random.default_rng(seed)
    demand = rng.dirichlet(np.full(n_trades, 2.0))
    supply = rng.dirichlet(np.full(n_trades, 2.0))
    job_trade = rng.choice(n_trades, n_jobs, p=demand)
    job_start = rng.integers(10, 53, n_jobs)
    slots = 1 + rng.poisson(7, n_jobs)
    order = np.argsort(job_trade, kind="stable")
    per_trade = np.bincount(job_trade, minlength=n_trades)
    trade_ptr = np.concatenate(([0], np.cumsum(per_trade)))
    worker_trade = rng.choice(n_trades, n_workers, p=supply)
    kind = rng.choice(3, n_workers, p=[0.45, 0.25, 0.30])  # ready, near-miss, far
    looks = np.where(kind < 2, rng.poisson(7, n_workers), 0)
    looks[per_trade[worker_trade] == 0] = 0
    cand_worker = np.repeat(np.arange(n_workers), looks)
    trade = worker_trade[cand_worker]
    cand_job = order[
        trade_ptr[trade] + (rng.random(len(trade)) * per_trade[trade]).astype(np.int64)
    ]
    key = np.unique(cand_worker.astype(np.int64) * n_jobs + cand_job)
    cand_worker, cand_job = key // n_jobs, key % n_jobs
    blocked = (kind[cand_worker] == 1) & (rng.random(len(key)) < 0.8)
    pair_worker, pair_job = cand_worker[~blocked], cand_job[~blocked]
    pair_score = rng.integers(4500, 9501, len(pair_worker))
    # Courses: skill course of trade t is 2t, language course 2t + 1.
    n_courses = 2 * n_trades
    duration = np.where(
        np.arange(n_courses) % 2 == 0,
        rng.integers(8, 17, n_courses),
        rng.integers(12, 25, n_courses),
    )
    cost = np.where(
        np.arange(n_courses) % 2 == 0,
        rng.integers(3, 13, n_courses) * 1_000_000,
        rng.integers(2, 9, n_courses) * 1_000_000,
    )
    # Catalogues state pass rates in whole percent or coarser: 0.60, 0.65, ..., 0.95.
    pass_rate = rng.integers(12, 20, n_courses) * 500
    n_cohorts = n_courses * cohorts_per_course
    cohort_course = np.repeat(np.arange(n_courses), cohorts_per_course)
    cohort_offset = np.tile(np.arange(cohorts_per_course) * 4 * WEEK, n_courses)
    seats = rng.integers(15, 31, n_cohorts)
    near = np.flatnonzero(kind == 1)
    course_of = 2 * worker_trade[near] + (rng.random(len(near)) < 0.5)
    opt_worker = np.repeat(near, cohorts_per_course)
    opt_cohort = (course_of * cohorts_per_course)[:, None] + np.arange(cohorts_per_course)
    opt_cohort = opt_cohort.reshape(-1)
    meets = rng.random(len(opt_worker)) < 0.85
    opt_worker, opt_cohort = opt_worker[meets], opt_cohort[meets]
    course_of_option = cohort_course[opt_cohort]
    # Unlocks: the worker's blocked pairs whose job order starts after completion.
    b_worker, b_job = cand_worker[blocked], cand_job[blocked]
    by_worker = np.argsort(b_worker, kind="stable")
    b_worker, b_job = b_worker[by_worker], b_job[by_worker]
    first = np.searchsorted(b_worker, opt_worker, "left")
    count = np.searchsorted(b_worker, opt_worker, "right") - first
    u_option = np.repeat(np.arange(len(opt_worker)), count)
    u_index = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    u_job = b_job[first[u_option] + u_index]
    completes = cohort_offset[opt_cohort[u_option]] + duration[cohort_course[opt_cohort[u_option]]]
    in_time = completes <= job_start[u_job]
    u_option, u_job = u_option[in_time], u_job[in_time]
    start_day = np.array(["2026-04-06", "2026-05-04", "2026-06-01", "2026-06-29"])
    return PlanInstance(
        worker_ids=np.char.add("W-", np.char.zfill(np.arange(n_workers).astype(str), 6)),
        job_ids=np.char.add("JO-2026-", np.char.zfill(np.arange(n_jobs).astype(str), 4)),
        slots=slots,
        pair_worker=pair_worker,
        pair_job=pair_job,
        pair_score=pair_score,
        cohort_course=np.char.add("CRS-", np.char.zfill(cohort_course.astype(str), 3)),
        cohort_start=start_day[np.arange(n_cohorts) % cohorts_per_course % len(start_day)],
        seats=seats,
        pass_rate=pass_rate[cohort_course],
        option_worker=opt_worker,
        option_cohort=opt_cohort,
        option_cost=cost[cohort_course[opt_cohort]],
        unlock_option=u_option,
        unlock_job=u_job,
        unlock_score=_after_course_score(opt_worker[u_option], course_of_option[u_option], u_job),
        budget=budget,
    )


def _describe(instance: PlanInstance) -> str:
    near = len(np.unique(instance.option_worker))
    return (
        f"{instance.n_workers:,} workers ({near:,} with an option), {instance.n_jobs:,} job "
        f"orders ({int(instance.slots.sum()):,} slots), {instance.n_cohorts} cohorts "
        f"({int(instance.seats.sum()):,} seats), {len(instance.pair_worker):,} eligible pairs, "
        f"{instance.n_options:,} options, {len(instance.unlock_option):,} unlocked pairs, "
        f"budget {instance.budget if instance.budget is not None else 'none'}"
    )


def _fingerprint(plan: TrainingPlan) -> tuple[object, ...]:
    return (
        plan.value,
        plan.cost,
        plan.score,
        tuple(plan.enrol_option.tolist()),
        tuple(plan.enrol_unlock.tolist()),
    )


def run(instance: PlanInstance, backends: list[str], repeat: int, time_limit: float) -> None:
    """Solve ``instance`` with each backend ``repeat`` times and print one table row each."""
    print(_describe(instance))
    print(
        "| backend | runs | median s | min-max s | status | expected placed | upper bound "
        "| gap | enrolled | baseline | solves |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    proven: dict[str, tuple[object, ...]] = {}
    for backend in backends:
        times, plans = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            plan = solve_plan(instance, backend=backend, time_limit=time_limit)  # type: ignore[arg-type]
            times.append(time.perf_counter() - started)
            plans.append(plan)
        last = plans[-1]
        same = len({_fingerprint(p) for p in plans}) == 1
        if last.status != "feasible":
            proven[backend] = _fingerprint(last)
        print(
            f"| {backend} | {repeat} | {statistics.median(times):.2f} | "
            f"{min(times):.2f}-{max(times):.2f} | {last.status}{'' if same else ' (runs differ)'} "
            f"| {last.value / PASS_SCALE:,.4f} | {last.upper_bound / PASS_SCALE:,.4f} | "
            f"{last.gap:.4%} | {last.n_enrolled:,} | {last.baseline_placed:,} | "
            f"{last.stats.solves} |"
        )
    if len(set(proven.values())) > 1:
        print("WARNING: backends that proved optimality returned different plans")
    elif proven:
        print(f"Proven plans identical across {', '.join(proven)}.")


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--budget", type=int, default=3_000_000_000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parse_args(parser, argv, {"workers": 2_000, "jobs": 100, "repeat": 1})
    print(f"python {platform.python_version()}, {platform.machine()}, seed {args.seed}")
    started = time.perf_counter()
    instance = synthetic_instance(
        n_workers=args.workers,
        n_jobs=args.jobs,
        budget=args.budget or None,
        seed=args.seed,
    )
    print(f"instance built and validated in {time.perf_counter() - started:.2f} s")
    run(instance, args.backends.split(","), args.repeat, args.time_limit)


if __name__ == "__main__":
    main()
