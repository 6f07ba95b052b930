"""Shared field types and the strict base model of the Selaras format."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.bounds import check_money, check_wage
from models.isco_codes import ISCO_UNIT_GROUPS
from models.iso_codes import COUNTRIES, CURRENCIES, LANGUAGES

__all__ = [
    "CONTROL_CHARACTERS",
    "PRINTABLE_PATTERN",
    "PROGRAMMES",
    "PROGRAMME_COUNTRY",
    "Amount",
    "CountryCode",
    "CurrencyCode",
    "Identifier",
    "IscoCode",
    "LanguageCode",
    "Money",
    "MonthlyWage",
    "PrintableText",
    "Programme",
    "SelarasModel",
    "ShortText",
    "check_order",
    "error_message",
    "field_error",
]

Programme = Literal[
    "JP-SSW1", "JP-SSW2", "JP-TITP", "KR-EPS", "TW-FACTORY", "MY-PLKS", "DE-SKILLED", "OTHER"
]
PROGRAMMES: tuple[Programme, ...] = get_args(Programme)
"""Programmes (docs/format.md ``programme``), in that order; each has a rule pack."""

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
    """Base of every record: unknown fields are errors, so a typo never loses data.

    Floats are finite: NaN and Infinity are refused. (Dates are bounded by their type,
    :data:`models.bounds.Day`.)
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

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


PRINTABLE_PATTERN = "^[^\x00-\x1f\x7f-\x9f]*$"
"""No character of Unicode's category Cc (C0 controls, DEL, C1 controls)."""
CONTROL_CHARACTERS = "must not hold control characters (such as NUL or a line break)"
"""The message for a :data:`PrintableText` that holds one."""

# Names, titles and labels are shown to people and written to files: a NUL or another
# control character in them is a corrupted field, not a name. A pattern, because it is
# checked by pydantic's core: a Python validator made reading a worker 20% slower.
PrintableText = Annotated[str, StringConstraints(pattern=PRINTABLE_PATTERN)]
"""Text without control characters (lone surrogates are refused for every string)."""


def error_message(error: Mapping[str, Any]) -> str:
    """The message to show for one pydantic error (its ``msg``, said plainly where the
    constraint's own words would quote a regular expression)."""
    context = error.get("ctx") or {}
    if error.get("type") == "string_pattern_mismatch" and (
        context.get("pattern") == PRINTABLE_PATTERN
    ):
        return CONTROL_CHARACTERS
    return str(error.get("msg", ""))


ShortText = Annotated[PrintableText, StringConstraints(min_length=1, max_length=300)]

_ISCO_UNIT = re.compile(r"^[0-9]{4}$")


def _check_isco(value: str) -> str:
    if not _ISCO_UNIT.match(value):
        raise ValueError(f"ISCO-08 unit group must be 4 digits; got {value!r}")
    if value not in ISCO_UNIT_GROUPS:
        raise ValueError(f"{value!r} is not an ISCO-08 unit group")
    return value


IscoCode = Annotated[str, AfterValidator(_check_isco)]


def field_error(model: type[BaseModel], field: str, value: object, message: str) -> ValidationError:
    """The error of one field found by a check that reads several (so the field is named).

    Raised from a model validator, its location nests like any field error's
    (``wage.amount``).
    """
    error = PydanticCustomError("value_error", "{message}", {"message": message})
    details = InitErrorDetails(type=error, loc=(field,), input=value)
    return ValidationError.from_exception_data(model.__name__, [details])


class Amount(SelarasModel):
    """An amount of money in a currency, at most a thousand months of the wage ceiling of
    its currency (``models.bounds``); subclasses set its lower bound."""

    amount: float
    currency: CurrencyCode

    @model_validator(mode="after")
    def _below_ceiling(self) -> Amount:
        try:
            check_money(self.amount, self.currency)
        except ValueError as error:
            raise field_error(type(self), "amount", self.amount, str(error)) from None
        return self


class Money(Amount):
    """A positive amount of money in a currency."""

    amount: Annotated[float, Field(gt=0)]


class MonthlyWage(Money):
    """A monthly wage: at most the monthly wage ceiling of its currency."""

    # The same name replaces Money's (wider) check.
    @model_validator(mode="after")
    def _below_ceiling(self) -> MonthlyWage:
        try:
            check_wage(self.amount, self.currency, "month")
        except ValueError as error:
            raise field_error(type(self), "amount", self.amount, str(error)) from None
        return self


def check_order(
    earlier: dt.date | None, later: dt.date | None, earlier_name: str, later_name: str
) -> None:
    """Raise ``ValueError`` when both dates are given and ``later`` precedes ``earlier``."""
    if earlier is not None and later is not None and later < earlier:
        raise ValueError(f"{later_name} ({later}) is before {earlier_name} ({earlier})")
