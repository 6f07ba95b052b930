"""A large bulk upload of workers read in parts (``api.upload_parts``): the same answer,
the same records stored, the same audit entry, rankings and returnees' book as the server
reading it alone, whatever the parts hold (errors, repeats across parts, another agency's
records, warnings), and whether or not a part's process fails."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import upload_parts
from api.app import create_app
from api.routers.reintegration import ANSWERED_FROM
from tests.api.conftest import (
    ADMIN_KEY,
    AGENCY_A,
    AGENCY_B,
    AS_OF,
    Api,
    PoolData,
    jsonl,
    sqlite_settings,
)
from tests.paths import SAMPLE

OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _sample(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SAMPLE / name).read_text("utf-8").splitlines()]


RETURNEES = _sample("returnees.jsonl")
OPPORTUNITIES = _sample("opportunities.jsonl")


@pytest.fixture(autouse=True)
def _any_size_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_parts, "MIN_FORKED_BYTES", 0)


@contextmanager
def _server(folder: Path, pool_data: PoolData, jobs: int) -> Iterator[Api]:
    """A new store with A and B registered, their job orders and A's opportunities, a
    key of A, and the returnees' book built (its first answer asked)."""
    folder.mkdir()
    settings = sqlite_settings(folder, upload_read_jobs=jobs)
    with TestClient(create_app(settings)) as client:
        api = Api(client, OFFICER, {"officer": OFFICER})
        for agency in pool_data.agencies:
            assert client.post("/agencies", json=agency, headers=OFFICER).status_code == 201
        api.upload("vacancies", pool_data.vacancies, OFFICER)
        api.keys["a"] = api.key("agency", AGENCY_A)
        answer = client.post("/opportunities", json=OPPORTUNITIES, headers=api.keys["a"])
        assert answer.status_code == 200, answer.text
        first = RETURNEES[0]
        client.put(
            f"/workers/{first['id']}", json={**first, "agency_id": AGENCY_A}, headers=OFFICER
        )
        client.get(f"/returnees/{first['id']}/opportunities?as_of={AS_OF}", headers=OFFICER)
        client.app.state.server.opportunity_books.settle()  # type: ignore[attr-defined]
        yield api


def _workers(pool_data: PoolData) -> list[dict[str, Any]]:
    """The pool's workers with the sample's returnees spread among them (the records
    with ``home`` and ``reintegration`` are read by pydantic, the others as views)."""
    workers = list(pool_data.workers[:-1])  # the last is a twin of the first (same id)
    for i, returnee in enumerate(RETURNEES[1:41]):
        workers.insert(7 * i + 3, {**returnee, "agency_id": (AGENCY_A, AGENCY_B)[i % 2]})
    return workers


def _post(api: Api, content: bytes, headers: dict[str, str] = OFFICER) -> tuple[int, Any]:
    response = api.client.post(
        "/workers/bulk", files={"file": ("w.jsonl", content)}, headers=headers
    )
    return response.status_code, response.json()


def _state(api: Api, pool_data: PoolData, returnee_ids: list[str]) -> dict[str, Any]:
    """What a client can see of the upload: stored workers, the bulk audit entries,
    each job order's candidates and each returnee's opportunities (from the book)."""
    client = api.client
    stored = client.get("/workers?limit=500", headers=OFFICER).json()
    pages = [stored["items"]]
    while stored.get("next_cursor"):
        stored = client.get(
            f"/workers?limit=500&cursor={stored['next_cursor']}", headers=OFFICER
        ).json()
        pages.append(stored["items"])
    audit = client.get("/audit?limit=500&action=workers.bulk", headers=OFFICER).json()["items"]
    candidates = {
        v["id"]: client.get(
            f"/job-orders/{v['id']}/candidates?as_of={AS_OF}&k=20&agency_id={v['agency_id']}",
            headers=OFFICER,
        ).json()
        for v in pool_data.vacancies[:6]
    }
    opportunities = {}
    for worker_id in returnee_ids:
        answer = client.get(
            f"/returnees/{worker_id}/opportunities?as_of={AS_OF}&k=5", headers=OFFICER
        )
        opportunities[worker_id] = (
            answer.status_code,
            answer.headers.get(ANSWERED_FROM),
            answer.json(),
        )
    server = client.app.state.server  # type: ignore[attr-defined]
    book = server.opportunity_books.kept(server.engine, dt.date.fromisoformat(AS_OF))
    return {
        "book": sorted(book.rows),
        "stored": pages,
        "audit": [{k: e[k] for k in ("action", "params", "result_ids")} for e in audit],
        "candidates": candidates,
        "opportunities": opportunities,
    }


