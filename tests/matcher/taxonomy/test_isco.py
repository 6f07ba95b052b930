"""The ISCO-08 hierarchy helper."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from matcher.taxonomy.isco import (
    is_unit_group,
    isco_groups,
    isco_relation,
    isco_title,
    parent_groups,
)


def test_complete_hierarchy() -> None:
    groups = isco_groups()
    assert len(groups) == 619
    assert sum(len(code) == 4 for code in groups) == 436
    for code in groups:
        assert all(parent in groups for parent in parent_groups(code)), code


@pytest.mark.parametrize(
    ("first", "second", "relation"),
    [
        ("7212", "7212", "same_unit"),
        ("7212", "7214", "same_minor"),
        ("7212", "7223", "same_sub_major"),
        ("7212", "7411", "same_major"),
        ("7212", "8212", "unrelated"),
    ],
)
def test_relation(first: str, second: str, relation: str) -> None:
    assert isco_relation(first, second) == relation
    assert isco_relation(second, first) == relation


def test_titles_and_parents() -> None:
    assert isco_title("7212") == "Welders and flamecutters"
    assert parent_groups("7212") == ("721", "72", "7")
    assert is_unit_group("7212")
    assert not is_unit_group("721")
    assert not is_unit_group("7299")


@pytest.mark.parametrize("code", ["7299", "721", "abcd", ""])
def test_relation_rejects_non_unit_groups(code: str) -> None:
    with pytest.raises(ValueError, match="unit group"):
        isco_relation("7212", code)


def test_unknown_title() -> None:
    with pytest.raises(KeyError):
        isco_title("9999")


def test_occupation_table_uses_real_unit_groups() -> None:
    text = resources.files("matcher").joinpath("data/occupations.json").read_text("utf-8")
    raw = json.loads(text)
    assert all(is_unit_group(o["isco"]) for o in raw["occupations"])
    assert all(is_unit_group(c) for codes in raw["ambiguous"].values() for c in codes)


def test_model_validation_uses_the_same_unit_groups() -> None:
    from models.isco_codes import ISCO_UNIT_GROUPS

    assert {code for code in isco_groups() if len(code) == 4} == ISCO_UNIT_GROUPS
