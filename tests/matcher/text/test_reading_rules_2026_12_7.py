"""Taxonomy 2026.12.7 reading rules: words of duration and proficiency qualify, so does a
place after "di" or "in" (but not beside domestic work), a number left over is neutral, a
whole name keeps its "and" with years or an ability word around it, a name that lost the
cover still narrows the head, names with more skill words win the cover over names
with role words or qualifiers, and what a named skill was done to counts as a known word.

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
        # "3" and "2" are words of some names (EPS rounds, 2차전지), yet left over they
        # are years, not a narrower skill the text fails to name.
        ("quality control 3 years", "quality-control"),
        ("merakit 2 tahun", "assembly"),
        ("operator forklift 3 tahun", "forklift-operation"),
    ],
)
def test_a_number_left_over_is_years_not_a_skill(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("las listrik selama 2 tahun", "smaw-welding"),
        ("bubut sejak 2019", "lathe-turning"),
        ("operator forklift kurang lebih 3 tahun", "forklift-operation"),
        ("proficient in TIG welding", "gtaw-welding"),
        ("forklift operation since 2019", "forklift-operation"),
        ("旋盤の経験", "lathe-turning"),
        ("지게차 경험", "forklift-operation"),
        ("焊接經驗3年", "welding"),
        ("有焊接經驗", "welding"),
    ],
)
def test_duration_and_proficiency_words_qualify(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("food and beverage processing 3 years", "food-processing"),
        ("experienced food and beverage processing", "food-processing"),
        ("picking and packing 2 tahun", "order-picking"),
    ],
)
def test_a_whole_name_with_years_or_ability_is_not_split(text: str, concept: str) -> None:
    whole = text.replace(" 3 years", "").replace("experienced ", "").replace(" 2 tahun", "")
    assert _read(text) == _read(whole)
    assert concept in _read(text)


def test_a_name_within_one_part_does_not_join_the_parts() -> None:
    # "iso" is a qualifier and "9001" a number: left out, the rest is one name, yet it is
    # the second of two skills listed.
    assert _read("iso 9001, teknisi listrik industri") == [
        "quality-management-system",
        "industrial-electrical-work",
    ]


def test_a_coordination_with_qualifiers_inside_is_still_split() -> None:
    # Only qualifiers before and after the name are left out: "steel" and "metal" inside
    # say what is worked, so this stays split as before.
    assert _read("picking and packing") == _read("picking and packing 5 years")
    assert _read("welding and painting 2 tahun") == ["welding", "painting"]


@pytest.mark.parametrize(
    "text", ["operator mesin gerinda permukaan", "operator mesin canai permukaan"]
)
def test_a_name_that_lost_the_cover_still_narrows(text: str) -> None:
    # "operator mesin gerinda" (grinding) takes "gerinda" from "gerinda permukaan".
    assert _read(text) == ["surface-grinding"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("metal extrusion operator", "metal-extrusion"),
        ("laser engraving operator", "laser-marking"),
        ("pcb etching operator", "pcb-manufacturing"),
        ("tube drawing in factory", "metal-drawing"),
        ("technical drawing in factory", "technical-drawing-reading"),
        ("band saw operator", "metal-sawing"),
    ],
)
def test_skill_words_beat_role_words_and_qualifiers(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [("operator ekstrusi", "plastic-extrusion"), ("operator laser", "laser-cutting")],
)
def test_a_role_name_alone_still_reads(text: str, concept: str) -> None:
    assert _read(text) == [concept]


def test_drawing_in_needs_its_warp() -> None:
    # The weaving step "drawing-in" is named with its warp: "drawing in AutoCAD" is CAD.
    assert _read("drawing in AutoCAD") == ["cad-drafting"]
    assert _read("warp drawing-in") == ["warp-preparation"]
    assert _read("drawing-in") == []


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("las listrik di Jepang 3 tahun", "smaw-welding"),
        ("operator forklift di Korea Selatan", "forklift-operation"),
        ("TIG welding in Taiwan", "gtaw-welding"),
        ("bubut di PT Maju Jaya", "lathe-turning"),
        ("operator produksi di PT Astra Honda Motor", "production-work"),
    ],
)
def test_a_place_after_a_marker_says_where(text: str, concept: str) -> None:
    assert _read(text) == [concept]


@pytest.mark.parametrize(
    "text",
    [
        # Without a marker the place is no phrase of where the work was done.
        "helper Hong Kong",
        # A helper or an ironer abroad is most often a domestic worker: the place keeps
        # the reading from standing.
        "helper di Hong Kong",
        "setrika di Taiwan",
        "helper di PT Maju",
    ],
)
def test_a_place_does_not_settle_domestic_work(text: str) -> None:
    assert _read(text) == []


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("flux cored welding on bridge girders", "fcaw-welding"),
        ("ultrasonic welding of lamp housings", "plastic-welding"),
        ("CNC milling of aluminium brackets", "cnc-milling"),
    ],
)
def test_what_a_named_skill_was_done_to_is_no_other_skill(text: str, concept: str) -> None:
    # After a name of two skill words, the words a sentence runs on with count as known
    # words do, not as words that may change what the text is about.
    assert _read(text) == [concept]


@pytest.mark.parametrize("text", ["drilling of water wells", "painting at church"])
def test_after_a_one_word_name_the_rest_still_counts(text: str) -> None:
    assert _read(text) == []


def test_inspect_reads_as_inspection() -> None:
    assert _read("inspect machinery") == ["machine-inspection"]
    assert _read("inspect incoming materials") == ["incoming-inspection"]


def test_a_prefix_leaves_a_root_of_three_letters_or_more() -> None:
    # "pengeatan" (a typo of "pengecatan") stripped of "penge-an" left "at", an English
    # qualifier, so the typo read as a neutral word beside "otomotif".
    assert _read("pengeatan otomotif") != ["automotive-mechanic"]
    assert _read("dicat") == ["painting"]
