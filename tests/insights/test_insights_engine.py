"""The engine pass and the tables counted from it, against a pair-by-pair oracle.

The oracle evaluates every pair with the reference scorer (one pair at a time, the
specification) and counts each table's cells with Python sets; the allocation is the one
``selaras allocate --method optimal`` makes (:func:`matcher.allocation.round.allocate_round`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cache

import numpy as np
import pytest

from matcher.allocation.chunks import PoolPayload
from matcher.allocation.reasons import GapTally
from matcher.allocation.round import allocate_round
from matcher.allocation.runner import ChunkRunner
from matcher.insights.build import (
    InsightsError,
    Returnees,
    build_tables,
    check_min_cell,
    check_tables,
    earliest_record,
)
from matcher.insights.cells import distinct_workers
from matcher.insights.counts import (
    engine_tables,
    job_skills,
    level_text,
    published_province,
    quarter_of,
)
from matcher.insights.engine_pass import EnginePass, run_engine_pass
from matcher.insights.table import PolicyTable
from matcher.scoring.matching import MatchRun, prepare_run
from models.agency import Agency
from models.files import read_records
from models.opportunity import Opportunity
from models.vacancy import Vacancy
from models.worker import Worker
from tests.paths import POOL, SAMPLE

AS_OF = dt.date(2026, 3, 1)
N_WORKERS = 250


@cache
def _records() -> tuple[list[Worker], list[Vacancy], list[Agency]]:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:N_WORKERS]
    vacancies = read_records(POOL / "vacancies.jsonl", "vacancies").records
    agencies = read_records(POOL / "agencies.jsonl", "agencies").records
    return workers, vacancies, agencies


@cache
def _run() -> tuple[MatchRun, EnginePass]:
    workers, vacancies, agencies = _records()
    run = prepare_run(workers, vacancies, agencies, AS_OF)
    return run, run_engine_pass(run)


def _as_dict(table: PolicyTable) -> dict[tuple[str, ...], dict[str, float]]:
    dims = table.schema.dimension_names
    return {
        tuple(str(table.dimensions[d][i]) for d in dims): {
            m: table.measures[m][i].item() for m in table.schema.measure_names
        }
        for i in range(table.n_rows)
    }


@cache
def _oracle() -> dict[str, dict[tuple[str, ...], dict[str, int]]]:
    """Every table's cells counted pair by pair with the reference scorer."""
    run, _ = _run()
    workers = _records()[0]
    outcome = allocate_round(run, method="optimal")
    placed_in = dict(
        zip(outcome.worker_ids, outcome.job_of().tolist(), strict=True)
    )  # worker id -> open job position
    orders = [v for v in run.vacancies if not v.refused]
    eligible: dict[tuple[str, ...], set[str]] = defaultdict(set)
    one_gap: dict[tuple[str, ...], set[str]] = defaultdict(set)
    blocked: dict[tuple[str, ...], set[str]] = defaultdict(set)
    gate_cells: set[tuple[str, ...]] = set()
    origin_eligible: dict[tuple[str, ...], set[str]] = defaultdict(set)
    slots: dict[tuple[str, ...], int] = defaultdict(int)
    filled: dict[tuple[str, ...], int] = defaultdict(int)
    placed: dict[tuple[str, ...], int] = defaultdict(int)
    province = {w.id: published_province(w.province) for w in workers}
    for j, order in enumerate(orders):
        country = order.vacancy.country
        cells = [(s, country, quarter_of(order.day)) for s in job_skills(order)]
        for cell in cells:
            slots[cell] += order.vacancy.slots
        for worker in run.workers:
            result = run.scorer.evaluate(worker, order)
            for gap in result.gaps:
                gate_cells.add((gap.kind, gap.requirement, country))
            if result.eligible:
                for cell in cells:
                    eligible[cell].add(worker.id)
                origin_eligible[(province[worker.id], country)].add(worker.id)
            elif len(result.gaps) == 1:
                gap = result.gaps[0]
                blocked[(gap.kind, gap.requirement, country)].add(worker.id)
                for cell in cells:
                    one_gap[cell].add(worker.id)
            if placed_in[worker.id] == j:
                for cell in cells:
                    filled[cell] += 1
                placed[(province[worker.id], country)] += 1
    supply = {
        cell: {
            "slots_demanded": slots[cell],
            "eligible_workers": len(eligible[cell]),
            "one_gap_workers": len(one_gap[cell] - eligible[cell]),
            "filled_slots": filled[cell],
        }
        for cell in slots
    }
    gaps = {cell: {"blocked_workers": len(blocked[cell])} for cell in gate_cells}
    countries = sorted({o.vacancy.country for o in orders})
    origin = {
        (p, c): {
            "eligible_workers": len(origin_eligible[(p, c)]),
            "placed_workers": placed[(p, c)],
        }
        for p in set(province.values())
        for c in countries
    }
    refusals: dict[tuple[str, ...], dict[str, int]] = {}
    for v in run.vacancies:
        for kind in {n.kind for n in v.refusals}:
            cell = (kind, v.vacancy.country)
            refusals.setdefault(cell, {"job_orders": 0})["job_orders"] += 1
    return {"supply_demand": supply, "gaps": gaps, "origin": origin, "refusals": refusals}


