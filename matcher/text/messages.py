"""Explanations in English and Indonesian.

Gaps, flags and refusals are built as a message key with parameters and rendered in the
language the officer asks for (``--lang en|id``), so the engine decides once and every
reader gets the same facts in their language. A parameter is text the same in both
languages (an id, a date, a test name), an (English, Indonesian) pair, or a message of its
own. In a template, ``{name|one|many}`` picks ``one`` when parameter ``name`` is ``1``
("1 month", "2 months").

Gap and flag ``kind`` and a gap's ``requirement`` are identifiers, the same in every
language; :func:`kind_label` and :func:`requirement_text` say them in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "LANGUAGES",
    "Lang",
    "Message",
    "Param",
    "Text",
    "kind_label",
    "number_text",
    "render",
    "requirement_text",
]

Lang = Literal["en", "id"]
LANGUAGES: tuple[Lang, ...] = ("en", "id")

_TEMPLATES: Mapping[str, Mapping[Lang, str]] = {
    "skill_missing": {
        "en": "needs {need}; has {have}",
        "id": "membutuhkan {need}; memiliki {have}",
    },
    "skill_broader": {
        "en": "has {have} (broader), needs {need}",
        "id": "memiliki {have} (lebih umum), membutuhkan {need}",
    },
    "skill_partial": {
        "en": "partial skill credit: has {have} (broader), asks for {need}",
        "id": "nilai keahlian sebagian: memiliki {have} (lebih umum), diminta {need}",
    },
    "skill_level": {
        "en": "needs {need} at level {level}; has it at {have}",
        "id": "membutuhkan {need} level {level}; levelnya {have}",
    },
    "skill_months": {
        "en": "needs {months} {months|month|months} of {need}; has {have} {have|month|months}",
        "id": "membutuhkan {months} bulan {need}; memiliki {have} bulan",
    },
    "certificate_missing": {
        "en": "needs a certificate for {need} valid on {day}; has {have} — certify through an LSP",
        "id": "membutuhkan sertifikat {need} yang berlaku pada {day}; memiliki {have} — "
        "uji kompetensi melalui LSP",
    },
    "certificate_rpl": {
        "en": "needs a certificate for {need} valid on {day}; has none, but experience abroad "
        "is recognised at level {level} ({evidence}) — RPL assessment at an LSP against a "
        "KKNI level {kkni} scheme, not training",
        "id": "membutuhkan sertifikat {need} yang berlaku pada {day}; belum memiliki, tetapi "
        "pengalaman di luar negeri diakui pada level {level} ({evidence}) — asesmen RPL "
        "(rekognisi pembelajaran lampau) di LSP dengan skema KKNI level {kkni}, bukan pelatihan",
    },
    "certificate_expired": {
        "en": "{scheme} {need} certificate expired {expired}; needs one valid on {day} — renew "
        "through an LSP",
        "id": "sertifikat {scheme} {need} kedaluwarsa {expired}; harus berlaku pada {day} — "
        "perpanjang melalui LSP",
    },
    "language": {
        "en": "has {have}, needs {need}",
        "id": "memiliki {have}, membutuhkan {need}",
    },
    "language_not_accepted": {
        "en": "{test} is not accepted: {why}",
        "id": "{test} tidak diterima: {why}",
    },
    "experience": {
        "en": "needs {months} {months|month|months} in {isco}; has {have} {have|month|months}",
        "id": "membutuhkan pengalaman {months} bulan di {isco}; memiliki {have} bulan",
    },
    "age_below": {
        "en": "is {age} on {day}; must be at least {min} ({why})",
        "id": "berusia {age} pada {day}; minimal {min} ({why})",
    },
    "age_above": {
        "en": "is {age} on {day}; must be at most {max} ({why})",
        "id": "berusia {age} pada {day}; maksimal {max} ({why})",
    },
    "health": {
        "en": "{have}: {gate}",
        "id": "{have}: {gate}",
    },
    "stay_cap": {
        "en": "{months} {months|month|months} already worked under {programmes}{plus}; the cap "
        "is {cap} months",
        "id": "sudah bekerja {months} bulan di {programmes}{plus}; batasnya {cap} bulan",
    },
    "programme_closed": {
        "en": "the programme takes no start after {last}; this job starts {day}",
        "id": "program tidak menerima keberangkatan setelah {last}; pekerjaan ini mulai {day}",
    },
    "skill_test": {
        "en": "needs {what}; has {have}",
        "id": "membutuhkan {what}; memiliki {have}",
    },
    "preference_country": {
        "en": "prefers {countries}; this job is in {country}",
        "id": "memilih negara {countries}; pekerjaan ini di {country}",
    },
    "preference_interest": {
        "en": "wants {interests}; this is {kind}, for the interest {interest}",
        "id": "berminat pada {interests}; peluang ini {kind}, untuk minat {interest}",
    },
    "preference_relocate": {
        "en": "home {home}; this opportunity is in {site} ({tier}), beyond relocate "
        "{relocate} — it is within reach with relocate {needed}",
        "id": "tempat tinggal {home}; peluang ini di {site} ({tier}), di luar jangkauan "
        "relocate {relocate} — terjangkau dengan relocate {needed}",
    },
    "overseas_experience": {
        "en": "needs {months} {months|month|months} of work abroad in {countries}; has {have} "
        "{have|month|months} there",
        "id": "membutuhkan {months} bulan kerja di luar negeri ({countries}); memiliki "
        "{have} bulan",
    },
    "capital": {
        "en": "needs capital of at least {need}; has {have}",
        "id": "membutuhkan modal minimal {need}; memiliki {have}",
    },
    "preference_wage": {
        "en": "wants at least {want}; this job pays about {pays} a month (rate {rate} of {day})",
        "id": "meminta minimal {want}; pekerjaan ini sekitar {pays} per bulan (kurs {rate} "
        "tanggal {day})",
    },
    "unfit": {
        "en": "the medical check says not fit to work",
        "id": "hasil pemeriksaan medis: tidak layak kerja",
    },
    "wage_below_floor": {
        "en": "{wage} < {region} minimum {floor} (from {since})",
        "id": "{wage} < upah minimum {region} {floor} (sejak {since})",
    },
    "agency_not_licensed": {
        "en": "agency {agency} is not licensed on {day}: {why}",
        "id": "perusahaan penempatan {agency} tidak berizin pada {day}: {why}",
    },
    "agency_unregistered": {
        "en": "it is not in the agency register",
        "id": "perusahaan ini tidak ada di daftar P3MI",
    },
    "licence_suspended": {
        "en": "its licence is suspended",
        "id": "izinnya dibekukan",
    },
    "licence_expired": {
        "en": "its licence has expired",
        "id": "izinnya sudah habis berlaku",
    },
    "licence_revoked": {
        "en": "its licence was revoked on {day}",
        "id": "izinnya dicabut pada {day}",
    },
    "licence_not_yet_valid": {
        "en": "its licence is valid only from {day}",
        "id": "izinnya baru berlaku mulai {day}",
    },
    "licence_ended": {
        "en": "its licence ended on {day}",
        "id": "izinnya berakhir pada {day}",
    },
    "moratorium": {
        "en": "household employer in {country}: {why}",
        "id": "pengguna perseorangan di {country}: {why}",
    },
    "invalid": {
        "en": "{why}",
        "id": "{why}",
    },
    "discriminatory": {
        "en": "the job order asks for {what}; not applied — review with the employer",
        "id": "job order meminta {what}; tidak diterapkan — tinjau dengan pemberi kerja",
    },
    "pack_flag": {
        "en": "{what}",
        "id": "{what}",
    },
    "unverified": {
        "en": "{rule} is applied but marked unverified in the {pack} rule pack: {detail}",
        "id": "{rule} diterapkan tetapi belum terverifikasi di paket aturan {pack}: {detail}",
    },
    "unverified_table": {
        "en": "{rule} is applied but marked unverified in {table}: {detail}",
        "id": "{rule} diterapkan tetapi belum terverifikasi di {table}: {detail}",
    },
    "wage_floor_unknown": {
        "en": "{why}",
        "id": "{why}",
    },
    "licence_unchecked": {
        "en": "no agency register given: licences not checked",
        "id": "tanpa daftar P3MI: izin tidak diperiksa",
    },
    "document_expiring": {
        "en": "passport expires {expires}, before the contract ends {ends}",
        "id": "paspor habis berlaku {expires}, sebelum kontrak berakhir {ends}",
    },
    "passport_expired": {
        "en": "passport expires {expires}, before the job starts {day}",
        "id": "paspor habis berlaku {expires}, sebelum pekerjaan dimulai {day}",
    },
    "nothing": {"en": "nothing", "id": "tidak ada"},
}


Text = tuple[str, str]
"""The same text in English and in Indonesian."""


@dataclass(frozen=True)
class Message:
    """A message key with its parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)  # each value a Param


