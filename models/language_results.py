"""Validation and canonical forms of language test results (docs/format.md ``languages[]``).

Plain functions raising ``ValueError`` with a message that names what is allowed; the
pydantic models call them. Mapping results to CEFR lives in ``matcher.taxonomy.language_scale``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal, get_args

__all__ = [
    "CEFR_LEVELS",
    "LANGUAGE_TESTS",
    "TOEFL_BAND_MAX",
    "TOEIC_SECTIONS",
    "LanguageTest",
    "canonical_result",
    "check_score",
    "check_sections",
]

LanguageTest = Literal[
    "JLPT", "JFT-Basic", "NAT-TEST", "EPS-TOPIK", "TOPIK", "HSK", "TOCFL", "IELTS",
    "TOEIC", "TOEFL-iBT", "Goethe", "telc", "OSD", "CEFR",
]  # fmt: skip
LANGUAGE_TESTS: tuple[LanguageTest, ...] = get_args(LanguageTest)
"""Language tests (docs/format.md ``languages[].test``), in that order."""
CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
TOEIC_SECTIONS: tuple[str, ...] = ("listening", "reading")
TOEFL_BAND_MAX = 6.0
"""A TOEFL iBT result at or below this is a 2026 band (1.0-6.0); above it, a legacy 0-120 score."""

JLPT_LEVELS = ("N1", "N2", "N3", "N4", "N5")
NAT_LEVELS = ("1Q", "2Q", "3Q", "4Q", "5Q")
JFT_BELOW_A2 = "below A2"
JLPT_MAX_SCORE = 180

Result = str | int | float

# Words people write before a bare level number: "Level 4", "HSK 4", "TOPIK 4".
_LEVEL_PREFIX = re.compile(r"^(?:level|lv\.?|l|grade|hsk|topik|tocfl)\s*", re.IGNORECASE)
_SPACES = re.compile(r"[\s_\-]+")


def _fmt(value: object) -> str:
    return repr(value)


def _number(value: object) -> float | None:
    """Return ``value`` as a finite float, accepting numeric strings; ``None`` if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _integer(value: object) -> int | None:
    number = _number(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _int_in(test: str, value: object, low: int, high: int, *, step: int = 1, what: str) -> int:
    number = _integer(value)
    if number is None or not low <= number <= high or number % step:
        steps = f" in steps of {step}" if step > 1 else ""
        raise ValueError(
            f"{test} result must be {what}, an integer from {low} to {high}{steps}; "
            f"got {_fmt(value)}"
        )
    return number


def _level_number(test: str, value: object, high: int, note: str = "") -> int:
    text = _LEVEL_PREFIX.sub("", value.strip()) if isinstance(value, str) else value
    number = _integer(text)
    if number is None or not 1 <= number <= high:
        raise ValueError(f"{test} result must be a level from 1 to {high}{note}; got {_fmt(value)}")
    return number


def _half_steps(value: object) -> float | None:
    number = _number(value)
    if number is None or not (number * 2).is_integer():
        return None
    return number


def _choice(test: str, value: object, allowed: tuple[str, ...], key: str) -> str:
    for level in allowed:
        if key == level.upper():
            return level
    raise ValueError(f"{test} result must be one of {', '.join(allowed)}; got {_fmt(value)}")


def _key(value: object) -> str:
    """Upper-case text without spaces, underscores or hyphens; numbers become their digits."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return _SPACES.sub("", value).upper()
    integer = _integer(value)
    return "" if integer is None else str(integer)


def _jlpt(value: object) -> str:
    key = _key(value)
    if key.isdigit():
        key = "N" + key
    return _choice("JLPT", value, JLPT_LEVELS, key.removeprefix("JLPT"))


def _nat(value: object) -> str:
    key = _key(value).removeprefix("NATTEST").removeprefix("NAT")
    if key.isdigit():
        key += "Q"
    elif key.endswith("KYU"):
        key = key.removesuffix("KYU") + "Q"
    return _choice("NAT-TEST", value, NAT_LEVELS, key)


def _jft(value: object) -> str | int:
    key = _key(value)
    if key == "A2":
        return "A2"
    if key in {"BELOWA2", "<A2"}:
        return JFT_BELOW_A2
    score = _integer(value)
    if score is not None and 10 <= score <= 250:
        return score
    raise ValueError(
        f"JFT-Basic result must be 'A2', {JFT_BELOW_A2!r} or a score from 10 to 250; "
        f"got {_fmt(value)}"
    )


def _ielts(value: object) -> float:
    band = _half_steps(value)
    if band is None or not 0.0 <= band <= 9.0:
        raise ValueError(
            f"IELTS result must be a band from 0.0 to 9.0 in half bands; got {_fmt(value)}"
        )
    return band


def _toefl(value: object) -> float | int:
    number = _number(value)
    if number is not None and number <= TOEFL_BAND_MAX:
        band = _half_steps(value)
        if band is not None and band >= 1.0:
            return band
    elif number is not None and number.is_integer() and number <= 120:
        return int(number)
    raise ValueError(
        "TOEFL-iBT result must be a band from 1.0 to 6.0 in half steps (2026 scale) or a "
        f"legacy score from 7 to 120 (values up to 6 are read as bands); got {_fmt(value)}"
    )


def _cefr(test: str, value: object) -> str:
    return _choice(test, value, CEFR_LEVELS, _key(value))


def _require_test(test: str) -> None:
    if test not in LANGUAGE_TESTS:
        raise ValueError(f"language test must be one of {', '.join(LANGUAGE_TESTS)}; got {test!r}")


def canonical_result(test: str, result: Result) -> Result:
    """Validate a result on ``test``'s own scale and return its one canonical form.

    Parameters
    ----------
    test : str
        One of ``LANGUAGE_TESTS`` (exact spelling).
    result : str, int or float
        The level or score as written; case, surrounding spaces and numeric strings are
        tolerated (``" n4 "`` -> ``"N4"``, ``"170"`` -> ``170``, ``4`` -> ``"4Q"`` on NAT-TEST).

    Returns
    -------
    str, int or float
        JLPT ``"N1"``..``"N5"``; JFT-Basic ``"A2"``, ``"below A2"`` or an int score 10..250;
        NAT-TEST ``"1Q"``..``"5Q"``; EPS-TOPIK int 0..200; TOPIK int level 1..6; HSK int
        level 1..9 (7..9 exist only in HSK 3.0); TOCFL int level 1..6; IELTS float 0.0..9.0
        in half bands; TOEIC int 10..990, a multiple of 5; TOEFL-iBT a float band 1.0..6.0
        in half steps or an int legacy score 7..120 (a value up to 6 is a band, so legacy
        scores 0..6 cannot be recorded); Goethe, telc, OSD and CEFR ``"A1"``..``"C2"``.

    Raises
    ------
    ValueError
        If the test is unknown or the result is not on its scale; the message lists what
        is allowed, e.g. ``JLPT result must be one of N1, N2, N3, N4, N5; got 'N6'``.
    """
    if isinstance(result, bool) or not isinstance(result, str | int | float):
        _require_test(test)
        raise ValueError(f"{test} result must be a level or score, not {_fmt(result)}")
    if isinstance(result, float):
        # Not cached: -0.0 equals 0.0 (one cache entry) but may be written back as given.
        return _canonical.__wrapped__(test, result)
    return _canonical(test, result)


# A pool holds few distinct results (JLPT N4, TOPIK 2...), each read again for every record
# that gives it. Typed: 5 and "5" are different keys (and may read differently).
@lru_cache(maxsize=4096, typed=True)
def _canonical(test: str, result: Result) -> Result:
    _require_test(test)
    match test:
        case "JLPT":
            return _jlpt(result)
        case "JFT-Basic":
            return _jft(result)
        case "NAT-TEST":
            return _nat(result)
        case "EPS-TOPIK":
            return _int_in(test, result, 0, 200, what="a score")
        case "TOPIK":
            return _level_number(test, result, 6)
        case "HSK":
            return _level_number(test, result, 9, " (7-9 exist only in HSK 3.0)")
        case "TOCFL":
            return _level_number(test, result, 6)
        case "IELTS":
            return _ielts(result)
        case "TOEIC":
            return _int_in(test, result, 10, 990, step=5, what="a Listening & Reading total")
        case "TOEFL-iBT":
            return _toefl(result)
        case _:
            return _cefr(test, result)


def check_sections(
    test: str, total: Result, sections: Mapping[str, int] | None
) -> dict[str, int] | None:
    """Validate section scores against the total; only TOEIC has sections.

    Parameters
    ----------
    test : str
        One of ``LANGUAGE_TESTS``.
    total : str, int or float
        The test's result (canonicalised here, so a raw value is fine).
    sections : mapping of str to int or None
        TOEIC: ``{"listening": ..., "reading": ...}``, each 5..495 in steps of 5, summing to
        the total. Keys are case-insensitive.

    Returns
    -------
    dict of str to int or None
        The sections with lower-case keys in ``TOEIC_SECTIONS`` order, or ``None``.

    Raises
    ------
    ValueError
        If sections are given for another test, a key is missing or unknown, a value is
        off the scale, or the sections do not add up to the total.
    """
    _require_test(test)
    if sections is None:
        return None
    # Only TOEIC's sections change a CEFR level (ETS section minima); IELTS and TOEFL sections
    # are half bands that would be stored and never read, so they are refused, not kept.
    if test != "TOEIC":
        raise ValueError(f"sections are only recorded for TOEIC; {test} has none")
    scores: dict[str, int] = {}
    for name, value in sections.items():
        key = name.strip().lower() if isinstance(name, str) else name
        if key not in TOEIC_SECTIONS or key in scores:
            raise ValueError(
                f"TOEIC sections must be exactly {', '.join(TOEIC_SECTIONS)}; got {name!r}"
            )
        score = _integer(value)
        if score is None or not 5 <= score <= 495 or score % 5:
            raise ValueError(
                f"TOEIC {key} score must be an integer from 5 to 495 in steps of 5; "
                f"got {_fmt(value)}"
            )
        scores[key] = score
    missing = [name for name in TOEIC_SECTIONS if name not in scores]
    if missing:
        raise ValueError(f"TOEIC sections must include {', '.join(missing)}")
    canonical_total = canonical_result(test, total)
    if sum(scores.values()) != canonical_total:
        raise ValueError(
            f"TOEIC listening {scores['listening']} + reading {scores['reading']} = "
            f"{sum(scores.values())} does not equal the total {canonical_total}"
        )
    return {name: scores[name] for name in TOEIC_SECTIONS}


def check_score(test: str, score: int | None) -> int | None:
    """Validate the optional total score of a level test; only JLPT has one.

    Parameters
    ----------
    test : str
        One of ``LANGUAGE_TESTS``.
    score : int or None
        JLPT scaled total 0..180 (every level), which JLPT's official CEFR reference uses.

    Returns
    -------
    int or None
        The score, or ``None`` when not given.

    Raises
    ------
    ValueError
        If a score is given for another test or is off the 0..180 scale.
    """
    _require_test(test)
    if score is None:
        return None
    if test != "JLPT":
        raise ValueError(
            f"a separate total score is only recorded for JLPT; put the {test} score in result"
        )
    total = _integer(score)
    if total is None or not 0 <= total <= JLPT_MAX_SCORE:
        raise ValueError(
            f"JLPT total score must be an integer from 0 to {JLPT_MAX_SCORE}; got {_fmt(score)}"
        )
    return total
