"""A seeded, realistic synthetic pool of workers, job orders and agencies (Selaras format).

The benchmarks and the bundled sample pool (``data/sample/pool/``) are built with it, so a
benchmark measures the engine on data shaped like a real national pool: young candidates
(19-35 with a tail to 45 and a few under 18), 60/40 men and women from the sending
provinces, skills written the way agencies type them ("opr cnc", "las lstrik", "forklip"),
language results that follow the destination a worker prepares for (JLPT/JFT-Basic for
Japan, EPS-TOPIK for Korea, Goethe/telc for Germany) and age out (EPS-TOPIK after 24
months), BNSP/SIO/skills-test certificates of which some have expired, prior stays abroad
under KR-EPS or JP-TITP, missing health and passport records, and job orders across the
seven manufacturing programmes whose wages sit above the statutory floor of
``matcher.rules.packs.wage_floor_on`` except for ~3% that must be refused, ~2% that name a
sex (to be flagged) and a few from an agency that is not licensed.

Every record is a plain ``dict`` that validates with ``models`` (``Worker.model_validate``
etc.) and raises no validation warning: NIKs agree with ``birth_date`` and ``gender``.

**Determinism.** The output depends only on the arguments: no wall clock, no set or hash
order. Agencies, job orders and workers use separate random streams, and workers are drawn
in fixed blocks of ``WORKER_BLOCK`` with a stream per block, so worker ``W-0000042`` is the
same record in a pool of 100 and in a pool of 1,000,000 (the seed, ``as_of`` and the agency
register change it; ids have 7 digits up to 9,999,999 workers), job orders do not depend on
the number of workers, and the command writes the same bytes for every ``--jobs``.

**Speed** (this repository's dev container: CPython 3.11 built without PGO, where a
three-key dict literal takes 0.3 µs): 2,000 workers in about 0.15 s, 100,000 in 4.8-5.7 s
(about 50 µs a worker; one process, ``generate_pool``), so 1,000,000 in about a minute (an
optimised CPython build should do better; not measured here). Writing JSON Lines adds about
20 µs a worker. The command streams workers to the file block by block, so its memory stays flat
at any size, and ``--jobs N`` draws blocks in N processes (100,000 workers written in 6.7 s
with one process, 4.3 s with two). ``generate_pool`` holds every record in memory (about
2.6 KB a worker; 760 bytes as JSON).

Command line (from the repository root)::

    .venv/bin/python benchmarks/pool.py --workers 2000 --vacancies 60 --seed 2026 \\
        --as-of 2026-03-01 --out data/sample/pool [--jobs N]

writes ``workers.jsonl``, ``vacancies.jsonl`` and ``agencies.jsonl`` (UTF-8, one record a
line); that exact command reproduces the bundled pool byte for byte.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.rules.packs import rule_pack, wage_floor_on
from matcher.taxonomy.skills import load_taxonomy

__all__ = [
    "AS_OF",
    "FILE_NAMES",
    "PROGRAMME_SHARES",
    "SEED",
    "WORKER_BLOCK",
    "Pool",
    "generate_agencies",
    "generate_pool",
    "generate_vacancies",
    "iter_workers",
    "main",
    "record_line",
    "write_pool",
]

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

Record = dict[str, Any]
_T = TypeVar("_T")

SEED = 2026
"""Seed of the bundled pool."""
AS_OF = dt.date(2026, 3, 1)
"""Evaluation date of the bundled pool: ages, validity and licences are set around it."""
WORKER_BLOCK = 1024
"""Workers per random stream. Part of the output's definition: changing it changes every pool."""
FILE_NAMES = ("workers.jsonl", "vacancies.jsonl", "agencies.jsonl")

# Independent random streams, so that adding agencies never reshuffles job orders, etc.
_AGENCY_STREAM, _VACANCY_STREAM, _WORKER_STREAM, _VARIANT_STREAM = 1, 2, 3, 4
_VARIANTS = 24

# ------------------------------------------------------------------ who the workers are

# Age on ``as_of``: 0.5% under 18 (16-17, still in training), 88% 18-35 peaking at 21-24,
# 11.5% 36-45. Relative weights within each band.
_AGE_BANDS: tuple[tuple[float, dict[int, float]], ...] = (
    (0.005, {16: 1.0, 17: 4.0}),
    (
        0.880,
        {18: 2.5, 19: 4.5, 20: 5.5, 21: 6.2, 22: 6.5, 23: 6.5, 24: 6.3, 25: 6.0, 26: 5.6,
         27: 5.2, 28: 4.8, 29: 4.4, 30: 4.0, 31: 3.6, 32: 3.3, 33: 3.0, 34: 2.7, 35: 2.4},
    ),
    (0.115, {36: 2.0, 37: 1.7, 38: 1.5, 39: 1.3, 40: 1.1, 41: 0.9, 42: 0.8, 43: 0.7, 44: 0.6,
             45: 0.5}),
)  # fmt: skip
_FEMALE_SHARE = 0.40

# Sending provinces (BP2MI placement statistics rank Jawa Timur, Jawa Tengah, Jawa Barat,
# NTB, Lampung and Sumatera Utara highest), with BPS regency codes for the NIK.
_PROVINCES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("Jawa Timur", 22.0, ("3501", "3502", "3503", "3504", "3505", "3506", "3507", "3508",
                          "3509", "3510", "3518", "3519", "3520", "3522", "3524")),
    ("Jawa Tengah", 19.0, ("3301", "3302", "3303", "3304", "3305", "3307", "3310", "3315",
                           "3318", "3324", "3328", "3329")),
    ("Jawa Barat", 17.0, ("3201", "3202", "3203", "3204", "3205", "3206", "3207", "3208",
                          "3209", "3210", "3212", "3213", "3214", "3215", "3216", "3273")),
    ("Nusa Tenggara Barat", 10.0, ("5201", "5202", "5203", "5204", "5206", "5208")),
    ("Lampung", 7.0, ("1801", "1802", "1803", "1804", "1805", "1806", "1807", "1808")),
    ("Nusa Tenggara Timur", 6.0, ("5301", "5302", "5303", "5304", "5305", "5306", "5309",
                                  "5310", "5371")),
    ("Sumatera Utara", 5.0, ("1204", "1207", "1208", "1209", "1212", "1271")),
    ("Banten", 3.5, ("3601", "3602", "3603", "3604")),
    ("Bali", 2.5, ("5101", "5102", "5106", "5107", "5108")),
    ("DI Yogyakarta", 2.0, ("3401", "3402", "3403", "3404")),
    ("Sulawesi Selatan", 2.5, ("7302", "7303", "7304", "7313", "7314")),
    ("Sumatera Selatan", 2.0, ("1601", "1602", "1603", "1604")),
    ("Kalimantan Barat", 1.5, ("6101", "6102", "6103")),
)  # fmt: skip

_EDUCATION = ("SD", "SMP", "MTs", "SMA", "MA", "SMK", "Paket C", "D3", "S1")
_EDUCATION_WEIGHTS = {
    "general": (8.0, 21.0, 3.0, 27.0, 3.0, 28.0, 2.5, 5.0, 2.5),
    "technical": (3.0, 12.0, 2.0, 18.0, 2.0, 52.0, 1.5, 7.5, 2.0),
    "DE-SKILLED": (0.0, 0.0, 0.0, 4.0, 0.0, 58.0, 0.0, 30.0, 8.0),
}

# The destination a worker prepares for drives language tests, skills tests and preferences.
_TRACKS: tuple[tuple[str | None, float], ...] = (
    ("JP-SSW1", 30.0),
    ("JP-TITP", 12.0),
    ("KR-EPS", 20.0),
    ("TW-FACTORY", 15.0),
    ("MY-PLKS", 12.0),
    ("DE-SKILLED", 4.0),
    (None, 7.0),
)
_TRACK_COUNTRY = {
    "JP-SSW1": "JP", "JP-TITP": "JP", "KR-EPS": "KR", "TW-FACTORY": "TW", "MY-PLKS": "MY",
    "DE-SKILLED": "DE",
}  # fmt: skip
_COUNTRIES = ("JP", "KR", "TW", "MY", "DE")
# Monthly wage a worker asks for, in IDR, by preferred country (min, max).
_WAGE_WISH_IDR = {
    "JP": (8_000_000, 20_000_000), "KR": (10_000_000, 26_000_000), "TW": (7_000_000, 15_000_000),
    "MY": (4_000_000, 9_000_000), "DE": (15_000_000, 38_000_000),
}  # fmt: skip


@dataclass(frozen=True)
class _Family:
    """A trade: the skills, jobs and certificates that go together.

    ``concepts`` are taxonomy ids, commonest first; ``jobs`` are (title as written, ISCO-08);
    ``ssw`` the Japanese SSW (i) test categories the trade sits; ``bnsp`` (certificate
    name, skill as written) of LSP schemes.
    """

    name: str
    weight_m: float
    weight_f: float
    technical: bool
    concepts: tuple[str, ...]
    jobs: tuple[tuple[str, str], ...]
    ssw: tuple[str, ...] = ()
    bnsp: tuple[tuple[str, str], ...] = ()


