"""Shared field types and the strict base model of the Selaras format."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Annotated, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from models.isco_codes import ISCO_UNIT_GROUPS
from models.iso_codes import COUNTRIES, CURRENCIES, LANGUAGES

__all__ = [
    "PROGRAMMES",
    "PROGRAMME_COUNTRY",
    "CountryCode",
    "CurrencyCode",
    "Identifier",
    "IscoCode",
    "LanguageCode",
    "Money",
    "Programme",
    "SelarasModel",
    "ShortText",
    "check_order",
]

PROGRAMMES = (
    "JP-SSW1",
    "JP-SSW2",
    "JP-TITP",
    "KR-EPS",
    "TW-FACTORY",
    "MY-PLKS",
    "DE-SKILLED",
    "OTHER",
)
Programme = Literal[
    "JP-SSW1", "JP-SSW2", "JP-TITP", "KR-EPS", "TW-FACTORY", "MY-PLKS", "DE-SKILLED", "OTHER"
]
PROGRAMME_COUNTRY: Mapping[str, str | None] = {
    "JP-SSW1": "JP",
    "JP-SSW2": "JP",
    "JP-TITP": "JP",
    "KR-EPS": "KR",
    "TW-FACTORY": "TW",
    "MY-PLKS": "MY",
    "DE-SKILLED": "DE",
    "OTHER": None,
}
"""The destination country of each programme (its rule pack's ``country``); ``OTHER`` spans
several countries, so a stay under it names no country by itself."""


def _admits(annotation: object, kind: type) -> bool:
    return annotation is kind or any(_admits(arg, kind) for arg in get_args(annotation))


def _maps(annotation: object) -> bool:
    return get_origin(annotation) is dict or any(_maps(arg) for arg in get_args(annotation))


class SelarasModel(BaseModel):
    """Base of every record: unknown fields are errors, so a typo never loses data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_stray_booleans(cls, value: object, info: ValidationInfo) -> object:
        # Lax mode would read JSON true as 1: "months": true, "slots": true or a JLPT
        # "result": true (N1, the top level) must be errors, not numbers. Only a bool or a
        # dict can be one, so every other value returns at once (this runs on every field).
        if not isinstance(value, bool | dict) or info.field_name is None:
            return value
        admits_bool, maps = _field_kinds(cls, info.field_name)
        if admits_bool:
            return value
        if isinstance(value, bool):
            raise ValueError(f"must not be {str(value).lower()}")
        if maps:
            for key, item in value.items():
                if isinstance(item, bool):
                    raise ValueError(f"{key!r} must not be {str(item).lower()}")
        return value


@functools.cache
def _field_kinds(model: type[BaseModel], field: str) -> tuple[bool, bool]:
    """Whether a field's type admits a bool, and whether it holds a dict (cached)."""
    annotation = model.model_fields[field].annotation
    return _admits(annotation, bool), _maps(annotation)


def _code_in(codes: frozenset[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in codes:
            raise ValueError(f"{value!r} is not an {what} code")
        return value

    return AfterValidator(check)


CountryCode = Annotated[
    str, StringConstraints(to_upper=True), _code_in(COUNTRIES, "ISO 3166-1 alpha-2 country")
]
CurrencyCode = Annotated[
    str, StringConstraints(to_upper=True), _code_in(CURRENCIES, "ISO 4217 currency")
]
LanguageCode = Annotated[
    str, StringConstraints(to_lower=True), _code_in(LANGUAGES, "ISO 639-1 language")
]
Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
]
"""A record id: letters, digits and ``. _ : / -``, starting with a letter or digit."""

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]

_ISCO_UNIT = re.compile(r"^[0-9]{4}$")


def _check_isco(value: str) -> str:
    if not _ISCO_UNIT.match(value):
        raise ValueError(f"ISCO-08 unit group must be 4 digits; got {value!r}")
    if value not in ISCO_UNIT_GROUPS:
        raise ValueError(f"{value!r} is not an ISCO-08 unit group")
    return value


IscoCode = Annotated[str, AfterValidator(_check_isco)]


class Money(SelarasModel):
    """An amount of money in a currency (the amount must be positive)."""

    amount: Annotated[float, Field(gt=0)]
    currency: CurrencyCode


def check_order(
    earlier: dt.date | None, later: dt.date | None, earlier_name: str, later_name: str
) -> None:
    """Raise ``ValueError`` when both dates are given and ``later`` precedes ``earlier``."""
    if earlier is not None and later is not None and later < earlier:
        raise ValueError(f"{later_name} ({later}) is before {earlier_name} ({earlier})")
