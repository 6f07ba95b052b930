"""The audit log (who, when, what, result ids, versions; append-only) and redaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from api.access.redaction import PERSONAL_FIELDS
from tests.api.conftest import AGENCY_A, AS_OF, Api, PoolData


def _entries(api: Api, query: str = "") -> list[dict[str, object]]:
    items: list[dict[str, object]] = api.client.get(
        f"/audit?limit=500{query}", headers=api.officer
    ).json()["items"]
    return items


def test_every_ranking_and_explanation_is_logged(api: Api, pool_data: PoolData) -> None:
    headers = api.keys["a"]
    vacancy = pool_data.of("vacancies", AGENCY_A)[2]
    worker = pool_data.of("workers", AGENCY_A)[0]
    found = api.client.get(
        f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=7&include_ineligible=true",
        headers=headers,
    ).json()
    api.client.get(f"/workers/{worker['id']}/job-orders?as_of={AS_OF}", headers=headers)
    api.client.get(
        f"/job-orders/{vacancy['id']}/candidates/{worker['id']}/explanation?as_of={AS_OF}",
        headers=headers,
    )
    api.client.post("/match", json={"job_order": vacancy, "as_of": AS_OF}, headers=headers)
    api.client.get(f"/refusals?as_of={AS_OF}", headers=headers)
    entries = _entries(api, f"&agency_id={AGENCY_A}")
    assert [e["action"] for e in entries] == [
        "candidates",
        "job_orders",
        "explanation",
        "match",
        "refusals",
    ]
    first = entries[0]
    assert first["role"] == "agency"
    assert first["target"] == f"{AGENCY_A}/{vacancy['id']}"
    assert first["params"] == {"k": 7, "as_of": AS_OF, "include_ineligible": True, "lang": "en"}
    assert first["result_ids"] == [
        [r["worker_agency_id"], r["worker_id"]] for r in found["results"]
    ]
    assert first["versions"]
    assert all(e["versions"] == first["versions"] for e in entries)
    assert entries[2]["result_ids"] == [[AGENCY_A, worker["id"]]]


def test_data_changes_are_logged_with_their_ids(api: Api, pool_data: PoolData) -> None:
    bulk = [e for e in _entries(api) if e["action"] == "workers.bulk"]
    assert len(bulk) == 1
    assert bulk[0]["result_ids"] == [[w["agency_id"], w["id"]] for w in pool_data.workers]
    assert bulk[0]["key_id"] == "admin"
    keys = [e["action"] for e in _entries(api, "&action=key.issue")]
    assert keys == ["key.issue"] * 3


def test_audit_pages_and_filters(api: Api) -> None:
    everything = _entries(api)
    seqs = [e["seq"] for e in everything]
    assert seqs == sorted(seqs)
    page = api.client.get("/audit?limit=2", headers=api.officer).json()
    assert [e["seq"] for e in page["items"]] == seqs[:2]
    after = page["next_after"]
    rest = api.client.get(f"/audit?limit=500&after={after}", headers=api.officer).json()
    assert [e["seq"] for e in rest["items"]] == seqs[2:]
    assert rest["next_after"] is None
    auditor = api.client.get("/audit?limit=500", headers=api.keys["auditor"]).json()["items"]
    assert auditor == everything
    assert api.client.get("/audit?after=-1", headers=api.officer).status_code == 422


def test_audit_log_is_append_only_in_the_database(api: Api) -> None:
    engine = api.client.app.state.server.engine  # type: ignore[attr-defined]
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert _entries(api)


def test_auditors_see_cards_without_personal_data(shared_api: Api, pool_data: PoolData) -> None:
    auditor = shared_api.keys["auditor"]
    with_certificate = next(
        w for w in pool_data.workers if any(c.get("number") for c in w.get("certificates", []))
    )
    path = f"/workers/{with_certificate['id']}?agency_id={with_certificate['agency_id']}"
    card = shared_api.client.get(path, headers=auditor).json()
    assert not set(card) & set(PERSONAL_FIELDS)
    assert all("number" not in c for c in card["certificates"])
    assert card["skills"] == with_certificate["skills"]
    full = shared_api.client.get(path, headers=shared_api.officer).json()
    assert {"full_name", "nik", "birth_date"} <= set(full)
    page = shared_api.client.get("/workers?limit=500", headers=auditor).json()["items"]
    assert len(page) == len(pool_data.workers)
    assert not any(set(w) & set(PERSONAL_FIELDS) for w in page)
    owner = "a" if with_certificate["agency_id"] == AGENCY_A else "b"
    mine = shared_api.client.get(path, headers=shared_api.keys[owner]).json()
    assert mine == full
