"""No document, however mangled, crashes an importer: it gets errors naming its line."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.interchange.hrjson_export import to_candidate
from matcher.interchange.hrjson_import import read_candidates
from matcher.interchange.jobposting_export import to_jobposting
from matcher.interchange.jobposting_import import read_jobpostings
from models.vacancy import Vacancy
from models.worker import Worker
from tests.test_hrjson import FORMAT_WORKER
from tests.test_jobposting import FORMAT_JOB_ORDER

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
POSTING = to_jobposting(Vacancy.model_validate(FORMAT_JOB_ORDER), date_posted=dt.date(2026, 3, 1))
CANDIDATE = to_candidate(Worker.model_validate(FORMAT_WORKER))


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree a value can be put (object keys, list items)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def mangled(document: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    node: Any = copied
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    return copied


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(paths(POSTING)), value=JSON)
def test_a_mangled_posting_is_read_or_refused_never_crashes(
    where: tuple[Any, ...], value: Any
) -> None:
    result = read_jobpostings(json.dumps(mangled(POSTING, where, value)), name="p.json")
    assert all(problem.line == 1 for problem in result.errors + result.warnings)
    assert len(result.records) + bool(result.errors) >= 1


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(paths(CANDIDATE)), value=JSON)
def test_a_mangled_candidate_is_read_or_refused_never_crashes(
    where: tuple[Any, ...], value: Any
) -> None:
    result = read_candidates(json.dumps(mangled(CANDIDATE, where, value)), name="c.json")
    assert all(problem.line == 1 for problem in result.errors + result.warnings)
    assert len(result.records) + bool(result.errors) >= 1


@settings(max_examples=100, deadline=None)
@given(value=JSON)
def test_any_json_document_is_read_or_refused(value: Any) -> None:
    text = json.dumps(value)
    for result in (read_jobpostings(text, name="x"), read_candidates(text, name="x")):
        assert result.errors or result.records
