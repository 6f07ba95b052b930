"""Worker rows of a Parquet file screened column by column: which rows need no row reader.

Reading a large worker file row by row (each row turned into a JSON line and decoded and
checked, :mod:`models.parquet_files`) costs tens of microseconds a worker. Most rows of a
real file are plainly valid, and that can be shown for a whole column at once. The screen
(:func:`screen_workers`) marks a row **clean** when its values are, column by column, of
the subset the typed reader (:mod:`models.typed_workers`) accepts, with the format's own
checks run once per distinct value (a date, a language result, a wage: their functions and
models, not copies of them), and no warning can be raised on it. A clean row is valid, its
values are stored as written, and it has no warning: the row reader would keep it as it
stands and say nothing about it, unless its ``(agency_id, id)`` repeats another row's, which
the screen does not look for (a whole file's reader does: :mod:`matcher.pool.columnar`).
Every other row is left to the row reader (:func:`models.file_parts.read_screened_part`),
which accepts it or reports exactly the
errors and warnings it always reports; so the screen can change how fast a file is read,
never its verdict or messages.

The screen reads only files whose columns have the types Selaras writes
(:func:`models.parquet_files.arrow_schema`); for any other (a dictionary column, a date
column, narrower integers) it declines (None) and the file is read row by row.
Tests (``tests/models/test_parquet_screen.py``) hold it to the row reader on generated
files of valid, warned and bad rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from models.bounds import MAX_CERTIFICATE_SCORE, MAX_COUNTRIES, MAX_ITEMS, MAX_MONTHS, check_date
from models.common import PROGRAMMES, MonthlyWage
from models.isco_codes import ISCO_UNIT_GROUPS
from models.iso_codes import COUNTRIES
from models.language_results import LANGUAGE_TESTS
from models.parquet_files import arrow_schema, number_or_text
from models.typed_workers import IDENTIFIER_PATTERN, SHORT_TEXT_PATTERN
from models.worker import CERTIFICATE_SCHEMES, EDUCATION_LEVELS, LanguageResult, Worker

__all__ = [
    "LanguageKey",
    "Screened",
    "WorkerColumns",
    "day_numbers",
    "language_keys",
    "language_result",
    "screen_workers",
    "screens",
    "struct_fields",
]

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]

# Texts of printable ASCII with no space at either end: valid short texts as written (the
# typed reader's pattern accepts them), checked by Arrow's RE2 in one call; any other text
# is checked once per distinct value with the typed reader's own pattern.
_ASCII_TEXT = r"^[!-~](?:[ -~]*[!-~])?$"
_ASCII_ID = IDENTIFIER_PATTERN.removesuffix(r"\Z") + "$"
_SHORT_TEXT = re.compile(SHORT_TEXT_PATTERN)
_MAX_TEXT = 300
_MAX_ID = 64
_DAY = msgspec.json.Decoder(dt.date)
_EPOCH = dt.date(1970, 1, 1).toordinal()
_NO_DAY = np.iinfo(np.int32).min
_REVIEWED = frozenset(
    {
        "id", "agency_id", "full_name", "nik", "birth_date", "gender", "province", "religion",
        "ethnicity", "marital_status", "education", "skills", "certificates", "languages",
        "experience", "health", "documents", "preferences", "returned", "home", "reintegration",
    }
)  # fmt: skip
"""Every column of a worker file the screen reads. A field added to the format is in no
screen until it is added here and checked below (a test holds this to the schema)."""
_LEFT_TO_ROWS = ("returned", "home", "reintegration")
"""Columns a row with a value in is left to the row reader: a returnee's fields, whose
checks live only in Python (and ``returned`` may raise a warning)."""


@dataclass(frozen=True)
class Screened:
    """What the screen found in a table of workers.

    Attributes
    ----------
    clean : ndarray of bool, shape (n_rows,)
        Rows the row reader would keep as written, without a warning.
    """

    clean: Bools

    @property
    def left(self) -> Ints:
        """The rows for the row reader (not clean), ascending."""
        return np.flatnonzero(~self.clean).astype(np.int64)


def screen_workers(table: pa.Table) -> Screened | None:
    """Screen a table of worker rows (see the module docstring).

    Parameters
    ----------
    table : pyarrow.Table
        Rows of a worker file, with the columns :func:`models.parquet_files.arrow_schema`
        gives (a subset of them, any order).

    Returns
    -------
    Screened or None
        None when a column has another type than Selaras writes: the screen declines.
    """
    if not screens(table.schema):
        return None
    found = _Found(table.num_rows)
    if not table.num_rows:
        return Screened(found.clean)
    column = WorkerColumns(table)
    found.keep(_ids_ok(column.get("id"), required=True))
    found.keep(_ids_ok(column.get("agency_id"), required=True))
    for name in ("full_name", "province", "religion", "ethnicity", "marital_status"):
        found.keep(_texts_ok(column.get(name)))
    found.keep(_one_of(column.get("gender"), ("F", "M", "X")))
    found.keep(_one_of(column.get("education"), EDUCATION_LEVELS))
    birth_ok, birth = _days_ok(
        column.get("birth_date"), Worker._plausible_birth_date, required=True
    )
    found.keep(birth_ok)
    found.keep(_nik_ok(column.get("nik"), birth, column.get("gender")))
    for name in _LEFT_TO_ROWS:
        found.keep(column.get(name).is_null().to_numpy(zero_copy_only=False))
    found.keep_entries(*_skills_ok(column.get("skills")))
    found.keep_entries(*_certificates_ok(column.get("certificates")))
    found.keep_entries(*_languages_ok(column.get("languages")))
    found.keep_entries(*_experience_ok(column.get("experience")))
    found.keep(_health_ok(column.get("health")))
    found.keep(_documents_ok(column.get("documents")))
    found.keep(_preferences_ok(column.get("preferences")))
    return Screened(found.clean)


def screens(schema: pa.Schema) -> bool:
    """Whether :func:`screen_workers` reads tables of ``schema``: every column one the
    screen reviews, of the type :func:`models.parquet_files.arrow_schema` gives it.

    Parameters
    ----------
    schema : pyarrow.Schema

    Returns
    -------
    bool
    """
    canonical = arrow_schema("workers")
    return all(
        field.name in _REVIEWED and field.type.equals(canonical.field(field.name).type)
        for field in schema
    )


class _Found:
    """Clean rows so far: every check narrows them."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.clean = np.ones(n, np.bool_)

    def keep(self, ok: Bools) -> None:
        self.clean &= ok

    def keep_entries(self, ok: Bools, entry_ok: Bools, parents: Ints) -> None:
        """Rows ``ok`` whose every entry (of a list column) is ``entry_ok``."""
        self.clean &= ok
        bad = np.bincount(parents[~entry_ok], minlength=self.n)
        self.clean &= bad == 0


