"""The reintegration scenario cases (tests/scenarios/reintegration/, format in its README):
records valid, expectation forms known and unambiguous, and the outcomes the
engine-independent core decides (wage refusals, proximity and reach, interests,
recognition, the RPL gap) judged on the core; then every expectation judged on the
records ``selaras reintegrate`` writes, run through the command line as the README says."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from matcher.reintegration import (
    check_opportunity_wage,
    proximity,
    recognise,
    rpl_gap_message,
    within_reach,
)
from matcher.text.messages import render
from models.agency import Agency
from models.opportunity import INTEREST_OF_KIND, Opportunity
from models.returnee import INTERESTS
from models.worker import Returnee

DIRECTORY = Path(__file__).parent / "scenarios" / "reintegration"
CASES = sorted(DIRECTORY.glob("*.json"))
CASE_KEYS = {
    "name", "public", "rule", "as_of", "for", "lang", "agencies", "returnees",
    "opportunities", "expect",
}  # fmt: skip
FORMS: dict[str, set[str]] = {
    "pair": {"pair", "eligible", "gap_kinds_any"},
    "refused": {"refused", "reason_kind", "detail_contains"},
    "not_refused": {"not_refused"},
    "proximity": {"proximity", "tier"},
    "recognised": {"recognised", "skill", "level", "rules_any"},
    "gap": {"gap", "kind", "detail_contains"},
    "ranked_for": {"ranked_for", "before", "after", "strict"},
}
GAP_KINDS = {
    "skill", "certificate", "language", "experience", "age", "programme_rule", "health",
    "document", "preference", "capital",
}  # fmt: skip


@cache
def concepts_of() -> Any:
    from matcher.taxonomy.skills import default_skill_normalizer

    normalizer = default_skill_normalizer()

    def read(texts: Sequence[str]) -> list[list[str]]:
        return [[h.concept.id for h in m.concepts] for m in normalizer.normalize_many(texts)]

    return read


class Case:
    def __init__(self, path: Path) -> None:
        self.raw: dict[str, Any] = json.loads(path.read_text("utf-8"))
        self.path = path
        self.as_of = dt.date.fromisoformat(self.raw["as_of"])
        self.returnees = {r["id"]: Returnee.model_validate(r) for r in self.raw["returnees"]}
        self.opportunities = {
            o["id"]: Opportunity.model_validate(o) for o in self.raw["opportunities"]
        }
        self.agencies = [Agency.model_validate(a) for a in self.raw["agencies"]]

    def pair(self, ids: list[str]) -> tuple[Opportunity, Returnee]:
        opportunity_id, returnee_id = ids
        return self.opportunities[opportunity_id], self.returnees[returnee_id]

    def reached(self, opportunity: Opportunity, returnee: Returnee) -> bool:
        """Within ``relocate`` and ``interests`` (the preference gates of the core)."""
        wanted = returnee.reintegration.interests if returnee.reintegration else INTERESTS
        relocate = returnee.reintegration.relocate if returnee.reintegration else "none"
        tier = proximity(returnee.home, opportunity.location)
        return within_reach(relocate, tier) and INTEREST_OF_KIND[opportunity.kind] in wanted


@pytest.fixture(params=CASES, ids=[p.stem for p in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    path: Path = request.param
    return Case(path)


def test_there_are_cases_of_every_kind() -> None:
    names = {p.stem for p in CASES}
    assert len(names) >= 12
    forms = {next(iter(set(e) & set(FORMS))) for p in CASES for e in Case(p).raw["expect"]}
    assert forms == set(FORMS)


def test_case_shape(case: Case) -> None:
    raw = case.raw
    assert set(raw) == CASE_KEYS
    assert raw["name"] == case.path.stem
    assert raw["public"] is True
    assert raw["for"] in ("returnees", "opportunities")
    assert raw["lang"] in ("en", "id")
    assert raw["rule"]
    assert len(case.returnees) == len(raw["returnees"])
    assert len(case.opportunities) == len(raw["opportunities"])
    assert all(r.returned <= case.as_of for r in case.returnees.values())
    assert all(not r.warnings() for r in case.returnees.values())


def test_expectation_forms(case: Case) -> None:
    for expect in case.raw["expect"]:
        [form] = [f for f in FORMS if f in expect]
        assert set(expect) <= FORMS[form], expect
        assert set(expect) >= FORMS[form] - {"gap_kinds_any", "detail_contains", "strict"}
        if form in ("pair", "proximity", "recognised", "gap"):
            opportunity_id, returnee_id = expect[form]
            assert opportunity_id in case.opportunities, expect
            assert returnee_id in case.returnees, expect
        if form in ("refused", "not_refused"):
            assert expect[form] in case.opportunities, expect
        if form == "ranked_for":
            own, other = (
                (case.returnees, case.opportunities)
                if case.raw["for"] == "returnees"
                else (case.opportunities, case.returnees)
            )
            assert expect["ranked_for"] in own, expect
            assert {expect["before"], expect["after"]} <= set(other), expect
        if form == "pair":
            assert isinstance(expect["eligible"], bool)
            assert set(expect.get("gap_kinds_any", [])) <= GAP_KINDS
            assert expect["eligible"] or expect.get("gap_kinds_any"), expect


def test_refusals_are_the_cores(case: Case) -> None:
    lang = case.raw["lang"]
    refused_ids = set()
    for expect in case.raw["expect"]:
        if "refused" in expect:
            check = check_opportunity_wage(case.opportunities[expect["refused"]], case.as_of)
            reasons = [n for n in check.refusals if n.kind == expect["reason_kind"]]
            assert reasons, (expect, check.refusals)
            detail = render(reasons[0].message, lang)
            assert reasons[0].source
            for text in expect.get("detail_contains", []):
                assert text in detail, (text, detail)
            refused_ids.add(expect["refused"])
        elif "not_refused" in expect:
            check = check_opportunity_wage(case.opportunities[expect["not_refused"]], case.as_of)
            assert not check.refused, check.refusals
    for expect in case.raw["expect"]:
        for form in ("pair", "proximity", "recognised", "gap"):
            if form in expect:
                assert expect[form][0] not in refused_ids, f"a refused opportunity has {expect}"
                check = check_opportunity_wage(case.opportunities[expect[form][0]], case.as_of)
                assert not check.refused, (expect, check.refusals)


def test_proximity_and_preferences_are_the_cores(case: Case) -> None:
    for expect in case.raw["expect"]:
        if "proximity" in expect:
            opportunity, returnee = case.pair(expect["proximity"])
            assert proximity(returnee.home, opportunity.location) == expect["tier"]
        if "pair" in expect:
            opportunity, returnee = case.pair(expect["pair"])
            preference_only = expect.get("gap_kinds_any") == ["preference"]
            if expect["eligible"]:
                assert case.reached(opportunity, returnee), expect
            elif preference_only:
                assert not case.reached(opportunity, returnee), expect
        if "ranked_for" in expect and case.raw["for"] == "returnees":
            returnee = case.returnees[expect["ranked_for"]]
            near = proximity(returnee.home, case.opportunities[expect["before"]].location)
            far = proximity(returnee.home, case.opportunities[expect["after"]].location)
            assert near != far  # the cases order by proximity alone


def test_recognition_is_the_cores(case: Case) -> None:
    lang = case.raw["lang"]
    for expect in case.raw["expect"]:
        if "recognised" in expect:
            _, returnee = case.pair(expect["recognised"])
            found = {r.skill: r for r in recognise(returnee, concepts_of(), case.as_of)}
            recognised = found[expect["skill"]]
            assert recognised.level == expect["level"]
            assert {e.rule for e in recognised.evidence} & set(expect["rules_any"])
        if "gap" in expect and "RPL assessment at an LSP" in expect["detail_contains"]:
            opportunity, returnee = case.pair(expect["gap"])
            found = {r.skill: r for r in recognise(returnee, concepts_of(), case.as_of)}
            certified = [s for s in opportunity.requirements.skills if s.certified]
            [need] = certified
            [concept] = concepts_of()([need.name])
            day = opportunity.start_date or case.as_of
            message = rpl_gap_message(need.name, day, found[concept[0]], need.min_level)
            assert message is not None
            detail = render(message, lang)
            for text in expect["detail_contains"]:
                assert text in detail


def _write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def run_case(case: Case, directory: Path) -> list[dict[str, Any]]:
    """The records of ``selaras reintegrate`` on the case (the README's command)."""
    out = directory / "out.jsonl"
    arguments = [
        "reintegrate",
        "--returnees", str(_write_lines(directory / "r.jsonl", case.raw["returnees"])),
        "--opportunities", str(_write_lines(directory / "o.jsonl", case.raw["opportunities"])),
        "--agencies", str(_write_lines(directory / "a.jsonl", case.raw["agencies"])),
        "--for", case.raw["for"], "--as-of", case.raw["as_of"], "--include-ineligible",
        "--top", "0", "--lang", case.raw["lang"], "--out", str(out),
    ]  # fmt: skip
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def test_every_expectation_through_the_command(case: Case, tmp_path: Path) -> None:
    records = run_case(case, tmp_path)
    pairs = {(r["opportunity_id"], r["worker_id"]): r for r in records if "worker_id" in r}
    refusals = {r["opportunity_id"]: r for r in records if r.get("refused")}
    for expect in case.raw["expect"]:
        if "pair" in expect:
            found = pairs[tuple(expect["pair"])]
            assert found["eligible"] is expect["eligible"], (expect, found)
            kinds = {g["kind"] for g in found["gaps"]}
            assert not found["eligible"] or not kinds
            if expect.get("gap_kinds_any"):
                assert kinds & set(expect["gap_kinds_any"]), (expect, found)
        elif "refused" in expect:
            refusal = refusals[expect["refused"]]
            [reason] = [r for r in refusal["reasons"] if r["kind"] == expect["reason_kind"]]
            assert reason["source"]
            for text in expect.get("detail_contains", []):
                assert text in reason["detail"], (text, reason)
            assert not any(o == expect["refused"] for o, _ in pairs)
        elif "not_refused" in expect:
            assert expect["not_refused"] not in refusals
        elif "proximity" in expect:
            assert pairs[tuple(expect["proximity"])]["proximity"] == expect["tier"]
        elif "recognised" in expect:
            found = pairs[tuple(expect["recognised"])]
            [level] = [r for r in found["recognised"] if r["skill"] == expect["skill"]]
            assert level["level"] == expect["level"]
            assert level["basis"] == "recognised"
            assert level["source"]
            assert any(e.startswith(tuple(expect["rules_any"])) for e in level["evidence"])
        elif "gap" in expect:
            found = pairs[tuple(expect["gap"])]
            details = [g["detail"] for g in found["gaps"] if g["kind"] == expect["kind"]]
            assert any(all(t in d for t in expect["detail_contains"]) for d in details), found
        elif "ranked_for" in expect:
            own, other = (
                ("worker_id", "opportunity_id")
                if case.raw["for"] == "returnees"
                else ("opportunity_id", "worker_id")
            )
            ranked = {r[other]: r for r in pairs.values() if r[own] == expect["ranked_for"]}
            before, after = ranked[expect["before"]], ranked[expect["after"]]
            assert before["rank"] < after["rank"], (before, after)
            if expect.get("strict"):
                assert before["score"] > after["score"], (before, after)


def test_the_command_ranks_as_the_reference_alone(case: Case) -> None:
    """The kernel selects, the reference explains: the records equal a reference-only run."""
    from matcher.reintegration.run import prepare_reintegration

    run = prepare_reintegration(
        list(case.returnees.values()), list(case.opportunities.values()), case.as_of
    )
    direction = case.raw["for"]
    fast = [r.model_dump() for r in run.rank(direction, 0, True, case.raw["lang"])]
    slow = [
        r.model_dump() for r in run.rank(direction, 0, True, case.raw["lang"], use_kernel=False)
    ]
    assert fast == slow
