"""The training plan's report: one self-contained HTML page, in English or Indonesian.

What a training centre, a placement office or a budget holder reads next to the plan's
records: placements before and after, the cost of each extra placement, how full each
course and cohort is, which courses would unlock most with more seats, the workers one
course away from several job orders, and — after planning, for fairness review only —
the plan's enrolments and expected placements by province of origin and by gender.

**Shadow prices** are measured by re-solving: for each cohort the plan fills to its last
seat (a binding seat row), the plan is solved again with one more seat there and the
gain in expected placements is that seat's worth. Re-solving, rather than reading the
dual of the seat row of the linear relaxation, gives the integer program's own marginal
value (a dual can be zero or fractional where one more seat changes the integer plan, and
the solver may not pass through the relaxation at all when reductions settle a part).
Only the :data:`SHADOW_COHORTS` fullest binding cohorts are re-solved, each with a share
of ``time_limit``.

This module reads protected attributes (gender, province) from the raw worker records,
so it lives in :mod:`matcher.reporting`, above :mod:`matcher.training` (import-linter's
firewall). They are read only here, after the plan is solved: they never enter it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from markupsafe import Markup

from matcher.charts import Bar, bar_chart
from matcher.reporting.pages import Language, page_environment, page_texts
from matcher.training.instance import PASS_SCALE
from matcher.training.run import CENTS, PlanRun
from matcher.training.solve import solve_plan
from models.worker import Worker

__all__ = ["SHADOW_COHORTS", "render_training_report", "training_report", "training_report_html"]

SHADOW_COHORTS = 10
"""How many binding cohorts are re-solved with one more seat."""
_TOP = 25

_TEXT = page_texts("matcher.reporting", "training")


def training_report(
    run: PlanRun,
    workers: Sequence[Worker],
    *,
    time_limit: float = 30.0,
    trainers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report's figures, as plain data (the HTML page renders them).

    Parameters
    ----------
    run : PlanRun
        The solved plan.
    workers : sequence of Worker
        The raw worker records of the run, in the same order (for the fairness section).
    time_limit : float
        Seconds shared by the shadow-price re-solves.
    trainers : dict, optional
        :func:`matcher.training.trainers.trainers_document`: shown as its own section.

    Returns
    -------
    dict
    """
    plan, instance, cf = run.plan, run.instance, run.counterfactual
    extra = plan.expected_placed - plan.baseline_placed
    courses = {c.id: c for c in run.catalogue.courses}
    fill = [
        {
            "course_id": str(instance.cohort_course[k]),
            "provider": courses[str(instance.cohort_course[k])].provider,
            "cohort_start": str(instance.cohort_start[k]),
            "completes": cf.cohort_completes[k].isoformat(),
            "seats": int(instance.seats[k]),
            "enrolled": int(plan.cohort_enrolled[k]),
            "admitted": int(cf.cohort_admitted[k]),
            "refused": int(cf.cohort_refused[k]),
        }
        for k in range(instance.n_cohorts)
    ]
    return {
        "as_of": run.as_of.isoformat(),
        "currency": run.currency,
        "status": plan.status,
        "reasons": list(plan.reasons),
        "baseline_placed": plan.baseline_placed,
        "expected_placed": plan.expected_placed,
        "upper_bound": plan.upper_bound / PASS_SCALE,
        "gap": plan.gap,
        "enrolled": plan.n_enrolled,
        "cost": plan.cost / CENTS,
        "extra_placements": extra,
        "cost_per_extra": plan.cost / CENTS / extra if extra > 0 else None,
        "fill": fill,
        "shadow": _shadow_prices(run, time_limit),
        "one_away": _one_away(run),
        "fairness": _fairness(run, workers),
        "trainers": trainers,
    }


def _shadow_prices(run: PlanRun, time_limit: float) -> list[dict[str, Any]]:
    """The gain in expected placements from one more seat in each binding cohort."""
    plan, instance = run.plan, run.instance
    full = np.flatnonzero((plan.cohort_enrolled == instance.seats) & (instance.seats > 0))
    full = full[np.argsort(-instance.seats[full], kind="stable")][:SHADOW_COHORTS]
    out: list[dict[str, Any]] = []
    for k in full.tolist():
        seats = instance.seats.copy()
        seats[k] += 1
        more = solve_plan(
            dataclasses.replace(instance, seats=seats), time_limit=time_limit / max(len(full), 1)
        )
        out.append(
            {
                "course_id": str(instance.cohort_course[k]),
                "cohort_start": str(instance.cohort_start[k]),
                "seats": int(instance.seats[k]),
                "gain": (more.value - plan.value) / PASS_SCALE,
                "proven": more.status != "feasible" and plan.status != "feasible",
            }
        )
    out.sort(key=lambda r: (-float(r["gain"]), str(r["course_id"]), str(r["cohort_start"])))
    return out