class WorkerColumns:
    """The columns of a table of worker rows by name, each one array (the table's chunks
    combined); a column the file lacks reads as all null.

    Parameters
    ----------
    table : pyarrow.Table
        Worker rows with the columns :func:`models.parquet_files.arrow_schema` gives.
    """

    def __init__(self, table: pa.Table) -> None:
        self.table = table.combine_chunks()
        self.schema = arrow_schema("workers")

    def get(self, name: str) -> pa.Array:
        """The column ``name``."""
        if name in self.table.column_names and self.table.num_rows:
            return self.table.column(name).chunk(0)  # one chunk: combined
        return pa.nulls(self.table.num_rows, self.schema.field(name).type)

    def fields(self, name: str) -> dict[str, pa.Array]:
        """The fields of the struct column ``name`` (:func:`struct_fields`)."""
        return struct_fields(self.get(name))


def struct_fields(structs: pa.Array) -> dict[str, pa.Array]:
    """A struct column's fields by name, null where the struct is null.

    Parameters
    ----------
    structs : pyarrow.StructArray

    Returns
    -------
    dict of str to pyarrow.Array
    """
    return {structs.type.field(i).name: child for i, child in enumerate(structs.flatten())}


def _valid(array: pa.Array) -> Bools:
    return array.is_valid().to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


def _flags(array: pa.Array) -> Bools:
    """A boolean column as numpy, null as False."""
    return array.fill_null(False).to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


def _ids_ok(array: pa.Array, *, required: bool = False) -> Bools:
    ok = pc.and_(
        pc.match_substring_regex(array, _ASCII_ID),
        pc.less_equal(pc.binary_length(array), _MAX_ID),
    )
    return _flags(ok) | (~_valid(array) & (not required))


