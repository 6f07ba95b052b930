"""``GET /reports/summary``: aggregate counts for officers and auditors, no personal data."""

from __future__ import annotations

import json

from api.access.redaction import PERSONAL_FIELDS
from tests.api.conftest import AGENCY_A, AGENCY_B, AS_OF, Api, PoolData


def test_summary_counts_holdings_refusals_and_activity(
    shared_api: Api, pool_data: PoolData
) -> None:
    api = shared_api
    api.client.get(f"/refusals?as_of={AS_OF}", headers=api.officer)
    response = api.client.get(f"/reports/summary?as_of={AS_OF}", headers=api.keys["auditor"])
    assert response.status_code == 200, response.text
    report = response.json()
    held = {a["agency_id"]: a for a in report["agencies"]}
    for agency in (AGENCY_A, AGENCY_B):
        orders = pool_data.of("vacancies", agency)
        assert held[agency]["workers"] == len(pool_data.of("workers", agency))
        assert held[agency]["job_orders"] == len(orders)
        assert held[agency]["slots"] == sum(v["slots"] for v in orders)
    programmes = {v["programme"] for v in pool_data.vacancies}
    assert set(report["by_programme"]) == programmes
    assert sum(g["slots"] for g in report["by_country"].values()) == sum(
        v["slots"] for v in pool_data.vacancies
    )
    refused = api.client.get(f"/refusals?as_of={AS_OF}", headers=api.officer).json()["refusals"]
    assert report["refused_job_orders"] == len(refused) > 0
    assert sum(report["refusals_by_kind"].values()) == sum(len(r["reasons"]) for r in refused)
    assert report["activity_by_action"]["refusals"] >= 1
    assert report["activity_by_action"]["workers.bulk"] >= 1
    # Counts only: no worker id and no personal field name anywhere in the answer.
    text = json.dumps(report)
    assert not any(w["id"] in text for w in pool_data.workers)
    assert not any(f'"{field}"' in text for field in PERSONAL_FIELDS)


def test_summary_is_for_officers_and_auditors_only(shared_api: Api) -> None:
    api = shared_api
    assert api.client.get("/reports/summary", headers=api.officer).status_code == 200
    assert api.client.get("/reports/summary", headers=api.keys["a"]).status_code == 403
    assert api.client.get("/reports/summary").status_code == 401
    assert api.client.get("/reports/summary?days=0", headers=api.officer).status_code == 422
