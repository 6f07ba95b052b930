"""A worker file read in parts by forked processes (matcher/pool/parallel.py) gives what
reading it in one process gives: the same pool (array by array, code tables in the same
order), the same snapshot bytes, the same command output and the same errors."""

from __future__ import annotations

import datetime as dt
import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matcher.pool import parallel
from matcher.pool.packed import PackedFacts
from matcher.pool.parallel import read_in_parts, read_pool
from matcher.pool.snapshot import Source, build_snapshot, snapshot_from_facts
from matcher.scoring.encoding import concat_pools, encode_pool, join_encoded
from matcher.scoring.facts import worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models import parquet_files
from models.files import InvalidInputError, Problem, read_records
from models.parquet_files import parquet_table
from tests.conftest import RunCli
from tests.matcher.pool.same_pool import assert_same_pool
from tests.paths import POOL, SAMPLE

WORKERS = POOL / "workers.jsonl"
DAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def facts() -> list:
    records = read_records(WORKERS, "workers").records
    return worker_facts(records, default_skill_normalizer(), default_occupation_normalizer())


@pytest.mark.parametrize("cuts", [(5,), (1, 2), (3, 700, 1999)])
def test_parts_joined_are_the_pool_encoded_whole(facts: list, cuts: tuple[int, ...]) -> None:
    taxonomy = default_skill_normalizer().taxonomy
    bounds = [0, *cuts, len(facts)]
    parts = [encode_pool(facts[a:b], taxonomy, DAY) for a, b in pairwise(bounds)]
    assert_same_pool(join_encoded(parts), encode_pool(facts, taxonomy, DAY))


def test_a_plain_join_numbers_a_shared_code_table_otherwise(facts: list) -> None:
    # Why join_encoded recodes: a country first met in the first part's preferences and
    # the second part's stints is numbered otherwise by concat_pools.
    taxonomy = default_skill_normalizer().taxonomy
    parts = [encode_pool(facts[:5], taxonomy, DAY), encode_pool(facts[5:], taxonomy, DAY)]
    assert concat_pools(parts).countries != encode_pool(facts, taxonomy, DAY).countries


def test_packed_facts_joined_are_the_facts_packed_whole(facts: list) -> None:
    whole = PackedFacts.pack(facts)
    joined = PackedFacts.join([PackedFacts.pack(facts[:7]), PackedFacts.pack(facts[7:])])
    assert bytes(joined.blob) == bytes(whole.blob)
    assert np.array_equal(joined.ends, whole.ends)
    assert repr(joined.decode_all()) == repr(facts)
    assert repr(joined[8]) == repr(facts[8])


def _written(folder: Path, fmt: str, lines: list[bytes] | None = None) -> Path:
    """The pool's workers (or ``lines``) as a JSON Lines or Parquet file (row groups of 700)."""
    lines = lines or WORKERS.read_bytes().splitlines()
    path = folder / f"workers.{fmt}"
    if fmt == "jsonl":
        path.write_bytes(b"".join(line + b"\n" for line in lines))
    else:
        rows = [json.loads(line) for line in lines]
        pq.write_table(parquet_table(rows, "workers"), path, row_group_size=700)
    return path


def _same_error(path: Path) -> list[Problem]:
    """The problems read_pool raises, checked to be the one-process reader's."""
    with pytest.raises(InvalidInputError) as whole:
        read_records(path, "workers")
    with pytest.raises(InvalidInputError) as parts:
        read_pool(path, DAY, 2)
    assert parts.value.problems == whole.value.problems
    return parts.value.problems


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
@pytest.mark.parametrize("jobs", [2, 3])
def test_a_snapshot_from_parts_has_the_same_bytes(tmp_path: Path, jobs: int, fmt: str) -> None:
    # The processes read views of the workers (decode_view), the whole file records.
    workers = _written(tmp_path, fmt)
    source = Source(str(workers), "sha")
    whole, parts = tmp_path / "whole.pool", tmp_path / "parts.pool"
    build_snapshot(whole, read_records(workers, "workers").records, source, built=DAY)
    read = read_pool(workers, DAY, jobs, each_part=len)
    snapshot_from_facts(parts, read.facts, read.encoded, source)
    assert parts.read_bytes() == whole.read_bytes()
    assert len(read.each_part) == jobs
    assert sum(read.each_part) == 2000


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_an_invalid_file_read_in_parts_raises_the_same_error(tmp_path: Path, fmt: str) -> None:
    lines = WORKERS.read_bytes().splitlines()
    lines[1500] = lines[10]  # a repeat across the cut
    lines[300] = lines[300].replace(b'"birth_date": "', b'"birth_date": "x')
    problems = _same_error(_written(tmp_path, fmt, lines))
    assert [p.line for p in problems] == [301, 1501]


