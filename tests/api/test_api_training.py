"""``/courses`` and ``/training-plans``: the catalogue (officers write, everyone reads; all
or nothing), plans as batch runs (the records of ``selaras plan-training``; an agency's
plan on its own pool), status and progress, cancel, and the audit log."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

import matcher.training.run as training_run
from api.storage.database import connect, read_session, write_session
from api.storage.tables import BatchRunRow
from api.storage.training import put_courses
from api.training_runs import STAGE_BANDS
from models.course import Course
from tests.api.conftest import (
    AGENCY_A,
    AS_OF,
    Api,
    PoolData,
    _read,
    bundled_pool_api,
    jsonl,
    record_progress_writes,
)
from tests.api.storage.stores import downgrade, upgrade
from tests.conftest import RunCli
from tests.paths import POOL, SAMPLE

AGENCY_FIELDS = ("worker_agency_id", "placed_in_agency_id", "unlocks_agency_ids")


def _catalogue() -> list[dict[str, Any]]:
    lines = (SAMPLE / "courses.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _upload_courses(
    api: Api, records: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> Any:
    return api.client.post(
        "/courses/bulk",
        files={"file": ("courses.jsonl", jsonl(records))},
        headers=headers or api.officer,
    )


def _records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def _wait(api: Api, run_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        answer = api.client.get(f"/training-plans/{run_id}", headers=headers or api.officer)
        status: dict[str, Any] = answer.json()
        if status["status"] in ("done", "failed", "cancelled") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def _plan(api: Api, body: dict[str, Any], headers: dict[str, str] | None = None) -> str:
    """Ask for a plan, wait for it to be done, and return its records (JSON Lines)."""
    started = api.client.post("/training-plans", json=body, headers=headers or api.officer)
    assert started.status_code == 202, started.text
    status = _wait(api, started.json()["id"], headers)
    assert status["status"] == "done", status
    results = api.client.get(
        f"/training-plans/{status['id']}/results", headers=headers or api.officer
    )
    assert results.status_code == 200
    return results.text


def _write_files(folder: Path, **records: list[dict[str, Any]]) -> dict[str, Path]:
    paths = {}
    for name, rows in records.items():
        paths[name] = folder / f"{name}.jsonl"
        paths[name].write_bytes(jsonl(rows))
    return paths


@pytest.fixture
def trained(api: Api) -> Api:
    """A's and B's records and the sample catalogue."""
    assert _upload_courses(api, _catalogue()).status_code == 200
    return api


# The catalogue ---------------------------------------------------------------------


def test_officers_upload_courses_and_every_role_reads_them(api: Api) -> None:
    catalogue = _catalogue()
    for role in ("a", "auditor"):
        assert _upload_courses(api, catalogue, api.keys[role]).status_code == 403
    first = _upload_courses(api, catalogue)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["updated"]) == (len(catalogue), 0)
    again = _upload_courses(api, catalogue).json()
    assert (again["created"], again["updated"]) == (0, len(catalogue))
    by_id = {c["id"]: Course.model_validate(c).model_dump(mode="json", exclude_none=True)
             for c in catalogue}  # fmt: skip
    for role in ("officer", "a", "b", "auditor"):
        listed = api.client.get("/courses", headers=api.keys[role])
        assert listed.status_code == 200
        assert [c["id"] for c in listed.json()["items"]] == sorted(by_id)
        one = api.client.get(f"/courses/{catalogue[3]['id']}", headers=api.keys[role])
        assert one.json() == by_id[catalogue[3]["id"]]
    assert api.client.get("/courses/CRS-NOPE", headers=api.officer).status_code == 404
    assert api.client.get("/courses").status_code == 401
    audited = api.client.get("/audit?action=courses.bulk", headers=api.officer).json()["items"]
    assert [e["result_ids"] for e in audited] == [[c["id"] for c in catalogue]] * 2


def _problems(answer: Any) -> list[tuple[int, str]]:
    assert answer.status_code == 422, answer.text
    return [(e["line"], e["field"]) for e in answer.json()["errors"]]


def test_a_bad_course_file_is_rejected_whole_naming_line_and_field(api: Api) -> None:
    catalogue = _catalogue()[:4]
    negative = {**catalogue[1], "cost": {"amount": -1, "currency": "IDR"}}
    no_seats = {**catalogue[2], "cohorts": [{"start": "2026-04-06", "seats": 0}]}
    answer = _upload_courses(api, [catalogue[0], negative, no_seats, catalogue[0]])
    assert _problems(answer) == [(2, "cost.amount"), (3, "cohorts[0].seats"), (4, "id")]
    assert "nothing was stored" in answer.json()["detail"]
    # What needs the engine: the taxonomy and the exchange-rate table.
    outside = json.loads(json.dumps(catalogue[0]))
    outside["confers"]["skills"][0]["name"] = "underwater basket weaving"
    no_rate = {**catalogue[1], "cost": {"amount": 100, "currency": "GBP"}}
    answer = _upload_courses(api, [outside, no_rate, catalogue[2]])
    assert _problems(answer) == [(1, "confers.skills[0].name"), (2, "cost.currency")]
    messages = [e["message"] for e in answer.json()["errors"]]
    assert "not in the Selaras taxonomy" in messages[0]
    assert "'GBP'" in messages[1]
    assert api.client.get("/courses", headers=api.officer).json() == {"items": []}
    # Courses are a catalogue, not a pool: a file over 1 MiB is refused unread.
    big = _upload_courses(api, _catalogue() * 1000)
    assert big.status_code == 413


def test_a_json_array_catalogue_is_read_too(api: Api) -> None:
    one = _catalogue()[:1]
    answer = api.client.post(
        "/courses/bulk?format=json",
        files={"file": ("courses", json.dumps(one).encode())},
        headers=api.officer,
    )
    assert answer.status_code == 200, answer.text
    listed = api.client.get("/courses", headers=api.officer).json()["items"]
    assert [c["id"] for c in listed] == [one[0]["id"]]


# Plans -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The whole bundled pool, every agency's records as in the files, and the catalogue."""
    with bundled_pool_api(tmp_path_factory.mktemp("sample")) as api:
        assert _upload_courses(api, _catalogue()).status_code == 200
        yield api


