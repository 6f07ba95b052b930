"""The typed HR-JSON reader changes nothing but speed: the same records, errors and notes.

Every check reads the same text with ``typed=True`` (the typed reader first, the reference
reader for what it declines) and ``typed=False`` (the reference reader alone) and compares
the whole results. Documents that map completely must also be taken by the typed reader,
or the comparison would only ever test the reference reader against itself.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.interchange import hrjson_import
from matcher.interchange.hrjson_export import export_candidates, to_candidate
from matcher.interchange.hrjson_import import read_candidates
from matcher.interchange.hrjson_typed import NOTED_PARTS, typed_candidate
from models.files import ReadResult
from models.worker import Worker
from tests.models.test_typed_workers import assert_same_result
from tests.test_hrjson import FORMAT_WORKER, _workers, edited
from tests.test_interchange_fuzz import JSON, mangled, paths

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "interchange"
CANDIDATE = to_candidate(Worker.model_validate(FORMAT_WORKER))


def _sample_documents() -> list[dict[str, Any]]:
    with (ROOT / "data" / "sample" / "pool" / "workers.jsonl").open(encoding="utf-8") as handle:
        workers = [Worker.model_validate_json(line) for line in handle]
    return export_candidates(workers).candidates


SAMPLE = _sample_documents()


def same_reading(text: str, agency_id: str | None = None) -> ReadResult[Worker]:
    """Read ``text`` both ways, assert the results are equal, and return it."""
    typed = read_candidates(text, name="c.jsonl", agency_id=agency_id)
    reference = read_candidates(text, name="c.jsonl", agency_id=agency_id, typed=False)
    assert_same_result(typed, reference)
    return typed


def test_the_typed_reader_takes_every_document_selaras_exports() -> None:
    declined = [d["documentId"]["value"] for d in SAMPLE if typed_candidate(d, None) is None]
    assert declined == []
    result = same_reading("".join(json.dumps(d) + "\n" for d in SAMPLE))
    assert result.ok
    assert len(result.records) == len(SAMPLE)


def test_the_fixtures_read_the_same() -> None:
    text = (DATA / "hropen_candidate.json").read_text("utf-8")
    same_reading(text)
    assert same_reading(text, agency_id="LPK-7").ok
    same_reading(json.dumps(CANDIDATE))
    same_reading(json.dumps(CANDIDATE), agency_id="P3MI-9")  # an agency conflict


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["person"].pop("birthDate"),
        lambda d: d["person"].update(gender="F"),
        lambda d: d["person"]["legalId"].update(schemeId="passport"),
        lambda d: d["person"].update(religion=["a", "b"]),
        lambda d: d["person"].update(phone="+62"),
        lambda d: d["person"].pop("id"),
        lambda d: d["person"]["id"].update(value=""),
        lambda d: d["profiles"].append({}),
        lambda d: d["profiles"][0]["certifications"][0].update(issued="March 2024"),
        lambda d: d["profiles"][0]["certifications"][0]["type"].update(code="ISO"),
        lambda d: d["profiles"][0]["qualifications"][0]["experienceMeasure"].update(value=1.5),
        lambda d: d["profiles"][0]["qualifications"][0]["experienceMeasure"].update(unitCode="D"),
        lambda d: d["profiles"][0]["qualifications"][0].update(experienceMeasure={}),
        lambda d: d["profiles"][0]["qualifications"][0]["proficiencyLevel"]["scoresNumeric"][
            0
        ].update(maximum=10),
        lambda d: d["profiles"][0]["employment"][0]["positionHistories"][0].pop("title"),
        lambda d: d["profiles"][0]["employment"][0].update(positionHistories=[]),
        lambda d: d["profiles"][0]["employment"][0]["positionHistories"][0].update(
            start="2019", end="2022-02"
        ),
        lambda d: d["profiles"][0]["employment"][0]["positionHistories"][0]["jobCategories"][0][
            "id"
        ].update(schemeId="O*NET"),
        lambda d: d["profiles"][0]["qualifications"][5]["competencyEvidence"].update(
            evidenceName="x"
        ),
        lambda d: d["profiles"][0]["education"].append({"educationLevelCodes": [{"code": "SD"}]}),
        lambda d: d["profiles"][0]["qualifications"][2]["competencyEvidence"]["scores"][0][
            "scoresText"
        ][0].update(value="N7"),
        lambda d: d["profiles"][0]["positionPreferences"][0]["offeredRemunerationPackage"][
            "ranges"
        ].append({"typeCode": "Bonus"}),
        lambda d: d["profiles"][0]["positionPreferences"][0]["offeredRemunerationPackage"][
            "ranges"
        ][0]["minimumAmount"].update(currency="XXX"),
    ],
)
def test_documents_with_errors_or_notes_read_the_same(change: Any) -> None:
    same_reading(edited(change))


def test_the_typed_structs_read_the_keys_the_reference_reader_reads() -> None:
    # A key added to one reader's list and not the other's would be noted by one only.
    assert {
        "document": hrjson_import._READ_DOCUMENT,
        "person": hrjson_import._READ_PERSON,
        "profile": hrjson_import._READ_PROFILE,
        "certification": hrjson_import._READ_CERTIFICATION,
        "preference": frozenset({"locations", "offeredRemunerationPackage"}),
    } == NOTED_PARTS


def dropped(document: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    node: Any = copied
    for step in where[:-1]:
        node = node[step]
    del node[where[-1]]
    return copied


@settings(max_examples=400, deadline=None)
@given(where=st.sampled_from(paths(CANDIDATE)), value=JSON)
def test_a_damaged_document_reads_the_same(where: tuple[Any, ...], value: Any) -> None:
    same_reading(json.dumps(mangled(CANDIDATE, where, value)))


@settings(max_examples=150, deadline=None)
@given(where=st.sampled_from(paths(CANDIDATE)))
def test_a_document_missing_a_part_reads_the_same(where: tuple[Any, ...]) -> None:
    same_reading(json.dumps(dropped(CANDIDATE, where)), agency_id="P3MI-0042")


@settings(max_examples=150, deadline=None)
@given(raw=_workers, agency=st.sampled_from([None, "P3MI-0042", "P3MI-9"]))
def test_any_exported_worker_reads_the_same(raw: dict[str, Any], agency: str | None) -> None:
    document = to_candidate(Worker.model_validate(copy.deepcopy(raw)))
    same_reading(json.dumps(document), agency_id=agency)
