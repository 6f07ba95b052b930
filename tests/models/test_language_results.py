"""Validation and canonical forms of language test results (models.language_results)."""

from __future__ import annotations

import math

import pytest

from models.language_results import (
    CEFR_LEVELS,
    LANGUAGE_TESTS,
    _canonical,
    canonical_result,
    check_score,
    check_sections,
)

VALID = [
    # (test, as written, canonical)
    ("JLPT", "N4", "N4"),
    ("JLPT", " n4 ", "N4"),
    ("JLPT", "N1", "N1"),
    ("JLPT", "JLPT N2", "N2"),
    ("JLPT", 5, "N5"),
    ("JLPT", "3", "N3"),
    ("JFT-Basic", "A2", "A2"),
    ("JFT-Basic", "a2", "A2"),
    ("JFT-Basic", "below A2", "below A2"),
    ("JFT-Basic", "Below-A2", "below A2"),
    ("JFT-Basic", "<A2", "below A2"),
    ("JFT-Basic", 220, 220),
    ("JFT-Basic", "200", 200),
    ("JFT-Basic", 10, 10),
    ("JFT-Basic", 250.0, 250),
    ("NAT-TEST", "4Q", "4Q"),
    ("NAT-TEST", "4q", "4Q"),
    ("NAT-TEST", " 1 Q ", "1Q"),
    ("NAT-TEST", 4, "4Q"),
    ("NAT-TEST", "5", "5Q"),
    ("NAT-TEST", "3 kyu", "3Q"),
    ("EPS-TOPIK", 170, 170),
    ("EPS-TOPIK", 0, 0),
    ("EPS-TOPIK", 200, 200),
    ("EPS-TOPIK", "155", 155),
    ("EPS-TOPIK", 160.0, 160),
    ("TOPIK", 1, 1),
    ("TOPIK", 6, 6),
    ("TOPIK", "Level 4", 4),
    ("TOPIK", "TOPIK 3", 3),
    ("HSK", 4, 4),
    ("HSK", "HSK 5", 5),
    ("HSK", 9, 9),
    ("TOCFL", "level 2", 2),
    ("TOCFL", 6, 6),
    ("IELTS", 6.5, 6.5),
    ("IELTS", 6, 6.0),
    ("IELTS", "7.0", 7.0),
    ("IELTS", 0, 0.0),
    ("IELTS", 9.0, 9.0),
    ("TOEIC", 600, 600),
    ("TOEIC", "785", 785),
    ("TOEIC", 10, 10),
    ("TOEIC", 990, 990),
    ("TOEFL-iBT", 4.5, 4.5),
    ("TOEFL-iBT", 4, 4.0),
    ("TOEFL-iBT", "1", 1.0),
    ("TOEFL-iBT", 6, 6.0),
    ("TOEFL-iBT", 80, 80),
    ("TOEFL-iBT", "95", 95),
    ("TOEFL-iBT", 7, 7),
    ("TOEFL-iBT", 120, 120),
    ("TOEFL-iBT", 100.0, 100),
    ("Goethe", "B1", "B1"),
    ("telc", "b2", "B2"),
    ("OSD", " a1 ", "A1"),
    ("CEFR", "C2", "C2"),
]

