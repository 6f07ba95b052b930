"""The domain scenario cases (tests/scenarios/, copies of the brief's examples) judged the
way acceptance judges them: through ``selaras match --include-ineligible``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app

CASES = sorted((Path(__file__).parent / "scenarios").glob("*.json"))


def _run(case: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    paths = {}
    for kind in ("workers", "vacancies", "agencies"):
        paths[kind] = tmp_path / f"{kind}.jsonl"
        paths[kind].write_text("".join(json.dumps(r) + "\n" for r in case[kind]), "utf-8")
    result = CliRunner().invoke(
        app,
        ["match", "--workers", str(paths["workers"]), "--vacancies", str(paths["vacancies"]),
         "--agencies", str(paths["agencies"]), "--as-of", case["as_of"], "--include-ineligible",
         "--top", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _pair(records: list[dict[str, Any]], vacancy: str, worker: str) -> dict[str, Any]:
    found = [r for r in records if r.get("vacancy_id") == vacancy and r.get("worker_id") == worker]
    assert len(found) == 1, f"pair {vacancy}/{worker} returned {len(found)} times"
    return found[0]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_scenario(path: Path, tmp_path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    records = _run(case, tmp_path)
    for expect in case["expect"]:
        if "pair" in expect:
            pair = _pair(records, *expect["pair"])
            assert pair["eligible"] is expect["eligible"], (expect, pair)
            if not expect["eligible"] and "gap_kinds_any" in expect:
                kinds = {g["kind"] for g in pair["gaps"]}
                assert kinds & set(expect["gap_kinds_any"]), (expect, pair)
        elif "refused" in expect:
            refusals = [
                r for r in records if r.get("refused") and r["vacancy_id"] == expect["refused"]
            ]
            assert refusals, expect
            reasons = refusals[0]["reasons"]
            assert any(r["kind"] == expect["reason_kind"] and r["source"] for r in reasons)
            assert not [
                r for r in records if r.get("vacancy_id") == expect["refused"] and "worker_id" in r
            ]
        elif "not_refused" in expect:
            assert not [
                r for r in records if r.get("refused") and r["vacancy_id"] == expect["not_refused"]
            ]
        elif "flagged" in expect:
            kinds = {f["kind"] for f in _pair(records, *expect["flagged"])["flags"]}
            assert expect["flag_kind"] in kinds
        elif "not_flagged" in expect:
            kinds = {f["kind"] for f in _pair(records, *expect["not_flagged"])["flags"]}
            assert expect["flag_kind"] not in kinds
        elif "order" in expect:
            ranked = [r for r in records if r.get("vacancy_id") == expect["order"] and "rank" in r]
            position = {r["worker_id"]: r for r in ranked}
            before, after = position[expect["before"]], position[expect["after"]]
            assert before["rank"] < after["rank"]
            if expect.get("strict"):
                assert before["score"] > after["score"]
        else:
            pytest.fail(f"unknown expectation {expect}")