Param = str | Text | Message
"""A parameter: text the same in both languages, an (English, Indonesian) pair, or a message
rendered in the same language."""

_CHOICE = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def render(message: Message, lang: Lang = "en") -> str:
    """Render a message in English or Indonesian.

    Parameters
    ----------
    message : Message
        Key and parameters.
    lang : {"en", "id"}
        Language of the officer.

    Returns
    -------
    str
        The text.
    """
    index = LANGUAGES.index(lang)
    params = {}
    for name, value in message.params.items():
        if isinstance(value, str):
            params[name] = value
        elif isinstance(value, tuple) and len(value) == 2:
            params[name] = str(value[index])
        elif isinstance(value, Message):
            params[name] = render(value, lang)
        else:
            raise TypeError(f"message {message.key!r}: parameter {name!r} is not text")
    template = _CHOICE.sub(
        lambda m: m[2] if params[m[1]] == "1" else m[3], _TEMPLATES[message.key][lang]
    )
    return template.format(**params)


def number_text(value: float, decimals: int = 0) -> Text:
    """A number as each language writes it: ``1,226.50`` and ``1.226,50``.

    Parameters
    ----------
    value : float
    decimals : int
        Digits after the decimal point.

    Returns
    -------
    Text
        (English, Indonesian).
    """
    english = f"{value:,.{decimals}f}"
    return english, english.translate(_SEPARATORS_ID)


