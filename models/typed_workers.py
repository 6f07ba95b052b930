"""The fast reader of worker records: a typed msgspec decoder in front of pydantic.

Reading a 100,000-worker file with the strict JSON decoder and pydantic took three times
as long as a plain ``json.loads`` read of it, the largest phase of ``selaras match``
(issue 17). This module decodes a JSON Lines record straight into typed msgspec structs
(in C, in half the time of the plain read), whose constraints, built from the format's own
bounds and vocabularies, accept a *subset* of what the pydantic model accepts, with the
same values:

* every text is already in the form pydantic would store (no leading or trailing white
  space, which pydantic strips; no control character; within the length bounds);
* codes (country, currency, ISCO-08 unit group) are upper case and in their lists, and
  enumerations are spelled exactly, so pydantic's case folding never has work to do;
* numbers are JSON numbers of the right kind (a ``true`` or a ``"5"`` is left to pydantic,
  which refuses the first and reads the second), dates are ``YYYY-MM-DD``;
* a field whose checks live only in Python (a worker's ``home`` and ``reintegration``, a
  certificate's ``grade``) is not declared, so a record carrying one is refused here.

The records are assembled from the structs without validating again, and what the structs
cannot say is checked by the format's own functions, called on the records as built: the
models' validators (the birth date's plausibility, the NIK's embedded date, the order of
dates, a language result on its test's scale, a wage under its ceiling) and
:func:`models.bounds.check_date` for every date. A record that fails anything here is
**not** an error: the reader (:mod:`models.files`) reads the line again with pydantic,
which accepts it or reports exactly the errors it always reported. So the fast reader can only
change how quickly a file is read, never its verdict or its messages; the reader
equivalence tests (``tests/models/test_typed_workers.py``) hold it to that on every test
file and on generated bad ones.

A reader that keeps only what the engine reads of each worker (its facts: ``selaras
match``, ``allocate`` and ``pool build``), or that and its stored JSON (the API's bulk
upload, :func:`worker_json`), or nothing but the verdict (``validate``) or its fields
(``export hr-json``), takes *views* instead (:func:`decode_view`): the same
structs with the models' defaults and methods, checked by the same functions, and no
pydantic record built, which was most of reading a worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from types import FunctionType, UnionType
from typing import (
    Annotated,
    Any,
    Literal,
    TypeAlias,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
)

import msgspec
from pydantic import BaseModel

from models.bounds import (
    MAX_CERTIFICATE_SCORE,
    MAX_COUNTRIES,
    MAX_ITEMS,
    MAX_MONTHS,
    check_date,
)
from models.common import PRINTABLE_PATTERN, PROGRAMMES, MonthlyWage, SelarasModel, check_order
from models.isco_codes import ISCO_UNIT_GROUPS
from models.iso_codes import COUNTRIES, CURRENCIES
from models.language_results import LANGUAGE_TESTS
from models.worker import (
    CERTIFICATE_SCHEMES,
    EDUCATION_LEVELS,
    Certificate,
    Documents,
    Experience,
    Health,
    LanguageResult,
    Preferences,
    SkillClaim,
    Worker,
)

__all__ = [
    "CHECKED_FIELD_VALIDATORS",
    "IDENTIFIER_PATTERN",
    "SHORT_TEXT_PATTERN",
    "decode_typed",
    "decode_view",
    "decode_worker",
    "with_id",
    "worker_json",
]

UNSET = msgspec.UNSET
_Renamed = TypeVar("_Renamed")
_Unset: TypeAlias = msgspec.UnsetType


def _one_of(values: frozenset[str] | tuple[str, ...]) -> Any:
    """A ``Literal`` of exactly these strings (msgspec checks it with one hash lookup)."""
    return Literal.__getitem__(tuple(sorted(values)))


# Python's \s covers every character pydantic's strip removes (Unicode White_Space) and a
# few more: a text with any of them at an end is left to pydantic, never stored unstripped.
# \Z, not $: Python's $ also matches before a final line break.
_PRINTABLE = PRINTABLE_PATTERN.removeprefix("^[").removesuffix("]*$")
SHORT_TEXT_PATTERN = rf"^[^{_PRINTABLE}\s](?:[^{_PRINTABLE}]*[^{_PRINTABLE}\s])?\Z"
"""A short text as pydantic stores it (no control character, no space at either end)."""
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*\Z"
"""A record id (at most 64 characters)."""
_ShortText = Annotated[str, msgspec.Meta(pattern=SHORT_TEXT_PATTERN, max_length=300)]
_StrippedText = Annotated[str, msgspec.Meta(pattern=r"^(?:\S(?:.*\S)?)?\Z")]
_Identifier = Annotated[str, msgspec.Meta(pattern=IDENTIFIER_PATTERN, max_length=64)]
_Nik = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{16}\Z")]
_Months = Annotated[int, msgspec.Meta(ge=0, le=MAX_MONTHS)]
_Country = _one_of(COUNTRIES)
_Currency = _one_of(CURRENCIES)
_Isco = _one_of(ISCO_UNIT_GROUPS)


class _Struct(msgspec.Struct, forbid_unknown_fields=True):
    """Unknown fields are refused, as by :class:`models.common.SelarasModel`."""


class _Skill(_Struct):
    name: _ShortText
    months: _Months | _Unset | None = UNSET
    level: Annotated[int, msgspec.Meta(ge=1, le=5)] | _Unset | None = UNSET


class _Certificate(_Struct):
    name: _ShortText
    scheme: _one_of(CERTIFICATE_SCHEMES)  # type: ignore[valid-type]
    skill: _ShortText | _Unset | None = UNSET
    number: _ShortText | _Unset | None = UNSET
    issued: dt.date | _Unset | None = UNSET
    expires: dt.date | _Unset | None = UNSET
    score: Annotated[float, msgspec.Meta(ge=0, le=MAX_CERTIFICATE_SCORE)] | _Unset | None = UNSET


class _Language(_Struct):
    test: _one_of(LANGUAGE_TESTS)  # type: ignore[valid-type]
    result: _StrippedText | int | float
    sections: dict[_StrippedText, int] | _Unset | None = UNSET
    score: int | _Unset | None = UNSET
    date: dt.date | _Unset | None = UNSET


class _Experience(_Struct):
    title: _ShortText
    isco: _Isco | _Unset | None = UNSET  # type: ignore[valid-type]
    country: _Country | _Unset | None = UNSET  # type: ignore[valid-type]
    programme: _one_of(PROGRAMMES) | _Unset | None = UNSET  # type: ignore[valid-type]
    months: _Months | _Unset | None = UNSET
    start: dt.date | _Unset | None = UNSET
    end: dt.date | _Unset | None = UNSET
    completed_contract: bool | _Unset | None = UNSET
    skills_used: Annotated[list[_ShortText], msgspec.Meta(max_length=MAX_ITEMS)] | _Unset = UNSET


class _Health(_Struct):
    fit_to_work: bool | _Unset | None = UNSET
    colour_vision_normal: bool | _Unset | None = UNSET
    checked: dt.date | _Unset | None = UNSET


class _Documents(_Struct):
    passport_expires: dt.date | _Unset | None = UNSET


class _Wage(_Struct):
    amount: Annotated[float, msgspec.Meta(gt=0)]
    currency: _Currency  # type: ignore[valid-type]


class _Preferences(_Struct):
    countries: Annotated[list[_Country], msgspec.Meta(max_length=MAX_COUNTRIES)] | _Unset = (  # type: ignore[valid-type]
        UNSET
    )
    min_monthly_wage: _Wage | _Unset | None = UNSET


def _items(kind: type[_Struct]) -> Any:
    return Annotated[list[kind], msgspec.Meta(max_length=MAX_ITEMS)] | _Unset  # type: ignore[valid-type]


class _Worker(_Struct):
    id: _Identifier
    agency_id: _Identifier
    birth_date: dt.date
    full_name: _ShortText | _Unset | None = UNSET
    nik: _Nik | _Unset | None = UNSET
    gender: Literal["F", "M", "X"] | _Unset | None = UNSET
    province: _ShortText | _Unset | None = UNSET
    religion: _ShortText | _Unset | None = UNSET
    ethnicity: _ShortText | _Unset | None = UNSET
    marital_status: _ShortText | _Unset | None = UNSET
    education: _one_of(EDUCATION_LEVELS) | _Unset | None = UNSET  # type: ignore[valid-type]
    skills: _items(_Skill) = UNSET  # type: ignore[valid-type]
    certificates: _items(_Certificate) = UNSET  # type: ignore[valid-type]
    languages: _items(_Language) = UNSET  # type: ignore[valid-type]
    experience: _items(_Experience) = UNSET  # type: ignore[valid-type]
    health: _Health | _Unset | None = UNSET
    documents: _Documents | _Unset | None = UNSET
    preferences: _Preferences | _Unset | None = UNSET
    returned: dt.date | _Unset | None = UNSET


def _build(shape: _Shape, given: dict[str, Any]) -> Any:
    """The pydantic record of one decoded struct's given fields, checked by the model's own
    validators.

    ``given`` holds the fields the line gave, as :func:`_given` makes them (sub-records
    still as dicts). The record is assembled as :meth:`pydantic.BaseModel.model_construct`
    assembles one (every field in the model's order, the set of fields given, no extra or
    private attributes) without its per-field Python walk, which cost five times the
    assembly: every value is already what validation would have stored. Python touches
    only the fields that need work (a date, a sub-record, an absent list).
    """
    values = shape.defaults | given
    for name, factory in shape.factories:
        if name not in given:
            values[name] = factory()
    for name in shape.dates:
        value = given.get(name)
        if value is not None:
            values[name] = check_date(value)
    for name, part, many in shape.parts:
        value = given.get(name)
        if value is not None:
            values[name] = [_build(part, item) for item in value] if many else _build(part, value)
    record = _new(shape.model)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", set(given))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    for check in shape.checks:
        check(record)
    return record


def _check_view(shape: _Shape, view: Any) -> None:
    """Run on a view (:func:`decode_view`) the checks :func:`_build` runs on a record:
    every date's bounds, every sub-record's checks, then the model's validators."""
    for name in shape.dates:
        value = getattr(view, name)
        if value is not None:
            check_date(value)
    for name, part, many in shape.checked_parts:
        value = getattr(view, name)
        if value is not None:
            for item in value if many else (value,):
                _check_view(part, item)
    for check in shape.checks:
        check(view)


