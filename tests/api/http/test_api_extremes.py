"""Every resource written with the most extreme values the bounds allow, then a restart.

Whatever the API accepts it can rank, explain, list and read back, and the server starts
again on the store with nothing quarantined: the records come back equal, the rankings
too.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from models.bounds import EARLIEST_DATE, LATEST_DATE, MAX_CERTIFICATE_SCORE, wage_ceiling
from tests.api.conftest import ADMIN_KEY, sqlite_settings

OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}
FIRST, LAST = EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()
LONG = ("Sitì 😀 溶接 용접 " * 30)[:300].strip()
AGENCY = "P3MI-" + "9" * 59  # 64 characters, the longest id
TINY = 5e-324  # the smallest positive double


def _agency() -> dict[str, Any]:
    return {
        "id": AGENCY,
        "name": LONG,
        "licence": LONG,
        "status": "active",
        "valid_from": FIRST,
        "valid_until": LAST,
    }


def _workers() -> list[dict[str, Any]]:
    eldest = {
        "id": "W-" + "Z" * 62,
        "agency_id": AGENCY,
        "full_name": LONG,
        "nik": "3273010101200001",
        "birth_date": "1920-01-01",
        "gender": "X",
        "province": LONG,
        "religion": LONG,
        "ethnicity": LONG,
        "marital_status": LONG,
        "education": "S3",
        "skills": [
            {"name": "las listrik", "months": 1200, "level": 5},
            {"name": LONG, "months": 0, "level": 1},
            *({"name": f"operator mesin {i}", "months": i, "level": 3} for i in range(98)),
        ],  # the most a list holds (models.bounds.MAX_ITEMS)
        "certificates": [
            {
                "name": LONG,
                "skill": "SMAW welding",
                "scheme": "BNSP",
                "number": LONG,
                "issued": FIRST,
                "expires": LAST,
                "score": MAX_CERTIFICATE_SCORE,
            }
        ],
        "languages": [
            {
                "test": "TOEIC",
                "result": 990,
                "sections": {"listening": 495, "reading": 495},
                "date": LAST,
            },
            {"test": "JLPT", "result": "N1", "score": 180, "date": FIRST},
            {"test": "EPS-TOPIK", "result": 200, "date": LAST},
        ],
        "experience": [
            {
                "title": "juru las",
                "isco": "7212",
                "country": "JP",
                "programme": "JP-SSW1",
                "months": 1200,
                "start": FIRST,
                "end": LAST,
            },
        ],
        "health": {"fit_to_work": True, "colour_vision_normal": True, "checked": LAST},
        "documents": {"passport_expires": LAST},
        "preferences": {
            "countries": ["JP", "KR", "TW", "MY", "DE"],
            "min_monthly_wage": {"amount": wage_ceiling("IDR"), "currency": "IDR"},
        },
    }
    youngest = {
        "id": "0",
        "agency_id": AGENCY,
        "birth_date": dt.date.today().isoformat(),
        "health": {"checked": FIRST},
        "documents": {"passport_expires": FIRST},
        "languages": [{"test": "IELTS", "result": 0.0, "date": FIRST}],
        "preferences": {"min_monthly_wage": {"amount": TINY, "currency": "VND"}},
    }
    unknown = {
        "id": "W-VND",
        "agency_id": AGENCY,
        "birth_date": "1999-12-31",
        "skills": [{"name": "las listrik", "months": 24, "level": 3}],
        "preferences": {"min_monthly_wage": {"amount": wage_ceiling("VND"), "currency": "VND"}},
    }
    return [eldest, youngest, unknown]


def _job_orders() -> list[dict[str, Any]]:
    big = {
        "id": "JO-" + "9" * 61,
        "agency_id": AGENCY,
        "employer": {"name": LONG, "type": "company"},
        "country": "JP",
        "region": LONG,
        "programme": "JP-SSW1",
        "title": LONG,
        "isco": "7212",
        "slots": 100_000,
        "start_date": LAST,
        "contract_months": 240,
        "wage": {"amount": wage_ceiling("JPY", "hour"), "currency": "JPY", "per": "hour"},
        "requirements": {
            "skills": [
                {
                    "name": "SMAW welding",
                    "required": False,
                    "min_level": 5,
                    "min_months": 1200,
                    "weight": 10,
                },
                *({"name": f"las {i}", "required": False, "weight": 0.1} for i in range(99)),
            ],
            "languages": [{"any_of": [{"test": "JLPT", "min": "N1"}], "required": False}],
            "experience": {"min_months": 1200, "isco": ["7212"]},
            "age": {"min": 0, "max": 100},
            "min_height_cm": 250,
            "min_weight_kg": 300,
            "weights": {"skills": 100, "certification": 0, "language": 0, "experience": 0},
        },
    }
    small = {
        "id": "JO-TINY",
        "agency_id": AGENCY,
        "employer": {"name": "x", "type": "household"},
        "country": "KR",
        "programme": "KR-EPS",
        "title": "operator",
        "slots": 1,
        "start_date": FIRST,
        "contract_months": 1,
        "wage": {"amount": TINY, "currency": "KRW", "per": "year"},
    }
    yearly = {
        "id": "JO-YEAR",
        "agency_id": AGENCY,
        "employer": {"name": "x", "type": "company"},
        "country": "VN",
        "programme": "OTHER",
        "title": "welder",
        "slots": 3,
        "wage": {"amount": wage_ceiling("VND", "year"), "currency": "VND", "per": "year"},
    }
    return [big, small, yearly]


def _rankings(client: TestClient) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for day in (FIRST, "2026-03-01", LAST):
        for order in _job_orders():
            path = f"/job-orders/{order['id']}/candidates?k=500&include_ineligible=true&as_of={day}"
            answers[path] = client.get(path, headers=OFFICER)
            for worker in _workers():
                path = (
                    f"/job-orders/{order['id']}/candidates/{worker['id']}/explanation"
                    f"?as_of={day}&lang=id"
                )
                answers[path] = client.get(path, headers=OFFICER)
        for worker in _workers():
            path = f"/workers/{worker['id']}/job-orders?k=500&as_of={day}"
            answers[path] = client.get(path, headers=OFFICER)
        for path in (f"/refusals?as_of={day}", f"/reports/summary?as_of={day}&days=3660"):
            answers[path] = client.get(path, headers=OFFICER)
        match = {"job_order": _job_orders()[0], "k": 500, "as_of": day, "include_ineligible": True}
        answers[f"match {day}"] = client.post("/match", json=match, headers=OFFICER)
    for path, response in answers.items():
        assert response.status_code == 200, (path, response.text)
    return {path: response.json() for path, response in answers.items() if "report" not in path}


def _finish(client: TestClient, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/batch-runs/{run_id}", headers=OFFICER).json()
        if status["status"] in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"batch run {run_id} did not finish")


def _read_all(client: TestClient) -> dict[str, Any]:
    return {
        "agencies": client.get("/agencies", headers=OFFICER).json(),
        "workers": client.get("/workers?limit=500", headers=OFFICER).json(),
        "job_orders": client.get("/job-orders?limit=500", headers=OFFICER).json(),
        "keys": client.get("/keys", headers=OFFICER).json(),
        "runs": client.get("/batch-runs", headers=OFFICER).json(),
    }


def test_extreme_values_are_served_and_survive_a_restart(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path, data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        assert client.post("/agencies", json=_agency(), headers=OFFICER).status_code == 201
        change = {"status": "active", "valid_from": FIRST, "valid_until": LAST}
        licence = client.patch(f"/agencies/{AGENCY}/licence", json=change, headers=OFFICER)
        assert licence.status_code == 200
        eldest, *others = _workers()
        assert (
            client.put(f"/workers/{eldest['id']}", json=eldest, headers=OFFICER).status_code == 201
        )
        upload = "\n".join(json.dumps(w) for w in others)
        uploaded = client.post(
            "/workers/bulk", files={"file": ("w.jsonl", upload.encode())}, headers=OFFICER
        )
        assert uploaded.status_code == 200, uploaded.text
        for order in _job_orders():
            assert client.post("/job-orders", json=order, headers=OFFICER).status_code == 201
        key = client.post(
            "/keys",
            json={"role": "agency", "agency_id": AGENCY, "label": LONG[:200]},
            headers=OFFICER,
        )
        assert key.status_code == 201
        for day in (FIRST, LAST):
            body = {"as_of": day, "method": "stable", "shortlist_per_slot": 50, "gap_scope": "all"}
            run = client.post("/batch-runs", json=body, headers=OFFICER)
            assert run.status_code == 202
            assert _finish(client, run.json()["id"])["status"] == "done"
        before = _read_all(client)
        ranked = _rankings(client)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["quarantined"] == 0
        assert _read_all(client) == before
        assert _rankings(client) == ranked
        for run in before["runs"]:
            assert (
                client.get(f"/batch-runs/{run['id']}/results", headers=OFFICER).status_code == 200
            )
            assert (
                client.get(f"/batch-runs/{run['id']}/report.html", headers=OFFICER).status_code
                == 200
            )