def _one_away(run: PlanRun) -> list[dict[str, Any]]:
    """Workers whose best single option unlocks two or more job orders, most first."""
    instance = run.instance
    per_option = np.bincount(instance.unlock_option, minlength=instance.n_options)
    order = np.lexsort((instance.worker_rank()[instance.option_worker], -per_option))
    order = order[per_option[order] >= 2]
    _, first = np.unique(instance.option_worker[order], return_index=True)
    best = order[np.sort(first)][:_TOP]  # one option per worker, most job orders first
    enrolled = set(instance.option_worker[run.plan.enrol_option].tolist())
    rows = []
    for option in best.tolist():
        worker = int(instance.option_worker[option])
        jobs = sorted(
            str(j) for j in instance.job_ids[instance.unlock_job[instance.unlock_option == option]]
        )
        cohort = int(instance.option_cohort[option])
        rows.append(
            {
                "worker_id": str(instance.worker_ids[worker]),
                "course_id": str(instance.cohort_course[cohort]),
                "cohort_start": str(instance.cohort_start[cohort]),
                "job_orders": len(jobs),
                "examples": ", ".join(jobs[:4]) + (" ..." if len(jobs) > 4 else ""),
                "in_plan": worker in enrolled,
            }
        )
    return rows


def _fairness(run: PlanRun, workers: Sequence[Worker]) -> dict[str, list[dict[str, Any]]]:
    """Workers, enrolments and expected placements per province of origin and gender."""
    plan, instance = run.plan, run.instance
    weight = np.zeros(instance.n_workers)
    np.add.at(weight, instance.pair_worker[plan.placed_pairs], 1.0)
    placed_unlocks = np.flatnonzero(plan.placed_unlocks)
    options = instance.unlock_option[placed_unlocks]
    np.add.at(
        weight,
        instance.option_worker[options],
        instance.pass_rate[instance.option_cohort[options]] / PASS_SCALE,
    )
    enrolled = np.zeros(instance.n_workers, np.bool_)
    enrolled[instance.option_worker[plan.enrol_option]] = True
    out: dict[str, list[dict[str, Any]]] = {}
    readers: tuple[tuple[str, Callable[[Worker], str | None]], ...] = (
        ("province", lambda w: w.province),
        ("gender", lambda w: w.gender),
    )
    for name, read in readers:
        pool: Counter[str] = Counter()
        trained: Counter[str] = Counter()
        placed: defaultdict[str, float] = defaultdict(float)
        for i, worker in enumerate(workers):
            group = read(worker) or ""
            pool[group] += 1
            trained[group] += int(enrolled[i])
            placed[group] += float(weight[i])
        out[name] = [
            {
                "group": group,
                "workers": pool[group],
                "enrolled": trained[group],
                "expected_placed": placed[group],
                "rate": placed[group] / pool[group],
            }
            for group in sorted(pool, key=lambda g: (-pool[g], g))
        ]
    return out


def render_training_report(report: dict[str, Any], *, lang: Language = "en") -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, nothing fetched).

    Parameters
    ----------
    report : dict
        From :func:`training_report`.
    lang : {"en", "id"}

    Returns
    -------
    str
    """
    text = {key: value[lang] for key, value in _TEXT.items()}
    unknown = text["unknown"]
    before, after, bound = (
        report["baseline_placed"],
        report["expected_placed"],
        report["upper_bound"],
    )
    charts = {
        "headline": bar_chart(
            [
                Bar(text["baseline"], before, f"{before:,}"),
                Bar(text["expected"], after, f"{after:,.2f}"),
                Bar(text["upper_bound"], bound, f"{bound:,.2f}", series=1),
            ],
            max(bound, before, 1),
        ),
        "fill": bar_chart(
            [
                Bar(f"{r['course_id']} {r['cohort_start']}", r["enrolled"] / r["seats"],
                    f"{r['enrolled']}/{r['seats']}")
                for r in report["fill"]
            ],
            1.0,
        ),
    }  # fmt: skip
    for name in ("province", "gender"):
        rows = report["fairness"][name]
        charts[name] = bar_chart(
            [Bar(r["group"] or unknown, r["rate"], f"{r['rate']:.1%}") for r in rows],
            max((r["rate"] for r in rows), default=0.0) or 1.0,
        )
    template = page_environment().get_template("training.html")
    return template.render(
        lang=lang,
        t=text,
        r=report,
        charts={k: Markup(v) for k, v in charts.items()},  # escaped by matcher.charts
        shadow_note=text["shadow_note"].format(n=SHADOW_COHORTS),
    )


def training_report_html(
    run: PlanRun,
    workers: Sequence[Worker],
    *,
    lang: Language = "en",
    time_limit: float = 30.0,
    trainers: dict[str, Any] | None = None,
) -> str:
    """:func:`training_report` rendered by :func:`render_training_report`."""
    report = training_report(run, workers, time_limit=time_limit, trainers=trainers)
    return render_training_report(report, lang=lang)
