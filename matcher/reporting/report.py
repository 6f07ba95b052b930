"""The round report: placements, fill rate, scores, reasons, and a fairness audit.

This package is the one place in the engine that reads protected attributes (gender,
province, and birth date for age bands), from the raw :class:`models.worker.Worker`
records, after the allocation is final. Scoring and allocation work on
:class:`matcher.scoring.facts.WorkerFacts`, which does not carry them; an import-linter
contract keeps the scoring and allocation modules from importing this one.

Fairness follows the four-fifths rule of the US Uniform Guidelines on Employee
Selection Procedures (29 CFR 1607.4(D)): a group whose selection rate is below 80% of
the highest group's rate is flagged for review. Rates are given over the whole pool and
over the workers eligible for at least one job order, so an officer can tell a gap in
the gates (training, documents) from a gap in the allocation itself. A flag is a prompt
to look, not a finding: small groups swing widely, so every row shows its counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from matcher.allocation.reasons import TOP_GAPS
from matcher.allocation.round import RoundOutcome
from matcher.scoring.publish import SCALE
from models.worker import Worker

__all__ = ["FOUR_FIFTHS", "age_band", "round_report", "selection_rates"]

FOUR_FIFTHS = 0.8
"""Impact ratio below which a group is flagged (29 CFR 1607.4(D))."""

_AGE_BANDS = ((18, "under 18"), (25, "18-24"), (30, "25-29"), (35, "30-34"), (40, "35-39"))
_HISTOGRAM_BINS = 10


def age_band(birth_date: dt.date, on: dt.date) -> str:
    """The age band of a worker on a date ("18-24", ..., "40 and over")."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for below, label in _AGE_BANDS:
        if age < below:
            return label
    return "40 and over"


def selection_rates(
    groups: Sequence[str], selected: Sequence[bool], eligible: Sequence[bool]
) -> list[dict[str, Any]]:
    """Selection rates and impact ratios of each group, four-fifths flags included.

    Parameters
    ----------
    groups : sequence of str
        Each worker's group.
    selected : sequence of bool
        Placed (or shortlisted).
    eligible : sequence of bool
        Eligible for at least one open job order.

    Returns
    -------
    list of dict
        One row per group, largest group first: ``group``, ``pool``, ``eligible``,
        ``selected``, ``selection_rate`` (of the pool), ``impact_ratio``, ``flag``, and
        the same three over eligible workers (``..._eligible``). Ratios are None when
        no group has a positive rate.
    """
    pool: Counter[str] = Counter(groups)
    picked: Counter[str] = Counter(g for g, s in zip(groups, selected, strict=True) if s)
    able: Counter[str] = Counter(g for g, e in zip(groups, eligible, strict=True) if e)
    rate = {g: picked[g] / pool[g] for g in pool}
    rate_eligible = {g: picked[g] / able[g] if able[g] else None for g in pool}
    best = max(rate.values(), default=0.0)
    best_eligible = max((r for r in rate_eligible.values() if r is not None), default=0.0)
    rows = []
    for group in sorted(pool, key=lambda g: (-pool[g], g)):
        ratio = rate[group] / best if best else None
        r_eligible = rate_eligible[group]
        ratio_eligible = (
            r_eligible / best_eligible if best_eligible and r_eligible is not None else None
        )
        rows.append(
            {
                "group": group,
                "pool": pool[group],
                "eligible": able[group],
                "selected": picked[group],
                "selection_rate": round(rate[group], 4),
                "impact_ratio": None if ratio is None else round(ratio, 4),
                "flag": ratio is not None and ratio < FOUR_FIFTHS,
                "selection_rate_eligible": None if r_eligible is None else round(r_eligible, 4),
                "impact_ratio_eligible": None
                if ratio_eligible is None
                else round(ratio_eligible, 4),
                "flag_eligible": ratio_eligible is not None and ratio_eligible < FOUR_FIFTHS,
            }
        )
    return rows