INVALID = [
    # (test, result, a fragment the message must contain)
    ("JLPT", "N6", "JLPT result must be one of N1, N2, N3, N4, N5; got 'N6'"),
    ("JLPT", "N0", "one of N1, N2, N3, N4, N5"),
    ("JLPT", 120, "one of N1"),
    ("JLPT", "A2", "one of N1"),
    ("JLPT", 4.5, "one of N1"),
    ("JLPT", "", "one of N1"),
    ("JFT-Basic", "A1", "'A2', 'below A2' or a score from 10 to 250"),
    ("JFT-Basic", "B1", "'A2', 'below A2'"),
    ("JFT-Basic", 5, "score from 10 to 250"),
    ("JFT-Basic", 251, "score from 10 to 250"),
    ("JFT-Basic", 200.5, "score from 10 to 250"),
    ("NAT-TEST", "6Q", "NAT-TEST result must be one of 1Q, 2Q, 3Q, 4Q, 5Q"),
    ("NAT-TEST", 0, "one of 1Q"),
    ("NAT-TEST", "N4", "one of 1Q"),
    ("EPS-TOPIK", 201, "EPS-TOPIK result must be a score, an integer from 0 to 200"),
    ("EPS-TOPIK", -1, "from 0 to 200"),
    ("EPS-TOPIK", 150.5, "from 0 to 200"),
    ("EPS-TOPIK", "pass", "from 0 to 200"),
    ("TOPIK", 0, "TOPIK result must be a level from 1 to 6"),
    ("TOPIK", 7, "from 1 to 6"),
    ("TOPIK", "II", "from 1 to 6"),
    ("HSK", 10, "HSK result must be a level from 1 to 9 (7-9 exist only in HSK 3.0)"),
    ("HSK", 0, "from 1 to 9"),
    ("TOCFL", 7, "TOCFL result must be a level from 1 to 6"),
    ("IELTS", 6.3, "IELTS result must be a band from 0.0 to 9.0 in half bands"),
    ("IELTS", 9.5, "half bands"),
    ("IELTS", -0.5, "half bands"),
    ("IELTS", "six", "half bands"),
    ("TOEIC", 603, "TOEIC result must be a Listening & Reading total"),
    ("TOEIC", 5, "from 10 to 990 in steps of 5"),
    ("TOEIC", 995, "from 10 to 990"),
    ("TOEFL-iBT", 6.5, "band from 1.0 to 6.0 in half steps"),
    ("TOEFL-iBT", 0, "values up to 6 are read as bands"),
    ("TOEFL-iBT", 0.5, "band from 1.0 to 6.0"),
    ("TOEFL-iBT", 4.2, "band from 1.0 to 6.0"),
    ("TOEFL-iBT", 121, "legacy score from 7 to 120"),
    ("TOEFL-iBT", 80.5, "legacy score"),
    ("Goethe", "B3", "Goethe result must be one of A1, A2, B1, B2, C1, C2"),
    ("telc", "B1+", "telc result must be one of A1"),
    ("OSD", 3, "OSD result must be one of A1"),
    ("CEFR", "D1", "CEFR result must be one of A1"),
]


@pytest.mark.parametrize(("test", "written", "canonical"), VALID)
def test_canonical_result_accepts_spellings(
    test: str, written: str | int | float, canonical: str | int | float
) -> None:
    result = canonical_result(test, written)
    assert result == canonical
    assert type(result) is type(canonical)


@pytest.mark.parametrize(("test", "written", "canonical"), VALID)
def test_canonical_result_is_idempotent(
    test: str, written: str | int | float, canonical: str | int | float
) -> None:
    del written
    again = canonical_result(test, canonical)
    assert again == canonical
    assert type(again) is type(canonical)


@pytest.mark.parametrize(("test", "written", "canonical"), VALID)
def test_a_result_read_again_from_the_cache_is_the_first_reading(
    test: str, written: str | int | float, canonical: str | int | float
) -> None:
    # canonical_result memoizes str and int results (models.language_results._canonical):
    # a repeat must give what the first reading gave, as an uncached reading gives it.
    first, again = canonical_result(test, written), canonical_result(test, written)
    uncached = _canonical.__wrapped__(test, written)
    for result in (first, again):
        assert result == uncached == canonical
        assert type(result) is type(uncached)


@pytest.mark.parametrize("test", ["IELTS", "TOEFL-iBT", "NAT-TEST", "TOPIK"])
def test_results_equal_in_python_but_written_differently_are_read_separately(test: str) -> None:
    # 5, 5.0, "5" and True are equal or alike as keys; the cache must not mix them up.
    for value in (5, 5.0, "5", -0.0, 0.0, 0, "0"):
        try:
            expected: object = _canonical.__wrapped__(test, value)
        except ValueError as error:
            expected = str(error)
        try:
            found: object = canonical_result(test, value)
        except ValueError as error:
            found = str(error)
        assert found == expected, value
        assert type(found) is type(expected), value
        if isinstance(expected, float):
            assert math.copysign(1, expected) == math.copysign(1, found), value  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be a level or score, not True"):
        canonical_result(test, True)


@pytest.mark.parametrize(("test", "result", "message"), INVALID)
def test_canonical_result_rejects_with_message(
    test: str, result: str | int | float, message: str
) -> None:
    with pytest.raises(ValueError, match=r"got|must") as raised:
        canonical_result(test, result)
    assert message in str(raised.value)


def test_every_test_has_valid_and_invalid_cases() -> None:
    assert {case[0] for case in VALID} == set(LANGUAGE_TESTS)
    assert {case[0] for case in INVALID} == set(LANGUAGE_TESTS)


