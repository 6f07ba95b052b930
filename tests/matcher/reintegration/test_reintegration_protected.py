"""Protected attributes (gender, province of origin, religion, ethnicity, marital status)
never change a returnee's score, eligibility or rank; a returnee's ``home`` (where they
live now, and chose to state for matching) is not one of them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

from matcher.reintegration.facts import ReturneeFacts
from matcher.reintegration.run import prepare_reintegration
from models.files import read_records
from tests.paths import SAMPLE

PROTECTED = {"gender", "province", "religion", "ethnicity", "marital_status"}


def _results(returnees: list[Any], opportunities: list[Any]) -> list[dict[str, Any]]:
    run = prepare_reintegration(returnees, opportunities, dt.date(2026, 3, 1))
    return [
        r.model_dump()
        for direction in ("returnees", "opportunities")
        for r in run.rank(direction, top=0, include_ineligible=True)  # type: ignore[arg-type]
    ]


def test_scores_and_ranks_ignore_protected_attributes() -> None:
    returnees = list(read_records(SAMPLE / "returnees.jsonl", "returnees").records)
    opportunities = list(read_records(SAMPLE / "opportunities.jsonl", "opportunities").records)
    before = _results(returnees, opportunities)
    rng = random.Random(11)
    changed = [
        r.model_copy(update={
            "gender": rng.choice(["F", "M"]),
            "province": rng.choice(["Aceh", "Papua", "Bali", "Jawa Barat"]),
            "religion": rng.choice(["Islam", "Kristen", "Hindu", None]),
            "ethnicity": rng.choice(["Jawa", "Sunda", "Bugis", None]),
            "marital_status": rng.choice(["single", "married", None]),
        })
        for r in returnees
    ]  # fmt: skip
    assert [r.gender for r in changed] != [r.gender for r in returnees]
    assert [r.province for r in changed] != [r.province for r in returnees]
    assert any(r["eligible"] for r in before)  # the sample has eligible pairs
    assert _results(changed, opportunities) == before


def test_returnee_facts_carry_no_protected_attribute() -> None:
    names = {f.name for f in dataclasses.fields(ReturneeFacts)}
    assert not names & PROTECTED
