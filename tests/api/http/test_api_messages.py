"""API messages read right: counts agree in number, a refusal says which key it needs."""

from __future__ import annotations

from tests.api.conftest import Api


def test_a_count_of_lines_agrees_in_number(empty_api: Api) -> None:
    response = empty_api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", b"{not json\n")}, headers=empty_api.officer
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "1 line with errors: nothing was stored"
    two = empty_api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", b"{\n[\n")}, headers=empty_api.officer
    )
    assert two.json()["detail"] == "2 lines with errors: nothing was stored"


def test_a_forbidden_request_names_the_keys_that_may(api: Api) -> None:
    response = api.client.get("/audit", headers=api.keys["a"])
    assert response.status_code == 403
    assert (
        response.json()["detail"] == "this needs an officer or auditor key; yours is an agency key"
    )
