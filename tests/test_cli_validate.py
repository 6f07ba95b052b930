"""``selaras validate`` and ``selaras demo``: exit statuses and error lines (FORMAT.md).

Every file in ``tests/data/invalid`` has one flaw (or, for the all-errors check, a few);
``expected.tsv`` names the line, field and message each must produce.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

from cli.demo import find_data_files
from cli.main import main
from models.files import InvalidInputError, read_records

RunCli = Callable[..., Result]
"""The ``run_cli`` fixture (conftest.py)."""

INVALID_DIR = Path(__file__).parent / "data" / "invalid"
MANIFEST = INVALID_DIR / "expected.tsv"
SAMPLE_FILES = [
    ("workers", "workers.jsonl"),
    ("workers", "workers.csv"),
    ("vacancies", "vacancies.jsonl"),
    ("agencies", "agencies.jsonl"),
]


@dataclass(frozen=True)
class ExpectedError:
    """One row of ``expected.tsv``; ``line`` and ``field`` are None where the row has '-'."""

    kind: str
    line: int | None
    field: str | None
    message: str


def _manifest() -> dict[str, list[ExpectedError]]:
    rows = [line for line in MANIFEST.read_text("utf-8").splitlines() if not line.startswith("#")]
    expected: dict[str, list[ExpectedError]] = defaultdict(list)
    for row in csv.DictReader(rows, delimiter="\t"):
        expected[row["file"]].append(
            ExpectedError(
                kind=row["kind"],
                line=None if row["line"] == "-" else int(row["line"]),
                field=None if row["field"] == "-" else row["field"],
                message=row["message"],
            )
        )
    return dict(expected)


EXPECTED = _manifest()


def _error_prefix(path: Path, expected: ExpectedError) -> str:
    where = str(path) if expected.line is None else f"{path}:{expected.line}"
    return f"{where}: " if expected.field is None else f"{where}: {expected.field}: "


def test_every_fixture_is_in_the_manifest() -> None:
    fixtures = {path.name for path in INVALID_DIR.iterdir()} - {MANIFEST.name}
    assert fixtures == set(EXPECTED)
    assert len(fixtures) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_file_names_file_line_and_field(run_cli: RunCli, name: str) -> None:
    path = INVALID_DIR / name
    expected = EXPECTED[name]
    result = run_cli("validate", expected[0].kind, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert len(errors) == len(expected), result.stderr  # one flaw, one error: nothing spurious
    for item in expected:
        prefix = _error_prefix(path, item)
        assert any(e.startswith(prefix) and item.message in e for e in errors), (
            f"no stderr line starts with {prefix!r} and contains {item.message!r}:\n"
            + result.stderr
        )


def test_all_bad_records_are_reported_not_only_the_first(run_cli: RunCli) -> None:
    path = INVALID_DIR / "workers_several_bad_records.jsonl"
    result = run_cli("validate", "workers", path)
    assert result.exit_code == 1
    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == [
        f"{path}:2",
        f"{path}:4",
        f"{path}:5",
    ]


def test_valid_records_of_an_invalid_file_are_not_returned() -> None:
    # Lines 1 and 3 are valid; the reader still returns nothing (all or nothing).
    with pytest.raises(InvalidInputError) as raised:
        read_records(INVALID_DIR / "workers_several_bad_records.jsonl", "workers")
    assert [problem.line for problem in raised.value.problems] == [2, 4, 5]


@pytest.mark.parametrize(("kind", "name"), SAMPLE_FILES)
def test_sample_file_is_valid_without_warnings(
    run_cli: RunCli, sample_dir: Path, kind: str, name: str
) -> None:
    path = sample_dir / name
    result = run_cli("validate", kind, path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(rf"{re.escape(str(path))}: \d+ {kind} valid\n", result.stdout)


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parent / "data" / "valid").iterdir()), ids=lambda p: p.name
)
def test_v2_files_are_valid(run_cli: RunCli, path: Path) -> None:
    kind = path.stem  # courses, returnees, opportunities, outcomes
    result = run_cli("validate", kind, path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(rf"{re.escape(str(path))}: \d+ {kind} valid\n", result.stdout)


def test_a_return_before_the_work_abroad_ends_is_a_warning(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "returnees.jsonl"
    # The contract was to end on 30 June; the worker came home in February (an early return).
    path.write_text(
        '{"id": "R-1", "agency_id": "P3MI-0042", "birth_date": "1990-04-12", '
        '"experience": [{"title": "welder", "country": "JP", "start": "2023-07-01", '
        '"end": "2026-06-30"}], "returned": "2026-02-15", '
        '"home": {"province": "Jawa Tengah", "regency": "Kab. Kendal"}}\n',
        encoding="utf-8",
    )
    result = run_cli("validate", "returnees", path)
    assert result.exit_code == 0
    assert result.stdout == f"{path}: 1 returnee valid, 1 warning\n"
    assert result.stderr == (
        f"warning: {path}:1: returned: returned (2026-02-15) is before the end of the last "
        "work abroad (experience[0].end 2026-06-30)\n"
    )


def test_warnings_go_to_stderr_and_do_not_fail(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "workers.jsonl"
    # The NIK says 5 September 1995, female; the record says 6 September.
    path.write_text(
        '{"id": "W-1", "agency_id": "P3MI-0042", "nik": "3273014509950002", '
        '"birth_date": "1995-09-06", "gender": "F"}\n',
        encoding="utf-8",
    )
    result = run_cli("validate", "workers", path)
    assert result.exit_code == 0
    assert result.stdout == f"{path}: 1 worker valid, 1 warning\n"
    assert result.stderr == (
        f"warning: {path}:1: nik: NIK birth date 05-09-95 disagrees with birth_date 1995-09-06\n"
    )


def test_unknown_kind_is_bad_usage(run_cli: RunCli, sample_dir: Path) -> None:
    result = run_cli("validate", "employers", sample_dir / "workers.jsonl")
    assert result.exit_code == 2
    assert (
        "'employers' is not one of 'workers', 'vacancies', 'agencies', 'courses', "
        "'returnees', 'opportunities', 'outcomes'"
    ) in result.stderr


def test_missing_file_is_bad_usage(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", "workers", tmp_path / "nowhere.jsonl")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_unknown_option_is_bad_usage(run_cli: RunCli, sample_dir: Path) -> None:
    result = run_cli("validate", "--strict", "workers", sample_dir / "workers.jsonl")
    assert result.exit_code == 2
    assert "No such option: --strict" in result.stderr


def test_help_lists_the_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("validate", "normalize", "demo"):
        assert command in result.stdout


def test_console_script_entry_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["selaras", "--help"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("Usage: selaras ")


def test_demo_summarises_the_sample(run_cli: RunCli, sample_dir: Path) -> None:
    result = run_cli("demo", "--data", sample_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    for name in ("agencies.jsonl", "workers.csv", "workers.jsonl", "vacancies.jsonl"):
        assert name in out
    assert "smaw-welding" in out
    assert "forklip" in out  # a typo still reaches its concept
    assert re.search(r"Unknown skill names.*'sopir' ×1", out)
    assert re.search(r"no CEFR\s*│\s*\d+\s*│\s*EPS-TOPIK", out)
    assert re.search(r"JO-2027-0001\s*│\s*Welder \(SMAW/MMAW\)\s*│\s*7212", out)


def test_demo_reports_an_invalid_file_and_exits_1(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(sample_dir / "agencies.jsonl", tmp_path)
    shutil.copy(INVALID_DIR / "workers_jlpt_n6.jsonl", tmp_path / "workers.jsonl")
    result = run_cli("demo", "--data", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'workers.jsonl'}:2: languages[0]: JLPT result" in result.stderr
    assert "1 of 2 files invalid" in result.stderr
    assert re.search(r"workers\.jsonl\s*│\s*workers\s*│\s*0\s*│\s*invalid: 1 error", result.stdout)


def test_demo_without_data_files_is_bad_usage(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing to read\n", encoding="utf-8")
    result = run_cli("demo", "--data", tmp_path)
    assert result.exit_code == 2
    assert "no workers, vacancies or agencies file" in result.stderr


def test_demo_reads_files_whose_stem_names_a_kind(tmp_path: Path) -> None:
    names = [
        "workers.csv", "workers.jsonl", "vacancies.json", "agencies.JSONL",
        "workers_old.jsonl", "notes.txt", "vacancies.tsv",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).touch()
    (tmp_path / "agencies.csv").mkdir()
    assert [(kind, path.name) for kind, path in find_data_files(tmp_path)] == [
        ("agencies", "agencies.JSONL"),
        ("workers", "workers.csv"),
        ("workers", "workers.jsonl"),
        ("vacancies", "vacancies.json"),
    ]
