"""``selaras insights``: files, formats, trends and the errors a planner can make."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import RunCli
from tests.paths import POOL, SAMPLE

INPUTS = (
    "--workers", SAMPLE / "workers.jsonl", "--vacancies", SAMPLE / "vacancies.jsonl",
    "--agencies", SAMPLE / "agencies.jsonl",
)  # fmt: skip


def test_every_table_in_every_format_with_a_manifest(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("insights", *INPUTS, "--as-of", "2026-03-01", "--out", out)
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["as_of"] == "2026-03-01"
    assert manifest["min_cell"] == 10
    assert manifest["tables"] == ["supply_demand", "gaps", "languages", "origin", "refusals"]
    assert {"taxonomy", "weights", "code"} <= set(manifest["versions"])
    assert any(k.startswith("rule_pack:") for k in manifest["versions"])
    for name in manifest["tables"]:
        lines = [json.loads(x) for x in (out / f"{name}.jsonl").read_text("utf-8").splitlines()]
        parquet = pq.read_table(out / f"{name}.parquet").to_pylist()
        with (out / f"{name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(lines) == len(parquet) == len(rows) == manifest["rows"][name]
        for line, par, row in zip(lines, parquet, rows, strict=True):
            assert str(par["as_of"]) == line["as_of"] == row["as_of"] == "2026-03-01"
            assert (
                par["suppressed"]
                == line["suppressed"]
                == [s for s in row["suppressed"].split(";") if s]
            )
            for key, value in line.items():
                if key not in ("as_of", "suppressed"):
                    assert par[key] == value
                    assert row[key] == ("" if value is None else str(value))


def test_several_dates_give_each_date_and_the_trends(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "insights",
        *INPUTS,
        "--as-of", "2026-09-01", "--as-of", "2026-03-01",
        "--table", "origin", "--table", "supply_demand",
        "--min-cell", "3", "--out", out, "--html", tmp_path / "page.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    for day in ("2026-03-01", "2026-09-01"):
        manifest = json.loads((out / day / "manifest.json").read_text("utf-8"))
        assert manifest["tables"] == ["supply_demand", "origin"]
        assert manifest["min_cell"] == 3
    trend = [
        json.loads(x) for x in (out / "trends" / "origin.jsonl").read_text("utf-8").splitlines()
    ]
    assert trend
    assert {(t["since"], t["as_of"]) for t in trend} == {("2026-03-01", "2026-09-01")}
    manifest = json.loads((out / "trends" / "manifest.json").read_text("utf-8"))
    assert manifest["as_of"] == ["2026-03-01", "2026-09-01"]
    assert manifest["changes"] == [{"since": "2026-03-01", "as_of": "2026-09-01"}]
    assert manifest["tables"] == ["supply_demand", "origin"]
    assert manifest["rows"]["origin"] == len(trend)
    assert manifest["min_cell"] == {"2026-03-01": 3, "2026-09-01": 3}
    for day in manifest["as_of"]:
        # The same versions as the date's own tables say.
        tables = json.loads((out / day / "manifest.json").read_text("utf-8"))
        assert manifest["versions"][day] == tables["versions"]
    for row in trend:
        withheld = set(row["suppressed"])
        for measure in ("eligible_workers", "placed_workers"):
            assert (row[measure] is None) == (measure in withheld or row["presence"] != "both")
    page = (tmp_path / "page.html").read_text("utf-8")
    assert "2026-09-01" in page
    assert "<script" not in page


def test_reintegration_with_returnees(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "insights",
        "--workers", POOL / "workers.jsonl", "--vacancies", POOL / "vacancies.jsonl",
        "--returnees", SAMPLE / "returnees.jsonl",
        "--opportunities", SAMPLE / "opportunities.jsonl",
        "--table", "reintegration", "--as-of", "2026-03-01", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(x) for x in (out / "reintegration.jsonl").read_text("utf-8").splitlines()]
    assert rows
    assert set(rows[0]) == {
        "as_of", "province", "skill", "returnees", "opportunity_slots", "suppressed",
    }  # fmt: skip
    assert sum(r["opportunity_slots"] for r in rows) > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--table", "supply"), "unknown table 'supply'"),
        (("--min-cell", "2"), "--min-cell must be at least 3"),
        (("--as-of", "1999-01-01"), "is before every record"),
        (("--returnees", SAMPLE / "returnees.jsonl"), "go together"),
        (("--budget", "1000", "IDR"), "give --courses too"),
        (("--table", "courses"), "needs --courses"),
        (("--courses", SAMPLE / "courses.jsonl", "--budget", "1", "XXX"), "--budget"),
        (("--table", "reintegration"), "needs --returnees"),
    ],
)
def test_clear_errors(
    run_cli: RunCli, tmp_path: Path, args: tuple[str | Path, ...], message: str
) -> None:
    out = tmp_path / "out"
    result = run_cli("insights", *INPUTS, "--out", out, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()


def test_a_run_of_the_other_layout_leaves_no_tables_of_the_earlier_one(
    run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    one = ("--as-of", "2026-03-01", "--table", "origin", "--out", out)
    several = ("--as-of", "2026-03-01", "--as-of", "2026-09-01", "--table", "origin", "--out", out)
    assert run_cli("insights", *INPUTS, *one).exit_code == 0
    assert (out / "origin.csv").exists()
    # Several dates into the directory of one: its tables no longer sit in DIR itself.
    assert run_cli("insights", *INPUTS, *several).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["2026-03-01", "2026-09-01", "trends"]
    # One date into it again: the trends of the two dates go; the dated tables stay.
    assert run_cli("insights", *INPUTS, *one).exit_code == 0
    assert not (out / "trends").exists()
    assert (out / "2026-09-01" / "origin.csv").exists()
    assert json.loads((out / "manifest.json").read_text("utf-8"))["as_of"] == "2026-03-01"


def test_a_stored_round_gives_trends(run_cli: RunCli, tmp_path: Path) -> None:
    first, second = tmp_path / "march", tmp_path / "september"
    args = ("--table", "origin", "--min-cell", "3")
    assert (
        run_cli("insights", *INPUTS, *args, "--as-of", "2026-03-01", "--out", first).exit_code == 0
    )
    result = run_cli(
        "insights", *INPUTS, *args, "--as-of", "2026-09-01", "--since", first, "--out", second
    )
    assert result.exit_code == 0, result.stderr
    assert (second / "2026-09-01" / "origin.jsonl").exists()
    trend = [
        json.loads(x) for x in (second / "trends" / "origin.jsonl").read_text("utf-8").splitlines()
    ]
    march = {
        (r["province"], r["destination"]): r
        for r in map(json.loads, (first / "origin.jsonl").read_text("utf-8").splitlines())
    }
    september = {
        (r["province"], r["destination"]): r
        for r in map(
            json.loads, (second / "2026-09-01" / "origin.jsonl").read_text("utf-8").splitlines()
        )
    }
    assert trend
    for row in trend:
        key = (row["province"], row["destination"])
        before, after = march.get(key), september.get(key)
        if before is None or after is None:
            assert row["eligible_workers"] is None
        elif before["eligible_workers"] is None or after["eligible_workers"] is None:
            assert row["eligible_workers"] is None
            assert "eligible_workers" in row["suppressed"]
        else:
            assert row["eligible_workers"] == after["eligible_workers"] - before["eligible_workers"]
    # The stored round's versions are those its own manifest recorded.
    manifest = json.loads((second / "trends" / "manifest.json").read_text("utf-8"))
    march_manifest = json.loads((first / "manifest.json").read_text("utf-8"))
    assert manifest["as_of"] == ["2026-03-01", "2026-09-01"]
    assert manifest["versions"]["2026-03-01"] == march_manifest["versions"]
    assert manifest["min_cell"]["2026-03-01"] == 3
    again = run_cli(
        "insights", *INPUTS, *args, "--as-of", "2026-03-01", "--since", first, "--out",
        tmp_path / "x",
    )  # fmt: skip
    assert again.exit_code == 2
    assert "computes again" in again.stderr
    (first / "origin.jsonl").write_text('{"as_of": "2026-03-01"}\n', "utf-8")
    broken = run_cli(
        "insights", *INPUTS, *args, "--as-of", "2026-09-01", "--since", first, "--out",
        tmp_path / "y",
    )  # fmt: skip
    assert broken.exit_code == 2
    assert "origin.jsonl, line 1: the columns must be" in broken.stderr
