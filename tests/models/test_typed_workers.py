"""The typed worker reader (models/typed_workers.py) held to the pydantic reader.

Both readers must give every file the same verdict: the same records (values, types and
the set of fields given), the same line numbers, the same errors and warnings with the
same messages, and the same counts. The test files of tests/data and the bundled sample
are read both ways, each worker line is compared record by record, and hypothesis makes
bad files by changing one thing at a time in valid workers.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.files import ReadResult, read_stream
from models.strict_json import JsonError
from models.strict_json import loads as strict_loads
from models.typed_workers import (
    CHECKED_FIELD_VALIDATORS,
    decode_view,
    decode_worker,
    with_id,
    worker_json,
)
from models.worker import Worker
from tests.models.same_result import assert_reads_as, assert_same_result, assert_same_value
from tests.paths import SAMPLE, TEST_DATA

RECORD_FILES = sorted(
    path
    for path in [*TEST_DATA.rglob("*"), *SAMPLE.rglob("*")]
    if path.suffix in (".jsonl", ".json", ".csv")
)
WORKER_LINES = [
    line
    for path in RECORD_FILES
    if path.suffix == ".jsonl" and path.name.startswith(("workers", "returnees"))
    for line in path.read_bytes().splitlines()
    if line.strip()
]
VALID_WORKERS = [
    json.loads(line)
    for path, count in ((SAMPLE / "workers.jsonl", 40), (SAMPLE / "pool" / "workers.jsonl", 60))
    for line in path.read_bytes().splitlines()[:count]
]


def read_both(data: bytes, name: str = "workers.jsonl") -> tuple[ReadResult[Any], ...]:
    return tuple(
        read_stream(io.BytesIO(data), "workers", name=name, suffix=Path(name).suffix, typed=typed)
        for typed in (True, False)
    )


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_test_file_read_as_workers_gets_the_same_verdict(path: Path) -> None:
    fast, slow = read_both(path.read_bytes(), path.name)
    assert_same_result(fast, slow)


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_test_file_read_as_views_gets_the_same_verdict(path: Path) -> None:
    data = path.read_bytes()
    viewed = read_stream(
        io.BytesIO(data), "workers", name=path.name, suffix=path.suffix, views=True
    )
    assert_same_result(viewed, read_both(data, path.name)[1], views=True)


def test_the_sample_pool_is_read_by_the_typed_decoder() -> None:
    # The speed is only there if valid records stay on the typed path.
    lines = (SAMPLE / "pool" / "workers.jsonl").read_bytes().splitlines()
    assert all(decode_worker(line) is not None for line in lines)


def test_each_worker_line_decodes_to_the_pydantic_record() -> None:
    decoded = 0
    for line in WORKER_LINES:
        fast = decode_worker(line)
        if fast is not None:  # else left to pydantic: nothing to compare
            assert_same_value(fast, Worker.model_validate(strict_loads(line)), line.decode())
            decoded += 1
    assert decoded > len(WORKER_LINES) / 2


def assert_same_view(line: bytes) -> None:
    """The view of ``line`` is there exactly when its record is, and reads as it, with
    the same warnings and the same stored JSON, also with another id."""
    view, record = decode_view(line), decode_worker(line)
    assert (view is None) == (record is None), line.decode(errors="replace")
    if view is not None:
        assert record is not None
        assert not isinstance(view, Worker)  # else nothing here would test the view
        assert_reads_as(view, record, line.decode())
        assert view.warnings() == record.warnings()
        assert worker_json(view) == record.model_dump_json(exclude_none=True)
        assert worker_json(record) == record.model_dump_json(exclude_none=True)
        renamed = with_id(view, "P3MI-0001:W-1")
        assert_reads_as(renamed, with_id(record, "P3MI-0001:W-1"), line.decode())
        assert worker_json(view) == record.model_dump_json(exclude_none=True)  # unchanged


def test_each_worker_line_reads_as_a_view_of_its_record() -> None:
    for line in WORKER_LINES:
        assert_same_view(line)
    assert sum(decode_view(line) is not None for line in WORKER_LINES) > len(WORKER_LINES) / 2


def test_a_view_holds_the_warnings_of_its_record() -> None:
    # A NIK whose date and sex disagree, a return before the end of the last work abroad.
    worker = copy.deepcopy(FULL_WORKER)
    worker["nik"] = "3273010101900002"
    worker["returned"] = "2010-01-01"
    worker["experience"] = [{"title": "welder", "country": "JP", "end": "2011-01-01"}]
    line = _line(worker)
    assert len(decode_worker(line).warnings()) == 3  # type: ignore[union-attr]
    assert_same_view(line)


@pytest.mark.parametrize(
    "number", [0.1, 0.30000000000000004, 5.0, 5, 2.5e-5, 1e-7, 1.5e-300, 99999999.99, 123456789.125]
)
def test_a_view_is_stored_as_its_record_whatever_its_numbers(number: float) -> None:
    # Floats are written by msgspec for a view and by pydantic-core for a record.
    worker = copy.deepcopy(FULL_WORKER)
    worker["preferences"]["min_monthly_wage"]["amount"] = number
    worker["certificates"][0]["score"] = number if number <= 100 else 100
    assert decode_view(_line(worker)) is not None
    assert_same_view(_line(worker))


def test_every_field_validator_of_the_models_built_is_run_by_the_typed_reader() -> None:
    # A field validator added to a model must be added to the typed reader too (or the
    # field kept away from it), else the typed reader would accept what pydantic refuses.
    for model, checked in CHECKED_FIELD_VALIDATORS.items():
        decorators = model.__pydantic_decorators__
        assert set(decorators.field_validators) - {"_no_stray_booleans"} == checked, model
        assert not decorators.validators, model.__name__
        assert not decorators.root_validators, model.__name__


def test_a_line_the_typed_decoder_declines_is_read_by_pydantic() -> None:
    worker = {"id": " W-1 ", "agency_id": "P3MI-0001", "birth_date": "1990-01-01"}
    line = json.dumps(worker).encode()
    assert decode_worker(line) is None  # pydantic strips the id: the typed reader does not
    fast, slow = read_both(line + b"\n")
    assert fast.ok
    assert [w.id for w in fast.records] == ["W-1"]
    assert_same_result(fast, slow)


# Values that break one check or another: every JSON kind, white space and control
# characters at the edges of text, codes in the wrong case, numbers at and past the bounds.
TRICKY_TEXT = st.sampled_from(
    [
        "", " ", "x", " x", "x ", "x\n", "\tx", "x\u00a0", "\u3000x", "x\x00", "x\x85", "x\x1c",
        "jp", "JP", "ZZ", "idr", "IDR", "7212", "721", "9999", "N3", " N3", "n3", "B2",
        "1990-01-01", "1899-12-31", "2200-01-01", "1990-02-30", "1990-01-01T00:00:00",
        "1990-1-1", "3273014509950002", "3273019909950002", "5", "5.0", "true", "x" * 301,
        "F", "f", "SMK", "BNSP", "JP-SSW1", "JLPT", "TOEIC", "W-1", "W 1", "é", "\u200bx",
    ]
)  # fmt: skip
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 5, 6, 990, 1200, 1201, 2**63, -1, 10**12]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 0.5, 5.0, 1000.0, 1000.5, 1e308]),
    TRICKY_TEXT,
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(TRICKY_TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key or index path inside a decoded record."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found.append((*prefix, key))
        if isinstance(item, dict | list):
            found.extend(_paths(item, (*prefix, key)))
    return found


@st.composite
def damaged_worker(draw: st.DrawFn) -> dict[str, Any]:
    """A valid worker with one field replaced, deleted, or one unknown field added."""
    worker = copy.deepcopy(draw(st.sampled_from(VALID_WORKERS)))
    path = draw(st.sampled_from(_paths(worker)))
    parent = worker
    for key in path[:-1]:
        parent = parent[key]
    action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = draw(JSON_VALUES)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(TRICKY_TEXT)] = draw(JSON_VALUES)
    return worker


def _line(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_worker())
def test_a_damaged_worker_gets_the_same_verdict_and_messages(worker: dict[str, Any]) -> None:
    line = _line(worker)
    fast, slow = read_both(line + b"\n")
    assert_same_result(fast, slow)
    assert_same_view(line)
    record = decode_worker(line)
    if record is not None:
        try:
            assert_same_value(record, Worker.model_validate(strict_loads(line)))
        except JsonError:
            pytest.fail("the typed decoder accepted a line that is not strict JSON")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            damaged_worker().map(_line),
            st.sampled_from(VALID_WORKERS).map(_line),
            st.sampled_from([b"", b"  ", b"{", b"[]", b"null", b'{"id": 1}', b"\xff\xfe"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_file_of_damaged_and_repeated_workers_gets_the_same_verdict(lines: list[bytes]) -> None:
    assert_same_result(*read_both(b"\n".join(lines) + b"\n"))


def test_a_birth_date_of_today_and_tomorrow() -> None:
    # The plausibility bound moves with the day: both readers read the same clock.
    for day in (dt.date.today(), dt.date.today() + dt.timedelta(days=1)):
        worker = {"id": "W-1", "agency_id": "A-1", "birth_date": day.isoformat()}
        assert_same_result(*read_both(_line(worker) + b"\n"))


FULL_WORKER = json.loads(
    next(
        line
        for line in (SAMPLE / "workers.jsonl").read_text().splitlines()
        if '"min_monthly_wage"' in line and '"certificates"' in line and '"languages"' in line
    )
)
ONE_CHANGE = [
    # One case per check the typed reader makes itself (hypothesis finds these rarely).
    (("id",), "W-1\n"),
    (("id",), "W-1 "),
    (("full_name",), "Siti\u00a0"),
    (("full_name",), "Si\x00ti"),
    (("full_name",), "x" * 301),
    (("nik",), "3273019909950002"),
    (("birth_date",), "1899-12-31"),
    (("birth_date",), "1919-12-31"),
    (("birth_date",), "2199-12-31"),
    (("returned",), "1990-01-01"),
    (("returned",), "2200-01-01"),
    (("preferences", "min_monthly_wage", "amount"), 1e12),
    (("preferences", "min_monthly_wage", "amount"), 0),
    (("preferences", "min_monthly_wage", "currency"), "idr"),
    (("preferences", "countries", 0), "jp"),
    (("certificates", 0, "issued"), "2028-01-01"),
    (("certificates", 0, "score"), 1000.5),
    (("certificates", 0, "grade"), "2"),
    (("certificates", 0, "scheme"), "JP-TRADE-TEST"),
    (("languages", 0, "result"), " N4"),
    (("languages", 0, "result"), "N6"),
    (("languages", 0, "score"), 181),
    (("languages", 0, "sections"), {"listening": 100}),
    (("experience", 0, "end"), "2018-01-01"),
    (("experience", 0, "isco"), "1234"),
    (("experience", 0, "skills_used"), ["las", " las"]),
    (("skills", 0, "months"), 1201),
    (("skills", 0, "level"), True),
    (("skills", 0, "level"), 3.0),
    (("health", "checked"), "1900-01-01"),
    (("home",), {"province": "Jawa Barat"}),
]


@pytest.mark.parametrize(("path", "value"), ONE_CHANGE)
def test_one_change_gets_the_same_verdict_and_messages(path: tuple[Any, ...], value: Any) -> None:
    worker = copy.deepcopy(FULL_WORKER)
    parent = worker
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    line = _line(worker)
    assert_same_result(*read_both(line + b"\n"))
    assert_same_view(line)
    record = decode_worker(line)
    if record is not None:
        assert_same_value(record, Worker.model_validate(strict_loads(line)))
