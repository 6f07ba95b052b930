"""The v2 records (courses, returnees, opportunities, outcomes): the rules the invalid-file
fixtures do not pin down. Whole-file rejection is in test_cli_validate.py; the region
table in test_regions.py."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from models.course import Course, LanguagePrerequisite, SkillPrerequisite
from models.csv_format import row_to_record
from models.files import RECORD_MODELS, parse_records, read_records
from models.opportunity import INTEREST_OF_KIND, OPPORTUNITY_KINDS, WAGED_KINDS, Opportunity
from models.outcome import OUTCOME_STAGES, Outcome
from models.returnee import INTERESTS, TRADE_TEST_GRADES, grade_in_name
from models.vacancy import LanguageRequirement, SkillRequirement
from models.worker import Certificate, Experience, Returnee, Worker

VALID = Path(__file__).parent / "data" / "valid"

COURSE: dict[str, Any] = {
    "id": "CRS-1",
    "provider": {"name": "BDI Denpasar", "kind": "BDI", "province": "Bali"},
    "title": "SMAW 3G",
    "confers": {"skills": [{"name": "SMAW welding", "level": 2}]},
    "duration_weeks": 12,
    "cohorts": [{"start": "2026-04-06", "seats": 20}],
    "cost": {"amount": 7500000, "currency": "IDR"},
}
RETURNEE: dict[str, Any] = {
    "id": "R-1",
    "agency_id": "P3MI-0042",
    "birth_date": "1990-04-12",
    "experience": [
        {"title": "welder", "country": "JP", "programme": "JP-TITP", "months": 36,
         "start": "2019-10-01", "end": "2022-09-30", "completed_contract": True},
    ],
    "returned": "2022-10-03",
    "home": {"province": "Jawa Tengah", "regency": "Kab. Kendal"},
}  # fmt: skip
OPPORTUNITY: dict[str, Any] = {
    "id": "OPP-1",
    "kind": "job",
    "organiser": {"name": "PT Logam Kendal", "type": "company"},
    "title": "Welder TIG",
    "location": {"province": "Jawa Tengah", "regency": "Kabupaten Kendal"},
    "slots": 5,
    "wage": {"amount": 3200000, "currency": "IDR", "per": "month"},
}


def _with(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(record), **changes}


# --- the valid fixtures: every format, every kind --------------------------------------


@pytest.mark.parametrize("path", sorted(VALID.iterdir()), ids=lambda p: p.name)
def test_valid_fixtures_read_without_errors_or_warnings(path: Path) -> None:
    result = read_records(path, path.stem)  # the stem is the kind
    assert result.records
    assert result.warnings == []
    assert all(isinstance(r, RECORD_MODELS[path.stem]) for r in result.records)


@pytest.mark.parametrize("path", sorted(VALID.glob("*.jsonl")), ids=lambda p: p.name)
def test_valid_records_round_trip_through_json(path: Path) -> None:
    # What was accepted is what is stored: dumping and reading again changes nothing.
    model = RECORD_MODELS[path.stem]
    for record in read_records(path, path.stem).records:
        again = model.model_validate_json(record.model_dump_json())
        assert again == record


# --- courses ---------------------------------------------------------------------------


def test_prerequisites_reuse_the_job_order_forms() -> None:
    assert issubclass(SkillPrerequisite, SkillRequirement)
    assert issubclass(LanguagePrerequisite, LanguageRequirement)
    course = Course.model_validate(
        _with(COURSE, prerequisites={"languages": [{"language": "EN", "min_cefr": "A2"}]})
    )
    [requirement] = course.prerequisites.languages
    assert (requirement.language, requirement.min_cefr, requirement.required) == ("en", "A2", True)


def test_conferred_language_results_are_canonical() -> None:
    confers = {"languages": [{"test": "JLPT", "result": "n4"}, {"test": "NAT-TEST", "result": 4}]}
    course = Course.model_validate(_with(COURSE, confers=confers))
    assert [c.result for c in course.confers.languages] == ["N4", "4Q"]


def test_completion_is_the_start_plus_the_duration() -> None:
    course = Course.model_validate(COURSE)
    assert course.completes(dt.date(2026, 4, 6)) == dt.date(2026, 6, 29)  # FORMAT's example
    assert course.pass_rate == 1.0  # the default


def test_a_free_course_costs_zero_and_an_absent_certificate_validity_never_expires() -> None:
    confers = {"certificates": [{"name": "SIO Forklift", "scheme": "SIO"}]}
    course = Course.model_validate(
        _with(COURSE, confers=confers, cost={"amount": 0, "currency": "idr"})
    )
    assert (course.cost.amount, course.cost.currency) == (0, "IDR")
    assert course.confers.certificates[0].valid_months is None


def test_provider_province_is_kept_as_written() -> None:
    course = Course.model_validate(_with(COURSE, provider={"name": "LPK", "kind": "LPK",
                                                           "province": "Jatim"}))  # fmt: skip
    assert course.provider.province == "Jatim"
    assert course.provider.official_province is not None
    assert course.provider.official_province.name == "Jawa Timur"


# --- returnees -------------------------------------------------------------------------


def test_a_returnees_file_requires_a_return_date_a_workers_file_does_not() -> None:
    record = _with(RETURNEE)
    del record["returned"]
    assert Worker.model_validate(record).returned is None
    with pytest.raises(ValidationError, match="returned"):
        Returnee.model_validate(record)


def test_returnee_fields_default_and_keep_what_was_written() -> None:
    returnee = Returnee.model_validate(_with(RETURNEE, reintegration={}))
    assert returnee.reintegration is not None
    assert returnee.reintegration.interests == list(INTERESTS)
    assert returnee.reintegration.relocate == "none"
    assert returnee.home is not None
    assert returnee.home.regency == "Kab. Kendal"
    assert returnee.home.official_regency is not None
    assert returnee.home.official_regency.code == "33.24"


@pytest.mark.parametrize(
    ("returned", "warned"),
    [("2022-10-03", False), ("2022-09-30", False), ("2022-09-29", True)],
)
def test_a_return_before_the_last_work_abroad_ends_is_a_warning(
    returned: str, warned: bool
) -> None:
    record = _with(RETURNEE, returned=returned)
    record["experience"].append(  # work at home afterwards never counts
        {"title": "welder", "country": "ID", "start": "2022-11-01", "end": "2025-01-31"}
    )
    warnings = Returnee.model_validate(record).warnings()
    expected = (
        [("returned", f"returned ({returned}) is before the end of the last work abroad "
                      "(experience[0].end 2022-09-30)")]
        if warned else []
    )  # fmt: skip
    assert [tuple(w) for w in warnings] == expected


def test_nik_and_return_warnings_are_both_reported() -> None:
    record = _with(RETURNEE, returned="2022-01-01", nik="3273011204910001")
    fields = [w.field for w in Returnee.model_validate(record).warnings()]
    assert fields == ["nik", "returned"]


@pytest.mark.parametrize(
    ("entry", "abroad"),
    [
        ({"country": "JP"}, True),
        ({"country": "id"}, False),
        ({"programme": "KR-EPS"}, True),  # every programme is a scheme abroad
        ({}, False),
        ({"country": "ID", "programme": "OTHER"}, False),  # the country decides
    ],
)
def test_work_abroad(entry: dict[str, str], abroad: bool) -> None:
    assert Experience.model_validate({"title": "operator", **entry}).abroad is abroad


@pytest.mark.parametrize(
    ("certificate", "grade"),
    [
        ({"grade": 2}, 2),
        ({"grade": "3"}, 3),
        ({"grade": "1級"}, 1),
        ({"grade": "Basic"}, "basic"),
        ({"grade": "基礎級"}, "basic"),
        ({"name": "機械加工 2級"}, 2),  # read from the name when absent
        ({"name": "Welding skill test grade 3"}, 3),
        ({"name": "Plastic moulding, basic grade"}, "basic"),
        ({"name": "機械加工 2級", "grade": 3}, 3),  # the field wins over the name
        ({"name": "機械加工"}, None),
    ],
)
def test_trade_test_grade(certificate: dict[str, Any], grade: object) -> None:
    record = {"name": "技能検定", "scheme": "JP-TRADE-TEST", **certificate}
    assert Certificate.model_validate(record).trade_test_grade == grade


def test_a_grade_is_read_only_for_the_trade_test() -> None:
    certificate = Certificate.model_validate({"name": "Welder grade 2", "scheme": "AWS"})
    assert certificate.trade_test_grade is None


@given(st.sampled_from(TRADE_TEST_GRADES), st.text("溶接機械加工 plastic-/()、", max_size=20))
def test_a_grade_written_once_in_a_name_is_found(grade: object, noise: str) -> None:
    written = f"{grade}級" if grade != "basic" else "基礎級"
    assert grade_in_name(f"{noise} {written} {noise}") == grade


# --- opportunities ---------------------------------------------------------------------


def test_each_opportunity_kind_serves_one_interest() -> None:
    assert set(INTEREST_OF_KIND) == set(OPPORTUNITY_KINDS)
    assert sorted(INTEREST_OF_KIND.values()) == sorted(INTERESTS)


@pytest.mark.parametrize("kind", OPPORTUNITY_KINDS)
def test_wage_is_required_for_waged_kinds_and_absent_otherwise(kind: str) -> None:
    with_wage = _with(OPPORTUNITY, kind=kind)
    without = _with(OPPORTUNITY, kind=kind)
    del without["wage"]
    good, bad = (with_wage, without) if kind in WAGED_KINDS else (without, with_wage)
    assert Opportunity.model_validate(good).kind == kind
    with pytest.raises(ValidationError) as raised:
        Opportunity.model_validate(bad)
    assert [e["loc"] for e in raised.value.errors()] == [("wage",)]


def test_opportunity_requirements_extend_the_job_order_forms() -> None:
    requirements = {
        "skills": [{"name": "GTAW welding", "min_level": 2}],
        "age": {"max": 50},
        "sex": "M",  # accepted for flagging, as on a job order
        "overseas_experience": {"min_months": 24},
        "capital": {"amount": 25000000, "currency": "idr"},
    }
    opportunity = Opportunity.model_validate(_with(OPPORTUNITY, requirements=requirements))
    assert opportunity.requirements.sex == "M"
    overseas = opportunity.requirements.overseas_experience
    assert overseas is not None
    assert (overseas.min_months, overseas.countries) == (24, None)  # any country abroad
    assert opportunity.requirements.capital is not None
    assert opportunity.requirements.capital.currency == "IDR"


# --- outcomes --------------------------------------------------------------------------


def test_outcome_stages_follow_the_format() -> None:
    assert OUTCOME_STAGES == (
        "shortlisted", "interviewed", "selected", "rejected", "withdrew", "departed",
        "completed", "early_return",
    )  # fmt: skip
    outcome = Outcome.model_validate(
        {"vacancy_id": "JO-1", "worker_id": "W-1", "stage": "early_return",
         "date": "2026-01-10", "reason": "illness"}
    )  # fmt: skip
    assert outcome.reason == "illness"


def test_the_same_stage_on_another_day_is_not_a_duplicate() -> None:
    lines = [
        {"vacancy_id": "JO-1", "worker_id": "W-1", "stage": "interviewed", "date": "2026-04-27"},
        {"vacancy_id": "JO-1", "worker_id": "W-1", "stage": "interviewed", "date": "2026-05-04"},
        {"vacancy_id": "JO-2", "worker_id": "W-1", "stage": "interviewed", "date": "2026-05-04"},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    assert parse_records(text, "outcomes", name="f", fmt="jsonl").ok


# --- shared rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "record"),
    [
        (Course, _with(COURSE, duration_weeks=True)),
        (Course, _with(COURSE, cohorts=[{"start": "2026-04-06", "seats": True}])),
        (Course, _with(COURSE, pass_rate=True)),
        (Opportunity, _with(OPPORTUNITY, slots=True)),
        (Returnee, _with(RETURNEE, reintegration={"capital": {"amount": True, "currency": "IDR"}})),
    ],
)
def test_booleans_are_not_numbers(model: Any, record: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match=r"must not be (true|false)"):
        model.model_validate(record)


@pytest.mark.parametrize(
    ("model", "record", "location"),
    [
        (Course, _with(COURSE, seats=20), ("seats",)),
        (Course, _with(COURSE, cohorts=[{"start": "2026-04-06", "seats": 2, "end": "x"}]),
         ("cohorts", 0, "end")),
        (Returnee, _with(RETURNEE, home={"province": "Bali", "district": "Kuta"}),
         ("home", "district")),
        (Opportunity, _with(OPPORTUNITY, agency_id="P3MI-0042"), ("agency_id",)),
        (Outcome, {"vacancy_id": "JO-1", "worker_id": "W-1", "stage": "selected",
                   "date": "2026-05-02", "note": "x"}, ("note",)),
    ],
)  # fmt: skip
def test_unknown_fields_are_rejected(
    model: Any, record: dict[str, Any], location: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(record)
    assert [(e["type"], e["loc"]) for e in raised.value.errors()] == [("extra_forbidden", location)]


def test_csv_short_forms_of_v2_columns() -> None:
    record, errors = row_to_record(
        {
            "cohorts": "2026-04-06:20; 2026-07-06 : 15",
            "reintegration.interests": "employment; trainer",
            "home.regency": "Kab. Kendal",
        }
    )
    assert errors == {}
    assert record == {
        "cohorts": [{"start": "2026-04-06", "seats": "20"}, {"start": "2026-07-06", "seats": "15"}],
        "reintegration": {"interests": ["employment", "trainer"]},
        "home": {"regency": "Kab. Kendal"},
    }


@pytest.mark.parametrize("written", [1767139200, "1767139200", "2025-12-31T00:00:00"])
@pytest.mark.parametrize(
    ("kind", "field"),
    [("returnees", "returned"), ("opportunities", "start_date"), ("outcomes", "date")],
)
def test_v2_dates_are_written_as_days(written: Any, kind: Any, field: str) -> None:
    record = json.loads((VALID / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()[0])
    result = parse_records(json.dumps({**record, field: written}), kind, name="f", fmt="jsonl")
    assert [str(e) for e in result.errors] == [
        f"f:1: {field}: Input should be a date written YYYY-MM-DD"
    ]
