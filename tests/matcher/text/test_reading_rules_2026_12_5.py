"""Taxonomy 2026.12.5 reading rules: leftover words that narrow a reading, a testing skill
beside what it tests, words of another sense, names without their workplace word, the
parts of East Asian compound names, agent nouns in -tor, an abbreviation after its own
expansion, and the glossary words of 2026.12.5.

The strings are written for these tests, not taken from the messy development set.
"""

from __future__ import annotations

import pytest

from matcher.taxonomy.skills import default_skill_normalizer
from matcher.text.aliases import AliasIndex, cut_east_asian
from matcher.text.english import lemma_candidates
from matcher.text.fold import text_rules
from matcher.text.lexicon import Lexicon


def _read(text: str) -> list[str]:
    return [hit.concept.id for hit in default_skill_normalizer().normalize(text).concepts]


def _read_with(lexicon: Lexicon, text: str) -> list[str]:
    return [hit.target for hit in lexicon.read_many([text])[0]]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("jahit sprei", "made-up-textiles-sewing"),  # a word of one narrower concept
        ("pemasangan baterai", "battery-assembly"),
        ("produksi pegas", "spring-making"),  # beside a generic role
        ("pembuatan baut", "fastener-making"),
    ],
)
def test_leftover_words_narrow_the_reading(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_a_testing_skill_is_the_head_beside_what_it_tests() -> None:
    assert _read("radiografi pipa") == ["radiographic-testing"]
    assert _read("uji ultrasonik las") == ["ultrasonic-testing"]
    # A name of its own still wins.
    assert _read("inspeksi las") == ["welding-inspection"]


def test_two_skills_neither_a_testing_one_stay_unread() -> None:
    families = {"a": "welding", "b": "machining", "qc": "quality"}
    names = {"a": ["weld"], "b": ["lathe"], "qc": ["ndt"]}
    lexicon = Lexicon(names, [], text_rules(), 0.7, families=families)
    assert _read_with(lexicon, "weld lathe") == []
    assert _read_with(lexicon, "ndt weld") == ["qc"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("grinding maize", "grain-milling"),
        ("meat grinding", "meat-processing"),
    ],
)
def test_words_of_another_sense_read_as_that_sense(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize("text", ["fruit picking", "grind coffee", "coffee grinding"])
def test_another_sense_needs_a_skill_named_by_both_words(text: str) -> None:
    # No fruit-processing name picks, no food name grinds coffee: unknown, not the nearest.
    assert _read(text) == []


def test_a_name_without_its_workplace_word_yields() -> None:
    assert _read("pengetinan ikan") == ["canning"]  # of the Malay "kilang pengetinan"
    # What is left is only a glossary word (flour): a product, no trade.
    assert _read("tepung") == []
    index = AliasIndex({"crisp": ["pabrik kerupuk"], "rice": ["factory beras"]}, [], text_rules())
    found = index.named_by(["kerupuk"])
    assert found is not None
    assert found.target == "crisp"
    assert found.secondary
    assert index.named_by(["beras"]) is None


def test_cut_east_asian() -> None:
    assert cut_east_asian("惣菜製造", {"惣菜", "製造"}, 2) == ["惣菜", "製造"]
    assert cut_east_asian("寝具縫製", {"縫製"}, 2) == ["寝具", "縫製"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("そう菜 製造", "prepared-food-production"),  # another spelling of a part
        ("コーン巻き", "yarn-winding"),
        ("木材 機械", "wood-machine-operation"),
        ("寝具縫製", "made-up-textiles-sewing"),
        ("浸透探傷検査", "penetrant-testing"),
        ("圧縮成型", "compression-moulding"),
    ],
)
def test_east_asian_compounds_read_by_their_parts(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_agent_nouns_in_tor() -> None:
    assert lemma_candidates("auditor") == ("audit", "auditing", "audition")
    assert lemma_candidates("monitored") == ("monitor",)
    assert _read("ISO 9001 auditor") == ["quality-management-system"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("ultrasonic testing (UT)", "ultrasonic-testing"),
        ("total productive maintenance (TPM)", "total-productive-maintenance"),
        ("RT inspector", "radiographic-testing"),
        ("IQC inspector", "incoming-inspection"),
    ],
)
def test_abbreviations(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_abbreviation_after_its_expansion_is_read_once() -> None:
    index = default_skill_normalizer()._lexicon.index
    assert index.words("incoming quality control (IQC)") == ["incoming", "quality", "control"]
    assert index.words("IQC") == ["incoming", "quality", "control"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("setting mesin pres", "die-setting"),  # a name with no neutral word wins
        ("press setter", "die-setting"),
        ("machine operating", "machine-operation"),
        ("pengacuan plastik", "plastic-moulding"),  # Malay moulding
        ("pembuat dai", "tool-die-making"),  # Malay die
        ("鉄骨構造物", "structural-steel-fabrication"),
        ("リベット打ち作業", "riveting"),
        ("tie rebar", "rebar-work"),
    ],
)
def test_glossary_words_of_2026_12_5(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_the_company_form_pt_is_no_skill() -> None:
    assert _read("PT Maju Jaya") == []
