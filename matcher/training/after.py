"""The workers after a course, on the encoded pool's columns.

:func:`~matcher.training.catalogue.after_course` says what a worker holds once she passes
a course. Building that record for every (worker, cohort) candidate and encoding it again
is per-row Python; here the same rule is applied to the columns of the pool already
encoded, for all candidates at once:

* what a cohort confers is what an empty worker holds after it: one row per cohort,
  built by ``after_course`` itself and encoded once (its certificates dated on the
  completion date, its language results, its skills with the months of a concept
  conferred twice added up);
* each candidate is her row of the encoded pool (:func:`select_workers`) with her
  cohort's certificates and language results added and the skill and certificate indices
  united (:func:`overlay_pools`);
* a conferred skill adds its months to those she lists (none listed: the course's
  alone) and raises her level to the course's when it is higher — ``after_course``'s
  rule on the skills listed, the one step here that restates it.

``tests/matcher/training/test_after.py`` holds the columns equal to those of the pool
encoded from ``after_course`` records, worker by worker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import msgspec
import numpy as np

from matcher.arrays import Ints, grouped, members
from matcher.scoring.columns import Listed, keyed_entries
from matcher.scoring.encoding import (
    MAX_STORED_MONTHS,
    EncodedPool,
    encode_pool,
    overlay_pools,
    select_workers,
)
from matcher.scoring.facts import WorkerFacts
from matcher.taxonomy.skills import SkillTaxonomy
from matcher.training.catalogue import CourseFacts, after_course

__all__ = ["after_courses", "conferred_pool"]


def conferred_pool(
    cohorts: Sequence[tuple[CourseFacts, dt.date]], taxonomy: SkillTaxonomy, as_of: dt.date
) -> EncodedPool:
    """What each cohort confers, one row per cohort: an empty worker after the course.

    Parameters
    ----------
    cohorts : sequence of (CourseFacts, completion date)
    taxonomy : SkillTaxonomy
    as_of : datetime.date

    Returns
    -------
    EncodedPool
    """
    empty = WorkerFacts(
        id="",
        agency_id="",
        birth_date=as_of,
        education=None,
        skills=(),
        certificates=(),
        languages=(),
        experience=(),
        fit_to_work=None,
        colour_vision_normal=None,
        passport_expires=None,
        preferred_countries=(),
        min_monthly_wage=None,
    )
    rows = [
        msgspec.structs.replace(after_course(empty, course, completes), id=f"cohort-{k}")
        for k, (course, completes) in enumerate(cohorts)
    ]
    return encode_pool(rows, taxonomy, as_of)


def after_courses(
    pool: EncodedPool, conferred: EncodedPool, rows: Ints, cohort: Ints
) -> EncodedPool:
    """Workers ``rows`` of ``pool`` after the cohorts ``cohort`` (one candidate each).

    Parameters
    ----------
    pool : EncodedPool
    conferred : EncodedPool
        :func:`conferred_pool` of the cohorts ``cohort`` indexes.
    rows, cohort : ndarray of int64, same shape
        Per candidate, her index in ``pool`` and her cohort.

    Returns
    -------
    EncodedPool
        One worker per candidate, in order, as ``encode_pool`` would encode
        ``after_course(worker, course, completes)`` (code tables may differ in order).
    """
    cohort = np.asarray(cohort, np.int64)
    after = overlay_pools(select_workers(pool, rows), conferred, cohort)
    mine, given = after.skills.listed, conferred.skills.listed
    # Every (conferred concept, candidate of that cohort) entry, in one pass.
    at, of = members(grouped(cohort, conferred.n_workers), given.workers.astype(np.int64))
    # Months listed (stored + 1) add up, not listed counting 0; levels take the highest.
    summed = keyed_entries(
        Listed,
        np.concatenate([mine.keys(), given.keys()[of]]),
        np.concatenate([mine.workers.astype(np.int64), at]),
        (len(mine.ptr) - 1, len(cohort)),
        {
            "months": np.concatenate([mine.months, given.months[of]]).astype(np.int64) - 1,
            "level": np.concatenate([mine.level, given.level[of]]),
        },
        reduce={"months": np.add, "level": np.maximum},
    )
    months = (np.minimum(summed.months, MAX_STORED_MONTHS) + 1).astype(np.uint16)
    listed = dataclasses.replace(summed, months=months)
    return dataclasses.replace(after, skills=dataclasses.replace(after.skills, listed=listed))
