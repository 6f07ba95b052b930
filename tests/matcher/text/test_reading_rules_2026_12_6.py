"""Taxonomy 2026.12.6 reading rules: a lone word after a separator shares the head of the
part before it past its qualifiers, a shared trade word reads as the sense of the trade
listed beside it, role, ability and activity words qualify a skill, Chinese names (Taiwan
job orders), and the readings an adversarial audit found wrong stay unknown.

The strings are written for these tests, not taken from the messy development sets.
"""

from __future__ import annotations

import pytest

from matcher.taxonomy.skills import default_skill_normalizer, load_taxonomy
from matcher.text.fold import text_rules
from matcher.text.lexicon import Lexicon


def _read(text: str) -> list[str]:
    return [hit.concept.id for hit in default_skill_normalizer().normalize(text).concepts]


def _read_with(lexicon: Lexicon, text: str) -> list[str]:
    return [hit.target for hit in lexicon.read_many([text])[0]]


def test_a_lone_word_after_a_separator_shares_the_head_past_qualifiers() -> None:
    assert _read("mampu las co2 / argon") == ["gmaw-welding", "gtaw-welding"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("able to weld", "welding"),
        ("boleh kendalikan mesin bubut", "lathe-turning"),
        ("QC officer", "quality-control"),
        ("汎用フライス", "milling"),
        ("SPC 관리", "statistical-process-control"),
    ],
)
def test_role_ability_and_activity_words_qualify(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("氬焊", "gtaw-welding"),
        ("堆高機", "forklift-operation"),
        ("品管", "quality-control"),
        ("射出成型", "injection-moulding"),
        ("拷克", "overlock-sewing"),
    ],
)
def test_chinese_names(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_every_concept_has_chinese_names() -> None:
    missing = [c.id for c in load_taxonomy().concepts.values() if not c.aliases.get("zh")]
    assert not missing


def test_a_shared_name_reads_as_the_sense_of_another_parts_family() -> None:
    names = {"gcut": ["garment cut"], "tcut": ["torch cut"], "sew": ["sew"], "weld": ["weld"]}
    families = {"gcut": "garment", "sew": "garment", "tcut": "metal", "weld": "metal"}
    lexicon = Lexicon(names, {"cut": ["gcut", "tcut"]}, text_rules(), 0.7, families=families)
    assert _read_with(lexicon, "cut, sew") == ["gcut", "sew"]
    assert _read_with(lexicon, "weld & cut") == ["weld", "tcut"]
    # Alone, or beside both families, nothing says which.
    assert _read_with(lexicon, "cut") == []
    assert _read_with(lexicon, "cut, weld, sew") == ["weld", "sew"]


def test_a_shared_trade_word_in_a_list_of_garment_work() -> None:
    assert _read("cutting, sewing, finishing") == ["garment-cutting", "sewing", "garment-pressing"]


@pytest.mark.parametrize(
    "text",
    [
        # Rules tried for 2026.12.6 and dropped: each read these as trades.
        "drilling of water wells",  # object words counting half
        "painting (portraits)",  # an aside left out
        "sewing (wounds)",
        "helper Hong Kong",  # countries as qualifiers
        "tukang bakso",  # "tukang" as a qualifier
        "construction labourer",
        "hobby painting",
        "超音波檢測 (孕婦)",  # prenatal ultrasound, not ultrasonic testing
    ],
)
def test_work_outside_manufacturing_stays_unknown(text: str) -> None:
    assert _read(text) == []
