"""Model validation and the record reader (models/): the rules the fixtures do not pin down.

Language results have their own suite (test_language_results.py); whole-file rejection
through the command line is in test_cli_validate.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from models.agency import Agency
from models.csv_format import row_to_record
from models.files import Problem, ReadResult, parse_records, read_records

# Aliased: pytest would try to collect a class named Test* as a test case.
from models.vacancy import LanguageRequirement, Vacancy
from models.vacancy import TestMinimum as NamedTestMinimum
from models.worker import Certificate, Experience, LanguageResult, Worker

WORKER: dict[str, Any] = {
    "id": "W-000123",
    "agency_id": "P3MI-0042",
    "nik": "3273014509950002",
    "birth_date": "1995-09-05",
    "gender": "F",
}
VACANCY: dict[str, Any] = {
    "id": "JO-2027-0001",
    "agency_id": "P3MI-0042",
    "employer": {"name": "Tokai Seiko K.K.", "type": "company"},
    "country": "JP",
    "programme": "JP-SSW1",
    "title": "Welder (SMAW/MMAW)",
    "slots": 10,
    "wage": {"amount": 1250, "currency": "JPY", "per": "hour"},
}


def _worker(**changes: Any) -> Worker:
    return Worker.model_validate({**WORKER, **changes})


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [item["msg"] for item in error.value.errors()]


def _parse(text: str, kind: Any = "workers", fmt: Any = "jsonl") -> ReadResult[Any]:
    return parse_records(text, kind, name="f", fmt=fmt)


# --- NIK -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "birth_date", "gender"),
    [
        ("3273014509950002", "1995-09-05", "F"),  # women: day + 40
        ("3302151703980001", "1998-03-17", "M"),
        ("3273017112990003", "1999-12-31", "F"),  # day 71 = 31 + 40
        ("3273012902000001", "2000-02-29", "M"),
        ("3273012902960001", "1996-02-29", None),
        ("3273015509950002", "1995-09-15", "X"),  # no sex to compare with
    ],
)
def test_nik_agreeing_with_the_record_has_no_warning(
    nik: str, birth_date: str, gender: str | None
) -> None:
    assert _worker(nik=nik, birth_date=birth_date, gender=gender).warnings() == []


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("3273014509960002", "NIK birth date 05-09-96 disagrees with birth_date 1995-09-05"),
        ("3273010509950002", "NIK encodes male but gender is F"),
    ],
)
def test_nik_disagreeing_with_the_record_is_a_warning_not_an_error(nik: str, message: str) -> None:
    [warning] = _worker(nik=nik).warnings()
    assert warning == ("nik", message)


@pytest.mark.parametrize(
    "nik",
    [
        "3273010009950002",  # day 00
        "3273013209950002",  # day 32
        "3273014009950002",  # day 40: neither a man's day nor a woman's (41-71)
        "3273017209950002",  # day 72
        "3273010513950002",  # month 13
        "3273013002950002",  # 30 February
    ],
)
def test_nik_without_a_birth_date_is_rejected(nik: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _worker(nik=nik)
    assert _messages(raised) == [
        "Value error, NIK 327301...: digits 7-12 must be a birth date DDMMYY (day + 40 for women)"
    ]


@pytest.mark.parametrize("nik", ["327301450995000", "32730145099500021", "3273-0145-0995-0002"])
def test_nik_must_be_16_digits(nik: str) -> None:
    with pytest.raises(ValidationError, match="should match pattern"):
        _worker(nik=nik)


# --- dates -----------------------------------------------------------------------------


def test_birth_date_must_be_plausible() -> None:
    assert _worker(birth_date="1920-01-01").birth_date == dt.date(1920, 1, 1)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for date in ("1919-12-31", tomorrow.isoformat()):
        with pytest.raises(ValidationError, match="is not plausible"):
            _worker(birth_date=date, nik=None)


def test_certificate_may_not_expire_before_it_is_issued() -> None:
    certificate = {"name": "Juru Las SMAW 3G", "scheme": "BNSP", "issued": "2024-03-01"}
    with pytest.raises(ValidationError, match=r"expires \(2024-02-29\) is before issued"):
        Certificate.model_validate(certificate | {"expires": "2024-02-29"})
    # The same day and no expiry at all are both fine.
    assert Certificate.model_validate(certificate | {"expires": "2024-03-01"}).expires
    assert Certificate.model_validate(certificate | {"expires": None}).expires is None


def test_experience_may_not_end_before_it_starts() -> None:
    period = {"title": "welder", "start": "2020-01-01"}
    with pytest.raises(ValidationError, match=r"end \(2019-12-31\) is before start"):
        Experience.model_validate(period | {"end": "2019-12-31"})
    assert Experience.model_validate(period | {"end": "2020-01-01"}).end


def test_agency_licence_dates() -> None:
    base = {"id": "P3MI-0042", "name": "PT Contoh", "valid_from": "2024-01-15"}
    with pytest.raises(ValidationError, match=r"valid_until \(2024-01-14\) is before valid_from"):
        Agency.model_validate(base | {"status": "active", "valid_until": "2024-01-14"})
    with pytest.raises(ValidationError, match="a revoked licence needs 'revoked_on'"):
        Agency.model_validate(base | {"status": "revoked"})
    with pytest.raises(ValidationError, match=r"revoked_on \(2023-12-31\) is before valid_from"):
        Agency.model_validate(base | {"status": "revoked", "revoked_on": "2023-12-31"})


def test_agency_is_active_within_its_licence_only() -> None:
    agency = Agency.model_validate(
        {"id": "A", "name": "PT Contoh", "status": "active",
         "valid_from": "2024-01-15", "valid_until": "2029-01-15"}
    )  # fmt: skip
    on = dt.date.fromisoformat
    assert not agency.is_active_on(on("2024-01-14"))
    assert agency.is_active_on(on("2024-01-15"))
    assert agency.is_active_on(on("2029-01-15"))
    assert not agency.is_active_on(on("2029-01-16"))
    revoked = agency.model_copy(update={"status": "revoked", "revoked_on": on("2026-06-01")})
    assert revoked.is_active_on(on("2026-05-31"))
    assert not revoked.is_active_on(on("2026-06-01"))
    assert not agency.model_copy(update={"status": "suspended"}).is_active_on(on("2026-06-01"))


# --- unknown fields, types, codes ------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "record", "location"),
    [
        (Worker, {**WORKER, "birthdate": "1995-09-05"}, ("birthdate",)),
        (Worker, {**WORKER, "skills": [{"name": "las", "years": 4}]}, ("skills", 0, "years")),
        (Vacancy, {**VACANCY, "requirements": {"gender": "M"}}, ("requirements", "gender")),
        (Agency, {"id": "A", "name": "PT", "status": "active", "licence_no": "1"}, ("licence_no",)),
    ],
)
def test_unknown_fields_are_rejected(
    model: Any, record: dict[str, Any], location: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(record)
    assert [(e["type"], e["loc"]) for e in raised.value.errors()] == [("extra_forbidden", location)]


def test_codes_are_normalised_and_text_is_stripped() -> None:
    worker = _worker(
        id=" W-000123 ",
        preferences={
            "countries": ["jp", "kr"],
            "min_monthly_wage": {"amount": 1, "currency": "idr"},
        },
    )
    assert worker.id == "W-000123"
    assert worker.preferences is not None
    assert worker.preferences.countries == ["JP", "KR"]
    assert worker.preferences.min_monthly_wage is not None
    assert worker.preferences.min_monthly_wage.currency == "IDR"
    requirement = LanguageRequirement.model_validate({"language": "EN", "min_cefr": "A2"})
    assert requirement.language == "en"


@pytest.mark.parametrize(
    ("model", "record"),
    [
        (LanguageResult, {"test": "JLPT", "result": True}),
        (LanguageResult, {"test": "JLPT", "result": "N4", "score": True}),
        (NamedTestMinimum, {"test": "EPS-TOPIK", "min": False}),
        (Vacancy, {**VACANCY, "slots": True}),
        (Vacancy, {**VACANCY, "contract_months": False}),
    ],
)
def test_booleans_are_not_numbers(model: Any, record: dict[str, Any]) -> None:
    # JSON true must not pass as 1 (JLPT N1, one slot) through pydantic's lax int.
    with pytest.raises(ValidationError, match=r"must not be (true|false)"):
        model.model_validate(record)


def test_discriminatory_requirements_are_accepted_for_flagging() -> None:
    # Refusing the record would lose the evidence; the matcher flags it instead (docs/format.md).
    vacancy = Vacancy.model_validate({**VACANCY, "requirements": {"sex": "F", "religion": "x"}})
    assert (vacancy.requirements.sex, vacancy.requirements.religion) == ("F", "x")


# --- the reader: duplicates, line numbers, formats --------------------------------------


def test_ids_are_unique_per_agency_after_stripping() -> None:
    lines = [
        {**WORKER},
        {**WORKER, "agency_id": "P3MI-0107"},  # same id, other agency: allowed
        {**WORKER, "id": " W-000123"},
    ]
    result = _parse("\n".join(json.dumps(r) for r in lines))
    assert [str(e) for e in result.errors] == [
        "f:3: id: duplicate id 'W-000123' for agency 'P3MI-0042' (first on line 1)"
    ]


def test_jsonl_skips_blank_lines_but_keeps_numbering() -> None:
    text = f"{json.dumps(WORKER)}\n\n   \n{json.dumps({**WORKER, 'id': 'W-2'})}\n"
    result = _parse(text)
    assert result.ok
    assert result.lines == [1, 4]


def test_json_array_records_carry_the_line_they_start_on() -> None:
    text = "[\n  " + json.dumps(WORKER) + ',\n\n  {\n    "id": "W-2",\n'
    text += '    "agency_id": "P3MI-0042",\n    "birth_date": "1995-13-01"\n  }\n]\n'
    result = _parse(text, fmt="json")
    [error] = result.errors
    assert str(error).startswith("f:4: birth_date: Input should be a valid date")
    # A rejected file keeps no records (nothing of it is applied): fix it and read again.
    assert result.records == []
    assert _parse(text.replace("1995-13-01", "1995-12-01"), fmt="json").lines == [2, 4]


def test_json_single_object_and_empty_array() -> None:
    assert _parse(json.dumps(WORKER), fmt="json").lines == [1]
    assert [str(e) for e in _parse("[ ]", fmt="json").errors] == ["f: file holds no records"]


def test_read_records_picks_the_format(tmp_path: Path) -> None:
    record = json.dumps(WORKER)
    files = {
        "workers.jsonl": f"{record}\n{record.replace('W-000123', 'W-2')}\n",
        "workers.json": f"[{record}]",
        "workers.txt": f"[\n{record}\n]",  # sniffed: an array
        "workers.ndjson": f"\ufeff{record}\n",  # a BOM is not part of the first line
        "workers.csv": "id,agency_id,birth_date\nW-000123,P3MI-0042,1995-09-05\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = read_records(tmp_path / name, "workers")
        assert [w.id for w in result.records][:1] == ["W-000123"], name


def test_problem_text_names_file_line_and_field() -> None:
    assert str(Problem("w.jsonl", 3, "skills[0].months", "too many")) == (
        "w.jsonl:3: skills[0].months: too many"
    )
    assert str(Problem("w.jsonl", 3, None, "malformed JSON")) == "w.jsonl:3: malformed JSON"
    assert str(Problem("w.jsonl", None, None, "file is empty")) == "w.jsonl: file is empty"


# --- CSV -------------------------------------------------------------------------------


def test_csv_short_forms() -> None:
    record, errors = row_to_record(
        {
            "id": "W-1",
            "skills": "las listrik:48:3; CNC milling:6 ;opr forklift",
            "languages": "JLPT N4 2024-12-01; EPS-TOPIK 170",
            "preferences.countries": "JP;KR",
            "health.fit_to_work": "true",
            "province": "  ",
        }
    )
    assert errors == {}
    assert record == {
        "id": "W-1",
        "skills": [
            {"name": "las listrik", "months": "48", "level": "3"},
            {"name": "CNC milling", "months": "6"},
            {"name": "opr forklift"},
        ],
        "languages": [
            {"test": "JLPT", "result": "N4", "date": "2024-12-01"},
            {"test": "EPS-TOPIK", "result": "170"},
        ],
        "preferences": {"countries": ["JP", "KR"]},
        "health": {"fit_to_work": "true"},
    }


def test_csv_rows_become_typed_records() -> None:
    text = (
        "id,agency_id,birth_date,skills,languages,certificates,"
        "preferences.min_monthly_wage.amount,preferences.min_monthly_wage.currency\n"
        "W-1,P3MI-0042,1995-09-05,las listrik:48:3,JLPT n4; EPS-TOPIK 170,"
        '"[{""name"": ""SIO Forklift"", ""scheme"": ""SIO""}]",9000000,IDR\n'
    )
    [worker] = _parse(text, fmt="csv").records
    assert worker.skills[0].months == 48
    assert worker.skills[0].level == 3
    assert [(r.test, r.result) for r in worker.languages] == [("JLPT", "N4"), ("EPS-TOPIK", 170)]
    assert worker.certificates[0].scheme == "SIO"
    assert worker.preferences.min_monthly_wage.amount == 9_000_000


def test_csv_line_numbers_count_multiline_cells() -> None:
    text = (
        "id,agency_id,birth_date,skills\n"
        'W-1,P3MI-0042,1995-09-05,"[{""name"": ""las""},\n {""name"": ""bubut""}]"\n'
        "W-2,P3MI-0042,1995-02-30,las\n"
    )
    assert [str(e) for e in _parse(text, fmt="csv").errors] == [
        "f:4: birth_date: Input should be a valid date or datetime, day value is outside "
        "expected range"
    ]


def test_csv_header_problems_are_all_reported() -> None:
    result = _parse("id,id,nama,birth_date\n", fmt="csv")
    assert [str(e) for e in result.errors] == [
        "f:1: unknown column 'nama'",
        "f:1: duplicate column 'id'",
        "f:1: required column 'agency_id' is missing",
    ]


# --- Dates are written YYYY-MM-DD ----------------------------------------------------------


@pytest.mark.parametrize(
    "written", [631152000, "631152000", 6.3e8, "1990-01-01T00:00:00", "1990-1-1"]
)
@pytest.mark.parametrize(
    ("kind", "record", "field"),
    [
        ("workers", WORKER, "birth_date"),
        ("workers", {**WORKER, "documents": {"passport_expires": "2030-01-01"}}, "documents"),
        ("vacancies", VACANCY, "start_date"),
    ],
)
def test_a_date_not_written_as_a_day_is_refused(
    written: Any, kind: Any, record: dict[str, Any], field: str
) -> None:
    # pydantic alone would read a number (or digits) as a Unix time and a midnight datetime
    # as its date: a job order dated "1767139200" would start on 31 December 2025.
    if field == "documents":
        changed = {**record, "documents": {"passport_expires": written}}
        path = "documents.passport_expires"
    else:
        changed, path = {**record, field: written}, field
    result = _parse(json.dumps(changed), kind=kind)
    assert [str(e) for e in result.errors] == [
        f"f:1: {path}: Input should be a date written YYYY-MM-DD"
    ]
