"""Planning instances from small readable tables, and random ones for property tests.

``tables()`` reads one line per row::

    jobs      JO-1 slots=1        JO-2 slots=2
    eligible  W-1 JO-1 0.8000                 # worker, job order, published score
    cohort    SMAW 2026-04-06 seats=1 pass=0.85
    option    W-2 SMAW 2026-04-06 cost=100 unlocks=JO-1:0.7000,JO-2:0.6500

Workers are the ones named anywhere (plus ``workers=`` extras), job orders the ones in
``jobs`` lines. Scores are written as published (four decimals) and stored times 10**4,
pass rates times :data:`PASS_SCALE`. What a course unlocks is written out as the
counterfactual pass would compute it: a cohort that completes after a job order's start
simply does not list it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from matcher.training import PASS_SCALE, PlanInstance

__all__ = ["random_instance", "small_instances", "tables"]


def _scaled(text: str, scale: int) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * scale + int((frac + "0000")[:4]) * scale // 10_000


def tables(text: str, *, budget: int | None = None, workers: Sequence[str] = ()) -> PlanInstance:
    """Build an instance from the line format in the module docstring."""
    jobs: dict[str, int] = {}
    eligible: list[tuple[str, str, int]] = []
    cohorts: dict[tuple[str, str], tuple[int, int]] = {}
    options: list[tuple[str, tuple[str, str], int, list[tuple[str, int]]]] = []
    names: list[str] = list(workers)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        kind, rest = line[0], line[1:]
        if kind == "jobs":
            for job, slots in zip(rest[::2], rest[1::2], strict=True):
                jobs[job] = int(slots.removeprefix("slots="))
        elif kind == "eligible":
            worker, job, score = rest
            eligible.append((worker, job, _scaled(score, 10_000)))
            names.append(worker)
        elif kind == "cohort":
            course, start, seats, rate = rest
            cohorts[(course, start)] = (
                int(seats.removeprefix("seats=")),
                _scaled(rate.removeprefix("pass="), PASS_SCALE),
            )
        elif kind == "option":
            worker, course, start, cost, unlocks = rest
            opened = [
                (job, _scaled(score, 10_000))
                for job, score in (
                    u.split(":") for u in unlocks.removeprefix("unlocks=").split(",")
                )
            ]
            options.append((worker, (course, start), int(cost.removeprefix("cost=")), opened))
            names.append(worker)
        else:
            raise ValueError(f"unknown table line {raw!r}")
    worker_ids = list(dict.fromkeys(names))
    w = {name: i for i, name in enumerate(worker_ids)}
    j = {name: i for i, name in enumerate(jobs)}
    c = {key: i for i, key in enumerate(cohorts)}
    unlock_rows = [
        (o, j[job], score) for o, (_, _, _, opened) in enumerate(options) for job, score in opened
    ]
    return PlanInstance(
        worker_ids=np.array(worker_ids, dtype=str),
        job_ids=np.array(list(jobs), dtype=str),
        slots=np.array(list(jobs.values()), np.int64),
        pair_worker=np.array([w[a] for a, _, _ in eligible], np.int64),
        pair_job=np.array([j[b] for _, b, _ in eligible], np.int64),
        pair_score=np.array([s for _, _, s in eligible], np.int64),
        cohort_course=np.array([k[0] for k in cohorts], dtype=str),
        cohort_start=np.array([k[1] for k in cohorts], dtype=str),
        seats=np.array([v[0] for v in cohorts.values()], np.int64),
        pass_rate=np.array([v[1] for v in cohorts.values()], np.int64),
        option_worker=np.array([w[o[0]] for o in options], np.int64),
        option_cohort=np.array([c[o[1]] for o in options], np.int64),
        option_cost=np.array([o[2] for o in options], np.int64),
        unlock_option=np.array([r[0] for r in unlock_rows], np.int64),
        unlock_job=np.array([r[1] for r in unlock_rows], np.int64),
        unlock_score=np.array([r[2] for r in unlock_rows], np.int64),
        budget=budget,
    )


def random_instance(rng: np.random.Generator, **shape: Any) -> PlanInstance:
    """A small random instance with many ties (few distinct scores, costs and rates).

    Keyword arguments (all optional): ``n_workers``, ``n_jobs``, ``n_cohorts``,
    ``p_eligible``, ``p_option``, ``p_unlock``, ``budget`` (True: drawn, False: none).
    """
    n_w = shape.get("n_workers", int(rng.integers(1, 6)))
    n_j = shape.get("n_jobs", int(rng.integers(1, 4)))
    n_c = shape.get("n_cohorts", int(rng.integers(1, 4)))
    p_eligible = shape.get("p_eligible", 0.35)
    p_option = shape.get("p_option", 0.4)
    p_unlock = shape.get("p_unlock", 0.6)
    eligible = rng.random((n_w, n_j)) < p_eligible
    pw, pj = np.nonzero(eligible)
    option = rng.random((n_w, n_c)) < p_option
    ow, oc = np.nonzero(option)
    unlock_option, unlock_job = [], []
    for o, worker in enumerate(ow):
        for job in range(n_j):
            if not eligible[worker, job] and rng.random() < p_unlock:
                unlock_option.append(o)
                unlock_job.append(job)
    n_u = len(unlock_option)
    # Few distinct values, so ties on value, cost and score are common.
    scores = np.array([5000, 6000, 7000])
    budget = shape.get("budget", bool(rng.integers(0, 2)))
    return PlanInstance(
        # Ids not in index order, so the tie order is not the index order.
        worker_ids=np.array([f"W-{(i * 7) % 11:02d}-{i}" for i in range(n_w)], dtype=str),
        job_ids=np.array([f"JO-{(i * 5) % 7}-{i}" for i in range(n_j)], dtype=str),
        slots=rng.integers(0, 3, n_j),
        pair_worker=pw.astype(np.int64),
        pair_job=pj.astype(np.int64),
        pair_score=rng.choice(scores, len(pw)),
        cohort_course=np.array([f"C{i % 2}" for i in range(n_c)], dtype=str),
        cohort_start=np.array(
            [f"2026-{1 + (i * 5) % 12:02d}-{1 + i // 12:02d}" for i in range(n_c)], dtype=str
        ),
        seats=rng.integers(0, 3, n_c),
        pass_rate=rng.choice(np.array([5000, 8000, PASS_SCALE]), n_c),
        option_worker=ow.astype(np.int64),
        option_cohort=oc.astype(np.int64),
        option_cost=rng.choice(np.array([0, 100, 200]), len(ow)),
        unlock_option=np.array(unlock_option, np.int64),
        unlock_job=np.array(unlock_job, np.int64),
        unlock_score=rng.choice(scores, n_u),
        budget=int(rng.choice([0, 100, 200, 300])) if budget else None,
    )


@st.composite
def small_instances(draw: st.DrawFn) -> PlanInstance:
    """Hypothesis: a seed for :func:`random_instance`, shrinking towards small sizes."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_w = draw(st.integers(1, 5))
    n_j = draw(st.integers(1, 3))
    n_c = draw(st.integers(1, 3))
    budget = draw(st.booleans())
    return random_instance(
        np.random.default_rng(seed), n_workers=n_w, n_jobs=n_j, n_cohorts=n_c, budget=budget
    )
