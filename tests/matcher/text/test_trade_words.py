"""Taxonomy 2026.12.4 reading rules: East Asian name stems, agent nouns as activities, role
nouns, shared names settled by context, and the Chinese trade words of the glossary.

The strings are written for these tests, not taken from the messy development set.
"""

from __future__ import annotations

import pytest

from matcher.taxonomy.skills import default_skill_normalizer
from matcher.text.aliases import east_asian_stem


def _read(text: str) -> list[str]:
    return [hit.concept.id for hit in default_skill_normalizer().normalize(text).concepts]


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        (["圧延工"], "圧延"),  # worker suffix
        (["伸線加工"], "伸線"),  # process suffix
        (["정경기"], "정경"),  # machine suffix
        (["슬리팅", "가공"], "슬리팅"),  # a spaced suffix
        (["鉄工"], None),  # one character left: no trade
        (["유가공"], None),  # the longest suffix decides: "유" is too short, "유가" is no stem
        (["산업전기"], None),  # "전기" (electricity) is a word, "기" no suffix there
        (["welder"], None),  # not East Asian
    ],
)
def test_east_asian_stem(words: list[str], stem: str | None) -> None:
    suffixes = ["가공", "加工", "工", "기", "공"]
    assert east_asian_stem(words, suffixes, {"전기"}) == stem


def test_a_shorter_suffix_only_stands_on_a_known_word() -> None:
    assert east_asian_stem(["검사원"], ["사원", "원"], {"검사"}) == "검사"
    assert east_asian_stem(["검사원"], ["사원", "원"], set()) is None


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("압연 작업", "metal-rolling"),  # stem of the name 압연공
        ("伸線機", "metal-drawing"),  # stem of 伸線加工, and 機 (machine) is neutral
        ("품질 검사원", "quality-control"),  # 검사원 in the input reads as 검사
        ("용접사", "welding"),  # 사: a Korean trade title
        ("산업전기", "industrial-electrical-work"),  # a name whose end is no suffix
    ],
)
def test_east_asian_suffixes(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_agent_noun_reads_as_its_activity() -> None:
    # "pemasang" (fitter) + "pipa" meets the name "pemasangan pipa".
    assert _read("pemasang pipa") == ["pipe-fitting"]
    assert _read("pemasang") == ["assembly"]


@pytest.mark.parametrize("text", ["perawat", "pembuat"])
def test_agent_noun_rule_leaves_other_words_alone(text: str) -> None:
    # A nurse is no maintenance worker; a maker is not the production role.
    assert _read(text) == []


def test_role_nouns_are_neutral() -> None:
    assert _read("bakery worker") == ["bakery"]
    assert _read("staf gudang") == ["warehouse-work"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("cat duco", None),
        ("cat duco kayu", "wood-finishing"),
        ("cat duco bodi mobil", "automotive-painting"),
    ],
)
def test_cat_duco_is_settled_by_context(text: str, concept: str | None) -> None:
    assert _read(text) == ([concept] if concept else [])


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("焊接", "welding"),
        ("銲接", "welding"),
        ("数控车床", "cnc-turning"),
        ("叉车司机", "forklift-operation"),
        ("堆高機", "forklift-operation"),
        ("組裝", "assembly"),
        ("电子组装", "electronics-assembly"),
        ("钣金", "sheet-metal-work"),
    ],
)
def test_chinese_trade_words(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_orthographic_variant_of_moulding() -> None:
    assert _read("成型") == _read("成形") != []


@pytest.mark.parametrize("text", ["clean", "maintain turf and grass", "kebersihan kantor"])
def test_a_word_of_the_language_is_no_typo(text: str) -> None:
    # "clean" is not "lean", "grass" not "glass", "kantor" (office) not "makanan" (food).
    assert _read(text) == []


def test_typos_are_still_corrected() -> None:
    assert _read("operator forklif") == ["forklift-operation"]
    assert _read("gerinda silinder") == ["cylindrical-grinding"]


def test_stem_of_a_product_suffix() -> None:
    # 통조림 제조 (canned food manufacturing) also names canning as 통조림 alone.
    assert _read("통조림 공장") == ["canning"]


def test_a_curated_name_beats_a_stem_of_as_many_words() -> None:
    # 治工具 is the stem of 治工具製作 (tool making); beside 仕上げ (bench fitting), whose
    # name 治工具仕上げ is curated, the curated reading wins.
    assert _read("仕上げ 治工具") == ["bench-fitting"]


@pytest.mark.parametrize(
    ("jis", "common"), [("ハンマ鍛造", "ハンマー鍛造"), ("レーザ加工", "レーザー加工")]
)
def test_jis_spelling_without_final_long_vowel(jis: str, common: str) -> None:
    assert _read(jis) == _read(common) != []


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("5S housekeeping", ["5s"]),
        ("wire cut", []),  # EDM in a machine shop, cutting wire in a harness shop
        ("operator wire cut", ["edm-machining"]),
        ("wire cut EDM", ["edm-machining"]),
        ("giling corn", ["grain-milling"]),  # a word of grain-milling names settles giling
    ],
)
def test_shared_and_partial_names(text: str, concepts: list[str]) -> None:
    assert _read(text) == concepts