def _texts_ok(array: pa.Array, *, required: bool = False) -> Bools:
    """Short texts as written (null: absent, valid unless ``required``), checked once per
    distinct text: printable ASCII by Arrow's RE2 at once, any other by the typed reader's
    own pattern."""
    encoded = pc.dictionary_encode(array)
    distinct = encoded.dictionary
    ascii_ok = pc.and_(
        pc.match_substring_regex(distinct, _ASCII_TEXT),
        pc.less_equal(pc.binary_length(distinct), _MAX_TEXT),
    )
    ok = np.append(_flags(ascii_ok), not required)  # the last: a null's verdict
    for i in np.flatnonzero(~ok[:-1]).tolist():
        ok[i] = _short_text(distinct[i].as_py())
    return ok[encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)]  # type: ignore[no-any-return]


def _short_text(text: Any) -> bool:
    return len(text) <= _MAX_TEXT and _SHORT_TEXT.search(text) is not None


def _one_of(array: pa.Array, allowed: Iterable[str]) -> Bools:
    inside = pc.is_in(array, value_set=pa.array(sorted(allowed), pa.string()))
    return _flags(inside) | ~_valid(array)


def _per_distinct(array: pa.Array, judge: Callable[[Any], bool]) -> Bools:
    """``judge`` of each value, run once per distinct value (False for a null)."""
    encoded = pc.dictionary_encode(array)
    verdicts = np.array([judge(v) for v in encoded.dictionary.to_pylist()] + [False])
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return verdicts[codes]  # type: ignore[no-any-return]


def day_numbers(
    array: pa.Array, check: Callable[[dt.date], object] = check_date
) -> tuple[Bools, NDArray[np.int32]]:
    """Dates written ``YYYY-MM-DD`` as the typed reader reads them, once per distinct text.

    Parameters
    ----------
    array : pyarrow.Array of strings
    check : callable
        Raises ``ValueError`` for a date the field refuses (:func:`models.bounds.check_date`
        by default; it is run too).

    Returns
    -------
    ok : ndarray of bool
        Present and a date the field accepts.
    days : ndarray of int32
        Days since 1970-01-01 where ``ok`` (else the least int32).
    """
    encoded = pc.dictionary_encode(array)
    distinct = encoded.dictionary.to_pylist()
    days = np.full(len(distinct) + 1, _NO_DAY, np.int32)
    good = np.zeros(len(distinct) + 1, np.bool_)
    for i, text in enumerate(distinct):
        try:
            day = _DAY.decode(orjson.dumps(text))
            check_date(day)
            check(day)
        except (msgspec.ValidationError, msgspec.DecodeError, ValueError):
            continue
        good[i], days[i] = True, day.toordinal() - _EPOCH
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return good[codes], days[codes]


def _days_ok(
    array: pa.Array, check: Callable[[dt.date], object] = check_date, *, required: bool = False
) -> tuple[Bools, NDArray[np.int32]]:
    ok, days = day_numbers(array, check)
    return ok | (~_valid(array) & (not required)), days


def _ordered(first: NDArray[np.int32], then: NDArray[np.int32]) -> Bools:
    """Not both dates known with ``then`` before ``first`` (:func:`models.common.check_order`)."""
    both = (first != _NO_DAY) & (then != _NO_DAY)
    return ~both | (then >= first)  # type: ignore[no-any-return]


def _ints_ok(array: pa.Array, low: int, high: int) -> Bools:
    values = array.fill_null(low).to_numpy(zero_copy_only=False)
    return (values >= low) & (values <= high)  # type: ignore[no-any-return]


def _nik_ok(nik: pa.Array, birth: NDArray[np.int32], gender: pa.Array) -> Bools:
    """Absent, or 16 digits embedding a birth date (day + 40 for women) that agrees with
    ``birth_date`` and ``gender``: ``Worker._nik_has_a_date`` accepts it and
    :meth:`models.worker.Worker.warnings` has nothing to say (tests hold this to both)."""
    digits = pc.match_substring_regex(nik, r"^[0-9]{16}$").fill_null(False)
    written = pc.if_else(digits, pc.utf8_slice_codeunits(nik, 6, 12), "000000")
    number = pc.cast(written, pa.int64()).to_numpy(zero_copy_only=False)
    day, month, year2 = number // 10000, number // 100 % 100, number % 100
    female = day > 40
    day = np.where(female, day - 40, day)
    # 2000 is a leap year: the NIK check accepts 29 February for any year.
    month_days = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    a_date = (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days[np.clip(month, 0, 12)])
    stamp = birth.astype("datetime64[D]")  # an unknown birth (least int32) agrees with none
    months = stamp.astype("datetime64[M]")
    years = stamp.astype("datetime64[Y]")
    agrees = (
        (day == (stamp - months).astype(np.int64) + 1)
        & (month == (months - years).astype(np.int64) + 1)
        & (year2 == (years.astype(np.int64) + 1970) % 100)
        & (birth != _NO_DAY)
    )
    sex = gender.fill_null("").to_numpy(zero_copy_only=False)
    gender_agrees = ~np.isin(sex, ("F", "M")) | (female == (sex == "F"))
    ok = _flags(digits) & a_date & agrees & gender_agrees
    return ok | ~_valid(nik)  # type: ignore[no-any-return]