_FAMILIES: tuple[_Family, ...] = (
    _Family(
        "welding", 14.0, 0.6, True,
        ("smaw-welding", "gmaw-welding", "gtaw-welding", "welding", "fcaw-welding",
         "pipe-welding", "oxy-fuel-cutting", "grinding", "technical-drawing-reading"),
        (("juru las", "7212"), ("welder", "7212"), ("tukang las", "7212"),
         ("welder fabrikasi", "7212"), ("operator las", "7212"), ("helper fabrikasi", "9329")),
        ssw=("welding",),
        bnsp=(("Juru Las SMAW 3G", "las listrik"), ("Juru Las SMAW 2G", "SMAW welding"),
              ("Juru Las GMAW 3F", "las co2"), ("Juru Las GTAW 6G", "las argon"),
              ("Juru Las Pipa 6G", "pengelasan pipa")),
    ),
    _Family(
        "machining", 10.0, 1.5, True,
        ("cnc-machining", "cnc-turning", "lathe-turning", "cnc-milling", "milling", "grinding",
         "drilling", "technical-drawing-reading", "precision-measuring"),
        (("operator CNC", "7223"), ("operator bubut", "7223"), ("machinist", "7223"),
         ("operator mesin frais", "7223"), ("setter CNC", "7223")),
        ssw=("machining",),
        bnsp=(("Operator Mesin Bubut CNC", "CNC turning"), ("Operator Mesin Frais", "frais"),
              ("Operator Mesin Bubut Konvensional", "bubut")),
    ),
    _Family(
        "metalwork", 5.0, 0.8, True,
        ("metal-pressing", "sheet-metal-work", "die-casting", "casting", "metal-bending",
         "forging", "deburring", "metal-fabrication"),
        (("operator press", "7223"), ("operator stamping", "7223"),
         ("operator die casting", "8121"), ("pekerja pengecoran", "7211"),
         ("tukang plat", "7213"), ("fabrikator", "7214")),
        ssw=("metal pressing", "factory sheet metal", "die casting", "casting", "forging"),
        bnsp=(("Pekerja Pelat Logam", "kerja plat"),),
    ),
    _Family(
        "electronics", 4.0, 14.0, True,
        ("electronics-assembly", "pcb-assembly", "electronics-soldering", "wire-harness-assembly",
         "electrical-equipment-assembly", "electronics-testing", "visual-inspection"),
        (("operator produksi elektronik", "8212"), ("operator SMT", "8212"),
         ("operator wiring harness", "8212"), ("assembler elektronik", "8212"),
         ("operator QC elektronik", "7543")),
        ssw=("electronic equipment assembly", "electrical equipment assembly",
             "printed circuit board manufacturing"),
        bnsp=(("Perakitan Elektronika", "perakitan elektronik"),),
    ),
    _Family(
        "assembly", 8.0, 5.0, True,
        ("assembly", "mechanical-assembly", "automotive-assembly", "hand-tools", "5s",
         "visual-inspection"),
        (("operator assembly", "8211"), ("operator perakitan mesin", "8211"),
         ("operator assy otomotif", "8211"), ("operator produksi", "9329")),
    ),
    _Family(
        "plastics", 4.0, 3.0, True,
        ("injection-moulding", "plastic-moulding", "plastic-extrusion", "blow-moulding",
         "visual-inspection"),
        (("operator injeksi", "8142"), ("operator mesin plastik", "8142"),
         ("operator extruder", "8142")),
        ssw=("plastic moulding",),
    ),
    _Family(
        "painting", 3.0, 0.7, True,
        ("spray-painting", "painting", "powder-coating", "automotive-painting"),
        (("tukang cat", "7132"), ("operator painting", "7132"),
         ("operator powder coating", "7132")),
        ssw=("painting",),
        bnsp=(("Pengecatan Industri", "pengecatan"),),
    ),
    _Family(
        "surface", 1.5, 0.8, True,
        ("electroplating", "anodizing", "galvanizing", "metal-polishing", "surface-treatment"),
        (("operator plating", "8122"), ("operator polishing", "7224")),
        ssw=("plating", "aluminium anodizing"),
    ),
    _Family(
        "maintenance", 5.0, 0.5, True,
        ("machine-maintenance", "mechanical-maintenance", "electrical-maintenance",
         "industrial-electrical-work", "hydraulics", "pneumatics", "plc-programming",
         "electrical-work"),
        (("teknisi maintenance", "7233"), ("mekanik mesin", "7233"), ("teknisi listrik", "7412"),
         ("electrician", "7411")),
        ssw=("machine maintenance",),
        bnsp=(("Teknisi Perawatan Mesin Industri", "perawatan mesin"),
              ("Instalatir Listrik", "instalasi listrik")),
    ),
    _Family(
        "quality", 2.0, 3.0, False,
        ("quality-control", "visual-inspection", "machine-inspection", "precision-measuring",
         "statistical-process-control"),
        (("QC inspector", "7543"), ("operator QC", "7543"), ("checker", "7543")),
        ssw=("machine inspection",),
    ),
    _Family(
        "food", 4.0, 10.0, False,
        ("food-processing", "food-machine-operation", "prepared-food-production", "bakery",
         "fish-processing", "meat-processing", "food-safety-hygiene", "hand-packing"),
        (("operator produksi makanan", "8160"), ("karyawan pabrik roti", "7512"),
         ("pekerja pengolahan ikan", "7511"), ("helper dapur produksi", "9329"),
         ("operator filling", "8160")),
        ssw=("food manufacturing",),
        bnsp=(("Pengolah Makanan", "pengolahan makanan"),),
    ),
    _Family(
        "garment", 1.5, 10.0, False,
        ("sewing", "industrial-sewing-machine-operation", "overlock-sewing", "garment-cutting",
         "garment-pressing", "garment-quality-control", "embroidery"),
        (("operator jahit", "8153"), ("penjahit", "7533"), ("operator obras", "8153"),
         ("QC garmen", "7543"), ("cutting garmen", "7532")),
        bnsp=(("Operator Mesin Jahit", "menjahit"),),
    ),
    _Family(
        "textile", 1.5, 3.0, False,
        ("textile-production", "weaving", "spinning", "knitting", "textile-dyeing"),
        (("operator tenun", "8152"), ("operator spinning", "8151"), ("operator dyeing", "8154")),
    ),
    _Family(
        "production", 9.0, 10.0, False,
        ("production-work", "machine-operation", "production-helper", "packing", "hand-packing",
         "packing-machine-operation", "visual-inspection", "5s"),
        (("operator produksi", "9329"), ("helper produksi", "9329"), ("operator mesin", "8189"),
         ("packer", "9321"), ("operator packing", "8183")),
        ssw=("industrial packing",),
    ),
    _Family(
        "logistics", 6.0, 1.0, False,
        ("forklift-operation", "warehouse-work", "material-handling", "inventory-control",
         "crane-operation"),
        (("operator forklift", "8344"), ("staf gudang", "9333"), ("helper gudang", "9333"),
         ("admin gudang", "4321")),
    ),
    _Family(
        "rubber", 1.5, 2.0, False,
        ("rubber-products", "rubber-moulding", "tyre-manufacturing", "visual-inspection"),
        (("operator karet", "8141"), ("operator pabrik ban", "8141")),
    ),
    _Family(
        "woodworking", 3.0, 1.0, False,
        ("woodworking", "furniture-making", "wood-machine-operation", "wood-finishing",
         "sawmill-operation"),
        (("tukang kayu", "7522"), ("operator mesin kayu", "7523"), ("finishing mebel", "7132")),
    ),
    _Family(
        "automotive", 4.0, 0.2, True,
        ("automotive-mechanic", "motorcycle-mechanic", "automotive-electrical", "hand-tools"),
        (("mekanik bengkel", "7231"), ("montir motor", "7231")),
    ),
)  # fmt: skip

# Skills any worker may add beside the trade's.
_GENERAL_SKILLS: tuple[tuple[str, float], ...] = (
    ("production-work", 3.0),
    ("quality-control", 1.5),
    ("5s", 1.5),
    ("forklift-operation", 1.0),
    ("occupational-safety-health", 1.0),
    ("technical-drawing-reading", 1.0),
    ("hand-tools", 1.0),
    ("packing", 1.0),
    ("visual-inspection", 1.0),
)
# Things people list that are not manufacturing skills (the normalizer must say "unknown").
_OUTSIDE_SKILLS = (
    "mengemudi mobil", "komputer", "ms office", "kasir", "bertani", "sopir", "admin",
    "bahasa inggris", "satpam", "memasak",
)  # fmt: skip

# How agencies type: abbreviations and habitual misspellings, word by word.
_SPELLINGS: Mapping[str, tuple[str, ...]] = {
    "operator": ("opr", "op", "operator"),
    "listrik": ("lstrik", "listrk", "listrik"),
    "forklift": ("forklip", "porklift", "forklift"),
    "maintenance": ("mtc", "maintenence", "maintanance"),
    "produksi": ("prod", "produksi", "produksi"),
    "pengelasan": ("pengelasn", "pengelasan"),
    "elektronik": ("elektronk", "elektronic"),
    "perakitan": ("prakitan", "perakitan"),
    "assembly": ("assy", "asembly", "assembly"),
    "welding": ("weldng", "welding"),
    "quality": ("qualty", "quality"),
    "control": ("kontrol", "control"),
    "packing": ("paking", "packing"),
    "mesin": ("msn", "mesin", "mesin"),
    "bubut": ("bubut", "bubud"),
    "injeksi": ("injeksi", "injection"),
}
_QUALIFIERS = (" 2 thn", " (dasar)", " berpengalaman", " 3G", " - basic", " 1 tahun")

# Names. Javanese, Sundanese, NTT, Batak and Balinese naming customs differ; the mix
# follows the province so that fairness audits see plausible records.
_FIRST_M = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rizky", "Ahmad",
    "Muhammad", "Arif", "Bayu", "Dimas", "Andi", "Rudi", "Wahyu", "Yudi", "Slamet", "Bambang",
    "Teguh", "Heri", "Iwan", "Adi", "Rahmat", "Dani", "Ilham", "Fikri", "Aldi", "Rian", "Ari",
    "Taufik", "Hadi", "Edi", "Yoga", "Galih", "Firman", "Nanang", "Rendi", "Fauzan",
)  # fmt: skip
_FIRST_F = (
    "Siti", "Sri", "Dewi", "Rina", "Nur", "Ayu", "Putri", "Indah", "Wulan", "Yuni", "Fitri",
    "Ratna", "Sari", "Rini", "Eka", "Dwi", "Tri", "Novi", "Nia", "Lina", "Ani", "Yanti",
    "Desi", "Maya", "Kartika", "Anisa", "Nurul", "Rahma", "Intan", "Mega", "Tuti", "Umi",
)  # fmt: skip
_LAST_M = (
    "Setiawan", "Saputra", "Hidayat", "Kurniawan", "Pratama", "Nugroho", "Santoso", "Wijaya",
    "Prasetyo", "Susanto", "Gunawan", "Firmansyah", "Ramadhan", "Maulana", "Hermawan",
    "Purnomo", "Wibowo", "Hakim", "Syahputra", "Permana",
)  # fmt: skip
_LAST_F = (
    "Rahmawati", "Lestari", "Wahyuni", "Handayani", "Kurniasih", "Susanti", "Puspitasari",
    "Anggraini", "Safitri", "Utami", "Pratiwi", "Hidayati", "Yuliani", "Marlina", "Nurhayati",
    "Kusumawati", "Rahayu", "Fitriani", "Permatasari", "Maharani",
)  # fmt: skip
_MONONYM_M = ("Sutrisno", "Supriyadi", "Suparman", "Sugianto", "Mulyono", "Wagiman", "Sukirno",
              "Parno")  # fmt: skip
_MONONYM_F = ("Suparmi", "Sumarni", "Sulastri", "Tumini", "Karsini", "Wartini", "Sarinah",
              "Painem")  # fmt: skip
_SUNDA_M = ("Asep", "Ujang", "Dadang", "Cecep", "Ade", "Deden", "Yayan", "Encep")
_SUNDA_F = ("Euis", "Neng", "Iis", "Imas", "Cucu", "Enok", "Lilis", "Yati")
_NTT_M = ("Yohanes", "Markus", "Petrus", "Yosef", "Fransiskus", "Agustinus", "Stefanus",
          "Kornelis", "Yakobus", "Aloysius")  # fmt: skip
_NTT_F = ("Maria", "Yuliana", "Agustina", "Veronika", "Theresia", "Elisabeth", "Margaretha",
          "Yosefina", "Katarina", "Florentina")  # fmt: skip
_NTT_LAST = ("Ndun", "Lake", "Bria", "Seran", "Tefa", "Nahak", "Mau", "Kase", "Bere", "Nggadas")
_BATAK_LAST = ("Siregar", "Nasution", "Simanjuntak", "Harahap", "Lubis", "Sitompul",
               "Panjaitan", "Hutapea", "Sinaga", "Manurung")  # fmt: skip
