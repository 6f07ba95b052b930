"""Parquet records: the same records and the same errors as JSON Lines, columns checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from models.files import InvalidInputError, read_records
from models.kinds import RecordKind
from models.parquet_files import arrow_schema, iter_rows, parquet_table, write_parquet
from tests.conftest import RunCli

SAMPLES: list[tuple[str, RecordKind]] = [
    ("workers.jsonl", "workers"),
    ("vacancies.jsonl", "vacancies"),
    ("agencies.jsonl", "agencies"),
    ("returnees.jsonl", "returnees"),
    ("opportunities.jsonl", "opportunities"),
    ("pool/workers.jsonl", "workers"),
]


def _raw(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict[str, Any]], kind: RecordKind | None) -> Path:
    write_parquet(parquet_table(rows, kind), path)
    return path


@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_a_sample_file_reads_the_same_from_parquet(
    sample_dir: Path, tmp_path: Path, name: str, kind: RecordKind
) -> None:
    records = read_records(sample_dir / name, kind).records
    rows = [r.model_dump(mode="json", exclude_none=True) for r in records]
    path = _write(tmp_path / "records.parquet", rows, kind)
    assert pq.read_schema(path).names == arrow_schema(kind).names
    assert read_records(path, kind).records == records
    # By its magic number too, whatever the extension.
    renamed = path.rename(tmp_path / "records.bin")
    assert read_records(renamed, kind).records == records


def test_language_results_keep_text_and_numbers(sample_dir: Path, tmp_path: Path) -> None:
    rows = _raw(sample_dir / "workers.jsonl")
    results = {type(lang["result"]) for row in rows for lang in row.get("languages", [])}
    assert results >= {str, int}  # the sample has both, so the union column is exercised
    path = _write(tmp_path / "w.parquet", rows, "workers")
    assert pq.read_schema(path).field("languages").type.value_type.field("result").type == (
        pa.string()
    )
    assert (
        read_records(path, "workers").records
        == read_records(sample_dir / "workers.jsonl", "workers").records
    )


def _problems(path: Path, kind: RecordKind) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        read_records(path, kind)
    return [str(p).replace(str(path), "FILE") for p in caught.value.problems]


def test_a_wrong_column_type_is_an_error_naming_the_column(
    sample_dir: Path, tmp_path: Path
) -> None:
    table = pq.read_table(
        _write(tmp_path / "v.parquet", _raw(sample_dir / "vacancies.jsonl"), "vacancies")
    )
    slots = table.column("slots").cast(pa.string())
    wrong = table.set_column(table.schema.get_field_index("slots"), "slots", slots)
    wrong = wrong.append_column("salary", pa.array(["x"] * wrong.num_rows))
    pq.write_table(wrong.drop_columns(["title"]), tmp_path / "bad.parquet")
    assert _problems(tmp_path / "bad.parquet", "vacancies") == [
        "FILE: slots: column has type string; it must hold an integer",
        "FILE: salary: unknown column (not part of the Selaras format; check its spelling)",
        "FILE: title: required column is missing",
    ]


def test_a_nested_wrong_type_names_the_part(sample_dir: Path, tmp_path: Path) -> None:
    rows = _raw(sample_dir / "workers.jsonl")
    for row in rows:
        row.pop("languages", None)  # text and numbers: pyarrow cannot infer one type
        for entry in row.get("experience", []):
            entry["months"] = str(entry.get("months", ""))
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "bad.parquet")
    [problem] = _problems(tmp_path / "bad.parquet", "workers")
    assert problem == "FILE: experience[].months: has type string; it must hold an integer"


def test_a_bad_row_gets_the_error_of_the_same_json_line(sample_dir: Path, tmp_path: Path) -> None:
    rows = _raw(sample_dir / "workers.jsonl")
    rows[2]["nik"] = "12345"
    rows[4]["birth_date"] = "1999-02-30"
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    parquet = _write(tmp_path / "bad.parquet", rows, "workers")
    from_parquet = _problems(parquet, "workers")
    assert from_parquet == _problems(jsonl, "workers")
    assert [p.split(": ")[0:2] for p in from_parquet] == [
        ["FILE:3", "nik"],
        ["FILE:5", "birth_date"],
    ]


def test_not_a_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    path.write_bytes(b"PAR1 this is not one")
    [problem] = _problems(path, "workers")
    assert problem.startswith("FILE: not a readable Parquet file")


def test_match_and_allocate_write_parquet(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    pool = sample_dir / "pool"
    inputs = tmp_path / "workers.parquet"
    _write(inputs, _raw(pool / "workers.jsonl"), "workers")
    for command in (["match", "--top", "3"], ["allocate"]):
        args = [
            *command, "--workers", inputs, "--vacancies", pool / "vacancies.jsonl",
            "--agencies", pool / "agencies.jsonl", "--as-of", "2026-03-01",
        ]  # fmt: skip
        as_json, as_parquet = tmp_path / "out.jsonl", tmp_path / "out.parquet"
        assert run_cli(*args, "--out", as_parquet).exit_code == 0
        assert run_cli(*args, "--workers", pool / "workers.jsonl", "--out", as_json).exit_code == 0
        # In Parquet a null is an absent value: compare the JSON records without theirs.
        assert list(iter_rows(as_parquet)) == [_no_nulls(r) for r in _raw(as_json)]


def _no_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return value


def test_an_import_writes_parquet_that_validates(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    documents, workers = tmp_path / "candidates.jsonl", tmp_path / "workers.parquet"
    run_cli("export", "hr-json", "--workers", sample_dir / "workers.jsonl", "--out", documents)
    assert run_cli("import", "hr-json", documents, "--out", workers).exit_code == 0
    result = run_cli("validate", "workers", workers)
    assert result.exit_code == 0, result.stderr
    assert "20 workers valid" in result.stdout
