"""The returnee fields of the worker record (FORMAT.md v2, "Returnee").

A returnee is a worker who has come home. The fields live on :class:`models.worker.Worker`
(``returned``, ``home``, ``reintegration``; ``experience[].completed_contract`` and
``skills_used``; ``certificates[].grade``); this module holds their types so that the
worker module only declares them. :class:`models.worker.Returnee` is the worker record a
returnees file holds (``returned`` required).
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import field_validator

from models.common import Money, SelarasModel

__all__ = [
    "INTERESTS",
    "RELOCATE_SCOPES",
    "TRADE_TEST_GRADES",
    "Interest",
    "Reintegration",
    "Relocate",
    "TradeTestGrade",
    "grade_in_name",
    "read_trade_test_grade",
]

Interest = Literal["employment", "entrepreneurship", "cooperative", "trainer"]
INTERESTS: tuple[Interest, ...] = get_args(Interest)
"""What a returnee may want: a job, an IKM programme, a cooperative, a trainer post."""
Relocate = Literal["none", "province", "island", "any"]
RELOCATE_SCOPES: tuple[Relocate, ...] = get_args(Relocate)
"""How far a returnee will move, nearest first: own regency, province, island group, any."""

TradeTestGrade = Literal[1, 2, 3, "basic"]
TRADE_TEST_GRADES: tuple[TradeTestGrade, ...] = get_args(TradeTestGrade)
"""Grades of Japan's national trade skills test (技能検定): 1級, 2級, 3級 and 基礎級."""

_DIGITS: dict[str, TradeTestGrade] = {"1": 1, "2": 2, "3": 3}
_BASIC = frozenset({"basic", "基礎級", "基礎"})
_NUMBERED_IN_NAME = (
    re.compile(r"([123])\s*級"),
    re.compile(r"\bgrade\s*([123])\b", re.IGNORECASE),
    re.compile(r"\b([123])(?:st|nd|rd)\s+grade\b", re.IGNORECASE),
)
_BASIC_IN_NAME = re.compile(r"\bbasic\s+(?:grade|level)\b|基礎級", re.IGNORECASE)


def read_trade_test_grade(value: object) -> object:
    """Read a written grade (``2``, ``"2"``, ``"2級"``, ``"Basic"``, ``"基礎級"``) as 1, 2, 3
    or ``"basic"``; anything else is returned unchanged for the type check to refuse."""
    if isinstance(value, str):
        text = value.strip().removesuffix("級").strip()
        if text.lower() in _BASIC or value.strip() in _BASIC:
            return "basic"
        if text in _DIGITS:
            return _DIGITS[text]
    return value


def grade_in_name(name: str) -> TradeTestGrade | None:
    """Return the trade-test grade written in a certificate name ("溶接 2級", "grade 2").

    Parameters
    ----------
    name : str
        The certificate's name as written.

    Returns
    -------
    1, 2, 3, "basic" or None
        None when the name states no grade (or states more than one).
    """
    found = {_DIGITS[m.group(1)] for p in _NUMBERED_IN_NAME for m in p.finditer(name)}
    if _BASIC_IN_NAME.search(name):
        found.add("basic")
    return found.pop() if len(found) == 1 else None


class Reintegration(SelarasModel):
    """What a returnee wants at home: kinds of opportunity, capital and how far they'd move.

    ``interests`` defaults to all four. ``relocate`` defaults to ``none`` (own regency):
    moving is the returnee's choice, never assumed.
    """

    interests: list[Interest] = list(INTERESTS)
    capital: Money | None = None
    relocate: Relocate = "none"

    @field_validator("interests")
    @classmethod
    def _distinct_interests(cls, value: list[Interest]) -> list[Interest]:
        if not value:
            raise ValueError("name at least one interest (leave the field out for all four)")
        repeated = sorted({i for i in value if value.count(i) > 1})
        if repeated:
            raise ValueError(f"interest {repeated[0]!r} is listed twice")
        return value
