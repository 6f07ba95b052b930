"""The vectorized kernel against the reference scorer, pair for pair.

Hypothesis generates whole pools and job orders: workers with skills near one another in
the taxonomy, certificates with dates around the start date, results of several language
tests with and without dates, experience in related ISCO groups and under programmes,
ages around the windows, unknown health, preferences in known and unknown currencies;
job orders across every programme with random requirements. For every pair the kernel's
eligibility, set of gaps and score must be the reference's (the score bit for bit), and
``MatchRun.rank`` must give the same records with and without the kernel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import msgspec
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.rules.exchange_rates import load_exchange_rates
from matcher.rules.packs import load_rule_packs
from matcher.rules.screening import ScreenedVacancy, screen_vacancies
from matcher.scoring.encoding import concat_pools, encode_pool
from matcher.scoring.facts import (
    CertificateFact,
    ExperienceFact,
    LanguageFact,
    SkillFact,
    WorkerFacts,
)
from matcher.scoring.kernel import (
    PoolScorer,
)
from matcher.scoring.matching import MatchRun
from matcher.scoring.params import ScoringParams
from matcher.scoring.reference import Scorer
from matcher.taxonomy.language_scale import normalize_language
from matcher.taxonomy.skills import default_skill_normalizer, load_taxonomy
from models.vacancy import Vacancy

AS_OF = dt.date(2026, 3, 1)
# Two families (with their roots), so that workers and job orders overlap, plus strangers.
CONCEPTS = (
    "welding", "smaw-welding", "gmaw-welding", "gtaw-welding", "fcaw-welding",
    "machining", "milling", "cnc-milling", "cnc-turning", "lathe-turning", "assembly",
    "forklift-operation", "quality-control",
)  # fmt: skip
SCHEMES = ("BNSP", "JP-SSW-SKILLS-TEST", "JP-TRADE-TEST", "JP-SSW2-SKILLS-TEST", "JP-TRADE-TEST",
           "KR-EPS-SKILLS-TEST", "OTHER")  # fmt: skip
CERT_NAMES = ("Juru Las", "Welding skills test grade 1", "溶接 1級", "Business Career BC検定",
              "EPS skills test")  # fmt: skip
ISCO = ("7212", "7214", "7211", "7223", "7221", "8211", "3115", "9329")
RESULTS: dict[str, list[Any]] = {
    "JLPT": ["N1", "N2", "N3", "N4", "N5"],
    "JFT-Basic": ["A2", "below A2", 180, 200, 215, 250],
    "EPS-TOPIK": [60, 79, 80, 100, 120, 150, 200],
    "TOPIK": [1, 2, 3, 5],
    "IELTS": [4.5, 5.5, 6.0, 7.5],
    "TOEIC": [400, 500, 505, 650, 990],
    "TOEFL-iBT": [3.5, 4.0, 4.5, 60, 80, 100],
    "CEFR": ["A1", "A2", "B1", "C1"],
    "Goethe": ["A2", "B1", "B2"],
}
# Start dates: month ends, a leap day, the day the TITP programme closes and the next.
STARTS = (dt.date(2026, 3, 31), dt.date(2027, 6, 30), dt.date(2027, 7, 1), dt.date(2028, 2, 29))


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def _edges(days: set[dt.date]) -> list[dt.date]:
    """Dates on the edges of validity for job orders starting on ``days``: the day itself
    and its neighbours, and 12, 24 and 36 months earlier give or take two days."""
    near = {d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)}
    back = {
        _months_before(d, m) + dt.timedelta(days=k)
        for d in days
        for m in (12, 24, 36)
        for k in (-2, -1, 0, 1, 2)
    }
    return sorted(near | back)


# Stints that sit on a stay cap (KR 60 prior; TW 144, MY 120, SSW (i) 60 with the contract)
# or meet an exemption or route (TITP 34 months in Japan; 36 months in Japan).
STINTS = (
    ("7212", "JP", "JP-TITP", 34), ("7212", "JP", "JP-TITP", 36), ("7212", "JP", "JP-TITP", 33),
    ("7214", "JP", None, 36), ("7212", "KR", "KR-EPS", 60), ("7212", "KR", None, 61),
    ("7223", "TW", "TW-FACTORY", 108), ("8211", "MY", "MY-PLKS", 84), ("7212", "JP", "JP-SSW1", 24),
)  # fmt: skip
TEST_MINIMA = (("JLPT", "N4"), ("JLPT", "N3"), ("JFT-Basic", "A2"), ("EPS-TOPIK", 80),
               ("IELTS", 5.5), ("TOEIC", 500), ("TOEFL-iBT", 60), ("TOEFL-iBT", 4.0),
               ("TOPIK", 2))  # fmt: skip
# Wages well above every floor, so that job orders are not refused.
PROGRAMMES = {
    "JP-SSW1": ("JP", "Aichi", 2000, "JPY", "hour"),
    "JP-SSW2": ("JP", "Aichi", 2200, "JPY", "hour"),
    "JP-TITP": ("JP", "Osaka", 1900, "JPY", "hour"),
    "KR-EPS": ("KR", None, 3_000_000, "KRW", "month"),
    "TW-FACTORY": ("TW", None, 40_000, "TWD", "month"),
    "MY-PLKS": ("MY", None, 3_000, "MYR", "month"),
    "DE-SKILLED": ("DE", None, 4_000, "EUR", "month"),
    "OTHER": ("SA", None, 1_500, "SAR", "month"),
}


@cache
def _packs() -> Any:
    return load_rule_packs()


def _params() -> ScoringParams:
    return ScoringParams(load_taxonomy(), AS_OF, load_exchange_rates())


@dataclass(frozen=True)
class Hints:
    """What the job orders ask, so that workers land on and around it more often."""

    days: tuple[dt.date, ...]  # start days (validity is decided on them)
    edges: tuple[dt.date, ...]  # validity edges (see _edges)
    concepts: tuple[str, ...]
    months: tuple[int, ...]  # min_months asked, and one either side
    tests: tuple[str, ...]


def _days(low: dt.date, high: dt.date, hints: Hints) -> st.SearchStrategy[dt.date]:
    """Any day in ``[low, high]``, a start day or its neighbour, or a validity edge."""
    near = [d + dt.timedelta(days=k) for d in hints.days for k in (-1, 0, 1)]
    options = [st.dates(min_value=low, max_value=high)]
    for group in (near, hints.edges):
        inside = [d for d in group if low <= d <= high]
        if inside:
            options.append(st.sampled_from(inside))
    return st.one_of(options)


def _hinted(values: Sequence[Any], hinted: Sequence[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values) | st.sampled_from(hinted) if hinted else st.sampled_from(values)


def _maybe(strategy: st.SearchStrategy[Any], none: float = 0.3) -> st.SearchStrategy[Any]:
    """None with probability about ``none``, else a value of ``strategy``."""
    return st.floats(0, 1).flatmap(lambda u: st.just(None) if u < none else strategy)


@st.composite
def _language(draw: st.DrawFn, hints: Hints) -> LanguageFact:
    test = draw(_hinted(sorted(RESULTS), hints.tests))
    result = draw(st.sampled_from(RESULTS[test]))
    date = draw(_maybe(_days(dt.date(2021, 1, 1), dt.date(2028, 12, 31), hints), 0.2))
    level = normalize_language(test, result)
    return LanguageFact(test, level.result, date, level.cefr, level.language, ())


@st.composite
def _certificate(draw: st.DrawFn, hints: Hints) -> CertificateFact:
    issued = draw(_maybe(_days(dt.date(2022, 1, 1), dt.date(2028, 12, 31), hints), 0.2))
    low = issued or dt.date(2023, 1, 1)
    expires = draw(_maybe(_days(low, max(low, dt.date(2029, 6, 1)), hints), 0.4))
    return CertificateFact(
        concepts=tuple(draw(st.lists(_hinted(CONCEPTS, hints.concepts), max_size=2, unique=True))),
        scheme=draw(st.sampled_from(SCHEMES)),
        name=draw(st.sampled_from(CERT_NAMES)),
        issued=issued,
        expires=expires,
    )


_EXPERIENCE = st.builds(
    ExperienceFact,
    isco=_maybe(st.sampled_from([*ISCO, "72"]), 0.15),
    months=st.sampled_from([0, 6, 12, 23, 24, 36, 40, 60, 130]),
    country=_maybe(st.sampled_from(["JP", "KR", "TW", "MY", "ID"])),
    programme=_maybe(
        st.sampled_from(["JP-TITP", "KR-EPS", "TW-FACTORY", "MY-PLKS", "JP-SSW1"]), 0.5
    ),
    title=st.just(None),
)
_WAGE = st.tuples(
    st.sampled_from([1_000.0, 9_000_000.0, 25_000_000.0, 2_500.0, 300_000.0]),
    st.sampled_from(["IDR", "JPY", "USD", "MYR", "CHF"]),  # CHF has no rate: not compared
)
_COUNTRIES = st.lists(st.sampled_from(["JP", "KR", "TW", "MY", "DE"]), max_size=3, unique=True)


@st.composite
def _worker(draw: st.DrawFn, ident: str, hints: Hints) -> WorkerFacts:
    # Ages on both sides of 18, 18 years 6 months (IM Japan, SMA), 26 (IM Japan), 39
    # (Korea EPS) and 45 (Malaysia, at first entry).
    age_days = draw(
        st.integers(17 * 365, 47 * 365)
        | st.integers(20 * 365, 26 * 365)
        | st.integers(18 * 365 + 170, 18 * 365 + 200)
    )
    stints = draw(st.lists(st.sampled_from(STINTS), max_size=3))
    skill = st.builds(
        SkillFact,
        concept=_hinted(CONCEPTS, hints.concepts),
        months=_hinted([0, 1, 6, 12, 36, 100], hints.months),
        level=_maybe(st.integers(1, 5)),
        written=st.just("x"),
    )
    experience = draw(st.lists(_EXPERIENCE, max_size=3)) + [
        ExperienceFact(isco, months, country, programme, None)
        for isco, country, programme, months in stints
    ]
    return WorkerFacts(
        id=ident,
        agency_id="P3MI-1",
        birth_date=AS_OF - dt.timedelta(days=age_days),
        education=draw(st.sampled_from([None, "SMA", "SMK", "MA", "S1"])),
        skills=tuple(draw(st.lists(skill, max_size=6))),
        certificates=tuple(draw(st.lists(_certificate(hints), max_size=3))),
        languages=tuple(draw(st.lists(_language(hints), max_size=4))),
        experience=tuple(experience),
        fit_to_work=draw(st.sampled_from([None, True, True, True, False])),
        colour_vision_normal=draw(st.sampled_from([None, True, True, True, False])),
        passport_expires=draw(_maybe(_days(dt.date(2025, 1, 1), dt.date(2031, 1, 1), hints), 0.5)),
        preferred_countries=tuple(draw(_maybe(_COUNTRIES, 0.6)) or ()),
        min_monthly_wage=draw(_maybe(_WAGE, 0.5)),
    )


@st.composite
def _pool(draw: st.DrawFn, hints: Hints) -> list[WorkerFacts]:
    names = draw(
        st.lists(st.text("aAbZ09-_.", min_size=1, max_size=4), min_size=2, max_size=12, unique=True)
    )
    workers = [draw(_worker(f"W{name}", hints)) for name in names]
    # Clones differ only in id: their order is decided by the id alone.
    clones = draw(st.lists(st.sampled_from(range(len(workers))), max_size=3))
    return workers + [
        msgspec.structs.replace(workers[i], id=f"{workers[i].id}~{n}") for n, i in enumerate(clones)
    ]


# The programmes with skill tests, exemptions and stay caps come up more often.
_PROGRAMMES = ["JP-SSW1"] * 3 + ["JP-SSW2", "KR-EPS"] * 2 + sorted(PROGRAMMES)
_LANGUAGE_NEED = st.one_of(
    st.fixed_dictionaries(
        {"any_of": st.lists(st.sampled_from(TEST_MINIMA), min_size=1, max_size=2).map(
            lambda options: [{"test": t, "min": m} for t, m in options])},
        optional={"required": st.booleans()},
    ),
    st.fixed_dictionaries(
        {"language": st.sampled_from(["en", "ja", "de"]),
         "min_cefr": st.sampled_from(["A2", "B1"])},
        optional={"required": st.booleans()},
    ),
)  # fmt: skip


@st.composite
def _vacancy(draw: st.DrawFn, ident: str) -> dict[str, Any]:
    programme = draw(st.sampled_from(_PROGRAMMES))
    country, region, amount, currency, per = PROGRAMMES[programme]
    taxonomy = load_taxonomy()
    skill_need = st.fixed_dictionaries(
        {"name": st.sampled_from([taxonomy[c].label_en for c in CONCEPTS])},
        optional={
            "required": st.booleans(),
            "certified": st.booleans(),
            "min_level": st.integers(1, 5),
            "min_months": st.sampled_from([0, 6, 12, 36, 100]),
            "weight": st.sampled_from([0.5, 1.0, 3.0]),
        },
    )
    requirements: dict[str, Any] = {
        "skills": draw(st.lists(skill_need, max_size=draw(st.sampled_from([1, 3])))),
        "languages": draw(st.lists(_LANGUAGE_NEED, max_size=draw(st.sampled_from([1, 2])))),
    }
    if draw(st.booleans()):
        requirements["experience"] = {
            "min_months": draw(st.sampled_from([0, 12, 24, 48])),
            "isco": draw(st.lists(st.sampled_from(ISCO), max_size=2, unique=True)),
        }
    if draw(st.booleans()):
        low = draw(_maybe(st.integers(18, 30)))
        requirements["age"] = {"min": low, "max": draw(_maybe(st.integers(max(low or 0, 25), 45)))}
    if draw(st.booleans()):
        keys = ("skills", "certification", "language", "experience")
        weights = {k: draw(st.sampled_from([0.0, 0.1, 0.4, 1.0])) for k in keys}
        # Some weight must be positive; the measured ones may still all be 0 (score 1.0).
        requirements["weights"] = weights if any(weights.values()) else {"experience": 1.0}
    start = draw(
        _maybe(st.sampled_from(STARTS) | st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)))
    )
    return {
        "id": ident, "agency_id": "P3MI-1", "employer": {"name": "E", "type": "company"},
        "country": country, "region": region, "programme": programme, "title": "Operator",
        "isco": draw(_maybe(st.sampled_from(ISCO))), "slots": 2,
        "start_date": start.isoformat() if start else None,
        "contract_months": draw(_maybe(st.sampled_from([12, 24, 36, 60]))),
        "wage": {"amount": amount, "currency": currency, "per": per},
        "requirements": requirements,
    }  # fmt: skip


@st.composite
def _orders(draw: st.DrawFn) -> list[ScreenedVacancy]:
    names = draw(st.lists(st.text("aB09-", min_size=1, max_size=3), min_size=1, max_size=4,
                          unique=True))  # fmt: skip
    records = [Vacancy.model_validate(draw(_vacancy(f"JO{name}"))) for name in names]
    return screen_vacancies(records, _packs(), None, AS_OF, default_skill_normalizer())


Case = tuple[list[WorkerFacts], list[ScreenedVacancy]]


@st.composite
def _case(draw: st.DrawFn) -> Case:
    """Job orders, then a pool drawn partly from what they ask (see Hints)."""
    orders = draw(_orders())
    days = {AS_OF} | {o.day for o in orders}
    needs = [n for o in orders for n in o.skills]
    asked = {n.min_months for n in needs if n.min_months is not None}
    hints = Hints(
        days=tuple(sorted(days)),
        edges=tuple(_edges(days)),
        concepts=tuple(sorted({c for n in needs for c in n.concepts})),
        months=tuple(sorted({max(m + k, 0) for m in asked for k in (-1, 0, 1)})),
        tests=tuple(sorted({t for o in orders for g in o.languages for t, _ in g.tests})),
    )
    return draw(_pool(hints)), orders


def _agree(pool_facts: list[WorkerFacts], orders: list[ScreenedVacancy], budget: int) -> None:
    params = _params()
    scorer = Scorer(params)
    pool = encode_pool(pool_facts, params.taxonomy, AS_OF)
    for screened in orders:
        if screened.refused:
            continue
        found = PoolScorer(pool, params).score_vacancy(screened, memory_budget=budget)
        for i, worker in enumerate(pool_facts):
            outcome = scorer.evaluate(worker, screened)
            where = (worker.id, screened.vacancy.id)
            assert bool(found.eligible[i]) is outcome.eligible, where
            assert found.score[i] == outcome.score, (where, found.score[i], outcome.score)
            gaps = {found.gap_labels[g] for g in np.flatnonzero(found.gaps[:, i])}
            assert gaps == {(g.kind, g.requirement) for g in outcome.gaps}, where


def _slow(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


@_slow(60)
@given(case=_case())
def test_every_pair_agrees_with_the_reference(case: Case) -> None:
    _agree(*case, budget=2**20)


@_slow(25)
@given(case=_case(), top=st.sampled_from([0, 1, 2, 5]), include_ineligible=st.booleans())
def test_ranking_is_the_reference_ranking(case: Case, top: int, include_ineligible: bool) -> None:
    pool, orders = case
    run = MatchRun(tuple(pool), tuple(orders), _params())
    for direction in ("vacancies", "workers"):
        fast = list(run.rank(direction, top, include_ineligible))
        slow = list(run.rank(direction, top, include_ineligible, use_kernel=False))
        assert fast == slow


def _reference_order(
    outcomes: list[tuple[str, bool, float, int]], k: int | None, include_ineligible: bool
) -> list[tuple[int, bool, float]]:
    """(position, eligible, score) of the pairs docs/format.md ranks first, from (id, eligible,
    score, position) of every pair."""
    kept = [o for o in outcomes if include_ineligible or o[1]]
    kept.sort(key=lambda o: (not o[1], -round(o[2], 4), o[0]))
    return [(o[3], o[1], o[2]) for o in kept[:k]]


@_slow(25)
@given(case=_case(), k=st.sampled_from([1, 3, None]), include_ineligible=st.booleans())
def test_top_k_both_ways_is_the_reference_order(
    case: Case, k: int | None, include_ineligible: bool
) -> None:
    pool, orders = case
    params = _params()
    scorer = Scorer(params)
    encoded = encode_pool(pool, params.taxonomy, AS_OF)
    outcomes = {
        (i, j): scorer.evaluate(w, o)
        for i, w in enumerate(pool)
        for j, o in enumerate(orders)
        if not o.refused
    }
    options = {"k": k, "include_ineligible": include_ineligible}
    for j, (order, found) in enumerate(
        zip(orders, PoolScorer(encoded, params).top_workers(orders, **options), strict=True)
    ):
        if order.refused:
            assert found is None
            continue
        assert found is not None
        rows = [
            (w.id, outcomes[i, j].eligible, outcomes[i, j].score, i) for i, w in enumerate(pool)
        ]
        got = list(
            zip(found.workers.tolist(), found.eligible.tolist(), found.score.tolist(), strict=True)
        )
        assert got == _reference_order(rows, k, include_ineligible)
    best = PoolScorer(encoded, params).top_vacancies(orders, **options)
    for i in range(len(pool)):
        rows = [
            (o.vacancy.id, outcomes[i, j].eligible, outcomes[i, j].score, j)
            for j, o in enumerate(orders)
            if not o.refused
        ]
        expected = _reference_order(rows, k, include_ineligible)
        width = best.vacancies.shape[1]
        assert best.vacancies[i].tolist() == [e[0] for e in expected] + [-1] * (
            width - len(expected)
        )
        n = len(expected)
        assert best.eligible[i, :n].tolist() == [e[1] for e in expected]
        assert best.score[i, :n].tolist() == [e[2] for e in expected]


@_slow(20)
@given(case=_case())
def test_a_tiny_memory_budget_gives_the_same_answer(case: Case) -> None:
    pool, orders = case
    _agree(pool, orders, budget=1)  # one worker per chunk
    params = _params()
    kernel = PoolScorer(encode_pool(pool, params.taxonomy, AS_OF), params)
    for include_ineligible in (False, True):
        wide = kernel.top_workers(orders, k=3, include_ineligible=include_ineligible)
        narrow = kernel.top_workers(
            orders, k=3, include_ineligible=include_ineligible, memory_budget=1
        )
        for a, b in zip(wide, narrow, strict=True):
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert a.workers.tolist() == b.workers.tolist()
                assert a.score.tolist() == b.score.tolist()
        by_worker = kernel.top_vacancies(orders, k=3, include_ineligible=include_ineligible)
        by_worker_narrow = kernel.top_vacancies(
            orders, k=3, include_ineligible=include_ineligible, memory_budget=1
        )
        assert by_worker.vacancies.tolist() == by_worker_narrow.vacancies.tolist()
        assert by_worker.eligible.tolist() == by_worker_narrow.eligible.tolist()


@_slow(15)
@given(case=_case(), split=st.integers(0, 15))
def test_concatenated_pools_score_like_one_pool(case: Case, split: int) -> None:
    pool, orders = case
    params = _params()
    parts = [pool[:split], pool[split:]]
    joined = concat_pools([encode_pool(part, params.taxonomy, AS_OF) for part in parts])
    whole = encode_pool(pool, params.taxonomy, AS_OF)
    assert joined.id_rank.tolist() == whole.id_rank.tolist()
    for screened in orders:
        if screened.refused:
            continue
        a = PoolScorer(joined, params).score_vacancy(screened)
        b = PoolScorer(whole, params).score_vacancy(screened)
        assert a.eligible.tolist() == b.eligible.tolist()
        assert a.score.tolist() == b.score.tolist()
        assert (a.gaps == b.gaps).all()


def test_k_must_be_positive() -> None:
    params = _params()
    kernel = PoolScorer(encode_pool([], params.taxonomy, AS_OF), params)
    with pytest.raises(ValueError, match="The 'k' parameter of top_workers must be an int"):
        kernel.top_workers([], k=0)
    with pytest.raises(ValueError, match="memory_budget"):
        kernel.top_vacancies([], memory_budget=0)


def test_validity_edges_day_by_day() -> None:
    """Language results, certificates and passports dated on every day around each edge
    (the start day, and 24 months before it for tests that expire) agree with the reference."""
    taxonomy = load_taxonomy()
    days = [AS_OF, *STARTS]
    dates = sorted(
        {d + dt.timedelta(days=k) for d in days for k in range(-3, 4)}
        | {_months_before(d, 24) + dt.timedelta(days=k) for d in days for k in range(-4, 5)}
    )
    results = {"EPS-TOPIK": 120, "IELTS": 6.0, "TOEIC": 650, "JLPT": "N3"}
    workers = []
    for n, date in enumerate(dates):
        for test, result in results.items():
            level = normalize_language(test, result)
            fact = LanguageFact(test, level.result, date, level.cefr, level.language, ())
            cert = CertificateFact(("smaw-welding",), "KR-EPS-SKILLS-TEST", "EPS", date, date)
            workers.append(
                WorkerFacts(
                    id=f"W{n:04d}{test}", agency_id="P3MI-1", birth_date=dt.date(2000, 1, 1),
                    education=None, skills=(), certificates=(cert,), languages=(fact,),
                    experience=(), fit_to_work=True, colour_vision_normal=True,
                    passport_expires=date, preferred_countries=(), min_monthly_wage=None,
                )
            )  # fmt: skip
    records = []
    for n, day in enumerate(days):
        need = {"any_of": [{"test": "IELTS", "min": 5.5}, {"test": "TOEIC", "min": 500},
                           {"test": "JLPT", "min": "N4"}]}  # fmt: skip
        for programme in ("KR-EPS", "OTHER"):
            country, region, amount, currency, per = PROGRAMMES[programme]
            records.append(
                Vacancy.model_validate(
                    {
                        "id": f"JO{n}{programme}",
                        "agency_id": "P3MI-1",
                        "employer": {"name": "E", "type": "company"},
                        "country": country,
                        "region": region,
                        "programme": programme,
                        "title": "Welder",
                        "slots": 1,
                        "start_date": day.isoformat(),
                        "wage": {"amount": amount, "currency": currency, "per": per},
                        "requirements": {
                            "skills": [{"name": "SMAW welding", "certified": True}],
                            "languages": [need],
                        },
                    }
                )
            )
    orders = screen_vacancies(records, _packs(), None, AS_OF, default_skill_normalizer())
    assert not any(o.refused for o in orders)
    assert len(encode_pool(workers, taxonomy, AS_OF).ids) == len(workers)
    _agree(workers, orders, budget=2**20)


def _plain_worker(ident: str, born: dt.date, education: str | None, *stints: Any) -> WorkerFacts:
    return WorkerFacts(
        id=ident, agency_id="P3MI-1", birth_date=born, education=education, skills=(),
        certificates=(), languages=(), experience=tuple(stints), fit_to_work=True,
        colour_vision_normal=True, passport_expires=None, preferred_countries=(),
        min_monthly_wage=None,
    )  # fmt: skip


def _plain_order(ident: str, programme: str) -> dict[str, Any]:
    country, region, amount, currency, per = PROGRAMMES[programme]
    return {
        "id": ident, "agency_id": "P3MI-1", "employer": {"name": "E", "type": "company"},
        "country": country, "region": region, "programme": programme, "title": "Operator",
        "slots": 1, "wage": {"amount": amount, "currency": currency, "per": per},
    }  # fmt: skip


def test_education_minimum_and_first_entry_windows_agree_with_the_reference() -> None:
    # IM Japan: SMA graduates from 18 years 6 months, others from 18; Malaysia: 18-45 at
    # first entry only, so a 50-year-old who has worked there before is not held to it.
    workers = [
        _plain_worker("W-SMA-young", dt.date(2007, 11, 2), "SMA"),  # 18y 3m
        _plain_worker("W-SMA-old", dt.date(2007, 8, 1), "SMA"),  # 18y 7m
        _plain_worker("W-SMK-young", dt.date(2007, 11, 2), "SMK"),
        _plain_worker("W-MY-first", dt.date(1975, 1, 1), None),
        _plain_worker(
            "W-MY-again", dt.date(1975, 1, 1), None, ExperienceFact("8211", 60, "MY", None, None)
        ),
    ]
    records = [
        Vacancy.model_validate(_plain_order("JO-TITP", "JP-TITP")),
        Vacancy.model_validate(_plain_order("JO-MY", "MY-PLKS")),
    ]
    orders = screen_vacancies(records, _packs(), None, AS_OF, default_skill_normalizer())
    _agree(workers, orders, 1 << 20)
    params = _params()
    scorer = Scorer(params)
    titp, malaysia = orders
    gaps = {w.id: {g.requirement for g in scorer.evaluate(w, titp).gaps} for w in workers[:3]}
    assert gaps == {
        "W-SMA-young": {"age >= 18 years 6 months (SMA)"},
        "W-SMA-old": set(),
        "W-SMK-young": set(),
    }
    assert [scorer.evaluate(w, malaysia).eligible for w in workers[3:]] == [False, True]


@_slow(10)
@given(case=_case())
def test_gates_only_gives_the_same_eligibility_and_gaps(case: Case) -> None:
    pool_facts, orders = case
    params = _params()
    pool = PoolScorer(encode_pool(pool_facts, params.taxonomy, AS_OF), params)
    for screened in (o for o in orders if not o.refused):
        full = pool.score_vacancy(screened)
        gates = pool.score_vacancy(screened, with_score=False)
        assert np.array_equal(full.eligible, gates.eligible)
        assert np.array_equal(full.gaps, gates.gaps)
        assert full.gap_labels == gates.gap_labels
        assert np.isnan(gates.score).all()
