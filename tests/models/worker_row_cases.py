"""Worker records for the reader-equivalence tests: valid rows, rows with a warning, bad rows.

Every case starts from a record of the bundled sample pool (``data/sample/pool``, all valid
and without a warning), gets an id of its own, and is then changed in *one* way by a case
kind of :data:`CASE_KINDS`, so that exactly that change decides whether the row is valid,
valid with a warning, or invalid (the kind's ``fate``). The kinds cover texts, ids, the
NIK, dates and their bounds, codes, numbers, language results, list lengths, sub-records
and the returnee fields (docs/format.md, "Worker" and "Returnee fields").

The records are what a JSON Lines line decodes to (``json.dumps`` writes them back; a
lone surrogate is escaped). Some kinds cannot go through Parquet as written, and have
``parquet_safe=False``: an unknown field (:func:`models.parquet_files.parquet_table`
drops it), a JSON type the schema's column cannot hold (a text where a number belongs, a
number where a text belongs, a lone surrogate) or holds changed (``true`` as a wage reads
back as 1.0, months 12.5 as 12), and a null that Parquet reads as absent where the two
get different errors (a required field's null). They are drawn only when the caller
passes ``parquet_safe=False``. Every other record converts, and its Parquet row gets the
verdict and the very error messages its JSON line gets.

Draws are reproducible from the seed: the same ``(seed, n, parquet_safe)`` always gives
the same records.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from models.bounds import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CERTIFICATE_SCORE,
    MAX_COUNTRIES,
    MAX_ITEMS,
    MAX_MONTHS,
    MONEY_CEILING_MONTHS,
    MONTHLY_WAGE_CEILINGS,
    UNKNOWN_CURRENCY_MONTHLY_CEILING,
)
from tests.paths import POOL

__all__ = [
    "CASE_KINDS",
    "CaseKind",
    "Fate",
    "LabelledCase",
    "every_case_kind",
    "labelled_worker_cases",
    "valid_worker_cases",
    "worker_cases",
]

Record = dict[str, Any]
Fate = Literal["valid", "warned", "invalid"]
"""What the reader makes of a row: valid, valid with a warning, or an error."""


@dataclass
class _Context:
    """What a mutation may use: the seeded generator, the row's index (for unique ids)
    and the (agency_id, id) keys of the valid rows before it, in order."""

    rng: random.Random
    index: int
    earlier: list[tuple[str, str]]
    keys: set[tuple[str, str]]


Mutation = Callable[[Record, _Context], None]


@dataclass(frozen=True)
class CaseKind:
    """One way of changing a valid sample record.

    Attributes
    ----------
    name : str
        ``group.what`` (``@where`` when the change is made at several places).
    group : str
        texts, ids, nik, birth_date, dates, order, codes, numbers, languages, lists,
        sub_records or sample (unchanged).
    fate : Fate
        What the row-by-row reader makes of the changed record.
    mutate : Mutation
        Changes a record in place.
    parquet_safe : bool
        False when Parquet cannot hold the record as written (see the module's doc).
    needs_earlier : bool
        The change refers to an earlier valid row (a repeated id, a case variant of one).
    """

    name: str
    group: str
    fate: Fate
    mutate: Mutation
    parquet_safe: bool = True
    needs_earlier: bool = False


class LabelledCase(NamedTuple):
    """A record with the case kind that made it and its expected fate."""

    kind: str
    fate: Fate
    record: Record


# --- the sample pool and valid parts -------------------------------------------------------


@functools.cache
def _pool() -> tuple[Record, ...]:
    """The bundled sample pool's workers (read once; every record valid, no warning)."""
    with (POOL / "workers.jsonl").open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


_SKILL: Record = {"name": "las listrik", "months": 48, "level": 3}
_CERTIFICATE: Record = {
    "name": "Juru Las SMAW 3G",
    "skill": "SMAW welding",
    "scheme": "BNSP",
    "number": "LSP-WEL/1234/2024",
    "issued": "2024-03-01",
    "expires": "2027-03-01",
}
_TRADE_TEST: Record = {
    "name": "技能検定 溶接",
    "skill": "welding",
    "scheme": "JP-TRADE-TEST",
    "issued": "2023-02-10",
    "expires": None,
}
_LANGUAGE: Record = {"test": "JLPT", "result": "N4", "date": "2024-12-01"}
_WORK_AT_HOME: Record = {
    "title": "juru las SMAW",
    "isco": "7212",
    "country": "ID",
    "months": 48,
    "start": "2019-01-01",
    "end": "2022-12-31",
}
_WORK_ABROAD: Record = {
    "title": "production operator",
    "isco": "8219",
    "country": "KR",
    "programme": "KR-EPS",
    "months": 35,
    "start": "2021-01-04",
    "end": "2023-12-29",
    "completed_contract": True,
    "skills_used": ["forklift", "pengemasan"],
}
_HOME: Record = {"province": "Jawa Tengah", "regency": "Kabupaten Kendal"}
_REINTEGRATION: Record = {
    "interests": ["employment", "trainer"],
    "capital": {"amount": 40_000_000, "currency": "IDR"},
    "relocate": "province",
}
_AGENCIES = tuple(f"P3MI-{number:04d}" for number in range(1, 31))


def _base(rng: random.Random, index: int) -> Record:
    """A copy of a random sample record with an id of its own (the pool id, then the row)."""
    record = copy.deepcopy(rng.choice(_pool()))
    record["id"] = f"{record['id']}-{index:05d}"
    return record


def _item(record: Record, field: str, default: Record, ctx: _Context) -> Record:
    """A random item of one of the record's lists, a copy of ``default`` added when the
    list is absent or empty (adding a valid item keeps the record valid)."""
    items = record.get(field)
    if not items:
        items = record[field] = [copy.deepcopy(default)]
    chosen: Record = ctx.rng.choice(items)
    return chosen


def _added(record: Record, field: str, item: Record) -> Record:
    """``item`` (copied) appended to one of the record's lists, which is made if absent."""
    added = copy.deepcopy(item)
    record.setdefault(field, []).append(added)
    return added


def _part(record: Record, field: str) -> Record:
    """A sub-record (``health``, ``documents``...), an empty one made when absent."""
    part = record.get(field)
    if not isinstance(part, dict):
        part = record[field] = {}
    return part


def _key(record: Record) -> tuple[str, str] | None:
    """The (agency_id, id) the reader keys a valid record by (stripped, as validated)."""
    agency, identifier = record.get("agency_id"), record.get("id")
    if not isinstance(agency, str) or not isinstance(identifier, str):
        return None
    return agency.strip(), identifier.strip()


def _is_abroad(work: Record) -> bool:
    """``Experience.abroad`` on a raw item: a country other than ID, else a programme."""
    country = work.get("country")
    if isinstance(country, str):
        return country.strip().upper() != "ID"
    return work.get("programme") is not None


def _latest_abroad_end(record: Record) -> str | None:
    ends = [w["end"] for w in record.get("experience") or [] if _is_abroad(w) and w.get("end")]
    return max(ends, default=None)


# --- NIK -----------------------------------------------------------------------------------


def _nik(record: Record, day: int, month: int, year: int, female: bool) -> str:
    """A NIK with the record's region and serial (or made-up ones) and this birth date."""
    old = record.get("nik")
    if not isinstance(old, str) or len(old) != 16:
        old = "3273010000000002"
    region, serial = old[:6], old[12:]
    return f"{region}{day + 40 * female:02d}{month:02d}{year % 100:02d}{serial}"


def _matching_nik(record: Record, *, female: bool | None = None) -> str:
    """The NIK that agrees with the record's birth date and gender (no warning)."""
    birth = dt.date.fromisoformat(record["birth_date"])
    is_female = record.get("gender") == "F" if female is None else female
    return _nik(record, birth.day, birth.month, birth.year, is_female)


def _with_birth_date(day: str) -> Mutation:
    """A valid birth date, with the NIK made to agree (else it would warn)."""

    def mutate(record: Record, ctx: _Context) -> None:
        record["birth_date"] = day
        record["nik"] = _matching_nik(record)

    return mutate


# --- small mutation factories ----------------------------------------------------------------


def _set(field: str, value: Any) -> Mutation:
    """Set a top-level field (a deep copy of ``value``)."""

    def mutate(record: Record, ctx: _Context) -> None:
        record[field] = copy.deepcopy(value)

    return mutate


def _drop(field: str) -> Mutation:
    """Leave a field out."""

    def mutate(record: Record, ctx: _Context) -> None:
        record.pop(field, None)

    return mutate


def _set_in(field: str, default: Record, key: str, value: Any) -> Mutation:
    """Set ``key`` of a random item of the list ``field`` (added when there is none)."""

    def mutate(record: Record, ctx: _Context) -> None:
        _item(record, field, default, ctx)[key] = copy.deepcopy(value)

    return mutate


def _set_part(field: str, key: str, value: Any) -> Mutation:
    """Set ``key`` of a sub-record (made when absent)."""

    def mutate(record: Record, ctx: _Context) -> None:
        _part(record, field)[key] = copy.deepcopy(value)

    return mutate


def _add(field: str, item: Record) -> Mutation:
    """Append a (valid or not) item to one of the record's lists."""

    def mutate(record: Record, ctx: _Context) -> None:
        _added(record, field, item)

    return mutate


def _kind(
    name: str,
    group: str,
    fate: Fate,
    mutate: Mutation,
    *,
    safe: bool = True,
    needs_earlier: bool = False,
) -> CaseKind:
    return CaseKind(name, group, fate, mutate, parquet_safe=safe, needs_earlier=needs_earlier)


def _unchanged(record: Record, ctx: _Context) -> None:
    """A sample record as it is (its id made unique)."""


# --- texts ---------------------------------------------------------------------------------

TextChange = Callable[[str, _Context], Any]
TextPlace = Callable[[Record, _Context, TextChange], None]

# Inside a text every one of these is an error; NEL (U+0085) and the C0 separators
# (U+001C-U+001F) matter at the ends too: pydantic strips NEL (Unicode White_Space) but
# not U+001F, which Python's str.strip would.
_CONTROLS = ("\x00", "\n", "\t", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f")
_UNSTRIPPED_CONTROLS = ("\x00", "\x1b", "\x1c", "\x1f", "\x7f", "\x9f")


def _filled(text: str, length: int) -> str:
    """``text`` repeated to exactly ``length`` characters, no white space at either end."""
    filled = (text * (length // max(len(text), 1) + 1))[:length]
    return filled if filled == filled.strip() else "x" * length


def _padded(text: str, ctx: _Context) -> str:
    return f"  {text}  "


def _tab_padded(text: str, ctx: _Context) -> str:
    return f"\t{text}\r\n"


def _unicode_space_padded(text: str, ctx: _Context) -> str:
    # Ideographic space and no-break space: Unicode White_Space, stripped by pydantic.
    return f"\u3000{text}\u00a0"


def _nel_at_end(text: str, ctx: _Context) -> str:
    # NEL is a C1 control but also White_Space: stripped at an end, so valid.
    return f"{text}\x85"


def _at_max_length(text: str, ctx: _Context) -> str:
    return _filled(text, 300)


def _over_max_padded(text: str, ctx: _Context) -> str:
    # 302 characters as written, 300 once stripped: valid.
    return f" {_filled(text, 300)} "


def _javanese(text: str, ctx: _Context) -> str:
    return "ꦱꦶꦠꦶ ꦫꦲ꧀ꦩꦮꦠꦶ"


def _chinese(text: str, ctx: _Context) -> str:
    return "电焊工 王秀英"


def _arabic(text: str, ctx: _Context) -> str:
    return "سيتي رحمواتي"


def _emoji(text: str, ctx: _Context) -> str:
    # A ZWJ sequence: U+200D is a format character, not a control.
    return f"{text} 👩\u200d🏭"


def _combining(text: str, ctx: _Context) -> str:
    return "Se\u0301ti Ra\u0308hma"


def _emoji_at_max_length(text: str, ctx: _Context) -> str:
    # 300 characters but 1,200 UTF-8 bytes: the bound counts characters.
    return "👷" * 300


def _line_separator_inside(text: str, ctx: _Context) -> str:
    # U+2028 is a separator (Zl), not a control (Cc): allowed inside a text.
    return f"{text[:1]}\u2028{text[1:]}"


def _control_inside(text: str, ctx: _Context) -> str:
    middle = max(len(text) // 2, 1)
    return f"{text[:middle]}{ctx.rng.choice(_CONTROLS)}{text[middle:]}"


def _control_at_end(text: str, ctx: _Context) -> str:
    return f"{text}{ctx.rng.choice(_UNSTRIPPED_CONTROLS)}"


def _empty(text: str, ctx: _Context) -> str:
    return ""


def _only_spaces(text: str, ctx: _Context) -> str:
    return "   "


def _over_max_length(text: str, ctx: _Context) -> str:
    return _filled(text, 301)


def _emoji_over_max_length(text: str, ctx: _Context) -> str:
    return "👷" * 301


def _lone_surrogate(text: str, ctx: _Context) -> str:
    # Refused by the strict JSON reader; Arrow cannot encode it (not Parquet-safe).
    return f"{text}\ud800"


def _number(text: str, ctx: _Context) -> int:
    return 12345


def _null(text: str, ctx: _Context) -> None:
    return None


_TEXT_CHANGES: tuple[tuple[str, Fate, TextChange, bool], ...] = (
    ("padded", "valid", _padded, True),
    ("tab_newline_padded", "valid", _tab_padded, True),
    ("unicode_space_padded", "valid", _unicode_space_padded, True),
    ("nel_at_end", "valid", _nel_at_end, True),
    ("300_characters", "valid", _at_max_length, True),
    ("302_characters_padded", "valid", _over_max_padded, True),
    ("javanese", "valid", _javanese, True),
    ("chinese", "valid", _chinese, True),
    ("arabic", "valid", _arabic, True),
    ("emoji", "valid", _emoji, True),
    ("combining_marks", "valid", _combining, True),
    ("300_emoji", "valid", _emoji_at_max_length, True),
    ("line_separator_inside", "valid", _line_separator_inside, True),
    ("control_inside", "invalid", _control_inside, True),
    ("control_at_end", "invalid", _control_at_end, True),
    ("empty", "invalid", _empty, True),
    ("only_spaces", "invalid", _only_spaces, True),
    ("301_characters", "invalid", _over_max_length, True),
    ("301_emoji", "invalid", _emoji_over_max_length, True),
    ("lone_surrogate", "invalid", _lone_surrogate, False),
    ("number", "invalid", _number, False),
)


def _top_text(field: str, default: str) -> TextPlace:
    def apply(record: Record, ctx: _Context, change: TextChange) -> None:
        record[field] = change(record.get(field) or default, ctx)

    return apply


def _item_text(field: str, default: Record, key: str, fallback: str) -> TextPlace:
    def apply(record: Record, ctx: _Context, change: TextChange) -> None:
        item = _item(record, field, default, ctx)
        item[key] = change(item.get(key) or fallback, ctx)

    return apply


def _skills_used_text(record: Record, ctx: _Context, change: TextChange) -> None:
    work = _item(record, "experience", _WORK_ABROAD, ctx)
    used = work.get("skills_used") or ["forklift"]
    work["skills_used"] = used
    index = ctx.rng.randrange(len(used))
    used[index] = change(used[index], ctx)


# (where, how to change it there, the fate of a null there, whether that null is
# Parquet-safe). An optional text may be null (absent). A required field's null becomes a
# missing field in Parquet (another message), but a null item of a list stays a null.
_TEXT_PLACES: tuple[tuple[str, TextPlace, Fate, bool], ...] = (
    ("full_name", _top_text("full_name", "Siti Rahmawati"), "valid", True),
    ("province", _top_text("province", "Jawa Barat"), "valid", True),
    ("religion", _top_text("religion", "Islam"), "valid", True),
    ("skills[].name", _item_text("skills", _SKILL, "name", "las listrik"), "invalid", False),
    (
        "certificates[].name",
        _item_text("certificates", _CERTIFICATE, "name", "Juru Las SMAW 3G"),
        "invalid",
        False,
    ),
    (
        "certificates[].skill",
        _item_text("certificates", _CERTIFICATE, "skill", "welding"),
        "valid",
        True,
    ),
    (
        "certificates[].number",
        _item_text("certificates", _CERTIFICATE, "number", "12345"),
        "valid",
        True,
    ),
    (
        "experience[].title",
        _item_text("experience", _WORK_AT_HOME, "title", "operator"),
        "invalid",
        False,
    ),
    ("experience[].skills_used[]", _skills_used_text, "invalid", True),
)


def _text_mutation(place: TextPlace, change: TextChange) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        place(record, ctx, change)

    return mutate


def _text_kinds() -> list[CaseKind]:
    kinds = []
    for where, place, null_fate, null_safe in _TEXT_PLACES:
        for what, fate, change, safe in _TEXT_CHANGES:
            mutate = _text_mutation(place, change)
            kinds.append(_kind(f"texts.{what}@{where}", "texts", fate, mutate, safe=safe))
        mutate = _text_mutation(place, _null)
        kinds.append(_kind(f"texts.null@{where}", "texts", null_fate, mutate, safe=null_safe))
    return kinds


# --- ids -----------------------------------------------------------------------------------


def _id_to(make: Callable[[str, int], str]) -> Mutation:
    """Replace the id by one made from it and the row index."""

    def mutate(record: Record, ctx: _Context) -> None:
        record["id"] = make(record["id"], ctx.index)

    return mutate


def _id_of_length(length: int) -> Callable[[str, int], str]:
    def make(identifier: str, index: int) -> str:
        return f"W-{index:05d}-".ljust(length, "x")

    return make


def _bad_character(identifier: str, index: int) -> str:
    return f"W#{index}" if index % 3 == 0 else f"W {index}" if index % 3 == 1 else f"W–{index}"


def _lower_case(identifier: str, index: int) -> str:
    return identifier.lower()


def _punctuated(identifier: str, index: int) -> str:
    # Every punctuation mark an id allows.
    return f"W.{index}:a/b_c-d"


def _repeated(*, pad: bool = False) -> Mutation:
    """The (agency_id, id) of an earlier valid row: an error (a duplicate)."""

    def mutate(record: Record, ctx: _Context) -> None:
        agency, identifier = ctx.rng.choice(ctx.earlier)
        record["agency_id"] = agency
        # The reader compares validated ids: " W-1 " repeats "W-1".
        record["id"] = f" {identifier} " if pad else identifier

    return mutate


def _earlier_id_elsewhere(record: Record, ctx: _Context) -> None:
    """An earlier valid row's id under another agency: a different key, valid."""
    agency, identifier = ctx.rng.choice(ctx.earlier)
    others = [a for a in _AGENCIES if a != agency and (a, identifier) not in ctx.keys]
    # An agency of the row's own when every listed one already has this id.
    record["agency_id"] = ctx.rng.choice(others) if others else f"P3MI-R{ctx.index}"
    record["id"] = identifier


def _earlier_id_other_case(record: Record, ctx: _Context) -> None:
    """An earlier valid row's id in other case, same agency: ids are case-sensitive."""
    agency, identifier = ctx.rng.choice(ctx.earlier)
    record["agency_id"] = agency
    record["id"] = identifier.lower() if identifier != identifier.lower() else identifier.upper()


def _earlier_agency_other_case(record: Record, ctx: _Context) -> None:
    """An earlier valid row's id under its agency written in lower case: another key."""
    agency, identifier = ctx.rng.choice(ctx.earlier)
    record["agency_id"] = agency.lower()
    record["id"] = identifier


def _id_number(record: Record, ctx: _Context) -> None:
    record["id"] = ctx.index


def _id_kinds() -> list[CaseKind]:
    return [
        _kind("ids.bad_character", "ids", "invalid", _id_to(_bad_character)),
        _kind("ids.64_characters", "ids", "valid", _id_to(_id_of_length(64))),
        _kind("ids.65_characters", "ids", "invalid", _id_to(_id_of_length(65))),
        _kind("ids.starts_with_dash", "ids", "invalid", _id_to(lambda i, n: f"-{i}")),
        _kind("ids.starts_with_dot", "ids", "invalid", _id_to(lambda i, n: f".{i}")),
        _kind("ids.lower_case", "ids", "valid", _id_to(_lower_case)),
        _kind("ids.every_allowed_mark", "ids", "valid", _id_to(_punctuated)),
        _kind("ids.padded", "ids", "valid", _id_to(lambda i, n: f"  {i} ")),
        _kind("ids.empty", "ids", "invalid", _id_to(lambda i, n: "")),
        _kind("ids.missing", "ids", "invalid", _drop("id")),
        _kind("ids.agency_missing", "ids", "invalid", _drop("agency_id")),
        _kind("ids.agency_bad_character", "ids", "invalid", _set("agency_id", "P3MI 0042")),
        _kind("ids.agency_lower_case", "ids", "valid", _set("agency_id", "p3mi-0042")),
        _kind("ids.duplicate", "ids", "invalid", _repeated(), needs_earlier=True),
        _kind("ids.duplicate_padded", "ids", "invalid", _repeated(pad=True), needs_earlier=True),
        _kind(
            "ids.same_id_other_agency", "ids", "valid", _earlier_id_elsewhere, needs_earlier=True
        ),
        _kind(
            "ids.earlier_id_other_case", "ids", "valid", _earlier_id_other_case, needs_earlier=True
        ),
        _kind(
            "ids.earlier_agency_other_case",
            "ids",
            "valid",
            _earlier_agency_other_case,
            needs_earlier=True,
        ),
        _kind("ids.null", "ids", "invalid", _set("id", None), safe=False),
        _kind("ids.number", "ids", "invalid", _id_number, safe=False),
    ]


# --- NIK -----------------------------------------------------------------------------------


def _nik_text(make: Callable[[str], str]) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        record["nik"] = make(_matching_nik(record))

    return mutate


def _nik_digits(day: int, month: int) -> Mutation:
    """A NIK whose digits 7-10 are ``day`` and ``month`` as written (not always a date)."""

    def mutate(record: Record, ctx: _Context) -> None:
        nik = _matching_nik(record)
        record["nik"] = f"{nik[:6]}{day:02d}{month:02d}{nik[10:]}"

    return mutate


def _nik_other_day(record: Record, ctx: _Context) -> None:
    birth = dt.date.fromisoformat(record["birth_date"])
    day = birth.day % 28 + 1  # another day that every month has
    record["nik"] = _nik(record, day, birth.month, birth.year, record.get("gender") == "F")


def _nik_other_year(record: Record, ctx: _Context) -> None:
    birth = dt.date.fromisoformat(record["birth_date"])
    record["nik"] = _nik(
        record, birth.day, birth.month, birth.year + 1, record.get("gender") == "F"
    )


def _nik_of_sex(gender: str | None, female: bool) -> Mutation:
    """A NIK of one sex (its date right) beside ``gender`` (None: no gender given)."""

    def mutate(record: Record, ctx: _Context) -> None:
        if gender is None:
            record.pop("gender", None)
        else:
            record["gender"] = gender
        record["nik"] = _matching_nik(record, female=female)

    return mutate


def _nik_both_slips(record: Record, ctx: _Context) -> None:
    record["gender"] = "M"
    _nik_other_day(record, ctx)
    record["nik"] = _nik_of_female_day(record["nik"])


def _nik_of_female_day(nik: str) -> str:
    return f"{nik[:6]}{int(nik[6:8]) % 40 + 40:02d}{nik[8:]}"


def _nik_leap_day_in_common_year(record: Record, ctx: _Context) -> None:
    # 29 February is a NIK date for any year (2000 is a leap year), so this is a slip, not
    # an error: the birth date says 28 February 2001.
    record["birth_date"] = "2001-02-28"
    record["nik"] = _nik(record, 29, 2, 2001, record.get("gender") == "F")


def _nik_kinds() -> list[CaseKind]:
    return [
        _kind("nik.15_digits", "nik", "invalid", _nik_text(lambda n: n[:15])),
        _kind("nik.17_digits", "nik", "invalid", _nik_text(lambda n: f"{n}0")),
        _kind("nik.letter", "nik", "invalid", _nik_text(lambda n: f"{n[:13]}O{n[14:]}")),
        _kind(
            "nik.grouped_with_spaces",
            "nik",
            "invalid",
            _nik_text(lambda n: f"{n[:6]} {n[6:12]} {n[12:]}"),
        ),
        _kind("nik.padded", "nik", "valid", _nik_text(lambda n: f" {n} ")),
        _kind("nik.day_32", "nik", "invalid", _nik_digits(32, 1)),
        _kind("nik.day_00", "nik", "invalid", _nik_digits(0, 5)),
        _kind("nik.month_13", "nik", "invalid", _nik_digits(12, 13)),
        _kind("nik.female_day_72", "nik", "invalid", _nik_digits(72, 3)),
        _kind("nik.female_30_february", "nik", "invalid", _nik_digits(70, 2)),
        _kind("nik.date_disagrees", "nik", "warned", _nik_other_day),
        _kind("nik.year_disagrees", "nik", "warned", _nik_other_year),
        _kind("nik.leap_day_in_common_year", "nik", "warned", _nik_leap_day_in_common_year),
        _kind("nik.female_with_gender_m", "nik", "warned", _nik_of_sex("M", female=True)),
        _kind("nik.male_with_gender_f", "nik", "warned", _nik_of_sex("F", female=False)),
        _kind("nik.date_and_sex_disagree", "nik", "warned", _nik_both_slips),
        _kind("nik.female_with_gender_f", "nik", "valid", _nik_of_sex("F", female=True)),
        _kind("nik.female_with_gender_x", "nik", "valid", _nik_of_sex("X", female=True)),
        _kind("nik.female_without_gender", "nik", "valid", _nik_of_sex(None, female=True)),
        _kind("nik.null", "nik", "valid", _set("nik", None)),
        _kind("nik.absent", "nik", "valid", _drop("nik")),
        _kind("nik.number", "nik", "invalid", _set("nik", 3273014509950002), safe=False),
    ]


# --- birth date ----------------------------------------------------------------------------


def _birth_date_kinds() -> list[CaseKind]:
    invalid = {
        "1919-12-31": "1919-12-31",
        "1900-01-01": "1900-01-01",
        "future": "2150-01-01",
        "2001-02-29": "2001-02-29",
        "2001-2-3": "2001-2-3",
        "20010203": "20010203",
        "datetime": "2001-02-03T00:00:00",
        "datetime_z": "2001-02-03T00:00:00Z",
        "padded": " 2001-02-03",  # a date is not a text: nothing strips it
        "empty": "",
    }
    return [
        *(
            _kind(f"birth_date.{name}", "birth_date", "invalid", _set("birth_date", value))
            for name, value in invalid.items()
        ),
        _kind("birth_date.1920-01-01", "birth_date", "valid", _with_birth_date("1920-01-01")),
        _kind("birth_date.2000-02-29", "birth_date", "valid", _with_birth_date("2000-02-29")),
        _kind("birth_date.missing", "birth_date", "invalid", _drop("birth_date")),
        _kind(
            "birth_date.number", "birth_date", "invalid", _set("birth_date", 20010203), safe=False
        ),
        _kind("birth_date.null", "birth_date", "invalid", _set("birth_date", None), safe=False),
    ]


# --- dates of sub-records and their bounds ---------------------------------------------------

DatePlace = Callable[[Record, _Context, Any], None]


def _date_in(field: str, default: Record, key: str, partner: str | None = None) -> DatePlace:
    """Set a date of a list item and leave out the date it is ordered with, so that only
    the date itself decides."""

    def apply(record: Record, ctx: _Context, value: Any) -> None:
        item = _item(record, field, default, ctx)
        item[key] = value
        if partner is not None:
            item.pop(partner, None)

    return apply


def _date_of_part(field: str, key: str) -> DatePlace:
    def apply(record: Record, ctx: _Context, value: Any) -> None:
        _part(record, field)[key] = value

    return apply


def _returned_on(record: Record, ctx: _Context, value: Any) -> None:
    record["returned"] = value


_DATE_PLACES: tuple[tuple[str, DatePlace], ...] = (
    ("certificates[].issued", _date_in("certificates", _CERTIFICATE, "issued", "expires")),
    ("certificates[].expires", _date_in("certificates", _CERTIFICATE, "expires", "issued")),
    ("experience[].start", _date_in("experience", _WORK_AT_HOME, "start", "end")),
    ("experience[].end", _date_in("experience", _WORK_AT_HOME, "end", "start")),
    ("languages[].date", _date_in("languages", _LANGUAGE, "date")),
    ("health.checked", _date_of_part("health", "checked")),
    ("documents.passport_expires", _date_of_part("documents", "passport_expires")),
    ("returned", _returned_on),
)
_DAY = dt.timedelta(days=1)
_DATE_VALUES: tuple[tuple[str, Any, Fate, bool], ...] = (
    ("earliest", EARLIEST_DATE.isoformat(), "valid", True),
    ("before_earliest", (EARLIEST_DATE - _DAY).isoformat(), "invalid", True),
    ("latest", LATEST_DATE.isoformat(), "valid", True),
    ("after_latest", (LATEST_DATE + _DAY).isoformat(), "invalid", True),
    ("year_9999", "9999-12-31", "invalid", True),
    ("datetime", "2024-02-03T10:00:00", "invalid", True),
    ("not_zero_padded", "2024-2-3", "invalid", True),
    ("30_february", "2024-02-30", "invalid", True),
    ("digits", "20240203", "invalid", True),
    ("null", None, "valid", True),
    ("number", 20240203, "invalid", False),
)


def _date_mutation(place: DatePlace, value: Any) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        place(record, ctx, copy.deepcopy(value))

    return mutate


def _date_kinds() -> list[CaseKind]:
    kinds = []
    for where, place in _DATE_PLACES:
        for what, value, fate, safe in _DATE_VALUES:
            # Returning on the earliest date precedes every (plausible) birth date.
            actual: Fate = "invalid" if where == "returned" and what == "earliest" else fate
            kinds.append(
                _kind(
                    f"dates.{what}@{where}",
                    "dates",
                    actual,
                    _date_mutation(place, value),
                    safe=safe,
                )
            )
    return kinds


# --- order of dates, returns -------------------------------------------------------------------


def _certificate_dates(issued: str, expires: str) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        certificate = _item(record, "certificates", _CERTIFICATE, ctx)
        certificate.update(issued=issued, expires=expires)

    return mutate


def _work_dates(start: str, end: str, work: Record) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        _added(record, "experience", work).update(start=start, end=end)

    return mutate


def _returned_before_birth(record: Record, ctx: _Context) -> None:
    birth = dt.date.fromisoformat(record["birth_date"])
    record["returned"] = (birth - _DAY).isoformat()


def _returned_on_birth_date(record: Record, ctx: _Context) -> None:
    # Not before the birth date: valid (and before no work abroad the pool records end).
    record["returned"] = record["birth_date"]
    for work in record.get("experience") or []:
        if _is_abroad(work):
            work.pop("end", None)


def _returned_before_end_of(work: Record) -> Mutation:
    """Work abroad that ends after the return (a warning: the planned end)."""

    def mutate(record: Record, ctx: _Context) -> None:
        added = _added(record, "experience", work)
        added.update(start="2023-04-03", end="2026-04-02")
        record["returned"] = "2025-10-15"

    return mutate


def _returned_on_end_abroad(record: Record, ctx: _Context) -> None:
    _added(record, "experience", _WORK_ABROAD)
    record["returned"] = _latest_abroad_end(record)


def _returned_before_end_at_home(record: Record, ctx: _Context) -> None:
    # Only work abroad counts: a job at home that ends later is no warning.
    _added(record, "experience", _WORK_AT_HOME).update(start="2024-01-02", end="2199-01-01")
    record["returned"] = max(_latest_abroad_end(record) or "2024-06-30", "2024-06-30")


def _returnee(record: Record, ctx: _Context) -> None:
    """A whole returnee: work abroad, its return after it, home and reintegration."""
    _added(record, "experience", _WORK_ABROAD)
    record["returned"] = max(_latest_abroad_end(record) or "", "2024-01-15")
    record["home"] = copy.deepcopy(_HOME)
    record["reintegration"] = copy.deepcopy(_REINTEGRATION)


def _order_kinds() -> list[CaseKind]:
    by_programme = {k: v for k, v in _WORK_ABROAD.items() if k != "country"}
    by_other_programme = {**by_programme, "programme": "OTHER"}
    return [
        _kind(
            "order.certificate_issued_after_expires",
            "order",
            "invalid",
            _certificate_dates("2025-03-01", "2024-03-01"),
        ),
        _kind(
            "order.certificate_expires_on_issue",
            "order",
            "valid",
            _certificate_dates("2024-03-01", "2024-03-01"),
        ),
        _kind(
            "order.work_at_home_starts_after_end",
            "order",
            "invalid",
            _work_dates("2022-06-01", "2021-06-01", _WORK_AT_HOME),
        ),
        _kind(
            "order.work_abroad_starts_after_end",
            "order",
            "invalid",
            _work_dates("2022-06-01", "2021-06-01", _WORK_ABROAD),
        ),
        _kind(
            "order.work_ends_on_start",
            "order",
            "valid",
            _work_dates("2022-06-01", "2022-06-01", _WORK_AT_HOME),
        ),
        _kind("order.returned_before_birth", "order", "invalid", _returned_before_birth),
        _kind("order.returned_on_birth_date", "order", "valid", _returned_on_birth_date),
        _kind(
            "order.returned_before_end_abroad",
            "order",
            "warned",
            _returned_before_end_of(_WORK_ABROAD),
        ),
        _kind(
            "order.returned_before_end_of_programme",
            "order",
            "warned",
            _returned_before_end_of(by_programme),
        ),
        _kind(
            "order.returned_before_end_of_other_programme",
            "order",
            "warned",
            _returned_before_end_of(by_other_programme),
        ),
        _kind("order.returned_on_end_abroad", "order", "valid", _returned_on_end_abroad),
        _kind("order.returned_before_end_at_home", "order", "valid", _returned_before_end_at_home),
        _kind("order.returnee", "order", "valid", _returnee),
    ]


# --- codes ---------------------------------------------------------------------------------


def _preferred(countries: list[str]) -> Mutation:
    return _set_part("preferences", "countries", countries)


def _wage(amount: float, currency: str) -> Mutation:
    return _set_part("preferences", "min_monthly_wage", {"amount": amount, "currency": currency})


def _work(key: str, value: Any) -> Mutation:
    return _set_in("experience", _WORK_AT_HOME, key, value)


def _programme_without_country(programme: str) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        work = _item(record, "experience", _WORK_ABROAD, ctx)
        work.pop("country", None)
        work["programme"] = programme

    return mutate


def _code_kinds() -> list[CaseKind]:
    return [
        _kind("codes.country_lower_case@experience", "codes", "valid", _work("country", "jp")),
        _kind("codes.country_padded@experience", "codes", "valid", _work("country", " JP ")),
        _kind("codes.country_unknown@experience", "codes", "invalid", _work("country", "XX")),
        _kind("codes.country_alpha3@experience", "codes", "invalid", _work("country", "JPN")),
        _kind("codes.country_lower_case@preferences", "codes", "valid", _preferred(["jp", "KR"])),
        _kind("codes.country_unknown@preferences", "codes", "invalid", _preferred(["JP", "XX"])),
        _kind("codes.country_empty@preferences", "codes", "invalid", _preferred([""])),
        _kind("codes.currency_lower_case", "codes", "valid", _wage(9_000_000, "idr")),
        _kind("codes.currency_not_in_rate_table", "codes", "valid", _wage(40_000, "THB")),
        _kind("codes.currency_unknown", "codes", "invalid", _wage(9_000_000, "XXX")),
        _kind("codes.currency_name", "codes", "invalid", _wage(9_000_000, "Rp")),
        _kind("codes.education_unknown", "codes", "invalid", _set("education", "SMK2")),
        _kind("codes.education_lower_case", "codes", "invalid", _set("education", "smk")),
        _kind("codes.education_with_space", "codes", "valid", _set("education", "Paket C")),
        _kind("codes.education_null", "codes", "valid", _set("education", None)),
        _kind("codes.gender_lower_case", "codes", "invalid", _set("gender", "f")),
        _kind("codes.gender_unknown", "codes", "invalid", _set("gender", "L")),
        _kind("codes.gender_null", "codes", "valid", _set("gender", None)),
        _kind("codes.programme_unknown", "codes", "invalid", _work("programme", "JP-SSW3")),
        _kind("codes.programme_lower_case", "codes", "invalid", _work("programme", "jp-ssw1")),
        _kind(
            "codes.programme_without_country",
            "codes",
            "valid",
            _programme_without_country("JP-TITP"),
        ),
        _kind(
            "codes.programme_other_without_country",
            "codes",
            "valid",
            _programme_without_country("OTHER"),
        ),
        _kind("codes.isco_8211", "codes", "valid", _work("isco", "8211")),
        _kind("codes.isco_padded", "codes", "valid", _work("isco", " 8211 ")),
        _kind("codes.isco_821", "codes", "invalid", _work("isco", "821")),
        _kind("codes.isco_9999", "codes", "invalid", _work("isco", "9999")),
        _kind("codes.isco_number", "codes", "invalid", _work("isco", 8211), safe=False),
        _kind(
            "codes.scheme_lower_case",
            "codes",
            "invalid",
            _set_in("certificates", _CERTIFICATE, "scheme", "bnsp"),
        ),
        _kind(
            "codes.scheme_unknown",
            "codes",
            "invalid",
            _set_in("certificates", _CERTIFICATE, "scheme", "LSP"),
        ),
    ]


# --- numbers -------------------------------------------------------------------------------


def _score(value: Any) -> Mutation:
    return _set_in("certificates", _CERTIFICATE, "score", value)


_MONTHS: tuple[tuple[str, Any, Fate, bool], ...] = (
    ("-1", -1, "invalid", True),
    ("0", 0, "valid", True),
    ("max", MAX_MONTHS, "valid", True),
    ("over_max", MAX_MONTHS + 1, "invalid", True),
    ("integral_float", 12.0, "valid", True),  # an int64 column holds it as 12
    ("fraction", 12.5, "invalid", False),  # an int64 column truncates it to 12
    ("text", "12", "valid", False),  # pydantic reads "12"; an int64 column cannot
    ("true", True, "invalid", False),
    ("beyond_int64", 10**20, "invalid", False),
)
_LEVELS: tuple[tuple[int, Fate], ...] = ((0, "invalid"), (1, "valid"), (5, "valid"), (6, "invalid"))


def _number_kinds() -> list[CaseKind]:
    kinds = []
    for where, default in (("skills", _SKILL), ("experience", _WORK_AT_HOME)):
        for what, value, fate, safe in _MONTHS:
            mutate = _set_in(where, default, "months", value)
            name = f"numbers.months_{what}@{where}"
            kinds.append(_kind(name, "numbers", fate, mutate, safe=safe))
    for level, level_fate in _LEVELS:
        mutate = _set_in("skills", _SKILL, "level", level)
        kinds.append(_kind(f"numbers.level_{level}", "numbers", level_fate, mutate))
    ceiling_idr = MONTHLY_WAGE_CEILINGS["IDR"]
    ceiling_jpy = MONTHLY_WAGE_CEILINGS["JPY"]
    capital_ceiling = ceiling_idr * MONEY_CEILING_MONTHS
    kinds += [
        _kind(
            "numbers.level_text",
            "numbers",
            "valid",
            _set_in("skills", _SKILL, "level", "3"),
            safe=False,
        ),
        _kind("numbers.score_negative", "numbers", "invalid", _score(-1)),
        _kind("numbers.score_0", "numbers", "valid", _score(0)),
        _kind("numbers.score_fraction", "numbers", "valid", _score(87.5)),
        _kind("numbers.score_max", "numbers", "valid", _score(MAX_CERTIFICATE_SCORE)),
        _kind("numbers.score_over_max", "numbers", "invalid", _score(MAX_CERTIFICATE_SCORE + 0.5)),
        _kind("numbers.score_true", "numbers", "invalid", _score(True), safe=False),
        _kind("numbers.wage_0", "numbers", "invalid", _wage(0, "IDR")),
        _kind("numbers.wage_negative", "numbers", "invalid", _wage(-5_000_000, "IDR")),
        _kind("numbers.wage_normal_idr", "numbers", "valid", _wage(9_000_000, "IDR")),
        _kind("numbers.wage_one_cent", "numbers", "valid", _wage(0.01, "USD")),
        _kind("numbers.wage_ceiling_idr", "numbers", "valid", _wage(ceiling_idr, "IDR")),
        _kind("numbers.wage_over_ceiling_idr", "numbers", "invalid", _wage(ceiling_idr + 1, "IDR")),
        _kind("numbers.wage_ceiling_jpy", "numbers", "valid", _wage(ceiling_jpy, "JPY")),
        _kind(
            "numbers.wage_over_ceiling_jpy", "numbers", "invalid", _wage(ceiling_jpy * 1.01, "JPY")
        ),
        _kind("numbers.wage_idr_ceiling_in_usd", "numbers", "invalid", _wage(ceiling_idr, "USD")),
        _kind(
            "numbers.wage_ceiling_unknown_to_rates",
            "numbers",
            "valid",
            _wage(UNKNOWN_CURRENCY_MONTHLY_CEILING, "THB"),
        ),
        _kind(
            "numbers.wage_over_ceiling_unknown_to_rates",
            "numbers",
            "invalid",
            _wage(UNKNOWN_CURRENCY_MONTHLY_CEILING * 2, "THB"),
        ),
        _kind("numbers.wage_absurd", "numbers", "invalid", _wage(1e30, "IDR")),
        _kind("numbers.wage_true", "numbers", "invalid", _wage(True, "IDR"), safe=False),
        _kind(
            "numbers.capital_ceiling",
            "numbers",
            "valid",
            _set("reintegration", {"capital": {"amount": capital_ceiling, "currency": "IDR"}}),
        ),
        _kind(
            "numbers.capital_over_ceiling",
            "numbers",
            "invalid",
            _set("reintegration", {"capital": {"amount": capital_ceiling * 2, "currency": "IDR"}}),
        ),
        _kind(
            "numbers.capital_0",
            "numbers",
            "invalid",
            _set("reintegration", {"capital": {"amount": 0, "currency": "IDR"}}),
        ),
    ]
    return kinds


# --- language results ----------------------------------------------------------------------


def _result(test: str, result: Any, **more: Any) -> Mutation:
    """Add one language result (its date a real one)."""
    return _add("languages", {"test": test, "result": result, "date": "2025-05-20", **more})


def _toeic(result: Any, sections: Any) -> Mutation:
    return _result("TOEIC", result, sections=sections)


def _language_kinds() -> list[CaseKind]:
    ok = {"listening": 300, "reading": 250}
    return [
        _kind("languages.jlpt_N4", "languages", "valid", _result("JLPT", "N4")),
        _kind("languages.jlpt_n4", "languages", "valid", _result("JLPT", "n4")),
        _kind("languages.jlpt_padded", "languages", "valid", _result("JLPT", " N4 ")),
        _kind("languages.jlpt_number", "languages", "valid", _result("JLPT", 4)),
        _kind("languages.jlpt_N6", "languages", "invalid", _result("JLPT", "N6")),
        _kind("languages.jlpt_score", "languages", "valid", _result("JLPT", "N3", score=120)),
        _kind(
            "languages.jlpt_score_over_max",
            "languages",
            "invalid",
            _result("JLPT", "N3", score=181),
        ),
        _kind(
            "languages.jlpt_score_negative", "languages", "invalid", _result("JLPT", "N3", score=-1)
        ),
        _kind("languages.jlpt_true", "languages", "invalid", _result("JLPT", True), safe=False),
        _kind("languages.toeic_text_650", "languages", "valid", _result("TOEIC", "650")),
        _kind("languages.toeic_number_650", "languages", "valid", _result("TOEIC", 650)),
        _kind("languages.toeic_not_a_step", "languages", "invalid", _result("TOEIC", 652)),
        _kind("languages.toeic_over_max", "languages", "invalid", _result("TOEIC", 995)),
        _kind("languages.toeic_sections", "languages", "valid", _toeic(550, ok)),
        _kind(
            "languages.toeic_sections_keys_in_capitals",
            "languages",
            "valid",
            _toeic(550, {"Listening": 300, "READING": 250}),
        ),
        _kind("languages.toeic_sections_do_not_add_up", "languages", "invalid", _toeic(650, ok)),
        _kind(
            "languages.toeic_section_over_495",
            "languages",
            "invalid",
            _toeic(650, {"listening": 500, "reading": 150}),
        ),
        _kind(
            "languages.toeic_section_not_a_step",
            "languages",
            "invalid",
            _toeic(550, {"listening": 302, "reading": 248}),
        ),
        _kind(
            "languages.toeic_section_unknown",
            "languages",
            "invalid",
            _toeic(550, {"listening": 300, "speaking": 250}),
        ),
        _kind(
            "languages.toeic_section_missing",
            "languages",
            "invalid",
            _toeic(300, {"listening": 300}),
        ),
        _kind("languages.toeic_sections_empty", "languages", "invalid", _toeic(550, {})),
        _kind("languages.toeic_sections_null", "languages", "valid", _toeic(550, None)),
        _kind(
            "languages.sections_on_jlpt", "languages", "invalid", _result("JLPT", "N4", sections=ok)
        ),
        _kind(
            "languages.score_on_eps_topik",
            "languages",
            "invalid",
            _result("EPS-TOPIK", 170, score=170),
        ),
        _kind("languages.score_on_toeic", "languages", "invalid", _result("TOEIC", 550, score=550)),
        _kind("languages.eps_topik_170", "languages", "valid", _result("EPS-TOPIK", 170)),
        _kind("languages.eps_topik_text_170", "languages", "valid", _result("EPS-TOPIK", "170")),
        _kind("languages.eps_topik_0", "languages", "valid", _result("EPS-TOPIK", 0)),
        _kind("languages.eps_topik_200", "languages", "valid", _result("EPS-TOPIK", 200)),
        _kind("languages.eps_topik_201", "languages", "invalid", _result("EPS-TOPIK", 201)),
        _kind("languages.eps_topik_fraction", "languages", "invalid", _result("EPS-TOPIK", 170.5)),
        _kind(
            "languages.eps_topik_level_text",
            "languages",
            "invalid",
            _result("EPS-TOPIK", "level 3"),
        ),
        _kind("languages.ielts_half_band", "languages", "valid", _result("IELTS", 6.5)),
        _kind("languages.ielts_quarter_band", "languages", "invalid", _result("IELTS", 6.25)),
        _kind("languages.jft_a2", "languages", "valid", _result("JFT-Basic", "A2")),
        _kind("languages.jft_below_a2", "languages", "valid", _result("JFT-Basic", "below A2")),
        _kind("languages.jft_score_too_low", "languages", "invalid", _result("JFT-Basic", 9)),
        _kind("languages.unknown_test", "languages", "invalid", _result("TOEFL", 80)),
        _kind("languages.test_lower_case", "languages", "invalid", _result("jlpt", "N4")),
        _kind(
            "languages.result_missing",
            "languages",
            "invalid",
            _add("languages", {"test": "JLPT", "date": "2025-05-20"}),
        ),
    ]


# --- lists ---------------------------------------------------------------------------------


def _many(field: str, item: Record, count: int) -> Mutation:
    """Exactly ``count`` valid items in one of the record's lists."""

    def mutate(record: Record, ctx: _Context) -> None:
        record[field] = [copy.deepcopy(item) for _ in range(count)]

    return mutate


def _skills_used(count: int) -> Mutation:
    def mutate(record: Record, ctx: _Context) -> None:
        work = _added(record, "experience", _WORK_ABROAD)
        work["skills_used"] = [f"skill {number}" for number in range(count)]

    return mutate


def _duplicate_skill(record: Record, ctx: _Context) -> None:
    skill = _item(record, "skills", _SKILL, ctx)
    record["skills"].append(copy.deepcopy(skill))


def _grade(scheme: str, grade: Any) -> Mutation:
    return _add("certificates", {**_TRADE_TEST, "scheme": scheme, "grade": grade})


def _all_lists_empty(record: Record, ctx: _Context) -> None:
    for field in ("skills", "certificates", "languages", "experience"):
        record[field] = []


def _list_kinds() -> list[CaseKind]:
    countries = ["JP", "KR", "TW", "MY", "DE"]
    return [
        _kind("lists.skills_max", "lists", "valid", _many("skills", _SKILL, MAX_ITEMS)),
        _kind("lists.skills_over_max", "lists", "invalid", _many("skills", _SKILL, MAX_ITEMS + 1)),
        _kind(
            "lists.certificates_over_max",
            "lists",
            "invalid",
            _many("certificates", _CERTIFICATE, MAX_ITEMS + 1),
        ),
        _kind("lists.languages_max", "lists", "valid", _many("languages", _LANGUAGE, MAX_ITEMS)),
        _kind(
            "lists.languages_over_max",
            "lists",
            "invalid",
            _many("languages", _LANGUAGE, MAX_ITEMS + 1),
        ),
        _kind(
            "lists.experience_over_max",
            "lists",
            "invalid",
            _many("experience", _WORK_AT_HOME, MAX_ITEMS + 1),
        ),
        _kind("lists.skills_used_max", "lists", "valid", _skills_used(MAX_ITEMS)),
        _kind("lists.skills_used_over_max", "lists", "invalid", _skills_used(MAX_ITEMS + 1)),
        _kind(
            "lists.countries_max",
            "lists",
            "valid",
            _preferred((countries * MAX_COUNTRIES)[:MAX_COUNTRIES]),
        ),
        _kind(
            "lists.countries_over_max",
            "lists",
            "invalid",
            _preferred((countries * MAX_COUNTRIES)[: MAX_COUNTRIES + 1]),
        ),
        _kind("lists.all_empty", "lists", "valid", _all_lists_empty),
        _kind("lists.countries_empty", "lists", "valid", _preferred([])),
        _kind("lists.skills_used_empty", "lists", "valid", _skills_used(0)),
        _kind("lists.duplicate_skill", "lists", "valid", _duplicate_skill),
        _kind("lists.duplicate_country", "lists", "valid", _preferred(["JP", "JP"])),
        _kind("lists.grade_2_on_trade_test", "lists", "valid", _grade("JP-TRADE-TEST", 2)),
        _kind("lists.grade_2_kyu_on_trade_test", "lists", "valid", _grade("JP-TRADE-TEST", "2級")),
        _kind(
            "lists.grade_basic_on_trade_test", "lists", "valid", _grade("JP-TRADE-TEST", "Basic")
        ),
        _kind("lists.grade_4_on_trade_test", "lists", "invalid", _grade("JP-TRADE-TEST", 4)),
        _kind("lists.grade_on_bnsp", "lists", "invalid", _grade("BNSP", 2)),
        _kind("lists.grade_on_ssw_test", "lists", "invalid", _grade("JP-SSW-SKILLS-TEST", "basic")),
        _kind("lists.grade_null_on_bnsp", "lists", "valid", _grade("BNSP", None)),
        # Parquet has no column for a field the schema lacks: it would be dropped.
        _kind(
            "lists.unknown_field@skills",
            "lists",
            "invalid",
            _set_in("skills", _SKILL, "years", 4),
            safe=False,
        ),
        _kind(
            "lists.unknown_field@certificates",
            "lists",
            "invalid",
            _set_in("certificates", _CERTIFICATE, "level", 2),
            safe=False,
        ),
        _kind(
            "lists.unknown_field@experience",
            "lists",
            "invalid",
            _work("employer", "PT Maju"),
            safe=False,
        ),
        _kind(
            "lists.unknown_field@health",
            "lists",
            "invalid",
            _set_part("health", "blood_type", "O"),
            safe=False,
        ),
        _kind("lists.unknown_field@record", "lists", "invalid", _set("nama", "Siti"), safe=False),
        _kind(
            "lists.skills_as_object",
            "lists",
            "invalid",
            _set("skills", {"name": "las"}),
            safe=False,
        ),
        _kind("lists.skills_null", "lists", "invalid", _set("skills", None), safe=False),
    ]


# --- sub-records and returnee fields ---------------------------------------------------------


def _sub_record_kinds() -> list[CaseKind]:
    return [
        _kind("sub_records.health_empty", "sub_records", "valid", _set("health", {})),
        _kind("sub_records.health_null", "sub_records", "valid", _set("health", None)),
        _kind("sub_records.health_absent", "sub_records", "valid", _drop("health")),
        _kind("sub_records.documents_empty", "sub_records", "valid", _set("documents", {})),
        _kind("sub_records.preferences_empty", "sub_records", "valid", _set("preferences", {})),
        _kind("sub_records.preferences_absent", "sub_records", "valid", _drop("preferences")),
        _kind(
            "sub_records.wage_null",
            "sub_records",
            "valid",
            _set_part("preferences", "min_monthly_wage", None),
        ),
        _kind(
            "sub_records.wage_empty",
            "sub_records",
            "invalid",
            _set_part("preferences", "min_monthly_wage", {}),
        ),
        _kind(
            "sub_records.wage_without_currency",
            "sub_records",
            "invalid",
            _set_part("preferences", "min_monthly_wage", {"amount": 9_000_000}),
        ),
        _kind(
            "sub_records.fit_to_work_false",
            "sub_records",
            "valid",
            _set_part("health", "fit_to_work", False),
        ),
        _kind(
            "sub_records.fit_to_work_text",
            "sub_records",
            "valid",
            _set_part("health", "fit_to_work", "yes"),
            safe=False,
        ),
        _kind(
            "sub_records.completed_contract_text",
            "sub_records",
            "invalid",
            _set_in("experience", _WORK_ABROAD, "completed_contract", "ya"),
            safe=False,
        ),
        _kind(
            "sub_records.health_as_list", "sub_records", "invalid", _set("health", []), safe=False
        ),
        _kind("sub_records.home", "sub_records", "valid", _set("home", _HOME)),
        _kind(
            "sub_records.home_aliases",
            "sub_records",
            "valid",
            _set("home", {"province": "Jateng", "regency": "Kab. Kendal"}),
        ),
        _kind(
            "sub_records.home_province_only",
            "sub_records",
            "valid",
            _set("home", {"province": "DKI Jakarta"}),
        ),
        _kind(
            "sub_records.home_bare_regency",
            "sub_records",
            "valid",
            _set("home", {"province": "NTB", "regency": "Lombok Timur"}),
        ),
        _kind("sub_records.home_empty", "sub_records", "invalid", _set("home", {})),
        _kind(
            "sub_records.home_unknown_province",
            "sub_records",
            "invalid",
            _set("home", {"province": "Atlantis"}),
        ),
        _kind(
            "sub_records.home_ambiguous_regency",
            "sub_records",
            "invalid",
            _set("home", {"province": "Jawa Tengah", "regency": "Semarang"}),
        ),
        _kind(
            "sub_records.home_regency_of_another_province",
            "sub_records",
            "invalid",
            _set("home", {"province": "Jawa Barat", "regency": "Kabupaten Kendal"}),
        ),
        _kind(
            "sub_records.home_unknown_regency",
            "sub_records",
            "invalid",
            _set("home", {"province": "Jawa Tengah", "regency": "Kabupaten Atlantis"}),
        ),
        _kind(
            "sub_records.reintegration",
            "sub_records",
            "valid",
            _set("reintegration", _REINTEGRATION),
        ),
        _kind("sub_records.reintegration_empty", "sub_records", "valid", _set("reintegration", {})),
        _kind(
            "sub_records.reintegration_no_interest",
            "sub_records",
            "invalid",
            _set("reintegration", {"interests": []}),
        ),
        _kind(
            "sub_records.reintegration_interest_twice",
            "sub_records",
            "invalid",
            _set("reintegration", {"interests": ["trainer", "trainer"]}),
        ),
        _kind(
            "sub_records.reintegration_interest_unknown",
            "sub_records",
            "invalid",
            _set("reintegration", {"interests": ["farming"]}),
        ),
        _kind(
            "sub_records.reintegration_relocate_unknown",
            "sub_records",
            "invalid",
            _set("reintegration", {"relocate": "abroad"}),
        ),
        _kind(
            "sub_records.reintegration_capital_currency_unknown",
            "sub_records",
            "invalid",
            _set("reintegration", {"capital": {"amount": 1, "currency": "XXX"}}),
        ),
        _kind(
            "sub_records.reintegration_relocate_null",
            "sub_records",
            "invalid",
            _set("reintegration", {"relocate": None}),
            safe=False,
        ),
    ]


CASE_KINDS: tuple[CaseKind, ...] = (
    _kind("sample.unchanged", "sample", "valid", _unchanged),
    *_text_kinds(),
    *_id_kinds(),
    *_nik_kinds(),
    *_birth_date_kinds(),
    *_date_kinds(),
    *_order_kinds(),
    *_code_kinds(),
    *_number_kinds(),
    *_language_kinds(),
    *_list_kinds(),
    *_sub_record_kinds(),
)
"""Every case kind, the unchanged sample first; names are unique."""
assert len({kind.name for kind in CASE_KINDS}) == len(CASE_KINDS)

# How often each fate is drawn: about 60% valid rows (35 points of them unchanged samples),
# 10% with a warning, 30% invalid.
_FATE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("sample", 0.35),
    ("valid", 0.25),
    ("warned", 0.10),
    ("invalid", 0.30),
)


# --- drawing -------------------------------------------------------------------------------


def _pools(kinds: Iterable[CaseKind]) -> dict[str, dict[str, list[CaseKind]]]:
    """Kinds by drawing bucket (sample, valid, warned, invalid), then by group."""
    pools: dict[str, dict[str, list[CaseKind]]] = {}
    for kind in kinds:
        bucket = "sample" if kind.group == "sample" else kind.fate
        pools.setdefault(bucket, {}).setdefault(kind.group, []).append(kind)
    return pools


def _draw(rng: random.Random, pools: dict[str, dict[str, list[CaseKind]]]) -> CaseKind:
    """A fate by its weight, a group of it uniformly (so that the 200 text kinds do not
    crowd out the rest), then a kind of the group uniformly."""
    buckets = [(b, w) for b, w in _FATE_WEIGHTS if b in pools]
    bucket = rng.choices([b for b, _ in buckets], weights=[w for _, w in buckets])[0]
    groups = pools[bucket]
    return rng.choice(groups[rng.choice(list(groups))])


def _apply(kind: CaseKind, rng: random.Random, index: int, seen: _Seen) -> Record | None:
    """A new record changed by ``kind``, or None when it cannot be made here (it needs an
    earlier valid row, or a valid row would repeat an earlier key)."""
    if kind.needs_earlier and not seen.earlier:
        return None
    record = _base(rng, index)
    kind.mutate(record, _Context(rng, index, seen.earlier, seen.keys))
    if kind.fate != "invalid":
        key = _key(record)
        if key is None or key in seen.keys:
            return None
        seen.keys.add(key)
        seen.earlier.append(key)
    return record


@dataclass
class _Seen:
    """The keys of the valid rows made so far (a duplicate must repeat a valid row's key:
    the reader only remembers those)."""

    earlier: list[tuple[str, str]]
    keys: set[tuple[str, str]]


def _chosen_kinds(parquet_safe: bool, fates: Sequence[Fate]) -> list[CaseKind]:
    return [k for k in CASE_KINDS if k.fate in fates and (k.parquet_safe or not parquet_safe)]


def labelled_worker_cases(
    seed: int,
    n: int,
    *,
    parquet_safe: bool = True,
    fates: Sequence[Fate] = ("valid", "warned", "invalid"),
) -> list[LabelledCase]:
    """``n`` worker records, each with the case kind that made it and its expected fate.

    Parameters
    ----------
    seed : int
        Seed of the draws: the same arguments always give the same records.
    n : int
        How many records.
    parquet_safe : bool, default True
        Only kinds whose records Parquet holds as written (see the module's doc).
    fates : sequence of Fate
        The fates to draw from (:func:`valid_worker_cases` leaves out ``invalid``).

    Returns
    -------
    list of LabelledCase
        About 60% valid, 10% warned and 30% invalid with every fate allowed; ids unique
        except where a kind repeats one on purpose.
    """
    rng = random.Random(seed)
    pools = _pools(_chosen_kinds(parquet_safe, fates))
    seen = _Seen([], set())
    cases = []
    for index in range(n):
        while True:
            kind = _draw(rng, pools)
            record = _apply(kind, rng, index, seen)
            if record is not None:
                break
        cases.append(LabelledCase(kind.name, kind.fate, record))
    return cases


def worker_cases(seed: int, n: int, *, parquet_safe: bool = True) -> list[dict[str, Any]]:
    """``n`` worker records as JSON-like dicts (what a JSON Lines line decodes to),
    reproducible from ``seed``: mostly valid ones, based on the bundled sample pool
    ``data/sample/pool/workers.jsonl`` (ids varied so they stay unique unless a case
    repeats one on purpose), mixed with rows that warn and rows that are invalid.

    Parameters
    ----------
    seed : int
        Seed of the draws.
    n : int
        How many records.
    parquet_safe : bool, default True
        Leave out the cases Parquet cannot hold as written (an unknown field, a text
        where a number belongs, a null that would read as absent); with True, every list
        converts with ``parquet_table(records, "workers")`` and each Parquet row gets the
        verdict of its JSON line.

    Returns
    -------
    list of dict
        About 60% valid, 10% valid with a warning and 30% invalid
        (:func:`labelled_worker_cases` says which is which).
    """
    return [case.record for case in labelled_worker_cases(seed, n, parquet_safe=parquet_safe)]


def valid_worker_cases(seed: int, n: int, *, parquet_safe: bool = True) -> list[dict[str, Any]]:
    """``n`` records that are all valid, some with warnings: a whole file reads without
    error.

    Parameters
    ----------
    seed : int
        Seed of the draws.
    n : int
        How many records.
    parquet_safe : bool, default True
        As for :func:`worker_cases`.

    Returns
    -------
    list of dict
        Unchanged samples and the cases that leave a record valid (about 15% of the
        records with a warning), ids unique per (agency_id, id).
    """
    cases = labelled_worker_cases(seed, n, parquet_safe=parquet_safe, fates=("valid", "warned"))
    return [case.record for case in cases]


def every_case_kind(seed: int, *, parquet_safe: bool = True) -> list[LabelledCase]:
    """One record of every case kind, in :data:`CASE_KINDS` order (the unchanged sample
    first, so that the kinds that repeat an earlier row's id have one to repeat).

    Parameters
    ----------
    seed : int
        Seed of the draws (which sample records, which items are changed).
    parquet_safe : bool, default True
        As for :func:`worker_cases`.

    Returns
    -------
    list of LabelledCase
    """
    rng = random.Random(seed)
    seen = _Seen([], set())
    cases = []
    for index, kind in enumerate(_chosen_kinds(parquet_safe, ("valid", "warned", "invalid"))):
        record = _apply(kind, rng, index, seen)
        # The kinds that repeat a row need the unchanged sample before them; a valid kind
        # whose key is taken (a case variant drawn twice) is drawn again on another row.
        while record is None:
            record = _apply(kind, rng, index, seen)
        cases.append(LabelledCase(kind.name, kind.fate, record))
    return cases
