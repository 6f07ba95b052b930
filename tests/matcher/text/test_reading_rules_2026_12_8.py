"""Taxonomy 2026.12.8 reading rules: a text that reads as nothing whole is read without its
brackets when they only say who, where or when (a company, a brand, a plant, years), never
as a bracket alone; an Indonesian company named beside the work is left out; Chinese and
Korean words for the post or the section held ("負責", "部門", "담당") qualify, and so do
the words a job order asks for a skill with ("must have", "できる方", "需具備", "우대").

The strings are written for these tests, not taken from the messy development sets.
"""

from __future__ import annotations

import pytest

from matcher.taxonomy.skills import default_skill_normalizer


def _read(text: str) -> list[str]:
    return [hit.concept.id for hit in default_skill_normalizer().normalize(text).concepts]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("operator cetak offset (Komori Lithrone)", "offset-printing"),
        ("tukang las (PT Sinar Baja Utama)", "welding"),
        ("forklift operation (Acme Logistics Co., Ltd.)", "forklift-operation"),
        ("kimpalan (Syarikat Besi Jaya Sdn Bhd)", "welding"),
        # Full-width brackets, as Japanese, Korean and Chinese text writes them.
        ("溶接（株式会社田中鉄工所）", "welding"),
        ("지게차 (주식회사 한빛물류)", "forklift-operation"),
        ("車縫（彰化廠）", "sewing"),
    ],
)
def test_an_unknown_gloss_does_not_sink_the_skill(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_a_bracket_of_common_words_is_kept() -> None:
    # Lower-case words may say what the work is: they are no brand ("painting (portraits)"
    # and "sewing (wounds)" stay unknown by the 2026.12.6 tests).
    assert _read("operator cetak offset (komori lithrone)") == []
    # A brand word makes the bracket a brand's whatever its case.
    assert _read("operator cetak offset (merk komori lithrone)") == ["offset-printing"]


def test_a_gloss_that_narrows_the_skill_is_read_with_it() -> None:
    assert _read("sewing (industrial machine)") == ["industrial-sewing-machine-operation"]
    assert _read("gandum (milling)") == ["grain-milling"]


@pytest.mark.parametrize("text", ["asisten rumah tangga (setrika)", "perkebunan sawit (las)"])
def test_a_gloss_is_never_read_alone(text: str) -> None:
    # Without the words before it a gloss loses what they say: household ironing is no
    # garment pressing, a plantation's welding is not what the text is about.
    assert _read(text) == []


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("operator produksi PT Astra Honda Motor", "production-work"),
        ("inspeksi kualitas PT Maju Jaya", "quality-control"),  # not penetrant testing
        ("PT Sumber Makmur: las listrik", "smaw-welding"),
        ("bubut CV Teknik Mandiri 2019-2021", "lathe-turning"),
        ("OPERATOR PRODUKSI PT ASTRA HONDA", "production-work"),
    ],
)
def test_a_company_beside_the_work_is_left_out(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("PT Inspection", ["penetrant-testing"]),  # the form and the next word make a name
        ("UT PT MT RT", []),  # short capitals list tests, as before
        ("pt test", []),
    ],
)
def test_pt_is_still_penetrant_testing_where_it_names_a_test(
    text: str, concepts: list[str]
) -> None:
    assert _read(text) == concepts


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("負責焊接", "welding"),
        ("从事缝纫", "sewing"),
        ("品管部門", "quality-control"),
        ("熟悉堆高機", "forklift-operation"),
        ("지게차 담당", "forklift-operation"),
    ],
)
def test_words_of_the_post_held_qualify(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("memahami las listrik", "smaw-welding"),
        ("must have forklift operation", "forklift-operation"),
        ("溶接できる方", "welding"),
        ("需具備堆高機", "forklift-operation"),
        ("지게차 가능자", "forklift-operation"),
        ("용접 우대", "welding"),
    ],
)
def test_the_words_a_job_order_asks_with_qualify(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("溶接など", "welding"),
        ("용접 등", "welding"),
        ("焊接等", "welding"),
        ("tenaga las", "welding"),
        ("operator forklift (aktif)", "forklift-operation"),
    ],
)
def test_an_etc_or_a_worker_word_qualifies(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_a_name_with_a_qualifier_inside_still_reads() -> None:
    # 等 is a qualifier now, and a word of the Taiwanese name of plasma cutting.
    assert _read("等離子切割") == ["plasma-cutting"]


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        # The words of a place make no name: "motor" of a company is no motorcycle work,
        # "PT" of one no penetrant testing.
        ("mechanical fitter at PT Astra Honda Motor", ["mechanical-maintenance"]),
        ("inspeksi part di PT Maju Jaya", ["machine-inspection"]),
        ("helper di PT Maju", []),  # a place does not settle a helper, as in 2026.12.7
    ],
)
def test_a_place_makes_no_name(text: str, concepts: list[str]) -> None:
    assert _read(text) == concepts


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("溶接の仕事", "welding"),
        ("지게차 작업자", "forklift-operation"),
        ("焊接師傅", "welding"),
        ("堆高機人員", "forklift-operation"),
        ("jabatan operator forklift", "forklift-operation"),
    ],
)
def test_words_of_a_post_or_a_worker_qualify(text: str, concept: str) -> None:
    assert _read(text) == [concept]
