"""The store's contract, run on SQLite and on PostgreSQL (when a test database is given).

``SELARAS_TEST_DATABASE_URL`` names a PostgreSQL database that these tests wipe
(``.ci/run`` starts one); without it the PostgreSQL cases are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from api import upload_parts
from api.app import create_app
from api.settings import Settings
from api.storage import store
from api.storage.database import connect, migrate, read_session, write_session
from api.storage.store import (
    JOB_ORDERS,
    WORKERS,
    AmbiguousIdError,
    RecordExistsError,
    RecordNotFoundError,
    RecordTable,
    count_rows,
    find_record,
    list_records,
    put_agency,
    put_record,
    upsert_records,
)
from models.agency import Agency
from models.common import MonthlyWage
from models.worker import Worker
from tests.api.conftest import ADMIN_KEY, AGENCY_A, AGENCY_B, AS_OF, PoolData, jsonl, seed


@pytest.fixture
def engine(store_url: str, pool_data: PoolData) -> Iterator[Engine]:
    """A migrated store with agencies A and B."""
    engine = connect(store_url)
    migrate(engine)
    with write_session(engine) as session:
        for agency in pool_data.agencies:
            put_agency(session, Agency.model_validate(agency), create_only=True)
    yield engine
    engine.dispose()


def _workers(data: PoolData) -> list[Worker]:
    return [Worker.model_validate(w) for w in data.workers]


def test_migrations_create_the_schema_once(engine: Engine) -> None:
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    expected = {"agencies", "workers", "job_orders", "api_keys", "audit_log", "batch_runs"}
    assert {*expected, "quarantined_records", "opportunities", "courses"} <= tables
    assert "kind" in {column["name"] for column in inspect(engine).get_columns("batch_runs")}
    with read_session(engine) as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == "0006_training"


def test_put_find_and_conflicts(engine: Engine, pool_data: PoolData) -> None:
    worker = _workers(pool_data)[0]
    with write_session(engine) as session:
        assert put_record(session, WORKERS, worker, create_only=True)
    with write_session(engine) as session, pytest.raises(RecordExistsError):
        put_record(session, WORKERS, worker, create_only=True)
    twin = worker.model_copy(update={"agency_id": AGENCY_B})
    with write_session(engine) as session:
        assert put_record(session, WORKERS, twin, create_only=False)
        assert not put_record(session, WORKERS, twin, create_only=False)
    with read_session(engine) as session:
        with pytest.raises(AmbiguousIdError):
            find_record(session, WORKERS, worker.id, agency_id=None)
        row = find_record(session, WORKERS, worker.id, agency_id=AGENCY_B)
        assert WORKERS.load(row) == twin
        with pytest.raises(RecordNotFoundError, match="worker 'nope' not found"):
            find_record(session, WORKERS, "nope", agency_id=None)


def test_records_need_a_registered_agency(engine: Engine, pool_data: PoolData) -> None:
    stray = _workers(pool_data)[0].model_copy(update={"agency_id": "P3MI-9999"})
    with pytest.raises(IntegrityError), write_session(engine) as session:
        put_record(session, WORKERS, stray, create_only=True)


def _upsert_then_fail(engine: Engine, workers: list[Worker]) -> None:
    with write_session(engine) as session:
        upsert_records(session, WORKERS, workers)
        raise RuntimeError("the connection dropped before the commit")


def test_bulk_upsert_is_idempotent_and_atomic(engine: Engine, pool_data: PoolData) -> None:
    workers = _workers(pool_data)
    with write_session(engine) as session:
        counts = upsert_records(session, WORKERS, workers)
    assert (counts.created, counts.updated) == (len(workers), 0)
    with write_session(engine) as session:
        counts = upsert_records(session, WORKERS, workers[:10])
    assert (counts.created, counts.updated) == (0, 10)
    fresh = [w.model_copy(update={"id": f"NEW-{i}"}) for i, w in enumerate(workers)]
    with pytest.raises(RuntimeError):
        _upsert_then_fail(engine, fresh)
    with read_session(engine) as session:
        assert count_rows(session, WORKERS, agency_id=None) == len(workers)


def _stored(engine: Engine, table: RecordTable[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``table`` as the database holds it (timestamps as stored)."""
    name = table.row.__tablename__
    with read_session(engine) as session:
        return [tuple(r) for r in session.execute(text(f"SELECT * FROM {name} ORDER BY 1, 2"))]


