"""The score components and their weighted mean, with the reference's operations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Floats
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.plan import Plan
from matcher.scoring.kernel.rows import ChunkState, Rows, row_max


def certified_columns(
    ctx: Context, rows: Rows, concepts: Sequence[int], day: int
) -> dict[int, Bools]:
    """Whether each row holds a certificate valid on ``day`` for each concept (or within)."""
    out = {}
    for concept in concepts:
        worker, issued, expires = ctx.certificates_within(concept)
        out[concept] = rows.among(worker[(issued <= day) & (expires >= day)])
    return out


def stored_months(ctx: Context, rows: Rows, concepts: NDArray[np.intp]) -> NDArray[np.uint16]:
    """Most months (+ 1) listed for any of ``concepts``, per row (0: none listed)."""
    kept = ctx.months_listed(concepts)
    if kept is not None:
        return rows.take(kept)
    months: NDArray[np.uint16] = row_max(
        ctx.pool.skills.listed, "months", rows, concepts, ctx.skills_by_worker
    )
    return months


def skill_credit(ctx: Context, rows: Rows, concept: int, certified: Bools) -> Floats:
    """The reference's skill credit for one concept: the best over relations of held to
    needed skill of its credit at the most months listed; a certificate alone earns 0.5."""
    cap = ctx.params.skill_months_full + 1
    best = np.zeros(len(rows))
    for relation, held in ctx.relatives[concept].items():
        if not len(held):
            continue
        months = stored_months(ctx, rows, held)
        best = np.maximum(best, ctx.relation_credit[relation][np.minimum(months, cap)])
    return np.where((best < 0.5) & certified, 0.5, best)


def weighted_score(ctx: Context, plan: Plan, state: ChunkState) -> Floats:
    """The weighted mean of the measured components, with the reference's operations."""
    rows, n_rows = state.rows, len(state.rows)
    components: dict[str, Floats] = {}
    unchecked = sorted(
        {c for _, cs in plan.needs for c in cs} - {check.concept for check in plan.checks}
    )
    if unchecked:
        for concept, column in certified_columns(ctx, rows, unchecked, plan.day).items():
            state.carried[f"certified:{concept}"] = column
    if plan.needs:
        skills = np.zeros(n_rows)
        shares = np.zeros(n_rows)
        credit_of: dict[int, Floats] = {}
        for weight, concepts in plan.needs:
            credits = np.zeros(n_rows)
            count = np.zeros(n_rows)
            for concept in concepts:
                cert = state.carried[f"certified:{concept}"]
                if concept not in credit_of:
                    credit_of[concept] = skill_credit(ctx, rows, concept, cert)
                credits = credits + credit_of[concept]
                count = count + cert
            skills = skills + weight * credits / len(concepts)
            shares = shares + weight * count / len(concepts)
        components["skills"] = skills / plan.needs_weight
        components["certification"] = shares / plan.needs_weight
    if plan.languages:
        total = np.zeros(n_rows)
        for number in range(len(plan.languages)):
            total = total + state.carried[f"language:{number}"]
        components["language"] = total / len(plan.languages)
    if plan.experience_measured:
        quarters = state.carried["experience"]
        table = ctx.experience_credit
        components["experience"] = table[np.minimum(quarters, len(table) - 1)]
    if not plan.weight_total:
        return np.ones(n_rows)
    score = np.zeros(n_rows)
    for name, weight in plan.weights:
        score = score + weight * components[name]
    return score / plan.weight_total


# ------------------------------------------------------------------------------ public
