"""Rankings through the live pool: the same answers as the engine run on the same records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from matcher.scoring.matching import prepare_run
from models.agency import Agency
from models.vacancy import Vacancy
from models.worker import Worker
from tests.api.conftest import AGENCY_A, AGENCY_B, AS_OF, Api, PoolData, seed, sqlite_settings


def _engine_candidates(
    data: PoolData, vacancy: dict[str, Any], workers: list[dict[str, Any]], k: int
) -> list[dict[str, Any]]:
    run = prepare_run(
        [Worker.model_validate(w) for w in workers],
        [Vacancy.model_validate(vacancy)],
        [Agency.model_validate(a) for a in data.agencies],
        dt.date.fromisoformat(AS_OF),
    )
    return [r.model_dump(mode="json") for r in run.rank("vacancies", k, False, "en")]


def _open_vacancy(api: Api, agency_id: str) -> dict[str, Any]:
    """A job order of the agency that is not refused and has eligible candidates."""
    headers = api.keys["a"] if agency_id == AGENCY_A else api.keys["b"]
    page = api.client.get("/job-orders?limit=100", headers=headers).json()["items"]
    for vacancy in page:
        found = api.client.get(
            f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=5", headers=headers
        ).json()
        if found["refusal"] is None and found["results"]:
            return dict(vacancy)
    raise AssertionError("no open job order with candidates")


def test_agency_candidates_equal_the_engine_on_its_own_pool(
    shared_api: Api, pool_data: PoolData
) -> None:
    vacancy = _open_vacancy(shared_api, AGENCY_A)
    response = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=20", headers=shared_api.keys["a"]
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["vacancy_id"], body["agency_id"], body["as_of"]) == (
        vacancy["id"],
        AGENCY_A,
        AS_OF,
    )
    expected = _engine_candidates(pool_data, vacancy, pool_data.of("workers", AGENCY_A), 20)
    got = [
        {k: v for k, v in r.items() if k not in ("worker_agency_id", "vacancy_agency_id")}
        for r in body["results"]
    ]
    assert got == expected
    assert {r["worker_agency_id"] for r in body["results"]} == {AGENCY_A}


def test_officer_candidates_draw_on_the_whole_pool(shared_api: Api, pool_data: PoolData) -> None:
    vacancy = _open_vacancy(shared_api, AGENCY_A)
    response = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=50&agency_id={AGENCY_A}",
        headers=shared_api.officer,
    )
    results = response.json()["results"]
    expected = _engine_candidates(pool_data, vacancy, pool_data.workers, 50)
    assert [(r["score"], r["eligible"]) for r in results] == [
        (r["score"], r["eligible"]) for r in expected
    ]
    assert [r["rank"] for r in results] == list(range(1, len(results) + 1))


def test_include_ineligible_lists_gaps(shared_api: Api) -> None:
    vacancy = _open_vacancy(shared_api, AGENCY_A)
    response = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=500&include_ineligible=true",
        headers=shared_api.keys["a"],
    )
    results = response.json()["results"]
    ineligible = [r for r in results if not r["eligible"]]
    assert ineligible
    assert all(r["gaps"] for r in ineligible)
    eligible_flags = [r["eligible"] for r in results]
    assert eligible_flags == sorted(eligible_flags, reverse=True)


def test_refused_job_orders_answer_with_reasons(shared_api: Api) -> None:
    refusals = shared_api.client.get(f"/refusals?as_of={AS_OF}", headers=shared_api.officer)
    assert refusals.status_code == 200
    found = refusals.json()["refusals"]
    assert found
    first = found[0]
    assert first["refused"] is True
    assert all(reason["source"] for reason in first["reasons"])
    response = shared_api.client.get(
        f"/job-orders/{first['vacancy_id']}/candidates?as_of={AS_OF}"
        f"&agency_id={first['agency_id']}",
        headers=shared_api.officer,
    )
    body = response.json()
    assert body["results"] == []
    assert [r["kind"] for r in body["refusal"]] == [r["kind"] for r in first["reasons"]]
    auditor = shared_api.client.get(f"/refusals?as_of={AS_OF}", headers=shared_api.keys["auditor"])
    assert auditor.json()["refusals"] == found


def test_job_orders_for_a_worker(shared_api: Api, pool_data: PoolData) -> None:
    vacancy = _open_vacancy(shared_api, AGENCY_A)
    top = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=1", headers=shared_api.keys["a"]
    ).json()["results"][0]
    response = shared_api.client.get(
        f"/workers/{top['worker_id']}/job-orders?as_of={AS_OF}&k=50", headers=shared_api.keys["a"]
    )
    assert response.status_code == 200
    body = response.json()
    assert body["worker_id"] == top["worker_id"]
    assert vacancy["id"] in [r["vacancy_id"] for r in body["results"]]
    assert {r["vacancy_agency_id"] for r in body["results"]} == {AGENCY_A}
    assert all(r["worker_id"] == top["worker_id"] for r in body["results"])


@pytest.mark.parametrize("lang", ["en", "id"])
def test_explanation(shared_api: Api, lang: str) -> None:
    vacancy = _open_vacancy(shared_api, AGENCY_A)
    top = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=3", headers=shared_api.keys["a"]
    ).json()["results"]
    worker_id = top[-1]["worker_id"]
    response = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates/{worker_id}/explanation?as_of={AS_OF}&lang={lang}",
        headers=shared_api.keys["a"],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["worker_id"], body["vacancy_id"]) == (worker_id, vacancy["id"])
    assert (body["worker_agency_id"], body["vacancy_agency_id"]) == (AGENCY_A, AGENCY_A)
    assert body["explanation"]
    assert body["score"] == top[-1]["score"]


def test_match_an_unsaved_job_order(shared_api: Api, pool_data: PoolData) -> None:
    vacancy = _open_vacancy(shared_api, AGENCY_A)
    unsaved = {**vacancy, "id": "DRAFT-1"}
    body = {"job_order": unsaved, "k": 10, "as_of": AS_OF}
    response = shared_api.client.post("/match", json=body, headers=shared_api.keys["a"])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    stored = shared_api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=10", headers=shared_api.keys["a"]
    ).json()["results"]
    assert [(r["worker_id"], r["score"]) for r in results] == [
        (r["worker_id"], r["score"]) for r in stored
    ]
    assert {r["vacancy_id"] for r in results} == {"DRAFT-1"}
    assert {r["vacancy_agency_id"] for r in results} == {None}
    assert shared_api.client.get(
        "/job-orders/DRAFT-1", headers=shared_api.keys["a"]
    ).status_code == (404)


@pytest.mark.parametrize(
    "query", ["k=0", "k=501", "k=ten", "as_of=2026-13-01", "lang=fr", "include_ineligible=maybe"]
)
def test_bad_ranking_queries_are_422(shared_api: Api, query: str) -> None:
    vacancy = shared_api.client.get("/job-orders?limit=1", headers=shared_api.keys["a"]).json()
    path = f"/job-orders/{vacancy['items'][0]['id']}/candidates?{query}"
    response = shared_api.client.get(path, headers=shared_api.keys["a"])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_bad_match_bodies_are_422(shared_api: Api) -> None:
    response = shared_api.client.post(
        "/match", json={"job_order": {"id": "X"}, "k": 0}, headers=shared_api.keys["a"]
    )
    assert response.status_code == 422
    locations = {tuple(p["loc"]) for p in response.json()["detail"]}
    assert ("body", "k") in locations
    assert ("body", "job_order", "agency_id") in locations


def test_writes_reach_the_rankings(api: Api, pool_data: PoolData) -> None:
    vacancy = _open_vacancy(api, AGENCY_A)
    path = f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=500"
    before = api.client.get(path, headers=api.keys["a"]).json()["results"]
    best = before[0]["worker_id"]
    assert api.client.delete(f"/workers/{best}", headers=api.keys["a"]).status_code == 204
    after = api.client.get(path, headers=api.keys["a"]).json()["results"]
    assert best not in [r["worker_id"] for r in after]
    original = next(w for w in pool_data.workers if w["id"] == best and w["agency_id"] == AGENCY_A)
    clone = {**original, "id": "W-CLONE"}
    assert api.client.post("/workers", json=clone, headers=api.keys["a"]).status_code == 201
    again = api.client.get(path, headers=api.keys["a"]).json()["results"]
    assert again[0]["worker_id"] == "W-CLONE"
    closed = {**vacancy, "wage": {**vacancy["wage"], "amount": 1}}
    api.client.put(f"/job-orders/{vacancy['id']}", json=closed, headers=api.keys["a"])
    refused = api.client.get(path, headers=api.keys["a"]).json()
    assert refused["refusal"]
    assert refused["results"] == []


def test_licence_changes_reach_the_rankings(api: Api) -> None:
    vacancy = _open_vacancy(api, AGENCY_B)
    path = f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}"
    assert api.client.get(path, headers=api.keys["b"]).json()["refusal"] is None
    body = {"status": "suspended"}
    api.client.patch(f"/agencies/{AGENCY_B}/licence", json=body, headers=api.officer)
    refusal = api.client.get(path, headers=api.keys["b"]).json()["refusal"]
    assert [r["kind"] for r in refusal] == ["agency_not_licensed"]


def test_answers_are_the_same_with_the_ranking_cache_off(
    shared_api: Api, pool_data: PoolData, tmp_path: Path
) -> None:
    # Served from the cache (asked twice) and ranked afresh (cache off): one answer.
    settings = sqlite_settings(tmp_path, cached_rankings=0)
    with TestClient(create_app(settings)) as client:
        fresh = seed(client, pool_data)
        for agency, role in ((AGENCY_A, "a"), (AGENCY_B, "b")):
            vacancy = _open_vacancy(shared_api, agency)
            path = f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=30&agency_id={agency}"
            cached = [shared_api.client.get(path, headers=shared_api.officer) for _ in range(2)]
            afresh = fresh.client.get(path, headers=fresh.officer)
            # The same bytes, not only the same JSON values.
            assert cached[0].content == cached[1].content == afresh.content
            assert afresh.json()["results"]
            mine = fresh.client.get(path, headers=fresh.keys[role]).json()["results"]
            assert {r["worker_agency_id"] for r in mine} == {agency}


def test_a_job_order_id_of_two_agencies_needs_agency_id_for_officers(api: Api) -> None:
    vacancy = _open_vacancy(api, AGENCY_A)
    twin = {**vacancy, "agency_id": AGENCY_B}
    assert api.client.post("/job-orders", json=twin, headers=api.officer).status_code == 201
    path = f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}"
    ambiguous = api.client.get(path, headers=api.officer)
    assert ambiguous.status_code == 409
    assert "agency_id" in ambiguous.json()["detail"]
    for agency, role in ((AGENCY_A, "a"), (AGENCY_B, "b")):
        chosen = api.client.get(f"{path}&agency_id={agency}", headers=api.officer)
        assert chosen.status_code == 200
        assert chosen.json()["agency_id"] == agency
        own = api.client.get(path, headers=api.keys[role])
        assert own.json()["agency_id"] == agency
    gone = f"/job-orders/{vacancy['id']}?agency_id={AGENCY_B}"
    assert api.client.delete(gone, headers=api.officer).status_code == 204
    assert api.client.get(path, headers=api.officer).json()["agency_id"] == AGENCY_A
    assert api.client.get(path, headers=api.keys["b"]).status_code == 404
    explained = f"/job-orders/{vacancy['id']}/candidates/x/explanation?as_of={AS_OF}"
    assert api.client.get(explained, headers=api.keys["b"]).status_code == 404