@pytest.mark.parametrize("jobs", [2, 3])
def test_an_upload_read_in_parts_is_the_upload_read_whole(
    tmp_path: Path, pool_data: PoolData, jobs: int
) -> None:
    workers = _workers(pool_data)
    returnee_ids = [r["id"] for r in RETURNEES[1:41]]
    # A second upload: the returnees again without their return (they leave the book),
    # half of the others changed, and new workers (created against updated).
    settled = [{k: v for k, v in w.items() if k != "returned"} for w in workers]
    second = [{**w, "id": f"NEW-{i}"} if i % 2 else w for i, w in enumerate(settled)]
    states, answers = [], []
    for n in (1, jobs):
        with _server(tmp_path / f"jobs-{n}", pool_data, n) as api:
            answers.append([_post(api, jsonl(workers)), _post(api, jsonl(second))])
            states.append(_state(api, pool_data, returnee_ids))
    whole, parted = answers
    assert whole == parted
    assert whole[0][0] == 200
    assert whole[0][1]["created"] == len(workers)
    assert whole[1][1]["updated"] > 0
    assert whole[1][1]["created"] > 0
    assert states[0] == states[1]
    # A returnee written again without its return left the book; the others are in it.
    kept = {w["id"] for i, w in enumerate(second) if not i % 2}
    in_book = {name.split(" ", 1)[1] for name in states[1]["book"]}
    assert set(returnee_ids) & in_book == set(returnee_ids) - kept
    assert set(returnee_ids) & kept
    assert set(returnee_ids) - kept


def test_the_book_holds_the_returnees_of_every_part(tmp_path: Path, pool_data: PoolData) -> None:
    workers = _workers(pool_data)
    returnee_ids = [r["id"] for r in RETURNEES[1:41]]
    states = []
    for n in (1, 3):
        with _server(tmp_path / f"jobs-{n}", pool_data, n) as api:
            assert _post(api, jsonl(workers))[0] == 200
            states.append(_state(api, pool_data, returnee_ids))
    assert states[0] == states[1]
    found = states[1]["opportunities"].values()
    assert [(code, source) for code, source, _ in found] == [(200, "book")] * len(returnee_ids)


def _bad_files(pool_data: PoolData) -> dict[str, bytes]:
    workers = _workers(pool_data)
    late = len(workers) - 5  # in the last part
    broken = [dict(w) for w in workers]
    broken[late]["birth_date"] = "not a date"
    broken[4]["skills"] = [{"name": "las", "level": 7}]
    repeated = [*workers, {**workers[2], "full_name": "Again"}]
    warned = [dict(w) for w in workers]
    for at in (1, late):
        warned[at]["nik"] = "3201011203980001"  # a date that disagrees with the birth date
    stray = [dict(w) for w in workers]
    stray[late]["agency_id"] = "NO-SUCH-AGENCY"
    stray_first = [dict(w) for w in workers]
    stray_first[0]["agency_id"] = "NO-SUCH-AGENCY"
    return {
        "broken": jsonl(broken),
        "broken late only": jsonl(broken[:4] + broken[5:]),
        "repeated across parts": jsonl(repeated),
        "warned": jsonl(warned),
        "unregistered agency late": jsonl(stray),
        # The first part is stored while the others are read: its own problems must
        # refuse the upload before (a repeat within it, an agency the store would refuse).
        "unregistered agency first": jsonl(stray_first),
        "repeated within the first part": jsonl([*workers[:3], workers[1], *workers[3:]]),
        "not UTF-8 late": jsonl(workers[:late]) + b'{"id": "\xff"}\n' + jsonl(workers[late:]),
        "blank lines": b"\n" * 50 + jsonl(workers[:30]) + b"\n\n",
        "blank first parts": b"\n" * 60_000 + jsonl(workers[:30]),
    }


