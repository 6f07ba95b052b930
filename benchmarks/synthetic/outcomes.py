"""Seeded synthetic outcomes for a pool: what employers might have decided after a match.

For each open job order, the engine's top ``3 x slots`` eligible workers are shortlisted,
two thirds of them interviewed, and the employer selects ``slots`` of those interviewed by
a hidden preference: the engine's four components under :data:`HIDDEN_WEIGHTS` (language
counts more than Selaras's defaults give it) plus Gumbel noise of scale
:data:`NOISE`. One in twenty interviewed withdraws; the others not selected are
rejected; most of those selected depart. ``selaras learn`` should find the hidden
preference in them (tests/matcher/learning/). Every worker and decision is synthetic.

Run from the repository root::

    .venv/bin/python -m benchmarks.synthetic.outcomes --pool data/sample/pool \\
        --as-of 2026-03-01 --seed 2026 --out data/sample/pool/outcomes.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.scoring.matching import MatchRun, prepare_run
from matcher.scoring.params import COMPONENTS
from models.files import read_records

__all__ = ["HIDDEN_WEIGHTS", "NOISE", "synthetic_outcomes"]

HIDDEN_WEIGHTS: Mapping[str, float] = {
    "skills": 0.25,
    "certification": 0.1,
    "language": 0.45,
    "experience": 0.2,
}
"""How the simulated employers weigh the components."""
NOISE = 0.03
"""Scale of the Gumbel noise on an employer's utility."""


def synthetic_outcomes(run: MatchRun, seed: int) -> list[dict[str, Any]]:
    """Outcome records (FORMAT.md v2, "Outcome") for the open job orders of ``run``."""
    rng = np.random.default_rng(seed)
    orders = [v for v in run.vacancies if not v.refused]
    found = run.kernel.top_workers(orders, k=None)
    records: list[dict[str, Any]] = []
    for order, top in zip(orders, found, strict=True):
        assert top is not None
        slots = order.vacancy.slots
        listed = top.workers[top.eligible][: 3 * slots].tolist()
        if len(listed) <= slots:
            continue
        day = run.params.as_of + dt.timedelta(days=int(rng.integers(3, 30)))
        seen = [i for i in listed if rng.random() < 2 / 3]
        for i in listed:
            records.append(_outcome(order.vacancy.id, run.workers[i].id, "shortlisted", day))
        utility = []
        for i in seen:
            parts = run.scorer.evaluate(run.workers[i], order).components
            utility.append(sum(HIDDEN_WEIGHTS[c] * parts[c] for c in COMPONENTS))
        noisy = np.asarray(utility) + rng.gumbel(0.0, NOISE, len(seen))
        chosen = set(np.argsort(-noisy, kind="stable")[:slots].tolist())
        later = day + dt.timedelta(days=14)
        for n, i in enumerate(seen):
            worker_id = run.workers[i].id
            records.append(_outcome(order.vacancy.id, worker_id, "interviewed", later))
            if rng.random() < 0.05:
                records.append(_outcome(order.vacancy.id, worker_id, "withdrew", later))
            elif n in chosen:
                records.append(_outcome(order.vacancy.id, worker_id, "selected", later))
                if rng.random() < 0.8:
                    departs = later + dt.timedelta(days=60)
                    records.append(_outcome(order.vacancy.id, worker_id, "departed", departs))
            else:
                records.append(_outcome(order.vacancy.id, worker_id, "rejected", later))
    return records


def _outcome(vacancy_id: str, worker_id: str, stage: str, day: dt.date) -> dict[str, Any]:
    return {
        "vacancy_id": vacancy_id,
        "worker_id": worker_id,
        "stage": stage,
        "date": day.isoformat(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write the outcomes of a pool directory (workers, vacancies, agencies)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", type=Path, required=True)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    read = {
        kind: read_records(args.pool / f"{kind}.jsonl", kind).records
        for kind in ("workers", "vacancies", "agencies")
    }
    run = prepare_run(read["workers"], read["vacancies"], read["agencies"], args.as_of)
    lines = [json.dumps(r) + "\n" for r in synthetic_outcomes(run, args.seed)]
    args.out.write_text("".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