def _given(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields a line gave, recursively: every struct a dict of its set fields (an
    ``UNSET`` one is left out), dates kept as dates; one pass in C, where a field-by-field
    walk in Python took a third of building the records."""
    return msgspec.to_builtins(struct, builtin_types=(dt.date,))  # type: ignore[no-any-return]


_new = object.__new__  # pydantic models have no __new__ of their own
_set = object.__setattr__


@dataclass(frozen=True, slots=True)
class _Shape:
    """How one struct becomes its pydantic model: the model's defaults in its field order
    (lists by factory, a new one per record), the given dates to check, the sub-records to
    build (each a field, its shape, and whether the field is a list of them), then the
    model's validators to call. ``checked_parts`` are the parts with anything to check in
    them (a skill claim has nothing: a view's skills are not walked)."""

    model: type[BaseModel]
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    dates: tuple[str, ...]
    parts: tuple[tuple[str, _Shape, bool], ...]
    checks: tuple[Callable[[Any], object], ...]
    checked_parts: tuple[tuple[str, _Shape, bool], ...]


def _shape(
    model: type[BaseModel],
    field_checks: tuple[Callable[[Any], object], ...] = (),
    *,
    dates: tuple[str, ...] = (),
    **parts: tuple[_Shape, bool],
) -> _Shape:
    """The shape of ``model``: its checks are ``field_checks`` then every model validator
    (all run after the fields, on the record, in pydantic's order)."""
    validators = model.__pydantic_decorators__.model_validators.values()
    if any(validator.info.mode != "after" for validator in validators):
        # A validator of the raw input could not be run on a built record.
        raise TypeError(f"{model.__name__} has a model validator the typed reader cannot run")
    fields = model.model_fields
    built = tuple((name, part, many) for name, (part, many) in parts.items())
    return _Shape(
        model,
        {name: info.default for name, info in fields.items()},
        tuple(
            (name, info.default_factory)  # type: ignore[misc]
            for name, info in fields.items()
            if info.default_factory is not None
        ),
        dates,
        built,
        field_checks + tuple(validator.func for validator in validators),
        tuple(
            (name, part, many)
            for name, part, many in built
            if part.dates or part.checks or part.checked_parts
        ),
    )


def _one(shape: _Shape) -> tuple[_Shape, bool]:
    return shape, False


def _many(shape: _Shape) -> tuple[_Shape, bool]:
    return shape, True


def _check_worker(worker: Worker) -> None:
    # Worker's field validators, called as pydantic calls them.
    Worker._plausible_birth_date(worker.birth_date)
    Worker._nik_has_a_date(worker.nik)
    check_order(worker.birth_date, worker.returned, "birth_date", "returned")


_WORKER = _shape(
    Worker,
    (_check_worker,),
    dates=("birth_date", "returned"),
    skills=_many(_shape(SkillClaim)),
    certificates=_many(_shape(Certificate, dates=("issued", "expires"))),
    languages=_many(_shape(LanguageResult, dates=("date",))),
    experience=_many(_shape(Experience, dates=("start", "end"))),
    health=_one(_shape(Health, dates=("checked",))),
    documents=_one(_shape(Documents, dates=("passport_expires",))),
    preferences=_one(_shape(Preferences, min_monthly_wage=_one(_shape(MonthlyWage)))),
)

CHECKED_FIELD_VALIDATORS: Mapping[type[BaseModel], frozenset[str]] = {
    Worker: frozenset({"_plausible_birth_date", "_nik_has_a_date", "_returned_after_birth"}),
    **{
        model: frozenset()
        for model in (
            SkillClaim, Certificate, LanguageResult, Experience, Health, Documents, Preferences,
            MonthlyWage,
        )
    },
}  # fmt: skip
"""The field validators of each model the typed reader builds that it runs itself (every
one but ``_no_stray_booleans``, which the structs' strict types make moot; the model
validators are all run, found on the models). A test holds this to the models, so a field
validator added to a model without being added here fails it."""

_DECODER = msgspec.json.Decoder(_Worker)


def decode_typed(line: bytes) -> msgspec.Struct:
    """The typed decoding of one line alone (the structs, no record, no check of Python's).

    Raises
    ------
    ValueError
        When the line is not a worker the structs accept (msgspec's errors, bad UTF-8).
    """
    return _DECODER.decode(line)


def decode_worker(line: bytes) -> Worker | None:
    """Read one JSON Lines record as a worker, when the fast reader can.

    Parameters
    ----------
    line : bytes
        One line of a workers file (UTF-8 JSON, its line break included or not).

    Returns
    -------
    Worker or None
        The record, equal to what ``Worker.model_validate`` makes of the line, or None
        when the line is left to the pydantic reader (it may be valid, or not).
    """
    try:
        return _build(_WORKER, _given(decode_typed(line)))  # type: ignore[no-any-return]
    except ValueError:
        # msgspec's decode and validation errors, invalid UTF-8, a validator's refusal.
        return None


# Views: the structs again, with the models' defaults (None, an empty list) in place of
# UNSET, and the models' own methods and properties. Made from the structs above, so that
# the two can never accept different lines.
_MODEL_OF: Mapping[type[msgspec.Struct], type[BaseModel]] = {
    _Worker: Worker, _Skill: SkillClaim, _Certificate: Certificate, _Language: LanguageResult,
    _Experience: Experience, _Health: Health, _Documents: Documents, _Preferences: Preferences,
    _Wage: MonthlyWage,
}  # fmt: skip
_views: dict[type[msgspec.Struct], type[msgspec.Struct]] = {}


def _view_type(annotation: Any) -> Any:
    """``annotation`` with every struct replaced by its view and ``UnsetType`` left out."""
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return _view_of(annotation)
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin is Annotated:
        return Annotated.__class_getitem__((_view_type(arguments[0]), *annotation.__metadata__))
    if origin in (Union, UnionType):
        return reduce(or_, [_view_type(a) for a in arguments if a is not _Unset])
    if origin is list:
        return list[_view_type(arguments[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[_view_type(arguments[0]), _view_type(arguments[1])]  # type: ignore[misc]
    return annotation


def _view_field(field: msgspec.structs.FieldInfo) -> tuple[Any, ...]:
    """A view's field: as the struct's, absent read as the model reads it (None when the
    field may be null, else an empty list: the model's default and factory)."""
    annotation = _view_type(field.type)
    if field.required:
        return (field.name, annotation)
    if type(None) in get_args(annotation):
        return (field.name, annotation, None)
    return (field.name, annotation, msgspec.field(default_factory=_empty_list))


def _empty_list() -> list[Any]:
    """A view's absent list. Not ``list`` itself: msgspec would then leave an empty list
    out of the view's JSON as a default, and the model's dump keeps it (see
    :func:`worker_json`)."""
    return []


def _borrowed(model: type[BaseModel], declared: set[str]) -> dict[str, Any]:
    """What a view of ``model`` takes from it: its methods and properties (validators
    aside, run by :func:`_check_view`), and the default of each field the struct does not
    declare (a line giving one is declined, so a view's is always the default)."""
    decorated = set(model.__pydantic_decorators__.field_validators) | set(
        model.__pydantic_decorators__.model_validators
    )
    found: dict[str, Any] = {}
    for klass in reversed(model.__mro__[: model.__mro__.index(SelarasModel)]):
        for name, value in vars(klass).items():
            borrowable = isinstance(value, property | FunctionType)
            if borrowable and not name.startswith("__") and name not in decorated:
                found[name] = value
    for name, info in model.model_fields.items():
        if name not in declared:
            if info.default_factory is not None:
                raise TypeError(f"{model.__name__}.{name} has no default a view can keep")
            found[name] = info.default
    return found


def _view_of(struct: type[msgspec.Struct]) -> type[msgspec.Struct]:
    """The view of one struct (made once)."""
    if struct not in _views:
        model = _MODEL_OF[struct]
        # In the model's order, so that a view's JSON has its fields in the order of the
        # model's dump (keyword-only: a required field may then follow an optional one).
        order = list(model.model_fields)
        fields = sorted(msgspec.structs.fields(struct), key=lambda field: order.index(field.name))
        _views[struct] = msgspec.defstruct(
            struct.__name__.removeprefix("_") + "View",
            [_view_field(field) for field in fields],
            module=__name__,
            namespace=_borrowed(model, {field.name for field in fields}),
            forbid_unknown_fields=True,
            kw_only=True,
            omit_defaults=True,  # a None is left out of the JSON, as exclude_none does
            gc=False,  # a view holds no cycle
        )
    return _views[struct]


_VIEW_DECODER = msgspec.json.Decoder(_view_of(_Worker))


def decode_view(line: bytes | str) -> Worker | None:
    """Read one JSON Lines record as a view of a worker, when the fast reader can.

    A view is for a reader that keeps only what the engine reads of a worker (its facts,
    :func:`matcher.scoring.facts.worker_facts`, and its stored JSON, :func:`worker_json`),
    not the record: a msgspec struct with every field of the :class:`~models.worker.Worker`
    that :func:`decode_worker` builds, of the same value (a field not given holds the
    model's default), and the model's own methods and properties (``warnings``...).
    Building the pydantic records was most of the time of reading a pool. It accepts
    exactly the lines :func:`decode_worker` accepts, and runs the same checks; the reader
    equivalence tests hold the two to that.

    Parameters
    ----------
    line : bytes or str
        One line of a workers file (or a stored record's JSON text).

    Returns
    -------
    Worker or None
        The view (read as a ``Worker``: it is not an instance of one), or None when the
        line is left to the pydantic reader.
    """
    try:
        view = _VIEW_DECODER.decode(line)
        _check_view(_WORKER, view)
    except ValueError:
        # As decode_worker: msgspec's errors, invalid UTF-8, a validator's refusal.
        return None
    # A view reads as the Worker it stands for: the engine only reads its attributes.
    return cast(Worker, view)


_VIEW_ENCODER = msgspec.json.Encoder()


def worker_json(worker: Worker) -> str:
    """The JSON a worker record is stored and shown as, for a record or a view.

    Parameters
    ----------
    worker : Worker
        A record, or a view (:func:`decode_view`).

    Returns
    -------
    str
        ``worker.model_dump_json(exclude_none=True)`` of the record, or of the record the
        view stands for: the same text (fields in the model's order, every None left out,
        every list kept, empty or not), encoded from the view by msgspec in a fifth of
        the time. The reader equivalence tests hold the two texts equal.
    """
    if isinstance(worker, BaseModel):
        return worker.model_dump_json(exclude_none=True)
    return _VIEW_ENCODER.encode(worker).decode()


def with_id(record: _Renamed, new_id: str) -> _Renamed:
    """A copy of a record (any model with an ``id``) or a worker's view with another
    ``id``; nothing is checked again (a round or pool key is not a valid id)."""
    if isinstance(record, BaseModel):
        return record.model_copy(update={"id": new_id})
    view = cast(msgspec.Struct, record)
    return cast(_Renamed, msgspec.structs.replace(view, id=new_id))
