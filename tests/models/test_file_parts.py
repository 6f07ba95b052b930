"""A JSON Lines or Parquet file read in parts (models/file_parts.py) held to the whole-file
reader.

Joining the parts must give every file the whole-file reader's verdict: the same records
and line numbers, the same errors and warnings with the same messages in the same order,
the same counts, and the same error raised. The files of tests/data and the sample are
read cut into 1, 2, 3 and 9 parts; hypothesis makes files of valid, warned, repeated and
broken lines (repeats and errors on both sides of the cuts, lines that are not UTF-8) cut
into 2 to 8 parts; a flood of errors runs past the listing's limit. Parquet files of
the pool and of generated rows (in row groups of several sizes) are cut into row ranges.
"""

from __future__ import annotations

import copy
import json
import tempfile
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.file_parts import (
    Part,
    buffer_is_jsonl,
    buffer_parts,
    is_jsonl,
    join_parts,
    jsonl_parts,
    parquet_parts,
    read_buffer_part,
    read_part,
)
from models.files import (
    MAX_LISTED_PROBLEMS,
    RECORD_MODELS,
    InvalidInputError,
    ReadResult,
    checked,
    read_records,
    read_stream,
)
from models.kinds import RecordKind
from models.parquet_files import parquet_table, read_parquet, readable_rows
from tests.models.same_result import assert_same_result
from tests.paths import POOL, SAMPLE, TEST_DATA

JSONL_FILES = sorted(
    path for path in [*TEST_DATA.rglob("*"), *SAMPLE.rglob("*")] if path.suffix == ".jsonl"
)
PART_COUNTS = (1, 2, 3, 9)


def _kind(path: Path) -> RecordKind:
    return next((k for k in RECORD_MODELS if path.name.startswith(k)), "workers")  # type: ignore[return-value]


def _whole(path: Path, kind: RecordKind) -> ReadResult[Any]:
    with path.open("rb") as handle:
        return read_stream(handle, kind, name=str(path), suffix=path.suffix)


def _joined(path: Path, kind: RecordKind, n: int, *, views: bool = False) -> ReadResult[Any]:
    parts = jsonl_parts(path, n)
    return join_parts([read_part(path, kind, part, views=views) for part in parts])


def _raised(call: Any) -> str | None:
    try:
        call()
    except InvalidInputError as error:
        return f"{error} ({error.lines_with_errors})"
    return None


