"""Counterfactual eligibility: which job orders a course cohort would open to a worker.

For every worker and every cohort she may join, the job orders she is ineligible for
today and would be eligible for with the course's results, and her score there — computed
by the scoring kernel (:class:`~matcher.scoring.kernel.PoolScorer`) on "the worker after
the course" (:func:`~matcher.training.catalogue.after_course`, applied to the encoded
columns by :mod:`matcher.training.after`), never by a second copy of
a rule and never pair by pair in Python.

1. **Today.** The pool is encoded once and every open job order is scored against it with
   its gaps (one kernel call per job order). The eligible pairs and their published
   scores are the plan's baseline.
2. **Near misses.** A pair is a near miss when every gap it has is one a course can close
   (``skill``, ``certificate``, ``language``, or a rule pack's skills test) and the job
   order starts on a date some cohort completes by (no start date: the gates are read on
   ``as_of``, before any course ends). Every gate is monotone in what a worker holds, so a
   pair blocked by any other gap (age, health, preferences, documents, experience, stay
   cap) stays blocked whatever she learns: only near-miss pairs can be unlocked.
3. **Cohorts.** For each cohort starting on or after ``as_of``: the near-miss workers of
   the job orders starting on or after its completion whose gaps are all of kinds the
   course's results can touch (a language course cannot close a skill gap; a skill or
   certificate gap only by a course conferring a concept within one the job order
   requires, the one relation every skill gate reads: necessary conditions only, the
   kernel decides), and who meet the prerequisites on the cohort's
   start date. The prerequisites are a job order of their own (the course's skill,
   language and age requirements, read on the start date) scored by the same kernel
   gates; accepted education levels are compared with the encoded column.
4. **After the course.** Each (worker, cohort) candidate becomes one row of a second pool:
   her row of the encoded pool with the course's results dated on the
   completion date, built column-wise (:func:`~matcher.training.after.after_courses`,
   ``after_course``'s rule on the encoded columns: no record built or encoded per row).
   Each job order is scored by the kernel against the rows of its own near misses whose
   course may close all their gaps and completes by its start date (step 3's condition,
   per job order), eligible rows only (the kernel's exact pruning). A pair counts when
   the row is eligible there: the job order starts on or after the completion date and
   she was ineligible today by construction.

The property test (``tests/matcher/training/test_counterfactual.py``) holds the result
equal to the reference scorer run on the modified worker, for every worker, cohort and
job order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from matcher.allocation.runner import Progress, QuietProgress
from matcher.arrays import Bools, Floats, Ints, grouped, members
from matcher.rules.packs import legal_pack
from matcher.rules.screening import ScreenedVacancy
from matcher.rules.types import RulePack
from matcher.scoring.encoding import day_number, encode_pool, select_workers
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import published_scores
from matcher.training.after import after_courses, conferred_pool
from matcher.training.catalogue import Catalogue, CourseFacts
from models.vacancy import Vacancy

__all__ = [
    "PREREQUISITE_KINDS",
    "Counterfactual",
    "closable_by",
    "counterfactual_pass",
    "prerequisite_order",
]

PREREQUISITE_KINDS = frozenset({"skill", "certificate", "language", "age"})
"""The gap kinds a course's prerequisites can produce (the rest of a job order's gates —
health, preferences, documents — are not prerequisites and are not read)."""


@dataclass(frozen=True)
class Counterfactual:
    """What the pass found, in arrays (indices into the inputs).

    Attributes
    ----------
    pair_worker, pair_job : ndarray of int64
        Eligible pairs today (``pair_job`` indexes the job orders passed in).
    pair_score : ndarray of int64
        Their published score times 10**4.
    cohort_course : ndarray of int64
        Per cohort (those starting on or after ``as_of``, in catalogue order), its course.
    cohort_start, cohort_completes : tuple of datetime.date
    cohort_seats : ndarray of int64
    cohort_admitted : ndarray of int64
        Near-miss candidates of each cohort who meet its prerequisites.
    cohort_refused : ndarray of int64
        Near-miss candidates of each cohort who do not (a failed prerequisite).
    option_worker, option_cohort : ndarray of int64
        A worker may join a cohort and it unlocks at least one job order for her.
    unlock_option, unlock_job : ndarray of int64
        The job orders each option unlocks (sorted by option, then job order).
    unlock_score : ndarray of float64
        Her score there after the course (the kernel's, unrounded).
    near_miss_workers : int
        Workers with at least one near-miss pair.
    """

    pair_worker: Ints
    pair_job: Ints
    pair_score: Ints
    cohort_course: Ints
    cohort_start: tuple[dt.date, ...]
    cohort_completes: tuple[dt.date, ...]
    cohort_seats: Ints
    cohort_admitted: Ints
    cohort_refused: Ints
    option_worker: Ints
    option_cohort: Ints
    unlock_option: Ints
    unlock_job: Ints
    unlock_score: Floats
    near_miss_workers: int

    @property
    def unlock_published(self) -> Ints:
        """The unlocked pairs' published scores times 10**4."""
        return published_scores(self.unlock_score)


@cache
def _neutral_pack() -> RulePack:
    """Indonesian law's pack with every gate removed: a course's entry is not a job order
    abroad, so only the course's own prerequisites gate it."""
    return dataclasses.replace(
        legal_pack(),
        language=None,
        language_validity={},
        age=None,
        stay_cap_months=None,
        availability=None,
        health=(),
        skill_gates=(),
        exemptions=(),
    )


def prerequisite_order(course: CourseFacts, start: dt.date) -> ScreenedVacancy:
    """A course's prerequisites on a cohort's start date, as a job order the gates read.

    Only gaps of :data:`PREREQUISITE_KINDS` count; the education list is not a gate of
    the engine's and is checked apart.

    Parameters
    ----------
    course : CourseFacts
    start : datetime.date
        The cohort's start date: skills, certificates, language results and age are
        read on it.

    Returns
    -------
    ScreenedVacancy
    """
    # The gates read the country (preferences, ignored) and nothing else of the record.
    vacancy = Vacancy.model_validate(
        {
            "id": course.id,
            "agency_id": course.id,
            "employer": {"name": course.provider, "type": "company"},
            "country": "ID",
            "programme": "OTHER",
            "title": course.title,
            "slots": 1,
            "wage": {"amount": 1, "currency": "IDR", "per": "month"},
        }
    )
    return ScreenedVacancy(
        vacancy=vacancy,
        pack=_neutral_pack(),
        day=start,
        refusals=(),
        flags=(),
        skills=course.prerequisite_skills,
        languages=course.language_gates(),
        ages=course.age_gates(start),
        experience_isco=(),
        experience_min_months=0,
        monthly_wage=None,
        weights=None,
    )


def closable_by(
    catalogue: Catalogue,
    screened: ScreenedVacancy,
    labels: Sequence[tuple[str, str]],
    within: Callable[[str, str], bool],
) -> Bools:
    """``[course, label]``: whether the course's results can touch that gap of the job order.

    A necessary condition, so that a course is not tried where it cannot help (the
    kernel decides the rest): a ``skill`` gap needs a conferred skill or certificate in a
    concept within one the requirement names (a held or certified skill counts only
    within the concept asked); a ``certificate`` gap a conferred certificate so; a
    rule pack's skills test a conferred certificate of a scheme one of its routes
    accepts; a ``language`` gap a conferred
    language result, or a certificate (an exemption shows one). No course touches any
    other gap (age, health, documents, preferences, experience, stay cap, dates).

    Parameters
    ----------
    catalogue : Catalogue
    screened : ScreenedVacancy
    labels : sequence of (kind, requirement)
        The job order's gap labels, as the kernel names them.
    within : callable
        ``within(a, b)``: concept ``a`` is ``b`` or lies under it (the taxonomy's).

    Returns
    -------
    ndarray of bool, shape (n_courses, n_labels)
    """
    tests = {gate.id for gate in screened.pack.skill_gates}
    asked: dict[str, set[str]] = {}
    for need in screened.skills:
        asked.setdefault(need.name, set()).update(need.concepts)
    out = np.zeros((len(catalogue.courses), len(labels)), np.bool_)
    for c, course in enumerate(catalogue.courses):
        skills = {s.concept for s in course.skills}
        certified = {k for cert in course.certificates for k in cert.concepts}
        for g, (kind, requirement) in enumerate(labels):
            if requirement in tests:
                out[c, g] = bool(course.certificates)
            elif kind == "language":
                out[c, g] = bool(course.languages or course.certificates)
            elif kind in ("skill", "certificate"):
                gives = skills | certified if kind == "skill" else certified
                wanted = asked.get(requirement, set())
                out[c, g] = any(within(have, want) for have in gives for want in wanted)
    return out


def _near_misses(gaps: Bools, eligible: Bools, closes: Bools) -> tuple[Ints, Bools]:
    """The near misses of one job order and the courses that may close all their gaps.

    Parameters
    ----------
    gaps : ndarray of bool, shape (n_labels, n_workers)
        The kernel's gaps of the job order.
    eligible : ndarray of bool, shape (n_workers,)
    closes : ndarray of bool, shape (n_courses, n_labels)
        :func:`closable_by` of the job order.

    Returns
    -------
    near : ndarray of int64
        Workers, ineligible today, whom some course may make eligible (ascending).
    fits : ndarray of bool, shape (len(near), n_courses)
        Whether the course may close every gap of that worker.
    """
    # A gap no course closes rules the worker out whatever she takes: only the others
    # enter the product, which counts per (worker, course) the gaps the course leaves.
    stuck = gaps[~closes.any(axis=0)].any(axis=0) | eligible
    near = np.flatnonzero(~stuck)
    # float32 goes through BLAS (numpy has none for integers) and is exact: the counts
    # are at most the number of labels, far below 2**24.
    left = gaps[:, near].T.astype(np.float32) @ (~closes).T.astype(np.float32)
    fits = left == 0
    some = fits.any(axis=1)
    return near[some].astype(np.int64), fits[some]


def _admitted(scorer: PoolScorer, course: CourseFacts, start: dt.date, rows: Ints) -> Bools:
    """Which pool rows ``rows`` meet the course's prerequisites on ``start``."""
    if not course.has_prerequisites:
        return np.ones(len(rows), np.bool_)
    found = scorer.count_gaps([prerequisite_order(course, start)], tracked=rows)[0]
    gates = [g for g, (kind, _) in enumerate(found.labels) if kind in PREREQUISITE_KINDS]
    ok = ~found.tracked[gates].any(axis=0)
    if course.education:
        ok &= np.isin(scorer.pool.education[rows], course.education)
    return np.asarray(ok, np.bool_)


def counterfactual_pass(
    workers: Sequence[WorkerFacts],
    vacancies: Sequence[ScreenedVacancy],
    catalogue: Catalogue,
    params: ScoringParams,
    *,
    progress: Progress | None = None,
    scorer: PoolScorer | None = None,
) -> Counterfactual:
    """Eligibility today and after each course cohort, by the scoring kernel.

    Parameters
    ----------
    workers : sequence of WorkerFacts
    vacancies : sequence of ScreenedVacancy
        Refused job orders are skipped (nobody is eligible there, trained or not).
    catalogue : Catalogue
    params : ScoringParams
        The run's parameters; cohorts starting before ``params.as_of`` cannot be joined.
    progress : Progress, optional
        Told of the stages ``today``, ``cohorts`` and ``after the course``.
    scorer : PoolScorer, optional
        The kernel over ``workers`` already encoded on ``params.as_of`` with ``params``
        (a run's, :attr:`matcher.scoring.matching.MatchRun.kernel`): its encoding and the
        tables it derived are reused instead of encoding the pool again. None: encode here.

    Returns
    -------
    Counterfactual

    Raises
    ------
    ValueError
        If ``scorer`` is over another number of workers or another date.
    """
    progress = progress or QuietProgress()
    as_of = params.as_of
    if scorer is None:
        scorer = PoolScorer(encode_pool(workers, params.taxonomy, as_of), params)
    elif scorer.pool.n_workers != len(workers) or scorer.params.as_of != as_of:
        raise ValueError(
            f"the scorer is over {scorer.pool.n_workers} workers on {scorer.params.as_of}, "
            f"not the {len(workers)} workers on {as_of} given"
        )
    pool = scorer.pool
    cohorts = [
        (c, start, seats)
        for c, course in enumerate(catalogue.courses)
        for start, seats in course.cohorts
        if start >= as_of
    ]
    completes = [catalogue.courses[c].completes(start) for c, start, _ in cohorts]
    done_day = np.array([day_number(d) for d in completes], np.int64)
    earliest = int(done_day.min()) if len(done_day) else None
    job_day = np.array(
        [
            -1 if v.vacancy.start_date is None else day_number(v.vacancy.start_date)
            for v in vacancies
        ],
        np.int64,
    )
    open_jobs = [j for j, v in enumerate(vacancies) if not v.refused]

    # 1-2. Today, and the near misses (with the courses that may close all their gaps).
    pair_w, pair_j, pair_s, near_w, near_j, near_fit = [], [], [], [], [], []
    n_courses = len(catalogue.courses)
    progress.start("today", len(open_jobs))
    for j in open_jobs:
        found = scorer.score_vacancy(vacancies[j])
        rows = np.flatnonzero(found.eligible)
        pair_w.append(rows)
        pair_j.append(np.full(len(rows), j, np.int64))
        pair_s.append(published_scores(found.score[rows]))
        if earliest is not None and job_day[j] >= earliest and found.gaps.size and n_courses:
            closes = closable_by(
                catalogue, vacancies[j], found.gap_labels, params.taxonomy.is_within
            )
            near, fits = _near_misses(found.gaps, found.eligible, closes)
            near_w.append(near)
            near_j.append(np.full(len(near), j, np.int64))
            near_fit.append(np.packbits(fits, axis=1))
        progress.advance(1)
    cat = _cat
    pair_worker, pair_job, pair_score = cat(pair_w), cat(pair_j), cat(pair_s)
    near_worker, near_job = cat(near_w), cat(near_j)
    width = (n_courses + 7) // 8
    packed = np.concatenate(near_fit) if near_fit else np.zeros((0, width), np.uint8)
    near_day = job_day[near_job]

    # 3. Candidates of each cohort: near misses it may unlock in time, prerequisites met.
    near_ids = np.unique(near_worker)
    near_index = np.searchsorted(near_ids, near_worker)
    near_pool = select_workers(pool, near_ids)
    near_scorer = PoolScorer(near_pool, params)
    cand_worker, cand_cohort = [], []
    admitted = np.zeros(len(cohorts), np.int64)
    refused = np.zeros(len(cohorts), np.int64)
    progress.start("cohorts", len(cohorts))
    course_fits: dict[int, Bools] = {}
    for k, (c, start, _) in enumerate(cohorts):
        course = catalogue.courses[c]
        if c not in course_fits:  # the course's column, unpacked once for its cohorts
            course_fits[c] = ((packed[:, c >> 3] >> (7 - (c & 7))) & 1).astype(np.bool_)
        fits = course_fits[c] & (near_day >= done_day[k])
        # A mask over the near-miss workers instead of sorting their pairs (np.unique).
        mask = np.zeros(len(near_ids), np.bool_)
        mask[near_index[fits]] = True
        who = np.flatnonzero(mask)
        ok = _admitted(near_scorer, course, start, who)
        admitted[k], refused[k] = int(ok.sum()), int((~ok).sum())
        cand_worker.append(near_ids[who[ok]])
        cand_cohort.append(np.full(int(ok.sum()), k, np.int64))
        progress.advance(1)
    del course_fits
    row_worker, row_cohort = cat(cand_worker), cat(cand_cohort)

    # 4. The candidates after the course, built on the encoded columns, scored by the kernel.
    conferred = conferred_pool(
        [(catalogue.courses[c], done) for (c, _, _), done in zip(cohorts, completes, strict=True)],
        params.taxonomy,
        as_of,
    )
    targets = sorted(set(near_job.tolist()))
    unlock_row, unlock_job, unlock_score = [], [], []
    progress.start("after the course", len(targets))
    if len(row_worker) and targets:
        after = PoolScorer(after_courses(pool, conferred, row_worker, row_cohort), params)
        rows_of = grouped(row_worker, len(workers))
        row_course = np.array([c for c, _, _ in cohorts], np.int64)[row_cohort]
        pairs_of = grouped(near_job, len(vacancies))
        for j in targets:
            # Only the rows a near miss of this job order may turn eligible: her pair's
            # gaps all closable by the row's course, completed by the start date (the
            # candidates' own condition, per job order). Near misses are ineligible today.
            pairs = pairs_of[0][pairs_of[1][j] : pairs_of[1][j + 1]]
            rows, of = members(rows_of, near_worker[pairs])
            given = row_course[rows]
            fit = (packed[pairs[of], given >> 3] >> (7 - (given & 7))) & 1
            keep = (fit == 1) & (done_day[row_cohort[rows]] <= job_day[j])
            among = np.zeros(len(row_worker), np.bool_)
            among[rows[keep]] = True
            (top,) = after.top_workers([vacancies[j]], k=None, among=among)
            assert top is not None
            unlock_row.append(top.workers)
            unlock_job.append(np.full(len(top.workers), j, np.int64))
            unlock_score.append(top.score)
            progress.advance(1)
    rows_u, jobs_u = cat(unlock_row), cat(unlock_job)
    scores_u = np.concatenate(unlock_score) if unlock_score else np.zeros(0)
    order = np.lexsort((jobs_u, rows_u))
    rows_u, jobs_u, scores_u = rows_u[order], jobs_u[order], scores_u[order]
    used, option_of = np.unique(rows_u, return_inverse=True)
    return Counterfactual(
        pair_worker=pair_worker,
        pair_job=pair_job,
        pair_score=pair_score,
        cohort_course=np.array([c for c, _, _ in cohorts], np.int64),
        cohort_start=tuple(start for _, start, _ in cohorts),
        cohort_completes=tuple(completes),
        cohort_seats=np.array([s for _, _, s in cohorts], np.int64),
        cohort_admitted=admitted,
        cohort_refused=refused,
        option_worker=row_worker[used],
        option_cohort=row_cohort[used],
        unlock_option=option_of.astype(np.int64).reshape(-1),
        unlock_job=jobs_u,
        unlock_score=scores_u,
        near_miss_workers=len(near_ids),
    )


def _cat(parts: list[Ints]) -> Ints:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