def _rows_per_statement(
    monkeypatch: pytest.MonkeyPatch, table: RecordTable[Any], rows: int
) -> None:
    """Make SQLite's multi-row upserts take ``rows`` rows a statement."""
    monkeypatch.setattr(store, "_PARAMETER_BUDGET", rows * len(store._record_columns(table)))


@pytest.mark.parametrize("rows_per_statement", [None, 3])
@pytest.mark.parametrize("kind", ["workers", "job_orders"])
def test_bulk_upsert_stores_what_single_writes_store(
    engine: Engine,
    pool_data: PoolData,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    rows_per_statement: int | None,
) -> None:
    # The bulk upsert sends the driver pre-bound rows; the ORM's single writes bind every
    # value through the columns' types. Both must leave the same rows, inserted and
    # replaced (a clock not in UTC: the stamps are stored in UTC), however many rows
    # SQLite takes a statement.
    table: RecordTable[Any] = WORKERS if kind == "workers" else JOB_ORDERS
    if rows_per_statement is not None:
        _rows_per_statement(monkeypatch, table, rows_per_statement)
    records: list[Any] = [
        table.model.model_validate(r)
        for r in (pool_data.workers if kind == "workers" else pool_data.vacancies)
    ]
    changed = [r.model_copy(update={"agency_id": AGENCY_B}) for r in records[::3]]
    zone = dt.timezone(dt.timedelta(hours=7))
    first, later = (dt.datetime(2026, 3, 1, 8, 0, 0, 123456, zone), dt.datetime(2026, 3, 2, 9, 1))
    stored = []
    for bulk in (False, True):
        with write_session(engine) as session:
            session.execute(text(f"DELETE FROM {table.row.__tablename__}"))
        for now, batch in ((first, records), (later, records[::2] + changed)):
            monkeypatch.setattr(store, "_now", lambda now=now: now)
            with write_session(engine) as session:
                if bulk:
                    upsert_records(
                        session, table, list({(r.agency_id, r.id): r for r in batch}.values())
                    )
                else:
                    for record in batch:
                        put_record(session, table, record, create_only=False)
        stored.append(_stored(engine, table))
    assert len(stored[0]) == len({(r.agency_id, r.id) for r in records + changed})
    assert stored[1] == stored[0]


