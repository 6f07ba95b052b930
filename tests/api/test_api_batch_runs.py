"""``/batch-runs``: rounds in the background, their status, cancel, results and report."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from tests.api.conftest import AS_OF, Api, PoolData


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