def _cli_plan(run_cli: RunCli, folder: Path, *args: Any, **files: Path) -> list[dict[str, Any]]:
    # The stored catalogue is read in id order: so is the command's.
    courses = _write_files(folder, courses=sorted(_catalogue(), key=lambda c: c["id"]))
    out = folder / "plan.jsonl"
    done = run_cli(
        "plan-training", "--workers", files["workers"], "--vacancies", files["vacancies"],
        "--agencies", files["agencies"], "--courses", courses["courses"], "--as-of", AS_OF,
        "--out", out, *args,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    return _records(out.read_text(encoding="utf-8"))


def _without_agencies(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in AGENCY_FIELDS} for r in records]


def test_a_plan_gives_the_records_of_selaras_plan_training(
    sample_api: Api, run_cli: RunCli, tmp_path: Path
) -> None:
    # The bundled pool's ids are unique across agencies: the API's records are the
    # command's, plus the agencies of each enrolment's worker and job orders.
    expected = _cli_plan(
        run_cli, tmp_path, "--budget", "40000000", "IDR",
        workers=POOL / "workers.jsonl", vacancies=POOL / "vacancies.jsonl",
        agencies=POOL / "agencies.jsonl",
    )  # fmt: skip
    body = {"as_of": AS_OF, "budget": {"amount": 40_000_000, "currency": "IDR"}}
    text = _plan(sample_api, body)
    assert "\x1f" not in text
    found = _records(text)
    assert found[-1]["status"] == "optimal"
    assert found[-1]["enrolled"] > 10
    assert _without_agencies(found) == expected
    owners = {(w["agency_id"], w["id"]) for w in _read("workers.jsonl")}
    jobs = {(v["agency_id"], v["id"]) for v in _read("vacancies.jsonl")}
    for enrolment in (r for r in found if r["kind"] == "enrolment"):
        assert (enrolment["worker_agency_id"], enrolment["worker_id"]) in owners
        assert (enrolment["placed_in_agency_id"], enrolment["placed_in"]) in jobs
        unlocked = zip(enrolment["unlocks_agency_ids"], enrolment["unlocks"], strict=True)
        assert set(unlocked) <= jobs
    # Deterministic: the same request, the same bytes.
    assert _plan(sample_api, body) == text


