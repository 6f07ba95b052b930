"""The bounds of the format (``models.bounds``), strict JSON, and the bounded file reader;
and the command line's flags at the same boundary."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import math
import pkgutil
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import models
from matcher.rules.exchange_rates import load_exchange_rates
from models import common, vacancy, worker
from models.bounds import (
    MAX_ITEMS,
    MONTHLY_WAGE_CEILINGS,
    UNKNOWN_CURRENCY_MONTHLY_CEILING,
    WAGE_CEILING_USD_PER_MONTH,
    wage_ceiling,
)
from models.files import (
    MAX_LISTED_PROBLEMS,
    MAX_RECORD_BYTES,
    InvalidInputError,
    read_records,
    read_stream,
)
from models.strict_json import JsonError, loads
from tests.conftest import RunCli

WORKER = {"id": "W-1", "agency_id": "P3MI-0001", "birth_date": "1990-01-01"}


def test_wage_ceilings_are_one_real_amount_at_the_shipped_rates() -> None:
    snapshot = load_exchange_rates().snapshots[0]
    usd = WAGE_CEILING_USD_PER_MONTH * snapshot.rates["USD"]
    assert set(MONTHLY_WAGE_CEILINGS) == set(snapshot.rates)
    for currency, per_unit in snapshot.rates.items():
        exact = usd / per_unit
        ceiling = MONTHLY_WAGE_CEILINGS[currency]
        # rounded up to two significant figures: never below the amount, at most 10% above
        assert exact <= ceiling < exact * 1.1, currency
        digits = f"{ceiling:.0f}".rstrip("0")
        assert len(digits) <= 2, currency
    assert wage_ceiling("XAF") == UNKNOWN_CURRENCY_MONTHLY_CEILING
    assert wage_ceiling("JPY", "hour") == MONTHLY_WAGE_CEILINGS["JPY"] / 100
    assert wage_ceiling("JPY", "year") == MONTHLY_WAGE_CEILINGS["JPY"] * 20


def _record_models() -> list[type[BaseModel]]:
    """Every record model of every module of ``models`` (new ones included)."""
    found = []
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"models.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, common.SelarasModel):
                found.append(value)
    return found


def test_every_date_of_every_record_is_bounded() -> None:
    checked = 0
    for model in _record_models():
        for name, info in model.model_fields.items():
            if "date" not in str(info.annotation) or name == "birth_date":
                continue  # birth_date has its own, stricter check (1920 to today)
            typed = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            adapter: TypeAdapter[Any] = TypeAdapter(typed)
            for day in ("1899-12-31", "2200-01-01", "9999-12-31"):
                with pytest.raises(ValidationError):
                    adapter.validate_python(day)
            assert adapter.validate_python("2199-12-31") == dt.date(2199, 12, 31)
            checked += 1
    assert checked >= 11


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_floats_of_records_are_finite(number: float) -> None:
    bad = [
        ({**WORKER, "preferences": {"min_monthly_wage": {"amount": number, "currency": "IDR"}}}),
        ({**WORKER, "certificates": [{"name": "x", "scheme": "BNSP", "score": number}]}),
        ({**WORKER, "languages": [{"test": "IELTS", "result": number}]}),
    ]
    for record in bad:
        with pytest.raises(ValidationError):
            worker.Worker.model_validate(record)
    with pytest.raises(ValidationError):
        vacancy.Wage.model_validate({"amount": number, "currency": "JPY", "per": "hour"})
    with pytest.raises(ValidationError):
        vacancy.ScoreWeights.model_validate({"skills": number})


def test_lists_of_records_are_bounded() -> None:
    skills = [{"name": f"las {i}"} for i in range(MAX_ITEMS + 1)]
    with pytest.raises(ValidationError, match="at most 100 items"):
        worker.Worker.model_validate({**WORKER, "skills": skills})
    assert len(worker.Worker.model_validate({**WORKER, "skills": skills[:-1]}).skills) == 100
    with pytest.raises(ValidationError, match="at most 100 items"):
        vacancy.Requirements.model_validate({"skills": skills})


def test_money_is_bounded_and_a_monthly_wage_more_so() -> None:
    assert common.Money(amount=1e12, currency="IDR").amount == 1e12
    with pytest.raises(ValidationError, match="ceiling"):
        common.Money(amount=1e13, currency="IDR")
    with pytest.raises(ValidationError, match="per month") as raised:
        common.MonthlyWage(amount=1e12, currency="IDR")
    assert raised.value.errors()[0]["loc"] == ("amount",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"a": NaN}', "expected a JSON value"),
        (b"1e400", "too large for a double"),
        (b"1" + b"0" * 5000, "too large for a double"),
        (b'"\\ud800"', "not valid Unicode"),
        (b'"\xff"', "not valid Unicode"),
        (b"[" * 2000 + b"]" * 2000, "nested deeper than 1024 levels"),
    ],
)
def test_strict_json_refuses_what_json_cannot_carry(data: bytes, reason: str) -> None:
    with pytest.raises(JsonError, match=reason):
        loads(data)


def test_strict_json_reads_what_it_can() -> None:
    assert loads(b'{"a": [1, 2.5, "\\ud83d\\ude00", null]}') == {"a": [1, 2.5, "😀", None]}
    assert loads("18446744073709551616") == 1.8446744073709552e19


def _read(data: bytes, fmt: Any = "jsonl") -> Any:
    return read_stream(io.BytesIO(data), "workers", name="f", fmt=fmt)


def test_errors_are_listed_up_to_the_cap_and_counted_beyond_it() -> None:
    lines = [json.dumps({**WORKER, "id": f"W-{i}"}) for i in range(5)]
    lines += ["{}"] * 3000 + ['{"x": 1}'] * 10 + [json.dumps({**WORKER, "birth_date": "x"})] * 5
    lines += [json.dumps(WORKER)] * 4  # duplicates of the first line
    result = _read("\n".join(lines).encode())
    assert len(result.errors) == MAX_LISTED_PROBLEMS
    assert result.lines_with_errors == 3000 + 10 + 5 + 4
    assert result.truncated
    assert result.records == []  # rejected: nothing kept
    assert {e.field for e in result.errors} == {"id", "agency_id", "birth_date"}


def test_a_line_longer_than_a_record_is_an_error_and_the_next_line_is_read() -> None:
    long_line = b'{"id": "' + b"x" * (MAX_RECORD_BYTES + 10) + b'"}'
    result = _read(long_line + b"\n" + json.dumps(WORKER).encode() + b"\n{}\n")
    assert [(e.line, e.field) for e in result.errors][:1] == [(1, None)]
    assert "longer than" in result.errors[0].message
    assert {e.line for e in result.errors[1:]} == {3}


def test_an_oversized_csv_field_is_an_error_not_a_crash() -> None:
    data = b"id,agency_id,birth_date,full_name\nW-1,A,1990-01-01," + b"x" * (MAX_RECORD_BYTES + 1)
    result = _read(data, fmt="csv")
    assert not result.ok
    assert "CSV cannot be read past this row" in result.errors[-1].message


def test_json_array_elements_are_read_strictly() -> None:
    text = '[\n{"id": "W-1", "agency_id": "A", "birth_date": "1990-01-01", "x": NaN},\n'
    text += '{"id": "W-2", "agency_id": "A", "birth_date": "1990-01-01"}\n]'
    result = _read(text.encode(), fmt="json")
    [error] = result.errors
    assert error.line == 2
    assert "malformed JSON" in error.message
    deep = _read(b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", fmt="json")
    assert "nested too deeply" in deep.errors[0].message


def test_read_records_says_how_many_more_lines_have_errors(tmp_path: Path) -> None:
    path = tmp_path / "w.jsonl"
    path.write_bytes(b'{"x": 1}\n' * (MAX_LISTED_PROBLEMS + 7))  # four errors a line
    with pytest.raises(InvalidInputError) as raised:
        read_records(path, "workers")
    last = raised.value.problems[-1]
    assert last.line is None
    assert last.message.startswith(f"{MAX_LISTED_PROBLEMS + 7 - 250:,} more lines with errors")
    assert raised.value.lines_with_errors == MAX_LISTED_PROBLEMS + 7


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "9999-12-31"],
        ["--as-of", "1899-12-31"],
        ["--top", "10000000"],
    ],
)
def test_match_refuses_absurd_flags_as_bad_usage(
    run_cli: RunCli, sample_dir: Path, args: list[str]
) -> None:
    pool = sample_dir / "pool"
    result = run_cli(
        "match", "--workers", pool / "workers.jsonl", "--vacancies", pool / "vacancies.jsonl", *args
    )
    assert result.exit_code == 2
    assert args[0] in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--n-jobs", "1000000000"],
        ["--n-jobs", "-2"],
        ["--shortlist-per-slot", "51"],
        ["--as-of", "9999-01-01"],
    ],
)
def test_allocate_refuses_absurd_flags_as_bad_usage(
    run_cli: RunCli, sample_dir: Path, args: list[str]
) -> None:
    pool = sample_dir / "pool"
    result = run_cli(
        "allocate",
        "--workers",
        pool / "workers.jsonl",
        "--vacancies",
        pool / "vacancies.jsonl",
        *args,
    )
    assert result.exit_code == 2
    assert args[0] in result.stderr


def test_language_sections_flag_is_strict_json(run_cli: RunCli) -> None:
    result = run_cli(
        "normalize", "language", "--test", "TOEIC", "--result", "600",
        "--sections", '{"listening": NaN, "reading": 300}',
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--sections" in result.stderr


def test_validate_lists_the_first_errors_and_counts_the_rest(
    run_cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "workers.jsonl"
    path.write_bytes(b'{"x": 1}\n' * 5000)  # four errors a line: 250 lines listed
    result = run_cli("validate", "workers", path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == MAX_LISTED_PROBLEMS + 1
    assert lines[-1].endswith("4,750 more lines with errors (the first 1,000 errors are listed)")
