"""``/batch-runs``: rounds in the background, their status, cancel, results and report."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

import api.batch_runs as batch_runs
import matcher.allocation.round as allocation_round
from api.batch_runs import (
    MAX_N_JOBS,
    MAX_OPEN_RUNS_PER_KEY,
    STAGE_BANDS,
    CancelledError,
    RunProgress,
)
from api.storage.database import read_session
from api.storage.tables import BatchRunRow
from matcher.allocation.chunks import MIN_CHUNKS, Chunk, PoolPayload, ScoredPairs, score_pairs
from matcher.allocation.runner import ChunkRunner
from tests.api.conftest import (
    AS_OF,
    Api,
    PoolData,
    _read,
    bundled_pool_api,
    record_progress_writes,
)
from tests.conftest import RunCli
from tests.paths import POOL


def _wait(api: Api, run_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = api.client.get(f"/batch-runs/{run_id}", headers=api.officer).json()
        if status["status"] in ("done", "failed", "cancelled") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def test_a_round_runs_in_the_background_and_serves_its_results(
    api: Api, pool_data: PoolData
) -> None:
    started = api.client.post(
        "/batch-runs", json={"as_of": AS_OF, "method": "stable"}, headers=api.officer
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    # Other requests are served meanwhile.
    assert api.client.get("/health").status_code == 200
    status = _wait(api, run_id)
    assert status["status"] == "done", status
    assert status["progress"] == 1.0
    assert status["params"] == {
        "as_of": AS_OF, "method": "stable", "shortlist_per_slot": None, "gap_scope": "open",
        "n_jobs": 1,
    }  # fmt: skip
    response = api.client.get(f"/batch-runs/{run_id}/results", headers=api.officer)
    assert response.status_code == 200
    records = [json.loads(line) for line in response.text.splitlines()]
    placed = [r for r in records if r.get("status") == "placed"]
    assert placed, "the sample pool places someone"
    people = Counter((r["worker_agency_id"], r["worker_id"]) for r in placed)
    assert max(people.values()) == 1
    slots = {(v["agency_id"], v["id"]): v["slots"] for v in pool_data.vacancies}
    filled = Counter((r["vacancy_agency_id"], r["vacancy_id"]) for r in placed)
    assert all(n <= slots[job] for job, n in filled.items())
    assert "\x1f" not in response.text
    assert status["summary"]["placed"] == len(placed)
    unplaced = [r for r in records if r.get("status") == "unplaced"]
    assert len(placed) + len(unplaced) == len(pool_data.workers)
    assert all(r["reasons"] for r in unplaced)
    report = api.client.get(f"/batch-runs/{run_id}/report", headers=api.keys["auditor"])
    assert report.status_code == 200
    assert "fairness" in report.json()
    page = api.client.get(f"/batch-runs/{run_id}/report.html", headers=api.officer)
    assert page.status_code == 200
    assert "<svg" in page.text
    actions = [e["action"] for e in api.client.get("/audit?limit=500", headers=api.officer)
               .json()["items"]]  # fmt: skip
    assert "batch_run.create" in actions
    assert "batch_run.results" in actions
    listed = api.client.get("/batch-runs", headers=api.officer).json()
    assert run_id in [r["id"] for r in listed]


def test_cancel_a_queued_run_and_access_rules(api: Api) -> None:
    first = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer).json()
    second = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer).json()
    cancelled = api.client.post(f"/batch-runs/{second['id']}/cancel", headers=api.officer)
    assert cancelled.status_code == 200
    assert _wait(api, second["id"])["status"] == "cancelled"
    assert (
        api.client.get(f"/batch-runs/{second['id']}/results", headers=api.officer).status_code
        == 409
    )
    assert _wait(api, first["id"])["status"] == "done"
    # Agencies cannot start or read rounds; auditors read reports, never results.
    assert api.client.post("/batch-runs", json={}, headers=api.keys["a"]).status_code == 403
    assert api.client.get(f"/batch-runs/{first['id']}", headers=api.keys["a"]).status_code == 403
    results = f"/batch-runs/{first['id']}/results"
    assert api.client.get(results, headers=api.keys["auditor"]).status_code == 403
    assert api.client.get("/batch-runs/run_nope", headers=api.officer).status_code == 404


def test_bad_requests_are_422(api: Api) -> None:
    for body in ({"method": "fastest"}, {"shortlist_per_slot": 0}, {"as_of": "yesterday"},
                 {"colour": "red"}):  # fmt: skip
        assert api.client.post("/batch-runs", json=body, headers=api.officer).status_code == 422


def test_progress_moves_through_the_stages_and_never_goes_back(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = record_progress_writes(monkeypatch)
    run = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer).json()
    status = _wait(api, run["id"])
    assert status["status"] == "done", status
    assert (status["stage"], status["progress"]) == ("done", 1.0)
    stages = [stage for stage, _ in written]
    # Each stage is written when it starts, in order; advances may add more writes.
    assert list(dict.fromkeys(stages)) == ["loading", "scoring", "allocating", "gap pass",
                                           "report"]  # fmt: skip
    fractions = [fraction for _, fraction in written]
    assert fractions == sorted(fractions)
    for stage, fraction in written:
        low, high = STAGE_BANDS[stage]
        assert low <= fraction <= high, (stage, fraction)


def test_the_stage_bands_fill_the_bar_in_order() -> None:
    assert list(STAGE_BANDS) == ["loading", *allocation_round.STAGES, "report"]
    bands = list(STAGE_BANDS.values())
    assert bands[0][0] == 0.0
    assert bands[-1][1] == 1.0
    assert all(low < high for low, high in bands)
    assert all(before[1] == after[0] for before, after in pairwise(bands))


def test_run_progress_maps_stages_onto_the_bar_and_throttles_writes() -> None:
    written: list[tuple[str, float]] = []
    now = [0.0]
    progress = RunProgress(
        lambda stage, fraction: written.append((stage, fraction)),
        lambda: False,
        min_interval=0.25,
        clock=lambda: now[0],
    )
    progress.start("scoring", 10)
    progress.advance(5)  # too soon after the stage's first write
    now[0] = 0.3
    progress.advance(3)
    progress.advance(2)  # too soon again
    assert progress.fraction == pytest.approx(0.6)
    progress.start("allocating", 0)  # nothing to do: done at once
    progress.start("gap pass", 4)
    now[0] = 1.0
    progress.advance(2)
    now[0] = 2.0
    progress.advance(5)  # more than the stage said: the bar stops at the band's end
    assert written == [
        ("scoring", 0.05),
        ("scoring", pytest.approx(0.05 + 0.55 * 0.8)),
        ("allocating", 0.7),  # every write is a stage start or 0.25 s after the last
        ("gap pass", 0.7),
        ("gap pass", pytest.approx(0.8)),
        ("gap pass", pytest.approx(0.9)),
    ]


def test_run_progress_raises_once_cancelled() -> None:
    cancelled = threading.Event()
    progress = RunProgress(lambda stage, fraction: None, cancelled.is_set)
    progress.start("scoring", 2)
    progress.advance(1)
    cancelled.set()
    with pytest.raises(CancelledError):
        progress.advance(1)
    with pytest.raises(CancelledError):
        progress.start("report", 1)


def test_cancel_stops_a_run_while_scoring_and_keeps_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = record_progress_writes(monkeypatch)
    scoring = threading.Event()
    release = threading.Event()
    scored: list[int] = []

    def held_first_chunk(payload: PoolPayload, chunk: Chunk) -> ScoredPairs:
        scored.append(chunk.index)
        scoring.set()
        release.wait(timeout=60)
        return score_pairs(payload, chunk)

    monkeypatch.setattr(allocation_round, "score_pairs", held_first_chunk)
    run = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer).json()
    try:
        assert scoring.wait(timeout=60), "the run never started scoring"
        live = api.client.get(f"/batch-runs/{run['id']}", headers=api.officer).json()
        assert (live["status"], live["stage"]) == ("running", "scoring")
        assert STAGE_BANDS["scoring"][0] <= live["progress"] < STAGE_BANDS["scoring"][1]
        cancel = api.client.post(f"/batch-runs/{run['id']}/cancel", headers=api.officer)
        assert cancel.status_code == 200
    finally:
        release.set()
    status = _wait(api, run["id"])
    assert (status["status"], status["stage"], status["summary"]) == (
        "cancelled",
        "cancelled",
        None,
    )
    # It stopped inside scoring: the sample's job orders make at least MIN_CHUNKS chunks.
    assert len(scored) < MIN_CHUNKS
    assert "allocating" not in [stage for stage, _ in written]
    for part in ("results", "report", "report.html"):
        answer = api.client.get(f"/batch-runs/{run['id']}/{part}", headers=api.officer)
        assert answer.status_code == 409
    server = api.client.app.state.server  # type: ignore[attr-defined]
    with read_session(server.engine) as session:
        kept = session.execute(
            select(BatchRunRow.records, BatchRunRow.report).where(BatchRunRow.id == run["id"])
        ).one()
    assert tuple(kept) == (None, None)


def test_status_and_lists_do_not_read_a_runs_output(api: Api) -> None:
    run = api.client.post(
        "/batch-runs", json={"as_of": AS_OF, "method": "stable"}, headers=api.officer
    ).json()
    assert _wait(api, run["id"])["status"] == "done"
    server = api.client.app.state.server  # type: ignore[attr-defined]
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])  # (connection, cursor, statement, ...)

    def reads_output() -> bool:
        found = any(re.search(r"batch_runs\.records\b", s) for s in statements)
        statements.clear()
        return found

    event.listen(server.engine, "before_cursor_execute", seen)
    try:
        for path in (f"/batch-runs/{run['id']}", "/batch-runs", "/training-plans"):
            assert api.client.get(path, headers=api.officer).status_code == 200
            assert not reads_output(), path
        results = api.client.get(f"/batch-runs/{run['id']}/results", headers=api.officer)
        assert results.status_code == 200
        assert results.text
        assert reads_output()
    finally:
        event.remove(server.engine, "before_cursor_execute", seen)


def test_one_key_may_have_only_so_many_runs_open(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    scoring = threading.Event()
    release = threading.Event()

    def held(payload: PoolPayload, chunk: Chunk) -> ScoredPairs:
        scoring.set()
        release.wait(timeout=60)
        return score_pairs(payload, chunk)

    monkeypatch.setattr(allocation_round, "score_pairs", held)
    runs: list[str] = []
    try:
        for _ in range(MAX_OPEN_RUNS_PER_KEY):
            started = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer)
            assert started.status_code == 202, started.text
            runs.append(started.json()["id"])
        assert scoring.wait(timeout=60), "the first run never started"
        refused = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "60"
        assert f"at most {MAX_OPEN_RUNS_PER_KEY}" in refused.json()["detail"]
        # The limit is the key's, not the server's: another officer key is still served ...
        second_officer = api.key("officer")
        other = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=second_officer)
        assert other.status_code == 202, other.text
        runs.append(other.json()["id"])
        # ... and a cancelled run frees a place at once.
        cancelled = api.client.post(f"/batch-runs/{runs[-2]}/cancel", headers=api.officer)
        assert cancelled.status_code == 200
        assert _wait(api, runs[-2])["status"] == "cancelled"
        again = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer)
        assert again.status_code == 202, again.text
        runs.append(again.json()["id"])
    finally:
        for run_id in runs:  # the first officer may cancel every run, the other key's too
            api.client.post(f"/batch-runs/{run_id}/cancel", headers=api.officer)
        release.set()
    for run_id in runs:
        assert _wait(api, run_id)["status"] in ("cancelled", "done")


def _records_of(api: Api, body: dict[str, Any]) -> str:
    run = api.client.post("/batch-runs", json=body, headers=api.officer).json()
    status = _wait(api, run["id"])
    assert status["status"] == "done", status
    assert status["params"]["n_jobs"] == body.get("n_jobs", 1)
    response = api.client.get(f"/batch-runs/{run['id']}/results", headers=api.officer)
    assert response.status_code == 200
    return response.text


@pytest.mark.skipif(MAX_N_JOBS < 2, reason="a one-core server refuses n_jobs=2")
def test_the_records_are_the_same_for_every_n_jobs(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int | None] = []

    class RecordingRunner(ChunkRunner):
        def __init__(self, *, n_jobs: int | None = None) -> None:
            threads.append(n_jobs)
            super().__init__(n_jobs=n_jobs)

    monkeypatch.setattr(batch_runs, "ChunkRunner", RecordingRunner)
    # gap_scope "all": the gap pass covers every open job order, in many chunks too.
    one = _records_of(api, {"as_of": AS_OF, "gap_scope": "all"})
    two = _records_of(api, {"as_of": AS_OF, "gap_scope": "all", "n_jobs": 2})
    assert threads == [1, 2]
    assert one
    assert one == two


@pytest.mark.parametrize("n_jobs", [0, -1, MAX_N_JOBS + 1, 1.5, "2", True, None])
def test_a_bad_n_jobs_is_422_naming_the_field(api: Api, n_jobs: Any) -> None:
    response = api.client.post(
        "/batch-runs", json={"as_of": AS_OF, "n_jobs": n_jobs}, headers=api.officer
    )
    assert response.status_code == 422, response.text
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "n_jobs"]]


@pytest.fixture(scope="module")
def sample_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A server holding the whole bundled pool, every agency's records as in the files."""
    with bundled_pool_api(tmp_path_factory.mktemp("sample")) as api:
        yield api


@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_a_round_gives_the_records_of_selaras_allocate(
    sample_api: Api, run_cli: RunCli, tmp_path: Path, method: str
) -> None:
    # The bundled pool's ids are unique across agencies, so the API's records are the
    # command's, but for the agency fields and the ``agency/id`` names in reason texts.
    out = tmp_path / "round.jsonl"
    done = run_cli(
        "allocate", "--workers", POOL / "workers.jsonl", "--vacancies", POOL / "vacancies.jsonl",
        "--agencies", POOL / "agencies.jsonl", "--as-of", AS_OF, "--method", method,
        "--out", out,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    expected = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    agencies = {a["id"] for a in _read("agencies.jsonl")}
    named = re.compile("|".join(re.escape(f"{a}/") for a in sorted(agencies)))
    text = _records_of(sample_api, {"as_of": AS_OF, "method": method})
    found = []
    for line in named.sub("", text).splitlines():
        record = json.loads(line)
        assert record.pop("vacancy_agency_id", None) in agencies | {None}
        assert record.pop("worker_agency_id", None) in agencies | {None}
        found.append(record)
    assert sum(r.get("status") == "placed" for r in found) > 50
    assert found == expected
