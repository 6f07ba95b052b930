"""Folding, segmentation and Indonesian roots."""

from __future__ import annotations

import pytest

from matcher.text.fold import fold, script_runs, segments, text_rules
from matcher.text.indonesian import root_candidates


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  LAS-Listrik!! ", "las listrik"),
        ("Pengelasán", "pengelasan"),
        ("ＣＮＣ　旋盤", "cnc 旋盤"),  # full-width letters and space
        ("ﾌｫｰｸﾘﾌﾄ", "フォークリフト"),  # half-width katakana
        ("ダイカスト", "ダイカスト"),  # voiced kana keep their marks
        ("용접", "용접"),  # Hangul is not decomposed
        ("op.mesin", "op mesin"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_script_runs() -> None:
    assert list(script_runs("tig溶接")) == ["tig", "溶接"]
    assert list(script_runs("nc旋盤オペレーター")) == ["nc", "旋盤オペレーター"]
    assert list(script_runs("co2")) == ["co2"]


def test_segments() -> None:
    separators = text_rules().separators
    assert segments("las argon dan bubut", separators) == ["las argon", "bubut"]
    assert segments("bubut, frais / gerinda & QC", separators) == [
        "bubut",
        "frais",
        "gerinda",
        "qc",
    ]
    assert segments("welding and grinding", separators) == ["welding", "grinding"]
    assert segments(" , ; ", separators) == []


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("pengelasan", "las"),
        ("mengelas", "las"),
        ("menyolder", "solder"),
        ("pemotongan", "potong"),
        ("mengikir", "kikir"),
        ("perakitan", "rakit"),
        ("menjahit", "jahit"),
        ("penggerindaan", "gerinda"),
        ("ngebor", "bor"),
        ("nyolder", "solder"),
        ("pengecatan", "cat"),
        ("membubut", "bubut"),
    ],
)
def test_root_candidates(word: str, root: str) -> None:
    assert root in root_candidates(word)


def test_rules_are_folded_and_disjoint() -> None:
    rules = text_rules()
    assert all(fold(q) == q for q in rules.qualifiers)
    variants = [v for vs in rules.synonyms.values() for v in vs]
    assert len(variants) == len(set(variants)), "a word has two canonical forms"
    assert not set(variants) & set(rules.synonyms), "a canonical word is also a variant"