def _entries(lists: pa.Array, most: int = MAX_ITEMS) -> tuple[Bools, pa.Array, Ints]:
    """A list column: rows whose list has at most ``most`` items and no null item; its
    items flattened; each item's row."""
    lengths = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False)
    items = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    ok = lengths <= most
    null_items = np.bincount(parents[~_valid(items)], minlength=len(lengths)) if len(items) else 0
    return ok & (null_items == 0), items, parents


def _skills_ok(lists: pa.Array) -> tuple[Bools, Bools, Ints]:
    ok, items, parents = _entries(lists)
    field = struct_fields(items)
    entry = (
        _texts_ok(field["name"], required=True)
        & _ints_ok(field["months"], 0, MAX_MONTHS)
        & _ints_ok(field["level"], 1, 5)
    )
    return ok, entry, parents


def _certificates_ok(lists: pa.Array) -> tuple[Bools, Bools, Ints]:
    ok, items, parents = _entries(lists)
    field = struct_fields(items)
    issued_ok, issued = _days_ok(field["issued"])
    expires_ok, expires = _days_ok(field["expires"])
    score = field["score"]
    values = score.fill_null(0.0).to_numpy(zero_copy_only=False)
    score_ok = np.isfinite(values) & (values >= 0) & (values <= MAX_CERTIFICATE_SCORE)
    entry = (
        _texts_ok(field["name"], required=True)
        & _texts_ok(field["skill"])
        & _texts_ok(field["number"])
        & _one_of(field["scheme"], CERTIFICATE_SCHEMES)
        & _valid(field["scheme"])
        & issued_ok
        & expires_ok
        & _ordered(issued, expires)
        & score_ok
        # A grade is checked in Python only (as the typed reader leaves it to pydantic).
        & ~_valid(field["grade"])
    )
    return ok, entry, parents


LanguageKey = tuple[str, str, int | None, tuple[tuple[str, int], ...] | None]
"""A language result as a Parquet row holds it: test, result (text), score, sections."""


def language_keys(items: pa.StructArray) -> tuple[list[LanguageKey], Ints]:
    """The distinct language results of a flattened ``languages`` column, and each entry's.

    Parameters
    ----------
    items : pyarrow.StructArray
        The results (one per entry).

    Returns
    -------
    keys : list of LanguageKey
        Distinct (test, result, score, sections), in order of first appearance.
    codes : ndarray of int64
        Each entry's key.
    """
    field = struct_fields(items)
    sections = field["sections"]
    plain = pc.binary_join_element_wise(
        field["test"].fill_null(""),
        field["result"].fill_null(""),
        pc.cast(field["score"], pa.string()).fill_null(""),
        "\x1f",
    )
    encoded = pc.dictionary_encode(plain)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    table: list[LanguageKey] = []
    for text in encoded.dictionary.to_pylist():  # one per distinct result, in order
        test, result, score = text.split("\x1f")
        table.append((test, result, int(score) if score else None, None))
    keys: dict[LanguageKey, int] = {}
    with_sections = np.flatnonzero(_valid(sections))
    if len(with_sections):
        taken = pa.array(with_sections)
        rows = zip(
            field["test"].take(taken).to_pylist(),
            field["result"].take(taken).to_pylist(),
            field["score"].take(taken).to_pylist(),
            sections.take(taken).to_pylist(),
            strict=True,
        )
        for entry, (test, result, score, pairs) in zip(with_sections.tolist(), rows, strict=True):
            key = (test, result, score, tuple(sorted(pairs)))
            code = keys.get(key)
            if code is None:
                code = keys[key] = len(table)
                table.append(key)
            codes[entry] = code
    return table, codes