@pytest.mark.parametrize("test", ["Goethe", "telc", "OSD", "CEFR"])
@pytest.mark.parametrize("level", CEFR_LEVELS)
def test_cefr_named_tests_take_every_cefr_level(test: str, level: str) -> None:
    assert canonical_result(test, level.lower()) == level


@pytest.mark.parametrize("test", ["HSK", "TOPIK", "TOCFL"])
def test_level_tests_take_every_level(test: str) -> None:
    top = 9 if test == "HSK" else 6
    assert [canonical_result(test, level) for level in range(1, top + 1)] == list(range(1, top + 1))


def test_toefl_values_up_to_six_are_bands_and_above_are_legacy() -> None:
    assert isinstance(canonical_result("TOEFL-iBT", 6), float)
    assert isinstance(canonical_result("TOEFL-iBT", 7), int)
    assert canonical_result("TOEFL-iBT", 5.5) == 5.5


def test_ielts_every_half_band() -> None:
    bands = [step / 2 for step in range(19)]
    assert [canonical_result("IELTS", band) for band in bands] == bands


def test_unknown_test_names_the_allowed_tests() -> None:
    with pytest.raises(ValueError, match="language test must be one of JLPT, JFT-Basic"):
        canonical_result("JLPT-N4", "N4")
    with pytest.raises(ValueError, match="got 'jlpt'"):
        canonical_result("jlpt", "N4")


@pytest.mark.parametrize("result", [True, False, None, ["N4"], float("nan"), float("inf")])
def test_non_results_are_rejected(result: object) -> None:
    with pytest.raises(ValueError, match="EPS-TOPIK result"):
        canonical_result("EPS-TOPIK", result)  # type: ignore[arg-type]


# --- sections -------------------------------------------------------------------------


def test_toeic_sections_matching_total() -> None:
    sections = {"listening": 310, "reading": 290}
    assert check_sections("TOEIC", 600, sections) == sections


def test_toeic_sections_keys_are_normalised_and_ordered() -> None:
    assert check_sections("TOEIC", "600", {" Reading ": 290, "LISTENING": 310}) == {
        "listening": 310,
        "reading": 290,
    }


def test_no_sections_is_none() -> None:
    assert check_sections("TOEIC", 600, None) is None
    assert check_sections("JLPT", "N4", None) is None


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"listening": 310, "reading": 280}, "= 590 does not equal the total 600"),
        ({"listening": 310}, "must include reading"),
        ({"listening": 310, "reading": 290, "speaking": 0}, "exactly listening, reading"),
        ({"listening": 312, "reading": 288}, "listening score must be an integer from 5 to 495"),
        ({"listening": 500, "reading": 100}, "from 5 to 495"),
        ({"listening": 600, "reading": 0}, "from 5 to 495"),
        ({"listening": True, "reading": 599}, "listening score"),
        ({"listening": 310, "Listening": 290}, "exactly listening, reading"),
    ],
)
def test_toeic_bad_sections(sections: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match="TOEIC") as raised:
        check_sections("TOEIC", 600, sections)
    assert message in str(raised.value)


@pytest.mark.parametrize("test", [t for t in LANGUAGE_TESTS if t != "TOEIC"])
def test_sections_for_other_tests_are_refused(test: str) -> None:
    with pytest.raises(ValueError, match=f"sections are only recorded for TOEIC; {test} has none"):
        check_sections(test, 6, {"listening": 6})


def test_sections_check_validates_the_total() -> None:
    with pytest.raises(ValueError, match="TOEIC result"):
        check_sections("TOEIC", 601, {"listening": 300, "reading": 300})


# --- JLPT total score -----------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 80, 142, 180])
def test_jlpt_score_in_range(score: int) -> None:
    assert check_score("JLPT", score) == score


@pytest.mark.parametrize("score", [-1, 181, 1000])
def test_jlpt_score_out_of_range(score: int) -> None:
    with pytest.raises(ValueError, match="JLPT total score must be an integer from 0 to 180"):
        check_score("JLPT", score)


def test_jlpt_score_rejects_bool() -> None:
    with pytest.raises(ValueError, match="JLPT total score"):
        check_score("JLPT", True)


@pytest.mark.parametrize("test", LANGUAGE_TESTS)
def test_no_score_is_none(test: str) -> None:
    assert check_score(test, None) is None


@pytest.mark.parametrize("test", [t for t in LANGUAGE_TESTS if t != "JLPT"])
def test_score_for_other_tests_is_refused(test: str) -> None:
    with pytest.raises(ValueError, match=f"only recorded for JLPT; put the {test} score in result"):
        check_score(test, 100)