_BALI_M = ("I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Kadek", "I Komang", "I Gede")
_BALI_F = ("Ni Luh", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Kadek", "Ni Komang")
_BALI_GIVEN_M = ("Suardana", "Artawan", "Sudarsana", "Wirawan", "Adnyana", "Mahendra", "Arsana")
_BALI_GIVEN_F = ("Sriasih", "Ariani", "Suartini", "Widiastuti", "Puspita", "Sukmawati", "Darmini")

# ------------------------------------------------------------------ what the job orders are

PROGRAMME_SHARES: Mapping[str, float] = {
    "JP-SSW1": 0.40,
    "JP-SSW2": 0.04,
    "JP-TITP": 0.10,
    "KR-EPS": 0.18,
    "TW-FACTORY": 0.12,
    "MY-PLKS": 0.09,
    "DE-SKILLED": 0.07,
}
"""Share of job orders per programme (counts are exact shares of ``n_vacancies``, rounded)."""
_BELOW_FLOOR_SHARE = 0.03
_SEX_FLAG_SHARE = 0.02
_UNLICENSED_SHARE = 0.03

_PROGRAMME_COUNTRY = {
    "JP-SSW1": "JP", "JP-SSW2": "JP", "JP-TITP": "JP", "KR-EPS": "KR", "TW-FACTORY": "TW",
    "MY-PLKS": "MY", "DE-SKILLED": "DE",
}  # fmt: skip
_CURRENCY = {"JP": "JPY", "KR": "KRW", "TW": "TWD", "MY": "MYR", "DE": "EUR"}

# Workplaces: Japan's manufacturing prefectures weigh most (FORMAT.md: English names).
_REGIONS: Mapping[str, tuple[tuple[str, float], ...]] = {
    "JP": (
        ("Aichi", 14.0), ("Shizuoka", 7.0), ("Osaka", 7.0), ("Saitama", 6.0), ("Gifu", 5.0),
        ("Gunma", 5.0), ("Ibaraki", 5.0), ("Hyogo", 5.0), ("Mie", 4.0), ("Tochigi", 4.0),
        ("Kanagawa", 4.0), ("Hiroshima", 4.0), ("Fukuoka", 3.0), ("Niigata", 3.0),
        ("Nagano", 3.0), ("Chiba", 3.0), ("Tokyo", 2.0), ("Okayama", 2.0), ("Kumamoto", 2.0),
        ("Toyama", 2.0), ("Shiga", 2.0), ("Yamagata", 1.0), ("Miyagi", 1.0), ("Kagawa", 1.0),
        ("Hokkaido", 1.0), ("Miyazaki", 1.0), ("Kagoshima", 1.0), ("Akita", 1.0),
        ("Aomori", 1.0), ("Okinawa", 0.5), ("Kochi", 0.5),
    ),
    "KR": (
        ("Gyeonggi", 10.0), ("South Gyeongsang", 5.0), ("North Chungcheong", 3.0),
        ("North Gyeongsang", 3.0), ("Incheon", 3.0), ("South Chungcheong", 3.0),
        ("Busan", 2.0), ("Daegu", 2.0), ("Ulsan", 1.0), ("Gwangju", 1.0),
    ),
    "TW": (
        ("Taoyuan", 6.0), ("Taichung", 5.0), ("New Taipei", 4.0), ("Tainan", 3.0),
        ("Kaohsiung", 3.0), ("Changhua", 3.0), ("Hsinchu County", 1.0),
    ),
    "MY": (
        ("Johor", 6.0), ("Selangor", 6.0), ("Penang", 5.0), ("Perak", 2.0), ("Kedah", 2.0),
        ("Negeri Sembilan", 2.0), ("Melaka", 1.0),
    ),
    "DE": (
        ("Bavaria", 5.0), ("Baden-Württemberg", 5.0), ("North Rhine-Westphalia", 4.0),
        ("Lower Saxony", 2.0), ("Hesse", 2.0), ("Saxony", 2.0), ("Thuringia", 1.0),
    ),
}  # fmt: skip

_EMPLOYER_WORDS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "JP": (
        ("Tokai", "Chubu", "Kanto", "Kansai", "Sanyo", "Hokuriku", "Shinshu", "Mikawa", "Owari",
         "Kyushu", "Tohoku", "Seto", "Asahi", "Daiichi", "Yamato", "Sakura", "Midori", "Hikari"),
        ("Seiko", "Kogyo", "Tekko", "Denki", "Denshi", "Shokuhin", "Kasei", "Kinzoku", "Seimitsu",
         "Sangyo", "Foods", "Plastics"),
        ("K.K.", "Co., Ltd."),
    ),
    "KR": (
        ("Daehan", "Hanil", "Dongbang", "Samil", "Sungjin", "Woojin", "Kukje", "Dongil",
         "Yeongnam", "Jungang", "Hanseong", "Saehan"),
        ("Precision", "Metal", "Industrial", "Electronics", "Plastics", "Foods", "Tech"),
        ("Co., Ltd.",),
    ),
    "TW": (
        ("Yung Sheng", "Hua Fu", "Tai Ming", "Jin Kuo", "Chang Hsin", "Sheng Tai", "Fu Hua",
         "Ming Yang", "Kuo Feng"),
        ("Industrial", "Electronics", "Textile", "Metal", "Plastic", "Precision"),
        ("Co., Ltd.",),
    ),
    "MY": (
        ("Mega", "Prima", "Jaya", "Bina", "Sinar", "Harta", "Mutiara", "Bintang", "Cahaya"),
        ("Glove", "Electronics", "Plastik", "Industries", "Manufacturing", "Food"),
        ("Sdn. Bhd.",),
    ),
    "DE": (
        ("Müller", "Schneider", "Becker", "Hoffmann", "Wagner", "Schulz", "Neumann", "Krüger"),
        ("Metallbau", "Präzisionstechnik", "Maschinenbau", "Schweißtechnik", "Elektrotechnik",
         "Fertigung"),
        ("GmbH", "GmbH & Co. KG"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _Job:
    """A job-order template: title, ISCO-08, the skill asked for and the programmes using it."""

    title: str
    isco: str
    main: str
    extras: tuple[str, ...]
    programmes: Mapping[str, float]
    sex_if_flagged: str = "M"


_JOBS: tuple[_Job, ...] = (
    _Job("Welder (SMAW/MMAW)", "7212", "smaw-welding",
         ("gmaw-welding", "technical-drawing-reading"),
         {"JP-SSW1": 3, "JP-SSW2": 3, "JP-TITP": 1, "KR-EPS": 2, "TW-FACTORY": 1, "DE-SKILLED": 3}),
    _Job("Welder (CO2/MAG semi-automatic)", "7212", "gmaw-welding", ("smaw-welding", "grinding"),
         {"JP-SSW1": 3, "JP-SSW2": 2, "JP-TITP": 2, "KR-EPS": 2, "DE-SKILLED": 2}),
    _Job("TIG welder (stainless)", "7212", "gtaw-welding", ("technical-drawing-reading",),
         {"JP-SSW1": 1, "JP-SSW2": 1, "DE-SKILLED": 2}),
    _Job("CNC lathe operator", "7223", "cnc-turning", ("technical-drawing-reading",
         "precision-measuring"), {"JP-SSW1": 3, "JP-SSW2": 2, "KR-EPS": 1, "TW-FACTORY": 1,
         "DE-SKILLED": 3}),
    _Job("CNC machining centre operator", "7223", "cnc-milling", ("precision-measuring",),
         {"JP-SSW1": 2, "JP-SSW2": 1, "TW-FACTORY": 1, "DE-SKILLED": 2}),
    _Job("Machine tool operator (lathe, milling)", "7223", "lathe-turning", ("milling",),
         {"JP-SSW1": 2, "JP-TITP": 2, "KR-EPS": 1}),
    _Job("Metal press operator", "7223", "metal-pressing", ("visual-inspection",),
         {"JP-SSW1": 2, "JP-TITP": 2, "KR-EPS": 2, "TW-FACTORY": 1}),
    _Job("Sheet metal worker", "7213", "sheet-metal-work", ("metal-bending", "gmaw-welding"),
         {"JP-SSW1": 1, "JP-TITP": 1, "KR-EPS": 1, "DE-SKILLED": 1}),
    _Job("Die casting operator", "8121", "die-casting", ("deburring",),
         {"JP-SSW1": 1, "JP-TITP": 1, "KR-EPS": 1}),
    _Job("Foundry worker (casting)", "7211", "casting", ("metal-melting",),
         {"JP-SSW1": 1, "KR-EPS": 1}),
    _Job("Electronics assembly operator", "8212", "electronics-assembly",
         ("electronics-soldering", "visual-inspection"),
         {"JP-SSW1": 3, "JP-TITP": 2, "KR-EPS": 1, "TW-FACTORY": 4, "MY-PLKS": 4}, "F"),
    _Job("SMT / PCB assembly operator", "8212", "pcb-assembly", ("electronics-soldering",),
         {"JP-SSW1": 1, "TW-FACTORY": 2, "MY-PLKS": 2}, "F"),
    _Job("Wire harness assembler", "8212", "wire-harness-assembly", ("visual-inspection",),
         {"JP-SSW1": 1, "JP-TITP": 1, "TW-FACTORY": 1, "MY-PLKS": 1}, "F"),
    _Job("Electrical equipment assembler", "8212", "electrical-equipment-assembly",
         ("hand-tools",), {"JP-SSW1": 2, "KR-EPS": 1, "TW-FACTORY": 1}),
    _Job("Automotive parts assembly", "8211", "automotive-assembly", ("mechanical-assembly", "5s"),
         {"JP-TITP": 2, "KR-EPS": 2, "TW-FACTORY": 1, "MY-PLKS": 1}),
    _Job("Injection moulding operator", "8142", "injection-moulding", ("visual-inspection",),
         {"JP-SSW1": 2, "JP-TITP": 1, "KR-EPS": 3, "TW-FACTORY": 2, "MY-PLKS": 2}),
    _Job("Spray painter", "7132", "spray-painting", ("painting",),
         {"JP-SSW1": 1, "JP-TITP": 1, "KR-EPS": 1}),
    _Job("Plating line worker", "8122", "electroplating", ("surface-treatment",),
         {"JP-SSW1": 1, "KR-EPS": 1}),
    _Job("Machine maintenance technician", "7233", "mechanical-maintenance",
         ("electrical-maintenance", "hydraulics"), {"JP-SSW1": 1, "JP-SSW2": 2, "DE-SKILLED": 2}),
    _Job("Industrial electrician", "7412", "industrial-electrical-work", ("plc-programming",),
         {"TW-FACTORY": 1, "DE-SKILLED": 3}),
    _Job("Quality inspector (machined parts)", "7543", "machine-inspection",
         ("precision-measuring", "technical-drawing-reading"), {"JP-SSW1": 1, "TW-FACTORY": 1}),
    _Job("Food processing worker (bento and side dishes)", "8160", "prepared-food-production",
         ("food-safety-hygiene", "hand-packing"), {"JP-SSW1": 4, "JP-TITP": 1}, "F"),
    _Job("Food factory operator", "8160", "food-processing", ("food-machine-operation", "packing"),
         {"JP-SSW1": 3, "JP-TITP": 2, "KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 2}, "F"),
    _Job("Bakery production worker", "7512", "bakery", ("food-safety-hygiene",),
         {"JP-SSW1": 1, "MY-PLKS": 1}, "F"),
    _Job("Seafood processing worker", "7511", "fish-processing", ("food-safety-hygiene",),
         {"JP-SSW1": 1, "JP-TITP": 2}, "F"),
    _Job("Sewing machine operator", "8153", "industrial-sewing-machine-operation",
         ("overlock-sewing",), {"JP-TITP": 3, "TW-FACTORY": 1, "MY-PLKS": 1}, "F"),
    _Job("Textile machine operator", "8152", "weaving", ("textile-production",),
         {"JP-TITP": 1, "TW-FACTORY": 2}, "F"),
    _Job("Production operator", "9329", "production-work", ("packing", "5s"),
         {"KR-EPS": 3, "TW-FACTORY": 3, "MY-PLKS": 3}),
    _Job("Rubber glove production operator", "8141", "rubber-products", ("visual-inspection",),
         {"MY-PLKS": 2}),
    _Job("Packing machine operator", "8183", "packing-machine-operation", ("hand-packing",),
         {"KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 2}, "F"),
    _Job("Forklift operator (factory warehouse)", "8344", "forklift-operation",
         ("warehouse-work",), {"KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 1}),
    _Job("Furniture production worker", "7522", "furniture-making", ("wood-machine-operation",),
         {"KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 1}),
    _Job("Plastic extrusion operator", "8142", "plastic-extrusion", ("visual-inspection",),
         {"KR-EPS": 1, "MY-PLKS": 1}),
    _Job("Mechatronics technician", "3114", "mechatronics", ("plc-programming", "pneumatics"),
         {"DE-SKILLED": 1}),
)  # fmt: skip

_PRODUCTION = next(f for f in _FAMILIES if f.name == "production")
_TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))
_LEVEL_JITTER = (0, 1, 1, 2)  # level = months // 30 + this, clipped to 1..5


@dataclass(frozen=True)
class Pool:
    """A synthetic pool in the Selaras format (plain dicts, FORMAT.md field order).

    Attributes
    ----------
    workers : list of dict
        Worker records, ids ``W-0000001`` upwards.
    vacancies : list of dict
        Job orders, ids ``JO-<as_of year>-0001`` upwards.
    agencies : list of dict
        The agency register the workers and job orders refer to.
    """

    workers: list[Record]
    vacancies: list[Record]
    agencies: list[Record]


# ------------------------------------------------------------------ small helpers


def _add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February when needed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _first_of_month(day: dt.date, months_ahead: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months_ahead
    return dt.date(index // 12, index % 12 + 1, 1)


def _quota(n: int, share: float) -> int:
    """Records of a kind among ``n``: the share rounded, and at least one from 20 records."""
    count = math.floor(n * share + 0.5)
    return max(count, 1) if n >= 20 else count


def _exact_counts(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Split ``n`` by ``shares`` with the largest-remainder method (keys in given order)."""
    total = sum(shares.values())
    raw = {key: n * share / total for key, share in shares.items()}
    counts = {key: math.floor(value) for key, value in raw.items()}
    left = n - sum(counts.values())
    order = sorted(raw, key=lambda key: (counts[key] - raw[key], list(shares).index(key)))
    for key in order[:left]:
        counts[key] += 1
    return counts


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


@lru_cache(maxsize=4)
def _iso_dates(as_of: dt.date) -> tuple[int, tuple[str, ...]]:
    """ISO strings of every day from 70 years before ``as_of`` to 20 years after."""
    first = as_of.toordinal() - 70 * 366
    return first, tuple(
        dt.date.fromordinal(day).isoformat() for day in range(first, first + 90 * 366)
    )


class _Dates:
    """Day ordinals to ISO strings through a table (``date.isoformat`` is the slow part)."""

    def __init__(self, as_of: dt.date) -> None:
        self.today = as_of.toordinal()
        self.first, self.table = _iso_dates(as_of)

    def iso(self, ordinal: int) -> str:
        return self.table[ordinal - self.first]


@lru_cache(maxsize=1)
def _written_forms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per concept: (Indonesian, English, Malay, Japanese, Korean) names workers write.

    Only the first aliases of each language: the later ones are ESCO labels ("tend computer
    numerical control lathe machine") that no agency types.
    """
    taxonomy = load_taxonomy()
    forms: dict[str, tuple[tuple[str, ...], ...]] = {}
    for concept_id, concept in taxonomy.concepts.items():
        english = concept.aliases.get("en", ())[:5] or (concept.label_en,)
        indonesian = concept.aliases.get("id", ())[:6] or english
        others = (concept.aliases.get(lang, ())[:3] or english for lang in ("ms", "ja", "ko"))
        forms[concept_id] = (indonesian, english, *others)
    return forms


def _typo(word: str, rnd: random.Random) -> str:
    if len(word) < 6 or not word.isascii():
        return word
    at = rnd.randrange(1, len(word) - 1)
    if rnd.random() < 0.5:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _mess(text: str, rnd: random.Random, *, rate: float = 1.0) -> str:
    """``text`` as an agency clerk types it: abbreviations, typos, case, a stray qualifier."""
    roll = rnd.random
    if roll() < 0.30 * rate:
        text = " ".join(
            rnd.choice(_SPELLINGS[word]) if word in _SPELLINGS else word for word in text.split()
        )
    if roll() < 0.06 * rate:
        words = text.split()
        at = rnd.randrange(len(words))
        words[at] = _typo(words[at], rnd)
        text = " ".join(words)
    if roll() < 0.04 * rate:
        text += rnd.choice(_QUALIFIERS)
    case = roll()
    if case < 0.55:
        return text.lower()
    if case < 0.77:
        return text.title() if text.isascii() else text
    if case < 0.89:
        return text.upper()
    return text


def _pick(rnd: random.Random, items: Sequence[Any], cum: Sequence[float]) -> Any:
    """One of ``items`` drawn with cumulative weights ``cum``."""
    return items[bisect.bisect_right(cum, rnd.random() * cum[-1])]


class _FastRandom(random.Random):
    """``random.Random`` with the draws the worker loop makes a million times made cheap.

    ``choice`` and ``randint`` scale one ``random()`` instead of rejection-sampling bits
    (a bias below 2**-40, irrelevant for synthetic data); still seeded and reproducible.
    """

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


# ------------------------------------------------------------------ agencies

_AGENCY_WORDS = (
    ("Sinar", "Karya", "Bina", "Mitra", "Jaya", "Cahaya", "Putra", "Mandiri", "Surya", "Duta",
     "Lintas", "Graha", "Harapan", "Anugerah", "Sentosa", "Prima", "Bumi", "Mega"),
    ("Harapan", "Mandiri", "Tenaga", "Kerja", "Abadi", "Sejahtera", "Nusantara", "Global",
     "Utama", "Samudera", "Insani", "Persada", "Makmur", "Bersama"),
    ("Penempatan", "Global", "Manpower", "Internasional", "Indonesia", "Sejahtera", "Nusantara",
     "Perkasa"),
)  # fmt: skip


def generate_agencies(
    n_agencies: int = 30, *, seed: int = SEED, as_of: dt.date = AS_OF
) -> list[Record]:
    """Generate an agency (P3MI) register: mostly active, a few suspended, revoked or expired.

    Parameters
    ----------
    n_agencies : int
        Number of agencies (at least 1). About 1 in 15 each is suspended, revoked (on a date
        before ``as_of``) and expired (``valid_until`` before ``as_of``); from 10 agencies on,
        at least one of each.
    seed : int
        Random seed.
    as_of : datetime.date
        Evaluation date the statuses refer to.

    Returns
    -------
    list of dict
        Agency records with ids ``P3MI-0001`` upwards; every one validates with
        ``models.agency.Agency``.
    """
    if n_agencies < 1:
        raise ValueError(f"n_agencies must be at least 1; got {n_agencies}")
    rnd = random.Random(f"selaras-pool:{seed}:{_AGENCY_STREAM}")
    bad = [max(1, round(n_agencies / 15)) if n_agencies >= 10 else 0] * 3
    statuses = ["suspended"] * bad[0] + ["revoked"] * bad[1] + ["expired"] * bad[2]
    statuses += ["active"] * (n_agencies - len(statuses))
    rnd.shuffle(statuses)
    today = as_of.toordinal()
    used_names: list[str] = []
    agencies = []
    for index, status in enumerate(statuses, start=1):
        for _attempt in range(100):
            words = [rnd.choice(choices) for choices in _AGENCY_WORDS]
            name = "PT " + " ".join(words)
            if len(set(words)) == len(words) and name not in used_names:
                break
        else:  # a register larger than the word lists allow: number the name
            name = f"{name} {index}"
        used_names.append(name)
        if status == "expired":
            valid_until = dt.date.fromordinal(today - rnd.randint(20, 700))
            valid_from = _add_years(valid_until, -5)
        else:
            valid_from = dt.date.fromordinal(today - rnd.randint(60, 5 * 365 - 60))
            valid_until = _add_years(valid_from, 5)
        revoked_on = None
        if status == "revoked":
            span = min(today, valid_until.toordinal()) - valid_from.toordinal()
            revoked_on = dt.date.fromordinal(valid_from.toordinal() + rnd.randint(30, span - 1))
        agencies.append(
            {
                "id": f"P3MI-{index:04d}",
                "name": name,
                "licence": f"SIP3MI {rnd.randint(1, 400):03d}/{valid_from.year}",
                "status": status,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
                "revoked_on": None if revoked_on is None else revoked_on.isoformat(),
            }
        )
    return agencies


# ------------------------------------------------------------------ job orders


@lru_cache(maxsize=4096)
def _floor(programme: str, region: str | None, on: dt.date, per: str) -> float:
    result = wage_floor_on(programme, region, on, per=per)
    if result.amount is None or result.per != per:
        raise RuntimeError(f"no {per}ly wage floor for {programme} {region} on {on}: {result}")
    return result.amount


# Offered wage unit and rounding step per programme (the unit each destination publishes
# its floor in, so every wage is checkable).
_WAGE_UNIT: Mapping[str, tuple[tuple[str, float, float], ...]] = {
    # (per, step, share)
    "JP": (("hour", 10.0, 1.0),),
    "KR": (("month", 10_000.0, 0.8), ("hour", 10.0, 0.2)),
    "TW": (("month", 100.0, 0.85), ("hour", 1.0, 0.15)),
    "MY": (("month", 50.0, 1.0),),
    "DE": (("hour", 0.05, 1.0),),
}


def _wage(
    programme: str, region: str | None, start: dt.date, below: bool, rnd: random.Random
) -> Record:
    country = _PROGRAMME_COUNTRY[programme]
    units = _WAGE_UNIT[country]
    per, step, _ = _pick(rnd, units, _cumulative(u[2] for u in units))
    floor = _floor(programme, region, start, per)
    if below:
        amount = math.floor(floor * rnd.uniform(0.86, 0.985) / step) * step
        amount = min(amount, floor - step)
    else:
        # Mostly a little above the floor, some well above (skilled and German jobs).
        top = 1.45 if programme in ("JP-SSW2", "DE-SKILLED") else 1.25
        amount = math.ceil(floor * rnd.uniform(1.0, top) / step) * step
    value: int | float = round(amount, 2) if step < 1 else round(amount)
    return {"amount": value, "currency": _CURRENCY[country], "per": per}


def _requirement_name(concept_id: str, rnd: random.Random) -> str:
    indonesian, english, *_ = _written_forms()[concept_id]
    roll = rnd.random()
    if roll < 0.6:
        return english[0]
    if roll < 0.85:
        return rnd.choice(english)
    return rnd.choice(indonesian)


def _languages_for(programme: str, rnd: random.Random) -> list[Record]:
    jp_named: Record = {
        "any_of": [{"test": "JLPT", "min": "N4"}, {"test": "JFT-Basic", "min": "A2"}]
    }
    roll = rnd.random()
    if programme == "JP-SSW1":
        out: list[Record] = [jp_named] if roll < 0.9 else []
        if rnd.random() < 0.15:
            out.append({"any_of": [{"test": "JLPT", "min": "N3"}], "required": False})
        return out
    if programme == "JP-SSW2":
        return (
            [{"any_of": [{"test": "JLPT", "min": "N3"}], "required": False}] if roll < 0.2 else []
        )
    if programme == "JP-TITP":
        return (
            [{"any_of": [{"test": "JLPT", "min": "N5"}], "required": False}] if roll < 0.4 else []
        )
    if programme == "KR-EPS":
        minimum = _pick(
            rnd, (80, 90, 100, 110, 120, 130, 140, 150), _cumulative((4, 3, 3, 3, 2, 1, 1, 1))
        )
        return [{"any_of": [{"test": "EPS-TOPIK", "min": minimum}]}]
    if programme == "TW-FACTORY":
        if roll < 0.10:
            return [{"language": "zh", "min_cefr": "A1", "required": False}]
        if roll < 0.25:
            return [{"language": "en", "min_cefr": "A1", "required": False}]
        return []
    if programme == "MY-PLKS":
        return [{"language": "en", "min_cefr": "A2", "required": False}] if roll < 0.25 else []
    # DE-SKILLED: no statutory level; employers ask A2-B1.
    level = "A2" if rnd.random() < 0.6 else "B1"
    german: Record = {"language": "de", "min_cefr": level}
    if roll >= 0.75:
        german["required"] = False
    if rnd.random() < 0.2:
        return [german, {"language": "en", "min_cefr": "B1", "required": False}]
    return [german]


# Age windows job orders state, with their weights (None: no window).
_AGE_WINDOWS: Mapping[str, tuple[tuple[Record | None, float], ...]] = {
    "JP-SSW1": (({"min": 18, "max": 35}, 3), ({"min": 18, "max": 30}, 1),
                ({"min": 18, "max": 40}, 1), ({"min": 18}, 2), (None, 3)),
    "JP-SSW2": (({"min": 21}, 1), (None, 3)),
    "JP-TITP": (({"min": 18, "max": 26}, 7), (None, 3)),
    "KR-EPS": (({"min": 18, "max": 39}, 5), ({"min": 20, "max": 35}, 2), (None, 3)),
    "TW-FACTORY": (({"min": 20, "max": 35}, 3), ({"min": 20, "max": 45}, 2),
                   ({"min": 20, "max": 40}, 1), (None, 4)),
    "MY-PLKS": (({"min": 18, "max": 45}, 4), ({"min": 21, "max": 40}, 2), (None, 4)),
    "DE-SKILLED": (({"min": 21}, 1), (None, 6)),
}  # fmt: skip


def _age_for(programme: str, rnd: random.Random) -> Record | None:
    options = _AGE_WINDOWS[programme]
    window = _pick(rnd, [w for w, _ in options], _cumulative(weight for _, weight in options))
    return None if window is None else dict(window)


def _requirements(programme: str, job: _Job, rnd: random.Random, sex: str | None) -> Record:
    main: Record = {"name": _requirement_name(job.main, rnd), "required": True}
    certifiable = job.main.endswith("welding") or job.main == "forklift-operation"
    if (certifiable and rnd.random() < 0.35) or (programme == "DE-SKILLED" and rnd.random() < 0.3):
        main["certified"] = True
    if rnd.random() < 0.35:
        main["min_level"] = rnd.choice((1, 2, 2, 3))
    if rnd.random() < 0.2:
        main["min_months"] = rnd.choice((6, 12, 12, 24))
    skills = [main]
    for extra in job.extras[: rnd.choice((0, 1, 1, 2, 2))]:
        if rnd.random() < 0.7:
            skills.append({"name": _requirement_name(extra, rnd), "required": False, "weight": 0.5})
        else:
            skills.append({"name": _requirement_name(extra, rnd), "required": True})
    requirements: Record = {"skills": skills}
    languages = _languages_for(programme, rnd)
    if languages:
        requirements["languages"] = languages
    if programme == "JP-SSW2":
        requirements["experience"] = {"min_months": 36, "isco": [job.isco]}
    elif programme == "DE-SKILLED" and rnd.random() < 0.8:
        requirements["experience"] = {"min_months": 24, "isco": [job.isco]}
    elif programme != "JP-TITP" and rnd.random() < 0.55:
        months = rnd.choice((6, 12, 12, 24, 24, 36))
        requirements["experience"] = {"min_months": months, "isco": [job.isco]}
    age = _age_for(programme, rnd)
    if age is not None:
        requirements["age"] = age
    if sex is not None:
        requirements["sex"] = sex
    return requirements


def _employer(country: str, rnd: random.Random) -> str:
    first, second, suffix = _EMPLOYER_WORDS[country]
    return f"{rnd.choice(first)} {rnd.choice(second)} {rnd.choice(suffix)}"


_CONTRACT_MONTHS: Mapping[str, tuple[int, ...]] = {
    "JP-SSW1": (12, 24, 36, 36, 36),
    "JP-SSW2": (36, 60),
    "JP-TITP": (36,),
    "KR-EPS": (36,),
    "TW-FACTORY": (36,),
    "MY-PLKS": (24, 36, 36),
    "DE-SKILLED": (24, 36, 48),
}
_SLOTS: Mapping[str, tuple[int, int]] = {
    "JP-SSW1": (1, 15), "JP-SSW2": (1, 4), "JP-TITP": (3, 12), "KR-EPS": (1, 8),
    "TW-FACTORY": (5, 40), "MY-PLKS": (10, 80), "DE-SKILLED": (1, 6),
}  # fmt: skip


def generate_vacancies(
    n_vacancies: int,
    agencies: Sequence[Mapping[str, Any]],
    *,
    seed: int = SEED,
    as_of: dt.date = AS_OF,
) -> list[Record]:
    """Generate job orders across the manufacturing programmes.

    Parameters
    ----------
    n_vacancies : int
        Number of job orders. Programme counts follow ``PROGRAMME_SHARES`` exactly
        (largest remainder); 3% (at least one from 20 job orders) offer a wage below the
        floor in force on ``start_date``, 2% name a sex and 3% come from an agency that is
        not active on ``as_of``: three disjoint sets.
    agencies : sequence of dict
        The register (``generate_agencies``); job orders come from its active agencies,
        except the unlicensed ones.
    seed : int
        Random seed.
    as_of : datetime.date
        Evaluation date; start dates fall 2 to 14 months after it, on the first of a month.

    Returns
    -------
    list of dict
        Job-order records with ids ``JO-<as_of year>-0001`` upwards; every one validates
        with ``models.vacancy.Vacancy``.
    """
    if n_vacancies < 0:
        raise ValueError(f"n_vacancies must be non-negative; got {n_vacancies}")
    active = [a["id"] for a in agencies if a["status"] == "active"]
    # Unlicensed job orders take a suspended, a revoked, an expired agency, in turn.
    by_status = [[a["id"] for a in agencies if a["status"] == status]
                 for status in ("suspended", "revoked", "expired")]  # fmt: skip
    inactive = [ids[turn] for turn in range(len(agencies)) for ids in by_status if turn < len(ids)]
    if not active:
        raise ValueError("the agency register has no active agency")
    rnd = random.Random(f"selaras-pool:{seed}:{_VACANCY_STREAM}")
    counts = _exact_counts(n_vacancies, PROGRAMME_SHARES)
    programmes = [p for p, count in counts.items() for _ in range(count)]
    rnd.shuffle(programmes)
    special = rnd.sample(range(n_vacancies), n_vacancies)
    n_below = _quota(n_vacancies, _BELOW_FLOOR_SHARE)
    n_sex = _quota(n_vacancies, _SEX_FLAG_SHARE)
    n_unlicensed = _quota(n_vacancies, _UNLICENSED_SHARE) if inactive else 0
    # Only membership is asked of these sets, never their order.
    below = set(special[:n_below])
    sexed = set(special[n_below : n_below + n_sex])
    unlicensed = {
        index: inactive[rank % len(inactive)]
        for rank, index in enumerate(special[n_below + n_sex : n_below + n_sex + n_unlicensed])
    }
    agency_cum = _cumulative(1.0 / (rank + 1) ** 0.8 for rank in range(len(active)))
    titp_last = rule_pack("JP-TITP").availability
    width = max(4, len(str(n_vacancies)))
    vacancies = []
    for index, programme in enumerate(programmes):
        country = _PROGRAMME_COUNTRY[programme]
        jobs = [job for job in _JOBS if programme in job.programmes]
        job = _pick(rnd, jobs, _cumulative(job.programmes[programme] for job in jobs))
        regions = _REGIONS[country]
        region = _pick(rnd, [r for r, _ in regions], _cumulative(w for _, w in regions))
        start = _first_of_month(as_of, rnd.randint(2, 14))
        if programme == "JP-TITP" and titp_last is not None:
            last = titp_last.last_start_date
            while start > last and start > _first_of_month(as_of, 2):
                start = _first_of_month(start, -1)
        sex = job.sex_if_flagged if index in sexed else None
        agency_id = unlicensed.get(index) or _pick(rnd, active, agency_cum)
        low, high = _SLOTS[programme]
        slots = min(high, low + int(rnd.expovariate(1.0 / max(1.0, (high - low) / 3))))
        vacancies.append(
            {
                "id": f"JO-{as_of.year}-{index + 1:0{width}d}",
                "agency_id": agency_id,
                "employer": {"name": _employer(country, rnd), "type": "company"},
                "country": country,
                "region": region,
                "programme": programme,
                "title": job.title,
                "isco": job.isco,
                "slots": slots,
                "start_date": start.isoformat(),
                "contract_months": rnd.choice(_CONTRACT_MONTHS[programme]),
                "wage": _wage(programme, region, start, index in below, rnd),
                "requirements": _requirements(programme, job, rnd, sex),
            }
        )
    return vacancies


# ------------------------------------------------------------------ workers


class _WorkerTables:
    """Everything a worker block reads, prepared once per pool (seeded, so still reproducible).

    Agencies copy the same spellings from form to form, so each concept and job title gets
    ``_VARIANTS`` messy written forms drawn once per pool; a share of workers gets a fresh
    form (the long tail of one-off typos). Reusing forms also keeps the loop fast.
    """

    def __init__(self, agencies: Sequence[Mapping[str, Any]], as_of: dt.date, seed: int) -> None:
        self.dates = _Dates(as_of)
        self.forms = _written_forms()
        taxonomy = load_taxonomy()
        missing = [c for f in _FAMILIES for c in f.concepts if c not in taxonomy] + [
            c for c, _ in _GENERAL_SKILLS if c not in taxonomy
        ]
        if missing:
            raise RuntimeError(f"pool tables name concepts missing from the taxonomy: {missing}")
        # Bigger agencies register more workers (Zipf-like by register order).
        self.agency_ids = [str(a["id"]) for a in agencies]
        self.agency_p = _probabilities(1.0 / (rank + 1) ** 0.7 for rank in range(len(agencies)))
        ages = [
            (age, band * w / sum(ws.values())) for band, ws in _AGE_BANDS for age, w in ws.items()
        ]
        self.ages = np.array([a for a, _ in ages], dtype=np.int64)
        self.age_p = _probabilities(p for _, p in ages)
        self.province_p = _probabilities(w for _, w, _ in _PROVINCES)
        self.track_p = _probabilities(w for _, w in _TRACKS)
        self.family_p_m = _probabilities(f.weight_m for f in _FAMILIES)
        self.family_p_f = _probabilities(f.weight_f for f in _FAMILIES)
        self.n_skills_p = _probabilities((30.0, 35.0, 25.0, 10.0))
        self.education_p = {k: _probabilities(v) for k, v in _EDUCATION_WEIGHTS.items()}
        self.general = [c for c, _ in _GENERAL_SKILLS]
        self.general_cum = _cumulative(w for _, w in _GENERAL_SKILLS)
        self.country_cum = _cumulative((5.0, 3.0, 3.0, 2.0, 1.0))
        rnd = _FastRandom(f"selaras-pool:{seed}:{_VARIANT_STREAM}")
        self.skill_variants = {
            concept_id: tuple(_fresh_skill_name(self.forms[concept_id], rnd)
                              for _ in range(_VARIANTS))
            for concept_id in sorted(self.forms)
        }  # fmt: skip
        self.title_variants = {
            title: tuple(_mess(title, rnd, rate=0.5) for _ in range(_VARIANTS))
            for title in sorted({t for f in _FAMILIES for t, _ in f.jobs})
        }


def _probabilities(weights: Iterable[float]) -> NDArray[np.float64]:
    array = np.fromiter(weights, dtype=np.float64)
    return np.asarray(array / array.sum(), dtype=np.float64)


def _name(female: bool, province: str, rnd: _FastRandom) -> str:
    roll = rnd.random()
    choice = rnd.choice
    if province == "Bali":
        prefix = choice(_BALI_F if female else _BALI_M)
        return f"{prefix} {choice(_BALI_GIVEN_F if female else _BALI_GIVEN_M)}"
    if province == "Nusa Tenggara Timur" and roll < 0.7:
        return f"{choice(_NTT_F if female else _NTT_M)} {choice(_NTT_LAST)}"
    first = choice(_FIRST_F if female else _FIRST_M)
    if province in ("Jawa Barat", "Banten") and roll < 0.35:
        first = choice(_SUNDA_F if female else _SUNDA_M)
    if province == "Sumatera Utara" and roll < 0.7:
        return f"{first} {choice(_BATAK_LAST)}"
    if province in ("Jawa Tengah", "Jawa Timur", "DI Yogyakarta") and roll < 0.15:
        return choice(_MONONYM_F if female else _MONONYM_M)
    if roll < 0.25:
        return first
    return f"{first} {choice(_LAST_F if female else _LAST_M)}"


def _fresh_skill_name(forms: tuple[tuple[str, ...], ...], rnd: random.Random) -> str:
    """A newly typed name: 70% Indonesian, 27% English, 3% Malay, messed up as clerks do."""
    indonesian, english, malay, _, _ = forms
    roll = rnd.random()
    if roll < 0.70:
        return _mess(rnd.choice(indonesian), rnd)
    if roll < 0.97:
        return _mess(rnd.choice(english), rnd)
    return _mess(rnd.choice(malay), rnd)


def _skill_name(
    concept_id: str, abroad: str | None, tables: _WorkerTables, rnd: _FastRandom
) -> str:
    """A skill as written: a pool-wide variant (85%), else freshly typed; returnees from
    Japan or Korea sometimes write the Japanese or Korean name they learnt there."""
    roll = rnd.random()
    if roll < 0.08 and abroad in ("JP", "KR"):
        return rnd.choice(tables.forms[concept_id][3 if abroad == "JP" else 4])
    if roll < 0.85:
        return tables.skill_variants[concept_id][int(rnd.random() * _VARIANTS)]
    return _fresh_skill_name(tables.forms[concept_id], rnd)


def _skills(
    family: _Family,
    n_skills: int,
    cap_months: int,
    abroad: str | None,
    tables: _WorkerTables,
    rnd: _FastRandom,
) -> tuple[list[Record], list[str]]:
    """1-4 skill claims: the trade's main skill first, then trade or general skills.

    Months are exponential (mean 30 for the main skill, 14 for others) capped at 120 and
    at the months since age 17; 45% state a level that grows with the months.
    """
    random_ = rnd.random
    log = math.log
    concepts = family.concepts
    n_concepts = len(concepts)
    general, general_cum = tables.general, tables.general_cum
    # The first concepts of a trade are its commonest (index ~ exponential, mean 1.7).
    chosen = [concepts[min(int(-log(1.0 - random_()) * 1.7), n_concepts - 1)]]
    for _ in range(n_skills - 1):
        for _attempt in range(4):
            if random_() < 0.7:
                candidate = concepts[int(random_() * n_concepts)]
            else:
                candidate = general[bisect.bisect_right(general_cum, random_() * general_cum[-1])]
            if candidate not in chosen:
                chosen.append(candidate)
                break
    cap = min(cap_months, 120)
    skills = []
    for rank, concept in enumerate(chosen):
        if rank and random_() < 0.03:
            skills.append({"name": _OUTSIDE_SKILLS[int(random_() * len(_OUTSIDE_SKILLS))]})
            continue
        skill: Record = {"name": _skill_name(concept, abroad, tables, rnd)}
        roll = random_()
        if roll < 0.9:
            months = int(-log(1.0 - random_()) * (30.0 if rank == 0 else 14.0))
            months = cap if months > cap else months
            skill["months"] = months
            if roll < 0.45:
                level = months // 30 + _LEVEL_JITTER[int(random_() * 4)]
                skill["level"] = 1 if level < 1 else (5 if level > 5 else level)
        elif roll < 0.93:
            skill["level"] = 1 + int(random_() * 3)
        skills.append(skill)
    return skills, chosen


_ABROAD_TITLES: Mapping[str, tuple[str, ...]] = {
    "KR-EPS": ("production operator", "operator pabrik", "pekerja pabrik korea", "EPS worker"),
    "JP-TITP": ("kenshusei", "jisshusei", "magang jepang", "technical intern"),
    "JP-SSW1": ("tokutei ginou", "SSW worker", "pekerja tokutei ginou"),
    "TW-FACTORY": ("operator pabrik", "factory worker", "buruh pabrik taiwan"),
    "MY-PLKS": ("operator kilang", "pekerja kilang", "production operator"),
}
_ABROAD_MONTHS: Mapping[str, tuple[tuple[int, ...], list[float]]] = {
    # E-9: 36 + 22 = 58 months at most per entry; a few "sincere worker" re-entries go past
    # the 60-month cap.
    "KR-EPS": ((12, 24, 36, 46, 58, 70, 94), _cumulative((1, 2, 5, 2, 4, 0.3, 0.2))),
    "JP-TITP": ((12, 24, 36, 48, 60), _cumulative((2, 1, 6, 1, 1))),
    "JP-SSW1": ((12, 18, 24, 36, 48, 54), _cumulative((2, 1, 2, 2, 1, 1))),
    "TW-FACTORY": ((24, 36, 72, 108, 144), _cumulative((1, 4, 2, 1, 0.3))),
    "MY-PLKS": ((24, 36, 60, 96), _cumulative((2, 3, 2, 1))),
}
# Cumulative weights of the worker loop's categorical draws.
_HOME_JOBS_CUM = _cumulative((18.0, 44.0, 27.0, 11.0))  # 0-3 jobs in Indonesia
_JLPT_TITP_CUM = _cumulative((20.0, 45.0, 25.0, 8.0, 2.0))  # none, N5, N4, N3, N2
_JLPT_SSW_CUM = _cumulative((25.0, 35.0, 28.0, 10.0, 2.0))
_GERMAN_CUM = _cumulative((30.0, 37.0, 27.0, 6.0))  # A1, A2, B1, B2
_EXTRA_COUNTRIES_CUM = _cumulative((55.0, 35.0, 10.0))  # 0-2 countries besides the first
_PROGRAMME_ABROAD_COUNTRY = {
    "KR-EPS": "KR", "JP-TITP": "JP", "JP-SSW1": "JP", "TW-FACTORY": "TW", "MY-PLKS": "MY",
}  # fmt: skip
_DAYS_PER_MONTH = 30.44


def _abroad_programme(track: str | None, rnd: _FastRandom) -> str:
    if track in ("JP-SSW1", "JP-TITP"):
        return "JP-TITP" if rnd.random() < 0.7 else "JP-SSW1"
    if track in ("KR-EPS", "TW-FACTORY", "MY-PLKS"):
        return track if rnd.random() < 0.85 else rnd.choice(("KR-EPS", "TW-FACTORY", "MY-PLKS"))
    return rnd.choice(("KR-EPS", "JP-TITP", "TW-FACTORY", "MY-PLKS"))


def _experience(
    family: _Family,
    track: str | None,
    age: int,
    birth: int,
    tables: _WorkerTables,
    rnd: _FastRandom,
) -> list[Record]:
    """Work history built backwards from a recent end date, returned oldest first.

    0-3 jobs in Indonesia (ISCO code on 85%, dates on 70%) and, for 15% of those aged 22+,
    a stay abroad under a programme, with its own typical length.
    """
    random_ = rnd.random
    today = tables.dates.today
    iso = tables.dates.iso
    earliest = birth + int(17.5 * 365.25)
    # Most under-19s have not worked yet.
    n_home = 0 if age < 19 and random_() < 0.7 else _pick(rnd, (0, 1, 2, 3), _HOME_JOBS_CUM)
    kinds: list[str | None] = [None] * n_home
    if age >= 22 and random_() < 0.15:
        kinds.insert(rnd.randint(0, n_home), _abroad_programme(track, rnd))
    entries: list[Record] = []
    end = today - rnd.randint(15, 300)
    for programme in kinds:
        entry: Record
        if programme is None:
            months = 2 + int(-math.log(1.0 - random_()) * 20.0)
            months = 60 if months > 60 else months
            jobs = family.jobs if random_() < 0.8 else _PRODUCTION.jobs
            title, isco = jobs[int(random_() * len(jobs))]
            entry = {"title": tables.title_variants[title][int(random_() * _VARIANTS)]}
            if random_() < 0.85:
                entry["isco"] = isco
            if random_() < 0.9:
                entry["country"] = "ID"
        else:
            values, cum = _ABROAD_MONTHS[programme]
            months = _pick(rnd, values, cum)
            entry = {
                "title": rnd.choice(_ABROAD_TITLES[programme]),
                "isco": rnd.choice(family.jobs)[1],
                "country": _PROGRAMME_ABROAD_COUNTRY[programme],
                "programme": programme,
            }
        start = end - int(months * _DAYS_PER_MONTH)
        if start < earliest:
            # Nobody works before 17: shorten the entry to fit, or stop the history here.
            start = earliest
            months = int((end - start) / _DAYS_PER_MONTH)
            if months < 1:
                break
        entry["months"] = months
        if programme is not None or random_() < 0.7:
            entry["start"] = iso(start)
            entry["end"] = iso(end)
        entries.append(entry)
        end = start - rnd.randint(10, 240)
        if end < earliest:
            break
    entries.reverse()
    return entries


def _jp_languages(
    track: str | None, floor_day: int, today: int, iso: Callable[[int], str], rnd: _FastRandom
) -> tuple[list[Record], bool]:
    """Japanese results of a Japan-bound worker, and whether they reach N4 / JFT-Basic A2."""
    results: list[Record] = []
    reached = False
    cum = _JLPT_TITP_CUM if track == "JP-TITP" else _JLPT_SSW_CUM
    level = _pick(rnd, (None, "N5", "N4", "N3", "N2"), cum)
    if level is not None:
        record: Record = {"test": "JLPT", "result": level}
        if rnd.random() < 0.3:
            # JLPT pass marks out of 180: N5 80, N4 90, N3 95, N2 90.
            low = {"N5": 80, "N4": 90, "N3": 95, "N2": 90}[level]
            record["score"] = rnd.randint(low, min(180, low + 60))
        record["date"] = iso(max(floor_day, today - rnd.randint(30, 1095)))
        results.append(record)
        reached = level != "N5"
    if rnd.random() < (0.4 if level in (None, "N5") else 0.15):
        roll = rnd.random()
        result: str | int
        if roll < 0.5:
            result, passed = "A2", True
        elif roll < 0.6:
            result, passed = 5 * rnd.randint(40, 50), True
        elif roll < 0.8:
            result, passed = 5 * rnd.randint(24, 39), False
        else:
            result, passed = "below A2", False
        day = max(floor_day, today - rnd.randint(14, 1000))
        results.append({"test": "JFT-Basic", "result": result, "date": iso(day)})
        reached = reached or passed
    return results, reached


def _languages(
    track: str | None, education: str, birth: int, tables: _WorkerTables, rnd: _FastRandom
) -> tuple[list[Record], bool, int | None]:
    """Language results; whether Japanese reaches the SSW gate; the EPS-TOPIK score if any.

    Dates fall in the last three years (four for English), never before age 15.
    """
    random_ = rnd.random
    today = tables.dates.today
    iso = tables.dates.iso
    floor_day = birth + 15 * 366
    results: list[Record] = []
    jp_ready = False
    eps: int | None = None
    if track == "JP-SSW1" or track == "JP-TITP":
        results, jp_ready = _jp_languages(track, floor_day, today, iso, rnd)
    elif random_() < 0.03:
        day = max(floor_day, today - rnd.randint(30, 1095))
        results.append({"test": "JLPT", "result": "N5", "date": iso(day)})
    if track == "KR-EPS" and random_() < 0.8:
        # A bell over 80..200 in steps of 5 (40 items x 5 points), centred near 140.
        eps = 80 + 5 * int(8.33 * (random_() + random_() + random_()))
        day = max(floor_day, today - rnd.randint(10, 1095))
        results.append({"test": "EPS-TOPIK", "result": eps, "date": iso(day)})
    elif track == "DE-SKILLED" and random_() < 0.95:
        level = _pick(rnd, ("A1", "A2", "B1", "B2"), _GERMAN_CUM)
        test = "Goethe" if random_() < 0.8 else "telc"
        day = max(floor_day, today - rnd.randint(20, 900))
        results.append({"test": test, "result": level, "date": iso(day)})
    if random_() < (0.2 if education in ("D3", "S1") else 0.05):
        total = 5 * rnd.randint(40, 171)
        listening = min(495, 5 * round(total * (0.47 + 0.13 * random_()) / 5))
        day = max(floor_day, today - rnd.randint(30, 1460))
        results.append({
            "test": "TOEIC", "result": total,
            "sections": {"listening": listening, "reading": total - listening}, "date": iso(day),
        })  # fmt: skip
    if random_() < 0.01:
        day = max(floor_day, today - rnd.randint(30, 1460))
        band = rnd.choice((4.0, 4.5, 5.0, 5.5, 6.0, 6.5))
        results.append({"test": "IELTS", "result": band, "date": iso(day)})
    return results, jp_ready, eps


def _day_between(low: int, high: int, rnd: _FastRandom) -> int:
    """A day ordinal from ``low`` to ``high`` (``high`` when they cross)."""
    return rnd.randint(low, high) if low < high else high


def _certificates(
    family: _Family,
    concepts: Sequence[str],
    track: str | None,
    age: int,
    birth: int,
    jp_ready: bool,
    eps: int | None,
    experience: Sequence[Record],
    abroad: str | None,
    tables: _WorkerTables,
    rnd: _FastRandom,
) -> list[Record]:
    """Certificates that follow from the trade, the destination and any stay in Japan."""
    if age < 18:
        return []
    random_ = rnd.random
    today = tables.dates.today
    iso = tables.dates.iso
    first_day = birth + 17 * 366
    out: list[Record] = []

    def issued_within(days: int) -> int:
        return _day_between(max(first_day, today - days), today - 15, rnd)

    if family.bnsp and random_() < (0.3 if family.technical else 0.12):
        name, skill = rnd.choice(family.bnsp)
        issued = dt.date.fromordinal(issued_within(6 * 365))
        out.append({
            "name": name, "skill": skill, "scheme": "BNSP",
            "number": f"LSP-{family.name[:3].upper()}/{rnd.randint(1, 9999):04d}/{issued.year}",
            "issued": issued.isoformat(), "expires": _add_years(issued, 3).isoformat(),
        })  # fmt: skip
    if "forklift-operation" in concepts and random_() < 0.5:
        issued = dt.date.fromordinal(issued_within(7 * 365))
        out.append({
            "name": "SIO Operator Forklift Kelas II", "skill": "forklift", "scheme": "SIO",
            "number": f"{rnd.randint(1, 99999):05d}/SIO/K3/{issued.year}",
            "issued": issued.isoformat(), "expires": _add_years(issued, 5).isoformat(),
        })  # fmt: skip
    if track == "JP-SSW1" and family.ssw and random_() < (0.55 if jp_ready else 0.12):
        category = rnd.choice(family.ssw)
        if category == "food manufacturing":
            name = "Tokutei Ginou food and beverage manufacturing skills test (OTAFF)"
        else:
            name = f"Tokutei Ginou manufacturing skills test: {category}"
        out.append({
            "name": name, "skill": category, "scheme": "JP-SSW-SKILLS-TEST",
            "issued": iso(issued_within(3 * 365)), "expires": None,
        })  # fmt: skip
    if abroad == "JP":
        out.extend(_japan_certificates(family, experience, issued_within, iso, rnd))
    if track == "KR-EPS" and random_() < (0.5 if (eps or 0) >= 120 else 0.25):
        issued = dt.date.fromordinal(issued_within(900))
        out.append({
            "name": "EPS skills test (manufacturing, round 2)", "scheme": "KR-EPS-SKILLS-TEST",
            "score": rnd.randint(55, 100), "issued": issued.isoformat(),
            "expires": _add_years(issued, 2).isoformat(),
        })  # fmt: skip
    if random_() < 0.05:
        out.append({
            "name": "Sertifikat Pelatihan K3 Umum", "skill": "K3", "scheme": "OTHER",
            "issued": iso(issued_within(5 * 365)),
        })  # fmt: skip
    return out


def _japan_certificates(
    family: _Family,
    experience: Sequence[Record],
    issued_within: Callable[[int], int],
    iso: Callable[[int], str],
    rnd: _FastRandom,
) -> list[Record]:
    """技能検定 3級 for 60% of TITP (ii) completers; SSW (ii) test and BC検定 for 40% of those
    with 3 years in Japan."""
    japan = [e for e in experience if e.get("country") == "JP"]
    if not japan:
        return []
    out: list[Record] = []
    categories = family.ssw or ("machining",)
    titp = [e for e in japan if e.get("programme") == "JP-TITP" and e["months"] >= 34]
    if titp and rnd.random() < 0.6:
        category = rnd.choice(categories)
        out.append({
            "name": f"技能検定随時3級 ({category})", "skill": category, "scheme": "JP-TRADE-TEST",
            "issued": iso(_ordinal(titp[-1]["end"]) - 30), "expires": None,
        })  # fmt: skip
    if sum(e["months"] for e in japan) >= 36 and rnd.random() < 0.4:
        category = rnd.choice(categories)
        out.append({
            "name": f"Tokutei Ginou (ii) manufacturing skills test: {category}",
            "skill": category, "scheme": "JP-SSW2-SKILLS-TEST",
            "issued": iso(issued_within(4 * 365)), "expires": None,
        })  # fmt: skip
        out.append({
            "name": "ビジネス・キャリア検定3級 生産管理オペレーション", "scheme": "OTHER",
            "issued": iso(issued_within(4 * 365)), "expires": None,
        })  # fmt: skip
    return out


def _ordinal(iso_date: str) -> int:
    return dt.date.fromisoformat(iso_date).toordinal()


def _preferences(track: str | None, tables: _WorkerTables, rnd: _FastRandom) -> Record | None:
    """Countries (the destination prepared for first) and, for 35%, a minimum wage in IDR."""
    primary = _TRACK_COUNTRY.get(track) if track else None
    if primary is None and rnd.random() < 0.5:
        return None
    countries = [primary] if primary else []
    extra = _pick(rnd, (0, 1, 2), _EXTRA_COUNTRIES_CUM) + (0 if primary else 1)
    for _ in range(extra):
        country = _pick(rnd, _COUNTRIES, tables.country_cum)
        if country not in countries:
            countries.append(country)
    preferences: Record = {"countries": countries}
    if rnd.random() < 0.35:
        low, high = _WAGE_WISH_IDR[countries[0]]
        amount = 500_000 * rnd.randint(low // 500_000, high // 500_000)
        preferences["min_monthly_wage"] = {"amount": amount, "currency": "IDR"}
    return preferences


def _worker_block(block: int, n: int, seed: int, tables: _WorkerTables, width: int) -> list[Record]:
    """Workers ``block * WORKER_BLOCK + 1`` .. ``+ n`` (``n <= WORKER_BLOCK``).

    Vectorised draws are always made for a whole block, so a record does not depend on
    how many workers the pool holds.
    """
    size = WORKER_BLOCK
    gen = np.random.default_rng([seed, _WORKER_STREAM, block])
    female_mask = gen.random(size) < _FEMALE_SHARE
    ages = tables.ages[gen.choice(len(tables.ages), size=size, p=tables.age_p)]
    offsets = (ages * 365.2425).astype(np.int64) + gen.integers(0, 365, size)
    birth_days = (tables.dates.today - offsets).tolist()
    provinces = gen.choice(len(_PROVINCES), size=size, p=tables.province_p).tolist()
    regency_draw = gen.integers(0, 1 << 30, size).tolist()
    districts = gen.integers(1, 31, size).tolist()
    serials = gen.integers(1, 3000, size).tolist()
    tracks = gen.choice(len(_TRACKS), size=size, p=tables.track_p).tolist()
    family_m = gen.choice(len(_FAMILIES), size=size, p=tables.family_p_m)
    family_f = gen.choice(len(_FAMILIES), size=size, p=tables.family_p_f)
    families = np.where(female_mask, family_f, family_m).tolist()
    n_skills = (gen.choice(4, size=size, p=tables.n_skills_p) + 1).tolist()
    agencies = gen.choice(len(tables.agency_ids), size=size, p=tables.agency_p).tolist()
    educations = {
        kind: gen.choice(len(_EDUCATION), size=size, p=p).tolist()
        for kind, p in tables.education_p.items()
    }
    # Health: 90% have a record, 97% of them fit, 5% with abnormal colour vision.
    health_u = gen.random((size, 3)).tolist()
    checked = (tables.dates.today - gen.integers(5, 541, size)).tolist()
    # Passports: 75% have one, issued up to 5.5 years ago (some 5-year ones have lapsed),
    # 30% valid 10 years.
    passport_u = gen.random((size, 2)).tolist()
    passport_issued = (tables.dates.today - gen.integers(0, 2001, size)).tolist()
    female = female_mask.tolist()
    ages_list = ages.tolist()
    rnd = _FastRandom(int(gen.integers(0, 1 << 62)))

    iso = tables.dates.iso
    agency_ids = tables.agency_ids
    first = block * size
    out: list[Record] = []
    for i in range(n):
        is_female = female[i]
        age = ages_list[i]
        birth = birth_days[i]
        birth_iso = iso(birth)
        province, _, regencies = _PROVINCES[provinces[i]]
        track = _TRACKS[tracks[i]][0]
        if track == "JP-TITP" and age > 26:
            track = "JP-SSW1"
        family = _FAMILIES[families[i]]
        # NIK: regency (4) + district (2) + DDMMYY with 40 added to a woman's day + serial
        # (4). Built from the ISO birth date: str.format is the slow part of the loop.
        day = str(int(birth_iso[8:10]) + 40) if is_female else birth_iso[8:10]
        nik = "".join((
            regencies[regency_draw[i] % len(regencies)], _TWO_DIGITS[districts[i]], day,
            birth_iso[5:7], birth_iso[2:4], str(serials[i]).zfill(4),
        ))  # fmt: skip
        if track == "DE-SKILLED":
            education = _EDUCATION[educations["DE-SKILLED"][i]]
        else:
            education = _EDUCATION[educations["technical" if family.technical else "general"][i]]
        experience = _experience(family, track, age, birth, tables, rnd)
        abroad = None
        for entry in experience:
            if "programme" in entry:
                abroad = entry["country"]
        skills, concepts = _skills(
            family, n_skills[i], max(0, (age - 17) * 12), abroad, tables, rnd
        )
        languages, jp_ready, eps = _languages(track, education, birth, tables, rnd)
        certificates = _certificates(
            family, concepts, track, age, birth, jp_ready, eps, experience, abroad, tables, rnd
        )
        worker: Record = {
            "id": "W-" + str(first + i + 1).zfill(width),
            "agency_id": agency_ids[agencies[i]],
            "full_name": _name(is_female, province, rnd),
            "nik": nik,
            "birth_date": birth_iso,
            "gender": "F" if is_female else "M",
            "province": province,
            "education": education,
            "skills": skills,
        }
        if certificates:
            worker["certificates"] = certificates
        if languages:
            worker["languages"] = languages
        if experience:
            worker["experience"] = experience
        present, fit, vision = health_u[i]
        if present < 0.9:
            worker["health"] = {
                "fit_to_work": fit < 0.97,
                "colour_vision_normal": vision >= 0.05,
                "checked": iso(checked[i]),
            }
        present, ten_years = passport_u[i]
        if present < 0.75:
            years = 10 if ten_years < 0.3 else 5
            expires = passport_issued[i] + years * 365 + years // 4
            worker["documents"] = {"passport_expires": iso(expires)}
        preferences = _preferences(track, tables, rnd)
        if preferences is not None:
            worker["preferences"] = preferences
        out.append(worker)
    return out


def _without_gc(build: Callable[..., list[Record]], *args: Any) -> list[Record]:
    """Call ``build`` with the cyclic garbage collector paused.

    The records are trees of dicts and lists (no reference cycles), so the collector finds
    nothing, yet it would walk every young record each few hundred allocations: pausing it
    takes about a third off the generation time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build(*args)
    finally:
        if enabled:
            gc.enable()


def iter_workers(
    n_workers: int,
    agencies: Sequence[Mapping[str, Any]],
    *,
    seed: int = SEED,
    as_of: dt.date = AS_OF,
) -> Iterator[Record]:
    """Yield worker records one by one, generated a block at a time.

    Parameters
    ----------
    n_workers : int
        Number of workers.
    agencies : sequence of dict
        The register the workers are registered with (every status: a suspended agency
        still holds candidates).
    seed : int
        Random seed.
    as_of : datetime.date
        Evaluation date: ages, result and certificate dates and passports are set around it.

    Yields
    ------
    dict
        Worker records ``W-0000001`` upwards (7 digits, more when ``n_workers`` needs
        them); each validates with ``models.worker.Worker`` without warnings.
    """
    if n_workers < 0:
        raise ValueError(f"n_workers must be non-negative; got {n_workers}")
    if not agencies:
        raise ValueError("workers need at least one agency")
    tables = _WorkerTables(agencies, as_of, seed)
    width = max(7, len(str(n_workers)))
    for block in range(-(-n_workers // WORKER_BLOCK)):
        n = min(WORKER_BLOCK, n_workers - block * WORKER_BLOCK)
        yield from _without_gc(_worker_block, block, n, seed, tables, width)


def generate_pool(
    n_workers: int, n_vacancies: int, seed: int = SEED, as_of: dt.date = AS_OF
) -> Pool:
    """Generate a whole synthetic pool: 30 agencies, the job orders and the workers.

    Parameters
    ----------
    n_workers : int
        Number of workers.
    n_vacancies : int
        Number of job orders.
    seed : int
        Random seed; the same arguments always give the same pool.
    as_of : datetime.date
        The evaluation date the pool is built around (ages, validity, licences).

    Returns
    -------
    Pool
        Lists of plain dicts in the Selaras format.

    Examples
    --------
    >>> pool = generate_pool(100, 10, seed=7)
    >>> len(pool.workers), len(pool.vacancies), len(pool.agencies)
    (100, 10, 30)
    """
    agencies = generate_agencies(seed=seed, as_of=as_of)
    vacancies = generate_vacancies(n_vacancies, agencies, seed=seed, as_of=as_of)
    workers = list(iter_workers(n_workers, agencies, seed=seed, as_of=as_of))
    return Pool(workers=workers, vacancies=vacancies, agencies=agencies)


# ------------------------------------------------------------------ files and command line


def record_line(record: Mapping[str, Any]) -> str:
    """One JSON Lines line (with its newline) as the pool files store it."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def _write(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(record_line(record))
            count += 1
    return count


# Worker-process state of ``_write_workers`` (set once per process by its initializer).
_PROCESS_TABLES: list[_WorkerTables] = []


def _init_process(agencies: Sequence[Mapping[str, Any]], as_of: dt.date, seed: int) -> None:
    _PROCESS_TABLES[:] = [_WorkerTables(agencies, as_of, seed)]


def _block_text(task: tuple[int, int, int, int]) -> str:
    """The JSON Lines text of one block of workers (runs in a worker process)."""
    block, n, seed, width = task
    records = _without_gc(_worker_block, block, n, seed, _PROCESS_TABLES[0], width)
    return "".join(record_line(record) for record in records)


def _write_workers(
    path: Path,
    n_workers: int,
    agencies: Sequence[Mapping[str, Any]],
    *,
    seed: int,
    as_of: dt.date,
    n_jobs: int,
) -> int:
    """Write ``n_workers`` workers to ``path``; ``n_jobs`` processes give the same bytes.

    Blocks have their own random streams, so they can be drawn in any process; the
    processes return each block's text and it is written in block order.
    """
    if n_jobs == 1:
        records = iter_workers(n_workers, agencies, seed=seed, as_of=as_of)
        return _write(path, records)
    width = max(7, len(str(n_workers)))
    tasks = [
        (block, min(WORKER_BLOCK, n_workers - block * WORKER_BLOCK), seed, width)
        for block in range(-(-n_workers // WORKER_BLOCK))
    ]
    with (
        ProcessPoolExecutor(
            n_jobs, initializer=_init_process, initargs=(agencies, as_of, seed)
        ) as executor,
        path.open("w", encoding="utf-8", newline="\n") as handle,
    ):
        for text in executor.map(_block_text, tasks):
            handle.write(text)
    return n_workers


def write_pool(pool: Pool, out_dir: str | Path) -> dict[str, Path]:
    """Write a pool as ``workers.jsonl``, ``vacancies.jsonl`` and ``agencies.jsonl``.

    Parameters
    ----------
    pool : Pool
        The records.
    out_dir : str or Path
        Directory, created if missing; existing files of those names are replaced.

    Returns
    -------
    dict of str to Path
        ``workers``, ``vacancies``, ``agencies`` -> the files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / name for kind, name in zip(("workers", "vacancies", "agencies"),
                                                    FILE_NAMES, strict=True)}  # fmt: skip
    _write(paths["workers"], pool.workers)
    _write(paths["vacancies"], pool.vacancies)
    _write(paths["agencies"], pool.agencies)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Write a pool to ``--out``, streaming workers so memory stays flat at any size.

    Returns the exit status (0); argparse exits with 2 on bad usage.
    """
    parser = argparse.ArgumentParser(
        description="Write a seeded synthetic Selaras pool (workers, job orders, agencies)."
    )
    parser.add_argument("--workers", type=int, default=2000, help="number of workers")
    parser.add_argument("--vacancies", type=int, default=60, help="number of job orders")
    parser.add_argument("--agencies", type=int, default=30, help="number of agencies")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, default=AS_OF, help="evaluation date YYYY-MM-DD"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="worker processes (-1: one per CPU); the files are the same for every value",
    )
    args = parser.parse_args(argv)
    n_jobs = (os.cpu_count() or 1) if args.jobs == -1 else args.jobs
    if n_jobs < 1:
        parser.error(f"--jobs must be -1 or at least 1; got {args.jobs}")
    for name in ("workers", "vacancies", "agencies"):
        if getattr(args, name) < (1 if name == "agencies" else 0):
            parser.error(f"--{name} must be {'at least 1' if name == 'agencies' else '>= 0'}")
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    agencies = generate_agencies(args.agencies, seed=args.seed, as_of=args.as_of)
    vacancies = generate_vacancies(args.vacancies, agencies, seed=args.seed, as_of=args.as_of)
    _write(args.out / FILE_NAMES[2], agencies)
    _write(args.out / FILE_NAMES[1], vacancies)
    n_written = _write_workers(
        args.out / FILE_NAMES[0], args.workers, agencies,
        seed=args.seed, as_of=args.as_of, n_jobs=n_jobs,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    print(
        f"{n_written} workers, {len(vacancies)} job orders, {len(agencies)} agencies "
        f"(seed {args.seed}, as of {args.as_of}) -> {args.out} in {elapsed:.2f} s "
        f"({n_jobs} process{'es' if n_jobs > 1 else ''})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
