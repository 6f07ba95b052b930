"""Bulk upserts: all or nothing, every bad line reported like ``selaras validate``."""

from __future__ import annotations

import gc
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.routers.record_routes as record_routes
from api.app import create_app
from api.records import upload
from models.files import InvalidInputError, read_records
from models.typed_workers import decode_view
from models.worker import Worker
from tests.api.conftest import AGENCY_A, AGENCY_B, Api, PoolData, jsonl, sqlite_settings

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _count(api: Api, path: str) -> int:
    page = api.client.get(f"{path}?limit=500", headers=api.officer).json()
    return len(page["items"])


def test_upload_is_idempotent_by_id(empty_api: Api, pool_data: PoolData) -> None:
    for agency in pool_data.agencies:
        empty_api.client.post("/agencies", json=agency, headers=empty_api.officer)
    workers = pool_data.workers[:50]
    first = empty_api.upload("workers", workers, empty_api.officer)
    assert (first["created"], first["updated"]) == (50, 0)
    again = empty_api.upload("workers", workers, empty_api.officer)
    assert (again["created"], again["updated"]) == (0, 50)
    assert _count(empty_api, "/workers") == 50
    more = empty_api.upload("workers", pool_data.workers[40:60], empty_api.officer)
    assert (more["created"], more["updated"]) == (10, 10)


def test_an_applied_upload_logs_its_parts(
    empty_api: Api, pool_data: PoolData, caplog: pytest.LogCaptureFixture
) -> None:
    # The server logs how long each part of an applied upload took (counts and seconds,
    # nothing of the records); the rows of the live pool are made alongside the store.
    for agency in pool_data.agencies:
        empty_api.client.post("/agencies", json=agency, headers=empty_api.officer)
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        empty_api.upload("workers", pool_data.workers[:30], empty_api.officer)
        empty_api.upload("vacancies", pool_data.vacancies[:5], empty_api.officer)
    logged = [r.getMessage() for r in caplog.records if ".bulk of " in r.getMessage()]
    parts = [[part.rsplit(" ", 2)[0] for part in m.split(": ", 1)[1].split(", ")] for m in logged]
    assert [m.split(": ")[0] for m in logged] == [
        "worker.bulk of 30 records",
        "job_order.bulk of 5 records",
    ]
    common = ["digest", "read", "checks", "store"]
    assert parts == [
        [*common, "rows waited", "rows alongside", "live pool"],
        [*common, "live pool"],
    ]


def test_bad_lines_reject_the_whole_file_like_validate(
    api: Api, pool_data: PoolData, tmp_path: Path
) -> None:
    workers = pool_data.of("workers", AGENCY_A)[:5]
    fresh = [{**w, "id": f"NEW-{i}"} for i, w in enumerate(workers)]
    fresh[1]["birth_date"] = "not a date"
    fresh[3]["skills"] = [{"name": "las", "level": 7}]
    text = jsonl(fresh).decode() + "{not json\n"
    before = _count(api, "/workers")
    response = api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", text.encode())}, headers=api.officer
    )
    assert response.status_code == 422
    body = response.json()
    got = [(p["line"], p["field"]) for p in body["errors"]]
    assert got == [(2, "birth_date"), (4, "skills[0].level"), (6, None)]
    assert "nothing was stored" in body["detail"]
    assert _count(api, "/workers") == before
    path = tmp_path / "w.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        read_records(path, "workers")
    expected = [(p.line, p.field, p.message) for p in raised.value.problems]
    assert [(p["line"], p["field"], p["message"]) for p in body["errors"]] == expected


def test_csv_and_json_array_uploads(empty_api: Api) -> None:
    client, officer = empty_api.client, empty_api.officer
    csv_text = (SAMPLE / "workers.csv").read_text(encoding="utf-8")
    agencies = {line.split(",")[1] for line in csv_text.splitlines()[1:] if line}
    for agency_id in sorted(agencies):
        body = {"id": agency_id, "name": agency_id, "status": "active"}
        assert client.post("/agencies", json=body, headers=officer).status_code == 201
    response = client.post(
        "/workers/bulk", files={"file": ("people.csv", csv_text.encode())}, headers=officer
    )
    assert response.status_code == 200, response.text
    expected = read_records(SAMPLE / "workers.csv", "workers")
    assert response.json()["created"] == len(expected.records)
    stored = client.get(f"/workers/{expected.records[0].id}", headers=officer).json()
    assert stored == expected.records[0].model_dump(mode="json", exclude_none=True)
    # The format comes from ?format= when the file name has no extension.
    array = json.dumps([{**expected.records[0].model_dump(mode="json"), "id": "ARR-1"}])
    response = client.post(
        "/workers/bulk?format=json", files={"file": ("upload", array.encode())}, headers=officer
    )
    assert response.json()["created"] == 1


def test_warnings_are_returned_with_the_report(empty_api: Api, pool_data: PoolData) -> None:
    client, officer = empty_api.client, empty_api.officer
    client.post("/agencies", json=pool_data.agencies[0], headers=officer)
    worker = {**pool_data.of("workers", AGENCY_A)[0], "gender": "M"}
    worker["nik"] = worker["nik"][:6] + "650100" + worker["nik"][12:]
    answer = empty_api.upload("workers", [worker], officer)
    assert answer["created"] == 1
    assert [w["field"] for w in answer["warnings"]] == ["nik", "nik"]


