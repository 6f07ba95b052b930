"""``GET /insights/{table}``: the policy tables of the stored pool, by role, cached."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import api.reports.insights as service
from matcher.allocation.round import round_key
from matcher.insights.build import build_tables
from matcher.insights.courses_table import CourseCatalogue
from matcher.scoring.matching import prepare_run
from models.agency import Agency
from models.course import Course
from models.vacancy import Vacancy
from models.worker import Worker
from tests.api.conftest import AGENCY_A, AS_OF, Api, PoolData, jsonl
from tests.paths import SAMPLE


def _expected(
    data: PoolData,
    table: str,
    agency_id: str | None,
    *,
    min_cell: int = 10,
    courses: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The table ``selaras insights`` computes from the same records (ids keyed by agency;
    ``courses``: with that catalogue, in id order as the store keeps it)."""

    def keyed(record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "id": round_key(record["agency_id"], record["id"])}

    def mine(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [keyed(r) for r in records if agency_id in (None, r["agency_id"])]

    workers = [
        Worker.model_validate({**w, "id": "W-0"}).model_copy(update={"id": w["id"]})
        for w in mine(data.workers)
    ]
    orders = [
        Vacancy.model_validate({**v, "id": "JO-0"}).model_copy(update={"id": v["id"]})
        for v in mine(data.vacancies)
    ]
    agencies = [Agency.model_validate(a) for a in data.agencies]
    run = prepare_run(workers, orders, agencies, dt.date.fromisoformat(AS_OF))
    catalogue = None
    if courses is not None:
        records = [Course.model_validate(c) for c in sorted(courses, key=lambda c: c["id"])]
        catalogue = CourseCatalogue(records, range(1, len(records) + 1), "catalogue")
    built = build_tables(run, workers, courses=catalogue, min_cell=min_cell)
    (found,) = [t for t in built if t.schema.name == table]
    return json.loads(json.dumps(list(found.rows())))


def _get(api: Api, path: str, role: str) -> Any:
    response = api.client.get(path, headers=api.keys[role])
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("table", ["supply_demand", "origin", "gaps"])
def test_officers_and_auditors_read_the_protected_tables(
    shared_api: Api, pool_data: PoolData, table: str
) -> None:
    expected = _expected(pool_data, table, None)
    for role in ("officer", "auditor"):
        answer = _get(shared_api, f"/insights/{table}?as_of={AS_OF}", role)
        assert answer["suppressed"] is True
        assert answer["scope"] == "store"
        assert answer["rows"] == expected
        assert answer["columns"][0] == "as_of"
        assert answer["columns"][-1] == "suppressed"
        assert "taxonomy" in answer["versions"]
    assert any(row["suppressed"] for row in expected)  # the check above means something


def test_agencies_read_their_own_pool_only(shared_api: Api, pool_data: PoolData) -> None:
    answer = _get(shared_api, f"/insights/supply_demand?as_of={AS_OF}&min_cell=3", "a")
    assert answer["scope"] == f"agency {AGENCY_A}"
    assert answer["rows"] == _expected(pool_data, "supply_demand", AGENCY_A, min_cell=3)
    assert answer["rows"] != _expected(pool_data, "supply_demand", None, min_cell=3)


def test_true_counts_are_for_officers_only(shared_api: Api) -> None:
    path = f"/insights/origin?as_of={AS_OF}&suppressed=false"
    for role in ("auditor", "a"):
        response = shared_api.client.get(path, headers=shared_api.keys[role])
        assert response.status_code == 403, role
        assert "officer key" in response.json()["detail"]
    answer = _get(shared_api, path, "officer")
    assert answer["suppressed"] is False
    assert all(row["suppressed"] == [] for row in answer["rows"])
    assert all(row["eligible_workers"] is not None for row in answer["rows"])


def test_bad_requests(shared_api: Api) -> None:
    client, officer = shared_api.client, shared_api.officer
    unknown = client.get("/insights/supply", headers=officer)
    assert unknown.status_code == 404
    assert "supply_demand" in unknown.json()["detail"]
    assert unknown.json()["detail"].endswith(", courses")  # the route serves it too
    no_courses = client.get("/insights/courses", headers=officer)
    assert no_courses.status_code == 404
    assert "POST /courses/bulk" in no_courses.json()["detail"]
    assert client.get("/insights/reintegration", headers=officer).status_code == 404
    assert client.get("/insights/origin?min_cell=2", headers=officer).status_code == 422
    assert client.get("/insights/origin").status_code == 401


def test_answers_hold_no_personal_data(shared_api: Api, pool_data: PoolData) -> None:
    text = json.dumps(
        [_get(shared_api, f"/insights/{t}?as_of={AS_OF}&min_cell=3", "auditor") for t in (
            "supply_demand", "gaps", "languages", "origin", "refusals")]
    )  # fmt: skip
    for worker in pool_data.workers:
        assert worker["id"] not in text
        assert worker.get("nik") is None or worker["nik"] not in text
        assert worker.get("full_name") is None or worker["full_name"] not in text
        assert worker["birth_date"] not in text


def test_tables_are_cached_until_the_pool_changes(
    api: Api, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = service.build_tables

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "build_tables", counted)
    path = f"/insights/origin?as_of={AS_OF}"
    first = _get(api, path, "officer")
    assert _get(api, path, "auditor") == first
    _get(api, f"/insights/gaps?as_of={AS_OF}", "officer")  # the same pass gave every table
    assert len(calls) == 1
    worker = {**pool_data.workers[1], "id": "W-9999999"}
    api.upload("workers", [worker], api.officer)
    _get(api, path, "officer")
    assert len(calls) == 2
    _get(api, f"/insights/origin?as_of={AS_OF}&min_cell=5", "officer")
    assert len(calls) == 3


def _sample_courses() -> list[dict[str, Any]]:
    lines = (SAMPLE / "courses.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_courses_table_plans_on_the_stored_catalogue(api: Api, pool_data: PoolData) -> None:
    courses = _sample_courses()
    upload = api.client.post(
        "/courses/bulk", files={"file": ("courses.jsonl", jsonl(courses))}, headers=api.officer
    )
    assert upload.status_code == 200, upload.text
    path = f"/insights/courses?as_of={AS_OF}&min_cell=3"
    expected = _expected(pool_data, "courses", None, min_cell=3, courses=courses)
    assert expected  # cohorts open on AS_OF: the comparison below means something
    for role in ("officer", "auditor"):
        assert _get(api, path, role)["rows"] == expected
    mine = _get(api, path, "a")
    assert mine["scope"] == f"agency {AGENCY_A}"
    assert mine["rows"] == _expected(pool_data, "courses", AGENCY_A, min_cell=3, courses=courses)
    # A changed catalogue is a new question: the kept answer is not reused.
    changed = json.loads(json.dumps(courses))
    changed[0]["cohorts"][-1]["seats"] += 7
    replaced = api.client.post(
        "/courses/bulk", files={"file": ("c.jsonl", jsonl(changed[:1]))}, headers=api.officer
    )
    assert replaced.status_code == 200, replaced.text
    again = _get(api, path, "officer")["rows"]
    assert again == _expected(pool_data, "courses", None, min_cell=3, courses=changed)
    assert again != expected