@pytest.mark.parametrize("name", ["supply_demand", "gaps", "origin", "refusals"])
def test_tables_equal_a_pair_by_pair_count(name: str) -> None:
    run, passed = _run()
    tables = engine_tables(run, _records()[0], passed)
    assert _as_dict(tables[name]) == _oracle()[name]


def test_one_gap_pairs_agree_with_the_rounds_gap_tally() -> None:
    run, passed = _run()
    payload = PoolPayload(passed.pool, run.params)
    scorer = payload.pool_scorer()
    gaps = passed.one_gaps
    for j, order in enumerate(passed.orders):
        job_gaps = GapTally(np.zeros(0, np.int64)).add(scorer.score_vacancy(order))
        mine = gaps.job == j
        ours = defaultdict(int)
        for label in gaps.label[mine].tolist():
            ours[gaps.labels[label]] += 1
        theirs = {lb: int(n) for lb, n in zip(job_gaps.labels, job_gaps.only, strict=True) if n}
        assert dict(ours) == theirs
        assert {gaps.labels[i] for i in gaps.job_labels[j]} == {
            lb for lb, n in zip(job_gaps.labels, job_gaps.blocked, strict=True) if n
        }


def test_the_pass_is_the_same_on_two_threads() -> None:
    run, passed = _run()
    other = run_engine_pass(run, runner=ChunkRunner(n_jobs=2))
    ours = engine_tables(run, _records()[0], passed)
    theirs = engine_tables(run, _records()[0], other)
    for name, table in ours.items():
        assert _as_dict(table) == _as_dict(theirs[name]), name


def test_languages_count_best_results_and_required_minima() -> None:
    run, passed = _run()
    table = engine_tables(run, _records()[0], passed)["languages"]
    got = _as_dict(table)
    orders = [v for v in run.vacancies if not v.refused]
    slots: dict[tuple[str, ...], int] = defaultdict(int)
    for order in orders:
        seen = set()
        for gate in order.languages:
            if gate.required:
                seen.update((t, level_text(m)) for t, m in gate.tests)
                if gate.language is not None and gate.min_cefr is not None:
                    seen.add((f"CEFR ({gate.language})", gate.min_cefr))
        for test, level in seen:
            slots[(test, level, order.vacancy.country)] += order.vacancy.slots
    for cell, n in slots.items():
        assert got[cell]["slots_requiring"] == n
    # A worker counts once per test and destination: at her best result.
    for (test, _level, country), row in got.items():
        if row["workers_holding"]:
            assert (test, country) in {(t, c) for (t, _, c) in slots}


def test_level_text_bands_scores() -> None:
    assert level_text("N4") == "N4"
    assert level_text(143) == "140-149"
    assert level_text(5.5) == "5.5"
    assert quarter_of(dt.date(2026, 4, 1)) == "2026Q2"


def test_bad_requests_are_clear_errors() -> None:
    with pytest.raises(InsightsError, match="unknown table 'supply'"):
        check_tables(["supply"], returnees=False)
    with pytest.raises(InsightsError, match="needs --returnees"):
        check_tables(["reintegration"], returnees=False)
    with pytest.raises(InsightsError, match="needs --courses"):
        check_tables(["courses"], returnees=False)
    assert "courses" in check_tables([], returnees=False, courses=True)
    with pytest.raises(InsightsError, match="at least 3"):
        check_min_cell(2)
    assert check_tables([], returnees=True)[-1] == "reintegration"


def test_earliest_record_names_the_record() -> None:
    workers, vacancies, _ = _records()
    found = earliest_record(workers, vacancies)
    assert found is not None
    day, which = found
    assert which.startswith(("worker ", "job order "))
    assert day <= AS_OF


def test_reintegration_table_counts_returnees_and_slots() -> None:
    run, _ = _run()
    returnees = read_records(SAMPLE / "returnees.jsonl", "returnees").records
    opportunities: list[Opportunity] = read_records(
        SAMPLE / "opportunities.jsonl", "opportunities"
    ).records
    (table,) = build_tables(
        run,
        _records()[0],
        tables=["reintegration"],
        returnees=Returnees(returnees, opportunities),
        min_cell=3,
    )
    rows = _as_dict(table.table)
    provinces = {r.home.official_province.name for r in returnees if r.home is not None}
    assert {p for p, _ in rows} >= provinces
    assert sum(r["opportunity_slots"] for r in rows.values()) > 0
    # Every returnee counts at least once (in some skill of her province).
    assert max(r["returnees"] for r in rows.values()) <= len(returnees)


