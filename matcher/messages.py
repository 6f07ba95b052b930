"""Explanations in English and Indonesian.

Gaps, flags and refusals are built as a message key with parameters and rendered in the
language the officer asks for (``--lang en|id``), so the engine decides once and every
reader gets the same facts in their language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["LANGUAGES", "Lang", "Message", "Param", "render"]

Lang = Literal["en", "id"]
LANGUAGES: tuple[Lang, ...] = ("en", "id")

_TEMPLATES: Mapping[str, Mapping[Lang, str]] = {
    "skill_missing": {
        "en": "needs {need}; has {have}",
        "id": "membutuhkan {need}; memiliki {have}",
    },
    "skill_level": {
        "en": "needs {need} at level {level}; has it at {have}",
        "id": "membutuhkan {need} level {level}; levelnya {have}",
    },
    "skill_months": {
        "en": "needs {months} months of {need}; has {have}",
        "id": "membutuhkan {months} bulan {need}; memiliki {have}",
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
        "en": "needs {months} months in {isco}; has {have} months",
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
        "en": "needs {gate}: {have}",
        "id": "memerlukan {gate}: {have}",
    },
    "stay_cap": {
        "en": "{months} months already worked under {programmes}{plus}; the cap is {cap} months",
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
    "preference_wage": {
        "en": "wants at least {want}; this job pays about {pays} a month (rate {rate} of {day})",
        "id": "meminta minimal {want}; pekerjaan ini sekitar {pays} per bulan (kurs {rate} "
        "tanggal {day})",
    },
    "unfit": {
        "en": "medical check says not fit to work ({checked})",
        "id": "hasil medis tidak layak kerja ({checked})",
    },
    "wage_below_floor": {
        "en": "{wage} < {region} minimum {floor} (from {since})",
        "id": "{wage} < upah minimum {region} {floor} (sejak {since})",
    },
    "agency_not_licensed": {
        "en": "agency {agency} is not licensed on {day}: {why}",
        "id": "P3MI {agency} tidak berizin pada {day}: {why}",
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
    "nothing": {"en": "nothing", "id": "tidak ada"},
}


Param = str | tuple[str, str]
"""A parameter: text the same in both languages, or an (English, Indonesian) pair."""


@dataclass(frozen=True)
class Message:
    """A message key with its parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)  # each value a Param


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
        else:
            raise TypeError(f"message {message.key!r}: parameter {name!r} is not text")
    return _TEMPLATES[message.key][lang].format(**params)
