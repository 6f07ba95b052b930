"""Health, API keys (401/403), the admin key, the agency register and key management."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.keys import KeyChecker, KeyRequestError, Principal, issue_key, revoke_key
from api.app import create_app
from api.storage.database import connect, migrate, write_session
from tests.api.conftest import ADMIN_KEY, AGENCY_A, AGENCY_B, Api, PoolData, sqlite_settings


def test_health_needs_no_key(empty_api: Api) -> None:
    response = empty_api.client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "sqlite"


def test_openapi_docs_are_served(empty_api: Api) -> None:
    assert empty_api.client.get("/docs").status_code == 200
    schema = empty_api.client.get("/openapi.json").json()
    assert "/job-orders/{job_order_id}/candidates" in schema["paths"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Bearer slr_000000000000_" + "a" * 43},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_missing_or_unknown_key_is_401(empty_api: Api, headers: dict[str, str]) -> None:
    response = empty_api.client.get("/workers", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()


def test_revoked_key_stops_working_at_once(api: Api) -> None:
    headers = api.key("auditor")
    assert api.client.get("/audit", headers=headers).status_code == 200
    key_id = headers["Authorization"].split("_")[1]
    assert api.client.delete(f"/keys/{key_id}", headers=api.officer).status_code == 204
    assert api.client.get("/audit", headers=headers).status_code == 401
    # Revoking again is harmless; an unknown key is 404.
    assert api.client.delete(f"/keys/{key_id}", headers=api.officer).status_code == 204
    assert api.client.delete("/keys/000000000000", headers=api.officer).status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("agency", "GET", "/agencies"),
        ("agency", "POST", "/keys"),
        ("agency", "GET", "/audit"),
        ("auditor", "POST", "/workers"),
        ("auditor", "GET", "/job-orders/JO-1/candidates"),
        ("auditor", "POST", "/match"),
        ("auditor", "DELETE", "/workers/W-1"),
        ("auditor", "GET", "/keys"),
    ],
)
def test_roles_are_enforced_with_403(api: Api, role: str, method: str, path: str) -> None:
    headers = api.keys["a"] if role == "agency" else api.keys["auditor"]
    response = api.client.request(method, path, headers=headers, json={})
    assert response.status_code == 403
    assert role in response.json()["detail"]


def test_keys_are_stored_only_as_hashes(api: Api, tmp_path: Path) -> None:
    issued = api.client.post("/keys", json={"role": "auditor"}, headers=api.officer).json()
    database = (tmp_path / "selaras.db").read_bytes()
    assert issued["key"].encode() not in database
    assert ADMIN_KEY.encode() not in database
    listed = api.client.get("/keys", headers=api.officer).json()
    assert all("key" not in k for k in listed)
    assert issued["id"] in {k["id"] for k in listed}


def test_key_requests_are_checked(api: Api) -> None:
    post = api.client.post
    assert post("/keys", json={"role": "agency"}, headers=api.officer).status_code == 422
    body = {"role": "officer", "agency_id": AGENCY_A}
    assert post("/keys", json=body, headers=api.officer).status_code == 422
    body = {"role": "agency", "agency_id": "P3MI-9999"}
    response = post("/keys", json=body, headers=api.officer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert post("/keys", json={"role": "root"}, headers=api.officer).status_code == 422
    agency_keys = api.client.get(f"/keys?agency_id={AGENCY_B}", headers=api.officer).json()
    assert [k["agency_id"] for k in agency_keys] == [AGENCY_B]


def test_short_admin_key_refuses_to_start(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    weak = type(settings)(database_url=settings.database_url, admin_key="short")
    with pytest.raises(KeyRequestError, match="at least 32"), TestClient(create_app(weak)):
        pass


def test_changing_the_admin_key_replaces_the_old_one(tmp_path: Path) -> None:
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        assert client.get("/keys", headers={"Authorization": f"Bearer {ADMIN_KEY}"}).is_success
    settings = sqlite_settings(tmp_path)
    other = type(settings)(database_url=settings.database_url, admin_key="z" * 40)
    with TestClient(create_app(other)) as client:
        assert (
            client.get("/keys", headers={"Authorization": f"Bearer {ADMIN_KEY}"}).status_code == 401
        )
        assert client.get("/keys", headers={"Authorization": "Bearer " + "z" * 40}).is_success


def test_agency_register_crud(empty_api: Api, pool_data: PoolData) -> None:
    client, officer = empty_api.client, empty_api.officer
    agency = pool_data.agencies[0]
    assert client.post("/agencies", json=agency, headers=officer).status_code == 201
    assert client.post("/agencies", json=agency, headers=officer).status_code == 409
    assert client.get(f"/agencies/{agency['id']}", headers=officer).json()["id"] == agency["id"]
    assert client.get("/agencies/P3MI-9999", headers=officer).status_code == 404
    renamed = {**agency, "name": "PT Baru"}
    response = client.put(f"/agencies/{agency['id']}", json=renamed, headers=officer)
    assert (response.status_code, response.json()["name"]) == (200, "PT Baru")
    other = pool_data.agencies[1]
    assert client.put(f"/agencies/{other['id']}", json=other, headers=officer).status_code == 201
    mismatch = client.put(f"/agencies/{other['id']}", json=agency, headers=officer)
    assert mismatch.status_code == 422
    assert mismatch.json()["detail"][0]["loc"] == ["body", "id"]
    listed = client.get("/agencies", headers=officer).json()
    assert [a["id"] for a in listed] == [AGENCY_A, AGENCY_B]
    assert client.get("/agencies?status=revoked", headers=officer).json() == []


def test_licence_status_changes_are_validated(api: Api) -> None:
    path = f"/agencies/{AGENCY_B}/licence"
    response = api.client.patch(path, json={"status": "revoked"}, headers=api.officer)
    assert response.status_code == 422
    assert "revoked_on" in response.json()["detail"][0]["msg"]
    body = {"status": "revoked", "revoked_on": "2026-01-01"}
    response = api.client.patch(path, json=body, headers=api.officer)
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert api.client.get("/agencies?status=revoked", headers=api.officer).json()[0]["id"] == (
        AGENCY_B
    )
    missing = api.client.patch("/agencies/P3MI-9999/licence", json=body, headers=api.officer)
    assert missing.status_code == 404


def test_key_checker_sees_revocations_at_once_and_survives_a_dropped_connection(
    tmp_path: Path,
) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'keys.db'}")
    migrate(engine)
    with write_session(engine) as session:
        issued = issue_key(session, "auditor")
    checker = KeyChecker(engine)
    try:
        assert checker.authenticate(issued.key) == Principal(issued.id, "auditor", None)
        assert checker.authenticate(issued.key + "x") is None
        assert checker.authenticate("slr_000000000000_" + "A" * 43) is None
        checker._connection.driver_connection.close()  # as if the database went away
        assert checker.authenticate(issued.key) is not None
        with write_session(engine) as session:  # another process revokes it
            assert revoke_key(session, issued.id)
        assert checker.authenticate(issued.key) is None
    finally:
        checker.close()
        engine.dispose()
