"""The column-wise Parquet conversion writes the very JSON lines the row-by-row one wrote.

``models.parquet_files`` hands a Parquet file's rows to the JSON Lines reader; it used to
write each row with :func:`_from_arrow` and orjson, and now converts a whole batch with
msgspec structs made for its columns. These tests read files both ways (the row-by-row
writer patched back in) and compare the whole results, on the samples and on columns of
every shape a file may hold: nulls, dates, decimals, dictionaries, maps, numbers kept as
text, unknown nested fields, damaged rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models.parquet_files as parquet_files
from models.files import RECORD_MODELS, ReadResult
from models.kinds import RecordKind
from models.parquet_files import parquet_table, read_parquet, write_parquet
from tests.models.test_typed_workers import assert_same_result
from tests.test_interchange_fuzz import JSON, mangled, paths

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _row_by_row(batch: pa.RecordBatch, node: Any) -> bytes:
    """The writer the column-wise one replaced: each row converted in Python."""
    return b"".join(
        orjson.dumps(parquet_files._from_arrow(row, node), default=parquet_files._json_default)
        + b"\n"
        for row in batch.to_pylist()
    )


def same_reading(path: Path, kind: RecordKind, monkeypatch: pytest.MonkeyPatch) -> ReadResult[Any]:
    """Read ``path`` column-wise and row by row; assert the results are equal."""
    columns = read_parquet(path, kind, name="f.parquet")
    with monkeypatch.context() as patched:
        patched.setattr(parquet_files, "_json_lines", _row_by_row)
        rows = read_parquet(path, kind, name="f.parquet")
    assert_same_result(columns, rows)
    return columns


def _rows(name: str) -> list[dict[str, Any]]:
    text = (SAMPLE / name).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("workers.jsonl", "workers"),
        ("pool/workers.jsonl", "workers"),
        ("vacancies.jsonl", "vacancies"),
        ("returnees.jsonl", "returnees"),
    ],
)
def test_the_samples_read_the_same(
    name: str, kind: RecordKind, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.parquet"
    write_parquet(parquet_table(_rows(name), kind), path)
    assert same_reading(path, kind, monkeypatch).ok


def test_the_lines_are_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    write_parquet(parquet_table(_rows("workers.jsonl"), "workers"), path)
    node = parquet_files._record_node(RECORD_MODELS["workers"])
    for batch in pq.ParquetFile(path).iter_batches():
        assert parquet_files._json_lines(batch, node) == _row_by_row(batch, node)


def test_columns_of_every_shape_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows("workers.jsonl")[:6]
    table = parquet_table(rows, "workers")
    n = table.num_rows
    birth = [dt.date.fromisoformat(r["birth_date"]) for r in rows]
    wage = pa.array(
        [{"amount": decimal.Decimal("9000000.50"), "currency": "IDR"}] * (n - 1) + [None],
        pa.struct([("amount", pa.decimal128(12, 2)), ("currency", pa.string())]),
    )
    replaced = {
        "birth_date": pa.array(birth, pa.date32()),  # a date column
        "province": pa.array([r.get("province") for r in rows]).dictionary_encode(),
        "preferences": pa.StructArray.from_arrays(
            [pa.array([["JP"], None, [], ["KR", None], ["TW"], ["JP"]]), wage],
            names=["countries", "min_monthly_wage"],
        ),
        # A field of no Selaras record inside a struct (an error on the rows holding it),
        # a map of an unknown field, and a null where a value belongs.
        "health": pa.array(
            [{"fit_to_work": True, "blood": "O", "extra": [("a", 1)]}, None]
            + [{"fit_to_work": None, "blood": None, "extra": None}] * (n - 2),
            pa.struct(
                [
                    ("fit_to_work", pa.bool_()),
                    ("blood", pa.string()),
                    ("extra", pa.map_(pa.string(), pa.int64())),
                ]
            ),
        ),
        "returned": pa.array([None] * n, pa.null()),
    }
    for name, column in replaced.items():
        table = table.set_column(table.schema.get_field_index(name), name, column)
    path = tmp_path / "shapes.parquet"
    pq.write_table(table, path)
    result = same_reading(path, "workers", monkeypatch)
    assert {e.field for e in result.errors} >= {"health.blood", "health.extra"}


def test_a_map_held_as_a_struct_and_results_as_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    language = pa.struct(
        [
            ("test", pa.string()),
            ("result", pa.float64()),  # numbers only: a number column
            ("sections", pa.struct([("listening", pa.int64()), ("reading", pa.int64())])),
        ]
    )
    table = pa.table(
        {
            "id": ["W-1", "W-2", "W-3"],
            "agency_id": ["A-1"] * 3,
            "birth_date": ["1995-09-05"] * 3,
            "languages": pa.array(
                [
                    [{"test": "TOEIC", "result": 600.0, "sections": {"listening": 310}}],
                    [{"test": "IELTS", "result": 6.5, "sections": None}],
                    [None],
                ],
                pa.list_(language),
            ),
        }
    )
    path = tmp_path / "languages.parquet"
    pq.write_table(table, path)
    same_reading(path, "workers", monkeypatch)


CANDIDATE = _rows("workers.jsonl")[0]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(where=st.sampled_from(paths(CANDIDATE)), value=JSON)
def test_a_damaged_row_reads_the_same(
    where: tuple[Any, ...], value: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [mangled(CANDIDATE, where, value), {**CANDIDATE, "id": "W-other"}]
    path = tmp_path / "damaged.parquet"
    try:
        # Columns typed by what the values are.
        pq.write_table(pa.Table.from_pylist(rows), path)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return  # no Parquet file holds these values
    same_reading(path, "workers", monkeypatch)