def test_a_broken_json_line_read_in_parts_raises_the_same_error(tmp_path: Path) -> None:
    lines = WORKERS.read_bytes().splitlines()
    lines[300] = b"{"
    assert [p.line for p in _same_error(_written(tmp_path, "jsonl", lines))] == [301]


def test_only_large_json_lines_files_with_jobs_are_read_in_parts(tmp_path: Path) -> None:
    size = WORKERS.stat().st_size
    assert read_in_parts(WORKERS, 2, min_bytes=size)
    assert not read_in_parts(WORKERS, 2, min_bytes=size + 1)
    assert not read_in_parts(WORKERS, 1, min_bytes=0)
    assert not read_in_parts(SAMPLE / "workers.csv", 2, min_bytes=0)
    assert not read_in_parts(WORKERS, 2)  # the sample pool is under 8 MiB


@pytest.fixture
def in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON Lines or Parquet worker file read in parts when --read-jobs allows."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 0)


def _out(run_cli: RunCli, *args: str | Path) -> tuple[int, bytes, str]:
    result = run_cli(*args)
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.mark.usefixtures("in_parts")
@pytest.mark.parametrize(
    "command",
    [
        ("match", "--top", "50"),
        ("match", "--for", "workers", "--top", "3"),
        ("allocate",),
        ("allocate", "--report", "REPORT"),
        ("explain", "--worker", "W-0000042", "--vacancy", "JO-2026-0001"),
    ],
    ids=["match", "match-workers", "allocate", "allocate-report", "explain"],
)
def test_commands_write_the_same_bytes_with_two_read_jobs(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    name, *rest = (str(tmp_path / f"report-{a}.json") if a == "REPORT" else a for a in command)
    common = [name, "--workers", WORKERS, "--vacancies", POOL / "vacancies.jsonl"]
    common += ["--agencies", POOL / "agencies.jsonl", "--as-of", "2026-03-01", *rest]
    one = _out(run_cli, *common, "--read-jobs", "1")
    assert one[0] == 0, one[2]
    assert _out(run_cli, *common, "--read-jobs", "2") == one


@pytest.mark.usefixtures("in_parts")
def test_pool_build_writes_the_same_bytes_with_two_read_jobs(
    run_cli: RunCli, tmp_path: Path
) -> None:
    built = []
    for jobs in ("1", "2"):
        out = tmp_path / f"{jobs}.pool"
        result = run_cli("pool", "build", "--workers", WORKERS, "--out", out, "--read-jobs", jobs)
        assert result.exit_code == 0, result.stderr
        built.append(out.read_bytes())
    assert built[0] == built[1]


@pytest.mark.usefixtures("in_parts")
@pytest.mark.parametrize("command", ["match", "pool-build"])
def test_an_invalid_worker_file_gets_the_same_report_with_two_read_jobs(
    run_cli: RunCli, tmp_path: Path, command: str
) -> None:
    lines = WORKERS.read_bytes().splitlines(keepends=True)
    lines[1200] = lines[3]  # repeats of line 4 on both sides of the cut
    lines[40] = b"{\n"
    workers = tmp_path / "workers.jsonl"
    workers.write_bytes(b"".join(lines[:1000] + lines[3:4] + lines[1000:]))
    bad_orders = tmp_path / "vacancies.jsonl"
    bad_orders.write_bytes(b"{\n")
    if command == "match":
        args: list[str | Path] = ["match", "--workers", workers, "--vacancies", bad_orders]
    else:
        args = ["pool", "build", "--workers", workers, "--out", tmp_path / "w.pool"]
    one = _out(run_cli, *args, "--read-jobs", "1")
    assert one[0] == 1
    assert "workers.jsonl:1202: id: duplicate id" in one[2]
    assert "(first on line 4)" in one[2]
    assert _out(run_cli, *args, "--read-jobs", "2") == one


@pytest.mark.parametrize("value", ["0", "-1", "x"])
def test_read_jobs_must_be_a_count(run_cli: RunCli, value: str) -> None:
    args = ["--workers", WORKERS, "--vacancies", POOL / "vacancies.jsonl", "--read-jobs", value]
    result = run_cli("match", *args)
    assert result.exit_code == 2
    assert "--read-jobs" in result.stderr


# Parquet: the same pool, snapshot, output and errors from row ranges.


def test_a_parquet_file_refused_whole_is_read_in_one_process(tmp_path: Path) -> None:
    wrong = tmp_path / "workers.parquet"
    pq.write_table(pa.table({"id": ["W1"], "agency_id": ["A"], "birth_date": [1990]}), wrong)
    assert not read_in_parts(wrong, 2, min_rows=0)
    assert "birth_date" in str(_same_error(wrong))


def test_only_parquet_files_of_enough_rows_are_read_in_parts(tmp_path: Path) -> None:
    workers = _written(tmp_path, "parquet")
    assert read_in_parts(workers, 2, min_rows=2000)
    assert not read_in_parts(workers, 2, min_rows=2001)
    assert not read_in_parts(workers, 1, min_rows=0)
    assert not read_in_parts(workers, 2)  # under 10,000 rows


@pytest.mark.usefixtures("in_parts")
@pytest.mark.parametrize("command", [("match", "--top", "50"), ("allocate",)], ids=str)
def test_commands_on_parquet_write_the_same_bytes_with_two_read_jobs(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    name, *rest = command
    common = [
        name,
        "--workers",
        _written(tmp_path, "parquet"),
        "--vacancies",
        POOL / "vacancies.jsonl",
    ]
    common += ["--agencies", POOL / "agencies.jsonl", "--as-of", "2026-03-01", *rest]
    one = _out(run_cli, *common, "--read-jobs", "1")
    assert one[0] == 0, one[2]
    assert _out(run_cli, *common, "--read-jobs", "2") == one


def test_a_parquet_page_that_cannot_be_read_gets_the_whole_file_error(tmp_path: Path) -> None:
    workers = _written(tmp_path, "parquet")
    data = bytearray(workers.read_bytes())
    page = pq.ParquetFile(workers).metadata.row_group(2).column(0).data_page_offset
    data[page + 20 : page + 60] = bytes(b ^ 0xFF for b in data[page + 20 : page + 60])
    workers.write_bytes(bytes(data))
    (problem,) = _same_error(workers)
    assert problem.message.startswith("Parquet file cannot be read")


def test_a_part_that_cannot_be_read_leaves_the_file_to_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read that fails in a process but not again (a passing I/O error): the file is
    # read whole, never joined without that part's rows.
    workers = _written(tmp_path, "parquet")
    first = parquet_files.rows_as_jsonl

    def failing_after_the_first_rows(path: Path, kind: str, start: int, end: int) -> bytes:
        if start > 0:
            raise OSError("passing failure")
        return first(path, kind, start, end)  # type: ignore[arg-type]

    monkeypatch.setattr(parquet_files, "rows_as_jsonl", failing_after_the_first_rows)
    read = read_pool(workers, DAY, 2, each_part=len)
    monkeypatch.undo()
    records = read_records(workers, "workers").records
    skills = default_skill_normalizer()
    facts = worker_facts(records, skills, default_occupation_normalizer())
    assert bytes(read.facts.blob) == bytes(PackedFacts.pack(facts).blob)
    assert_same_pool(read.encoded, encode_pool(facts, skills.taxonomy, DAY))
    assert read.each_part == [2000]
