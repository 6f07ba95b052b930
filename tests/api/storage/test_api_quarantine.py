"""A store that holds records the service cannot read still starts: they are quarantined.

The rows are written straight into the database, bypassing the API, as an older version
(before migration 0003 and the bounds of issue 12) could have left them: a wage that was
infinite and was stored as ``null``, a NUL inside a name, a wage above the ceiling, an
agency whose name holds a control character. Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from api.settings import Settings
from api.storage.database import connect
from tests.api.conftest import ADMIN_KEY, AGENCY_A, AS_OF, PoolData
from tests.api.storage.stores import downgrade, upgrade

OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}
NIK = "3273014509950002"
NAME = "Sri Quarantina"
BAD_AGENCY = "P3MI-BAD"


def _insert(engine: Engine, table: str, agency_id: str, record_id: str, record: str) -> None:
    columns = {"workers": ", education", "job_orders": ", country, programme"}[table]
    values = {"workers": ", NULL", "job_orders": ", 'JP', 'JP-SSW1'"}[table]
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {table} (agency_id, id, record, created_at, updated_at{columns}) "
                f"VALUES (:agency, :id, :record, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP{values})"
            ),
            {"agency": agency_id, "id": record_id, "record": record},
        )


def _insert_agency(engine: Engine, record: dict[str, Any]) -> None:
    record = {key: value for key, value in record.items() if value is not None}  # as stored
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agencies (id, status, record, created_at, updated_at) "
                "VALUES (:id, :status, :record, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"id": record["id"], "status": record["status"], "record": json.dumps(record)},
        )


def _old_store(url: str, data: PoolData) -> dict[str, str]:
    """A store at revision 0002 holding good records and four unreadable ones."""
    engine = connect(url)
    upgrade(engine, "0002")
    for agency in data.agencies:
        _insert_agency(engine, agency)
    _insert_agency(engine, {"id": BAD_AGENCY, "name": "PT Rusak\u0000", "status": "active"})
    for worker in data.of("workers", AGENCY_A)[:40]:
        _insert(engine, "workers", AGENCY_A, worker["id"], json.dumps(worker))
    for vacancy in data.of("vacancies", AGENCY_A):
        _insert(engine, "job_orders", AGENCY_A, vacancy["id"], json.dumps(vacancy))
    base = data.of("workers", AGENCY_A)[0]
    bad = {
        "W-INF": {
            **base,
            "id": "W-INF",
            "nik": NIK,
            "preferences": {"min_monthly_wage": {"amount": None, "currency": "IDR"}},
        },
        "W-NUL": {**base, "id": "W-NUL", "nik": NIK, "full_name": f"{NAME}\u0000"},
    }
    for record_id, record in bad.items():
        _insert(engine, "workers", AGENCY_A, record_id, json.dumps(record))
    vacancy = data.of("vacancies", AGENCY_A)[0]
    rich = {**vacancy, "id": "JO-RICH", "wage": {"amount": 1e30, "currency": "IDR", "per": "month"}}
    _insert(engine, "job_orders", AGENCY_A, "JO-RICH", json.dumps(rich))
    engine.dispose()
    return {"vacancy": vacancy["id"], "worker": base["id"]}


def test_start_up_quarantines_unreadable_records_and_serves_the_rest(
    store_url: str, pool_data: PoolData, caplog: pytest.LogCaptureFixture
) -> None:
    good = _old_store(store_url, pool_data)
    settings = Settings(database_url=store_url, admin_key=ADMIN_KEY)
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["quarantined"] == 4
        listed = client.get("/quarantine", headers=OFFICER).json()["items"]
        found = {(e["kind"], e["agency_id"], e["id"]): e for e in listed}
        assert set(found) == {
            ("agency", None, BAD_AGENCY),
            ("worker", AGENCY_A, "W-INF"),
            ("worker", AGENCY_A, "W-NUL"),
            ("job_order", AGENCY_A, "JO-RICH"),
        }
        fields = {key: [p["field"] for p in e["problems"]] for key, e in found.items()}
        assert fields[("worker", AGENCY_A, "W-INF")] == ["preferences.min_monthly_wage.amount"]
        assert fields[("worker", AGENCY_A, "W-NUL")] == ["full_name"]
        assert fields[("job_order", AGENCY_A, "JO-RICH")] == ["wage.amount"]
        # Out of service: absent for the API, and everything else served.
        for path in ("/workers/W-INF", "/workers/W-NUL", "/job-orders/JO-RICH"):
            assert client.get(f"{path}?agency_id={AGENCY_A}", headers=OFFICER).status_code == 404
        assert client.get(f"/agencies/{BAD_AGENCY}", headers=OFFICER).status_code == 404
        assert BAD_AGENCY not in {a["id"] for a in client.get("/agencies", headers=OFFICER).json()}
        assert client.get(f"/workers/{good['worker']}", headers=OFFICER).status_code == 200
        ranked = client.get(
            f"/job-orders/{good['vacancy']}/candidates?as_of={AS_OF}&agency_id={AGENCY_A}"
            "&include_ineligible=true",
            headers=OFFICER,
        )
        assert ranked.status_code == 200
        assert ranked.json()["results"]
        # The agency may write its worker again.
        fixed = {**pool_data.of("workers", AGENCY_A)[0], "id": "W-INF"}
        assert client.put("/workers/W-INF", json=fixed, headers=OFFICER).status_code == 201
    logged = caplog.text
    assert f"quarantined worker {AGENCY_A}/W-INF" in logged
    assert "preferences.min_monthly_wage.amount (float_type)" in logged
    assert NIK not in logged
    assert NAME not in logged

    # A second start finds nothing new; the agency (still unreadable) is not counted twice.
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["quarantined"] == 4
        assert client.get("/workers/W-INF", headers=OFFICER).status_code == 200
        replaced = {"id": BAD_AGENCY, "name": "PT Baik", "status": "active"}
        assert client.put(f"/agencies/{BAD_AGENCY}", json=replaced, headers=OFFICER).is_success
        assert BAD_AGENCY in {a["id"] for a in client.get("/agencies", headers=OFFICER).json()}
        for entry in client.get("/quarantine", headers=OFFICER).json()["items"]:
            dismissed = client.delete(f"/quarantine/{entry['seq']}", headers=OFFICER)
            assert dismissed.status_code == 204
        assert client.get("/health").json()["quarantined"] == 0
        assert client.delete("/quarantine/1", headers=OFFICER).status_code == 404
        audit = client.get("/audit?action=quarantine.dismiss", headers=OFFICER).json()
        assert len(audit["items"]) == 4
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["quarantined"] == 0


def test_the_store_refuses_unreadable_records_written_past_the_service(
    store_url: str, pool_data: PoolData
) -> None:
    engine = connect(store_url)
    upgrade(engine, "head")
    _insert_agency(engine, pool_data.agencies[0])
    agency = pool_data.agencies[0]["id"]
    worker = {**pool_data.workers[0], "agency_id": agency}
    _insert(engine, "workers", agency, "W-OK", json.dumps(worker))
    wage = {"min_monthly_wage": {"amount": 1.5, "currency": "IDR"}}
    unreadable = [
        json.dumps({**worker, "preferences": {"min_monthly_wage": {"amount": None}}}),
        json.dumps({**worker, "preferences": wage}).replace("1.5", "1e400"),
        json.dumps({**worker, "preferences": wage}).replace("1.5", "-1"),
        "[]",
    ]
    for record in unreadable:
        with pytest.raises(Exception, match=r"record|check|json|JSON"):
            _insert(engine, "workers", agency, "W-BAD", record)
    vacancy = {**pool_data.vacancies[0], "agency_id": agency}
    for change in ({"slots": 0}, {"slots": 2.5}, {"wage": {"amount": -1}}, {"wage": "high"}):
        with pytest.raises(Exception, match=r"record|check"):
            _insert(engine, "job_orders", agency, "JO-BAD", json.dumps({**vacancy, **change}))
    # What the database accepts but the models do not is quarantined at start-up.
    above = {**worker, "preferences": {"min_monthly_wage": {"amount": 1e12, "currency": "IDR"}}}
    _insert(engine, "workers", agency, "W-ABOVE", json.dumps(above))
    engine.dispose()
    with TestClient(create_app(Settings(database_url=store_url, admin_key=ADMIN_KEY))) as client:
        assert client.get("/health").json()["quarantined"] == 1
        assert client.get("/workers/W-OK", headers=OFFICER).status_code == 200


def test_the_migration_goes_down_and_up_again(store_url: str, pool_data: PoolData) -> None:
    engine = connect(store_url)
    upgrade(engine, "head")
    downgrade(engine, "0002")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
    _insert_agency(engine, pool_data.agencies[0])
    agency = pool_data.agencies[0]["id"]
    record = json.dumps({"id": "W-1", "agency_id": agency, "x": None})
    _insert(engine, "workers", agency, "W-1", record)  # no constraint at 0002
    upgrade(engine, "head")  # existing rows are left to the start-up check
    engine.dispose()
    with TestClient(create_app(Settings(database_url=store_url, admin_key=ADMIN_KEY))) as client:
        assert client.get("/health").json()["quarantined"] == 1


def test_a_sqlite_record_that_is_not_utf8_is_quarantined(
    tmp_path: Path, pool_data: PoolData
) -> None:
    url = f"sqlite:///{tmp_path / 'selaras.db'}"
    engine = connect(url)
    upgrade(engine, "0002")
    _insert_agency(engine, pool_data.agencies[0])
    agency = pool_data.agencies[0]["id"]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workers (agency_id, id, record, created_at, updated_at) "
                "VALUES (:agency, 'W-BYTES', CAST(:record AS TEXT), CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            ),
            {"agency": agency, "record": b'{"id": "W-BYTES", "full_name": "\xff\xfe"}'},
        )
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url, admin_key=ADMIN_KEY))) as client:
        assert client.get("/health").json()["quarantined"] == 1
        [entry] = client.get("/quarantine", headers=OFFICER).json()["items"]
        assert entry["id"] == "W-BYTES"


def test_an_agency_that_is_not_utf8_answers_404_until_replaced(
    tmp_path: Path, pool_data: PoolData
) -> None:
    url = f"sqlite:///{tmp_path / 'selaras.db'}"
    engine = connect(url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agencies (id, status, record, created_at, updated_at) "
                "VALUES ('AG-BYTES', 'active', CAST(:record AS TEXT), CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            ),
            {"record": b'{"id": "AG-BYTES", "name": "\xff\xfe", "status": "active"}'},
        )
    engine.dispose()
    replaced = {"id": "AG-BYTES", "name": "PT Baru", "status": "active"}
    with TestClient(create_app(Settings(database_url=url, admin_key=ADMIN_KEY))) as client:
        assert client.get("/health").json()["quarantined"] == 1
        assert client.get("/agencies/AG-BYTES", headers=OFFICER).status_code == 404
        assert "AG-BYTES" not in {a["id"] for a in client.get("/agencies", headers=OFFICER).json()}
        licence = {"status": "suspended"}
        assert (
            client.patch("/agencies/AG-BYTES/licence", json=licence, headers=OFFICER).status_code
            == 404
        )
        assert client.put("/agencies/AG-BYTES", json=replaced, headers=OFFICER).status_code == 200
        assert client.get("/agencies/AG-BYTES", headers=OFFICER).json()["name"] == "PT Baru"
