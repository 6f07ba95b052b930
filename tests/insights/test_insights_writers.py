"""Policy tables on disk: the three formats carry the same rows; the manifest names them."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matcher.insights.schema import SCHEMAS, TABLE_NAMES, schema_for
from matcher.insights.suppression import protect
from matcher.insights.table import PolicyTable, ProtectedTable, TableError
from matcher.insights.writers import remove_output, write_csv, write_tables

AS_OF = dt.date(2026, 3, 1)
VERSIONS = {"code": "0.1.0", "taxonomy": "esco-1.2", "weights": "skills=0.5"}


def _courses() -> ProtectedTable:
    table = PolicyTable(
        SCHEMAS["courses"],
        AS_OF,
        {
            "course_id": ["CRS-A", "CRS-A", "CRS-B", "CRS-B"],
            "cohort_start": ["2026-04-06", "2026-07-06", "2026-04-06", "2026-07-06"],
        },
        {
            "seats": [20, 20, 15, 15],
            "workers_unlocked": [4, 30, 25, 41],
            "expected_placements": [3.4, 25.5, 0.0, 34.85],
        },
    )
    return protect(table)


def test_every_format_holds_the_same_rows(tmp_path: Path) -> None:
    courses = _courses()
    written = write_tables(tmp_path, [courses], versions=VERSIONS)
    assert [p.name for p in written] == [
        "courses.csv", "courses.parquet", "courses.jsonl", "manifest.json",
    ]  # fmt: skip
    expected = list(courses.rows())
    # The small count and its complement on the same line and column are withheld.
    assert [r["workers_unlocked"] for r in expected] == [None, None, None, None]

    lines = (tmp_path / "courses.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected
    assert list(json.loads(lines[0])) == list(SCHEMAS["courses"].columns)

    with (tmp_path / "courses.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == list(SCHEMAS["courses"].columns)
        rows = list(reader)
    assert rows[0] == ["2026-03-01", "CRS-A", "2026-04-06", "20", "", "3.4", "workers_unlocked"]
    assert rows[3][5] == "34.85"

    frame = pq.read_table(tmp_path / "courses.parquet")
    assert frame.column_names == list(SCHEMAS["courses"].columns)
    assert str(frame.schema.field("cohort_start").type) == "date32[day]"
    suppressed = frame.schema.field("suppressed").type
    assert pa.types.is_list(suppressed)
    assert pa.types.is_string(suppressed.value_type)
    records = frame.to_pylist()
    assert records[0]["cohort_start"] == dt.date(2026, 4, 6)
    assert records[0]["workers_unlocked"] is None
    assert records[0]["suppressed"] == ["workers_unlocked"]
    assert [r["seats"] for r in records] == [r["seats"] for r in expected]


def test_the_manifest_names_date_versions_threshold_and_tables(tmp_path: Path) -> None:
    write_tables(tmp_path, [_courses()], versions=VERSIONS)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == {
        "as_of": "2026-03-01",
        "versions": VERSIONS,
        "min_cell": 10,
        "tables": ["courses"],
        "rows": {"courses": 4},
    }


def test_tables_of_different_dates_are_not_written_together(tmp_path: Path) -> None:
    other = protect(
        PolicyTable.from_rows(
            SCHEMAS["refusals"],
            dt.date(2026, 4, 1),
            [{"reason_kind": "wage_below_floor", "destination": "JP", "job_orders": 2}],
        )
    )
    with pytest.raises(ValueError, match="share one as_of"):
        write_tables(tmp_path, [_courses(), other], versions=VERSIONS)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "courses.csv"
    path.write_text("previous\n", encoding="utf-8")
    courses = _courses()

    def crash(self: ProtectedTable) -> object:
        yield {"as_of": "2026-03-01"}
        raise KeyboardInterrupt

    monkeypatch.setattr(ProtectedTable, "rows", crash)
    with pytest.raises(KeyboardInterrupt):
        write_csv(courses, path)
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["courses.csv"]


def test_every_table_is_declared_in_format_order() -> None:
    assert TABLE_NAMES == (
        "supply_demand", "gaps", "languages", "origin", "courses", "refusals", "reintegration",
    )  # fmt: skip
    assert SCHEMAS["supply_demand"].columns == (
        "as_of", "skill", "destination", "quarter", "slots_demanded", "eligible_workers",
        "one_gap_workers", "filled_slots", "suppressed",
    )  # fmt: skip
    with pytest.raises(ValueError, match="unknown table 'wages': the tables are supply_demand"):
        schema_for("wages")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seats": [20, -1]}, "seats: row 1 is -1, not a non-negative integer"),
        ({"seats": [20, 2.5]}, "seats: row 1 is 2.5, not a non-negative integer"),
        ({"cohort_start": ["2026-04-06", "06/07/2026"]}, "not a YYYY-MM-DD date"),
        ({"course_id": ["CRS-A", " "]}, "course_id: row 1 is ' ', not a non-empty string"),
        ({"cohort_start": ["2026-04-06", "2026-04-06"]}, "row 1 repeats the cell course_id="),
        ({"seats": [20]}, "columns differ in length"),
    ],
)
def test_inconsistent_columns_are_rejected_naming_column_and_row(
    change: dict[str, list[object]], message: str
) -> None:
    columns: dict[str, list[object]] = {
        "course_id": ["CRS-A", "CRS-A"],
        "cohort_start": ["2026-04-06", "2026-07-06"],
        "seats": [20, 20],
        "workers_unlocked": [11, 12],
        "expected_placements": [1.0, 2.0],
    }
    columns.update(change)
    dims = {k: columns[k] for k in ("course_id", "cohort_start")}
    measures = {k: columns[k] for k in ("seats", "workers_unlocked", "expected_placements")}
    with pytest.raises(TableError, match=message.replace("(", r"\(")):
        PolicyTable(SCHEMAS["courses"], AS_OF, dims, measures)  # type: ignore[arg-type]


def _refusals() -> ProtectedTable:
    rows = [{"reason_kind": "wage_below_floor", "destination": "JP", "job_orders": 12}]
    return protect(PolicyTable.from_rows(SCHEMAS["refusals"], AS_OF, rows))


def test_a_new_output_removes_the_tables_the_earlier_one_wrote(tmp_path: Path) -> None:
    write_tables(tmp_path, [_courses(), _refusals()], versions=VERSIONS)
    (tmp_path / "notes.txt").write_text("the planner's own file", encoding="utf-8")
    write_tables(tmp_path, [_refusals()], versions=VERSIONS)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json", "notes.txt", "refusals.csv", "refusals.jsonl", "refusals.parquet",
    ]  # fmt: skip
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"] == ["refusals"]


@pytest.mark.parametrize(
    "manifest", ["not json", '["courses"]', '{"tables": "courses"}', '{"tables": ["../x"]}']
)
def test_only_tables_an_earlier_manifest_names_are_removed(tmp_path: Path, manifest: str) -> None:
    write_tables(tmp_path, [_courses()], versions=VERSIONS)
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    (tmp_path / "x.csv").write_text("kept", encoding="utf-8")
    write_tables(tmp_path, [_refusals()], versions=VERSIONS)
    assert (tmp_path / "courses.csv").exists()
    assert (tmp_path / "x.csv").read_text(encoding="utf-8") == "kept"


def test_removing_an_output_leaves_what_it_did_not_write(tmp_path: Path) -> None:
    write_tables(tmp_path, [_courses(), _refusals()], versions=VERSIONS)
    (tmp_path / "notes.txt").write_text("the planner's own file", encoding="utf-8")
    (tmp_path / "2026-03-01").mkdir()
    remove_output(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-03-01", "notes.txt"]
    remove_output(tmp_path)  # nothing left to remove
    remove_output(tmp_path / "missing")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-03-01", "notes.txt"]