def test_a_budget_and_a_course_filter_bound_the_plan(sample_api: Api) -> None:
    free = sorted(c["id"] for c in _catalogue() if c["cost"]["amount"] == 0)
    zero = _records(_plan(sample_api, {"as_of": AS_OF, "budget": {"amount": 0, "currency": "USD"}}))
    assert zero[-1]["cost"] == {"amount": 0, "currency": "USD"}
    enrolled = {r["course_id"] for r in zero if r["kind"] == "enrolment"}
    assert enrolled
    assert enrolled <= set(free)
    chosen = free[:2]
    only = _records(_plan(sample_api, {"as_of": AS_OF, "courses": chosen}))
    assert {r["course_id"] for r in only if r["kind"] != "summary"} <= set(chosen)
    assert {r["course_id"] for r in only if r["kind"] == "cohort"} == set(chosen)


def test_an_agencys_plan_draws_on_its_own_pool_and_is_its_own(
    trained: Api, pool_data: PoolData, run_cli: RunCli, tmp_path: Path
) -> None:
    api = trained
    files = _write_files(
        tmp_path,
        workers=pool_data.of("workers", AGENCY_A),
        vacancies=pool_data.of("vacancies", AGENCY_A),
        agencies=pool_data.agencies,
    )
    expected = _cli_plan(run_cli, tmp_path, **files)
    started = api.client.post("/training-plans", json={"as_of": AS_OF}, headers=api.keys["a"])
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    assert started.json()["params"]["agency_id"] == AGENCY_A
    assert _wait(api, run_id, api.keys["a"])["status"] == "done"
    results = api.client.get(f"/training-plans/{run_id}/results", headers=api.keys["a"])
    found = _records(results.text)
    assert _without_agencies(found) == expected
    enrolments = [r for r in found if r["kind"] == "enrolment"]
    assert enrolments, "A's own pool has someone to train"
    for enrolment in enrolments:
        assert enrolment["worker_agency_id"] == enrolment["placed_in_agency_id"] == AGENCY_A
        assert set(enrolment["unlocks_agency_ids"]) == {AGENCY_A}
    # B and auditors do not see it; the officer does.
    for part in ("", "/results"):
        path = f"/training-plans/{run_id}{part}"
        assert api.client.get(path, headers=api.keys["b"]).status_code == 404
        assert api.client.get(path, headers=api.keys["auditor"]).status_code == 403
        assert api.client.get(path, headers=api.officer).status_code == 200
    cancel = f"/training-plans/{run_id}/cancel"
    assert api.client.post(cancel, headers=api.keys["b"]).status_code == 404
    assert api.client.get("/training-plans", headers=api.keys["b"]).json() == []
    listed = api.client.get("/training-plans", headers=api.keys["a"]).json()
    assert [p["id"] for p in listed] == [run_id]
    assert (
        api.client.post("/training-plans", json={}, headers=api.keys["auditor"]).status_code == 403
    )
    # An officer's plan is on the whole pool: B's twin ids included.
    whole = _records(_plan(api, {"as_of": AS_OF}))
    assert whole[-1]["baseline_placed"] >= found[-1]["baseline_placed"]


def test_training_plans_and_rounds_keep_to_their_own_routes(trained: Api) -> None:
    api = trained
    plan = api.client.post("/training-plans", json={"as_of": AS_OF}, headers=api.officer).json()
    round_ = api.client.post("/batch-runs", json={"as_of": AS_OF}, headers=api.officer).json()
    assert _wait(api, plan["id"])["status"] == "done"
    assert api.client.get(f"/batch-runs/{plan['id']}", headers=api.officer).status_code == 404
    assert api.client.get(f"/training-plans/{round_['id']}", headers=api.officer).status_code == 404
    rounds = [r["id"] for r in api.client.get("/batch-runs", headers=api.officer).json()]
    plans = [r["id"] for r in api.client.get("/training-plans", headers=api.officer).json()]
    assert (rounds, plans) == ([round_["id"]], [plan["id"]])