def round_report(
    outcome: RoundOutcome, workers: Sequence[Worker], as_of: dt.date
) -> dict[str, Any]:
    """The round report as a JSON-ready dict.

    Parameters
    ----------
    outcome : RoundOutcome
        The finished round.
    workers : sequence of Worker
        The raw records of the pool, in pool order (for the fairness section only).
    as_of : datetime.date
        The evaluation date (age bands).

    Returns
    -------
    dict
        ``summary``, ``scores``, ``unplaced``, ``unfilled_reasons``, ``by_country`` and
        ``fairness``.

    Raises
    ------
    ValueError
        If ``workers`` is not the pool of the round, in order.
    """
    if tuple(w.id for w in workers) != outcome.worker_ids:
        raise ValueError("workers must be the round's pool, in pool order")
    graph, chosen = outcome.graph, outcome.chosen
    filled, open_slots = outcome.filled(), outcome.open_slots()
    slots = int(graph.capacity.sum())
    selected = outcome.job_of() >= 0
    eligible = np.bincount(graph.worker, minlength=graph.n_workers) > 0
    scores = graph.score[chosen] / SCALE
    counts, edges = np.histogram(scores, bins=_HISTOGRAM_BINS, range=(0.0, 1.0))
    summary = {
        "method": outcome.method,
        "shortlist_per_slot": outcome.shortlist_per_slot,
        "as_of": as_of.isoformat(),
        "workers": graph.n_workers,
        "workers_eligible": int(eligible.sum()),
        "job_orders": len(outcome.orders) + outcome.n_refused,
        "job_orders_refused": outcome.n_refused,
        "job_orders_open": len(outcome.orders),
        "eligible_pairs": graph.n_edges,
        "slots": slots,
        "placed": int(chosen.sum()),
        # Shortlists can list more than the slots; the fill rate counts slots covered.
        "fill_rate": round(float(np.minimum(filled, graph.capacity).sum()) / slots, 4)
        if slots
        else None,
        "job_orders_filled": int((open_slots == 0).sum()),
        "job_orders_unfilled": int((open_slots > 0).sum()),
        "open_slots": int(open_slots.sum()),
    }
    score_summary: dict[str, Any] = {
        "histogram": {"edges": [round(float(e), 2) for e in edges], "counts": counts.tolist()},
    }
    if scores.size:
        score_summary.update(
            mean=round(float(scores.mean()), 4),
            p10=round(float(np.quantile(scores, 0.1)), 4),
            median=round(float(np.median(scores)), 4),
            p90=round(float(np.quantile(scores, 0.9)), 4),
        )
    unplaced = Counter(k for k in outcome.unplaced_kind if k is not None)
    groups: dict[str, Callable[[Worker], str]] = {
        "gender": lambda w: w.gender or "unknown",
        "province": lambda w: w.province or "unknown",
        "age_band": lambda w: age_band(w.birth_date, as_of),
    }
    fairness = {
        "threshold": FOUR_FIFTHS,
        "selected": "placed" if outcome.shortlist_per_slot is None else "shortlisted",
        "attributes": {
            name: selection_rates([of(w) for w in workers], selected.tolist(), eligible.tolist())
            for name, of in groups.items()
        },
    }
    return {
        "summary": summary,
        "scores": score_summary,
        "unplaced": {k: unplaced[k] for k in sorted(unplaced)},
        "unfilled_reasons": _unfilled_reasons(outcome, open_slots),
        "by_country": _by_country(outcome, filled),
        "fairness": fairness,
    }


def _unfilled_reasons(outcome: RoundOutcome, open_slots: np.ndarray) -> list[dict[str, Any]]:
    """Gates among the top blockers of unfilled job orders, by open slots they hold."""
    totals: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"job_orders": 0, "open_slots": 0, "only_gap": 0}
    )
    for j, gaps in outcome.job_gaps.items():
        if not open_slots[j]:
            continue
        for label, blocked, only in zip(
            gaps.labels[:TOP_GAPS], gaps.blocked, gaps.only, strict=False
        ):
            if not blocked:
                break
            row = totals[label]
            row["job_orders"] += 1
            row["open_slots"] += int(open_slots[j])
            row["only_gap"] += int(only)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1]["open_slots"], kv[0]))
    return [{"kind": k, "requirement": r, **row} for (k, r), row in ranked]


def _by_country(outcome: RoundOutcome, filled: np.ndarray) -> list[dict[str, Any]]:
    slots: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    for j, order in enumerate(outcome.orders):
        country = order.vacancy.country
        slots[country] += int(outcome.graph.capacity[j])
        placed[country] += int(min(filled[j], outcome.graph.capacity[j]))
    return [
        {
            "country": c,
            "slots": slots[c],
            "placed": placed[c],
            "fill_rate": round(placed[c] / slots[c], 4),
        }
        for c in sorted(slots)
    ]
