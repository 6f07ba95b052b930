"""schema.org JobPosting: the shipped vocabulary, the validator, export, import, round trip."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.interchange.jobposting_export import (
    SkillTerm,
    export_jobpostings,
    published_requirements,
    to_jobposting,
)
from matcher.interchange.jobposting_import import read_jobpostings
from matcher.interchange.jsonld import validate_node
from matcher.interchange.records import ExportError
from matcher.interchange.vocabulary import schemaorg
from models.bounds import wage_ceiling
from models.common import PROGRAMMES
from models.isco_codes import ISCO_UNIT_GROUPS
from models.vacancy import DISCRIMINATORY_REQUIREMENTS, Vacancy

DATA = Path(__file__).parent / "data" / "interchange"
POSTED = dt.date(2026, 3, 1)

FORMAT_JOB_ORDER: dict[str, Any] = {
    "id": "JO-2026-0001",
    "agency_id": "P3MI-0042",
    "employer": {"name": "Tokai Seiko K.K.", "type": "company"},
    "country": "JP",
    "region": "Aichi",
    "programme": "JP-SSW1",
    "title": "Welder (SMAW/MMAW)",
    "isco": "7212",
    "slots": 10,
    "start_date": "2026-10-01",
    "contract_months": 36,
    "wage": {"amount": 1250, "currency": "JPY", "per": "hour"},
    "requirements": {
        "skills": [
            {"name": "SMAW welding", "required": True, "certified": True, "min_level": 2},
            {"name": "GMAW", "required": False, "weight": 0.5},
        ],
        "languages": [
            {"any_of": [{"test": "JLPT", "min": "N4"}, {"test": "JFT-Basic", "min": "A2"}]},
            {"language": "en", "min_cefr": "A2", "required": False},
        ],
        "experience": {"min_months": 12, "isco": ["7212"]},
        "age": {"min": 18, "max": 35},
        "sex": None,
    },
}


def job_order(**changes: Any) -> Vacancy:
    raw = copy.deepcopy(FORMAT_JOB_ORDER)
    raw.update(changes)
    return Vacancy.model_validate(raw)


def as_jsonl(postings: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(p, ensure_ascii=False) for p in postings) + "\n"


def skill_terms(names: list[str] | tuple[str, ...]) -> list[SkillTerm | None]:
    return [
        SkillTerm("weld.smaw", "shielded metal arc welding") if "SMAW" in n else None for n in names
    ]


# --- the vocabulary ----------------------------------------------------------------------


def test_vocabulary_is_release_30_with_its_hierarchy() -> None:
    vocabulary = schemaorg()
    assert vocabulary.release == "30.0"
    assert len(vocabulary.classes) == 933
    assert len(vocabulary.properties) == 1521
    assert vocabulary.ancestors("JobPosting") == {"JobPosting", "Intangible", "Thing"}
    assert vocabulary.is_a("Corporation", frozenset({"Organization"}))
    assert vocabulary.is_a("EducationalOccupationalCredential", frozenset({"Credential"}))
    assert vocabulary.properties["benefits"].superseded_by == "jobBenefits"
    assert vocabulary.properties["baseSalary"].range == {
        "MonetaryAmount",
        "Number",
        "PriceSpecification",
    }


# --- the validator -----------------------------------------------------------------------


def issues_of(node: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i.path, i.message) for i in validate_node(node)]


def test_validator_accepts_a_posting_built_from_schemaorg_terms() -> None:
    posting = to_jobposting(job_order(), date_posted=POSTED)
    assert issues_of(posting) == []


def test_validator_names_an_unknown_type_with_its_path() -> None:
    posting = to_jobposting(job_order(), date_posted=POSTED)
    posting["hiringOrganization"]["@type"] = "Company"
    [(path, message)] = issues_of(posting)
    assert path == "hiringOrganization.@type"
    assert "unknown @type 'Company'" in message


def test_validator_names_an_unknown_property() -> None:
    posting = to_jobposting(job_order(), date_posted=POSTED)
    posting["salary"] = 5
    assert issues_of(posting) == [("salary", "unknown property 'salary': not in schema.org 30.0")]


def test_validator_checks_the_domain_of_each_property() -> None:
    posting = to_jobposting(job_order(), date_posted=POSTED)
    posting["jobLocation"]["address"]["unitText"] = "HOUR"  # a QuantitativeValue property
    [(path, message)] = issues_of(posting)
    assert path == "jobLocation.address.unitText"
    assert "is not a property of PostalAddress" in message


def test_validator_checks_the_range_of_each_value() -> None:
    posting = to_jobposting(job_order(), date_posted=POSTED)
    posting["totalJobOpenings"] = "10"
    posting["hiringOrganization"] = {"@type": "Place", "name": "x"}
    posting["datePosted"] = "1 March 2026"
    posting["identifier"][0]["value"] = ["a", ["b"]]
    found = dict(issues_of(posting))
    assert "'totalJobOpenings' expects Integer" in found["totalJobOpenings"]
    assert "expects Organization, Person; got a Place" in found["hiringOrganization"]
    assert "'datePosted' expects Date, DateTime" in found["datePosted"]
    assert found["identifier[0].value[1]"] == "a list inside a list is not a JSON-LD value"


def test_validator_reads_subclasses_literals_references_and_value_objects() -> None:
    posting = to_jobposting(job_order(), date_posted=POSTED)
    posting["hiringOrganization"]["@type"] = "Corporation"  # subclass of Organization
    posting["hiringOrganization"]["sameAs"] = "https://example.com/tokai"  # URL
    posting["employmentUnit"] = {"@id": "https://example.com/units/7"}  # a reference
    posting["title"] = {"@value": "Welder", "@language": "en"}
    posting["jobDuration"] = "P3Y"  # a Duration literal
    posting["jobLocation"]["@type"] = "schema:Place"
    assert issues_of(posting) == []
    posting["jobDuration"] = "three years"
    [(path, message)] = issues_of(posting)
    assert path == "jobDuration"
    assert "expects Duration, QuantitativeValue" in message


def test_validator_is_strict_where_schemaorg_consumers_are_lenient() -> None:
    # schema.org's own example eg-0028 writes numbers as text; Selaras needs typed values.
    example = {
        "@type": "JobPosting",
        "baseSalary": "100000",
        "experienceRequirements": {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": "60",
        },
    }
    paths = [path for path, _ in issues_of(example)]
    assert paths == ["baseSalary", "experienceRequirements.monthsOfExperience"]


# --- export ------------------------------------------------------------------------------


def test_export_maps_the_format_example_field_by_field() -> None:
    result = export_jobpostings(
        [job_order()],
        date_posted=POSTED,
        isco_title=lambda code: {"7212": "Welders and flamecutters"}.get(code),
        skill_terms=skill_terms,
    )
    [posting] = result.postings
    assert result.notes == []
    assert posting["@context"] == "https://schema.org"
    assert posting["title"] == "Welder (SMAW/MMAW)"
    assert posting["occupationalCategory"]["codeValue"] == "7212"
    assert posting["occupationalCategory"]["name"] == "Welders and flamecutters"
    assert posting["occupationalCategory"]["inCodeSet"]["name"] == "ISCO-08"
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "JPY",
        "value": {"@type": "QuantitativeValue", "value": 1250.0, "unitText": "HOUR"},
    }
    address = posting["jobLocation"]["address"]
    assert (address["addressCountry"], address["addressRegion"]) == ("JP", "Aichi")
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "Indonesia"}
    assert posting["totalJobOpenings"] == 10
    assert posting["validThrough"] == posting["jobStartDate"] == "2026-10-01"
    assert posting["datePosted"] == "2026-03-01"
    assert posting["directApply"] is False
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "Tokai Seiko K.K."}
    assert posting["jobDuration"]["value"] == 36
    smaw, gmaw = posting["skills"]
    assert smaw["termCode"] == "weld.smaw"
    assert smaw["alternateName"] == "shielded metal arc welding"
    assert gmaw == {"@type": "DefinedTerm", "name": "GMAW"}
    [credential] = posting["qualifications"]
    assert credential["@type"] == "EducationalOccupationalCredential"
    assert credential["competencyRequired"]["name"] == "SMAW welding"
    assert posting["experienceRequirements"]["monthsOfExperience"] == 12
    ids = {e["propertyID"]: e["value"] for e in posting["identifier"]}
    assert ids["selaras:job-order-id"] == "JO-2026-0001"
    assert ids["selaras:agency-id"] == "P3MI-0042"
    assert ids["selaras:programme"] == "JP-SSW1"
    assert json.loads(ids["selaras:requirements"])["age"] == {"min": 18, "max": 35}


def test_export_writes_a_household_employer_as_a_person() -> None:
    posting = to_jobposting(
        job_order(employer={"name": "Keluarga Lin", "type": "household"}), date_posted=POSTED
    )
    assert posting["hiringOrganization"]["@type"] == "Person"


def test_export_never_publishes_a_discriminatory_requirement() -> None:
    vacancy = job_order(
        requirements={"skills": [{"name": "welding"}], "sex": "M", "min_height_cm": 165}
    )
    result = export_jobpostings([vacancy], date_posted=POSTED)
    text = json.dumps(result.postings)
    assert "min_height_cm" not in text
    assert '"sex"' not in text
    assert [n.field for n in result.notes] == ["requirements.sex", "requirements.min_height_cm"]


def test_export_lists_only_what_the_caller_lists() -> None:
    orders = [job_order(id="JO-1"), job_order(id="JO-2"), job_order(id="JO-3")]
    result = export_jobpostings(orders, date_posted=POSTED, listed=lambda v: v.id != "JO-2")
    ids = [p["identifier"][0]["value"] for p in result.postings]
    assert ids == ["JO-1", "JO-3"]


def test_export_checks_the_engine_answers_one_term_per_skill() -> None:
    with pytest.raises(ValueError, match="returned 1 entries for 2 names"):
        export_jobpostings([job_order()], date_posted=POSTED, skill_terms=lambda names: [None])


def test_export_refuses_a_posting_that_does_not_validate() -> None:
    # An engine title callable that returns a non-text value breaks the document.
    with pytest.raises(ExportError) as raised:
        export_jobpostings(
            [job_order()],
            date_posted=POSTED,
            isco_title=lambda code: 7212,  # type: ignore[arg-type,return-value]
        )
    [problem] = raised.value.problems
    assert (problem.record, problem.field) == ("JO-2026-0001", "occupationalCategory.name")


# --- import ------------------------------------------------------------------------------


def test_import_of_a_job_board_graph_maps_what_it_can_and_notes_the_rest() -> None:
    text = (DATA / "jobboard_postings.jsonld").read_text("utf-8")
    result = read_jobpostings(text, name="board.jsonld", programme="TW-FACTORY", agency_id="P3MI-7")
    assert result.errors == []
    cnc, food = result.records
    assert cnc.id == "FPC-2026-017"
    assert (cnc.agency_id, cnc.programme) == ("P3MI-7", "TW-FACTORY")
    assert cnc.employer.model_dump() == {"name": "Formosa Precision Co., Ltd.", "type": "company"}
    assert (cnc.country, cnc.region, cnc.isco, cnc.slots) == ("TW", "Taichung", "7223", 6)
    assert cnc.wage.model_dump() == {"amount": 28590, "currency": "TWD", "per": "month"}
    assert (cnc.start_date, cnc.contract_months) == (dt.date(2026, 8, 1), 36)
    skills = {s.name: (s.required, s.certified) for s in cnc.requirements.skills}
    assert skills == {
        "CNC lathe operation": (True, True),
        "reading technical drawings": (False, False),
    }
    assert cnc.requirements.experience is not None
    assert cnc.requirements.experience.min_months == 12
    assert food.id == "KMS-FOOD-88"
    assert [s.name for s in food.requirements.skills] == ["food hygiene", "packing", "labelling"]
    notes = {(w.field, w.message.split(":")[0]) for w in result.warnings}
    assert ("@graph[0].jobBenefits", "not imported") in notes
    assert ("@graph[1].workHours", "not imported") in notes
    assert ("@graph[0].baseSalary.value", "a salary range") in notes


def test_import_never_guesses_the_programme_or_the_agency() -> None:
    text = (DATA / "jobboard_postings.jsonld").read_text("utf-8")
    result = read_jobpostings(text, name="board.jsonld")
    assert result.records == []
    messages = [(e.field, e.message) for e in result.errors]
    assert ("@graph[0].identifier", messages[0][1]) in messages
    assert any("no programme" in m and "never guesses" in m for _, m in messages)
    assert any("no agency_id" in m for _, m in messages)


def test_import_refuses_a_programme_that_contradicts_the_posting() -> None:
    text = as_jsonl(export_jobpostings([job_order()], date_posted=POSTED).postings)
    result = read_jobpostings(text, name="own.jsonl", programme="KR-EPS")
    [error] = result.errors
    assert error.field == "identifier"
    assert "selaras:programme is 'JP-SSW1'" in error.message


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"@type": "JobPost"}, "@type", "unknown @type 'JobPost'"),
        ({"@type": "Offer"}, "@type", "expected a JobPosting"),
        (
            {
                "baseSalary": {
                    "@type": "MonetaryAmount",
                    "value": {"@type": "QuantitativeValue", "value": 9, "unitText": "HOUR"},
                }
            },
            "baseSalary.currency",
            "salary without currency",
        ),
        (
            {
                "baseSalary": {
                    "@type": "MonetaryAmount",
                    "currency": "JPY",
                    "value": {"@type": "QuantitativeValue", "value": 9, "unitText": "WEEK"},
                }
            },
            "baseSalary.value.unitText",
            "wage per 'WEEK'",
        ),
        (
            {"baseSalary": {"@type": "MonetaryAmount", "currency": "JPY", "value": 1250}},
            "baseSalary.value",
            "does not say per what",
        ),
        ({"totalJobOpenings": None}, "totalJobOpenings", "required"),
        ({"totalJobOpenings": 0}, "totalJobOpenings", "slots"),
        ({"jobLocation": [{"@type": "Place"}, {"@type": "Place"}]}, "jobLocation", "2 values"),
        (
            {
                "jobLocation": {
                    "@type": "Place",
                    "address": {"@type": "PostalAddress", "addressCountry": "Japan"},
                }
            },
            "jobLocation.address.addressCountry",
            "not an ISO 3166-1 alpha-2",
        ),
        ({"hiringOrganization": {"@type": "Organization"}}, "hiringOrganization.name", "required"),
        ({"@context": "https://example.org/jobs"}, "@context", "must be schema.org"),
        (
            {"skills": [{"@type": "DefinedTerm", "name": "brazing"}]},
            "skills",
            "disagrees with the selaras:requirements",
        ),
    ],
)
def test_bad_postings_are_errors_naming_the_field_and_nothing_is_imported(
    change: dict[str, Any], field: str, words: str
) -> None:
    good, bad = export_jobpostings(
        [job_order(id="JO-1"), job_order(id="JO-2")], date_posted=POSTED
    ).postings
    for key, value in change.items():
        if value is None:
            del bad[key]
        else:
            bad[key] = value
    result = read_jobpostings(as_jsonl([good, bad]), name="in.jsonl")
    assert not result.ok  # the caller applies nothing (as with models.files.parse_records)
    assert result.records == []  # a file with an error keeps no records
    assert [(e.file, e.line) for e in result.errors] == [("in.jsonl", 2)] * len(result.errors)
    assert any(e.field == field and words in e.message for e in result.errors), result.errors


def test_import_reports_malformed_json_and_duplicates_by_line() -> None:
    posting = export_jobpostings([job_order()], date_posted=POSTED).postings[0]
    text = as_jsonl([posting, posting]) + "{not json}\n"
    result = read_jobpostings(text, name="in.jsonl")
    assert [(e.line, e.field) for e in result.errors] == [(2, "identifier"), (3, None)]
    assert "duplicate job order 'JO-2026-0001'" in result.errors[0].message
    assert read_jobpostings("  \n", name="e").errors[0].message.startswith("file is empty")


def test_import_reads_a_json_array_naming_lines_where_elements_start() -> None:
    postings = export_jobpostings(
        [job_order(id="JO-1"), job_order(id="JO-2")], date_posted=POSTED
    ).postings
    postings[1]["totalJobOpenings"] = -3
    text = json.dumps(postings, indent=2)
    result = read_jobpostings(text, name="in.json")
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line == "  {"]
    assert {e.line for e in result.errors} == {starts[1]}


# --- round trip --------------------------------------------------------------------------


def published(vacancy: Vacancy) -> Vacancy:
    return vacancy.model_copy(update={"requirements": published_requirements(vacancy.requirements)})


def test_the_format_example_round_trips() -> None:
    vacancy = job_order(requirements={**FORMAT_JOB_ORDER["requirements"], "sex": "F"})
    exported = export_jobpostings([vacancy], date_posted=POSTED, skill_terms=skill_terms)
    result = read_jobpostings(as_jsonl(exported.postings), name="own.jsonl")
    assert result.errors == []
    assert result.warnings == []
    assert result.records == [published(vacancy)]


_text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
_identifier = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}", fullmatch=True)


def _wage(currency_per: tuple[str, Literal["hour", "month", "year"]]) -> st.SearchStrategy[Any]:
    """A wage of the currency and period, within the format's ceiling (models.bounds)."""
    currency, per = currency_per
    ceiling = wage_ceiling(currency, per)
    amount = st.floats(min_value=0.01, max_value=ceiling, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries(
        {"amount": amount, "currency": st.just(currency), "per": st.just(per)}
    )


_named_tests = st.sampled_from(
    [("JLPT", "N4"), ("JLPT", "N2"), ("JFT-Basic", "A2"), ("EPS-TOPIK", 150), ("TOEIC", 550),
     ("IELTS", 5.5), ("Goethe", "B1"), ("CEFR", "A2"), ("TOPIK", 2)]
)  # fmt: skip
_skill = st.fixed_dictionaries(
    {"name": _text},
    optional={
        "required": st.booleans(),
        "certified": st.booleans(),
        "min_level": st.integers(1, 5),
        "min_months": st.integers(0, 240),
        "weight": st.floats(min_value=0.1, max_value=10, allow_nan=False),
    },
)
_language = st.one_of(
    st.builds(
        lambda tests, required: {
            "any_of": [{"test": t, "min": m} for t, m in tests],
            "required": required,
        },
        st.lists(_named_tests, min_size=1, max_size=3),
        st.booleans(),
    ),
    st.fixed_dictionaries(
        {
            "language": st.sampled_from(["en", "ja", "ko", "de"]),
            "min_cefr": st.sampled_from(["A1", "A2", "B1"]),
        }
    ),
)
_requirements = st.fixed_dictionaries(
    {},
    optional={
        "skills": st.lists(_skill, max_size=4),
        "languages": st.lists(_language, max_size=2),
        "experience": st.fixed_dictionaries(
            {"min_months": st.integers(0, 120)},
            optional={"isco": st.lists(st.sampled_from(sorted(ISCO_UNIT_GROUPS)[:40]), max_size=2)},
        ),
        "age": st.sampled_from([{"min": 18}, {"max": 40}, {"min": 21, "max": 35}]),
        "sex": st.sampled_from(["F", "M"]),
        "religion": _text,
        "min_weight_kg": st.floats(min_value=30, max_value=120, allow_nan=False),
        "weights": st.fixed_dictionaries(
            {"skills": st.floats(0.1, 5), "language": st.floats(0, 5)}
        ),
    },
)
_job_orders = st.fixed_dictionaries(
    {
        "id": _identifier,
        "agency_id": _identifier,
        "employer": st.fixed_dictionaries(
            {"name": _text, "type": st.sampled_from(["company", "household"])}
        ),
        "country": st.sampled_from(["JP", "KR", "TW", "MY", "DE", "CZ", "SA"]),
        "programme": st.sampled_from(PROGRAMMES),
        "title": _text,
        "slots": st.integers(1, 100_000),
        "wage": st.tuples(
            st.sampled_from(["JPY", "KRW", "TWD", "MYR", "EUR", "IDR"]),
            st.sampled_from(["hour", "month", "year"]),
        ).flatmap(_wage),
    },
    optional={
        "region": _text,
        "isco": st.sampled_from(sorted(ISCO_UNIT_GROUPS)),
        "start_date": st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)).map(str),
        "contract_months": st.integers(1, 240),
        "requirements": _requirements,
    },
)


@settings(max_examples=150, deadline=None)
@given(raw=st.lists(_job_orders, min_size=1, max_size=3, unique_by=lambda r: r["id"]))
def test_any_valid_job_order_round_trips(raw: list[dict[str, Any]]) -> None:
    vacancies = [Vacancy.model_validate(r) for r in raw]
    exported = export_jobpostings(vacancies, date_posted=POSTED, skill_terms=skill_terms)
    result = read_jobpostings(as_jsonl(exported.postings), name="own.jsonl")
    assert result.errors == []
    assert result.records == [published(v) for v in vacancies]
    never = {n.field for n in exported.notes}
    assert never == {
        f"requirements.{f}"
        for v in vacancies
        for f in DISCRIMINATORY_REQUIREMENTS
        if getattr(v.requirements, f) is not None
    }
