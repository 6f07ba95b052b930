"""Workers and job orders: create, read, replace, delete, list, and bad input."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from tests.api.conftest import AGENCY_A, AGENCY_B, Api, PoolData

KINDS = [("/workers", "workers"), ("/job-orders", "vacancies")]


@pytest.mark.parametrize(("path", "kind"), KINDS)
def test_create_read_replace_delete(
    empty_api: Api, pool_data: PoolData, path: str, kind: str
) -> None:
    client, officer = empty_api.client, empty_api.officer
    client.post("/agencies", json=pool_data.agencies[0], headers=officer)
    record = pool_data.of(kind, AGENCY_A)[0]
    created = client.post(path, json=record, headers=officer)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == record["id"]
    assert client.post(path, json=record, headers=officer).status_code == 409
    read = client.get(f"{path}/{record['id']}", headers=officer)
    assert read.status_code == 200
    assert read.json() == created.json()
    changed = (
        {**record, "id": record["id"], "skills": []}
        if kind == "workers"
        else {
            **record,
            "slots": 1,
        }
    )
    replaced = client.put(f"{path}/{record['id']}", json=changed, headers=officer)
    assert replaced.status_code == 200
    assert client.get(f"{path}/{record['id']}", headers=officer).json() == replaced.json()
    fresh = {**record, "id": "NEW-1"}
    assert client.put(f"{path}/NEW-1", json=fresh, headers=officer).status_code == 201
    assert client.delete(f"{path}/{record['id']}", headers=officer).status_code == 204
    assert client.get(f"{path}/{record['id']}", headers=officer).status_code == 404
    assert client.delete(f"{path}/{record['id']}", headers=officer).status_code == 404
    actions = [e["action"] for e in client.get("/audit", headers=officer).json()["items"]]
    noun = "worker" if kind == "workers" else "job_order"
    assert [a for a in actions if a.startswith(noun)] == [
        f"{noun}.create",
        f"{noun}.replace",
        f"{noun}.create",
        f"{noun}.delete",
    ]


@pytest.mark.parametrize(("path", "kind"), KINDS)
def test_invalid_bodies_are_422_with_field_paths(
    api: Api, pool_data: PoolData, path: str, kind: str
) -> None:
    record = pool_data.of(kind, AGENCY_A)[0]
    bad = {**record, "id": "bad id!", "unknown_field": 1}
    response = api.client.post(path, json=bad, headers=api.officer)
    assert response.status_code == 422
    locations = {tuple(problem["loc"]) for problem in response.json()["detail"]}
    assert ("body", "id") in locations
    assert ("body", "unknown_field") in locations
    not_json = api.client.post(
        path, content=b"{", headers={**api.officer, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    mismatch = api.client.put(f"{path}/OTHER", json=record, headers=api.officer)
    assert mismatch.status_code == 422
    assert mismatch.json()["detail"][0]["loc"] == ["body", "id"]
    unregistered = {**record, "agency_id": "P3MI-9999"}
    response = api.client.post(path, json=unregistered, headers=api.officer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "agency_id"]


def test_worker_dates_and_nested_fields_report_their_path(api: Api, pool_data: PoolData) -> None:
    worker = pool_data.of("workers", AGENCY_A)[0]
    bad = {**worker, "skills": [{"name": "las", "level": 9}], "birth_date": "1990-02-30"}
    response = api.client.post("/workers", json=bad, headers=api.officer)
    locations = {tuple(problem["loc"]) for problem in response.json()["detail"]}
    assert {("body", "skills", 0, "level"), ("body", "birth_date")} <= locations


def test_same_id_in_two_agencies_needs_agency_id_for_officers(
    shared_api: Api, pool_data: PoolData
) -> None:
    twin = pool_data.of("workers", AGENCY_B)[-1]
    client, officer = shared_api.client, shared_api.officer
    ambiguous = client.get(f"/workers/{twin['id']}", headers=officer)
    assert ambiguous.status_code == 409
    assert "agency_id" in ambiguous.json()["detail"]
    chosen = client.get(f"/workers/{twin['id']}?agency_id={AGENCY_B}", headers=officer)
    assert chosen.json()["full_name"] == "Twin of B"
    own = client.get(f"/workers/{twin['id']}", headers=shared_api.keys["b"])
    assert own.json()["full_name"] == "Twin of B"
    theirs = client.get(f"/workers/{twin['id']}", headers=shared_api.keys["a"])
    assert theirs.json()["full_name"] != "Twin of B"


@pytest.mark.parametrize(("path", "kind"), KINDS)
def test_pagination_visits_every_record_once(
    shared_api: Api, pool_data: PoolData, path: str, kind: str
) -> None:
    seen: list[tuple[str, str]] = []
    cursor = None
    while True:
        query = f"{path}?limit=37" + (f"&cursor={cursor}" if cursor else "")
        page = shared_api.client.get(query, headers=shared_api.officer).json()
        seen += [(r["agency_id"], r["id"]) for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    records = getattr(pool_data, kind)
    assert seen == sorted((r["agency_id"], r["id"]) for r in records)


def test_list_filters(shared_api: Api, pool_data: PoolData) -> None:
    get = shared_api.client.get
    officer = shared_api.officer
    smk = get("/workers?education=SMK&limit=500", headers=officer).json()["items"]
    assert smk
    assert {w["education"] for w in smk} == {"SMK"}
    expected = [w for w in pool_data.workers if w.get("education") == "SMK"]
    assert len(smk) == len(expected)
    of_b = get(f"/workers?agency_id={AGENCY_B}&limit=500", headers=officer).json()["items"]
    assert len(of_b) == len(pool_data.of("workers", AGENCY_B))
    japan = get("/job-orders?country=JP&programme=JP-SSW1", headers=officer).json()["items"]
    assert japan
    assert all((v["country"], v["programme"]) == ("JP", "JP-SSW1") for v in japan)
    later = get("/workers?updated_since=2199-01-01T00:00:00Z", headers=officer).json()
    assert later == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=notacursor",
        "cursor=WzFd",  # [1]
        "education=PhD",
        "updated_since=yesterday",
        "agency_id=%20bad",
    ],
)
def test_bad_list_queries_are_422(shared_api: Api, query: str) -> None:
    response = shared_api.client.get(f"/workers?{query}", headers=shared_api.officer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_json_bodies_are_bounded(api: Api, pool_data: PoolData) -> None:
    worker = pool_data.of("workers", AGENCY_A)[0]
    huge = {**worker, "skills": [{"name": "x" * 200}] * 8000}
    response = api.client.post("/workers", json=huge, headers=api.officer)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("prefix", "name", "filters"),
    [("/workers", "worker", ["education"]), ("/job-orders", "job_order", ["country", "programme"])],
)
def test_record_routes_read_as_written_out(
    api: Api, prefix: str, name: str, filters: list[str]
) -> None:
    # Both kinds' routes come from one declaration (api/routers/record_routes.py): their
    # operation ids, path parameter and query parameters (in order) are each kind's own.
    app = api.client.app
    assert isinstance(app, FastAPI)
    paths = app.openapi()["paths"]
    one = f"{prefix}/{{{name}_id}}"
    routes = [
        (prefix, "get", f"list_{name}s"),
        (prefix, "post", f"create_{name}"),
        (one, "get", f"read_{name}"),
        (one, "put", f"replace_{name}"),
        (one, "delete", f"delete_{name}"),
        (f"{prefix}/bulk", "post", f"upload_{name}s"),
    ]
    for path, method, route in routes:
        expected = re.sub(r"\W", "_", route + path) + "_" + method
        assert paths[path][method]["operationId"] == expected
    assert [p["name"] for p in paths[one]["get"]["parameters"]] == [f"{name}_id", "agency_id"]
    listed = [p["name"] for p in paths[prefix]["get"]["parameters"]]
    assert listed == ["agency_id", *filters, "updated_since", "cursor", "limit"]
