"""The counterfactual eligibility pass against the reference scorer on the modified worker.

Hypothesis draws pools and job orders as the kernel's own property test does
(``tests/matcher/scoring/test_kernel.py``: skills near one another in the taxonomy,
certificates and language results dated around the start dates, every programme) and
random courses that confer skills, certificates and language results from the same
vocabulary, with prerequisites and cohorts before and after the start dates. For every
worker, cohort and job order, the reference scorer (one pair at a time, on
``after_course(worker)``) says whether the course unlocks the job order and with what
score; the pass must find exactly those unlocks (its pruning loses none) with the same
scores, bit for bit, and the same pairs eligible today.
"""

from __future__ import annotations

import datetime as dt

import msgspec
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.rules.screening import ScreenedVacancy, SkillNeed
from matcher.scoring.facts import SkillFact, WorkerFacts
from matcher.scoring.publish import published_scores
from matcher.scoring.reference import Scorer
from matcher.taxonomy.language_scale import normalize_language
from matcher.training.catalogue import (
    Catalogue,
    ConferredCertificate,
    CourseFacts,
    after_course,
)
from matcher.training.counterfactual import (
    PREREQUISITE_KINDS,
    counterfactual_pass,
    prerequisite_order,
)
from models.worker import EDUCATION_LEVELS
from tests.matcher.scoring.test_kernel import (
    AS_OF,
    CERT_NAMES,
    CONCEPTS,
    RESULTS,
    SCHEMES,
    TEST_MINIMA,
    Case,
    _case,
    _params,
)


