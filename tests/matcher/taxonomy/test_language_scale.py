"""CEFR mapping, own-scale ranks and validity of language results (taxonomy.language_scale)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.taxonomy.language_scale import (
    MAPPING_STATUSES,
    LanguageLevel,
    cefr_rank,
    language_of,
    meets_minimum,
    native_rank,
    normalize_language,
    valid_on,
    validity_months,
)
from models.language_results import CEFR_LEVELS, LANGUAGE_TESTS

TOEIC_SOURCE = "https://www.scribd.com/document/515536362/TOEIC-Listening-and-Reading-Test-CEFR-Correlation-Table"
JLPT_SOURCE = "https://www.jlpt.jp/e/cefrlevel/cefrnews.html"


def _data() -> dict[str, Any]:
    text = resources.files("matcher").joinpath("data", "language_scale.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# --- the data file --------------------------------------------------------------------


def test_data_describes_every_test() -> None:
    assert list(_data()["tests"]) == list(LANGUAGE_TESTS)


@pytest.mark.parametrize("test", LANGUAGE_TESTS)
def test_data_rules_carry_provenance(test: str) -> None:
    entry = _data()["tests"][test]
    assert entry["validity"]["status"] in MAPPING_STATUSES
    for rule in entry["cefr"]:
        assert rule["status"] in MAPPING_STATUSES
        assert rule["note"]
        if rule["status"] in ("official", "secondary"):
            assert rule["source"].startswith("http")
    for disagreement in entry["disagreements"]:
        assert disagreement["source"].startswith("http")
        assert disagreement["decision"]
    if not entry["maps_to_cefr"]:
        assert entry["cefr"] == []
        assert entry["no_cefr_reason"]


def test_data_never_maps_eps_topik_nat_test_or_hsk_3_0() -> None:
    tests = _data()["tests"]
    assert tests["EPS-TOPIK"]["maps_to_cefr"] is False
    assert tests["NAT-TEST"]["maps_to_cefr"] is False
    assert tests["HSK"]["no_cefr_results"] == [7, 8, 9]


@pytest.mark.parametrize(
    ("test", "disagreeing_source"),
    [
        ("JLPT", "http://japanesepoint.cz/en/japanese/jlpt-exam"),
        ("TOPIK", "https://coolmango.org/exam.htm?id=114"),
        ("HSK", "https://merrymandarin-blog.pages.dev/hsk-to-cefr-mapping/"),
        ("IELTS", "https://ielts.wiki/docs/ielts/ielts-band-descriptions/ielts-bands-to-cefr/"),
        ("TOEFL-iBT", "https://prepdrills.com/toefl-2026-score-converter/"),
    ],
)
def test_data_records_disagreements(test: str, disagreeing_source: str) -> None:
    sources = [d["source"] for d in _data()["tests"][test]["disagreements"]]
    assert disagreeing_source in sources


# --- normalize_language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "result", "cefr"),
    [
        ("JLPT", "N5", "A1"),
        ("JLPT", "N4", "A2"),
        ("JLPT", "N3", "A2"),
        ("JLPT", "N2", "B1"),
        ("JLPT", "n1", "B2"),
        ("JFT-Basic", "A2", "A2"),
        ("JFT-Basic", "below A2", None),
        ("JFT-Basic", 200, "A2"),
        ("JFT-Basic", 250, "A2"),
        ("JFT-Basic", 199, None),
        ("NAT-TEST", "1Q", None),
        ("EPS-TOPIK", 200, None),
        ("TOPIK", 1, "A1"),
        ("TOPIK", 3, "B1"),
        ("TOPIK", 6, "C2"),
        ("HSK", 1, None),
        ("HSK", 2, None),
        ("HSK", 3, "A1"),
        ("HSK", 4, "A2"),
        ("HSK", 5, "B1"),
        ("HSK", 6, "B2"),
        ("HSK", 7, None),
        ("HSK", 9, None),
        ("TOCFL", 1, "A1"),
        ("TOCFL", 4, "B2"),
        ("TOCFL", 6, "C2"),
        ("IELTS", 3.5, None),
        ("IELTS", 4.0, "B1"),
        ("IELTS", 5.0, "B1"),
        ("IELTS", 5.5, "B2"),
        ("IELTS", 6.5, "B2"),
        ("IELTS", 7, "C1"),
        ("IELTS", 8.0, "C1"),
        ("IELTS", 8.5, "C2"),
        ("TOEIC", 115, None),
        ("TOEIC", 120, "A1"),
        ("TOEIC", 225, "A2"),
        ("TOEIC", 545, "A2"),
        ("TOEIC", 550, "B1"),
        ("TOEIC", 785, "B2"),
        ("TOEIC", 945, "C1"),
        ("TOEIC", 990, "C1"),
        ("TOEFL-iBT", 1.0, "A1"),
        ("TOEFL-iBT", 2.5, "A2"),
        ("TOEFL-iBT", 3.0, "B1"),
        ("TOEFL-iBT", 4.5, "B2"),
        ("TOEFL-iBT", 5.0, "C1"),
        ("TOEFL-iBT", 5.5, "C1"),
        ("TOEFL-iBT", 6, "C2"),
        ("TOEFL-iBT", 23, "A1"),
        ("TOEFL-iBT", 24, "A2"),
        ("TOEFL-iBT", 71, "B1"),
        ("TOEFL-iBT", 72, "B2"),
        ("TOEFL-iBT", 95, "C1"),
        ("TOEFL-iBT", 113, "C1"),
        ("TOEFL-iBT", 114, "C2"),
        ("Goethe", "B1", "B1"),
        ("telc", "a2", "A2"),
        ("OSD", "C1", "C1"),
        ("CEFR", "B2", "B2"),
    ],
)
def test_cefr_level(test: str, result: str | int | float, cefr: str | None) -> None:
    assert normalize_language(test, result).cefr == cefr


def test_result_is_canonical_and_language_attached() -> None:
    level = normalize_language("JLPT", " n4 ")
    assert level == LanguageLevel("JLPT", "N4", "ja", "A2", JLPT_SOURCE, "official")
    with pytest.raises(dataclasses.FrozenInstanceError):
        level.cefr = "B1"  # type: ignore[misc]


def test_invalid_result_raises() -> None:
    with pytest.raises(ValueError, match="JLPT result must be one of N1, N2, N3, N4, N5; got 'N6'"):
        normalize_language("JLPT", "N6")


def test_toeic_section_minima() -> None:
    by_total = normalize_language("TOEIC", 600, sections={"listening": 310, "reading": 290})
    assert (by_total.cefr, by_total.source, by_total.status) == ("B1", TOEIC_SOURCE, "official")
    # Reading 250 is below B1's reading minimum 275, so the total's B1 does not hold.
    weak_reading = normalize_language("TOEIC", 560, sections={"listening": 310, "reading": 250})
    assert weak_reading.cefr == "A2"
    assert normalize_language("TOEIC", 560).cefr == "B1"


@pytest.mark.parametrize(
    ("total", "listening", "reading", "cefr"),
    [
        (120, 60, 60, "A1"),
        (120, 55, 65, None),
        (225, 110, 115, "A2"),
        (225, 115, 110, "A1"),
        (785, 400, 385, "B2"),
        (785, 395, 390, "B1"),
        (945, 490, 455, "C1"),
        (945, 495, 450, "B2"),
        (990, 495, 495, "C1"),
    ],
)
def test_toeic_level_needs_total_and_both_sections(
    total: int, listening: int, reading: int, cefr: str | None
) -> None:
    sections = {"listening": listening, "reading": reading}
    assert normalize_language("TOEIC", total, sections=sections).cefr == cefr


def test_toeic_bad_sections_raise() -> None:
    with pytest.raises(ValueError, match="does not equal the total 600"):
        normalize_language("TOEIC", 600, sections={"listening": 300, "reading": 290})


@pytest.mark.parametrize(
    ("result", "score", "cefr"),
    [
        ("N5", 80, "A1"),
        ("N5", 79, None),
        ("N4", 90, "A2"),
        ("N4", 180, "A2"),
        ("N4", 89, None),
        ("N3", 95, "A2"),
        ("N3", 103, "A2"),
        ("N3", 104, "B1"),
        ("N3", 94, None),
        ("N2", 90, "B1"),
        ("N2", 111, "B1"),
        ("N2", 112, "B2"),
        ("N1", 100, "B2"),
        ("N1", 141, "B2"),
        ("N1", 142, "C1"),
        ("N1", 180, "C1"),
        ("N1", 99, None),
    ],
)
def test_jlpt_with_total_score(result: str, score: int, cefr: str | None) -> None:
    level = normalize_language("JLPT", result, score=score)
    assert level.cefr == cefr
    assert level.source == JLPT_SOURCE


def test_jlpt_n1_c1_cut_off_is_reported_unverified() -> None:
    assert normalize_language("JLPT", "N1", score=150).status == "unverified"
    assert normalize_language("JLPT", "N1", score=120).status == "official"


@pytest.mark.parametrize(("result", "cefr"), [("N5", "A1"), ("N4", "A2"), ("N3", "A2")])
def test_jlpt_without_score_is_what_a_pass_guarantees(result: str, cefr: str) -> None:
    assert normalize_language("JLPT", result).cefr == cefr
    # Every score that passes the level maps at least that high.
    for score in range(181):
        scored = normalize_language("JLPT", result, score=score).cefr
        assert scored is None or cefr_rank(scored) >= cefr_rank(cefr)


def test_score_for_non_jlpt_raises() -> None:
    with pytest.raises(ValueError, match="only recorded for JLPT"):
        normalize_language("EPS-TOPIK", 170, score=170)


def test_eps_topik_never_maps_to_cefr() -> None:
    for score in (0, 80, 170, 200):
        level = normalize_language("EPS-TOPIK", score)
        assert (level.cefr, level.source, level.status) == (None, None, None)
        assert level.language == "ko"


def test_no_mapping_versus_mapped_to_nothing() -> None:
    # HSK 2 is decided by a rule (below A1); HSK 7 is never mapped at all.
    assert normalize_language("HSK", 2).source is not None
    assert normalize_language("HSK", 7).source is None
    assert normalize_language("NAT-TEST", "4Q").source is None


def test_jft_score_mapping_is_unverified() -> None:
    assert normalize_language("JFT-Basic", 210).status == "unverified"
    assert normalize_language("JFT-Basic", "A2").status == "official"


def test_topik_uses_the_conservative_mapping() -> None:
    level = normalize_language("TOPIK", 2)
    assert level.cefr == "A2"
    assert level.status == "unverified"


# --- ranks and same-test minima -------------------------------------------------------


def test_cefr_rank() -> None:
    assert [cefr_rank(level) for level in CEFR_LEVELS] == [1, 2, 3, 4, 5, 6]
    assert cefr_rank("b1") == 3
    with pytest.raises(ValueError, match="one of A1, A2, B1, B2, C1, C2"):
        cefr_rank("B3")


@pytest.mark.parametrize(
    ("test", "ordered"),
    [
        ("JLPT", ["N5", "N4", "N3", "N2", "N1"]),
        ("NAT-TEST", ["5Q", "4Q", "3Q", "2Q", "1Q"]),
        ("JFT-Basic", ["below A2", 150, 199, "A2", 210, 250]),
        ("TOPIK", [1, 2, 3, 4, 5, 6]),
        ("HSK", [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        ("TOCFL", [1, 2, 3, 4, 5, 6]),
        ("IELTS", [0.0, 4.0, 6.5, 9.0]),
        ("TOEIC", [10, 550, 990]),
        ("EPS-TOPIK", [0, 80, 200]),
        ("TOEFL-iBT", [1.0, 23, 24, 43, 2.5, 44, 3.5, 4.0, 94, 4.5, 95, 106, 5.5, 113, 6.0, 120]),
        ("Goethe", list(CEFR_LEVELS)),
        ("CEFR", list(CEFR_LEVELS)),
    ],
)
def test_native_rank_orders_results(test: str, ordered: list[str | int | float]) -> None:
    ranks = [native_rank(test, result) for result in ordered]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


def test_native_rank_values() -> None:
    assert native_rank("JLPT", "N5") == 1
    assert native_rank("JLPT", "n1") == 5
    assert native_rank("JFT-Basic", "below A2") == 0
    assert native_rank("JFT-Basic", "A2") == 200
    assert native_rank("EPS-TOPIK", 170) == 170
    assert native_rank("TOEFL-iBT", 4.5) == 4.5
    assert 5.0 <= native_rank("TOEFL-iBT", 106) < 5.5
    with pytest.raises(ValueError, match="HSK result"):
        native_rank("HSK", 10)


@pytest.mark.parametrize(
    ("test", "result", "minimum", "meets"),
    [
        ("JLPT", "N3", "N4", True),
        ("JLPT", "N4", "N4", True),
        ("JLPT", "N5", "N4", False),
        ("JLPT", "n4", " N4 ", True),
        ("NAT-TEST", "3Q", "4Q", True),
        ("NAT-TEST", "5Q", "4Q", False),
        ("JFT-Basic", "A2", "A2", True),
        ("JFT-Basic", "below A2", "A2", False),
        ("JFT-Basic", 220, "A2", True),
        ("JFT-Basic", 190, "A2", False),
        ("JFT-Basic", "A2", 220, False),
        ("EPS-TOPIK", 170, 150, True),
        ("EPS-TOPIK", 149, 150, False),
        ("TOPIK", 3, 2, True),
        ("HSK", 4, 5, False),
        ("IELTS", 6.5, 6.0, True),
        ("IELTS", 5.5, 6, False),
        ("TOEIC", 600, 550, True),
        ("TOEIC", 545, 550, False),
        ("TOEFL-iBT", 4.5, 4.0, True),
        ("TOEFL-iBT", 4.0, 4.5, False),
        ("TOEFL-iBT", 80, 79, True),
        ("TOEFL-iBT", 100, 5.0, True),
        ("TOEFL-iBT", 100, 5.5, False),
        ("TOEFL-iBT", 94, 4.5, False),
        ("TOEFL-iBT", 5.0, 95, True),
        ("TOEFL-iBT", 5.0, 96, False),
        ("TOEFL-iBT", 4.5, 80, False),
        ("Goethe", "B2", "B1", True),
        ("telc", "A2", "B1", False),
        ("CEFR", "C1", "C1", True),
    ],
)
def test_meets_minimum_on_the_same_test(
    test: str, result: str | int | float, minimum: str | int | float, meets: bool
) -> None:
    assert meets_minimum(test, result, minimum) is meets


def test_meets_minimum_validates_both_values() -> None:
    with pytest.raises(ValueError, match="JLPT result"):
        meets_minimum("JLPT", "N4", "N6")
    with pytest.raises(ValueError, match="JLPT result"):
        meets_minimum("JLPT", "A2", "N4")


SCORE_TESTS = {
    "EPS-TOPIK": st.integers(0, 200),
    "TOEIC": st.integers(2, 198).map(lambda n: n * 5),
    "JFT-Basic": st.integers(10, 250),
    "IELTS": st.integers(0, 18).map(lambda n: n / 2),
    "TOEFL-iBT": st.one_of(st.integers(2, 12).map(lambda n: n / 2), st.integers(7, 120)),
}


@given(
    st.sampled_from(sorted(SCORE_TESTS)).flatmap(
        lambda t: st.tuples(st.just(t), SCORE_TESTS[t], SCORE_TESTS[t])
    )
)
def test_native_rank_monotone_in_score(case: tuple[str, float, float]) -> None:
    test, a, b = case
    if test == "TOEFL-iBT" and isinstance(a, float) is not isinstance(b, float):
        band, legacy = (a, b) if isinstance(a, float) else (b, a)
        # Across TOEFL's two scales a band meets a legacy minimum only on the lowest score
        # of its comparable range: never more generous than the rank order.
        if meets_minimum(test, band, legacy):
            assert native_rank(test, band) >= native_rank(test, legacy)
        return
    assert (native_rank(test, a) <= native_rank(test, b)) is (a <= b)
    assert meets_minimum(test, a, b) is (a >= b)


@given(st.integers(7, 120), st.integers(7, 120))
def test_toefl_legacy_rank_follows_score(a: int, b: int) -> None:
    assert (native_rank("TOEFL-iBT", a) < native_rank("TOEFL-iBT", b)) is (a < b)


@given(st.integers(10, 250))
def test_jft_score_meets_a2_exactly_from_the_pass_score(score: int) -> None:
    assert meets_minimum("JFT-Basic", score, "A2") is (score >= 200)


# --- validity and language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "months"),
    [
        ("EPS-TOPIK", 24),
        ("IELTS", 24),
        ("TOEIC", 24),
        ("TOEFL-iBT", 24),
        ("JLPT", None),
        ("JFT-Basic", None),
        ("NAT-TEST", None),
        ("TOPIK", None),
        ("HSK", None),
        ("Goethe", None),
        ("CEFR", None),
    ],
)
def test_validity_months(test: str, months: int | None) -> None:
    assert validity_months(test) == months


def test_eps_topik_expires_after_two_years() -> None:
    issued = dt.date(2024, 1, 10)
    assert not valid_on("EPS-TOPIK", issued, dt.date(2026, 3, 1))
    assert valid_on("EPS-TOPIK", issued, dt.date(2026, 1, 10))
    assert not valid_on("EPS-TOPIK", issued, dt.date(2026, 1, 11))
    assert valid_on("EPS-TOPIK", issued, issued)


def test_validity_from_a_month_end() -> None:
    assert valid_on("EPS-TOPIK", dt.date(2024, 2, 29), dt.date(2026, 2, 28))
    assert not valid_on("EPS-TOPIK", dt.date(2024, 2, 29), dt.date(2026, 3, 1))


def test_results_without_expiry_and_before_issue() -> None:
    assert valid_on("JLPT", dt.date(2010, 7, 4), dt.date(2026, 3, 1))
    assert not valid_on("JLPT", dt.date(2026, 7, 4), dt.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("test", "language"),
    [
        ("JLPT", "ja"),
        ("JFT-Basic", "ja"),
        ("NAT-TEST", "ja"),
        ("EPS-TOPIK", "ko"),
        ("TOPIK", "ko"),
        ("HSK", "zh"),
        ("TOCFL", "zh"),
        ("IELTS", "en"),
        ("TOEIC", "en"),
        ("TOEFL-iBT", "en"),
        ("Goethe", "de"),
        ("telc", "de"),
        ("OSD", "de"),
        ("CEFR", None),
    ],
)
def test_language_of(test: str, language: str | None) -> None:
    assert language_of(test) == language


def test_unknown_test_raises() -> None:
    with pytest.raises(ValueError, match="language test must be one of"):
        language_of("DELE")
    with pytest.raises(ValueError, match="language test must be one of"):
        validity_months("DELE")
