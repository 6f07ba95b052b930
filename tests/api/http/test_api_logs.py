"""No personal value in any log line, tracebacks included.

Requests carry a recognisable NIK and name (valid and invalid bodies, uploads, a forced
internal error, a stored record quarantined at start-up) and every log line is searched
for them: in process (the server's own loggers) and on a real ``selaras serve`` (uvicorn's
loggers and handlers too, on stderr).
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from uvicorn.logging import AccessFormatter

from api.app import create_app
from api.http.safe_logging import (
    WITHHELD,
    PlainAccessFormatter,
    log_config,
    redacted_query,
    redacted_traceback,
)
from api.storage.database import connect, migrate
from models.worker import Worker
from tests.api.conftest import ADMIN_KEY, AGENCY_A, PoolData, jsonl, sqlite_settings
from tests.api.storage.test_api_crash import _free_port

NIK = "3273014509950002"
NAME = "Rahmawati Logtest"
OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _validation_error() -> ValidationError:
    try:
        Worker.model_validate({"id": "W", "agency_id": "A", "birth_date": NAME, "nik": NIK + "9"})
    except ValidationError as error:
        return error
    raise AssertionError("the record was valid")


def test_a_redacted_traceback_keeps_frames_and_drops_messages() -> None:
    try:
        try:
            raise _validation_error()
        except ValidationError as error:
            raise RuntimeError(f"while storing {NAME}") from error
    except RuntimeError as error:
        text = redacted_traceback(error)
    assert NIK not in text
    assert NAME not in text
    assert "pydantic_core._pydantic_core.ValidationError " + WITHHELD in text
    assert "RuntimeError " + WITHHELD in text
    assert "test_a_redacted_traceback_keeps_frames_and_drops_messages" in text


def test_the_serve_log_configuration_redacts_every_handler(tmp_path: Path) -> None:
    path = tmp_path / "log"
    base = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"default": {"class": "logging.FileHandler", "filename": str(path)}},
        "loggers": {"uvicorn.error": {"handlers": ["default"], "level": "INFO"}},
    }
    logging.config.dictConfig(log_config(base))
    try:
        for name in ("uvicorn.error", "selaras.api"):
            try:
                raise _validation_error()
            except ValidationError:
                logging.getLogger(name).exception("Exception in ASGI application")
    finally:
        for name in ("uvicorn.error", "selaras"):
            for handler in logging.getLogger(name).handlers:
                handler.close()
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    written = path.read_text(encoding="utf-8")
    assert written.count(WITHHELD) == 2
    assert NIK not in written
    assert NAME not in written


@pytest.mark.parametrize("status", [200, 404, 422, 499, 599])
@pytest.mark.parametrize("level", [logging.INFO, logging.WARNING])
def test_the_plain_access_line_is_uvicorns_line(status: int, level: int) -> None:
    fmt = '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'
    record = logging.LogRecord(
        "uvicorn.access",
        level,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/job-orders/J1/candidates?k=…", "1.1", status),
        None,
    )
    plain = PlainAccessFormatter(fmt, use_colors=False).format(record)
    assert plain == AccessFormatter(fmt, use_colors=False).format(record)
    assert '"GET /job-orders/J1/candidates?k=… HTTP/1.1"' in plain


def test_the_serve_log_configuration_writes_plain_access_lines() -> None:
    base = {
        "version": 1,
        "formatters": {"access": {"()": "uvicorn.logging.AccessFormatter", "fmt": "%(message)s"}},
    }
    config = log_config(base)
    assert config["formatters"]["access"]["()"] == "api.http.safe_logging.PlainAccessFormatter"
    assert base["formatters"]["access"]["()"] == "uvicorn.logging.AccessFormatter"


def test_an_internal_error_is_a_500_logged_without_values(
    tmp_path: Path,
    pool_data: PoolData,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise _validation_error()

    monkeypatch.setattr("api.routers.record_routes.write_one", broken)
    caplog.set_level(logging.DEBUG)
    worker = {**pool_data.of("workers", AGENCY_A)[0], "nik": NIK, "full_name": NAME}
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        for agency in pool_data.agencies:
            client.post("/agencies", json=agency, headers=OFFICER)
        response = client.post("/workers", json=worker, headers=OFFICER)
        assert response.status_code == 500
        assert response.json() == {"detail": "internal error; it has been logged"}
        assert NIK not in response.text
        assert client.get("/health").is_success  # and the server goes on
    assert "internal error on POST /workers" in caplog.text
    assert NIK not in caplog.text
    assert NAME not in caplog.text


def _hostile_requests(url: str, worker: dict[str, Any]) -> None:
    marked = {**worker, "nik": NIK, "full_name": NAME}
    bodies = [
        ("POST", "/workers", json.dumps(marked).encode()),  # valid: 201
        ("PUT", f"/workers/{worker['id']}", json.dumps({**marked, "birth_date": NAME}).encode()),
        ("PUT", f"/workers/{worker['id']}", json.dumps({**marked, "nik": NIK + "x"}).encode()),
        ("POST", "/workers", json.dumps(marked).encode().replace(b"}", b", NaN: 1}", 1)),
        ("POST", "/match", json.dumps({"job_order": {"title": NAME, "id": NIK}}).encode()),
        ("POST", "/agencies", json.dumps({"id": NIK, "name": f"{NAME}\u0000"}).encode()),
    ]
    headers = {**OFFICER, "Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=60) as client:
        for method, path, body in bodies:
            assert client.request(method, path, content=body, headers=headers).status_code < 500
        bad_file = jsonl([{**marked, "birth_date": NAME}, {**marked, "id": "W-2", "nik": "1"}])
        upload = client.post(
            "/workers/bulk", files={"file": (f"{NAME}.jsonl", bad_file)}, headers=OFFICER
        )
        assert upload.status_code == 422
        assert client.get(f"/workers?cursor={NIK}", headers=OFFICER).status_code == 422


def test_a_real_server_logs_no_personal_value(tmp_path: Path, pool_data: PoolData) -> None:
    store = tmp_path / "selaras.db"
    engine = connect(f"sqlite:///{store}")
    migrate(engine)
    with engine.begin() as connection:
        for agency in pool_data.agencies:
            stored = json.dumps({k: v for k, v in agency.items() if v is not None})
            connection.exec_driver_sql(
                "INSERT INTO agencies VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                (agency["id"], agency["status"], stored),
            )
        # A record an older version could store: quarantined (and logged) at start-up.
        old = {**pool_data.of("workers", AGENCY_A)[1], "nik": NIK, "full_name": f"{NAME}\u0007"}
        connection.exec_driver_sql(
            "INSERT INTO workers (agency_id, id, record, created_at, updated_at) "
            "VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            (AGENCY_A, old["id"], json.dumps(old)),
        )
    engine.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELARAS_")}
    env["SELARAS_ADMIN_KEY"] = ADMIN_KEY
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "serve",
                "--port",
                str(port),
                "--database",
                f"sqlite:///{store}",
            ],
            cwd=Path(__file__).resolve().parents[3],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=1).json()["quarantined"] == 1:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            _hostile_requests(url, pool_data.of("workers", AGENCY_A)[0])
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    written = log.read_text(encoding="utf-8", errors="replace")
    assert "quarantined worker" in written
    assert '"POST /workers/bulk HTTP/1.1" 422' in written
    assert NIK not in written
    assert NAME not in written


def test_access_log_paths_keep_query_names_not_values() -> None:
    assert redacted_query(f"/workers?cursor={NIK}&limit=5") == "/workers?cursor=…&limit=…"
    assert redacted_query("/health") == "/health"