@st.composite
def _course(draw: st.DrawFn, ident: str, orders: list[ScreenedVacancy]) -> CourseFacts:
    # Mostly what the job orders ask, so that courses do unlock some of them.
    asked = sorted({c for o in orders for n in o.skills for c in n.concepts})
    concepts = (
        st.sampled_from(CONCEPTS) | st.sampled_from(asked) if asked else st.sampled_from(CONCEPTS)
    )
    minima = sorted({(t, m) for o in orders for g in o.languages for t, m in g.tests}, key=repr)
    skills = draw(
        st.lists(
            st.builds(
                SkillFact,
                concept=concepts,
                months=st.sampled_from([0, 1, 3, 12, 36, 100]),
                level=st.none() | st.integers(1, 5),
                written=st.just("course"),
            ),
            max_size=2,
        )
    )
    certificates = draw(
        st.lists(
            st.builds(
                ConferredCertificate,
                concepts=st.lists(concepts, max_size=2, unique=True).map(tuple),
                scheme=st.sampled_from(SCHEMES),
                name=st.sampled_from(CERT_NAMES),
                valid_months=st.sampled_from([None, 1, 6, 36]),
            ),
            max_size=2,
        )
    )
    tests = st.sampled_from(sorted(RESULTS)).flatmap(
        lambda t: st.sampled_from(RESULTS[t]).map(lambda r: (t, normalize_language(t, r).result))
    )
    if minima:
        tests = tests | st.sampled_from(minima)
    languages = draw(st.lists(tests, max_size=2))
    if not (skills or certificates or languages):
        skills = [SkillFact(draw(concepts), 3, 2, "course")]
    # A quarter of the courses have prerequisites (they refuse many workers).
    gated = draw(st.integers(0, 3)) == 0
    needs = draw(
        st.lists(
            st.builds(
                lambda concept, level, certified: SkillNeed(
                    concept, (concept,), True, certified, level, None, 1.0
                ),
                st.sampled_from(CONCEPTS),
                st.none() | st.integers(1, 3),
                st.booleans(),
            ),
            max_size=1 if gated else 0,
        )
    )
    language_needs = draw(
        st.lists(
            st.sampled_from(TEST_MINIMA).map(lambda m: ((m,), None, None)),
            max_size=1 if gated else 0,
        )
    )
    age_min = draw(st.none() | st.integers(18, 30)) if gated else None
    age_max = draw(st.none() | st.integers(30, 45)) if gated else None
    education = (
        draw(st.lists(st.sampled_from(range(len(EDUCATION_LEVELS))), max_size=3)) if gated else []
    )
    starts = draw(
        st.lists(
            st.dates(AS_OF - dt.timedelta(days=40), dt.date(2027, 9, 30)),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    return CourseFacts(
        id=ident,
        title="t",
        provider="p",
        provider_kind="BLK",
        skills=tuple(skills),
        certificates=tuple(certificates),
        languages=tuple(languages),
        prerequisite_skills=tuple(needs),
        prerequisite_languages=tuple(language_needs),
        age_min=age_min,
        age_max=age_max,
        education=tuple(sorted(set(education))),
        duration_weeks=draw(st.sampled_from([1, 4, 12, 26, 52])),
        cohorts=tuple((start, 5) for start in sorted(starts)),
        cost_amount=0.0,
        cost_currency="IDR",
        pass_rate=1.0,
        line=1,
    )


def _admitted(scorer: Scorer, worker: WorkerFacts, course: CourseFacts, start: dt.date) -> bool:
    outcome = scorer.evaluate(worker, prerequisite_order(course, start))
    if any(g.kind in PREREQUISITE_KINDS for g in outcome.gaps):
        return False
    codes = [EDUCATION_LEVELS[c] for c in course.education]
    return not codes or worker.education in codes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_case(), data=st.data())
def test_the_pass_is_the_reference_on_the_modified_worker(case: Case, data: st.DataObject) -> None:
    workers, orders = case
    # Many workers blocked only by what a course can give (health, documents and
    # preferences cleared), so that near misses are common.
    workers = [
        msgspec.structs.replace(
            w,
            fit_to_work=True,
            colour_vision_normal=True,
            passport_expires=None,
            preferred_countries=(),
            min_monthly_wage=None,
        )
        if data.draw(st.booleans())
        else w
        for w in workers
    ]
    params = _params()
    names = data.draw(st.lists(st.sampled_from("ABC"), min_size=1, max_size=3, unique=True))
    catalogue = Catalogue(tuple(data.draw(_course(f"C-{name}", orders)) for name in names), "t")
    found = counterfactual_pass(workers, orders, catalogue, params)
    scorer = Scorer(params)

    today = {
        (w, j): s
        for w, j, s in zip(
            found.pair_worker.tolist(),
            found.pair_job.tolist(),
            found.pair_score.tolist(),
            strict=True,
        )
    }
    expected_today: dict[tuple[int, int], int] = {}
    outcomes = {}
    for j, screened in enumerate(orders):
        if screened.refused:
            continue
        for i, worker in enumerate(workers):
            outcome = scorer.evaluate(worker, screened)
            outcomes[i, j] = outcome.eligible
            if outcome.eligible:
                expected_today[i, j] = int(published_scores(np.array([outcome.score]))[0])
    assert today == expected_today

    got = {
        (
            int(found.option_worker[o]),
            int(found.option_cohort[o]),
            int(j),
        ): float(score)
        for o, j, score in zip(
            found.unlock_option.tolist(),
            found.unlock_job.tolist(),
            found.unlock_score.tolist(),
            strict=True,
        )
    }
    expected: dict[tuple[int, int, int], float] = {}
    for k, (c, start, done) in enumerate(
        zip(found.cohort_course.tolist(), found.cohort_start, found.cohort_completes, strict=True)
    ):
        course = catalogue.courses[c]
        assert start >= AS_OF
        assert done == course.completes(start)
        for i, worker in enumerate(workers):
            if not _admitted(scorer, worker, course, start):
                continue
            after = after_course(worker, course, done)
            for j, screened in enumerate(orders):
                begins = screened.vacancy.start_date
                if screened.refused or outcomes[i, j] or begins is None or begins < done:
                    continue
                outcome = scorer.evaluate(after, screened)
                if outcome.eligible:
                    expected[i, k, j] = outcome.score
    assert got == expected
    # Every cohort that opens on or after as_of is listed, in catalogue order.
    listed = [
        (c, start)
        for c, course in enumerate(catalogue.courses)
        for start, _ in course.cohorts
        if start >= AS_OF
    ]
    assert list(zip(found.cohort_course.tolist(), found.cohort_start, strict=True)) == listed


def test_the_sample_pool_agrees_with_the_reference() -> None:
    """The bundled pool and catalogue: every unlock the pass finds for a sample of
    workers, and none it misses, by the reference on the modified worker."""
    from matcher.scoring.matching import prepare_run
    from matcher.taxonomy.skills import default_skill_normalizer
    from matcher.training.catalogue import read_catalogue
    from models.files import read_records
    from tests.paths import POOL, SAMPLE

    day = dt.date(2026, 3, 1)
    workers = read_records(POOL / "workers.jsonl", "workers").records[::40]
    orders = read_records(POOL / "vacancies.jsonl", "vacancies").records
    courses = read_records(SAMPLE / "courses.jsonl", "courses")
    run = prepare_run(workers, orders, None, day)
    catalogue = read_catalogue(
        courses.records,
        courses.lines,
        file="courses.jsonl",
        skills=default_skill_normalizer(),
        rates=run.params.rates,
        on=day,
    )
    found = counterfactual_pass(run.workers, run.vacancies, catalogue, run.params)
    assert len(found.unlock_job) > 20  # the sample is meant to show training at work
    got = {
        (int(found.option_worker[o]), int(found.option_cohort[o]), int(j)): float(score)
        for o, j, score in zip(
            found.unlock_option.tolist(),
            found.unlock_job.tolist(),
            found.unlock_score.tolist(),
            strict=True,
        )
    }
    scorer = Scorer(run.params)
    expected = {}
    for k, (c, start, done) in enumerate(
        zip(found.cohort_course.tolist(), found.cohort_start, found.cohort_completes, strict=True)
    ):
        course = catalogue.courses[c]
        for i, worker in enumerate(run.workers):
            if not _admitted(scorer, worker, course, start):
                continue
            after = after_course(worker, course, done)
            for j, screened in enumerate(run.vacancies):
                begins = screened.vacancy.start_date
                if screened.refused or begins is None or begins < done:
                    continue
                if scorer.evaluate(worker, screened).eligible:
                    continue
                outcome = scorer.evaluate(after, screened)
                if outcome.eligible:
                    expected[i, k, j] = outcome.score
    assert got == expected