def kind_label(kind: str, lang: Lang) -> str:
    """A gap, flag or refusal kind in words: the kind itself in English, a label in
    Indonesian.

    Parameters
    ----------
    kind : str
        ``language``, ``document_expiring``, ``wage_below_floor``...
    lang : {"en", "id"}

    Returns
    -------
    str
    """
    return kind if lang == "en" else _KIND_ID.get(kind, kind)


def requirement_text(requirement: str, lang: Lang) -> str:
    """A gap's ``requirement`` in words (the engine names its own requirements in English).

    A requirement the job order states (a skill as written, a test and level) stays as
    stated; the engine's own names ("stay cap", "age >= 18", "24 months", "JLPT N4 or
    JFT-Basic A2") are said in Indonesian for ``id``.

    Parameters
    ----------
    requirement : str
        The gap's ``requirement``.
    lang : {"en", "id"}

    Returns
    -------
    str
    """
    if lang == "en":
        return requirement
    if requirement in _REQUIREMENT_ID:
        return _REQUIREMENT_ID[requirement]
    for pattern, replacement in _REQUIREMENT_PATTERNS_ID:
        requirement = pattern.sub(replacement, requirement)
    return requirement


_SEPARATORS_ID = str.maketrans(",.", ".,")
_KIND_ID: Mapping[str, str] = {
    # gap kinds
    "skill": "keahlian",
    "certificate": "sertifikat",
    "language": "bahasa",
    "experience": "pengalaman",
    "age": "usia",
    "programme_rule": "aturan program",
    "health": "kesehatan",
    "document": "dokumen",
    "preference": "preferensi",
    "capital": "modal",
    # flag kinds
    "discriminatory_requirement": "persyaratan diskriminatif",
    "unverified_rule": "aturan belum terverifikasi",
    "document_expiring": "dokumen habis berlaku",
    "skill_partial": "keahlian terpenuhi sebagian",
    "wage_floor_unknown": "upah minimum tidak diketahui",
    "licence_unchecked": "izin tidak diperiksa",
    "unreadable_requirement": "persyaratan tidak terbaca",
    "physical_requirement": "persyaratan fisik",
    "destination_sex_rule": "aturan negara tujuan terkait jenis kelamin",
    # refusal and allocation reason kinds
    "wage_below_floor": "upah di bawah minimum",
    "agency_not_licensed": "P3MI tidak berizin",
    "moratorium": "moratorium",
    "invalid": "tidak sah",
    "placed_elsewhere": "ditempatkan di job order lain",
}
_REQUIREMENT_ID: Mapping[str, str] = {
    "stay cap": "batas masa tinggal",
    "programme dates": "tanggal program",
    "fit to work": "layak kerja",
    "fit_to_work": "layak kerja",
    "colour_vision_normal": "penglihatan warna normal",
    "passport": "paspor",
    "countries": "negara pilihan",
    "min_monthly_wage": "upah bulanan minimal",
    "interests": "minat",
    "relocate": "jangkauan pindah",
    "capital": "modal",
}
_REQUIREMENT_PATTERNS_ID: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^age ([<>]=) "), r"usia \1 "),
    (re.compile(r"\b(\d+) years? (\d+) months?\b"), r"\1 tahun \2 bulan"),
    (re.compile(r"^(\d+) months?$"), r"\1 bulan"),
    (re.compile(r"^(\d+) months? abroad"), r"\1 bulan di luar negeri"),
    (re.compile(r" or "), " atau "),
)
