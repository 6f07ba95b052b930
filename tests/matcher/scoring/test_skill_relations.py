"""Broader and narrower skills in matching (issue 19, docs/scoring.md "skills"): a
requirement for a concept is met by the concept or a narrower one; a broader one meets it
in part, and for a required skill leaves a gap that names it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from matcher.rules.exchange_rates import load_exchange_rates
from matcher.scoring.encoding import encode_pool
from matcher.scoring.explain import explanation
from matcher.scoring.kernel.context import Context
from matcher.scoring.matching import MatchRun, prepare_run
from matcher.scoring.params import SKILL_RELATION_CREDIT, ScoringParams
from matcher.taxonomy.skills import load_taxonomy
from models.agency import Agency
from models.vacancy import Vacancy
from models.worker import Worker

AS_OF = dt.date(2026, 3, 1)
AGENCY = {"id": "P3MI-1", "name": "PT Contoh", "status": "active",
          "valid_from": "2024-01-01", "valid_until": "2029-01-01"}  # fmt: skip


def test_kernel_relations_are_the_taxonomy_rule() -> None:
    taxonomy = load_taxonomy()
    params = ScoringParams(taxonomy, AS_OF, load_exchange_rates())
    context = Context(encode_pool([], taxonomy, AS_OF), params)
    concepts = list(taxonomy.concepts)
    for c, need in enumerate(concepts):
        for relation, held in context.relatives[c].items():
            assert all(taxonomy.relation(concepts[h], need) == relation for h in held)
        found = {h for held in context.relatives[c].values() for h in held.tolist()}
        related = {h for h, have in enumerate(concepts) if taxonomy.relation(have, need)}
        assert found == related, need
    assert set(context.relation_credit) == set(SKILL_RELATION_CREDIT)


def test_the_relation_rule() -> None:
    taxonomy = load_taxonomy()
    need = "industrial-sewing-machine-operation"
    assert taxonomy.relation(need, need) == "within"
    assert taxonomy.relation("overlock-sewing", need) == "within"  # narrower: meets it
    assert taxonomy.relation("sewing", need) == "broader"  # met in part
    assert taxonomy.relation("tailoring", need) == "sibling"
    assert taxonomy.relation("welding", need) is None
    assert taxonomy.relation(need, "sewing") == "within"


def _run(skill: str, need: str, required: bool) -> MatchRun:
    worker: dict[str, Any] = {
        "id": "W1", "agency_id": "P3MI-1", "birth_date": "1998-05-05",
        "skills": [{"name": skill, "months": 36}],
        "health": {"fit_to_work": True, "colour_vision_normal": True, "checked": "2025-12-01"},
        "documents": {"passport_expires": "2032-01-01"},
    }  # fmt: skip
    vacancy: dict[str, Any] = {
        "id": "JO-1", "agency_id": "P3MI-1", "employer": {"name": "Kilang", "type": "company"},
        "country": "MY", "region": "Johor", "programme": "MY-PLKS", "title": "Sewer",
        "isco": "8153", "slots": 1, "start_date": "2026-07-01", "contract_months": 24,
        "wage": {"amount": 2000, "currency": "MYR", "per": "month"},
        "requirements": {"skills": [{"name": need, "required": required}]},
    }  # fmt: skip
    return prepare_run(
        [Worker.model_validate(worker)],
        [Vacancy.model_validate(vacancy)],
        [Agency.model_validate(AGENCY)],
        AS_OF,
    )


def _only(run: MatchRun) -> Any:
    results = list(run.rank(top=0, include_ineligible=True))
    assert len(results) == 1, run.refusals()
    return results[0]


@pytest.mark.parametrize("required", [True, False])
def test_a_narrower_skill_meets_a_broader_requirement(required: bool) -> None:
    result = _only(_run("industrial sewing machine operation", "sewing", required))
    assert not [g for g in result.gaps if g.kind == "skill"]
    assert result.components["skills"] == 1.0


def test_a_broader_skill_meets_a_required_narrower_one_in_part_with_a_gap() -> None:
    run = _run("sewing", "industrial sewing machine operation", required=True)
    result = _only(run)
    skill_gaps = [g for g in result.gaps if g.kind == "skill"]
    assert [g.detail for g in skill_gaps] == [
        "has sewing (broader), needs industrial sewing machine operation"
    ]
    assert not result.eligible
    assert result.components["skills"] == 0.5  # 0.5 x full depth (36 months)
    lines = explanation(run, "W1", "JO-1", "en")["explanation"]
    assert "gap (skill): has sewing (broader), needs industrial sewing machine operation" in lines
    indonesian = explanation(run, "W1", "JO-1", "id")["explanation"]
    assert any("(lebih umum)" in line for line in indonesian)


def test_a_broader_skill_earns_partial_credit_on_an_optional_requirement() -> None:
    broader = _only(_run("sewing", "industrial sewing machine operation", required=False))
    exact = _only(_run("industrial sewing machine", "industrial sewing machine operation", False))
    unrelated = _only(_run("welding", "industrial sewing machine operation", required=False))
    assert broader.components["skills"] == 0.5
    assert exact.components["skills"] == 1.0
    assert unrelated.components["skills"] == 0.0
    assert broader.score < exact.score


def test_an_unrelated_skill_leaves_the_plain_missing_gap() -> None:
    result = _only(_run("welding", "industrial sewing machine operation", required=True))
    details = [g.detail for g in result.gaps if g.kind == "skill"]
    assert details == ["needs industrial sewing machine operation; has welding"]


def test_kernel_and_reference_agree_on_broader_and_narrower_pairs() -> None:
    pairs = [
        ("sewing", "industrial sewing machine operation"),
        ("overlock sewing", "sewing"),
        ("painting", "spray painting"),
        ("surface grinding", "grinding"),
        ("grinding", "surface grinding"),
        ("PLC programming", "industrial automation"),
        ("industrial automation", "PLC programming"),
        ("packing", "industrial packing"),
    ]
    for skill, need in pairs:
        for required in (True, False):
            run = _run(skill, need, required)
            ranked = _only(run)
            _, _, outcome = run.evaluate("W1", "JO-1")
            assert ranked.eligible == outcome.eligible, (skill, need)
            assert np.isclose(ranked.score, round(outcome.score, 4)), (skill, need)


def test_an_optional_requirement_met_in_part_is_flagged() -> None:
    run = _run("sewing", "industrial sewing machine operation", required=False)
    result = _only(run)
    partial = [f for f in result.flags if f.kind == "skill_partial"]
    assert [f.detail for f in partial] == [
        "partial skill credit: has sewing (broader), asks for industrial sewing machine operation"
    ]
    lines = explanation(run, "W1", "JO-1", "id")["explanation"]
    assert any(line.startswith("catatan (keahlian terpenuhi sebagian)") for line in lines)
    exact = _only(_run("industrial sewing machine", "industrial sewing machine operation", False))
    assert not [f for f in exact.flags if f.kind == "skill_partial"]
    required = _only(_run("sewing", "industrial sewing machine operation", required=True))
    assert not [f for f in required.flags if f.kind == "skill_partial"]