def test_a_bulk_upsert_refused_in_a_later_statement_stores_nothing(
    engine: Engine, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store refuses a record it could not read back (a wage above its bound: the
    # SQLite trigger or the PostgreSQL CHECK); it comes in the third statement, after two
    # that were written, and the transaction keeps none of them.
    workers = _workers(pool_data)[:10]
    _rows_per_statement(monkeypatch, WORKERS, 3)
    wage = MonthlyWage.model_construct(amount=1e16, currency="IDR")
    preferences = workers[7].preferences.model_copy(update={"min_monthly_wage": wage})
    workers[7] = workers[7].model_copy(update={"preferences": preferences})
    refused = pytest.raises(DatabaseError, match=r"a stored worker must be|workers_record_readable")
    with refused, write_session(engine) as session:
        upsert_records(session, WORKERS, workers)
    with read_session(engine) as session:
        assert count_rows(session, WORKERS, agency_id=None) == 0


def test_bulk_upsert_sees_what_its_transaction_added(engine: Engine, pool_data: PoolData) -> None:
    agency = Agency.model_validate({**pool_data.agencies[0], "id": "P3MI-0777"})
    worker = _workers(pool_data)[0].model_copy(update={"agency_id": agency.id})
    with write_session(engine) as session:
        put_agency(session, agency, create_only=True)
        put_record(session, WORKERS, worker.model_copy(update={"id": "W-NEW"}), create_only=True)
        counts = upsert_records(
            session, WORKERS, [worker, worker.model_copy(update={"id": "W-NEW"})]
        )
    assert (counts.created, counts.updated) == (1, 1)


def test_pages_follow_byte_order_of_ids(engine: Engine, pool_data: PoolData) -> None:
    base = _workers(pool_data)[0]
    ids = ["b", "B", "a-1", "a_1", "a.1", "A", "10", "9", "Z:1", "z/2"]
    with write_session(engine) as session:
        upsert_records(session, WORKERS, [base.model_copy(update={"id": i}) for i in ids])
    seen: list[str] = []
    after = None
    with read_session(engine) as session:
        while True:
            rows = list_records(
                session,
                WORKERS,
                agency_id=AGENCY_A,
                filters={},
                updated_since=None,
                after=after,
                limit=3,
            )
            seen += [row.id for row in rows]
            if len(rows) < 3:
                break
            after = (rows[-1].agency_id, rows[-1].id)
    assert seen == sorted(ids)


def test_audit_log_refuses_changes(engine: Engine) -> None:
    with write_session(engine) as session:
        session.execute(
            text(
                "INSERT INTO audit_log (at, key_id, role, action, params, result_ids, versions) "
                "VALUES (CURRENT_TIMESTAMP, 'k', 'officer', 'test', '{}', '[]', '{}')"
            )
        )
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), write_session(engine) as session:
            session.execute(text(statement))


def test_the_api_on_this_store(store_url: str, pool_data: PoolData) -> None:
    settings = Settings(database_url=store_url, admin_key=ADMIN_KEY)
    with TestClient(create_app(settings)) as client:
        api = seed(client, pool_data)
        vacancy = pool_data.of("vacancies", AGENCY_A)[0]
        found = client.get(
            f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=5&agency_id={AGENCY_A}",
            headers=api.officer,
        )
        assert found.status_code == 200
        # An agency listing another agency's records gets an empty page (the filter that
        # matches nothing must be one PostgreSQL can compare: not a NUL).
        for path in ("/workers", "/job-orders"):
            other = client.get(f"{path}?agency_id={AGENCY_B}", headers=api.keys["a"])
            assert other.json() == {"items": [], "next_cursor": None}
        again = api.upload("workers", pool_data.workers, api.officer)
        assert again["created"] == 0
    # A restart rebuilds the pool from the store: the same ranking comes back.
    with TestClient(create_app(settings)) as client:
        restarted = client.get(
            f"/job-orders/{vacancy['id']}/candidates?as_of={AS_OF}&k=5&agency_id={AGENCY_A}",
            headers=api.officer,
        )
        assert restarted.json()["results"] == found.json()["results"]


def test_an_upload_read_in_parts_is_stored_as_one_read_whole(
    store_url: str, pool_data: PoolData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parts a forked process reads are stored from their rows (store.upsert_columns)
    # in the upload's transaction: on each backend, as a server reading the upload alone
    # stores it (SQLite).
    monkeypatch.setattr(upload_parts, "MIN_FORKED_BYTES", 0)
    workers = pool_data.workers[:-1]  # the last is a twin of the first
    # Then a file with a repeat in its first part (one statement may not write a row
    # twice on PostgreSQL) and one with an unregistered agency there: refused, 422.
    stray = {**workers[0], "agency_id": "NO-SUCH-AGENCY"}
    files = [jsonl(workers)] * 2 + [jsonl([workers[1], *workers]), jsonl([stray, *workers])]
    seen = []
    for url, jobs in ((f"sqlite:///{tmp_path / 'whole.db'}", 1), (store_url, 3)):
        settings = Settings(database_url=url, admin_key=ADMIN_KEY, upload_read_jobs=jobs)
        with TestClient(create_app(settings)) as client:
            officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
            for agency in pool_data.agencies:
                assert client.post("/agencies", json=agency, headers=officer).status_code == 201
            answers = [
                client.post("/workers/bulk", files={"file": ("w.jsonl", content)}, headers=officer)
                for content in files
            ]
            listed = client.get("/workers?limit=500", headers=officer).json()
            pages = [listed["items"]]
            while listed["next_cursor"]:
                cursor = listed["next_cursor"]
                listed = client.get(f"/workers?limit=500&cursor={cursor}", headers=officer).json()
                pages.append(listed["items"])
            seen.append(([(a.status_code, a.json()) for a in answers], pages))
    assert seen[0] == seen[1]
    assert [code for code, _ in seen[1][0]] == [200, 200, 422, 422]
    assert [body["created"] for _, body in seen[1][0][:2]] == [len(workers), 0]
