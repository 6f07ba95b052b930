"""The reintegration endpoints: opportunities (bulk upload, tenancy), a returnee's
opportunities, an opportunity's candidates and one pair explained; returnee fields
round-trip through PUT/GET /workers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.live_pool import opportunities
from api.live_pool.opportunities import BOOK_DEPTH
from api.routers import reintegration
from matcher.reintegration.book import OpportunityBook
from models.typed_workers import decode_view
from models.worker import Worker
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

MISSING = "NO-SUCH-ID"


def _sample(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SAMPLE / name).read_text("utf-8").splitlines()]


OPPORTUNITIES = _sample("opportunities.jsonl")
FIRST = OPPORTUNITIES[0]["id"]
RETURNEES = _sample("returnees.jsonl")


@pytest.fixture
def reint(tmp_path: Path, pool_data: PoolData) -> Iterator[Api]:
    """A store with agencies A and B registered, keys of every role, A's and B's
    returnees (the sample's first 20, alternately) and A's opportunities."""
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
        api = Api(client, officer, {})
        for agency in pool_data.agencies:
            assert client.post("/agencies", json=agency, headers=officer).status_code == 201
        api.keys.update(
            officer=officer,
            a=api.key("agency", AGENCY_A),
            b=api.key("agency", AGENCY_B),
            auditor=api.key("auditor"),
        )
        for i, record in enumerate(RETURNEES[:20]):
            owner = (AGENCY_A, AGENCY_B)[i % 2]
            body = {**record, "agency_id": owner}
            response = client.put(f"/workers/{record['id']}", json=body, headers=officer)
            assert response.status_code == 201, response.text
        answer = client.post("/opportunities", json=OPPORTUNITIES, headers=api.keys["a"])
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"agency_id": AGENCY_A, "created": 60, "updated": 0}
        yield api


def test_returnee_fields_round_trip_through_workers(reint: Api) -> None:
    # As the model reads them (a grade written "3" is the grade 3).
    record = Worker.model_validate({**RETURNEES[0], "agency_id": AGENCY_A}).model_dump(
        mode="json", exclude_none=True
    )
    assert record["returned"]
    stored = reint.client.get(f"/workers/{record['id']}", headers=reint.keys["a"]).json()
    for field in ("returned", "home", "reintegration", "experience", "certificates"):
        assert stored[field] == record[field], field
    assert any("completed_contract" in e for e in stored["experience"])


def test_opportunities_are_their_owners(reint: Api) -> None:
    client, keys = reint.client, reint.keys
    mine = client.get("/opportunities", headers=keys["a"]).json()["items"]
    assert len(mine) == 60
    assert {i["agency_id"] for i in mine} == {AGENCY_A}
    assert client.get("/opportunities", headers=keys["b"]).json() == {
        "items": [],
        "next_cursor": None,
    }
    assert len(client.get("/opportunities", headers=keys["auditor"]).json()["items"]) == 60
    theirs = client.get(f"/opportunities/{OPPORTUNITIES[0]['id']}", headers=keys["b"])
    missing = client.get(f"/opportunities/{MISSING}", headers=keys["b"])
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"].replace(
        MISSING, OPPORTUNITIES[0]["id"]
    )
    # An agency writes only its own; an officer names the owner.
    other = client.post(
        f"/opportunities?agency_id={AGENCY_A}", json=OPPORTUNITIES[:1], headers=keys["b"]
    )
    assert other.status_code == 403
    unnamed = client.post("/opportunities", json=OPPORTUNITIES[:1], headers=keys["officer"])
    assert unnamed.status_code == 422
    named = client.post(
        f"/opportunities?agency_id={AGENCY_B}", json=OPPORTUNITIES[:2], headers=keys["officer"]
    )
    assert named.json() == {"agency_id": AGENCY_B, "created": 2, "updated": 0}
    assert (
        client.post("/opportunities", json=OPPORTUNITIES[:1], headers=keys["auditor"]).status_code
        == 403
    )


def test_an_upload_is_all_or_nothing(reint: Api) -> None:
    client, keys = reint.client, reint.keys
    bad = {**OPPORTUNITIES[1], "id": "OPP-NEW", "kind": "franchise"}
    answer = client.post(
        "/opportunities", json=[{**OPPORTUNITIES[0], "id": "OPP-OK"}, bad], headers=keys["b"]
    )
    assert answer.status_code == 422
    assert "kind" in json.dumps(answer.json())
    twice = client.post(
        "/opportunities", json=[OPPORTUNITIES[0], OPPORTUNITIES[0]], headers=keys["b"]
    )
    assert twice.status_code == 422
    assert "also entry 0" in json.dumps(twice.json())
    assert client.get("/opportunities", headers=keys["b"]).json() == {
        "items": [],
        "next_cursor": None,
    }


def test_a_returnees_opportunities_and_tenancy(reint: Api) -> None:
    client, keys = reint.client, reint.keys
    mine = RETURNEES[6]["id"]  # A's (even positions are A's), with eligible opportunities
    answer = client.get(f"/returnees/{mine}/opportunities?as_of={AS_OF}&k=5", headers=keys["a"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["agency_id"] == AGENCY_A
    assert 0 < len(body["results"]) <= 5
    assert [r["rank"] for r in body["results"]] == list(range(1, len(body["results"]) + 1))
    assert all(r["worker_id"] == mine and r["eligible"] for r in body["results"])
    theirs = client.get(f"/returnees/{mine}/opportunities?as_of={AS_OF}", headers=keys["b"])
    missing = client.get(f"/returnees/{MISSING}/opportunities?as_of={AS_OF}", headers=keys["b"])
    assert theirs.status_code == missing.status_code == 404
    assert (
        client.get(f"/returnees/{mine}/opportunities", headers=keys["auditor"]).status_code == 403
    )


def _built(api: Api) -> None:
    """Ask once (the book of AS_OF is built in the background) and wait for the build."""
    url = f"/returnees/{RETURNEES[6]['id']}/opportunities?as_of={AS_OF}"
    assert api.client.get(url, headers=api.keys["a"]).status_code == 200
    api.client.app.state.server.opportunity_books.settle()  # type: ignore[attr-defined]


def _same_as_ranked_afresh(api: Api) -> None:
    """Every returnee's answer from the book is the first of those ranked afresh."""
    for i, record in enumerate(RETURNEES[:20]):
        keys = api.keys[("a", "b")[i % 2]]
        url = f"/returnees/{record['id']}/opportunities?as_of={AS_OF}"
        kept = api.client.get(f"{url}&k={BOOK_DEPTH}", headers=keys)
        fresh = api.client.get(f"{url}&k={BOOK_DEPTH + 1}", headers=keys)
        assert kept.headers[reintegration.ANSWERED_FROM] == "book"
        assert fresh.headers[reintegration.ANSWERED_FROM] == "ranked"
        assert kept.json()["results"] == fresh.json()["results"][:BOOK_DEPTH]


def test_kept_answers_are_fresh_ones_and_follow_writes(reint: Api) -> None:
    # The first k are answered from the kept book, a k above its depth is ranked afresh:
    # the same records. An upload of opportunities or a changed returnee is seen by the
    # very next answer, from the book (updated by the write, not rebuilt).
    client, keys = reint.client, reint.keys
    mine = RETURNEES[6]["id"]
    url = f"/returnees/{mine}/opportunities?as_of={AS_OF}"
    first = client.get(f"{url}&k=3", headers=keys["a"])
    reint.client.app.state.server.opportunity_books.settle()  # type: ignore[attr-defined]
    answer = client.get(f"{url}&k=3", headers=keys["a"])
    assert answer.headers[reintegration.ANSWERED_FROM] == "book"
    kept = answer.json()["results"]
    assert kept == first.json()["results"]
    fresh = client.get(f"{url}&k={BOOK_DEPTH + 1}", headers=keys["a"]).json()["results"]
    assert kept
    assert kept == fresh[:3]
    best = next(o for o in OPPORTUNITIES if o["id"] == kept[0]["opportunity_id"])
    twin = {**best, "id": "AAA-TWIN"}  # the same offer, first by id among equals
    assert client.post("/opportunities", json=[twin], headers=keys["a"]).status_code == 200
    after = client.get(f"{url}&k=3", headers=keys["a"])
    assert after.headers[reintegration.ANSWERED_FROM] == "book"
    assert after.json()["results"][0]["opportunity_id"] == "AAA-TWIN"
    assert after.json()["results"][0]["score"] == kept[0]["score"]
    moved = {**RETURNEES[6], "agency_id": AGENCY_A, "reintegration": {"interests": ["trainer"]}}
    response = client.put(f"/workers/{mine}", json=moved, headers=keys["officer"])
    assert response.status_code == 200, response.text
    answer = client.get(f"{url}&k=3", headers=keys["a"])
    assert answer.headers[reintegration.ANSWERED_FROM] == "book"
    for record in answer.json()["results"]:
        found = next(o for o in [*OPPORTUNITIES, twin] if o["id"] == record["opportunity_id"])
        assert found["kind"] == "trainer_post"
    # The twin replaced by an offer nobody qualifies for leaves every list it was in.
    closed = {**twin, "requirements": {"overseas_experience": {"min_months": 600}}}
    assert client.post("/opportunities", json=[closed], headers=keys["a"]).status_code == 200
    _same_as_ranked_afresh(reint)
    assert client.delete(f"/workers/{mine}", headers=keys["a"]).status_code == 204
    assert client.get(f"{url}&k=3", headers=keys["a"]).status_code == 404


def test_writes_made_while_the_book_is_built_are_in_it(
    reint: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build reads the store, then writes arrive before it is kept: they are applied
    # to it before it answers. Meanwhile answers are ranked afresh, and see the writes.
    client, keys = reint.client, reint.keys
    reading, release = threading.Event(), threading.Event()
    build = OpportunityBook.build

    def held(*args: Any, **kwargs: Any) -> OpportunityBook:
        reading.set()
        assert release.wait(60)
        return build(*args, **kwargs)

    monkeypatch.setattr(opportunities.OpportunityBook, "build", held)
    mine = RETURNEES[6]["id"]
    url = f"/returnees/{mine}/opportunities?as_of={AS_OF}&k=3"
    answer = client.get(url, headers=keys["a"])
    assert answer.headers[reintegration.ANSWERED_FROM] == "ranked"
    assert reading.wait(60)
    best = next(
        o for o in OPPORTUNITIES if o["id"] == answer.json()["results"][0]["opportunity_id"]
    )
    twin = {**best, "id": "AAA-TWIN"}
    assert client.post("/opportunities", json=[twin], headers=keys["a"]).status_code == 200
    newcomer = {**RETURNEES[6], "id": "RT-NEW", "agency_id": AGENCY_B}
    assert client.put("/workers/RT-NEW", json=newcomer, headers=keys["b"]).status_code == 201
    during = client.get(url, headers=keys["a"])
    assert during.headers[reintegration.ANSWERED_FROM] == "ranked"
    assert during.json()["results"][0]["opportunity_id"] == "AAA-TWIN"
    release.set()
    client.app.state.server.opportunity_books.settle()  # type: ignore[attr-defined]
    after = client.get(url, headers=keys["a"])
    assert after.headers[reintegration.ANSWERED_FROM] == "book"
    assert after.json()["results"] == during.json()["results"]
    theirs = client.get(f"/returnees/RT-NEW/opportunities?as_of={AS_OF}&k=3", headers=keys["b"])
    assert theirs.headers[reintegration.ANSWERED_FROM] == "book"
    assert theirs.json()["results"][0]["opportunity_id"] == "AAA-TWIN"
    _same_as_ranked_afresh(reint)


def test_an_opportunitys_candidates_are_the_callers_returnees(reint: Api) -> None:
    client, keys = reint.client, reint.keys
    owners = {r["id"]: (AGENCY_A, AGENCY_B)[i % 2] for i, r in enumerate(RETURNEES[:20])}
    seen: dict[str, set[str]] = {}
    for who in ("a", "b", "officer"):
        found: set[str] = set()
        for opportunity in OPPORTUNITIES:
            url = f"/opportunities/{opportunity['id']}/candidates?as_of={AS_OF}&k=20"
            body = client.get(url, headers=keys[who]).json()
            found |= {r["worker_agency_id"] for r in body["results"]}
            assert all(owners[r["worker_id"]] == r["worker_agency_id"] for r in body["results"])
        seen[who] = found
    assert seen["a"] == {AGENCY_A}
    assert seen["b"] == {AGENCY_B}
    assert seen["officer"] == {AGENCY_A, AGENCY_B}
    refused = client.get(
        f"/opportunities/OPP-2026-0005/candidates?as_of={AS_OF}", headers=keys["a"]
    )
    assert refused.json()["refusal"][0]["kind"] == "wage_below_floor"
    assert refused.json()["results"] == []


def test_a_pair_is_explained_in_either_language(reint: Api) -> None:
    client, keys = reint.client, reint.keys
    mine = RETURNEES[6]["id"]
    best = client.get(f"/returnees/{mine}/opportunities?as_of={AS_OF}&k=1", headers=keys["a"])
    opportunity = best.json()["results"][0]["opportunity_id"]
    url = f"/returnees/{mine}/opportunities/{opportunity}/explanation?as_of={AS_OF}"
    english = client.get(url, headers=keys["a"]).json()
    indonesian = client.get(url + "&lang=id", headers=keys["a"]).json()
    assert english["worker_id"] == mine
    assert english["opportunity_id"] == opportunity
    assert any(line.startswith("proximity") for line in english["explanation"])
    assert any(line.startswith("kedekatan") for line in indonesian["explanation"])
    assert client.get(url, headers=keys["b"]).status_code == 404


def test_answers_from_the_built_book_skip_the_store_and_keep_tenancy(
    reint: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once the book is built, a caller who names the returnee's agency (an agency key
    # always does) is answered from it without reading the worker; an officer naming no
    # agency, or an id the book lacks, takes the stored path with its exact answer.
    client, keys = reint.client, reint.keys
    mine = RETURNEES[6]["id"]
    url = f"/returnees/{mine}/opportunities?as_of={AS_OF}&k=4"
    named = f"{url}&agency_id={AGENCY_A}"
    _built(reint)
    before = {who: client.get(u, headers=keys[who]).json() for who, u in
              (("a", url), ("officer", named))}  # fmt: skip
    plain = client.get(url, headers=keys["officer"]).json()
    assert before["a"] == before["officer"] == plain
    stored_reads: list[str] = []
    reading = reintegration._returnee

    def counted(server: Any, principal: Any, worker_id: str, agency_id: str | None) -> Worker:
        stored_reads.append(worker_id)
        return reading(server, principal, worker_id, agency_id)

    monkeypatch.setattr(reintegration, "_returnee", counted)
    assert client.get(url, headers=keys["a"]).json() == before["a"]
    assert client.get(named, headers=keys["officer"]).json() == before["officer"]
    assert stored_reads == []
    assert client.get(url, headers=keys["officer"]).json() == plain
    assert stored_reads == [mine]
    # Another agency's returnee is a missing one on either path.
    theirs = client.get(url, headers=keys["b"])
    assert theirs.status_code == 404
    assert client.get(f"{url}&agency_id={AGENCY_A}", headers=keys["b"]).status_code == 404
    # A worker without a returned date is not in the book: the stored path refuses it.
    settled = {**RETURNEES[8], "id": "NOT-RETURNED", "agency_id": AGENCY_A}
    settled.pop("returned")
    assert client.put("/workers/NOT-RETURNED", json=settled, headers=keys["a"]).status_code == 201
    refused = client.get(f"/returnees/NOT-RETURNED/opportunities?as_of={AS_OF}", headers=keys["a"])
    assert refused.status_code == 422, refused.text
    assert "'returned'" in refused.text


def test_a_kept_answer_is_sent_again_until_a_write_changes_it(
    reint: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An answer from the book is rendered once and sent again as it was; every request
    # is still audited. A write that changes another returnee's answers keeps it; one
    # that changes this returnee's drops it, and the next answer shows the write.
    client, keys = reint.client, reint.keys
    mine, other = RETURNEES[6]["id"], RETURNEES[8]["id"]  # both A's
    url = f"/returnees/{mine}/opportunities?as_of={AS_OF}&k=3"
    _built(reint)
    rendered: list[str] = []
    render = reintegration._kept_results

    def counted(book: OpportunityBook, agency_id: str, worker_id: str, query: Any) -> Any:
        found = render(book, agency_id, worker_id, query)
        if found is not None:  # rendered (another agency's asking finds nothing)
            rendered.append(worker_id)
        return found

    monkeypatch.setattr(reintegration, "_kept_results", counted)

    def audited() -> list[dict[str, Any]]:
        entries = client.get(
            "/audit?action=returnee_opportunities&limit=500", headers=keys["officer"]
        )
        return [e for e in entries.json()["items"] if e["target"] == f"{AGENCY_A}/{mine}"]

    first = client.get(url, headers=keys["a"])
    again = client.get(url, headers=keys["a"])
    assert first.headers[reintegration.ANSWERED_FROM] == "book"
    assert again.headers[reintegration.ANSWERED_FROM] == "book"
    assert again.content == first.content
    assert rendered == [mine]
    ids = [[r["opportunity_agency_id"], r["opportunity_id"]] for r in first.json()["results"]]
    entries = audited()
    assert len(entries) == 3  # _built's request, then these two
    assert [e["result_ids"] for e in entries[1:]] == [ids, ids]  # oldest first
    # Another language or k is another answer; another agency still cannot see it.
    assert client.get(f"{url}&lang=id", headers=keys["a"]).status_code == 200
    assert rendered == [mine, mine]
    assert client.get(url, headers=keys["b"]).status_code == 404
    # A write of another returnee leaves this answer kept.
    moved = {**RETURNEES[8], "agency_id": AGENCY_A, "reintegration": {"interests": ["trainer"]}}
    assert client.put(f"/workers/{other}", json=moved, headers=keys["a"]).status_code == 200
    assert client.get(url, headers=keys["a"]).content == first.content
    assert rendered == [mine, mine]
    # An opportunity ranking first for this returnee drops it.
    best = next(o for o in OPPORTUNITIES if o["id"] == ids[0][1])
    twin = {**best, "id": "AAA-TWIN"}
    assert client.post("/opportunities", json=[twin], headers=keys["a"]).status_code == 200
    after = client.get(url, headers=keys["a"])
    assert after.headers[reintegration.ANSWERED_FROM] == "book"
    assert after.json()["results"][0]["opportunity_id"] == "AAA-TWIN"
    assert rendered == [mine, mine, mine]
    assert audited()[-1]["result_ids"] == [[AGENCY_A, "AAA-TWIN"], *ids[:2]]
    # Each answer is the one ranked afresh, byte for byte.
    fresh = client.get(url.replace("&k=3", f"&k={BOOK_DEPTH + 1}"), headers=keys["a"])
    assert after.json()["results"] == fresh.json()["results"][:3]


def test_kept_answers_are_dropped_past_their_bound(
    reint: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, keys = reint.client, reint.keys
    _built(reint)
    monkeypatch.setattr(opportunities, "MAX_KEPT_ANSWERS", 2)
    rendered: list[str] = []
    render = reintegration._kept_results

    def counted(book: OpportunityBook, agency_id: str, worker_id: str, query: Any) -> Any:
        rendered.append(worker_id)
        return render(book, agency_id, worker_id, query)

    monkeypatch.setattr(reintegration, "_kept_results", counted)
    mine = f"/returnees/{RETURNEES[6]['id']}/opportunities?as_of={AS_OF}"
    first = client.get(f"{mine}&k=3", headers=keys["a"]).content
    assert client.get(f"{mine}&k=3", headers=keys["a"]).content == first
    assert client.get(f"{mine}&k=4", headers=keys["a"]).status_code == 200
    assert len(rendered) == 2  # two answers kept: at the bound
    assert client.get(f"{mine}&k=5", headers=keys["a"]).status_code == 200  # drops them
    assert client.get(f"{mine}&k=3", headers=keys["a"]).content == first
    assert len(rendered) == 4


def test_returnees_uploaded_in_bulk_are_read_as_those_written_one_by_one(reint: Api) -> None:
    # A bulk upload reads its workers as views (models.typed_workers), not records: the
    # same returnee uploaded and written one by one is stored and answered alike.
    client, officer = reint.client, reint.keys["officer"]
    plain = [
        {k: v for k, v in r.items() if k not in ("home", "reintegration")} for r in RETURNEES[20:40]
    ]
    bulk = [{**r, "id": f"BULK-{r['id']}", "agency_id": AGENCY_A} for r in plain]
    viewed = [r for r in bulk if decode_view(jsonl([r])) is not None]
    assert len(viewed) >= 10
    assert reint.upload("workers", bulk, officer)["created"] == len(bulk)
    for record in bulk:
        one = {**record, "id": record["id"].replace("BULK-", "ONE-")}
        response = client.put(f"/workers/{one['id']}", json=one, headers=officer)
        assert response.status_code == 201, response.text
    # The first answer of the date starts building its book; then every answer is kept.
    client.get(f"/returnees/{bulk[0]['id']}/opportunities?as_of={AS_OF}", headers=officer)
    client.app.state.server.opportunity_books.settle()  # type: ignore[attr-defined]
    for record in viewed:
        other = record["id"].replace("BULK-", "ONE-")
        stored = client.get(f"/workers/{record['id']}", headers=officer).text
        assert stored == client.get(f"/workers/{other}", headers=officer).text.replace(
            f'"id":"{other}"', f'"id":"{record["id"]}"'
        )
        answers = [
            client.get(f"/returnees/{key}/opportunities?as_of={AS_OF}&k=5", headers=officer)
            for key in (record["id"], other)
        ]
        # From the book, which holds only the returnees written to it.
        assert [a.headers[reintegration.ANSWERED_FROM] for a in answers] == ["book", "book"]
        assert answers[0].json()["results"] == answers[1].json()["results"]


def test_an_opportunity_upload_is_audited(reint: Api) -> None:
    # Every data change appends an entry (docs/api.md, "Audit log").
    entries = reint.client.get(
        "/audit?action=opportunities.bulk", headers=reint.keys["officer"]
    ).json()["items"]
    assert len(entries) == 1
    [entry] = entries
    assert entry["agency_id"] == AGENCY_A
    assert entry["target"] == AGENCY_A
    assert entry["result_ids"] == [[AGENCY_A, o["id"]] for o in OPPORTUNITIES]


def test_an_agency_means_its_own_opportunity_when_ids_repeat(reint: Api) -> None:
    client, keys = reint.client, reint.keys
    same = OPPORTUNITIES[1]["id"]  # A holds one; B now uploads its own with the id
    assert (
        client.post("/opportunities", json=[OPPORTUNITIES[1]], headers=keys["b"]).status_code == 200
    )
    path = f"/opportunities/{same}/candidates?as_of={AS_OF}&k=3"
    mine = client.get(path, headers=keys["b"])
    assert mine.status_code == 200, mine.text
    assert mine.json()["agency_id"] == AGENCY_B
    assert client.get(path, headers=keys["a"]).json()["agency_id"] == AGENCY_A
    # An officer has none of its own: it names the owner.
    assert client.get(path, headers=keys["officer"]).status_code == 409
    named = client.get(f"{path}&agency_id={AGENCY_B}", headers=keys["officer"])
    assert named.json()["agency_id"] == AGENCY_B


def test_opportunities_are_listed_a_page_at_a_time(reint: Api) -> None:
    client, officer = reint.client, reint.keys["officer"]
    seen: list[str] = []
    cursor = None
    while True:
        query = "limit=25" + ("" if cursor is None else f"&cursor={cursor}")
        page = client.get(f"/opportunities?{query}", headers=officer).json()
        assert len(page["items"]) <= 25
        seen += [item["opportunity"]["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(o["id"] for o in OPPORTUNITIES)
    for bad in ("limit=0", "limit=501", "cursor=forged"):
        assert client.get(f"/opportunities?{bad}", headers=officer).status_code == 422, bad


def test_opportunities_of_two_agencies_sharing_an_id_are_told_apart(reint: Api) -> None:
    # Ids are unique within an agency only: each result names its opportunity's owner,
    # and equal scores rank by id, then owner, from the kept book and ranked afresh alike.
    client, keys = reint.client, reint.keys
    mine = RETURNEES[6]["id"]
    url = f"/returnees/{mine}/opportunities?as_of={AS_OF}"
    _built(reint)
    best = client.get(f"{url}&k=1", headers=keys["a"]).json()["results"][0]
    assert best["opportunity_agency_id"] == AGENCY_A
    offer = next(o for o in OPPORTUNITIES if o["id"] == best["opportunity_id"])
    assert client.post("/opportunities", json=[offer], headers=keys["b"]).status_code == 200
    kept = client.get(f"{url}&k=3", headers=keys["a"])
    fresh = client.get(f"{url}&k={BOOK_DEPTH + 1}", headers=keys["a"])
    assert kept.headers[reintegration.ANSWERED_FROM] == "book"
    assert fresh.headers[reintegration.ANSWERED_FROM] == "ranked"
    top = [(r["opportunity_id"], r["opportunity_agency_id"]) for r in kept.json()["results"][:2]]
    assert top == sorted([(offer["id"], AGENCY_A), (offer["id"], AGENCY_B)])
    assert kept.json()["results"] == fresh.json()["results"][:3]
    assert list(kept.json()["results"][0])[:3] == [
        "opportunity_id",
        "opportunity_agency_id",
        "worker_id",
    ]


def test_names_sort_as_their_pairs_and_read_back() -> None:
    # Equal scores rank by a name: an opportunity's by id, then owner; a returnee's by
    # agency, then id. An id that begins another ("OPP-1", "OPP-10") and a "/" in ids
    # (allowed in identifiers) must neither reorder nor merge them.
    pairs = [("OPP-1", "B"), ("OPP-10", "A"), ("OPP-1", "A/B"), ("OPP-1/2", "A"), ("OPP-1", "A")]
    names = [opportunities.offer_name(owner, i) for i, owner in pairs]
    assert sorted(names) == [opportunities.offer_name(o, i) for i, o in sorted(pairs)]
    assert [opportunities.offer_of(n) for n in names] == [(o, i) for i, o in pairs]
    people = [("A", "B/C"), ("A/B", "C"), ("A", "B"), ("A-1", "B")]
    keys = [opportunities.book_name(a, i) for a, i in people]
    assert len(set(keys)) == len(keys)
    assert sorted(keys) == [opportunities.book_name(a, i) for a, i in sorted(people)]