def test_an_empty_plan_is_a_result_with_reasons(api: Api) -> None:
    # No catalogue at all: nobody can be trained, and the plan says why.
    records = _records(_plan(api, {"as_of": AS_OF}))
    assert [r["kind"] for r in records] == ["summary"]
    assert records[0]["status"] == "empty"
    assert records[0]["reasons"]
    assert records[0]["expected_placed"] == records[0]["baseline_placed"]


def _loc(answer: Any) -> list[list[Any]]:
    assert answer.status_code == 422, answer.text
    return [problem["loc"] for problem in answer.json()["detail"]]


def test_bad_plan_requests_are_422_naming_the_field(trained: Api) -> None:
    api = trained

    def ask(body: dict[str, Any]) -> Any:
        return api.client.post(
            "/training-plans", json={"as_of": AS_OF, **body}, headers=api.officer
        )

    first = _catalogue()[0]["id"]
    assert _loc(ask({"courses": [first, "CRS-NOPE"]})) == [["body", "courses", 1]]
    assert _loc(ask({"budget": {"amount": 5, "currency": "GBP"}})) == [
        ["body", "budget", "currency"]
    ]
    assert "'GBP'" in ask({"budget": {"amount": 5, "currency": "GBP"}}).json()["detail"][0]["msg"]
    assert _loc(ask({"budget": {"amount": -1, "currency": "IDR"}})) == [
        ["body", "budget", "amount"]
    ]
    assert _loc(ask({"budget": {"amount": 5, "currency": "XX"}})) == [
        ["body", "budget", "currency"]
    ]
    for limit in (0, -1, 3601, "soon", "30", True):
        assert _loc(ask({"time_limit": limit})) == [["body", "time_limit"]]
    assert _loc(ask({"courses": []})) == [["body", "courses"]]
    assert _loc(ask({"courses": [first, first]})) == [["body", "courses"]]
    assert _loc(ask({"as_of": "yesterday"})) == [["body", "as_of"]]
    assert _loc(ask({"seats": 3})) == [["body", "seats"]]
    assert api.client.get("/training-plans", headers=api.officer).json() == []


def test_a_stored_course_the_engine_cannot_read_is_named(trained: Api) -> None:
    # A course stored before the taxonomy dropped its skill (the upload checks it).
    course = _catalogue()[0]
    course["id"] = "CRS-OLD"
    course["confers"]["skills"][0]["name"] = "underwater basket weaving"
    server = api_server(trained)
    with write_session(server.engine) as session:
        put_courses(session, [Course.model_validate(course)])
    answer = trained.client.post("/training-plans", json={"as_of": AS_OF}, headers=trained.officer)
    assert _loc(answer) == [["catalogue", "CRS-OLD", "confers.skills[0].name"]]


def api_server(api: Api) -> Any:
    """The running server's state."""
    return api.client.app.state.server  # type: ignore[attr-defined]


def test_a_plan_is_audited_with_the_versions_it_reads(trained: Api) -> None:
    api = trained
    run_id = api.client.post(
        "/training-plans", json={"as_of": AS_OF}, headers=api.keys["a"]
    ).json()["id"]
    assert _wait(api, run_id)["status"] == "done"
    text = api.client.get(f"/training-plans/{run_id}/results", headers=api.keys["a"]).text
    enrolled = [[r["worker_agency_id"], r["worker_id"]] for r in _records(text)
                if r["kind"] == "enrolment"]  # fmt: skip
    entries = api.client.get("/audit?limit=500", headers=api.keys["auditor"]).json()["items"]
    mine = [e for e in entries if e["target"] == run_id]
    assert [e["action"] for e in mine] == ["training_plan.create", "training_plan.results"]
    created, read = mine
    assert (created["role"], created["agency_id"]) == ("agency", AGENCY_A)
    assert created["params"]["as_of"] == AS_OF
    assert created["params"]["agency_id"] == AGENCY_A
    versions = created["versions"]
    assert versions["courses"] == created["params"]["catalogue"]
    assert versions["courses"].startswith("sha256:")
    assert {"code", "taxonomy", "weights"} <= set(versions)
    assert any(name.startswith("rule_pack:") for name in versions)
    assert read["result_ids"] == enrolled
    assert read["versions"] == versions


