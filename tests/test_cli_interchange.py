"""``selaras export jobposting|hr-json`` and ``selaras import jobposting|hr-json`` end to end.

Round trips through the command line on the sample files, and bad documents: each error
names file, line and field, exits 1 and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from models.files import read_records
from models.vacancy import DISCRIMINATORY_REQUIREMENTS, Vacancy
from models.worker import Worker
from tests.conftest import RunCli
from tests.test_hrjson import carried

AS_OF = "2026-03-01"
REFUSED = "JO-2027-0009"  # the sample's refused job order (tests/test_cli_match.py)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _export(run_cli: RunCli, sample_dir: Path, out: Path, *args: str) -> Any:
    result = run_cli(
        "export", "jobposting", "--vacancies", sample_dir / "vacancies.jsonl",
        "--agencies", sample_dir / "agencies.jsonl", "--out", out, *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result


def _unpublished(vacancy: Vacancy) -> Vacancy:
    cleared = dict.fromkeys(DISCRIMINATORY_REQUIREMENTS)
    return vacancy.model_copy(
        update={"requirements": vacancy.requirements.model_copy(update=cleared)}
    )


def test_export_then_import_gives_the_same_job_orders(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    postings, orders = tmp_path / "postings.jsonl", tmp_path / "orders.jsonl"
    exported = _export(run_cli, sample_dir, postings, "--as-of", AS_OF)
    assert "requirements.sex: not published" in exported.stderr
    documents = _lines(postings)
    assert all(d["@type"] == "JobPosting" and d["datePosted"] == AS_OF for d in documents)

    imported = run_cli("import", "jobposting", postings, "--out", orders)
    assert imported.exit_code == 0, imported.stderr
    source = read_records(sample_dir / "vacancies.jsonl", "vacancies").records
    expected = [_unpublished(v) for v in source if v.id != REFUSED]
    assert read_records(orders, "vacancies").records == expected


def test_a_refused_or_started_job_order_is_not_advertised(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    postings = tmp_path / "postings.jsonl"
    _export(run_cli, sample_dir, postings, "--as-of", AS_OF)
    ids = [_job_order_id(d) for d in _lines(postings)]
    assert REFUSED not in ids
    assert len(ids) == 8
    records = read_records(sample_dir / "vacancies.jsonl", "vacancies").records
    starts = {v.id: v.start_date for v in records}
    # The day after the first start of an advertised job order: that one has started.
    day = min(d for i, d in starts.items() if i in ids and d is not None) + dt.timedelta(days=1)
    _export(run_cli, sample_dir, postings, "--as-of", day.isoformat())
    later = [_job_order_id(d) for d in _lines(postings)]
    assert later == [i for i in ids if (start := starts[i]) is None or start >= day]
    assert len(later) < len(ids)


def _job_order_id(posting: dict[str, Any]) -> str:
    return next(
        i["value"] for i in posting["identifier"] if i["propertyID"] == "selaras:job-order-id"
    )


def test_workers_round_trip_through_hr_json(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    documents, workers = tmp_path / "candidates.jsonl", tmp_path / "workers.jsonl"
    exported = run_cli(
        "export", "hr-json", "--workers", sample_dir / "workers.jsonl", "--out", documents
    )
    assert exported.exit_code == 0, exported.stderr
    assert all("person" in d and "profiles" in d for d in _lines(documents))
    imported = run_cli("import", "hr-json", documents, "--out", workers)
    assert imported.exit_code == 0, imported.stderr
    source: list[Worker] = read_records(sample_dir / "workers.jsonl", "workers").records
    assert read_records(workers, "workers").records == [carried(w) for w in source]


FOREIGN_POSTING = {
    # A job board's posting in the shape of schema.org's JobPosting examples: no Selaras
    # identifiers, so the programme and agency come from the command line.
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Machine operator (plastic injection)",
    "identifier": {"@type": "PropertyValue", "name": "Sanko Plastics", "value": "SP-2027-17"},
    "hiringOrganization": {"@type": "Organization", "name": "Sanko Plastics Co."},
    "jobLocation": {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressRegion": "Osaka", "addressCountry": "JP"},
    },
    "totalJobOpenings": 4,
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "JPY",
        "value": {"@type": "QuantitativeValue", "value": 1100, "unitText": "HOUR"},
    },
    "jobBenefits": "Dormitory",
}


def test_a_foreign_posting_takes_programme_and_agency_from_the_flags(
    run_cli: RunCli, tmp_path: Path
) -> None:
    source, out = tmp_path / "board.json", tmp_path / "orders.jsonl"
    source.write_text(json.dumps(FOREIGN_POSTING), "utf-8")
    refused = run_cli("import", "jobposting", source, "--out", out)
    assert refused.exit_code == 1
    assert f"{source}:1: identifier: no programme: pass --programme" in refused.stderr
    assert not out.exists()

    result = run_cli(
        "import", "jobposting", source, "--agency", "P3MI-0042", "--programme", "JP-SSW1",
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"warning: {source}:1: jobBenefits:" in result.stderr
    [order] = _lines(out)
    assert order["id"] == "SP-2027-17"
    assert order["programme"] == "JP-SSW1"
    assert order["wage"] == {"amount": 1100.0, "currency": "JPY", "per": "hour"}


def _bad(run_cli: RunCli, tmp_path: Path, kind: str, documents: list[Any], *args: str) -> str:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in documents), "utf-8")
    result = run_cli("import", kind, source, "--out", out, *args)
    assert result.exit_code == 1, result.stdout
    assert not out.exists()  # nothing imported once a file has an error
    assert result.stdout == ""
    return result.stderr.replace(str(source), "FILE")


def test_bad_postings_name_record_and_field_and_import_nothing(
    run_cli: RunCli, tmp_path: Path
) -> None:
    flags = ("--agency", "P3MI-0042", "--programme", "JP-SSW1")
    unknown = {**FOREIGN_POSTING, "@type": "JobAdvert"}
    no_currency = json.loads(json.dumps(FOREIGN_POSTING))
    del no_currency["baseSalary"]["currency"]
    stderr = _bad(run_cli, tmp_path, "jobposting", [FOREIGN_POSTING, unknown, no_currency], *flags)
    assert "FILE:2: @type:" in stderr
    assert "JobAdvert" in stderr
    assert "FILE:3: baseSalary" in stderr
    assert "currency" in stderr
    assert "FILE:1:" not in stderr.replace("warning: FILE:1:", "")


def test_a_candidate_without_a_birth_date_is_an_error(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    documents = tmp_path / "candidates.jsonl"
    run_cli("export", "hr-json", "--workers", sample_dir / "workers.jsonl", "--out", documents)
    candidates = _lines(documents)
    del candidates[1]["person"]["birthDate"]
    stderr = _bad(run_cli, tmp_path, "hr-json", candidates)
    assert "FILE:2: person.birthDate:" in stderr


def test_an_export_of_documents_to_parquet_is_bad_usage(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    # The imports read JSON documents back; Parquet holds Selaras records.
    for command in (
        ["export", "jobposting", "--vacancies", sample_dir / "vacancies.jsonl"],
        ["export", "hr-json", "--workers", sample_dir / "workers.jsonl"],
    ):
        result = run_cli(*command, "--out", tmp_path / "documents.parquet")
        assert result.exit_code == 2
        assert "written as JSON Lines" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_flags_of_an_import_are_bad_usage(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    postings = tmp_path / "postings.jsonl"
    _export(run_cli, sample_dir, postings, "--as-of", AS_OF)
    for flags, named in (
        (["--programme", "XX-FOO"], "--programme"),
        (["--agency", "bad id!"], "--agency"),
    ):
        result = run_cli("import", "jobposting", postings, *flags)
        assert result.exit_code == 2
        assert named in result.stderr
    # Case aside, a programme is read as the job-order field reads it (then checked
    # against the programme each posting of Selaras's own export carries).
    result = run_cli("import", "jobposting", postings, "--programme", "jp-ssw1")
    assert "the import was given --programme 'JP-SSW1'" in result.stderr


def test_format_parquet_goes_to_stdout_and_jsonl_wins_over_the_extension(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    import io

    import pyarrow.parquet as pq

    files = [
        *("--workers", sample_dir / "workers.jsonl"),
        *("--vacancies", sample_dir / "vacancies.jsonl"),
        *("--agencies", sample_dir / "agencies.jsonl", "--as-of", AS_OF, "--top", "3"),
    ]
    lines = run_cli("match", *files).stdout.splitlines()
    parquet = run_cli("match", *files, "--format", "parquet")
    assert parquet.exit_code == 0, parquet.stderr
    table = pq.read_table(io.BytesIO(parquet.stdout_bytes))
    assert table.num_rows == len(lines)
    named = tmp_path / "results.parquet"
    assert run_cli("match", *files, "--format", "jsonl", "--out", named).exit_code == 0
    assert named.read_text("utf-8").splitlines() == lines


def test_a_skill_duration_that_is_no_number_is_an_error(tmp_path: Path, run_cli: RunCli) -> None:
    from matcher.interchange.hrjson_export import to_candidate

    worker = Worker.model_validate(
        {"id": "W-1", "agency_id": "P3MI-0042", "birth_date": "1995-09-05",
         "skills": [{"name": "welding", "months": 12}]}
    )  # fmt: skip
    document = to_candidate(worker)
    document["profiles"][0]["qualifications"][0]["experienceMeasure"]["value"] = "lots"
    path = tmp_path / "candidate.json"
    path.write_text(json.dumps(document), "utf-8")
    result = run_cli("import", "hr-json", path, "--out", tmp_path / "w.jsonl")
    assert result.exit_code == 1
    assert "experienceMeasure.value: 'lots' is not a number" in result.stderr
    assert not (tmp_path / "w.jsonl").exists()
