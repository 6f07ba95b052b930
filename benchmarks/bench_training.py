"""Benchmark: ``selaras plan-training`` end to end — the counterfactual pass and the plan.

Builds a seeded synthetic pool with ``benchmarks.synthetic`` (records validated with
``models``, read and screened with ``prepare_run``) and a synthetic catalogue of
``--courses`` courses x 4 cohorts drawn from what the job orders ask:

* one skill course per required skill concept, most asked first (the skill at level 3
  with 6 months, and a BNSP certificate for it, valid 36 months), 4-16 weeks, IDR 0-12
  million, pass rate 0.60-0.95;
* language courses for the tests the job orders accept (JFT-Basic A2, JLPT N4,
  EPS-TOPIK 120 and 140, CEFR B1 in German and English), 12-24 weeks;
* every course has 4 cohorts starting 1, 5, 9 and 13 weeks after ``as_of`` with 15-30
  seats; a third have prerequisites (age 18-35, or SMA/SMK education).

It then measures, ``--repeat`` times in this process:

* the **counterfactual pass** (``matcher.training.counterfactual.counterfactual_pass``);
* the **plan** (``solve_plan`` with ``--time-limit``), with its status, bound and gap;

each as wall time and as the process's CPU time (``time.process_time``: on a shared
machine the wall time also counts other processes' turns);

and runs the **reference scorer** on a random sample of the very pairs the pass scored
(every worker against every open job order today; every candidate after the course
against the job orders it may unlock), timed per pair and extrapolated to all of them,
for the ratio against the pass. The machine is shared: the spread is printed.

Run: ``.venv/bin/python -m benchmarks.bench_training [--workers 10000] [--vacancies 500]
[--courses 50] [--repeat 3] [--time-limit 60] [--budget 3000000000] [--quick]``.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.common import parse_args, timed, validated
from benchmarks.synthetic import AS_OF, generate_pool
from matcher.scoring.matching import MatchRun, prepare_run
from matcher.scoring.reference import Scorer
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.training.catalogue import Catalogue, after_course, read_catalogue
from matcher.training.counterfactual import Counterfactual, counterfactual_pass
from matcher.training.run import Budget, plan_training
from models.course import Course

LANGUAGE_COURSES = (
    ("JFT-Basic", "A2", None),
    ("JLPT", "N4", None),
    ("EPS-TOPIK", 120, None),
    ("EPS-TOPIK", 140, None),
    ("CEFR", "B1", "de"),
    ("CEFR", "B1", "en"),
)


def synthetic_catalogue(run: MatchRun, n_courses: int, seed: int) -> list[dict[str, Any]]:
    """Course records (FORMAT.md) for the job orders of ``run`` (see the module docstring)."""
    rng = random.Random(seed)
    asked = Counter(
        concept
        for screened in run.vacancies
        if not screened.refused
        for need in screened.skills
        if need.required
        for concept in need.concepts
    )
    taxonomy = run.params.taxonomy
    n_language = min(len(LANGUAGE_COURSES), max(n_courses // 5, 1))
    skills = [c for c, _ in sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))]
    skills = skills[: max(n_courses - n_language, 0)]
    out: list[dict[str, Any]] = []
    for n, concept in enumerate(skills):
        label = taxonomy[concept].label_en
        out.append(
            _course(
                f"CRS-SKILL-{n:03d}",
                {
                    "skills": [{"name": label, "level": 3, "months": 6}],
                    "certificates": [
                        {
                            "name": f"Operator {label}",
                            "skill": label,
                            "scheme": "BNSP",
                            "valid_months": 36,
                        }
                    ],
                },
                rng.randrange(4, 17),
                rng,
            )
        )
    for n, (test, result, language) in enumerate(LANGUAGE_COURSES[:n_language]):
        conferred: dict[str, Any] = {"test": "CEFR" if language else test, "result": result}
        if language:  # a CEFR result in a named language: a Goethe or TOEIC-like certificate
            conferred = {"test": "Goethe" if language == "de" else "IELTS",
                         "result": "B1" if language == "de" else 5.5}  # fmt: skip
        out.append(
            _course(f"CRS-LANG-{n:03d}", {"languages": [conferred]}, rng.randrange(12, 25), rng)
        )
    return out[:n_courses]


def _course(ident: str, confers: dict[str, Any], weeks: int, rng: random.Random) -> dict[str, Any]:
    prerequisites: dict[str, Any] = {}
    if rng.random() < 1 / 3:
        prerequisites = rng.choice([{"age": {"min": 18, "max": 35}}, {"education": ["SMA", "SMK"]}])
    return {
        "id": ident,
        "provider": {"name": "Synthetic", "kind": rng.choice(["BDI", "BLK", "LPK", "POLITEKNIK"])},
        "title": ident,
        "confers": confers,
        "prerequisites": prerequisites,
        "duration_weeks": weeks,
        "cohorts": [
            {
                "start": (AS_OF + np.timedelta64(7 * (1 + 4 * k), "D").astype(object)).isoformat(),
                "seats": rng.randrange(15, 31),
            }
            for k in range(4)
        ],
        "cost": {"amount": rng.randrange(0, 13) * 1_000_000, "currency": "IDR"},
        "pass_rate": rng.randrange(12, 20) * 0.05,
    }


def _reference_seconds(
    run: MatchRun, catalogue: Catalogue, cf: Counterfactual, sample: int, seed: int
) -> tuple[float, int]:
    """Seconds the reference scorer would take on the pairs the pass scored, from a sample
    timed pair by pair; and the number of those pairs."""
    rng = np.random.default_rng(seed)
    scorer = Scorer(run.params)
    open_jobs = [j for j, v in enumerate(run.vacancies) if not v.refused]
    today = len(run.workers) * len(open_jobs)
    # After the course: every candidate row against every job order with a near miss.
    rows = int(cf.cohort_admitted.sum())
    targets = sorted(set(cf.unlock_job.tolist())) or open_jobs
    after = rows * len(targets)
    cohorts = np.repeat(np.arange(len(cf.cohort_admitted)), cf.cohort_admitted)
    spent, done = 0.0, 0
    for _ in range(sample):
        j = open_jobs[int(rng.integers(len(open_jobs)))]
        worker = run.workers[int(rng.integers(len(run.workers)))]
        if cohorts.size and rng.random() < after / max(today + after, 1):
            k = int(cohorts[int(rng.integers(len(cohorts)))])
            course = catalogue.courses[int(cf.cohort_course[k])]
            worker = after_course(worker, course, cf.cohort_completes[k])
        start = time.perf_counter()
        scorer.evaluate(worker, run.vacancies[j])
        spent += time.perf_counter() - start
        done += 1
    return spent / max(done, 1) * (today + after), today + after


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--vacancies", type=int, default=500)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--budget", type=float, default=3e9, help="IDR; 0: no budget")
    parser.add_argument("--sample", type=int, default=3000, help="reference pairs timed")
    parser.add_argument("--seed", type=int, default=2026)
    args = parse_args(
        parser,
        argv,
        {
            "workers": 800,
            "vacancies": 40,
            "courses": 10,
            "repeat": 1,
            "time_limit": 10.0,
            "sample": 200,
        },
    )
    print(f"bench_training: {args.workers:,} workers, {args.vacancies:,} job orders, "
          f"{args.courses} courses x 4 cohorts; Python {platform.python_version()}; "
          "shared 2-core machine, expect noise", flush=True)  # fmt: skip
    with timed("generate pool"):
        raw = generate_pool(args.workers, args.vacancies, seed=args.seed, as_of=AS_OF)
    workers, vacancies, agencies = validated(raw)
    with timed("read and screen (prepare_run)"):
        run = prepare_run(workers, vacancies, agencies, AS_OF)
    courses = [Course.model_validate(c) for c in synthetic_catalogue(run, args.courses, args.seed)]
    catalogue = read_catalogue(
        courses,
        list(range(1, len(courses) + 1)),
        file="synthetic",
        skills=default_skill_normalizer(),
        rates=run.params.rates,
        on=AS_OF,
    )
    budget = Budget(args.budget, "IDR") if args.budget > 0 else None
    passes, plans, totals, pass_cpu, total_cpu = [], [], [], [], []
    planned = None
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        counterfactual_pass(run.workers, run.vacancies, catalogue, run.params)
        passes.append(time.perf_counter() - start)
        pass_cpu.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        planned = plan_training(
            run.workers, run.vacancies, catalogue, run.params, budget=budget,
            time_limit=args.time_limit,
        )  # fmt: skip
        totals.append(time.perf_counter() - start)
        total_cpu.append(time.process_time() - cpu)
        plans.append(planned.plan.stats.seconds)
    assert planned is not None
    cf, plan, instance = planned.counterfactual, planned.plan, planned.instance

    def spread(values: list[float]) -> str:
        low, high = min(values), max(values)
        return f"median {statistics.median(values):.2f} s (min {low:.2f}, max {high:.2f})"

    print(f"  near-miss workers: {cf.near_miss_workers:,}; candidates (worker x cohort): "
          f"{int(cf.cohort_admitted.sum()):,}, refused by prerequisites "
          f"{int(cf.cohort_refused.sum()):,}")  # fmt: skip
    print(f"  eligible pairs today: {len(cf.pair_worker):,}; options: {instance.n_options:,}; "
          f"unlocked pairs: {len(cf.unlock_job):,}; cohorts: {instance.n_cohorts}")  # fmt: skip
    print(f"  counterfactual pass: wall {spread(passes)} over {args.repeat}; "
          f"CPU {spread(pass_cpu)}")  # fmt: skip
    print(f"  plan (solve_plan): wall {spread(plans)}")
    print(f"  pass + plan (plan_training): wall {spread(totals)}; CPU {spread(total_cpu)}")
    print(f"  plan: {plan.status}; baseline {plan.baseline_placed:,}; expected "
          f"{plan.expected_placed:,.2f}; upper bound {plan.upper_bound / 10_000:,.2f}; "
          f"gap {plan.gap:.4%}; enrolled {plan.n_enrolled:,}; cost IDR "
          f"{plan.cost / 100:,.0f}")  # fmt: skip
    seconds, pairs = _reference_seconds(run, catalogue, cf, args.sample, args.seed)
    print(f"  reference scorer on the same {pairs:,} pairs (from {args.sample:,} timed): "
          f"{seconds:,.1f} s; ratio reference / pass (median) "
          f"{seconds / statistics.median(passes):,.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