def test_bad_uploads_read_in_parts_answer_as_read_whole(
    tmp_path: Path, pool_data: PoolData
) -> None:
    files = _bad_files(pool_data)
    a_only = jsonl([w for w in _workers(pool_data) if w["agency_id"] == AGENCY_A])
    own = [{**w, "agency_id": AGENCY_A} for w in pool_data.workers[:200]]
    other_agency = jsonl([*own, pool_data.of("workers", AGENCY_B)[0]])
    answers = []
    for n in (1, 3):
        with _server(tmp_path / f"jobs-{n}", pool_data, n) as api:
            got = {name: _post(api, content) for name, content in files.items()}
            got["agency key, own records"] = _post(api, a_only, api.keys["a"])
            got["agency key, another's record last"] = _post(api, other_agency, api.keys["a"])
            theirs_first = jsonl([pool_data.of("workers", AGENCY_B)[0], *own])
            got["agency key, another's record first"] = _post(api, theirs_first, api.keys["a"])
            stored = api.client.get("/workers?limit=500", headers=OFFICER).json()["items"]
            answers.append((got, sorted(w["id"] for w in stored)))
    assert answers[0] == answers[1]
    got = answers[1][0]
    assert [name for name, (code, _) in got.items() if code == 200] == [
        "warned",
        "blank lines",
        "blank first parts",
        "agency key, own records",
    ]
    assert got["warned"][1]["warnings"]
    # Refused as invalid (422, the line named), not as a conflict of the store.
    for name in ("unregistered agency first", "agency key, another's record first"):
        assert got[name][0] == 422
        assert got[name][1]["errors"][0]["line"] == 1
    assert got["repeated within the first part"][1]["errors"][0]["line"] == 4
    assert {e["line"] for e in got["broken"][1]["errors"]} >= {5, len(_workers(pool_data)) - 4}


def test_a_part_whose_process_fails_is_read_by_the_server(
    tmp_path: Path, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_pid = os.getpid()
    make = upload_parts.make_part

    def failing_in_a_child(*args: Any, **kwargs: Any) -> upload_parts.MadePart:
        if os.getpid() != server_pid:
            os._exit(3)  # as a process killed or out of memory
        return make(*args, **kwargs)

    workers = _workers(pool_data)
    states = []
    for n, failing in ((1, False), (3, True)):
        if failing:
            monkeypatch.setattr(upload_parts, "make_part", failing_in_a_child)
        with _server(tmp_path / f"jobs-{n}", pool_data, n) as api:
            assert _post(api, jsonl(workers))[0] == 200
            states.append(_state(api, pool_data, [r["id"] for r in RETURNEES[1:41]]))
    assert states[0] == states[1]


def test_every_row_of_an_upload_read_in_parts_is_written_at_one_time(
    tmp_path: Path, pool_data: PoolData
) -> None:
    # As by a server reading alone: a client asking what changed since an upload
    # (``updated_since``) gets all of it.
    with _server(tmp_path / "jobs-3", pool_data, 3) as api:
        assert _post(api, jsonl(_workers(pool_data)))[0] == 200
        engine = api.client.app.state.server.engine  # type: ignore[attr-defined]
        with engine.connect() as connection:
            stamps = connection.exec_driver_sql(
                "SELECT count(DISTINCT created_at), count(DISTINCT updated_at), count(*) "
                "FROM workers WHERE id != ?",
                (RETURNEES[0]["id"],),  # written on its own before
            ).one()
    assert tuple(stamps[:2]) == (1, 1)
    assert stamps[2] == len(_workers(pool_data))