@pytest.mark.parametrize("path", JSONL_FILES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_test_file_in_parts_gets_the_same_verdict(path: Path) -> None:
    kind = _kind(path)
    whole = _whole(path, kind)
    # Also read as views (for a pool's facts): the same verdict, records read as views.
    for n, views in [(n, views) for n in PART_COUNTS for views in (False, True)]:
        joined = _joined(path, kind, n, views=views)
        assert_same_result(joined, whole, views=views)
        assert _raised(lambda j=joined: checked(j, str(path))) == _raised(
            lambda: read_records(path, kind)
        )


def test_the_parts_cover_the_file_at_line_starts(tmp_path: Path) -> None:
    data = (POOL / "workers.jsonl").read_bytes()
    path = tmp_path / "workers.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + data)
    parts = jsonl_parts(path, 5)
    assert len(parts) == 5
    assert parts[0] == Part(3, parts[0].end, 1)
    assert parts[-1].end == len(data) + 3
    text = path.read_bytes()
    for before, after in pairwise(parts):
        assert before.end == after.start
        assert text[after.start - 1 : after.start] == b"\n"
        assert after.first_line == text[: after.start].count(b"\n") + 1
    # More parts than lines: one part per line at most, none empty.
    small = tmp_path / "two.jsonl"
    small.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    assert [(p.start, p.end, p.first_line) for p in jsonl_parts(small, 8)] == [
        (0, 9, 1),
        (9, 18, 2),
    ]
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert jsonl_parts(empty, 4) == [Part(0, 0, 1)]


def test_a_repeat_of_an_id_first_seen_in_an_earlier_part_names_its_line(tmp_path: Path) -> None:
    lines = (POOL / "workers.jsonl").read_bytes().splitlines(keepends=True)[:40]
    # The 3rd worker again on lines 35 and 40: both name line 3 (not each other).
    lines[34] = lines[39] = lines[2]
    path = tmp_path / "workers.jsonl"
    path.write_bytes(b"".join(lines))
    whole = _whole(path, "workers")
    assert [(p.line, p.message.endswith("(first on line 3)")) for p in whole.errors] == [
        (35, True),
        (40, True),
    ]
    for n in (2, 4, 40):
        assert_same_result(_joined(path, "workers", n), whole)


def test_a_line_that_is_not_utf8_ends_the_file_in_every_part(tmp_path: Path) -> None:
    lines = (POOL / "workers.jsonl").read_bytes().splitlines(keepends=True)[:30]
    lines[9] = b'{"id": "\xff"}\n'
    lines[20] = b"{\n"  # after the stop: not reported
    path = tmp_path / "workers.jsonl"
    path.write_bytes(b"".join(lines))
    whole = _whole(path, "workers")
    assert [str(p) for p in whole.errors] == [f"{path}: file is not UTF-8 text (line 10)"]
    for n in (2, 3, 30):
        assert_same_result(_joined(path, "workers", n), whole)


def test_a_flood_of_errors_past_the_listing(tmp_path: Path) -> None:
    good = (POOL / "workers.jsonl").read_bytes().splitlines(keepends=True)[:5]
    flood = [b"{\n", b"[]\n", *good[:2]] * (MAX_LISTED_PROBLEMS // 2 + 10)
    path = tmp_path / "workers.jsonl"
    path.write_bytes(b"".join([*good, *flood]))
    whole = _whole(path, "workers")
    assert whole.lines_with_errors > MAX_LISTED_PROBLEMS == len(whole.errors)
    for n in (2, 7):
        assert_same_result(_joined(path, "workers", n), whole)


def test_only_json_lines_files_are_cut(tmp_path: Path) -> None:
    assert is_jsonl(POOL / "workers.jsonl")
    assert not is_jsonl(SAMPLE / "workers.csv")
    unnamed = tmp_path / "workers.txt"
    unnamed.write_bytes((POOL / "workers.jsonl").read_bytes()[:10_000])
    assert is_jsonl(unnamed)  # sniffed as the reader does: an object first
    array = tmp_path / "workers.json"
    array.write_text("[]")
    assert not is_jsonl(array)
    # An upload's bytes: its format given, else its name's extension, else sniffed.
    lines = unnamed.read_bytes()
    assert buffer_is_jsonl(lines, fmt=None, suffix="")
    assert buffer_is_jsonl(b"\xef\xbb\xbf" + lines, fmt=None, suffix="")
    assert not buffer_is_jsonl(lines, fmt=None, suffix=".json")  # one object, as read_stream
    assert not buffer_is_jsonl(lines, fmt="csv", suffix=".jsonl")
    assert not buffer_is_jsonl(b"[]", fmt=None, suffix="")
    assert buffer_is_jsonl(b"id,agency_id\n", fmt=None, suffix=".ndjson")


VALID = [
    json.loads(line)
    for line in (POOL / "workers.jsonl").read_bytes().splitlines()[:30]
    + (SAMPLE / "workers.jsonl").read_bytes().splitlines()[:10]
]


def _warned(worker: dict[str, Any]) -> dict[str, Any]:
    """A valid worker with a warning (a NIK whose sex disagrees with its gender)."""
    changed = copy.deepcopy(worker)
    changed["nik"] = "3273014509950002"  # female, born 05-09-95
    changed["gender"] = "M"
    return changed


def _encoded(worker: dict[str, Any]) -> bytes:
    return json.dumps(worker, ensure_ascii=False).encode() + b"\n"


LINES = st.one_of(
    st.sampled_from(VALID).map(_encoded),
    st.sampled_from(VALID).map(_warned).map(_encoded),
    st.sampled_from(VALID).map(lambda w: {**w, "birth_date": "nope"}).map(_encoded),
    st.sampled_from(
        [b"\n", b"  \n", b"{\n", b"[]\n", b"null\n", b'{"id": 1}\n', b'{"id": "\xff"}\n']
    ),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=40), st.integers(min_value=2, max_value=8), st.booleans())
def test_a_generated_file_in_parts_gets_the_same_verdict(
    lines: list[bytes], n: int, bom: bool
) -> None:
    # A directory per example: hypothesis runs many in one test function.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workers.jsonl"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"".join(lines))
        whole = _whole(path, "workers")
        assert_same_result(_joined(path, "workers", n), whole)
        # The same bytes held in memory (a bulk upload read in parts, api.upload_parts).
        data = path.read_bytes()
        parts = buffer_parts(data, n)
        assert parts == jsonl_parts(path, n)
        reads = [read_buffer_part(data, "workers", p, name=str(path), views=True) for p in parts]
        assert_same_result(join_parts(reads), whole, views=True)


# Parquet: the same reader over the rows made JSON Lines, cut into row ranges.


def _parquet(path: Path, rows: list[dict[str, Any]], row_group_size: int | None) -> Path:
    pq.write_table(parquet_table(rows, "workers"), path, row_group_size=row_group_size)
    return path


def _parquet_joined(path: Path, n: int) -> ReadResult[Any]:
    parts = parquet_parts(readable_rows(path, "workers"), n)
    return join_parts([read_part(path, "workers", part) for part in parts])


def test_parquet_parts_cover_the_rows() -> None:
    assert parquet_parts(10, 3) == [Part(0, 3, 1), Part(3, 6, 4), Part(6, 10, 7)]
    assert parquet_parts(2, 8) == [Part(0, 1, 1), Part(1, 2, 2)]
    assert parquet_parts(5, 1) == [Part(0, 5, 1)]
    assert parquet_parts(0, 4) == [Part(0, 0, 1)]


PARQUET_ROWS = st.one_of(
    st.sampled_from(VALID),
    st.sampled_from(VALID).map(_warned),
    st.sampled_from(VALID).map(lambda w: {**w, "birth_date": "nope"}),
    st.sampled_from(VALID).map(lambda w: {**w, "skills": [{"name": ""}]}),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(PARQUET_ROWS, max_size=40),
    st.integers(min_value=2, max_value=8),
    st.sampled_from([None, 1, 3, 16]),
)
def test_a_generated_parquet_file_in_parts_gets_the_same_verdict(
    rows: list[dict[str, Any]], n: int, row_group_size: int | None
) -> None:
    # Valid, warned, repeated and bad rows (repeats when a row is drawn twice), in row
    # groups that the cuts fall inside or between.
    with tempfile.TemporaryDirectory() as folder:
        path = _parquet(Path(folder) / "workers.parquet", rows, row_group_size)
        assert_same_result(_parquet_joined(path, n), read_parquet(path, "workers"))


@pytest.mark.parametrize("row_group_size", [None, 300])
def test_the_pool_as_parquet_in_parts_gets_the_same_records(
    tmp_path: Path, row_group_size: int | None
) -> None:
    rows = [json.loads(line) for line in (POOL / "workers.jsonl").read_bytes().splitlines()]
    path = _parquet(tmp_path / "workers.parquet", rows, row_group_size)
    whole = read_parquet(path, "workers")
    assert whole.ok
    assert len(whole.records) == len(rows)
    for n in PART_COUNTS:
        assert_same_result(_parquet_joined(path, n), whole)


def test_a_parquet_file_refused_whole_is_not_cut(tmp_path: Path) -> None:
    wrong = tmp_path / "workers.parquet"
    pq.write_table(pa.table({"id": ["W1"], "agency_id": ["A"], "birth_date": [1990]}), wrong)
    with pytest.raises(InvalidInputError) as cut:
        readable_rows(wrong, "workers")
    with pytest.raises(InvalidInputError) as whole:
        read_records(wrong, "workers")
    assert cut.value.problems == whole.value.problems
    assert "birth_date" in str(cut.value)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(InvalidInputError) as cut:
        readable_rows(broken, "workers")
    with pytest.raises(InvalidInputError) as whole:
        read_records(broken, "workers")
    assert cut.value.problems == whole.value.problems
