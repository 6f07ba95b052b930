"""A Parquet worker file read as columns, held to the row reader (matcher/pool/columnar.py).

The same verdict and messages, the same encoded pool column by column, the same facts
for every worker, in one process and in two; and the match and explain commands write the
same bytes from a Parquet file as from its JSON Lines twin.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matcher.pool.columnar import RowFacts, read_columnar
from matcher.pool.columns_read import READ_COLUMNS
from matcher.scoring.columns import Coded, gather, merge_gathered
from matcher.scoring.encoding import GATHERED, GATHERED_EXTRA, encode_pool
from matcher.scoring.facts import worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.files import InvalidInputError, read_records
from models.parquet_files import parquet_table
from models.worker import PROTECTED_FIELDS
from tests.conftest import RunCli
from tests.matcher.pool.same_pool import assert_same_pool
from tests.models.worker_row_cases import labelled_worker_cases, valid_worker_cases, worker_cases
from tests.paths import POOL

DAY = dt.date(2026, 3, 1)


def _parquet(folder: Path, rows: list[dict[str, Any]], name: str = "workers.parquet") -> Path:
    path = folder / name
    pq.write_table(parquet_table(rows, "workers"), path, row_group_size=97)
    return path


def _sample() -> list[dict[str, Any]]:
    lines = (POOL / "workers.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _renames(rows: list[dict[str, Any]]) -> bool:
    """Whether a row's ids, stripped of spaces, are another row's as written."""
    written = [(str(r.get("agency_id")), str(r.get("id"))) for r in rows]
    stripped = {(a.strip(), i.strip()) for a, i in written if (a.strip(), i.strip()) != (a, i)}
    return bool(stripped & set(written))


def _verdict(read: Callable[[], Any]) -> tuple[Any, InvalidInputError | None]:
    try:
        return read(), None
    except InvalidInputError as error:
        return None, error


def _held_to_rows(path: Path, jobs: int, rows: list[dict[str, Any]]) -> str:
    """read_columnar gives what the row reader gives: its error ("raised"), or its pool
    and facts ("read"); or declines ("declined": the row reader reads the file) when an id
    repeats once stripped."""
    records, error = _verdict(lambda: read_records(path, "workers").records)
    read, refused = _verdict(lambda: read_columnar(path, DAY, jobs))
    if error is not None:
        if refused is None:
            assert read is None
            assert _renames(rows)
            return "declined"
        assert refused.problems == error.problems
        assert refused.lines_with_errors == error.lines_with_errors
        return "raised"
    assert read is not None
    skills = default_skill_normalizer()
    facts = worker_facts(records, skills, default_occupation_normalizer())
    assert_same_pool(read.encoded, encode_pool(facts, skills.taxonomy, DAY))
    assert repr(list(read.facts)) == repr(facts)  # every worker, made in batches
    assert repr(read.facts[len(facts) // 2]) == repr(facts[len(facts) // 2])
    return "read"


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_bundled_pool_reads_as_the_row_reader_reads_it(tmp_path: Path, jobs: int) -> None:
    rows = _sample()
    assert _held_to_rows(_parquet(tmp_path, rows), jobs, rows) == "read"


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("jobs", [1, 2])
def test_valid_and_warned_rows_read_as_the_row_reader_reads_them(
    tmp_path: Path, seed: int, jobs: int
) -> None:
    # Rows with warnings and rows stored otherwise than written are read by the row
    # reader, and merged with the rows read as columns.
    rows = valid_worker_cases(seed, 300)
    assert _held_to_rows(_parquet(tmp_path, rows), jobs, rows) == "read"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_with_bad_rows_gets_the_row_readers_errors(
    tmp_path: Path, seed: int, jobs: int
) -> None:
    rows = worker_cases(seed, 300)
    _held_to_rows(_parquet(tmp_path, rows), jobs, rows)
    # Without ids padded to repeat others (which the reader declines), it raises.
    kept = [c.record for c in labelled_worker_cases(seed, 300) if c.kind != "ids.duplicate_padded"]
    assert _held_to_rows(_parquet(tmp_path, kept, "kept.parquet"), jobs, kept) == "raised"


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_id_repeated_across_parts_is_the_row_readers_error(tmp_path: Path, jobs: int) -> None:
    rows = _sample()
    rows[-1] = {**rows[-1], "id": rows[0]["id"], "agency_id": rows[0]["agency_id"]}
    assert _held_to_rows(_parquet(tmp_path, rows), jobs, rows) == "raised"


def test_an_id_that_repeats_once_stripped_is_left_to_the_row_reader(tmp_path: Path) -> None:
    # " W-1" is "W-1" once read: the screen sees two ids, the row reader one, repeated.
    rows = _sample()
    rows[5] = {**rows[5], "id": f" {rows[3]['id']} ", "agency_id": rows[3]["agency_id"]}
    path = _parquet(tmp_path, rows)
    assert read_columnar(path, DAY, 1) is None
    with pytest.raises(InvalidInputError):
        read_records(path, "workers")


def test_a_file_of_other_column_types_is_left_to_the_row_reader(tmp_path: Path) -> None:
    table = parquet_table(_sample(), "workers")
    path = tmp_path / "workers.parquet"
    wide = table.schema.set(0, table.schema.field(0).with_type(pa.large_string()))
    pq.write_table(table.cast(wide), path)
    assert read_columnar(path, DAY, 1) is None


def test_facts_are_made_once_when_fetched(tmp_path: Path) -> None:
    read = read_columnar(_parquet(tmp_path, _sample()), DAY, 1)
    assert read is not None
    assert isinstance(read.facts, RowFacts)
    read.facts.fetch([3, 1, 3])
    first = read.facts[3]
    assert read.facts[3] is first
    assert read.facts[-1].id == read.encoded.ids[-1]
    with pytest.raises(IndexError):
        read.facts[len(read.facts)]


def test_no_protected_column_is_read_into_the_pool() -> None:
    assert not set(READ_COLUMNS) & set(PROTECTED_FIELDS)


def test_two_gatherings_merge_into_the_whole_ones() -> None:
    records = read_records(POOL / "workers.jsonl", "workers").records
    facts = worker_facts(records, default_skill_normalizer(), default_occupation_normalizer())
    rng = np.random.default_rng(7)
    picked = np.sort(rng.choice(len(facts), size=len(facts) // 3, replace=False))
    rest = np.setdiff1d(np.arange(len(facts)), picked)
    parts = [
        gather([facts[i] for i in rows.tolist()], GATHERED, GATHERED_EXTRA)
        for rows in (rest, picked)
    ]
    merged = merge_gathered(parts[0], parts[1], (rest, picked))
    for key, found in gather(facts, GATHERED, GATHERED_EXTRA).items():
        joined = merged[key]
        assert {n: list(v) for n, v in joined.values.items()} == found.values, key
        assert repr(joined.lengths) == repr(found.lengths), key
        assert repr(None if joined.items is None else list(joined.items)) == repr(found.items)


def test_coded_values_read_and_subset_as_their_values() -> None:
    coded = Coded(["b", "a"], np.array([0, 1, -1, 0, 1], np.int64))
    assert list(coded) == ["b", "a", None, "b", "a"]
    kept = coded.kept(np.array([False, True, True, True, False]))
    assert list(kept) == ["a", None, "b"]
    assert kept.keys == ["a", "b"]


def _written(run_cli: RunCli, *args: str | Path) -> bytes:
    done = run_cli(*args)
    assert done.exit_code == 0, done.stderr
    return done.stdout_bytes


@pytest.mark.parametrize("direction", ["vacancies", "workers"])
def test_match_and_explain_write_the_same_from_parquet(
    tmp_path: Path, run_cli: RunCli, direction: str
) -> None:
    parquet = _parquet(tmp_path, _sample())
    common: list[str | Path] = ["--vacancies", POOL / "vacancies.jsonl"]
    common += ["--agencies", POOL / "agencies.jsonl", "--as-of", "2026-03-01"]
    match = ["match", *common, "--for", direction, "--top", "3", "--read-jobs", "2"]
    from_rows = _written(run_cli, *match, "--workers", POOL / "workers.jsonl")
    assert _written(run_cli, *match, "--workers", parquet) == from_rows
    ranked = next(json.loads(line) for line in from_rows.splitlines() if b'"rank"' in line)
    pair = ["--worker", ranked["worker_id"], "--vacancy", ranked["vacancy_id"]]
    explain = ["explain", *common, *pair]
    assert _written(run_cli, *explain, "--workers", parquet) == _written(
        run_cli, *explain, "--workers", POOL / "workers.jsonl"
    )
