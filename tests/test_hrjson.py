"""HR Open Standards HR-JSON candidates (CandidateType 4.2): import, export, round trip."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.interchange.hrjson_export import export_candidates, to_candidate
from matcher.interchange.hrjson_import import read_candidates
from models.bounds import wage_ceiling
from models.worker import CERTIFICATE_SCHEMES, EDUCATION_LEVELS, Worker

DATA = Path(__file__).parent / "data" / "interchange"

FORMAT_WORKER: dict[str, Any] = {
    "id": "W-000123",
    "agency_id": "P3MI-0042",
    "full_name": "Siti Rahmawati",
    "nik": "3273014509950002",
    "birth_date": "1995-09-05",
    "gender": "F",
    "province": "Jawa Barat",
    "education": "SMK",
    "skills": [{"name": "las listrik", "months": 48, "level": 3},
               {"name": "CNC milling", "months": 6}],
    "certificates": [
        {"name": "Juru Las SMAW 3G", "skill": "SMAW welding", "scheme": "BNSP",
         "number": "12345", "issued": "2024-03-01", "expires": "2027-03-01"},
        {"name": "Tokutei Ginou manufacturing skills test: welding", "skill": "welding",
         "scheme": "JP-SSW-SKILLS-TEST", "issued": "2025-06-10", "expires": None},
    ],
    "languages": [
        {"test": "JLPT", "result": "N4", "date": "2024-12-01"},
        {"test": "EPS-TOPIK", "result": 170, "date": "2025-05-20"},
        {"test": "TOEIC", "result": 600, "sections": {"listening": 310, "reading": 290},
         "date": "2025-01-10"},
    ],
    "experience": [
        {"title": "juru las SMAW", "isco": "7212", "country": "ID", "months": 48,
         "start": "2019-01-01", "end": "2022-12-31"},
        {"title": "production operator", "country": "KR", "programme": "KR-EPS", "months": 58},
    ],
    "health": {"fit_to_work": True, "colour_vision_normal": True, "checked": "2025-11-01"},
    "documents": {"passport_expires": "2031-01-01"},
    "preferences": {"countries": ["JP", "KR"],
                    "min_monthly_wage": {"amount": 9000000, "currency": "IDR"}},
}  # fmt: skip


def carried(worker: Worker) -> Worker:
    """The worker as far as HR-JSON carries it (see docs/integrations.md)."""
    return worker.model_copy(
        update={
            "health": None,
            "documents": None,
            "gender": worker.gender if worker.gender in ("F", "M") else None,
            "experience": [e.model_copy(update={"months": None}) for e in worker.experience],
        }
    )


def test_the_format_example_exports_to_candidate_type() -> None:
    worker = Worker.model_validate(FORMAT_WORKER)
    result = export_candidates([worker])
    [document] = result.candidates
    person = document["person"]
    assert person["id"] == {
        "value": "W-000123",
        "schemeId": "selaras:worker",
        "schemeAgencyId": "P3MI-0042",
    }
    assert person["birthDate"] == "1995-09-05"
    assert person["gender"] == "Female"
    assert person["legalId"]["schemeId"] == "NIK"
    profile = document["profiles"][0]
    assert profile["education"][0]["educationLevelCodes"][0]["code"] == "SMK"
    position = profile["employment"][0]["positionHistories"][0]
    assert position["jobCategories"][0] == {
        "code": "7212",
        "id": {"value": "7212", "schemeId": "ISCO-08"},
    }
    bnsp = profile["certifications"][0]
    assert bnsp["effectiveTimePeriod"] == {"validTo": "2027-03-01T23:59:59Z"}
    names = [q.get("competencyName") for q in profile["qualifications"]]
    assert names == [
        "las listrik", "CNC milling", "JLPT N4", "EPS-TOPIK 170", "TOEIC 600", "SMAW welding",
        "welding",
    ]  # fmt: skip
    toeic = profile["qualifications"][4]
    assert toeic["competencyDimensions"][0] == {
        "dimensionType": "listening",
        "score": {"scoresNumeric": [{"value": 310}]},
    }
    wage = profile["positionPreferences"][0]["offeredRemunerationPackage"]["ranges"][0]
    assert (wage["intervalCode"], wage["minimumAmount"]["currency"]) == ("Month", "IDR")
    assert sorted(n.field or "" for n in result.notes) == [
        "documents", "experience[0].months", "experience[1].months", "health",
    ]  # fmt: skip


def test_the_format_example_round_trips_on_what_both_carry() -> None:
    worker = Worker.model_validate(FORMAT_WORKER)
    text = json.dumps(to_candidate(worker), indent=2)
    result = read_candidates(text, name="c.json")
    assert result.errors == []
    assert result.warnings == []
    assert result.records == [carried(worker)]


def test_a_candidate_from_another_system_maps_with_notes() -> None:
    text = (DATA / "hropen_candidate.json").read_text("utf-8")
    result = read_candidates(text, name="lpk.json", agency_id="P3MI-0042")
    assert result.errors == []
    [worker] = result.records
    assert (worker.id, worker.agency_id) == ("CAND-2026-0451", "P3MI-0042")
    assert worker.full_name == "Dewi Lestari"
    assert (worker.birth_date, worker.gender, worker.nik) == (
        dt.date(1999, 8, 22), "F", "3374056208990003",
    )  # fmt: skip
    assert (worker.province, worker.education) == ("Jawa Tengah", "SMK")
    weld, operator = worker.experience
    # A year-month start is its first day, a year-month end its last day.
    assert (weld.start, weld.end, weld.isco, weld.country) == (
        dt.date(2017, 8, 1), dt.date(2021, 3, 31), "7212", "ID",
    )  # fmt: skip
    assert (operator.programme, operator.country) == ("KR-EPS", "KR")
    [certificate] = worker.certificates
    assert (certificate.scheme, certificate.skill, certificate.expires) == (
        "BNSP", "SMAW welding", dt.date(2026, 2, 28),
    )  # fmt: skip
    assert [(s.name, s.months, s.level) for s in worker.skills] == [
        ("las listrik", 48, 3), ("forklift", 6, None),
    ]  # fmt: skip
    jlpt, eps = worker.languages
    assert (jlpt.test, jlpt.result, jlpt.score, jlpt.date) == (
        "JLPT",
        "N4",
        112,
        dt.date(2025, 12, 7),
    )
    assert (eps.test, eps.result, eps.date) == ("EPS-TOPIK", 162, dt.date(2020, 11, 14))
    assert worker.preferences is not None
    assert worker.preferences.countries == ["JP"]
    noted = {w.field for w in result.warnings}
    assert "person.communication.phone" in noted  # contact details: no worker field
    assert "profiles[0].qualifications[1].proficiencyLevel" in noted  # a level as text
    assert "profiles[0].certifications[0].issuingAuthority" in noted


def test_the_agency_is_never_guessed() -> None:
    text = (DATA / "hropen_candidate.json").read_text("utf-8")
    [error] = read_candidates(text, name="lpk.json").errors
    assert error.field == "person.id"
    assert "no agency" in error.message
    assert "never guesses" in error.message
    own = json.dumps(to_candidate(Worker.model_validate(FORMAT_WORKER)))
    [conflict] = read_candidates(own, name="own.json", agency_id="P3MI-9").errors
    assert conflict.field == "person.id.schemeAgencyId"


def edited(change: Any) -> str:
    documents = [
        to_candidate(Worker.model_validate({**FORMAT_WORKER, "id": f"W-{i}"})) for i in (1, 2)
    ]
    change(documents[1])
    return "\n".join(json.dumps(d) for d in documents)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["person"].pop("birthDate"), "person.birthDate", "needs the birth date"),
        (lambda d: d["person"].update(birthDate="22/08/1999"), "person.birthDate", "birth_date"),
        (lambda d: d["person"].update(gender="F"), "person.gender", "GenderCodeList"),
        (lambda d: d.pop("person"), "person", "required"),
        (
            lambda d: d["profiles"][0]["certifications"][0].update(issued="March 2024"),
            "profiles[0].certifications[0].issued",
            "is not a date",
        ),
        (
            lambda d: d["profiles"][0]["qualifications"][0]["experienceMeasure"].update(value=1.5),
            "profiles[0].qualifications[0].experienceMeasure",
            "whole number of months",
        ),
        (
            lambda d: d["profiles"][0]["employment"][0]["positionHistories"][0].pop("title"),
            "profiles[0].employment[0].positionHistories[0]",
            "experience.0.title",
        ),
        (
            lambda d: d["profiles"][0]["qualifications"][5]["competencyEvidence"].update(
                evidenceName="x"
            ),
            "profiles[0].qualifications[5].competencyEvidence.evidenceName",
            "names no certification",
        ),
        (
            lambda d: d["profiles"][0]["education"].append(
                {"educationLevelCodes": [{"code": "SD"}]}
            ),
            "profiles[0].education",
            "several Selaras education levels",
        ),
        (
            lambda d: d["profiles"][0]["qualifications"][2]["competencyEvidence"]["scores"][0][
                "scoresText"
            ][0].update(value="N7"),
            "profiles[0].qualifications[2]",
            "JLPT result must be one of",
        ),
    ],
)
def test_bad_documents_are_errors_naming_line_and_field(
    change: Any, field: str, words: str
) -> None:
    result = read_candidates(edited(change), name="in.jsonl")
    assert not result.ok
    assert result.records == []  # a file with an error keeps no records
    assert {e.line for e in result.errors} == {2}
    assert any(e.field == field and words in e.message for e in result.errors), result.errors


def test_framing_errors_and_duplicates() -> None:
    document = json.dumps(to_candidate(Worker.model_validate(FORMAT_WORKER)))
    result = read_candidates(f"{document}\n{document}\n[1]\n", name="in.jsonl")
    assert [(e.line, e.field) for e in result.errors] == [(2, "person.id"), (3, None)]
    assert "duplicate worker" in result.errors[0].message
    assert read_candidates("", name="e").errors[0].message.startswith("file is empty")


def test_nik_slips_are_warnings_as_in_validate() -> None:
    document = to_candidate(Worker.model_validate(FORMAT_WORKER))
    document["person"]["gender"] = "Male"
    result = read_candidates(json.dumps(document), name="c.json")
    assert result.ok
    assert any(w.field == "nik" and "encodes female" in w.message for w in result.warnings)


_text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_dates = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))
_results = st.sampled_from(
    [("JLPT", "N3", None), ("JLPT", "N4", 95), ("JFT-Basic", "A2", None), ("EPS-TOPIK", 170, None),
     ("TOEIC", 600, None), ("IELTS", 5.5, None), ("TOPIK", 2, None), ("CEFR", "B1", None)]
)  # fmt: skip


def _language(choice: tuple[str, Any, int | None], when: dt.date | None) -> dict[str, Any]:
    test, result, score = choice
    entry: dict[str, Any] = {"test": test, "result": result, "score": score, "date": when}
    if test == "TOEIC":
        entry["sections"] = {"listening": 300, "reading": 300}
    return entry


_workers = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"W-[0-9]{1,6}", fullmatch=True),
        "agency_id": st.sampled_from(["P3MI-0042", "P3MI-7"]),
        "birth_date": st.dates(dt.date(1960, 1, 1), dt.date(2008, 1, 1)),
    },
    optional={
        "full_name": _text,
        "gender": st.sampled_from(["F", "M"]),
        "province": _text,
        "religion": _text,
        "ethnicity": _text,
        "marital_status": _text,
        "education": st.sampled_from(EDUCATION_LEVELS),
        "skills": st.lists(
            st.fixed_dictionaries(
                {"name": _text},
                optional={"months": st.integers(0, 600), "level": st.integers(1, 5)},
            ),
            max_size=3,
        ),
        "certificates": st.lists(
            st.fixed_dictionaries(
                {"name": _text, "scheme": st.sampled_from(CERTIFICATE_SCHEMES)},
                optional={
                    "skill": _text,
                    "number": st.from_regex(r"[A-Z0-9-]{1,10}", fullmatch=True),
                    "issued": st.dates(dt.date(2000, 1, 1), dt.date(2020, 1, 1)),
                    "expires": st.dates(dt.date(2021, 1, 1), dt.date(2040, 1, 1)),
                    "score": st.integers(0, 300),
                },
            ),
            max_size=3,
        ),
        "languages": st.lists(st.builds(_language, _results, st.none() | _dates), max_size=3),
        "experience": st.lists(
            st.fixed_dictionaries(
                {"title": _text},
                optional={
                    "isco": st.sampled_from(["7212", "8211", "7223", "9329"]),
                    "country": st.sampled_from(["ID", "JP", "KR", "TW"]),
                    "programme": st.sampled_from(["JP-SSW1", "KR-EPS", "JP-TITP"]),
                    "start": st.dates(dt.date(2000, 1, 1), dt.date(2010, 1, 1)),
                    "end": st.dates(dt.date(2011, 1, 1), dt.date(2025, 1, 1)),
                },
            ),
            max_size=3,
        ),
        "preferences": st.fixed_dictionaries(
            {
                "countries": st.lists(
                    st.sampled_from(["JP", "KR", "TW", "DE"]), min_size=1, unique=True
                )
            },
            optional={
                "min_monthly_wage": st.sampled_from(["IDR", "JPY"]).flatmap(
                    lambda currency: st.fixed_dictionaries(
                        {
                            # within the format's ceiling for the currency (models.bounds)
                            "amount": st.integers(1, int(wage_ceiling(currency, "month"))).map(
                                float
                            ),
                            "currency": st.just(currency),
                        }
                    )
                )
            },
        ),
    },
)


@settings(max_examples=150, deadline=None)
@given(raw=_workers)
def test_any_worker_round_trips_on_what_both_carry(raw: dict[str, Any]) -> None:
    worker = Worker.model_validate(copy.deepcopy(raw))
    result = read_candidates(json.dumps(to_candidate(worker)), name="c.json")
    assert result.errors == []
    assert result.records == [carried(worker)]


def test_a_returnees_own_fields_are_noted_not_dropped_silently() -> None:
    # FORMAT.md v2's returnee fields have no place in a candidate document.
    line = (Path(__file__).parent / "data" / "valid" / "returnees.jsonl").read_text("utf-8")
    returnee = Worker.model_validate_json(line.splitlines()[0])
    noted = {note.field for note in export_candidates([returnee]).notes}
    assert {"returned", "home", "reintegration"} <= noted
    for i, entry in enumerate(returnee.experience):
        if entry.skills_used:
            assert f"experience[{i}].skills_used" in noted
        if entry.completed_contract is not None:
            assert f"experience[{i}].completed_contract" in noted
    for i, certificate in enumerate(returnee.certificates):
        assert (f"certificates[{i}].grade" in noted) == (certificate.grade is not None)
