"""``selaras match`` and ``explain`` as a new user meets them on the sample files.

Every open job order (worker) gets a record, so silence never means "nothing fits"; an
unknown id in ``explain`` is one line and exit 2; a refused agency says what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.results import GAP_KINDS
from tests.conftest import RunCli

AS_OF = "2026-03-01"


def _files(sample_dir: Path) -> list[str | Path]:
    return [
        *("--workers", sample_dir / "workers.jsonl", "--vacancies", sample_dir / "vacancies.jsonl"),
        *("--agencies", sample_dir / "agencies.jsonl", "--as-of", AS_OF),
    ]


def _match(run_cli: RunCli, sample_dir: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("match", *_files(sample_dir), *args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]


def test_every_open_job_order_gets_a_record(run_cli: RunCli, sample_dir: Path) -> None:
    records = _match(run_cli, sample_dir, "--top", "3")
    refused = [r["vacancy_id"] for r in records if r.get("refused")]
    empty = [r for r in records if "eligible_candidates" in r]
    ranked = {r["vacancy_id"] for r in records if "worker_id" in r}
    # The sample: 1 refused job order, 5 of the other 8 with no eligible worker.
    assert refused == ["JO-2027-0009"]
    assert [r["vacancy_id"] for r in empty] == [
        "JO-2027-0001", "JO-2027-0002", "JO-2027-0004", "JO-2027-0007", "JO-2027-0008",
    ]  # fmt: skip
    assert set(_ids(sample_dir / "vacancies.jsonl")) == {*refused, *ranked} | {
        r["vacancy_id"] for r in empty
    }
    for record in empty:
        assert set(record) == {"vacancy_id", "eligible_candidates", "reasons"}
        assert record["eligible_candidates"] == 0
        assert 1 <= len(record["reasons"]) <= 3
        for reason in record["reasons"]:
            assert set(reason) == {"kind", "detail"}
            assert reason["kind"] in GAP_KINDS
            assert " candidates " in reason["detail"] or " candidate " in reason["detail"]
    order = [r["vacancy_id"] for r in records if not r.get("refused")]
    assert order == sorted(order)  # each in its job order's place (the sample is in id order)


def test_the_record_comes_before_the_ineligible_pairs(run_cli: RunCli, sample_dir: Path) -> None:
    records = _match(run_cli, sample_dir, "--top", "0", "--include-ineligible")
    of_first = [r for r in records if r.get("vacancy_id") == "JO-2027-0001"]
    assert "eligible_candidates" in of_first[0]
    assert len(of_first) == 1 + 20
    assert not any(r.get("eligible") for r in of_first[1:])
    # A job order with an eligible worker has no such record.
    assert not [r for r in records if r.get("vacancy_id") == "JO-2027-0003" and "reasons" in r]


def test_every_worker_gets_a_record_for_workers(run_cli: RunCli, sample_dir: Path) -> None:
    records = _match(run_cli, sample_dir, "--for", "workers", "--top", "2")
    empty = {r["worker_id"]: r for r in records if "eligible_job_orders" in r}
    eligible = {r["worker_id"] for r in records if r.get("eligible")}
    assert set(_ids(sample_dir / "workers.jsonl")) == set(empty) | eligible
    assert not set(empty) & eligible
    for record in empty.values():
        assert record["eligible_job_orders"] == 0
        assert record["reasons"]
        assert all(r["detail"].endswith(("job order", "job orders")) for r in record["reasons"])


def test_the_record_speaks_indonesian(run_cli: RunCli, sample_dir: Path) -> None:
    records = _match(run_cli, sample_dir, "--lang", "id")
    details = [r["detail"] for r in records if "eligible_candidates" in r for r in r["reasons"]]
    assert details
    assert all(" kandidat " in d for d in details)


@pytest.mark.parametrize(
    ("ids", "lines"),
    [
        (("W-9", "JO-2027-0001"), ["--worker: no worker 'W-9' in"]),
        (("W-000101", "JO-9"), ["--vacancy: no job order 'JO-9' in"]),
        (("W-9", "JO-9"), ["--worker: no worker 'W-9' in", "--vacancy: no job order 'JO-9' in"]),
    ],
)
def test_explain_an_unknown_id_is_one_line_of_bad_usage(
    run_cli: RunCli, sample_dir: Path, ids: tuple[str, str], lines: list[str]
) -> None:
    result = run_cli("explain", *_files(sample_dir), "--worker", ids[0], "--vacancy", ids[1])
    assert result.exit_code == 2
    assert result.stdout == ""
    said = result.stderr.splitlines()
    assert len(said) == len(lines)
    for line, start in zip(said, lines, strict=True):
        assert line.startswith(f"error: {start}")
    assert "Usage" not in result.stderr


@pytest.mark.parametrize(
    ("changes", "as_of", "why"),
    [
        ({}, "2199-12-31", "its licence ended on 2029-01-15"),
        ({"status": "suspended"}, AS_OF, "its licence is suspended"),
        ({"status": "expired"}, AS_OF, "its licence has expired"),
        (
            {"status": "revoked", "revoked_on": "2025-05-01"},
            AS_OF,
            "its licence was revoked on 2025-05-01",
        ),
        ({"valid_from": "2026-06-01"}, AS_OF, "its licence is valid only from 2026-06-01"),
        ({"id": "P3MI-OTHER"}, AS_OF, "it is not in the agency register"),
    ],
)
def test_a_refused_agency_says_what_is_wrong(
    run_cli: RunCli,
    tmp_path: Path,
    sample_dir: Path,
    changes: dict[str, Any],
    as_of: str,
    why: str,
) -> None:
    agency = {
        "id": "P3MI-T", "name": "PT Uji", "status": "active", "valid_from": "2024-01-15",
        "valid_until": "2029-01-15", "revoked_on": None, **changes,
    }  # fmt: skip
    order = json.loads((sample_dir / "vacancies.jsonl").read_text("utf-8").splitlines()[0])
    (tmp_path / "v.jsonl").write_text(json.dumps({**order, "agency_id": "P3MI-T"}) + "\n")
    (tmp_path / "a.jsonl").write_text(json.dumps(agency) + "\n")
    result = run_cli(
        "match", "--workers", sample_dir / "workers.jsonl", "--vacancies", tmp_path / "v.jsonl",
        "--agencies", tmp_path / "a.jsonl", "--as-of", as_of,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (refusal,) = [json.loads(line) for line in result.stdout.splitlines()]
    (reason,) = refusal["reasons"]
    assert reason["kind"] == "agency_not_licensed"
    assert reason["detail"] == f"agency P3MI-T is not licensed on {as_of}: {why}"


def test_ranking_in_forked_processes_writes_the_same_records(
    run_cli: RunCli, sample_dir: Path
) -> None:
    for extra in ((), ("--include-ineligible",), ("--for", "workers")):
        here = _match(run_cli, sample_dir, "--top", "5", *extra)
        for n_jobs in ("2", "-1"):
            assert _match(run_cli, sample_dir, "--top", "5", "--n-jobs", n_jobs, *extra) == here


def test_zero_processes_is_bad_usage(run_cli: RunCli, sample_dir: Path) -> None:
    result = run_cli("match", *_files(sample_dir), "--n-jobs", "0")
    assert result.exit_code == 2
    assert "--n-jobs" in result.stderr
