"""Language test results on their own scale, their CEFR level with provenance, and validity.

The mapping data is ``matcher/data/language_scale.json`` (explained in docs/languages.md).
Results of different tests are never compared here: a job order's ``any_of`` gate is decided
on the named test itself (docs/format.md); CEFR levels serve ranking and ``min_cefr`` gates.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from matcher.dates import add_months
from models.language_results import (
    CEFR_LEVELS,
    LANGUAGE_TESTS,
    canonical_result,
    check_score,
    check_sections,
)

__all__ = [
    "MAPPING_STATUSES",
    "LanguageLevel",
    "cefr_rank",
    "language_of",
    "meets_minimum",
    "native_rank",
    "normalize_language",
    "result_valid",
    "valid_on",
    "validity_months",
]

MAPPING_STATUSES = ("official", "secondary", "unverified")
_DATA_FILE = "language_scale.json"
_TOEFL_LEGACY_MAX = 120

Result = str | int | float


@dataclass(frozen=True)
class LanguageLevel:
    """A validated result on its test's own scale and the CEFR level it maps to.

    ``cefr`` is ``None`` when the test never maps (EPS-TOPIK, NAT-TEST, HSK 7-9) or the
    result maps to no level (JFT-Basic "below A2", HSK 1-2, a JLPT score below the pass
    mark). ``source`` and ``status`` name the mapping rule that decided, ``None`` if none did.
    """

    test: str
    result: Result
    language: str | None
    cefr: str | None
    source: str | None
    status: str | None


@dataclass(frozen=True)
class _Minimum:
    threshold: float
    cefr: str
    sections: Mapping[str, int]
    status: str | None


@dataclass(frozen=True)
class _Rule:
    kind: str
    source: str | None
    status: str
    levels: Mapping[str, str | None]
    result_type: str | None
    minima: tuple[_Minimum, ...]
    by_level: Mapping[str, tuple[_Minimum, ...]]


@dataclass(frozen=True)
class _Scale:
    language: str | None
    maps_to_cefr: bool
    no_cefr_results: frozenset[str]
    rules: tuple[_Rule, ...]
    native_kind: str
    order: tuple[str, ...]
    labels: Mapping[str, float]
    legacy_concordance: tuple[tuple[int, float], ...]
    validity_months: int | None


def _minima(raw: list[Any], where: str) -> tuple[_Minimum, ...]:
    minima = tuple(
        _Minimum(
            threshold=float(item["min"]),
            cefr=str(item["cefr"]),
            sections={str(k): int(v) for k, v in item.get("sections", {}).items()},
            status=item.get("status"),
        )
        for item in raw
    )
    # The "highest level reached" rule relies on minima rising with the level.
    thresholds = [m.threshold for m in minima]
    ranks = [CEFR_LEVELS.index(m.cefr) for m in minima]
    if thresholds != sorted(thresholds) or ranks != sorted(ranks):
        raise ValueError(f"{_DATA_FILE}: minima of {where} must rise with the CEFR level")
    return minima


def _rule(raw: Mapping[str, Any], test: str) -> _Rule:
    levels = {str(k): (None if v is None else str(v)) for k, v in raw.get("levels", {}).items()}
    rule = _Rule(
        kind=str(raw["kind"]),
        source=None if raw["source"] is None else str(raw["source"]),
        status=str(raw["status"]),
        levels=levels,
        result_type=raw.get("result_type"),
        minima=_minima(raw.get("minima", []), test),
        by_level={str(k): _minima(v, f"{test} {k}") for k, v in raw.get("by_level", {}).items()},
    )
    if rule.kind not in ("level", "score_minima", "level_and_score"):
        raise ValueError(f"{_DATA_FILE}: unknown rule kind {rule.kind!r} for {test}")
    if rule.status not in MAPPING_STATUSES:
        raise ValueError(f"{_DATA_FILE}: unknown status {rule.status!r} for {test}")
    if any(level not in (None, *CEFR_LEVELS) for level in levels.values()):
        raise ValueError(f"{_DATA_FILE}: {test} maps to something that is not a CEFR level")
    return rule


def _scale(raw: Mapping[str, Any], test: str) -> _Scale:
    native = raw["native"]
    validity = raw["validity"]["months"]
    return _Scale(
        language=raw["language"],
        maps_to_cefr=bool(raw["maps_to_cefr"]),
        no_cefr_results=frozenset(str(r) for r in raw.get("no_cefr_results", [])),
        rules=tuple(_rule(rule, test) for rule in raw["cefr"]),
        native_kind=str(native["kind"]),
        order=tuple(str(level) for level in native.get("order", [])),
        labels={str(k): float(v) for k, v in native.get("labels", {}).items()},
        legacy_concordance=tuple(
            (int(row["min"]), float(row["band"])) for row in native.get("legacy_concordance", [])
        ),
        validity_months=None if validity is None else int(validity),
    )


@functools.cache
def _scales() -> Mapping[str, _Scale]:
    text = resources.files("matcher").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    tests = json.loads(text)["tests"]
    if set(tests) != set(LANGUAGE_TESTS):
        raise ValueError(f"{_DATA_FILE} must describe exactly the tests {LANGUAGE_TESTS}")
    return {test: _scale(tests[test], test) for test in LANGUAGE_TESTS}


def _scale_of(test: str) -> _Scale:
    scale = _scales().get(test)
    if scale is None:
        raise ValueError(f"language test must be one of {', '.join(LANGUAGE_TESTS)}; got {test!r}")
    return scale


def _level_key(result: Result) -> str | None:
    return result if isinstance(result, str) else str(result) if isinstance(result, int) else None


def _type_matches(result: Result, result_type: str | None) -> bool:
    if isinstance(result, str):
        return False
    if result_type == "int":
        return isinstance(result, int)
    if result_type == "float":
        return isinstance(result, float)
    return True


def _highest(
    minima: tuple[_Minimum, ...], value: float, sections: Mapping[str, int] | None
) -> _Minimum | None:
    reached = None
    for minimum in minima:
        sections_met = sections is None or all(
            sections[name] >= floor for name, floor in minimum.sections.items()
        )
        if value >= minimum.threshold and sections_met:
            reached = minimum
    return reached


def _from_minima(
    rule: _Rule, minima: tuple[_Minimum, ...], value: float, sections: Mapping[str, int] | None
) -> tuple[str | None, str]:
    reached = _highest(minima, value, sections)
    if reached is None:
        return None, rule.status
    return reached.cefr, reached.status or rule.status


def _apply(
    rule: _Rule, result: Result, sections: Mapping[str, int] | None, score: int | None
) -> tuple[str | None, str] | None:
    """Return the CEFR level and status ``rule`` gives this result, ``None`` if it does not apply.

    A single minimum may carry a weaker status than its rule (JLPT's N1 C1 cut-off).
    """
    key = _level_key(result)
    if rule.kind == "level_and_score":
        if score is None or key is None or key not in rule.by_level:
            return None
        return _from_minima(rule, rule.by_level[key], score, None)
    if rule.kind == "level":
        if key is None or key not in rule.levels:
            return None
        return rule.levels[key], rule.status
    if not _type_matches(result, rule.result_type):
        return None
    return _from_minima(rule, rule.minima, float(result), sections)


def normalize_language(
    test: str,
    result: Result,
    *,
    sections: Mapping[str, int] | None = None,
    score: int | None = None,
) -> LanguageLevel:
    """Validate a result and map it to a CEFR level with the mapping's source.

    Parameters
    ----------
    test : str
        One of ``models.language_results.LANGUAGE_TESTS``.
    result : str, int or float
        The result on the test's own scale, in any spelling ``canonical_result`` accepts.
    sections : mapping of str to int, optional
        TOEIC listening and reading scores; the section minima then apply too.
    score : int, optional
        JLPT total score 0-180; JLPT's official reference then decides the level.

    Returns
    -------
    LanguageLevel
        The canonical result, the test's language and the CEFR level (or ``None``).

    Raises
    ------
    ValueError
        If the test, result, sections or score are not valid for the test.
    """
    canonical = canonical_result(test, result)
    checked_sections = check_sections(test, canonical, sections)
    checked_score = check_score(test, score)
    scale = _scale_of(test)
    if scale.maps_to_cefr and _level_key(canonical) not in scale.no_cefr_results:
        for rule in scale.rules:
            decided = _apply(rule, canonical, checked_sections, checked_score)
            if decided is not None:
                cefr, status = decided
                return LanguageLevel(test, canonical, scale.language, cefr, rule.source, status)
    return LanguageLevel(test, canonical, scale.language, None, None, None)


def cefr_rank(level: str) -> int:
    """Return the rank of a CEFR level, ``A1`` -> 1 through ``C2`` -> 6.

    Raises
    ------
    ValueError
        If ``level`` is not a CEFR level.
    """
    return CEFR_LEVELS.index(str(canonical_result("CEFR", level))) + 1


def _toefl_legacy_rank(scale: _Scale, legacy: int) -> float:
    bounds = [low for low, _ in scale.legacy_concordance] + [_TOEFL_LEGACY_MAX + 1]
    for (low, band), high in zip(scale.legacy_concordance, bounds[1:], strict=True):
        if low <= legacy < high:
            # Less than half a band above the guaranteed band: orders scores within a
            # comparable range without ever crediting the next half band.
            return band + (legacy - low) / (high - low) / 2
    raise ValueError(f"TOEFL-iBT legacy score {legacy} is outside the comparable ranges")


def _toefl_lowest_legacy(scale: _Scale, band: float) -> int:
    return max(low for low, floor in scale.legacy_concordance if floor <= band)


def native_rank(test: str, result: Result) -> float:
    """Place a result on its test's own scale (higher is better), for same-test comparison.

    Parameters
    ----------
    test : str
        One of ``LANGUAGE_TESTS``.
    result : str, int or float
        A result of that test, in any spelling ``canonical_result`` accepts.

    Returns
    -------
    float
        Levels rank by position (JLPT N5 = 1 ... N1 = 5, NAT-TEST 5Q = 1 ... 1Q = 5, CEFR
        A1 = 1 ... C2 = 6); numbered levels and scores rank as themselves (TOPIK, HSK, TOCFL,
        EPS-TOPIK, IELTS, TOEIC). JFT-Basic ranks in score units: "below A2" = 0, "A2" = 200
        (the commonly cited, unverified pass score), a score as itself. TOEFL-iBT ranks on the
        1-6 band scale; a legacy score is placed at the band ETS's comparable range
        guarantees plus less than half a band.

    Raises
    ------
    ValueError
        If the result is not valid for the test.
    """
    canonical = canonical_result(test, result)
    scale = _scale_of(test)
    if scale.native_kind == "ordered":
        return float(scale.order.index(str(canonical)) + 1)
    if isinstance(canonical, str):
        return scale.labels[canonical]
    if scale.native_kind == "band_or_legacy" and isinstance(canonical, int):
        return _toefl_legacy_rank(scale, canonical)
    return float(canonical)


def meets_minimum(test: str, result: Result, minimum: Result) -> bool:
    """Tell whether a result reaches a job order's minimum on the same test.

    Parameters
    ----------
    test : str
        The test both values belong to; other tests are never converted.
    result, minimum : str, int or float
        The worker's result and the required minimum, in any accepted spelling.

    Returns
    -------
    bool
        ``native_rank(result) >= native_rank(minimum)``, except that a TOEFL-iBT band meets
        a legacy minimum only if the lowest legacy score of that band's comparable range
        does (ETS gives ranges, so a band does not guarantee more).

    Raises
    ------
    ValueError
        If either value is not valid for the test.
    """
    have = canonical_result(test, result)
    need = canonical_result(test, minimum)
    if test == "TOEFL-iBT" and isinstance(have, float) and isinstance(need, int):
        return _toefl_lowest_legacy(_scale_of(test), have) >= need
    return native_rank(test, have) >= native_rank(test, need)


def validity_months(test: str) -> int | None:
    """Return how many months a result stays valid from its issue date (``None``: no expiry).

    Some periods are commonly cited rather than sourced; docs/languages.md gives the status.
    """
    return _scale_of(test).validity_months


def valid_on(test: str, issued: dt.date, on: dt.date) -> bool:
    """Tell whether a result issued on ``issued`` is valid on the date ``on``.

    Parameters
    ----------
    test : str
        One of ``LANGUAGE_TESTS``.
    issued : datetime.date
        The issue date (``languages[].date``).
    on : datetime.date
        The evaluation date.

    Returns
    -------
    bool
        ``issued <= on <= issued + validity_months(test)`` (a month-end issue date expires on
        the last day of the target month); without a validity period, ``issued <= on``. A
        result is not valid before it is issued.
    """
    if on < issued:
        return False
    months = validity_months(test)
    return months is None or on <= add_months(issued, months)


def result_valid(test: str, issued: dt.date | None, day: dt.date, pack_months: int | None) -> bool:
    """Whether a language result counts on ``day`` under a rule pack.

    Parameters
    ----------
    test : str
        The test.
    issued : datetime.date or None
        The result's date (``languages[].date``), None when not given.
    day : datetime.date
        The job order's start date (or ``as_of``).
    pack_months : int or None
        The rule pack's validity period for the test (EPS-TOPIK: 24), if it sets one.

    Returns
    -------
    bool
        With a period (the pack's, else the test's own): issued on or before ``day`` and
        ``day`` within the period; an undated result cannot be shown valid. Without any
        period: issued on or before ``day``, or undated (JLPT results do not expire).
    """
    if issued is None:
        return pack_months is None and validity_months(test) is None
    if pack_months is None:
        return valid_on(test, issued, day)
    return issued <= day <= add_months(issued, pack_months)


def language_of(test: str) -> str | None:
    """Return the ISO 639-1 language a test assesses (``None`` for an assessed CEFR level)."""
    return _scale_of(test).language
