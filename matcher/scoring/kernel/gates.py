"""The gates of one job order over one chunk of workers, cheapest first; when pruning, a
worker is dropped as soon as a gate fails, before the costlier gates and the score.

Each gate hands its mask to the chunk's state as a function, under its label and its
key (:meth:`~matcher.scoring.kernel.rows.ChunkState.gate`); the work several gates share
(a pass over the certificates, the language results) is done on first use. Scoring asks
for every mask; a gap count (:mod:`~matcher.scoring.kernel.gap_counts`) runs the same
stages and asks only for the masks it has not kept from another job order."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cache, partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import Bools, Floats, Ints
from matcher.scoring.encoding import NO_START, EncodedPool
from matcher.scoring.kernel.components import certified_columns, stored_months, weighted_score
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.plan import AgeCheck, LanguagePlan, Plan, SkillCheck, SkillGatePlan
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


def stages(ctx: Context, plan: Plan, state: ChunkState) -> tuple[Callable[[], None], ...]:
    """The gates of ``plan`` over ``state``'s rows, cheapest first, in stages after each of
    which a pruning caller can drop the rows that can no longer be eligible."""
    pool = ctx.pool
    return (
        lambda: _closed(plan, state),
        lambda: _cheap_gates(plan, state, pool),
        lambda: _skill_gates(ctx, plan, state),
        lambda: _experience(ctx, plan, state),
        lambda: _languages(plan, state, pool),
        lambda: _programme_skill_tests(plan, state, pool),
    )


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
    if candidates is not None:
        rows = Rows(lo, hi, candidates)
    else:
        rows = _candidates(ctx, plan, lo, hi, only) if prune else Rows(lo, hi, only)
    state = ChunkState(rows, len(plan.labels), prune=prune, with_gaps=with_gaps)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.bool_), np.zeros(0), None)
    if not state.settle():
        return empty
    # Cheapest gates first; after each, drop the rows that can no longer be eligible.
    steps = stages(ctx, plan, state)
    for last, stage in enumerate(steps, start=1 - len(steps)):
        stage()
        if not state.settle(force=last == 0):
            return empty
    score = weighted_score(ctx, plan, state) if with_score else np.full(len(state.rows), np.nan)
    scored, eligible = state.rows.positions(), ~state.bad
    if prune:  # only eligible rows were asked for (settled above; kept explicit)
        return scored[eligible], eligible[eligible], score[eligible], None
    return scored, eligible, score, state.gaps


def _closed(plan: Plan, state: ChunkState) -> None:
    if plan.closed is not None:
        state.gate(plan.closed, ("closed",), lambda: True)


def _held(check: AgeCheck, rows: Rows) -> Bools:
    """Rows the age window applies to: all, or those who never worked in the country of
    first entry."""
    if check.entered is None:
        return np.ones(len(rows), np.bool_)
    held: Bools = ~rows.take(check.entered)
    return held


def _below_raised(check: AgeCheck, rows: Rows, pool: EncodedPool, code: int, need: int) -> Bools:
    """Younger than the minimum raised for one education level, at that level."""
    assert check.months is not None
    at_level = rows.take(pool.education) == code
    below: Bools = _held(check, rows) & at_level & (rows.take(check.months) < need)
    return below


def _below_minimum(check: AgeCheck, rows: Rows, pool: EncodedPool) -> Bools:
    """Younger than the minimum, at an education level whose minimum is not raised."""
    assert check.minimum is not None
    raised = np.isin(rows.take(pool.education), [code for code, *_ in check.raised])
    below: Bools = _held(check, rows) & ~raised & (rows.take(check.age) < check.minimum)
    return below


def _above_maximum(check: AgeCheck, rows: Rows) -> Bools:
    assert check.maximum is not None
    above: Bools = _held(check, rows) & (rows.take(check.age) > check.maximum)
    return above


def _cheap_gates(plan: Plan, state: ChunkState, pool: EncodedPool) -> None:
    rows, day = state.rows, plan.day
    for check in plan.ages:
        if check.raised:
            assert check.months is not None
            for code, need, label, key in check.raised:
                state.gate(label, key, partial(_below_raised, check, rows, pool, code, need))
        if check.minimum is not None:
            state.gate(check.low, check.low_key, partial(_below_minimum, check, rows, pool))
        if check.maximum is not None:
            state.gate(check.high, check.high_key, partial(_above_maximum, check, rows))
    state.gate(
        plan.labels[("health", "fit to work")],
        ("fit to work",),
        lambda: rows.take(pool.fit_to_work) == 0,
    )
    for column, label, key in plan.health:
        state.gate(label, key, partial(lambda c: rows.take(c) != 1, column))
    if plan.stay is not None:
        prior, allowed, label, key = plan.stay
        state.gate(label, key, lambda: rows.take(prior) > allowed)
    prefs = pool.preferences
    other = plan.other_country
    assert other is not None
    state.gate(plan.labels[("preference", "countries")], plan.country_key, lambda: rows.take(other))
    pays = plan.pays
    if pays is not None:
        state.gate(
            plan.labels[("preference", "min_monthly_wage")],
            plan.pays_key,
            lambda: pays[rows.take(prefs.wage_currency)] < rows.take(prefs.wage_min),
        )
    state.gate(
        plan.labels[("document", "passport")],
        ("passport", day),
        lambda: rows.take(pool.passport_expires) < day,
    )


def _skill_gates(ctx: Context, plan: Plan, state: ChunkState) -> None:
    """Required skills; their certificate checks are carried on (through later pruning) for
    the score, which checks the other concepts on the rows left at the end."""
    concepts = sorted({check.concept for check in plan.checks})
    if not concepts:
        return
    rows = state.rows
    certified = cache(lambda: certified_columns(ctx, rows, concepts, plan.day))
    listed = ctx.pool.skills.listed

    @cache
    def months(concept: int) -> NDArray[np.uint16]:
        return stored_months(ctx, rows, ctx.descendants[concept])

    @cache
    def missing(concept: int) -> Bools:
        """Lists the concept (or a more specific one) nowhere and holds no certificate."""
        lacking: Bools = (months(concept) == 0) & ~certified()[concept]
        return lacking

    def short(check: SkillCheck) -> Bools:
        out = missing(check.concept).copy()
        if check.min_level is not None:
            within = ctx.descendants[check.concept]
            level = row_max(listed, "level", rows, within, ctx.skills_by_worker)
            out |= level < check.min_level
        if check.min_months is not None:
            out |= months(check.concept) <= check.min_months  # stored months are months + 1
        return out

    def uncertified(concept: int) -> Bools:
        """Holds the skill but no valid certificate for it."""
        out: Bools = ~certified()[concept] & ~missing(concept)
        return out

    for check in plan.checks:
        state.gate(check.skill_label, check.skill_key, partial(short, check))
        if check.certified:
            state.gate(check.cert_label, check.cert_key, partial(uncertified, check.concept))
    for concept in concepts:
        state.carry(f"certified:{concept}", partial(lambda c: certified()[c], concept))


def _experience(ctx: Context, plan: Plan, state: ChunkState) -> None:
    """Months in the target ISCO groups (the gate) and weighted by closeness (the score).

    Sums of whole months times 1, 1/2 or 1/4 are exact in float64 in any order, so the
    pool-wide totals and the per-row sums are the reference's numbers either way.
    """
    if plan.isco_quarters is None or plan.isco_exact is None:
        return
    rows = state.rows
    totals = cache(lambda: _experience_totals(ctx, plan, rows))
    state.carry("experience", lambda: totals()[0])
    if plan.experience_min:
        state.gate(
            plan.experience_label, plan.experience_key, lambda: totals()[1] < plan.experience_min
        )


def _experience_totals(ctx: Context, plan: Plan, rows: Rows) -> tuple[Ints, Ints]:
    """Per row: 4 x months weighted by ISCO closeness, and months in the targets."""
    assert plan.isco_quarters is not None
    assert plan.isco_exact is not None
    n_rows = len(rows)
    kept = ctx.experience_totals(plan.isco_targets, now=n_rows * 8 >= ctx.pool.n_workers)
    if kept is not None:
        return rows.take(kept[0]), rows.take(kept[1])
    exp = ctx.pool.experience
    selector, local = rows.entries(exp.ptr, exp.worker)
    codes = exp.isco[selector]
    months = exp.months[selector].astype(np.float64)
    weighted = plan.isco_quarters[codes] * months
    quarters = np.bincount(local, weights=weighted, minlength=n_rows).astype(np.int64)
    in_targets = plan.isco_exact[codes] * months
    exact = np.bincount(local, weights=in_targets, minlength=n_rows).astype(np.int64)
    return quarters, exact


def _languages(plan: Plan, state: ChunkState, pool: EncodedPool) -> None:
    if not plan.languages:
        return
    langs, rows, day = pool.languages, state.rows, plan.day

    @cache
    def results() -> tuple[Any, Runs, Callable[[NDArray[Any]], NDArray[Any]], Any, Any]:
        selector, local, n_slots, pick = rows.spread(langs.ptr, langs.worker)
        return selector, Runs(local, n_slots), pick, langs.test[selector], langs.date[selector]

    # The job order often repeats its rule pack's requirement: decide each one once.
    decided: dict[tuple[Hashable, ...], NDArray[np.int16]] = {}

    def best(gate: LanguagePlan) -> NDArray[np.int16]:
        """Per row, the rank of the best result the gate accepts on the day (-1: none)."""
        found = decided.get(gate.signature)
        if found is None:
            selector, runs, pick, test, date = results()
            dated = date != NO_START
            valid = np.where(dated, (date >= gate.start[test]) & (date <= day), gate.undated[test])
            if gate.by_result is not None:
                rank = gate.by_result[langs.result[selector]]
            else:
                cefr = langs.cefr[selector].astype(np.int16)
                meets = (langs.language[selector] == gate.language) & (cefr > 0)
                meets &= cefr >= gate.min_cefr
                rank = np.where(meets, cefr - gate.min_cefr, -1).astype(np.int16)
            found = decided[gate.signature] = pick(runs.max(np.where(valid, rank, -1)))
        return found

    def missing(gate: LanguagePlan) -> Bools:
        lacking: Bools = best(gate) < 0
        if gate.exempt is not None:
            lacking &= ~rows.take(gate.exempt)
        return lacking

    for number, gate in enumerate(plan.languages):
        if gate.label is not None:
            state.gate(gate.label, gate.key, partial(missing, gate))
        state.carry(f"language:{number}", partial(lambda g: g.credit[best(g) + 1], gate))


def _programme_skill_tests(plan: Plan, state: ChunkState, pool: EncodedPool) -> None:
    if not plan.skill_gates:
        return
    certs, rows = pool.certificates, state.rows

    @cache
    def entries() -> tuple[Ints, int, Callable[[Bools], Bools], Bools, Any, Any, Any]:
        """Each certificate entry's row slot, the slots, a function from slots to rows,
        and per entry: valid on the day, scheme, name, and whether it names the job's
        skills (None when no route asks)."""
        selector, local, n_slots, pick = rows.spread(certs.ptr, certs.worker)
        valid = (certs.issued[selector] <= plan.day) & (certs.expires[selector] >= plan.day)
        job = None
        if plan.job_bits is not None:
            job = (certs.concepts[selector] & plan.job_bits).any(axis=1)
        scheme, name = certs.scheme[selector], certs.name[selector]
        return local, n_slots, pick, valid, scheme, name, job

    def unmet(gate: SkillGatePlan) -> Bools:
        local, n_slots, pick, valid, scheme, name, job = entries()
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
        failed: Bools = ~met & ~rows.take(gate.exempt)
        return failed

    for gate in plan.skill_gates:
        state.gate(gate.label, gate.key, partial(unmet, gate))
