"""Taxonomy 2026.12.8 reading rule: a text that reads as nothing whole is read without its
brackets when they only say who, where or when (a company, a brand, a plant, years), never
as a bracket alone.

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
