"""The column screen of worker rows, held to the row reader (models/parquet_screen.py).

A clean row must be one the row reader keeps as written without a word; every row it
refuses or warns about must be left to it. The cases (tests/models/worker_row_cases.py)
try every way a row can be valid, warned or invalid.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pyarrow as pa
import pytest

from models import parquet_screen
from models.files import read_stream
from models.parquet_files import arrow_schema, json_lines, parquet_table
from models.parquet_screen import screen_workers
from models.worker import Worker
from tests.models.worker_row_cases import every_case_kind, labelled_worker_cases, worker_cases


def _alone(line: bytes) -> tuple[bool, int, Any]:
    """The pydantic reader's verdict on one line: valid, its warnings, its record."""
    result = read_stream(io.BytesIO(line), "workers", name="w", fmt="jsonl", typed=False)
    return result.ok, result.warning_count, result.records[0] if result.ok else None


def _check_clean_rows(records: list[dict[str, Any]]) -> int:
    table = parquet_table(records, "workers")
    screened = screen_workers(table)
    assert screened is not None
    lines = json_lines(table, "workers").split(b"\n")[:-1]
    for row, line in enumerate(lines):
        ok, warnings, record = _alone(line)
        if screened.clean[row]:
            assert ok, line
            assert not warnings, line
            # Stored as written: nothing stripped, folded or read otherwise.
            written = json.loads(line)
            dumped = record.model_dump(mode="json", exclude_unset=True, exclude_none=True)
            assert dumped == written, line
    return int(screened.clean.sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clean_rows_are_kept_as_written_without_a_warning(seed: int) -> None:
    assert _check_clean_rows(worker_cases(seed, 300)) > 100


@pytest.mark.parametrize("seed", [0, 1])
def test_every_kind_of_row_is_judged_as_the_row_reader_judges_it(seed: int) -> None:
    cases = every_case_kind(seed)
    _check_clean_rows([case.record for case in cases])
    table = parquet_table([case.record for case in cases], "workers")
    screened = screen_workers(table)
    assert screened is not None
    for case, clean in zip(cases, screened.clean.tolist(), strict=True):
        # A repeated id is the whole file's reader's to find (matcher.pool.columnar).
        if case.fate != "valid" and "duplicate" not in case.kind:
            assert not clean, case.kind


def test_a_mix_of_fates_is_told_apart() -> None:
    cases = labelled_worker_cases(3, 400)
    screened = screen_workers(parquet_table([c.record for c in cases], "workers"))
    assert screened is not None
    fates = [
        c.fate
        for c, clean in zip(cases, screened.clean.tolist(), strict=True)
        if clean and "duplicate" not in c.kind
    ]
    assert set(fates) == {"valid"}
    assert len(fates) > 0.5 * sum(c.fate == "valid" for c in cases)


def _nik_rows() -> list[dict[str, Any]]:
    """Every day and month field of a NIK (00-99 each), for a man and a woman born on
    1 March 2000 or 29 February 1996, and one without gender."""
    rows: list[dict[str, Any]] = []
    for born, gender in (
        (dt.date(2000, 3, 1), "M"),
        (dt.date(1996, 2, 29), "F"),
        (dt.date(2000, 3, 1), None),
    ):
        for day in range(100):
            for month in range(100):
                nik = f"320114{day:02d}{month:02d}{born.year % 100:02d}0001"
                row: dict[str, Any] = {"id": f"W-{len(rows)}", "agency_id": "A", "nik": nik}
                row["birth_date"] = born.isoformat()
                if gender:
                    row["gender"] = gender
                rows.append(row)
    return rows


def test_the_nik_check_is_the_models() -> None:
    rows = _nik_rows()
    screened = screen_workers(parquet_table(rows, "workers"))
    assert screened is not None
    for row, clean in zip(rows, screened.clean.tolist(), strict=True):
        try:
            worker = Worker.model_validate(row)
        except ValueError:
            assert not clean, row["nik"]
            continue
        assert clean == (not worker.warnings()), row["nik"]


def test_other_column_types_are_declined() -> None:
    rows = [{"id": "W-1", "agency_id": "A", "birth_date": "2000-01-01"}]
    table = parquet_table(rows, "workers")
    as_dates = table.set_column(
        table.column_names.index("birth_date"),
        "birth_date",
        pa.array([dt.date(2000, 1, 1)], pa.date32()),
    )
    assert screen_workers(table) is not None
    assert screen_workers(as_dates) is None
    assert screen_workers(table.append_column("nickname", pa.array(["x"]))) is None


def test_the_screen_reads_every_column_of_the_format() -> None:
    # A field added to the worker record must be screened (or left to the row reader).
    assert set(arrow_schema("workers").names) == parquet_screen._REVIEWED
