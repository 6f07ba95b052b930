"""Agency A tries every endpoint on agency B's records and learns nothing.

A record of B answers A exactly as a missing record does: the same status and the same
body as for an id that exists nowhere. Lists and rankings draw on A's own records only.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.worker import Worker
from tests.api.conftest import AGENCY_A, AGENCY_B, AS_OF, Api, PoolData, jsonl

MISSING = "NO-SUCH-ID"


def _only_b(data: PoolData, kind: str) -> dict[str, Any]:
    """A record of B whose id A does not use."""
    ids_of_a = {r["id"] for r in data.of(kind, AGENCY_A)}
    return next(r for r in data.of(kind, AGENCY_B) if r["id"] not in ids_of_a)


def _same_as_missing(api: Api, method: str, template: str, record_id: str, **kwargs: Any) -> None:
    """Assert that ``record_id`` of B answers A as a missing id does."""
    headers = api.keys["a"]
    theirs = api.client.request(method, template.format(id=record_id), headers=headers, **kwargs)
    missing = api.client.request(method, template.format(id=MISSING), headers=headers, **kwargs)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == {"detail": missing.json()["detail"].replace(MISSING, record_id)}
    assert set(theirs.headers) == set(missing.headers)


@pytest.mark.parametrize(
    ("method", "template", "kind"),
    [
        ("GET", "/workers/{id}", "workers"),
        ("DELETE", "/workers/{id}", "workers"),
        ("GET", "/workers/{id}/job-orders", "workers"),
        ("GET", "/job-orders/{id}", "vacancies"),
        ("DELETE", "/job-orders/{id}", "vacancies"),
        ("GET", "/job-orders/{id}/candidates", "vacancies"),
        ("GET", "/job-orders/{id}/candidates?include_ineligible=true&k=500", "vacancies"),
    ],
)
def test_b_records_answer_like_missing_ones(
    shared_api: Api, pool_data: PoolData, method: str, template: str, kind: str
) -> None:
    record = _only_b(pool_data, kind)
    _same_as_missing(shared_api, method, template, record["id"])
    # Naming B explicitly changes nothing.
    separator = "&" if "?" in template else "?"
    _same_as_missing(
        shared_api, method, template + f"{separator}agency_id={AGENCY_B}", record["id"]
    )


def test_explanations_of_b_records_answer_like_missing_ones(
    shared_api: Api, pool_data: PoolData
) -> None:
    worker_a = pool_data.of("workers", AGENCY_A)[1]
    vacancy_a = pool_data.of("vacancies", AGENCY_A)[1]
    worker_b = _only_b(pool_data, "workers")
    vacancy_b = _only_b(pool_data, "vacancies")
    path = "/job-orders/{id}/candidates/" + worker_a["id"] + "/explanation"
    _same_as_missing(shared_api, "GET", path, vacancy_b["id"])
    path = f"/job-orders/{vacancy_a['id']}/candidates/{{id}}/explanation"
    _same_as_missing(shared_api, "GET", path, worker_b["id"])
    _same_as_missing(shared_api, "GET", path + f"?worker_agency_id={AGENCY_B}", worker_a["id"])


def test_lists_show_only_own_records(shared_api: Api) -> None:
    get, headers = shared_api.client.get, shared_api.keys["a"]
    for path in ("/workers", "/job-orders"):
        items = get(f"{path}?limit=500", headers=headers).json()["items"]
        assert items
        assert {r["agency_id"] for r in items} == {AGENCY_A}
        assert get(f"{path}?agency_id={AGENCY_B}", headers=headers).json() == {
            "items": [],
            "next_cursor": None,
        }
    refusals = get(f"/refusals?as_of={AS_OF}", headers=headers).json()["refusals"]
    assert {r["agency_id"] for r in refusals} <= {AGENCY_A}
    other = get(f"/refusals?as_of={AS_OF}&agency_id={AGENCY_B}", headers=headers).json()
    assert other["refusals"] == []


def test_rankings_draw_only_on_own_records(shared_api: Api, pool_data: PoolData) -> None:
    get, headers = shared_api.client.get, shared_api.keys["a"]
    for vacancy in pool_data.of("vacancies", AGENCY_A):
        found = get(
            f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=500&include_ineligible=true",
            headers=headers,
        ).json()
        assert {r["worker_agency_id"] for r in found["results"]} <= {AGENCY_A}
    for worker in pool_data.of("workers", AGENCY_A)[:20]:
        found = get(f"/workers/{worker['id']}/job-orders?as_of={AS_OF}&k=500", headers=headers)
        assert {r["vacancy_agency_id"] for r in found.json()["results"]} <= {AGENCY_A}
    draft = {**_only_b(pool_data, "vacancies"), "agency_id": AGENCY_A, "id": "DRAFT"}
    body = {"job_order": draft, "k": 500, "as_of": AS_OF, "include_ineligible": True}
    found = shared_api.client.post("/match", json=body, headers=headers).json()
    assert {r["worker_agency_id"] for r in found["results"]} <= {AGENCY_A}


def test_a_cannot_write_b_records(api: Api, pool_data: PoolData) -> None:
    headers = api.keys["a"]
    worker_b = _only_b(pool_data, "workers")
    vacancy_b = _only_b(pool_data, "vacancies")
    assert api.client.post("/workers", json=worker_b, headers=headers).status_code == 403
    put = api.client.put(f"/workers/{worker_b['id']}", json=worker_b, headers=headers)
    assert put.status_code == 403
    put = api.client.put(f"/job-orders/{vacancy_b['id']}", json=vacancy_b, headers=headers)
    assert put.status_code == 403
    body = {"job_order": vacancy_b, "as_of": AS_OF}
    assert api.client.post("/match", json=body, headers=headers).status_code == 403
    upload = api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", jsonl([worker_b]))}, headers=headers
    )
    assert upload.status_code == 422
    assert upload.json()["errors"][0]["field"] == "agency_id"
    # A's own record with the same id is A's: B's stays as it was.
    mine = {**worker_b, "agency_id": AGENCY_A, "full_name": "Mine"}
    assert api.client.put(f"/workers/{worker_b['id']}", json=mine, headers=headers).status_code == (
        201
    )
    theirs = api.client.get(f"/workers/{worker_b['id']}", headers=api.keys["b"]).json()
    assert theirs == Worker.model_validate(worker_b).model_dump(mode="json", exclude_none=True)


def test_twin_ids_resolve_to_the_callers_record(shared_api: Api, pool_data: PoolData) -> None:
    twin = pool_data.of("workers", AGENCY_B)[-1]
    for key, agency_id in (("a", AGENCY_A), ("b", AGENCY_B)):
        headers = shared_api.keys[key]
        record = shared_api.client.get(f"/workers/{twin['id']}", headers=headers).json()
        assert record["agency_id"] == agency_id
        ranked = shared_api.client.get(
            f"/workers/{twin['id']}/job-orders?as_of={AS_OF}", headers=headers
        ).json()
        assert ranked["agency_id"] == agency_id


def test_agency_keys_cannot_manage_or_audit(shared_api: Api) -> None:
    headers = shared_api.keys["a"]
    for method, path in (
        ("GET", f"/agencies/{AGENCY_B}"),
        ("PATCH", f"/agencies/{AGENCY_B}/licence"),
        ("GET", "/keys"),
        ("DELETE", "/keys/admin"),
        ("GET", "/audit"),
    ):
        response = shared_api.client.request(method, path, headers=headers, json={})
        assert response.status_code == 403, (method, path)
