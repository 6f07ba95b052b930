"""The live pool saved beside the store (``api.live_pool.saved``): a restart restores it
instead of loading every worker, and gives the same answers; a stale, damaged or
foreign file is never used (the start says why in the log and loads the store)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.live_pool import ranking as ranking_module
from api.live_pool.saved import store_state
from api.settings import Settings
from api.storage.database import connect, read_session
from tests.api.conftest import ADMIN_KEY, AS_OF, PoolData, seed, sqlite_settings

OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _settings(folder: Path) -> Settings:
    return replace(sqlite_settings(folder), pool_snapshot=folder / "selaras.db.pool")


def _answers(client: TestClient, data: PoolData) -> list[Any]:
    """Every job order's top 20 (officer) and the first workers' job orders."""
    found = []
    for vacancy in data.vacancies:
        response = client.get(
            f"/job-orders/{vacancy['id']}/candidates",
            params={"as_of": AS_OF, "k": 20, "agency_id": vacancy["agency_id"]},
            headers=OFFICER,
        )
        assert response.status_code == 200, response.text
        found.append(response.json())
    for worker in data.workers[2:22]:  # the tests delete the first two
        response = client.get(
            f"/workers/{worker['id']}/job-orders",
            params={"as_of": AS_OF, "k": 5, "agency_id": worker["agency_id"]},
            headers=OFFICER,
        )
        assert response.status_code == 200, response.text
        found.append(response.json())
    return found


def _restart(settings: Settings, data: PoolData) -> list[Any]:
    with TestClient(create_app(settings)) as client:
        return _answers(client, data)


@pytest.fixture
def saved(tmp_path: Path, pool_data: PoolData) -> tuple[Settings, list[Any]]:
    """A store holding the pool data, stopped once (so its pool is saved), and the
    answers of a start that loads every stored worker."""
    settings = _settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        seed(client, pool_data)
    assert settings.pool_snapshot is not None
    assert settings.pool_snapshot.exists()
    return settings, _restart(replace(settings, pool_snapshot=None), pool_data)


def _delete(settings: Settings, worker: dict[str, Any]) -> None:
    """Delete a stored worker through a server started with ``settings``."""
    with TestClient(create_app(settings)) as client:
        response = client.delete(
            f"/workers/{worker['id']}", params={"agency_id": worker["agency_id"]}, headers=OFFICER
        )
        assert response.status_code == 204, response.text


def _forbid_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("every stored worker was loaded")

    monkeypatch.setattr(ranking_module.Ranking, "load", refuse)


def test_a_restart_restores_the_saved_pool(
    saved: tuple[Settings, list[Any]],
    pool_data: PoolData,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings, expected = saved
    _forbid_full_load(monkeypatch)
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        assert _restart(settings, pool_data) == expected
    assert "live pool restored from" in caplog.text
    # Nothing changed: the file is not written again.
    assert "live pool saved" not in caplog.text


def test_writes_after_a_restore_are_saved_at_the_stop(
    saved: tuple[Settings, list[Any]], pool_data: PoolData, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _ = saved
    _delete(settings, pool_data.workers[0])
    full = _restart(replace(settings, pool_snapshot=None), pool_data)
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        assert _restart(settings, pool_data) == full
    assert "live pool restored from" in caplog.text


def test_a_pool_saved_from_another_state_of_the_store_is_not_used(
    saved: tuple[Settings, list[Any]], pool_data: PoolData, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _ = saved
    assert settings.pool_snapshot is not None
    kept = settings.pool_snapshot.read_bytes()
    # A server that does not save its pool changes the store: the file is now stale.
    _delete(replace(settings, pool_snapshot=None), pool_data.workers[1])
    full = _restart(replace(settings, pool_snapshot=None), pool_data)
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        assert _restart(settings, pool_data) == full
    assert "the store changed since it was saved" in caplog.text
    assert "live pool saved to" in caplog.text  # a new file, of the store as it is
    assert settings.pool_snapshot.read_bytes() != kept


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "foreign"])
def test_a_damaged_or_foreign_file_is_not_used(
    saved: tuple[Settings, list[Any]],
    pool_data: PoolData,
    caplog: pytest.LogCaptureFixture,
    damage: str,
    tmp_path: Path,
) -> None:
    settings, expected = saved
    path = settings.pool_snapshot
    assert path is not None
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-10] ^= 0x01
    elif damage == "empty":
        data = bytearray()
    else:  # the saved pool of another store (same records, other database)
        other = _settings(tmp_path / "other")
        (tmp_path / "other").mkdir()
        with TestClient(create_app(other)) as client:
            seed(client, pool_data)
        assert other.pool_snapshot is not None
        data = bytearray(other.pool_snapshot.read_bytes())
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        assert _restart(settings, pool_data) == expected
    assert "saved live pool" in caplog.text
    assert "not used, loading every stored worker" in caplog.text


def test_a_pool_saved_under_other_versions_is_not_used(
    saved: tuple[Settings, list[Any]],
    pool_data: PoolData,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matcher.pool import snapshot as module

    settings, expected = saved
    current = module.engine_versions()
    monkeypatch.setattr(module, "engine_versions", lambda: {**current, "taxonomy": "2099-01"})
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        assert _restart(settings, pool_data) == expected
    assert "made under other versions (taxonomy:" in caplog.text


def test_without_a_file_the_start_loads_the_store_and_saves_it(
    tmp_path: Path, pool_data: PoolData, caplog: pytest.LogCaptureFixture
) -> None:
    settings = replace(sqlite_settings(tmp_path), pool_snapshot=None)
    with TestClient(create_app(settings)) as client:
        seed(client, pool_data)
    with_file = _settings(tmp_path)
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        expected = _restart(with_file, pool_data)
    assert "no saved live pool at" in caplog.text
    assert "live pool saved to" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="selaras.api"):
        assert _restart(with_file, pool_data) == expected
    assert "live pool restored from" in caplog.text


def test_a_start_that_loads_the_store_answers_as_the_server_before_it(
    tmp_path: Path, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A start without a saved pool reads every stored worker: as a view where the typed
    # reader can, else as a record (here a worker with a home, which only pydantic reads).
    settings = replace(sqlite_settings(tmp_path), pool_snapshot=None)
    worker = {**pool_data.workers[3], "home": {"province": "Jawa Tengah", "regency": "Kab. Kendal"}}
    with TestClient(create_app(settings)) as client:
        seed(client, pool_data)
        response = client.put(
            f"/workers/{worker['id']}",
            params={"agency_id": worker["agency_id"]},
            json=worker,
            headers=OFFICER,
        )
        assert response.status_code == 200, response.text
        before = _answers(client, pool_data)
    read: list[str] = []
    load = ranking_module.Ranking.load

    def spy(self: ranking_module.Ranking, workers: Any, vacancies: Any) -> None:
        stored = list(workers)
        read.extend(type(w).__name__ for w in stored)
        load(self, stored, vacancies)

    monkeypatch.setattr(ranking_module.Ranking, "load", spy)
    assert _restart(settings, pool_data) == before
    assert sorted(set(read)) == ["Worker", "WorkerView"]
    assert read.count("Worker") == 1


def test_the_store_state_changes_with_every_worker_write(
    tmp_path: Path, pool_data: PoolData
) -> None:
    settings = replace(sqlite_settings(tmp_path), pool_snapshot=None)
    engine = connect(settings.database_url)

    def state() -> dict[str, Any]:
        with read_session(engine) as session:
            return store_state(session)

    try:
        with TestClient(create_app(settings)) as client:
            seed(client, pool_data)
            first = state()
            assert first["workers"] == len(pool_data.workers)
            assert state() == first
            worker = {**pool_data.workers[2], "full_name": "Someone Else"}
            response = client.put(
                f"/workers/{worker['id']}",
                params={"agency_id": worker["agency_id"]},
                json=worker,
                headers=OFFICER,
            )
            assert response.status_code in (200, 201), response.text
            updated = state()
            assert updated["workers"] == first["workers"]
            assert updated["sha256"] != first["sha256"]
    finally:
        engine.dispose()


def test_settings_put_the_file_beside_a_sqlite_store(tmp_path: Path) -> None:
    env = {"SELARAS_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).pool_snapshot == tmp_path / "selaras.db.pool"
    postgres = Settings.from_env(env, database_url="postgresql+psycopg://u@h/db")
    assert postgres.pool_snapshot == tmp_path / "live-pool.pool"
    given = {**env, "SELARAS_POOL_SNAPSHOT": str(tmp_path / "x.pool")}
    assert Settings.from_env(given).pool_snapshot == tmp_path / "x.pool"
    assert Settings.from_env({**env, "SELARAS_POOL_SNAPSHOT": "off"}).pool_snapshot is None