def test_agency_uploads_only_its_own_records(api: Api, pool_data: PoolData) -> None:
    mixed = pool_data.of("workers", AGENCY_A)[:2] + pool_data.of("workers", AGENCY_B)[:1]
    response = api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", jsonl(mixed))}, headers=api.keys["a"]
    )
    assert response.status_code == 422
    assert [(p["line"], p["field"]) for p in response.json()["errors"]] == [(3, "agency_id")]
    own = api.upload("workers", mixed[:2], api.keys["a"])
    assert own["updated"] == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("w.jsonl", b"", "file is empty"),
        ("w.jsonl", b"\xff\xfe", "not UTF-8"),
        ("w.csv", b"id,colour\n1,red\n", "unknown column 'colour'"),
        ("w.json", b"[1, 2", "malformed JSON"),
    ],
)
def test_unreadable_files_are_422(api: Api, name: str, content: bytes, message: str) -> None:
    response = api.client.post(
        "/workers/bulk", files={"file": (name, content)}, headers=api.officer
    )
    assert response.status_code == 422
    assert any(message in problem["message"] for problem in response.json()["errors"])


def test_upload_without_a_file_is_422(api: Api) -> None:
    response = api.client.post("/job-orders/bulk", headers=api.officer)
    assert response.status_code == 422


def test_uploads_are_bounded(tmp_path: Path, pool_data: PoolData) -> None:
    settings = sqlite_settings(tmp_path, max_upload_bytes=10_000)
    with TestClient(create_app(settings)) as client:
        officer = {"Authorization": f"Bearer {settings.admin_key}"}
        client.post("/agencies", json=pool_data.agencies[0], headers=officer)
        content = jsonl(pool_data.of("workers", AGENCY_A)[:100])
        assert len(content) > 10_000
        response = client.post(
            "/workers/bulk", files={"file": ("w.jsonl", content)}, headers=officer
        )
        assert response.status_code == 413
        small = jsonl(pool_data.of("workers", AGENCY_A)[:2])
        response = client.post("/workers/bulk", files={"file": ("w.jsonl", small)}, headers=officer)
        assert response.status_code == 200


def test_an_upload_is_read_from_memory_up_to_the_limit(
    tmp_path: Path, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Starlette spools an uploaded file to disk past 1 MiB (by default); the server keeps
    # it in memory up to its upload limit, so that it is not written out and read back.
    seen: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[3]._rolled)  # the SpooledTemporaryFile Starlette filled
        return upload(*args, **kwargs)

    monkeypatch.setattr(record_routes, "upload", spy)
    settings = sqlite_settings(tmp_path, max_upload_bytes=8 * 1024 * 1024)
    with TestClient(create_app(settings)) as client:
        officer = {"Authorization": f"Bearer {settings.admin_key}"}
        client.post("/agencies", json=pool_data.agencies[0], headers=officer)
        workers = pool_data.of("workers", AGENCY_A)
        content = jsonl([{**workers[i % len(workers)], "id": f"W-{i}"} for i in range(6000)])
        assert 2 * 1024 * 1024 < len(content) < 8 * 1024 * 1024
        response = client.post(
            "/workers/bulk", files={"file": ("w.jsonl", content)}, headers=officer
        )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 6000
    assert seen == [False]


def test_job_order_upload_updates_rankings(api: Api, pool_data: PoolData) -> None:
    vacancy = {**pool_data.of("vacancies", AGENCY_A)[0], "id": "JO-NEW"}
    assert api.upload("vacancies", [vacancy], api.keys["a"])["created"] == 1
    response = api.client.get(
        "/job-orders/JO-NEW/candidates?as_of=2026-03-01", headers=api.keys["a"]
    )
    assert response.status_code == 200
    assert response.json()["vacancy_id"] == "JO-NEW"


def test_the_pool_is_kept_out_of_full_garbage_collections(
    empty_api: Api, pool_data: PoolData
) -> None:
    # Objects alive after a start or a bulk upload (the live pool) are frozen: a full
    # collection never walks them (it stalled every request for a second at 100k workers).
    for agency in pool_data.agencies:
        empty_api.client.post("/agencies", json=agency, headers=empty_api.officer)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    empty_api.upload("workers", pool_data.workers[:50], empty_api.officer)
    assert gc.get_freeze_count() > 0


def test_every_uploaded_worker_is_stored_as_its_record_dumps(
    empty_api: Api, pool_data: PoolData
) -> None:
    # The upload reads the workers the typed reader accepts as views and the others as
    # records (here a name with a space to strip): both are stored as the model dumps.
    client, officer = empty_api.client, empty_api.officer
    client.post("/agencies", json=pool_data.agencies[0], headers=officer)
    mine = pool_data.of("workers", AGENCY_A)[:40]
    workers = [
        {**w, "full_name": f" {w['full_name']}"} if i % 2 and w.get("full_name") else w
        for i, w in enumerate(mine)
    ]
    viewed = [decode_view(jsonl([w])) is not None for w in workers]
    assert any(viewed)
    assert not all(viewed)
    assert empty_api.upload("workers", workers, officer)["created"] == len(workers)
    for worker in workers:
        stored = client.get(f"/workers/{worker['id']}", headers=officer)
        assert stored.text == Worker.model_validate(worker).model_dump_json(exclude_none=True)
