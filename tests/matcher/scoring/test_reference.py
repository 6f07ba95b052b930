"""The reference scorer's rules, one at a time (docs/scoring.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from matcher.rules.packs import load_rule_packs
from matcher.scoring.matching import MatchRun, prepare_run
from matcher.text.messages import render
from models.agency import Agency
from models.results import MatchResult
from models.vacancy import Vacancy
from models.worker import Worker

AS_OF = dt.date(2026, 3, 1)
AGENCY = {"id": "P3MI-1", "name": "PT Contoh", "status": "active",
          "valid_from": "2024-01-01", "valid_until": "2029-01-01"}  # fmt: skip


def _worker(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "W1", "agency_id": "P3MI-1", "birth_date": "1998-05-05",
        "skills": [{"name": "las listrik", "months": 36, "level": 3}],
        "certificates": [
            {"name": "SSW welding test", "skill": "welding", "scheme": "JP-SSW-SKILLS-TEST",
             "issued": "2025-06-10", "expires": None},
            {"name": "Juru Las SMAW", "skill": "SMAW welding", "scheme": "BNSP",
             "issued": "2024-03-01", "expires": "2028-03-01"},
        ],
        "languages": [{"test": "JLPT", "result": "N4", "date": "2024-12-01"}],
        "experience": [{"title": "juru las", "isco": "7212", "country": "ID", "months": 24}],
        "health": {"fit_to_work": True, "colour_vision_normal": True, "checked": "2025-12-01"},
        "documents": {"passport_expires": "2032-01-01"},
    }  # fmt: skip
    base.update(changes)
    return base


def _vacancy(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "JO-1", "agency_id": "P3MI-1", "employer": {"name": "Tokai", "type": "company"},
        "country": "JP", "region": "Aichi", "programme": "JP-SSW1", "title": "Welder",
        "isco": "7212", "slots": 3, "start_date": "2026-07-01", "contract_months": 36,
        "wage": {"amount": 1250, "currency": "JPY", "per": "hour"},
        "requirements": {"skills": [{"name": "SMAW welding"}]},
    }  # fmt: skip
    base.update(changes)
    return base


def _run(workers: list[dict[str, Any]], vacancies: list[dict[str, Any]],
         agencies: list[dict[str, Any]] | None = None) -> MatchRun:  # fmt: skip
    register = None if agencies is None else [Agency.model_validate(a) for a in agencies]
    return prepare_run([Worker.model_validate(w) for w in workers],
                       [Vacancy.model_validate(v) for v in vacancies], register, AS_OF)  # fmt: skip


def _pair(
    worker: dict[str, Any] | None = None, vacancy: dict[str, Any] | None = None
) -> MatchResult:
    run = _run([worker or _worker()], [vacancy or _vacancy()], [AGENCY])
    results = list(run.rank(top=0, include_ineligible=True))
    assert len(results) == 1, run.refusals()
    return results[0]


def _gap_kinds(result: MatchResult) -> set[str]:
    return {g.kind for g in result.gaps}


def test_baseline_is_eligible() -> None:
    result = _pair()
    assert result.eligible, result.gaps
    assert 0 < result.score <= 1
    assert set(result.components) == {"skills", "certification", "language", "experience"}


def test_specific_skill_meets_broader_requirement_not_the_reverse() -> None:
    broader = _vacancy(requirements={"skills": [{"name": "welding"}]})
    assert _pair(vacancy=broader).eligible
    narrower = _vacancy(requirements={"skills": [{"name": "GTAW"}]})
    result = _pair(vacancy=narrower)
    assert "skill" in _gap_kinds(result)
    assert 0 < result.components["skills"] < 1  # SMAW is a sibling of TIG: partial credit


def test_min_level_and_unstated_level() -> None:
    needs = _vacancy(requirements={"skills": [{"name": "SMAW", "min_level": 4}]})
    assert "skill" in _gap_kinds(_pair(vacancy=needs))
    unstated = _worker(skills=[{"name": "las listrik", "months": 36}])
    level2 = _vacancy(requirements={"skills": [{"name": "SMAW", "min_level": 2}]})
    assert "skill" in _gap_kinds(_pair(unstated, level2))


def test_certified_requirement_needs_a_valid_certificate_on_start() -> None:
    vacancy = _vacancy(requirements={"skills": [{"name": "SMAW", "certified": True}]},
                       start_date="2028-06-01")  # fmt: skip
    result = _pair(vacancy=vacancy)
    assert _gap_kinds(result) >= {"certificate"}
    assert "expired 2028-03-01" in next(g.detail for g in result.gaps if g.kind == "certificate")


def test_language_named_test_is_never_converted() -> None:
    ielts = _worker(languages=[{"test": "IELTS", "result": 7.0, "date": "2025-01-01"}])
    assert "language" in _gap_kinds(_pair(ielts))
    n5 = _worker(languages=[{"test": "JLPT", "result": "N5", "date": "2024-12-01"}])
    gap = next(g for g in _pair(n5).gaps if g.kind == "language")
    assert gap.detail == "has JLPT N5 (2024-12-01), needs JLPT N4 or JFT-Basic A2"


def test_language_margin_has_diminishing_returns() -> None:
    scores = [
        _pair(_worker(languages=[{"test": "JLPT", "result": level, "date": "2024-12-01"}]))
        .components["language"]
        for level in ("N4", "N3", "N2")
    ]  # fmt: skip
    assert scores == [0.5, 0.75, 0.875]


def test_min_cefr_accepts_any_mapped_test() -> None:
    vacancy = _vacancy(
        country="DE", region=None, programme="DE-SKILLED",
        wage={"amount": 3000, "currency": "EUR", "per": "month"},
        requirements={"skills": [{"name": "SMAW"}],
                      "languages": [{"language": "de", "min_cefr": "A2"}]},
    )  # fmt: skip
    goethe = _worker(languages=[{"test": "Goethe", "result": "B1", "date": "2025-05-01"}])
    assert _pair(goethe, vacancy).eligible
    assert "language" in _gap_kinds(_pair(vacancy=vacancy))


def _eps(**changes: Any) -> dict[str, Any]:
    return _vacancy(
        id="JO-KR", country="KR", region=None, programme="KR-EPS",
        wage={"amount": 2300000, "currency": "KRW", "per": "month"}, **changes,
    )  # fmt: skip


def _eps_worker(**changes: Any) -> dict[str, Any]:
    base = {
        "languages": [{"test": "EPS-TOPIK", "result": 150, "date": "2025-11-20"}],
        "certificates": [{"name": "EPS skills test", "skill": "manufacturing",
                          "scheme": "KR-EPS-SKILLS-TEST", "issued": "2025-12-01"}],
    }  # fmt: skip
    return _worker(**{**base, **changes})


def test_eps_baseline_and_topik_validity() -> None:
    assert _pair(_eps_worker(), _eps()).eligible
    old = _eps_worker(languages=[{"test": "EPS-TOPIK", "result": 190, "date": "2024-05-01"}])
    assert "language" in _gap_kinds(_pair(old, _eps()))  # older than 24 months on start


def test_eps_colour_vision_and_unknown_health() -> None:
    colour_blind = _eps_worker(health={"fit_to_work": True, "colour_vision_normal": False})
    assert "health" in _gap_kinds(_pair(colour_blind, _eps()))
    unknown = _eps_worker(health=None)
    assert "health" in _gap_kinds(_pair(unknown, _eps()))


def test_eps_stay_cap_and_age_window() -> None:
    stayed = _eps_worker(experience=[{"title": "operator", "country": "KR",
                                      "programme": "KR-EPS", "months": 61}])  # fmt: skip
    assert "programme_rule" in _gap_kinds(_pair(stayed, _eps()))
    older = _eps_worker(birth_date="1980-01-01")
    assert "age" in _gap_kinds(_pair(older, _eps()))


def test_preferences_are_gates() -> None:
    elsewhere = _worker(preferences={"countries": ["KR"]})
    assert "preference" in _gap_kinds(_pair(elsewhere))
    greedy = _worker(preferences={"min_monthly_wage": {"amount": 90_000_000, "currency": "IDR"}})
    result = _pair(greedy)
    assert "preference" in _gap_kinds(result)
    assert "rate" in next(g.detail for g in result.gaps if g.kind == "preference")


def test_expired_passport_is_a_gap_expiring_one_a_flag() -> None:
    expired = _worker(documents={"passport_expires": "2026-05-01"})
    assert "document" in _gap_kinds(_pair(expired))
    expiring = _worker(documents={"passport_expires": "2027-05-01"})
    result = _pair(expiring)
    assert result.eligible
    assert "document_expiring" in {f.kind for f in result.flags}


def test_weights_override() -> None:
    default = _pair()
    only_language = _vacancy(requirements={
        "skills": [{"name": "SMAW"}],
        "weights": {"skills": 0, "certification": 0, "language": 1, "experience": 0}})  # fmt: skip
    assert _pair(vacancy=only_language).score == pytest.approx(0.5)
    assert default.score != pytest.approx(0.5)


@pytest.mark.parametrize(
    ("vacancy", "agencies", "kind"),
    [
        (_vacancy(wage={"amount": 900, "currency": "JPY", "per": "hour"}), [AGENCY],
         "wage_below_floor"),
        (_vacancy(), [{**AGENCY, "status": "suspended"}], "agency_not_licensed"),
        (_vacancy(agency_id="P3MI-404"), [AGENCY], "agency_not_licensed"),
        (_vacancy(country="SA", region=None, programme="OTHER",
                  employer={"name": "A household", "type": "household"},
                  wage={"amount": 1500, "currency": "SAR", "per": "month"}), [AGENCY],
         "moratorium"),
        (_vacancy(requirements={"skills": [{"name": "menyanyi dangdut"}]}), [AGENCY], "invalid"),
        (_vacancy(wage={"amount": 10, "currency": "USD", "per": "hour"}), [AGENCY], "invalid"),
    ],
)  # fmt: skip
def test_refusals(vacancy: dict[str, Any], agencies: list[dict[str, Any]], kind: str) -> None:
    run = _run([_worker()], [vacancy], agencies)
    refusals = run.refusals()
    assert [r.kind for r in refusals[0].reasons] == [kind]
    assert list(run.rank(top=0, include_ineligible=True)) == []
    if kind != "invalid":
        assert refusals[0].reasons[0].source


def test_discriminatory_requirements_flagged_not_applied() -> None:
    for field, value in [("sex", "F"), ("religion", "Islam"), ("min_height_cm", 170)]:
        vacancy = _vacancy(requirements={"skills": [{"name": "SMAW"}], field: value})
        result = _pair(vacancy=vacancy)
        assert result.eligible
        assert "discriminatory_requirement" in {f.kind for f in result.flags}


def test_no_register_flags_every_result() -> None:
    run = _run([_worker()], [_vacancy()], None)
    (result,) = run.rank()
    assert "licence_unchecked" in {f.kind for f in result.flags}


def test_unknown_prefecture_uses_lowest_floor_and_flags() -> None:
    result = _pair(vacancy=_vacancy(region=None))
    assert "wage_floor_unknown" in {f.kind for f in result.flags}


def test_gaps_in_indonesian() -> None:
    n5 = _worker(languages=[{"test": "JLPT", "result": "N5", "date": "2024-12-01"}])
    run = _run([n5], [_vacancy()], [AGENCY])
    _, _, outcome = run.evaluate("W1", "JO-1")
    gap = next(g for g in outcome.gaps if g.kind == "language")
    assert (
        render(gap.message, "id")
        == "memiliki JLPT N5 (2024-12-01), membutuhkan JLPT N4 atau JFT-Basic A2"
    )


def test_ranking_order_and_ties() -> None:
    strong = _worker(id="W-B", languages=[{"test": "JLPT", "result": "N2", "date": "2025-01-01"}])
    twin_a, twin_b = _worker(id="W-C"), _worker(id="W-A")
    weak = _worker(id="W-D", languages=[{"test": "JLPT", "result": "N5", "date": "2025-01-01"}])
    run = _run([strong, twin_a, twin_b, weak], [_vacancy()], [AGENCY])
    ranked = list(run.rank(top=0, include_ineligible=True))
    assert [r.worker_id for r in ranked] == ["W-B", "W-A", "W-C", "W-D"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert [r.worker_id for r in run.rank(top=0)] == ["W-B", "W-A", "W-C"]
    assert [r.worker_id for r in run.rank(top=2)] == ["W-B", "W-A"]
    by_worker = list(run.rank("workers", top=0))
    assert {r.worker_id for r in by_worker} == {"W-A", "W-B", "W-C"}


def test_undated_result_counts_only_for_a_test_without_a_validity_period() -> None:
    # JLPT results do not expire, so an undated one counts; TOEIC's is valid for two
    # years, so an undated TOEIC result cannot be shown valid on the start date.
    undated_jlpt = _worker(languages=[{"test": "JLPT", "result": "N4"}])
    assert _pair(undated_jlpt).eligible
    toeic = {"languages": [{"any_of": [{"test": "TOEIC", "min": 500}]}]}
    vacancy = _vacancy(requirements={"skills": [{"name": "SMAW welding"}], **toeic})
    dated = _worker(languages=[*undated_jlpt["languages"],
                               {"test": "TOEIC", "result": 700, "date": "2025-01-10"}])  # fmt: skip
    undated = _worker(languages=[*undated_jlpt["languages"], {"test": "TOEIC", "result": 700}])
    assert _pair(dated, vacancy).eligible
    assert _gap_kinds(_pair(undated, vacancy)) == {"language"}


def _titp_graduate(trade_test: dict[str, Any] | None) -> dict[str, Any]:
    return _worker(
        languages=[],
        certificates=[] if trade_test is None else [trade_test],
        experience=[{"title": "welder", "isco": "7212", "country": "JP",
                     "programme": "JP-TITP", "months": 36}],
    )  # fmt: skip


def _trade_test(skill: str, issued: str = "2024-05-01") -> dict[str, Any]:
    return {"name": "技能検定随時3級", "skill": skill, "scheme": "JP-TRADE-TEST",
            "issued": issued, "expires": None}  # fmt: skip


def test_titp_completion_waives_the_ssw1_skills_and_language_tests_in_a_related_field() -> None:
    # TITP (ii) completed (34+ months in Japan) with a trade test in the job's field.
    result = _pair(_titp_graduate(_trade_test("SMAW welding")))
    assert result.eligible, result.gaps
    # The waiver shows no Japanese, so it earns no language credit.
    assert result.components["language"] == 0.0
    # A trade test in another field, one issued after the start date, or none at all:
    # the skills test and the Japanese test are required.
    for trade_test in (_trade_test("forklift operation"), _trade_test("SMAW welding",
                       "2026-08-01"), None):  # fmt: skip
        result = _pair(_titp_graduate(trade_test))
        assert {(g.kind, g.requirement) for g in result.gaps} == {
            ("language", "JLPT N4 or JFT-Basic A2"),
            ("certificate", "ssw1-field-skills-test"),
        }, trade_test


def test_moratorium_on_an_unverified_country_refuses_and_says_so() -> None:
    household = {"name": "A household", "type": "household"}
    for country, unverified in (("SA", False), ("PK", True)):
        vacancy = _vacancy(country=country, region=None, programme="OTHER", employer=household,
                           wage={"amount": 2000, "currency": "USD", "per": "month"})  # fmt: skip
        (refusal,) = _run([_worker()], [vacancy], [AGENCY]).refusals()
        kinds = [r.kind for r in refusal.reasons]
        assert "moratorium" in kinds, refusal
        detail = next(r.detail for r in refusal.reasons if r.kind == "moratorium")
        assert ("marked unverified" in detail) is unverified


def test_unverified_pack_gates_are_applied_and_flagged() -> None:
    packs = dict(load_rule_packs())
    eps = packs["KR-EPS"]
    assert eps.stay_cap_months is not None
    packs["KR-EPS"] = dataclasses.replace(
        eps,
        stay_cap_months=dataclasses.replace(eps.stay_cap_months, status="unverified"),
        health=tuple(dataclasses.replace(g, status="unverified") for g in eps.health),
    )
    run = prepare_run([Worker.model_validate(_eps_worker())], [Vacancy.model_validate(_eps())],
                      [Agency.model_validate(AGENCY)], AS_OF, packs=packs)  # fmt: skip
    (result,) = run.rank(top=0, include_ineligible=True)
    assert result.eligible
    flagged = [f.detail for f in result.flags if f.kind == "unverified_rule"]
    assert any(d.startswith("stay cap is applied but marked unverified") for d in flagged)
    assert any(d.startswith("colour_vision_normal is applied") for d in flagged)
    (plain,) = _run([_eps_worker()], [_eps()], [AGENCY]).rank(top=0)
    assert not [f for f in plain.flags if f.kind == "unverified_rule" and "stay cap" in f.detail]
