"""The reintegration kernel against its reference, pair for pair (hypothesis).

Pools of returnees (skills, work abroad with and without dates and countries, trade tests
with grades, BNSP certificates, JLPT results, homes across regencies and islands or none,
``relocate``, interests, capital in IDR, USD or a currency with no rate) against
opportunities of every kind (skills with levels and certification, languages, months
abroad in listed countries, capital, an ISCO experience target, locations by regency or
province alone). For every pair the kernel's eligibility, set of gaps, proximity tier and
score must be the reference's (the score bit for bit), and a run must give the same
records with the kernel selecting as with the reference alone, both ways; a book of every
returnee's best opportunities answers each returnee as the run ranks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.reintegration import kernel as kernel_module
from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.kernel import ReintegrationKernel
from matcher.reintegration.proximity import PROXIMITY_TIERS
from matcher.reintegration.reference import ReintegrationScorer
from matcher.reintegration.run import prepare_reintegration
from models.opportunity import OPPORTUNITY_KINDS, Opportunity
from models.returnee import INTERESTS, RELOCATE_SCOPES
from models.worker import Returnee

AS_OF = dt.date(2026, 3, 1)
ROOT = Path(__file__).resolve().parents[3]
PLACES = (
    {"province": "Jawa Tengah", "regency": "Kabupaten Kendal"},
    {"province": "Jawa Tengah", "regency": "Kabupaten Batang"},
    {"province": "Jawa Tengah"},
    {"province": "Jawa Barat", "regency": "Kabupaten Bekasi"},
    {"province": "Sulawesi Tengah", "regency": "Kabupaten Morowali"},
)
SKILLS = ("welding", "溶接", "SMAW welding", "CNC milling", "forklift", "las listrik")
COUNTRIES = ("JP", "KR", "TW", None)
CURRENCIES = ("IDR", "IDR", "USD", "XAF")

skill_names = st.sampled_from(SKILLS)


@st.composite
def experiences(draw: st.DrawFn) -> dict[str, Any]:
    country = draw(st.sampled_from(COUNTRIES))
    entry: dict[str, Any] = {
        "title": draw(st.sampled_from(("welder", "machine operator", "operator"))),
        "skills_used": draw(st.lists(skill_names, max_size=2, unique=True)),
        "completed_contract": draw(st.booleans()),
    }
    if country is None:
        entry["programme"] = draw(st.sampled_from(("JP-TITP", "KR-EPS", "OTHER")))
    else:
        entry["country"] = country
    if draw(st.booleans()):
        start = dt.date(2015, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3000)))
        end = start + dt.timedelta(days=draw(st.integers(30, 2000)))
        entry["start"], entry["end"] = start.isoformat(), min(end, AS_OF).isoformat()
    if draw(st.booleans()) or "start" not in entry:
        entry["months"] = draw(st.integers(1, 80))
    return entry


@st.composite
def returnees(draw: st.DrawFn, number: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"R-{number:03d}",
        "agency_id": "P3MI-0001",
        "birth_date": f"{draw(st.integers(1970, 2004))}-05-05",
        "gender": draw(st.sampled_from(("F", "M"))),
        "returned": "2025-01-01",
        "skills": [
            {"name": n, "level": draw(st.integers(1, 4)), "months": draw(st.integers(0, 60))}
            for n in draw(st.lists(skill_names, max_size=2, unique=True))
        ],
        "experience": draw(st.lists(experiences(), max_size=3)),
        "certificates": [],
        "languages": [],
    }
    if draw(st.booleans()):
        record["certificates"].append(
            {"name": "溶接技能検定", "skill": "welding", "scheme": "JP-TRADE-TEST",
             "grade": draw(st.sampled_from((1, 2, 3, "basic"))), "issued": "2020-01-01"}
        )  # fmt: skip
    if draw(st.booleans()):
        record["certificates"].append(
            {"name": "Juru Las SMAW 3G", "skill": "SMAW welding", "scheme": "BNSP",
             "issued": "2024-01-01", "expires": draw(st.sampled_from(("2025-06-01", "2028-01-01")))}
        )  # fmt: skip
    if draw(st.booleans()):
        level = draw(st.sampled_from(("N1", "N2", "N3", "N4", "N5")))
        record["languages"].append({"test": "JLPT", "result": level, "date": "2020-12-01"})
    home = draw(st.sampled_from((*PLACES, None)))
    if home is not None and "regency" in home:
        record["home"] = home
    plan: dict[str, Any] = {"relocate": draw(st.sampled_from(RELOCATE_SCOPES))}
    if draw(st.booleans()):
        plan["interests"] = draw(st.lists(st.sampled_from(INTERESTS), min_size=1, unique=True))
    if draw(st.booleans()):
        plan["capital"] = {
            "amount": draw(st.sampled_from((1_000, 5_000_000, 25_000_000, 60_000_000))),
            "currency": draw(st.sampled_from(CURRENCIES)),
        }
    record["reintegration"] = plan
    return record


@st.composite
def opportunities(draw: st.DrawFn, number: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(OPPORTUNITY_KINDS))
    requirements: dict[str, Any] = {
        "skills": [
            {
                "name": n,
                "min_level": draw(st.none() | st.integers(1, 4)),
                "certified": draw(st.booleans()),
                "required": draw(st.booleans()),
            }
            for n in draw(st.lists(skill_names, max_size=2, unique=True))
        ]
    }
    if draw(st.booleans()):
        requirements["languages"] = [
            {"any_of": [{"test": "JLPT", "min": draw(st.sampled_from(("N3", "N4")))}]}
        ]
    if draw(st.booleans()):
        countries = draw(
            st.none() | st.lists(st.sampled_from(("JP", "KR", "TW")), min_size=1, unique=True)
        )
        requirements["overseas_experience"] = {
            "min_months": draw(st.integers(1, 60)),
            "countries": countries,
        }
    if draw(st.booleans()):
        requirements["experience"] = {"min_months": draw(st.integers(0, 24)), "isco": ["7212"]}
    if kind in ("ikm_programme", "cooperative") and draw(st.booleans()):
        requirements["capital"] = {
            "amount": draw(st.sampled_from((2_000_000, 25_000_000))),
            "currency": draw(st.sampled_from(("IDR", "USD"))),
        }
    record: dict[str, Any] = {
        "id": f"OPP-{number:03d}",
        "kind": kind,
        "organiser": {"name": "Organiser", "type": "company"},
        "title": "Opportunity",
        "location": draw(st.sampled_from(PLACES)),
        "slots": 2,
        "start_date": "2026-05-01",
        "requirements": requirements,
    }
    if kind in ("job", "trainer_post"):
        record["wage"] = {"amount": 7_000_000, "currency": "IDR", "per": "month"}
    return record


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[Returnee], list[Opportunity]]:
    people = [returnees(i) for i in range(draw(st.integers(1, 10)))]
    offers = [opportunities(j) for j in range(draw(st.integers(1, 5)))]
    return (
        [Returnee.model_validate(draw(p)) for p in people],
        [Opportunity.model_validate(draw(o)) for o in offers],
    )


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(pools())
def test_kernel_equals_reference_pair_for_pair(
    pool: tuple[list[Returnee], list[Opportunity]],
) -> None:
    people, offers = pool
    run = prepare_reintegration(people, offers, AS_OF)
    kernel = ReintegrationKernel(run.returnees, run.params)
    reference = ReintegrationScorer(run.params)
    for found in run.opportunities:
        if found.refused:
            continue
        fast = kernel.score_opportunity(found)
        for i, returnee in enumerate(run.returnees):
            slow = reference.evaluate(returnee, found)
            pair = f"{returnee.id}/{found.id}"
            assert bool(fast.eligible[i]) == slow.eligible, pair
            assert float(fast.score[i]) == slow.score, pair  # bit for bit
            assert PROXIMITY_TIERS[int(fast.tier[i])] == slow.proximity, pair
            labels = {fast.gap_labels[g] for g in range(len(fast.gap_labels)) if fast.gaps[g, i]}
            assert labels == {(g.kind, g.requirement) for g in slow.gaps}, pair


@SETTINGS
@given(pools(), st.sampled_from((0, 1, 2)), st.booleans())
def test_run_with_kernel_equals_reference_alone(
    pool: tuple[list[Returnee], list[Opportunity]], top: int, include_ineligible: bool
) -> None:
    people, offers = pool
    run = prepare_reintegration(people, offers, AS_OF)
    for direction in ("returnees", "opportunities"):
        fast = [r.model_dump() for r in run.rank(direction, top, include_ineligible)]
        slow = [
            r.model_dump() for r in run.rank(direction, top, include_ineligible, use_kernel=False)
        ]
        assert fast == slow


@SETTINGS
@given(pools(), st.sampled_from((1, 2, None)), st.booleans())
def test_top_reducing_after_every_opportunity_equals_one_reduction(
    pool: tuple[list[Returnee], list[Opportunity]], k: int | None, include_ineligible: bool
) -> None:
    # The pairs held are reduced to each returnee's best once memory says so, and later
    # arrivals are cut at each returnee's k-th best key: forcing a reduction after every
    # opportunity must select exactly what one final reduction does.
    people, offers = pool
    run = prepare_reintegration(people, offers, AS_OF)
    once = run.kernel.top(run.opportunities, k=k, include_ineligible=include_ineligible)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernel_module, "HELD_PER_ROW", 0)
        patch.setattr(kernel_module, "HELD_MIN", 0)
        often = ReintegrationKernel(run.returnees, run.params).top(
            run.opportunities, k=k, include_ineligible=include_ineligible
        )
    assert np.array_equal(once.opportunities, often.opportunities)
    assert np.array_equal(once.opportunity_eligible, often.opportunity_eligible)
    assert np.array_equal(once.opportunity_score, often.opportunity_score, equal_nan=True)


@SETTINGS
@given(pools(), st.integers(1, 3), st.integers(0, 2), st.sampled_from(("en", "id")))
def test_book_answers_each_returnee_as_the_run_ranks(
    pool: tuple[list[Returnee], list[Opportunity]], depth: int, less: int, lang: str
) -> None:
    people, offers = pool
    run = prepare_reintegration(people, offers, AS_OF)
    book = OpportunityBook.build(run, depth)
    k = max(1, depth - less)
    ranked = [r.model_dump() for r in run.rank("returnees", k, lang=lang)]  # type: ignore[arg-type]
    for returnee in run.returnees:
        answer = book.opportunities_for(returnee.id, k, lang)  # type: ignore[arg-type]
        assert answer is not None
        assert [r.model_dump() for r in answer] == [
            r for r in ranked if r["worker_id"] == returnee.id
        ]
    assert book.opportunities_for("no such returnee", k) is None
    assert book.opportunities_for(run.returnees[0].id, depth + 1) is None
