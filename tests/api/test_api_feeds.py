"""``GET /feeds/jobpostings``: public, only promotable open job orders, paginated, ETag."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from matcher.interchange.jobposting_import import read_jobpostings
from matcher.scoring.matching import prepare_run
from models.agency import Agency
from models.vacancy import DISCRIMINATORY_REQUIREMENTS, Vacancy
from tests.api.conftest import AGENCY_A, AS_OF, Api, PoolData

FEED = "/feeds/jobpostings"


def _mark(
    api: Api, agency_id: str, job_order_id: str, headers: dict[str, str] | None = None
) -> int:
    response = api.client.put(
        f"/job-orders/{job_order_id}/promotable",
        params={"agency_id": agency_id},
        headers=api.officer if headers is None else headers,
    )
    return response.status_code


def _feed(api: Api, **params: Any) -> list[dict[str, Any]]:
    """Every posting of the feed, page after page."""
    postings: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"as_of": AS_OF, **params, **({"cursor": cursor} if cursor else {})}
        response = api.client.get(FEED, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        postings += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return postings


def _ids(postings: list[dict[str, Any]]) -> list[str]:
    result = read_jobpostings("\n".join(json.dumps(p) for p in postings), name="feed")
    assert result.ok, result.errors
    return [v.id for v in result.records]


def _open_ids(pool_data: PoolData, vacancies: list[dict[str, Any]], day: str = AS_OF) -> list[str]:
    """Not refused by the run ``selaras match`` makes, and not started on ``day``."""
    as_of = dt.date.fromisoformat(day)
    run = prepare_run(
        [],
        [Vacancy.model_validate(v) for v in vacancies],
        [Agency.model_validate(a) for a in pool_data.agencies],
        as_of,
    )
    return [
        s.vacancy.id
        for s in run.vacancies
        if not s.refused and (s.vacancy.start_date is None or s.vacancy.start_date >= as_of)
    ]


def test_the_feed_lists_only_promotable_open_job_orders(api: Api, pool_data: PoolData) -> None:
    assert api.client.get(FEED).json() == {"items": [], "next_cursor": None}
    mine = pool_data.of("vacancies", AGENCY_A)[:12]
    for vacancy in mine:
        assert _mark(api, AGENCY_A, vacancy["id"]) == 204
    assert _mark(api, AGENCY_A, mine[0]["id"]) == 204  # marking twice is no change
    day = "2026-09-15"
    expected = _open_ids(pool_data, mine, day)
    assert 0 < len(expected) < len(mine)  # some have started: the feed leaves them out
    assert _ids(_feed(api, limit=5, as_of=day)) == sorted(expected)
    assert _ids(_feed(api, as_of=day)) == sorted(expected)


def test_a_posting_reads_back_as_the_stored_job_order(api: Api, pool_data: PoolData) -> None:
    mine = pool_data.of("vacancies", AGENCY_A)
    chosen = next(v for v in mine if v["id"] in _open_ids(pool_data, [v]))
    _mark(api, AGENCY_A, chosen["id"])
    [posting] = _feed(api)
    result = read_jobpostings(json.dumps(posting), name="feed")
    stored = Vacancy.model_validate(chosen)
    cleared = dict.fromkeys(DISCRIMINATORY_REQUIREMENTS)
    expected = stored.model_copy(
        update={"requirements": stored.requirements.model_copy(update=cleared)}
    )
    assert result.records == [expected]


def test_only_officers_mark_and_the_mark_goes_with_the_job_order(
    api: Api, pool_data: PoolData
) -> None:
    first = pool_data.of("vacancies", AGENCY_A)[1]["id"]
    assert _mark(api, AGENCY_A, first, api.keys["a"]) == 403
    assert _mark(api, AGENCY_A, "JO-NOT-THERE") == 404
    assert _mark(api, AGENCY_A, first) == 204
    unmark = f"/job-orders/{first}/promotable"
    params = {"agency_id": AGENCY_A}
    assert api.client.delete(unmark, params=params, headers=api.officer).status_code == 204
    assert api.client.delete(unmark, params=params, headers=api.officer).status_code == 404
    _mark(api, AGENCY_A, first)
    deleted = api.client.delete(f"/job-orders/{first}", params=params, headers=api.officer)
    assert deleted.status_code == 204
    record = next(v for v in pool_data.vacancies if v["id"] == first)
    assert api.client.post("/job-orders", json=record, headers=api.officer).status_code == 201
    assert api.client.get(FEED, params={"as_of": AS_OF}).json()["items"] == []


def test_etag_and_if_none_match(api: Api, pool_data: PoolData) -> None:
    mine = [v["id"] for v in pool_data.of("vacancies", AGENCY_A)]
    _mark(api, AGENCY_A, mine[1])
    first = api.client.get(FEED, params={"as_of": AS_OF})
    etag = first.headers["etag"]
    assert etag.startswith('"')
    again = api.client.get(FEED, params={"as_of": AS_OF}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    for other in mine[2:6]:
        _mark(api, AGENCY_A, other)
    changed = api.client.get(FEED, params={"as_of": AS_OF}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    # A page after the work started is another page (the job order is no longer open).
    later = api.client.get(FEED, params={"as_of": "2027-12-31"})
    assert later.json()["items"] == []
