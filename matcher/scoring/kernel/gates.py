"""The gates of one job order over one chunk of workers, cheapest first; when pruning, a
worker is dropped as soon as a gate fails, before the costlier gates and the score."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Floats, Ints
from matcher.scoring.encoding import NO_START, EncodedPool
from matcher.scoring.kernel.components import certified_columns, stored_months, weighted_score
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.plan import Plan
from matcher.scoring.kernel.rows import ChunkState, Rows, Runs, any_by_row, row_max


def _candidates(ctx: Context, plan: Plan, lo: int, hi: int, only: Ints | None) -> Rows:
    """Rows that can pass every required skill: in the inverted index of each concept
    (and among ``only``, when given)."""
    concepts = {check.concept for check in plan.checks}
    if not concepts:
        return Rows(lo, hi, only)
    skills = ctx.pool.skills
    mask: Bools | None = None
    for concept in concepts:
        found = np.zeros(hi - lo, np.bool_)
        for postings in (skills.held, skills.certified):
            workers = postings.of(concept)
            a, b = np.searchsorted(workers, (lo, hi))
            found[workers[a:b] - lo] = True
        mask = found if mask is None else mask & found
    assert mask is not None
    if only is not None:
        return Rows(lo, hi, only[mask[only - lo]])
    return Rows(lo, hi, lo + np.flatnonzero(mask).astype(np.int64))


def score_rows(
    ctx: Context,
    plan: Plan,
    lo: int,
    hi: int,
    *,
    prune: bool,
    with_gaps: bool,
    with_score: bool = True,
    candidates: Ints | None = None,
    only: Ints | None = None,
) -> tuple[Ints, Bools, Floats, Bools | None]:
    """Score workers ``lo:hi`` (only those that can be eligible, when ``prune``).

    ``only``: sorted pool indices within ``lo:hi`` to score instead of all of them (a
    caller's own gates have already ruled the others out).

    Without ``with_score`` only the gates run and the scores are NaN (for gap counts).
    ``candidates`` (sorted, within ``lo:hi``) are the rows to score instead: when pruning,
    a superset of the eligible ones there (:mod:`~matcher.scoring.kernel.candidates`).

    Returns
    -------
    rows : ndarray of int64
        Pool indices scored (all of ``lo:hi`` unless pruning).
    eligible, score : ndarrays aligned with ``rows``
    gaps : ndarray of bool, shape (n_labels, len(rows)), or None
    """
    pool = ctx.pool
    if candidates is not None:
        rows = Rows(lo, hi, candidates)
    else:
        rows = _candidates(ctx, plan, lo, hi, only) if prune else Rows(lo, hi, only)
    state = ChunkState(rows, len(plan.labels), prune=prune, with_gaps=with_gaps)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.bool_), np.zeros(0), None)
    if plan.closed is not None:
        state.fail(plan.closed, True)
    if not state.settle():
        return empty
    # Cheapest gates first; after each, drop the rows that can no longer be eligible.
    stages: tuple[Callable[[], None], ...] = (
        lambda: _cheap_gates(plan, state, pool),
        lambda: _skill_gates(ctx, plan, state),
        lambda: _experience(ctx, plan, state),
        lambda: _languages(plan, state, pool),
        lambda: _programme_skill_tests(plan, state, pool),
    )
    for last, stage in enumerate(stages, start=1 - len(stages)):
        stage()
        if not state.settle(force=last == 0):
            return empty
    score = weighted_score(ctx, plan, state) if with_score else np.full(len(state.rows), np.nan)
    scored, eligible = state.rows.positions(), ~state.bad
    if prune:  # only eligible rows were asked for (settled above; kept explicit)
        return scored[eligible], eligible[eligible], score[eligible], None
    return scored, eligible, score, state.gaps


def _cheap_gates(plan: Plan, state: ChunkState, pool: EncodedPool) -> None:
    rows, day = state.rows, plan.day
    for check in plan.ages:
        age = rows.take(check.age)
        held = np.ones(len(rows), np.bool_) if check.entered is None else ~rows.take(check.entered)
        raised = np.zeros(len(rows), np.bool_)
        if check.raised:
            assert check.months is not None
            education, months = rows.take(pool.education), rows.take(check.months)
            for code, need, label in check.raised:
                mine = education == code
                raised |= mine
                state.fail(label, held & mine & (months < need))
        if check.minimum is not None:
            state.fail(check.low, held & ~raised & (age < check.minimum))
        if check.maximum is not None:
            state.fail(check.high, held & (age > check.maximum))
    fit = rows.take(pool.fit_to_work)
    state.fail(plan.labels[("health", "fit to work")], fit == 0)
    for column, label in plan.health:
        state.fail(label, rows.take(column) != 1)
    if plan.stay is not None:
        prior, allowed, label = plan.stay
        state.fail(label, rows.take(prior) > allowed)
    prefs = pool.preferences
    assert plan.other_country is not None
    state.fail(plan.labels[("preference", "countries")], rows.take(plan.other_country))
    if plan.pays is not None:
        offered = plan.pays[rows.take(prefs.wage_currency)]
        state.fail(
            plan.labels[("preference", "min_monthly_wage")], offered < rows.take(prefs.wage_min)
        )
    state.fail(plan.labels[("document", "passport")], rows.take(pool.passport_expires) < day)


def _skill_gates(ctx: Context, plan: Plan, state: ChunkState) -> None:
    """Required skills; their certificate checks are carried on (through later pruning) for
    the score, which checks the other concepts on the rows left at the end."""
    concepts = sorted({check.concept for check in plan.checks})
    if not concepts:
        return
    certified = certified_columns(ctx, state, concepts, plan.day)
    levels = ctx.pool.skills.level
    for check in plan.checks:
        descendants = ctx.descendants[check.concept]
        months = stored_months(ctx, state.rows, descendants)
        cert = certified[check.concept]
        missing = (months == 0) & ~cert
        short = missing.copy()
        if check.min_level is not None:
            short |= row_max(levels, state.rows, descendants) < check.min_level
        if check.min_months is not None:
            short |= months <= check.min_months  # stored months are months + 1
        state.fail(check.skill_label, short)
        if check.certified:
            state.fail(check.cert_label, ~cert & ~missing)
    for concept, column in certified.items():
        state.carried[f"certified:{concept}"] = column


def _experience(ctx: Context, plan: Plan, state: ChunkState) -> None:
    """Months in the target ISCO groups (the gate) and weighted by closeness (the score).

    Sums of whole months times 1, 1/2 or 1/4 are exact in float64 in any order, so the
    pool-wide totals and the per-row sums are the reference's numbers either way.
    """
    if plan.isco_quarters is None or plan.isco_exact is None:
        return
    rows, n_rows = state.rows, len(state.rows)
    if n_rows * 8 >= ctx.pool.n_workers:
        all_quarters, all_exact = ctx.experience_totals(plan.isco_targets)
        quarters, exact = rows.take(all_quarters), rows.take(all_exact)
    else:
        exp = ctx.pool.experience
        selector, local = rows.entries(exp.ptr, exp.worker)
        codes = exp.isco[selector]
        months = exp.months[selector].astype(np.float64)
        weighted = plan.isco_quarters[codes] * months
        quarters = np.bincount(local, weights=weighted, minlength=n_rows).astype(np.int64)
        in_targets = plan.isco_exact[codes] * months
        exact = np.bincount(local, weights=in_targets, minlength=n_rows).astype(np.int64)
    state.carried["experience"] = quarters
    if plan.experience_min:
        state.fail(plan.experience_label, exact < plan.experience_min)


def _languages(plan: Plan, state: ChunkState, pool: EncodedPool) -> None:
    if not plan.languages:
        return
    langs = pool.languages
    selector, local, n_slots, pick = state.rows.spread(langs.ptr, langs.worker)
    runs = Runs(local, n_slots)
    test = langs.test[selector]
    date = langs.date[selector]
    day = plan.day
    dated = date != NO_START
    # The job order often repeats its rule pack's requirement: decide each one once.
    decided: dict[tuple[Hashable, ...], NDArray[np.int16]] = {}
    for number, gate in enumerate(plan.languages):
        best = decided.get(gate.signature)
        if best is None:
            valid = np.where(dated, (date >= gate.start[test]) & (date <= day), gate.undated[test])
            if gate.by_result is not None:
                rank = gate.by_result[langs.result[selector]]
            else:
                cefr = langs.cefr[selector].astype(np.int16)
                meets = (langs.language[selector] == gate.language) & (cefr > 0)
                meets &= cefr >= gate.min_cefr
                rank = np.where(meets, cefr - gate.min_cefr, -1).astype(np.int16)
            best = decided[gate.signature] = pick(runs.max(np.where(valid, rank, -1)))
        if gate.label is not None:
            missing = best < 0
            if gate.exempt is not None:
                missing &= ~state.rows.take(gate.exempt)
            state.fail(gate.label, missing)
        state.carried[f"language:{number}"] = gate.credit[best + 1]


def _programme_skill_tests(plan: Plan, state: ChunkState, pool: EncodedPool) -> None:
    if not plan.skill_gates:
        return
    certs = pool.certificates
    rows = state.rows
    selector, local, n_slots, pick = rows.spread(certs.ptr, certs.worker)
    valid = (certs.issued[selector] <= plan.day) & (certs.expires[selector] >= plan.day)
    scheme = certs.scheme[selector]
    name = certs.name[selector]
    job = None
    if plan.job_bits is not None:
        job = (certs.concepts[selector] & plan.job_bits).any(axis=1)
    for gate in plan.skill_gates:
        met = np.zeros(len(rows), np.bool_)
        for route in gate.routes:
            ok = np.ones(len(rows), np.bool_)
            for code, names, matches_job in route.requirements:
                hit = valid.copy()
                if code is not None:
                    hit &= scheme == code
                if names is not None:
                    hit &= names[name]
                if matches_job:
                    assert job is not None
                    hit &= job
                ok &= pick(any_by_row(local, hit, n_slots))
            if route.experience is not None:
                ok &= rows.take(route.experience)
            met |= ok
        state.fail(gate.label, ~met & ~rows.take(gate.exempt))