def _held_solver(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the solver wait: (solving, release) events."""
    solving, release = threading.Event(), threading.Event()
    solve = training_run.solve_plan

    def held(*args: Any, **kwargs: Any) -> Any:
        solving.set()
        release.wait(timeout=60)
        return solve(*args, **kwargs)

    monkeypatch.setattr(training_run, "solve_plan", held)
    return solving, release


def test_cancel_stops_a_running_plan_and_a_queued_one_never_starts(
    trained: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = trained
    solving, release = _held_solver(monkeypatch)
    running = api.client.post("/training-plans", json={"as_of": AS_OF}, headers=api.keys["a"])
    queued = api.client.post("/training-plans", json={"as_of": AS_OF}, headers=api.officer)
    running_id, queued_id = running.json()["id"], queued.json()["id"]
    try:
        assert solving.wait(timeout=60), "the plan never reached the solver"
        live = api.client.get(f"/training-plans/{running_id}", headers=api.keys["a"]).json()
        assert (live["status"], live["stage"]) == ("running", "plan")
        assert STAGE_BANDS["plan"][0] <= live["progress"] < STAGE_BANDS["plan"][1]
        for run_id, who in ((queued_id, api.officer), (running_id, api.keys["a"])):
            answer = api.client.post(f"/training-plans/{run_id}/cancel", headers=who)
            assert answer.status_code == 200
    finally:
        release.set()
    for run_id in (running_id, queued_id):
        status = _wait(api, run_id)
        assert (status["status"], status["summary"]) == ("cancelled", None)
        results = api.client.get(f"/training-plans/{run_id}/results", headers=api.officer)
        assert results.status_code == 409
    with read_session(api_server(api).engine) as session:
        rows = session.scalars(select(BatchRunRow).where(BatchRunRow.kind == "training_plan"))
        assert {(r.id, r.records, r.report, r.started_at is None) for r in rows} == {
            (running_id, None, None, False),
            (queued_id, None, None, True),
        }
    actions = [e["action"] for e in api.client.get(
        "/audit?action=training_plan.cancel", headers=api.officer).json()["items"]]  # fmt: skip
    assert actions == ["training_plan.cancel"] * 2


def test_a_plan_fails_when_the_catalogue_changed_after_it_was_asked(
    trained: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = trained
    solving, release = _held_solver(monkeypatch)
    first = api.client.post("/training-plans", json={"as_of": AS_OF}, headers=api.officer)
    second = api.client.post("/training-plans", json={"as_of": AS_OF}, headers=api.officer)
    try:
        assert solving.wait(timeout=60)
        changed = {**_catalogue()[0], "pass_rate": 0.5}
        assert _upload_courses(api, [changed]).status_code == 200
    finally:
        release.set()
    assert _wait(api, first.json()["id"])["status"] == "done"
    failed = _wait(api, second.json()["id"])
    assert failed["status"] == "failed"
    assert failed["error"].startswith("CatalogueChangedError: the course catalogue changed")


def test_progress_moves_through_the_stages_and_never_goes_back(
    trained: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = record_progress_writes(monkeypatch)
    _plan(trained, {"as_of": AS_OF})
    stages = list(dict.fromkeys(stage for stage, _ in written))
    assert stages == list(STAGE_BANDS)
    fractions = [fraction for _, fraction in written]
    assert fractions == sorted(fractions)
    for stage, fraction in written:
        low, high = STAGE_BANDS[stage]
        assert low <= fraction <= high, (stage, fraction)
    bands = list(STAGE_BANDS.values())
    assert (bands[0][0], bands[-1][1]) == (0.0, 1.0)
    assert all(before[1] == after[0] for before, after in pairwise(bands))


def test_runs_stored_before_the_migration_are_rounds(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'selaras.db'}")
    upgrade(engine, "0005_integrations")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO batch_runs (id, status, stage, progress, params, key_id, "
                "created_at) VALUES ('run_old', 'done', 'done', 1.0, '{}', 'admin', "
                "CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine, "head")
    with read_session(engine) as session:
        assert session.scalars(select(BatchRunRow.kind)).all() == ["round"]
    downgrade(engine, "0005_integrations")
    assert "courses" not in inspect(engine).get_table_names()
    columns = {column["name"] for column in inspect(engine).get_columns("batch_runs")}
    assert "kind" not in columns
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT id FROM batch_runs")) == "run_old"
    engine.dispose()