def language_result(key: LanguageKey) -> LanguageResult | None:
    """The result as the row reader stores it, when it is stored as written (else None:
    invalid, or changed by validation, as a result with spaces around it is)."""
    test, text, score, sections = key
    raw: dict[str, Any] = {"test": test, "result": number_or_text(text)}
    if score is not None:
        raw["score"] = score
    if sections is not None:
        raw["sections"] = dict(sections)
    try:
        found = LanguageResult.model_validate(raw)
    except ValueError:
        return None
    same = type(found.result) is type(raw["result"]) and found.result == raw["result"]
    if not same or found.score != score:
        return None
    if (found.sections is None) != (sections is None) or (
        sections is not None and found.sections != dict(sections)
    ):
        return None
    return found


def _languages_ok(lists: pa.Array) -> tuple[Bools, Bools, Ints]:
    ok, items, parents = _entries(lists)
    field = struct_fields(items)
    date_ok, _ = _days_ok(field["date"])
    keys, codes = language_keys(items)
    judged = np.array([language_result(k) is not None for k in keys] + [False], np.bool_)
    entry = (
        _one_of(field["test"], LANGUAGE_TESTS)
        & _valid(field["test"])
        & _valid(field["result"])
        & judged[codes]
        & date_ok
    )
    return ok, entry, parents


def _experience_ok(lists: pa.Array) -> tuple[Bools, Bools, Ints]:
    ok, items, parents = _entries(lists)
    field = struct_fields(items)
    start_ok, start = _days_ok(field["start"])
    end_ok, end = _days_ok(field["end"])
    used_ok, used, used_parents = _entries(field["skills_used"])
    used_bad = np.bincount(used_parents[~_texts_ok(used, required=True)], minlength=len(items))
    entry = (
        _texts_ok(field["title"], required=True)
        & _one_of(field["isco"], ISCO_UNIT_GROUPS)
        & _one_of(field["country"], COUNTRIES)
        & _one_of(field["programme"], PROGRAMMES)
        & _ints_ok(field["months"], 0, MAX_MONTHS)
        & start_ok
        & end_ok
        & _ordered(start, end)
        & used_ok
        & (used_bad == 0)
    )
    return ok, entry, parents


def _health_ok(health: pa.Array) -> Bools:
    ok, _ = _days_ok(struct_fields(health)["checked"])
    return ok


def _documents_ok(documents: pa.Array) -> Bools:
    ok, _ = _days_ok(struct_fields(documents)["passport_expires"])
    return ok


def _preferences_ok(preferences: pa.Array) -> Bools:
    field = struct_fields(preferences)
    ok, items, parents = _entries(field["countries"], MAX_COUNTRIES)
    unknown = np.bincount(parents[~_one_of(items, COUNTRIES)], minlength=len(ok))
    found: Bools = ok & (unknown == 0) & _wages_ok(field["min_monthly_wage"])
    return found


def _wages_ok(wages: pa.Array) -> Bools:
    """Absent, or a monthly wage :class:`models.common.MonthlyWage` stores as written
    (checked once per distinct amount and currency)."""
    field = struct_fields(wages)
    amount, currency = field["amount"], field["currency"]
    present = _valid(wages)
    values = amount.fill_null(0.0).to_numpy(zero_copy_only=False)
    whole = present & _valid(amount) & _valid(currency) & np.isfinite(values)
    rows = np.flatnonzero(whole)
    ok = ~present
    if len(rows):
        taken = pa.array(rows)
        keys = pc.binary_join_element_wise(
            pc.cast(amount.take(taken), pa.string()), currency.take(taken), "\x1f"
        )
        encoded = pc.dictionary_encode(keys)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        _, first = np.unique(codes, return_index=True)  # a row of each distinct wage
        at = pa.array(rows[first])
        verdicts = np.array(
            [
                _wage_ok(a, c)
                for a, c in zip(
                    amount.take(at).to_pylist(), currency.take(at).to_pylist(), strict=True
                )
            ],
            np.bool_,
        )
        ok[rows] = verdicts[codes]
    return ok


def _wage_ok(amount: float, currency: str) -> bool:
    try:
        wage = MonthlyWage.model_validate({"amount": amount, "currency": currency})
    except ValueError:
        return False
    return wage.amount == amount and wage.currency == currency