def test_distinct_workers_in_blocks_of_cells() -> None:
    rng = np.random.default_rng(5)
    cell, worker = rng.integers(0, 7, 500), rng.integers(0, 40, 500)
    minus = (rng.integers(0, 7, 100), rng.integers(0, 40, 100))
    removed = set(zip(*(m.tolist() for m in minus), strict=True))
    pairs = set(zip(cell.tolist(), worker.tolist(), strict=True)) - removed
    expected = [sum(1 for c, _ in pairs if c == k) for k in range(7)]
    for budget in (40, 80, 10_000):  # one cell a block, two, every cell in one
        got = distinct_workers(cell, worker, 7, 40, minus=minus, memory_budget=budget)
        assert got.tolist() == expected


def test_earliest_record_stops_at_a_record_on_or_before_the_date() -> None:
    workers, vacancies, _ = _records()
    found = earliest_record(workers, vacancies)
    assert found is not None
    assert earliest_record(workers, vacancies, after=found[0]) is None
    before = found[0] - dt.timedelta(days=1)
    assert earliest_record(workers, vacancies, after=before) == found


def _worker(wid: str, **fields: object) -> Worker:
    base: dict[str, object] = {
        "id": wid,
        "agency_id": "AG1",
        "birth_date": "1995-01-01",
        "skills": [{"name": "welding", "months": 36, "level": 3}],
        "health": {"fit_to_work": True, "colour_vision_normal": True, "checked": "2026-01-01"},
        "documents": {"passport_expires": "2032-01-01"},
    }
    return Worker.model_validate({**base, **fields})


def _small_tables(workers: list[Worker]) -> dict[str, PolicyTable]:
    order = Vacancy.model_validate(
        {
            "id": "JO-1", "agency_id": "AG1", "employer": {"name": "E", "type": "company"},
            "country": "CZ", "programme": "OTHER", "title": "Welder", "slots": 3,
            "start_date": "2026-08-15", "contract_months": 24,
            "wage": {"amount": 60000, "currency": "CZK", "per": "month"},
            "requirements": {
                "skills": [{"name": "welding"}],
                "languages": [{"language": "en", "min_cefr": "B1"}],
            },
        }
    )  # fmt: skip
    agency = Agency.model_validate(
        {"id": "AG1", "name": "PT A", "licence": "X", "status": "active",
         "valid_from": "2020-01-01", "valid_until": "2030-01-01"}
    )  # fmt: skip
    run = prepare_run(workers, [order], [agency], AS_OF)
    return engine_tables(run, workers, run_engine_pass(run))


def test_a_cefr_minimum_counts_holders_of_any_test_of_its_language() -> None:
    # FORMAT: a min_cefr requirement "accepts any test that maps to that CEFR level".
    toeic = {"test": "TOEIC", "date": "2025-06-01"}
    workers = [
        _worker("W-1", languages=[{**toeic, "result": 600}]),
        _worker("W-2", languages=[{**toeic, "result": 600}, {**toeic, "result": 400}]),
        _worker("W-3", languages=[{"test": "IELTS", "result": 5.0, "date": "2025-06-01"}]),
        _worker("W-4", languages=[{**toeic, "result": 600, "date": "2026-06-01"}]),  # later
        _worker("W-5", languages=[{**toeic, "result": 600}], preferences={"countries": ["JP"]}),
        _worker("W-6", languages=[{"test": "JLPT", "result": "N3"}]),
    ]
    got = _as_dict(_small_tables(workers)["languages"])
    b1 = ("CEFR (en)", "B1", "CZ")
    assert got[b1] == {"workers_holding": 3, "slots_requiring": 3}  # W-1, W-2, W-3
    assert not [cell for cell in got if cell[0] == "JLPT"]  # not a test CZ asks for


def test_a_province_is_published_by_its_official_name_or_as_unknown() -> None:
    # A province field holding a name and NIK, a variant, and an official name.
    workers = [
        _worker("W-1", province="Siti Rahmawati 3273014509950002"),
        _worker("W-2", province="Jateng"),
        _worker("W-3", province="Jawa Tengah"),
        _worker("W-4"),
    ]
    origin = _as_dict(_small_tables(workers)["origin"])
    assert sorted(p for p, _ in origin) == ["Jawa Tengah", "unknown"]
