"""Idempotency-Key on POSTs that create; ETag and If-Match on updates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import AGENCY_A, Api, PoolData, jsonl


def _new_job_order(pool_data: PoolData, new_id: str) -> dict[str, Any]:
    return {**pool_data.of("vacancies", AGENCY_A)[0], "id": new_id}


def test_a_retried_create_gets_the_first_answer(api: Api, pool_data: PoolData) -> None:
    body = _new_job_order(pool_data, "JO-IDEM-1")
    headers = {**api.officer, "Idempotency-Key": "c0ffee-1"}
    first = api.client.post("/job-orders", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = api.client.post("/job-orders", json=body, headers=headers)
    assert again.status_code == 201  # not 409: the create is not done twice
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    # Without the key, the same POST is a new request: the id is taken.
    assert api.client.post("/job-orders", json=body, headers=api.officer).status_code == 409


def test_the_same_key_with_another_body_is_refused(api: Api, pool_data: PoolData) -> None:
    headers = {**api.officer, "Idempotency-Key": "c0ffee-2"}
    first = _new_job_order(pool_data, "JO-IDEM-2")
    assert api.client.post("/job-orders", json=first, headers=headers).status_code == 201
    other = _new_job_order(pool_data, "JO-IDEM-3")
    refused = api.client.post("/job-orders", json=other, headers=headers)
    assert refused.status_code == 422
    assert "used with another request" in refused.json()["detail"]
    missing = api.client.get("/job-orders/JO-IDEM-3", headers=api.officer)
    assert missing.status_code == 404


def test_keys_belong_to_their_caller(api: Api, pool_data: PoolData) -> None:
    body = _new_job_order(pool_data, "JO-IDEM-4")
    key = {"Idempotency-Key": "shared-key"}
    created = api.client.post("/job-orders", json=body, headers={**api.keys["a"], **key})
    assert created.status_code == 201
    # The officer's request with the same key is its own: it runs (and finds the id taken).
    other = api.client.post("/job-orders", json=body, headers={**api.officer, **key})
    assert other.status_code == 409
    assert "idempotent-replayed" not in other.headers


def test_a_failed_answer_is_not_stored(api: Api, pool_data: PoolData) -> None:
    body = _new_job_order(pool_data, "JO-IDEM-5")
    headers = {**api.keys["b"], "Idempotency-Key": "after-403"}
    assert api.client.post("/job-orders", json=body, headers=headers).status_code == 403
    allowed = {**api.keys["a"], "Idempotency-Key": "after-403"}
    assert api.client.post("/job-orders", json=body, headers=allowed).status_code == 201


def test_a_bulk_upload_retried_is_replayed(api: Api, pool_data: PoolData) -> None:
    records = [_new_job_order(pool_data, f"JO-BULK-{i}") for i in range(3)]
    headers = {**api.officer, "Idempotency-Key": "bulk-1"}
    files = {"file": ("orders.jsonl", jsonl(records))}
    first = api.client.post("/job-orders/bulk", files=files, headers=headers)
    assert first.status_code == 200, first.text
    files = {"file": ("orders.jsonl", jsonl(records))}
    again = api.client.post("/job-orders/bulk", files=files, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_refused(api: Api, pool_data: PoolData, key: str) -> None:
    body = _new_job_order(pool_data, "JO-IDEM-6")
    headers = {**api.officer, "Idempotency-Key": key}
    encoded = {k: v.encode() if k == "Idempotency-Key" else v for k, v in headers.items()}
    response = api.client.post("/job-orders", json=body, headers=encoded)  # type: ignore[arg-type]
    assert response.status_code == 422


def test_if_match_guards_an_update(api: Api, pool_data: PoolData) -> None:
    record = pool_data.of("vacancies", AGENCY_A)[1]
    path = f"/job-orders/{record['id']}"
    read = api.client.get(path, headers=api.officer)
    etag = read.headers["etag"]
    assert api.client.get(path, headers={**api.officer, "If-None-Match": etag}).status_code == 304
    changed = {**record, "slots": record["slots"] + 1}
    stale = {**api.officer, "If-Match": '"0123456789abcdef0123456789abcdef"'}
    refused = api.client.put(path, json=changed, headers=stale)
    assert refused.status_code == 412
    assert api.client.get(path, headers=api.officer).headers["etag"] == etag  # unchanged
    updated = api.client.put(path, json=changed, headers={**api.officer, "If-Match": etag})
    assert updated.status_code == 200, updated.text
    new = updated.headers["etag"]
    assert new != etag
    assert api.client.get(path, headers=api.officer).headers["etag"] == new
    # The first version is gone: an update naming it is refused, so is a delete.
    again = api.client.put(path, json=record, headers={**api.officer, "If-Match": etag})
    assert again.status_code == 412
    deleted = api.client.delete(path, headers={**api.officer, "If-Match": etag})
    assert deleted.status_code == 412
    assert api.client.delete(path, headers={**api.officer, "If-Match": new}).status_code == 204
    gone = api.client.put(path, json=record, headers={**api.officer, "If-Match": "*"})
    assert gone.status_code == 412


def test_if_match_on_an_agency_licence(api: Api, pool_data: PoolData) -> None:
    path = f"/agencies/{AGENCY_A}"
    etag = api.client.get(path, headers=api.officer).headers["etag"]
    change = {"status": "revoked", "revoked_on": "2026-01-01"}
    stale = {**api.officer, "If-Match": '"00000000000000000000000000000000"'}
    assert api.client.patch(f"{path}/licence", json=change, headers=stale).status_code == 412
    ok = api.client.patch(f"{path}/licence", json=change, headers={**api.officer, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] != etag


def test_a_new_api_key_is_never_stored_for_replay(api: Api) -> None:
    body = {"role": "auditor"}
    refused = api.client.post(
        "/keys", json=body, headers={**api.officer, "Idempotency-Key": "key-1"}
    )
    assert refused.status_code == 422
    assert api.client.post("/keys", json=body, headers=api.officer).status_code == 201


def test_the_answer_is_stored_before_it_is_sent(
    api: Api, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A retry sent the moment the first answer arrives must find it stored (not "still
    # running"), and a server stopped between answering and storing must not run the
    # request again on a retry.
    import json

    from api.http import idempotency

    events: list[str] = []
    store = idempotency._store

    def recorded(engine: Any, row: Any) -> None:
        store(engine, row)
        events.append("stored")

    monkeypatch.setattr(idempotency, "_store", recorded)
    body = json.dumps(_new_job_order(pool_data, "JO-IDEM-7")).encode()
    given = {**api.officer, "Idempotency-Key": "c0ffee-7", "content-type": "application/json"}
    scope = {
        "type": "http", "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/job-orders", "raw_path": b"/job-orders", "query_string": b"",
        "root_path": "", "server": ("testserver", 80), "client": ("127.0.0.1", 50000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in given.items()],
    }  # fmt: skip

    async def call() -> None:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            events.append(message["type"])

        await api.client.app(scope, receive, send)

    assert api.client.portal is not None
    api.client.portal.call(call)
    assert events[0] == "stored"
    assert events[1:3] == ["http.response.start", "http.response.body"]


def test_a_key_that_may_not_write_gets_its_403_with_if_match(api: Api) -> None:
    # Who may write is decided before which version: If-Match changes no answer of a key
    # that may not make the change.
    path = f"/agencies/{AGENCY_A}"
    change = {"status": "revoked", "revoked_on": "2026-01-01"}
    for key in ("auditor", "a", "b"):
        given = {**api.keys[key], "If-Match": "*"}
        without = api.client.patch(f"{path}/licence", json=change, headers=api.keys[key])
        answer = api.client.patch(f"{path}/licence", json=change, headers=given)
        assert answer.status_code == without.status_code == 403, (key, answer.text)
    assert api.client.get(path, headers=api.officer).json()["status"] != "revoked"


def test_a_revoked_key_replays_nothing(api: Api, pool_data: PoolData) -> None:
    headers = api.key("officer")
    body = _new_job_order(pool_data, "JO-IDEM-REVOKED")
    retried = {**headers, "Idempotency-Key": "before-revocation"}
    assert api.client.post("/job-orders", json=body, headers=retried).status_code == 201
    key_id = headers["Authorization"].split("_")[1]
    assert api.client.delete(f"/keys/{key_id}", headers=api.officer).status_code == 204
    again = api.client.post("/job-orders", json=body, headers=retried)
    assert again.status_code == 401
    assert "idempotent-replayed" not in again.headers
    assert "JO-IDEM-REVOKED" not in again.text


@pytest.mark.parametrize("authorization", [None, "Bearer slr_000000000000_nope", "Basic eDp5"])
def test_without_a_valid_key_a_malformed_idempotency_key_is_a_401(
    api: Api, pool_data: PoolData, authorization: str | None
) -> None:
    body = _new_job_order(pool_data, "JO-IDEM-ANON")
    headers = {"Idempotency-Key": "x" * 256}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = api.client.post("/job-orders", json=body, headers=headers)
    assert response.status_code == 401
