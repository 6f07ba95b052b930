#!/usr/bin/env python3
"""Write the reintegration sample: ``data/sample/returnees.jsonl`` and ``opportunities.jsonl``.

Deterministic (a fixed seed; the same files every run), synthetic (no real person), and
realistic where it matters for reintegration (docs/reintegration.md, "Sample data"):

- **200 returnees** from home regencies across Java, Sumatra, Sulawesi, Bali and Nusa
  Tenggara (NTB, NTT), three with no recorded ``home``; years abroad in Japan (technical
  intern training, often followed by SSW), Korea (EPS, 4 years 10 months a contract),
  Taiwan and Malaysia, two in Germany; Japanese trade-test certificates (grade in the field
  or written in the name: "3級", "grade 2"), SSW and EPS skills tests, German recognition
  notices; interests, capital and how far they would move.
- **60 opportunities**: jobs in industrial estates (Kendal, Batang, Semarang, Cikarang in
  Kabupaten Bekasi, Karawang, Purwakarta, Serang/Cilegon, Gresik, Pasuruan, Sidoarjo,
  Batam, Morowali, Makassar), IKM programmes, cooperatives, and trainer posts at LPK, BDI,
  BBPVP and Kemenperin polytechnics. Wages are set from the minimum wage in force at the
  place on the start date (``matcher/data/minimum_wages_id.json``), 2% to 35% above it (a
  part-time language teacher paid by the hour 58%), except four set below it on purpose so
  that the samples show refusals:

  - ``OPP-2026-0005`` Kendal, 2,900,000 IDR a month from 2026-05-01: meets Kendal's 2025
    UMK, not its 2026 UMK (refused at a regency with UMK);
  - ``OPP-2026-0013`` Kabupaten Bekasi, 40,000 IDR an hour (x 126 = 5,040,000 a month,
    below the UMK of 5,938,885);
  - ``OPP-2026-0029`` Kabupaten Lombok Timur, 2,500,000 IDR a month: below the UMP of Nusa
    Tenggara Barat, a province without UMK in the table (refused at a province);
  - ``OPP-2026-0058`` an LPK in Kabupaten Cirebon, 26,400,000 IDR a year (2,200,000 a
    month, below the UMP of Jawa Barat; the table has no UMK for Cirebon).

Usage (from the project root)::

    .venv/bin/python scripts/make_reintegration_sample.py            # write the files
    .venv/bin/python scripts/make_reintegration_sample.py --check    # exit 1 if they differ
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

from matcher.reintegration import floor_in_force
from models.regions import Place, find_province, find_regency

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SEED = 16
AS_OF = dt.date(2026, 3, 1)
AGENCIES = ("P3MI-0042", "P3MI-0107", "P3MI-0215", "P3MI-0333", "P3MI-0501")

# Home regencies, weighted towards the regions that send the most workers.
HOMES: tuple[tuple[str, str, int], ...] = (
    ("Jawa Tengah", "Kabupaten Kendal", 8), ("Jawa Tengah", "Kabupaten Batang", 4),
    ("Jawa Tengah", "Kabupaten Cilacap", 8), ("Jawa Tengah", "Kabupaten Brebes", 6),
    ("Jawa Tengah", "Kabupaten Grobogan", 4), ("Jawa Tengah", "Kota Semarang", 3),
    ("Jawa Tengah", "Kabupaten Wonosobo", 5), ("Jawa Tengah", "Kabupaten Kebumen", 5),
    ("Jawa Barat", "Kabupaten Indramayu", 9), ("Jawa Barat", "Kabupaten Cirebon", 6),
    ("Jawa Barat", "Kabupaten Karawang", 3), ("Jawa Barat", "Kabupaten Subang", 4),
    ("Jawa Barat", "Kabupaten Cianjur", 4), ("Jawa Barat", "Kabupaten Bekasi", 2),
    ("Jawa Timur", "Kabupaten Malang", 6), ("Jawa Timur", "Kabupaten Blitar", 6),
    ("Jawa Timur", "Kabupaten Tulungagung", 5), ("Jawa Timur", "Kabupaten Ponorogo", 5),
    ("Jawa Timur", "Kabupaten Gresik", 2), ("Jawa Timur", "Kabupaten Banyuwangi", 4),
    ("Daerah Istimewa Yogyakarta", "Kabupaten Kulon Progo", 2),
    ("Banten", "Kabupaten Serang", 2),
    ("Sumatera Utara", "Kabupaten Deli Serdang", 3), ("Sumatera Utara", "Kota Medan", 2),
    ("Lampung", "Kabupaten Lampung Timur", 4), ("Kepulauan Riau", "Kota Batam", 2),
    ("Sumatera Selatan", "Kabupaten Ogan Komering Ilir", 2),
    ("Sulawesi Selatan", "Kabupaten Bone", 3), ("Sulawesi Selatan", "Kota Makassar", 2),
    ("Sulawesi Tengah", "Kabupaten Morowali", 2), ("Sulawesi Tengah", "Kota Palu", 2),
    ("Sulawesi Utara", "Kota Bitung", 1),
    ("Nusa Tenggara Barat", "Kabupaten Lombok Timur", 8),
    ("Nusa Tenggara Barat", "Kabupaten Lombok Tengah", 6),
    ("Nusa Tenggara Barat", "Kabupaten Sumbawa", 2),
    ("Nusa Tenggara Timur", "Kabupaten Timor Tengah Selatan", 3),
    ("Nusa Tenggara Timur", "Kabupaten Flores Timur", 2), ("Nusa Tenggara Timur", "Kota Kupang", 2),
    ("Bali", "Kabupaten Badung", 1),
)  # fmt: skip
UNKNOWN_HOMES = 3

# Skill families: how the work is written abroad and at home (all read by the normalizer).
FAMILIES: dict[str, dict[str, Any]] = {
    "welding": {"used": ["溶接", "welding", "las listrik", "las argon", "용접"], "title": "welder",
                "ja": "溶接", "claim": "pengelasan"},
    "machining": {"used": ["CNC milling", "旋盤", "CNC turning", "機械加工", "bubut"],
                  "title": "CNC machine operator", "ja": "機械加工", "claim": "bubut"},
    "plastics": {"used": ["射出成形", "injection moulding", "사출성형"],
                 "title": "injection moulding operator", "ja": "プラスチック成形",
                 "claim": "injection moulding"},
    "electronics": {"used": ["電子機器組立", "electronics assembly", "PCB assembly", "soldering"],
                    "title": "electronics assembler", "ja": "電子機器組立て",
                    "claim": "perakitan elektronik"},
    "pressing": {"used": ["プレス加工", "metal pressing", "press operator"],
                 "title": "press operator", "ja": "金属プレス加工", "claim": "metal pressing"},
    "painting": {"used": ["塗装", "spray painting"], "title": "painter", "ja": "塗装",
                 "claim": "spray painting"},
    "casting": {"used": ["鋳造", "die casting", "pengecoran"], "title": "casting operator",
                "ja": "鋳造", "claim": "pengecoran"},
    "food": {"used": ["食品加工", "food processing", "fish processing"],
             "title": "food factory worker", "ja": "食品製造", "claim": "pengolahan pangan"},
    "garment": {"used": ["縫製", "sewing", "garment manufacturing"], "title": "sewing operator",
                "ja": "婦人子供服製造", "claim": "menjahit"},
    "automotive": {"used": ["automotive assembly", "perakitan otomotif", "wire harness"],
                   "title": "automotive assembly operator", "ja": "自動車組立",
                   "claim": "perakitan otomotif"},
    "maintenance": {"used": ["machine maintenance", "perawatan mesin", "electrical maintenance"],
                    "title": "maintenance technician", "ja": "機械保全",
                    "claim": "perawatan mesin"},
}  # fmt: skip
DESTINATION_FAMILIES = {
    "JP": ("welding", "machining", "plastics", "electronics", "pressing", "painting", "casting",
           "food", "automotive", "maintenance"),
    "KR": ("welding", "machining", "plastics", "casting", "pressing", "automotive", "painting"),
    "TW": ("electronics", "machining", "plastics", "garment", "food"),
    "MY": ("electronics", "garment", "food", "plastics", "welding"),
}  # fmt: skip

MALE = ("Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Iwan", "Joko", "Rizki", "Slamet",
        "Teguh", "Wahyu", "Yusuf", "Andi", "Bayu", "Dimas", "Gilang", "Heru", "Imam", "Rudi",
        "Made", "Komang", "Lalu", "Yohanes", "Petrus", "Muhammad", "Arif", "Sugeng")  # fmt: skip
FEMALE = ("Siti", "Sri", "Dewi", "Ani", "Lestari", "Wulan", "Yuni", "Rina", "Nur", "Ika",
          "Fitri", "Ratna", "Endang", "Maria", "Ni Luh", "Baiq", "Dian", "Eka")  # fmt: skip
FAMILY_NAMES = ("Setiawan", "Rahmawati", "Saputra", "Wibowo", "Hidayat", "Kurniawan",
                "Susanto", "Pratama", "Handayani", "Lestari", "Nugroho", "Purnomo",
                "Syahputra", "Hasanah", "Ramadhan", "Sitompul", "Daeng", "Fernandez", "Wijaya",
                "Suryani")  # fmt: skip


def _date(day: dt.date) -> str:
    return day.isoformat()


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def _nik(rng: random.Random, regency_code: str, birth: dt.date, female: bool) -> str:
    district = f"{rng.randint(1, 20):02d}"
    day = birth.day + (40 if female else 0)
    serial = rng.randint(1, 9999)
    return f"{regency_code.replace('.', '')}{district}{day:02d}{birth:%m%y}{serial:04d}"


def _stays(rng: random.Random, country: str, returned: dt.date) -> list[dict[str, Any]]:
    """Work abroad ending shortly before ``returned``, laid out backwards, one family."""
    family = rng.choice(DESTINATION_FAMILIES[country])
    spec = FAMILIES[family]
    if country == "JP":
        plan = [("JP-TITP", 36)] + (
            [("JP-SSW1", rng.choice((12, 24, 36, 48)))] if rng.random() < 0.45 else []
        )
    elif country == "KR":
        plan = [("KR-EPS", 58)] * (2 if rng.random() < 0.3 else 1)
    elif country == "TW":
        plan = [("TW-FACTORY", 36)] * rng.choice((1, 1, 2, 3))
    else:
        plan = [("MY-PLKS", 24)] * rng.choice((1, 2, 2, 3))
    end = returned - dt.timedelta(days=rng.randint(0, 45))
    stays: list[dict[str, Any]] = []
    for programme, months in reversed(plan):
        early = rng.random() < 0.12  # came home before the contract ended
        worked = months - rng.randint(3, 14) if early else months
        start = _add_months(dt.date(end.year, end.month, 1), -worked)
        used = rng.sample(spec["used"], k=min(len(spec["used"]), rng.choice((1, 1, 2))))
        entry: dict[str, Any] = {"title": spec["title"], "country": country,
                                 "programme": programme, "months": worked,
                                 "start": _date(start), "end": _date(end),
                                 "completed_contract": not early, "skills_used": used}  # fmt: skip
        if rng.random() < 0.1:  # an undated record from the placement agency
            del entry["start"], entry["end"]
        stays.append(entry)
        end = start - dt.timedelta(days=rng.randint(20, 200))
    stays.reverse()
    return stays


def _certificates(
    rng: random.Random, country: str, stays: list[dict[str, Any]], family: str
) -> list[dict[str, Any]]:
    spec = FAMILIES[family]
    found: list[dict[str, Any]] = []
    first = stays[0]
    issued = dt.date.fromisoformat(first.get("start", "2020-01-01"))
    if country == "JP":
        titp = first["programme"] == "JP-TITP"
        if titp and rng.random() < 0.7:
            found.append(
                {
                    "name": f"技能検定 {spec['ja']} 基礎級",
                    "skill": spec["used"][0],
                    "scheme": "JP-TRADE-TEST",
                    "issued": _date(_add_months(issued, 10)),
                }
            )
        if titp and first.get("completed_contract") and rng.random() < 0.6:
            style = rng.choice(("field", "kanji", "english"))
            cert = {
                "skill": spec["used"][0],
                "scheme": "JP-TRADE-TEST",
                "issued": _date(_add_months(issued, 30)),
            }
            if style == "field":
                cert |= {"name": f"技能検定 {spec['ja']}", "grade": "3"}
            elif style == "kanji":
                cert |= {"name": f"{spec['ja']}技能検定 3級"}
            else:
                cert |= {"name": f"Trade skills test ({family}) grade 3"}
            found.append(cert)
        long_stay = sum(s["months"] for s in stays) >= 60
        if long_stay and rng.random() < 0.35:
            found.append(
                {
                    "name": f"{spec['ja']}技能検定 2級",
                    "skill": spec["used"][0],
                    "scheme": "JP-TRADE-TEST",
                    "issued": _date(_add_months(issued, 54)),
                }
            )
        ssw = sum(s["months"] for s in stays if s["programme"] == "JP-SSW1")
        if ssw >= 36 and rng.random() < 0.5:  # on the SSW (ii) route
            found.append(
                {
                    "name": f"特定技能2号評価試験 ({family})",
                    "skill": spec["used"][0],
                    "scheme": "JP-SSW2-SKILLS-TEST",
                    "issued": _date(_add_months(issued, 66)),
                }
            )
        if long_stay and ssw >= 48 and rng.random() < 0.3:
            found.append(
                {
                    "name": f"{spec['ja']}技能検定 1級",
                    "skill": spec["used"][0],
                    "scheme": "JP-TRADE-TEST",
                    "grade": 1,
                    "issued": _date(_add_months(issued, 80)),
                }
            )
        if ssw and rng.random() < 0.5:
            found.append(
                {
                    "name": f"Tokutei Ginou skills test: {family}",
                    "skill": spec["used"][1],
                    "scheme": "JP-SSW-SKILLS-TEST",
                    "issued": _date(_add_months(issued, 34)),
                }
            )
    elif country == "KR" and rng.random() < 0.8:
        found.append(
            {
                "name": "EPS skills test (manufacturing)",
                "skill": spec["used"][0],
                "scheme": "KR-EPS-SKILLS-TEST",
                "score": rng.randint(60, 95),
                "issued": _date(_add_months(issued, -4)),
            }
        )
    last = (
        max(dt.date.fromisoformat(s["end"]) for s in stays if "end" in s)
        if any("end" in s for s in stays)
        else None
    )
    for cert in found:  # a test abroad is taken before coming home
        if last is not None and cert["issued"] > _date(last):
            cert["issued"] = _date(last - dt.timedelta(days=30))
    return found  # fmt: skip


def _languages(
    rng: random.Random, country: str, stays: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    first = dt.date.fromisoformat(stays[0].get("start", "2020-01-01"))
    if country == "JP":
        level = rng.choice(("N4", "N4", "N3", "N3", "N2"))
        return [{"test": "JLPT", "result": level, "date": _date(_add_months(first, 24))}]
    if country == "KR":
        return [{"test": "EPS-TOPIK", "result": rng.randint(140, 195),
                 "date": _date(_add_months(first, -6))}]  # fmt: skip
    return []


def _returnee(rng: random.Random, number: int, home: tuple[str, str] | None) -> dict[str, Any]:
    female = rng.random() < 0.35
    first = rng.choice(FEMALE if female else MALE)
    birth = dt.date(rng.randint(1981, 2000), rng.randint(1, 12), rng.randint(1, 28))
    country = rng.choices(("JP", "KR", "TW", "MY"), weights=(45, 30, 15, 10))[0]
    returned = dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 990))  # to early 2026
    stays = _stays(rng, country, returned)
    family = next(f for f, s in FAMILIES.items() if s["title"] == stays[0]["title"])
    province, regency = home or rng.choice(HOMES)[:2]
    code = find_regency(regency, find_province(province)).code
    total = sum(s["months"] for s in stays)
    record: dict[str, Any] = {
        "id": f"RT-{number:06d}",
        "agency_id": rng.choice(AGENCIES),
        "full_name": f"{first} {rng.choice(FAMILY_NAMES)}",
        "nik": _nik(rng, code, birth, female),
        "birth_date": _date(birth),
        "gender": "F" if female else "M",
        "province": province,
        "education": rng.choice(("SMK", "SMK", "SMK", "SMA", "SMP", "D3")),
        "skills": [],
        "certificates": _certificates(rng, country, stays, family),
        "languages": _languages(rng, country, stays),
        "experience": stays,
        "returned": _date(returned),
    }
    if rng.random() < 0.5:  # some state the skill at home as well, with a level
        record["skills"].append({"name": FAMILIES[family]["claim"], "months": total,
                                 "level": rng.choice((2, 2, 3))})  # fmt: skip
    if home is not None:
        record["home"] = {"province": province, "regency": regency}
    interests = sorted(rng.sample(("employment", "entrepreneurship", "cooperative", "trainer"),
                                  k=rng.choice((1, 2, 2, 3, 4))))  # fmt: skip
    reintegration: dict[str, Any] = {
        "relocate": rng.choices(("none", "province", "island", "any"), (35, 30, 22, 13))[0]
    }
    if home is None:
        reintegration["relocate"] = "any"
    if len(interests) < 4 or rng.random() < 0.5:
        reintegration["interests"] = interests
    wants_capital = "entrepreneurship" in interests or "cooperative" in interests
    if wants_capital and rng.random() < 0.75:
        amount = rng.randrange(5, 151, 5) * 1_000_000
        reintegration["capital"] = {"amount": amount, "currency": "IDR"}
    record["reintegration"] = reintegration
    return record


def _germany(number: int, home: tuple[str, str], rng: random.Random) -> dict[str, Any]:
    """Two skilled workers back from Germany with a recognition notice."""
    province, regency = home
    code = find_regency(regency, find_province(province)).code
    birth = dt.date(1990 + number % 5, 4, 12)
    full = number == 50
    notice = "volle Gleichwertigkeit" if full else "teilweise Gleichwertigkeit"
    return {
        "id": f"RT-{number:06d}", "agency_id": "P3MI-0215",
        "full_name": f"{rng.choice(MALE)} {rng.choice(FAMILY_NAMES)}",
        "nik": _nik(rng, code, birth, False), "birth_date": _date(birth), "gender": "M",
        "province": province, "education": "D3",
        "skills": [{"name": "CNC machining", "months": 60, "level": 3}],
        "certificates": [{"name": f"Feststellungsbescheid ({notice}): Zerspanungsmechaniker",
                          "skill": "machining", "scheme": "OTHER", "issued": "2022-02-01"}],
        "languages": [{"test": "Goethe", "result": "B1", "date": "2021-06-15"}],
        "experience": [{"title": "CNC machinist", "country": "DE", "programme": "DE-SKILLED",
                        "months": 42, "start": "2022-03-01", "end": "2025-08-31",
                        "completed_contract": True,
                        "skills_used": ["CNC machining", "machining"]}],
        "returned": "2025-09-20", "home": {"province": province, "regency": regency},
        "reintegration": {"interests": ["employment", "trainer"], "relocate": "island"},
    }  # fmt: skip


def returnees() -> list[dict[str, Any]]:
    """The 200 sample returnees, in id order."""
    rng = random.Random(SEED)
    weighted = [(p, r) for p, r, w in HOMES for _ in range(w)]
    records = []
    for number in range(1, 201):
        if number in (50, 150):
            records.append(_germany(number, ("Jawa Tengah", "Kabupaten Kendal"), rng))
            continue
        home = None if number in (17, 88, 163) else rng.choice(weighted)
        records.append(_returnee(rng, number, home))
    assert sum("home" not in r for r in records) == UNKNOWN_HOMES
    return records


# --- opportunities -------------------------------------------------------------------------

Spec = dict[str, Any]


def _opportunity(
    number: int,
    kind: str,
    organiser: tuple[str, str],
    title: str,
    where: tuple[str, str | None],
    *,
    slots: int = 2,
    start: str | None = "2026-06-01",
    sector: str | None = None,
    isco: str | None = None,
    wage: tuple[float, str, str] | float | None = None,
    skills: list[Spec] | None = None,
    overseas: Spec | None = None,
    languages: list[Spec] | None = None,
    capital: int | None = None,
) -> Spec:
    """One opportunity; a float ``wage`` is a factor on the minimum wage in force there."""
    province, regency = where
    record: Spec = {"id": f"OPP-2026-{number:04d}", "kind": kind,
                    "organiser": {"name": organiser[0], "type": organiser[1]},
                    "title": title}  # fmt: skip
    if isco:
        record["isco"] = isco
    if sector:
        record["sector"] = sector
    record["location"] = {"province": province} | ({"regency": regency} if regency else {})
    record["slots"] = slots
    if start:
        record["start_date"] = start
    if isinstance(wage, float):
        day = dt.date.fromisoformat(start) if start else AS_OF
        floor = floor_in_force(Place(province=province, regency=regency), day)
        assert floor is not None
        record["wage"] = {"amount": round(floor.amount * wage, -4), "currency": "IDR",
                          "per": "month"}  # fmt: skip
    elif wage is not None:
        amount, currency, per = wage
        record["wage"] = {"amount": amount, "currency": currency, "per": per}
    requirements: Spec = {}
    if skills:
        requirements["skills"] = skills
    if languages:
        requirements["languages"] = languages
    if overseas:
        requirements["overseas_experience"] = overseas
    if capital:
        requirements["capital"] = {"amount": capital, "currency": "IDR"}
    if requirements:
        record["requirements"] = requirements
    return record


def _skill(name: str, level: int | None = None, *, certified: bool = False,
           required: bool = True) -> Spec:  # fmt: skip
    spec: Spec = {"name": name}
    if level is not None:
        spec["min_level"] = level
    if certified:
        spec["certified"] = True
    if not required:
        spec["required"] = False
    return spec


def _abroad(months: int, *countries: str) -> Spec:
    return {"min_months": months} | ({"countries": list(countries)} if countries else {})


def _jlpt(level: str) -> list[Spec]:
    return [{"any_of": [{"test": "JLPT", "min": level}]}]


KENDAL = ("Jawa Tengah", "Kabupaten Kendal")
BATANG = ("Jawa Tengah", "Kabupaten Batang")
SEMARANG = ("Jawa Tengah", "Kota Semarang")
CIKARANG = ("Jawa Barat", "Kabupaten Bekasi")
KARAWANG = ("Jawa Barat", "Kabupaten Karawang")
PURWAKARTA = ("Jawa Barat", "Kabupaten Purwakarta")
SERANG = ("Banten", "Kabupaten Serang")
CILEGON = ("Banten", "Kota Cilegon")
GRESIK = ("Jawa Timur", "Kabupaten Gresik")
PASURUAN = ("Jawa Timur", "Kabupaten Pasuruan")
SIDOARJO = ("Jawa Timur", "Kabupaten Sidoarjo")
BATAM = ("Kepulauan Riau", "Kota Batam")
MOROWALI = ("Sulawesi Tengah", "Kabupaten Morowali")
MAKASSAR = ("Sulawesi Selatan", "Kota Makassar")
COMPANY, GOVERNMENT, COOPERATIVE, CENTRE = "company", "government", "cooperative", "training_centre"
IKMA = ("Direktorat Jenderal Industri Kecil, Menengah, dan Aneka, Kementerian Perindustrian",
        GOVERNMENT)  # fmt: skip


def opportunities() -> list[Spec]:
    """The 60 sample opportunities, in id order."""
    o = _opportunity
    items = [
        # Jobs in industrial estates.
        o(1, "job", ("PT Logam Presisi Kendal", COMPANY), "Welder TIG (Kawasan Industri Kendal)",
          KENDAL, slots=5, start="2026-05-01", sector="logam", isco="7212", wage=1.12,
          skills=[_skill("TIG welding", 2)], overseas=_abroad(24, "JP", "KR")),
        o(2, "job", ("PT Kendal Plastik Teknik", COMPANY), "Injection moulding setter", KENDAL,
          slots=3, sector="plastik", isco="8142", wage=1.18,
          skills=[_skill("injection moulding", 2)]),
        o(3, "job", ("PT Mebel Jaya Kendal", COMPANY), "Spray painter (furniture finishing)",
          KENDAL, slots=4, sector="furnitur", isco="7132", wage=1.05,
          skills=[_skill("spray painting", 1)]),
        o(4, "job", ("PT Kendal Metal Works", COMPANY), "CNC machinist", KENDAL, slots=3,
          start="2026-07-01", sector="logam", isco="7223", wage=1.25,
          skills=[_skill("CNC machining", 3), _skill("technical drawing", required=False)]),
        o(5, "job", ("PT Sinar Kendal Fabrikasi", COMPANY), "Welder SMAW (contract)", KENDAL,
          slots=6, start="2026-05-01", sector="logam", isco="7212",
          wage=(2_900_000, "IDR", "month"), skills=[_skill("SMAW welding", 2)]),
        o(6, "job", ("PT Batang Kaca Nusantara", COMPANY),
          "Production operator (glass, Kawasan Industri Terpadu Batang)", BATANG, slots=8,
          sector="kaca", isco="8181", wage=1.08, skills=[_skill("machine operation", 1)]),
        o(7, "job", ("PT Batang Elektronika", COMPANY), "Electronics assembler", BATANG,
          slots=10, sector="elektronik", isco="8212", wage=1.04,
          skills=[_skill("electronics assembly", 1)]),
        o(8, "job", ("PT Semarang Otomotif Parts", COMPANY), "Press operator", SEMARANG,
          slots=4, sector="otomotif", isco="7223", wage=1.06,
          skills=[_skill("metal pressing", 2)]),
        o(9, "job", ("PT Cikarang Auto Components", COMPANY),
          "Automotive assembly operator (Jababeka)", CIKARANG, slots=12, sector="otomotif",
          isco="8211", wage=1.05, skills=[_skill("automotive assembly", 2)],
          overseas=_abroad(12)),
        o(10, "job", ("PT MM2100 Precision", COMPANY), "CNC programmer / operator", CIKARANG,
          slots=2, sector="logam", isco="7223", wage=1.30,
          skills=[_skill("CNC programming", 3), _skill("CNC machining", 3)]),
        o(11, "job", ("PT EJIP Mould Indonesia", COMPANY), "Mould maker", CIKARANG, slots=2,
          sector="logam", isco="7222", wage=1.35, skills=[_skill("mould making", 3)]),
        o(12, "job", ("PT Cikarang Robotic Welding", COMPANY), "Robot welding operator",
          CIKARANG, slots=4, sector="otomotif", isco="7212", wage=1.10,
          skills=[_skill("robot welding", 2), _skill("welding", 2)]),
        o(13, "job", ("PT Jababeka Packaging", COMPANY), "Packing line operator (part time)",
          CIKARANG, slots=6, sector="kemasan", isco="9321", wage=(40_000, "IDR", "hour"),
          skills=[_skill("packing", 1)]),
        o(14, "job", ("PT Karawang Die Casting", COMPANY), "Die casting operator (KIIC)",
          KARAWANG, slots=6, sector="logam", isco="8121", wage=1.07,
          skills=[_skill("die casting", 2)], overseas=_abroad(24, "JP", "KR")),
        o(15, "job", ("PT Suryacipta Auto Paint", COMPANY), "Automotive painter", KARAWANG,
          slots=4, sector="otomotif", isco="7132", wage=1.12,
          skills=[_skill("painting", 2)]),
        o(16, "job", ("PT Karawang Motor Assembly", COMPANY), "Maintenance technician",
          KARAWANG, slots=3, sector="otomotif", isco="7233", wage=1.22,
          skills=[_skill("machine maintenance", 3), _skill("electrical maintenance", 2)]),
        o(17, "job", ("PT Purwakarta Stamping", COMPANY), "Press and stamping operator",
          PURWAKARTA, slots=5, sector="logam", isco="8122", wage=1.04,
          skills=[_skill("metal pressing", 1)]),
        o(18, "job", ("PT Krakatau Fabrikasi Baja", COMPANY), "Structural welder", CILEGON,
          slots=8, sector="baja", isco="7212", wage=1.10,
          skills=[_skill("welding", 2, certified=True)]),
        o(19, "job", ("PT Serang Kimia Plastik", COMPANY), "Extrusion operator", SERANG,
          slots=4, sector="plastik", isco="8142", wage=1.05,
          skills=[_skill("plastic extrusion", 1)]),
        o(20, "job", ("PT JIIPE Smelter Services", COMPANY), "Pipe welder (JIIPE Gresik)",
          GRESIK, slots=6, sector="logam", isco="7212", wage=1.20,
          skills=[_skill("pipe welding", 3, certified=True)], overseas=_abroad(36)),
        o(21, "job", ("PT Gresik Casting Indonesia", COMPANY), "Foundry operator", GRESIK,
          slots=5, sector="logam", isco="8121", wage=1.03, skills=[_skill("casting", 1)]),
        o(22, "job", ("PT PIER Food Machinery", COMPANY), "Food machine operator (PIER)",
          PASURUAN, slots=6, sector="pangan", isco="8160", wage=1.04,
          skills=[_skill("food processing", 1)]),
        o(23, "job", ("PT Sidoarjo Quality Parts", COMPANY), "Quality control inspector",
          SIDOARJO, slots=2, sector="logam", isco="7543", wage=1.15,
          skills=[_skill("quality control", 2)]),
        o(24, "job", ("PT Batamindo Electronics", COMPANY), "PCB assembly operator (Batamindo)",
          BATAM, slots=15, sector="elektronik", isco="8212", wage=1.03,
          skills=[_skill("PCB assembly", 1)]),
        o(25, "job", ("PT Batam Shipyard Engineering", COMPANY), "Shipyard welder FCAW", BATAM,
          slots=10, sector="galangan kapal", isco="7212", wage=1.18,
          skills=[_skill("welding", 2)], overseas=_abroad(24)),
        o(26, "job", ("PT Morowali Nickel Processing", COMPANY),
          "Smelter maintenance welder (IMIP)", MOROWALI, slots=20, sector="nikel",
          isco="7212", wage=1.25, skills=[_skill("welding", 2)]),
        o(27, "job", ("PT Morowali Heavy Equipment", COMPANY), "Heavy equipment mechanic",
          MOROWALI, slots=6, sector="nikel", isco="7233", wage=(320, "USD", "month"),
          skills=[_skill("heavy equipment mechanic", 2)]),
        o(28, "job", ("PT KIMA Makassar Plastindo", COMPANY), "Injection moulding operator (KIMA)",
          MAKASSAR, slots=4, sector="plastik", isco="8142", wage=1.06,
          skills=[_skill("injection moulding", 1)]),
        o(29, "job", ("PT Lombok Timur Marine Food", COMPANY), "Fish processing line worker",
          ("Nusa Tenggara Barat", "Kabupaten Lombok Timur"), slots=12, sector="pangan",
          isco="7511", wage=(2_500_000, "IDR", "month"), skills=[_skill("fish processing", 1)]),
        o(30, "job", ("PT Kupang Garam Industri", COMPANY), "Production operator (salt refinery)",
          ("Nusa Tenggara Timur", "Kota Kupang"), slots=6, sector="pangan", isco="8160",
          wage=1.05, skills=[_skill("food processing", 1, required=False)]),
        o(31, "job", ("PT Lampung Agro Mesin", COMPANY), "Machine maintenance technician",
          ("Lampung", "Kabupaten Lampung Selatan"), slots=2, sector="mesin", isco="7233",
          wage=1.10, skills=[_skill("machine maintenance", 2)]),
        o(32, "job", ("PT Deli Serdang Logam", COMPANY), "Lathe operator",
          ("Sumatera Utara", "Kabupaten Deli Serdang"), slots=3, sector="logam", isco="7223",
          wage=1.08, skills=[_skill("bubut", 2)]),
        # IKM programmes (no wage).
        o(33, "ikm_programme", IKMA, "Wirausaha Industri Baru: bengkel las dan fabrikasi logam",
          KENDAL, slots=25, start="2026-06-15", sector="logam",
          skills=[_skill("welding", 2)], overseas=_abroad(24), capital=10_000_000),
        o(34, "ikm_programme", ("Dinas Perindustrian dan Perdagangan Provinsi Jawa Tengah",
                                GOVERNMENT), "Inkubator IKM pengolahan pangan purna PMI",
          ("Jawa Tengah", None), slots=40, start="2026-07-01", sector="pangan",
          skills=[_skill("food processing", 1, required=False)], overseas=_abroad(12)),
        o(35, "ikm_programme", ("Dinas Perindustrian Kabupaten Indramayu", GOVERNMENT),
          "Restrukturisasi mesin IKM logam dan bengkel", ("Jawa Barat", "Kabupaten Indramayu"),
          slots=15, sector="logam", skills=[_skill("machining", 2)], capital=25_000_000),
        o(36, "ikm_programme", IKMA, "IKM komponen otomotif (pemasok tier-3)", KARAWANG,
          slots=10, start="2026-08-01", sector="otomotif",
          skills=[_skill("metal pressing", 2), _skill("quality control", 1, required=False)],
          overseas=_abroad(36, "JP"), capital=50_000_000),
        o(37, "ikm_programme", ("Dinas Perindustrian dan Perdagangan Provinsi Nusa Tenggara Barat",
                                GOVERNMENT), "IKM pengolahan hasil laut Lombok",
          ("Nusa Tenggara Barat", "Kabupaten Lombok Timur"), slots=30, sector="pangan",
          skills=[_skill("fish processing", 1, required=False)]),
        o(38, "ikm_programme", ("Dinas Koperasi, UKM dan Perindustrian Kabupaten Blitar",
                                GOVERNMENT), "Sentra IKM konveksi dan bordir",
          ("Jawa Timur", "Kabupaten Blitar"), slots=20, sector="tekstil",
          skills=[_skill("sewing", 1)], capital=5_000_000),
        o(39, "ikm_programme", IKMA, "IKM furnitur berorientasi ekspor",
          ("Jawa Tengah", "Kabupaten Jepara"), slots=15, sector="furnitur",
          skills=[_skill("woodworking", 2)], capital=20_000_000),
        o(40, "ikm_programme", ("Dinas Perindustrian Provinsi Sulawesi Selatan", GOVERNMENT),
          "Bengkel las dan alat pertanian purna PMI", ("Sulawesi Selatan", "Kabupaten Bone"),
          slots=12, sector="logam", skills=[_skill("welding", 1)], overseas=_abroad(24)),
        o(41, "ikm_programme", ("Dinas Perindustrian Provinsi Nusa Tenggara Timur", GOVERNMENT),
          "IKM pengolahan pangan lokal", ("Nusa Tenggara Timur", None), slots=25,
          sector="pangan", skills=[_skill("food processing", 1, required=False)]),
        o(42, "ikm_programme", IKMA, "Inkubator IKM plastik daur ulang", GRESIK, slots=10,
          sector="plastik", skills=[_skill("plastic moulding", 2)], capital=30_000_000),
        # Cooperatives.
        o(43, "cooperative", ("Koperasi Purna PMI Sejahtera Wonosobo", COOPERATIVE),
          "Anggota unit usaha bengkel dan fabrikasi", ("Jawa Tengah", "Kabupaten Wonosobo"),
          slots=15, sector="logam", skills=[_skill("welding", 1, required=False)],
          overseas=_abroad(12), capital=2_000_000),
        o(44, "cooperative", ("Koperasi Produsen Logam Tegal", COOPERATIVE),
          "Anggota produksi komponen logam", ("Jawa Tengah", "Kabupaten Tegal"), slots=20,
          sector="logam", skills=[_skill("machining", 1)], capital=5_000_000),
        o(45, "cooperative", ("Koperasi Nelayan dan Pengolah Ikan Lombok Timur", COOPERATIVE),
          "Anggota unit pengolahan ikan", ("Nusa Tenggara Barat", "Kabupaten Lombok Timur"),
          slots=25, sector="pangan", capital=1_000_000),
        o(46, "cooperative", ("Koperasi Konveksi Purna Migran Indramayu", COOPERATIVE),
          "Anggota unit konveksi", ("Jawa Barat", "Kabupaten Indramayu"), slots=20,
          sector="tekstil", skills=[_skill("sewing", 1)], capital=1_500_000),
        o(47, "cooperative", ("Koperasi Industri Kreatif Blitar", COOPERATIVE),
          "Anggota unit kerajinan dan pengecatan", ("Jawa Timur", "Kabupaten Blitar"), slots=10,
          sector="kerajinan", skills=[_skill("painting", 1, required=False)]),
        o(48, "cooperative", ("Koperasi Mitra Purna PMI Malang", COOPERATIVE),
          "Anggota unit pengolahan makanan ringan", ("Jawa Timur", "Kabupaten Malang"),
          slots=30, sector="pangan", skills=[_skill("food processing", 1, required=False)],
          capital=3_000_000),
        o(49, "cooperative", ("Koperasi Pandai Besi Cilacap", COOPERATIVE),
          "Anggota unit pandai besi dan alat pertanian", ("Jawa Tengah", "Kabupaten Cilacap"),
          slots=12, sector="logam", skills=[_skill("welding", 1)], capital=2_500_000),
        o(50, "cooperative", ("Koperasi Elektronik Purna PMI Batam", COOPERATIVE),
          "Anggota unit servis dan perakitan elektronik", BATAM, slots=10, sector="elektronik",
          skills=[_skill("electronics assembly", 2)], overseas=_abroad(24, "JP", "TW", "MY")),
        # Trainer posts at LPK, BDI, BBPVP and Kemenperin polytechnics.
        o(51, "trainer_post", ("Balai Diklat Industri Surabaya", CENTRE),
          "Instruktur pengelasan (program 3in1)", ("Jawa Timur", "Kota Surabaya"), slots=2,
          start="2026-07-01", sector="logam", isco="2320", wage=1.05,
          skills=[_skill("welding", 3, certified=True)], overseas=_abroad(36)),
        o(52, "trainer_post", ("Balai Diklat Industri Makassar", CENTRE),
          "Instruktur mesin bubut dan CNC", MAKASSAR, slots=1, sector="logam", isco="2320",
          wage=1.10, skills=[_skill("machining", 3, certified=True)], overseas=_abroad(36)),
        o(53, "trainer_post", ("Balai Diklat Industri Denpasar", CENTRE),
          "Instruktur bahasa dan budaya kerja Jepang", ("Bali", "Kota Denpasar"), slots=1,
          isco="2320", wage=1.12, languages=_jlpt("N3"), overseas=_abroad(36, "JP")),
        o(54, "trainer_post", ("Balai Diklat Industri Medan", CENTRE),
          "Instruktur perawatan mesin industri", ("Sumatera Utara", "Kota Medan"), slots=1,
          isco="2320", wage=1.08, skills=[_skill("machine maintenance", 3)],
          overseas=_abroad(36)),
        o(55, "trainer_post", ("Balai Diklat Industri Yogyakarta", CENTRE),
          "Instruktur kulit dan alas kaki", ("Daerah Istimewa Yogyakarta", "Kota Yogyakarta"),
          slots=1, isco="2320", wage=1.10, skills=[_skill("sewing", 3)], overseas=_abroad(24)),
        o(56, "trainer_post", ("Balai Besar Pelatihan Vokasi dan Produktivitas Semarang", CENTRE),
          "Instruktur las (calon PMI Korea)", SEMARANG, slots=2, isco="2320", wage=1.02,
          skills=[_skill("welding", 3)], overseas=_abroad(48, "KR")),
        o(57, "trainer_post", ("LPK Sakura Mandiri Bekasi", CENTRE),
          "Pengajar bahasa Jepang paruh waktu", ("Jawa Barat", "Kota Bekasi"), slots=3,
          isco="2353", wage=(75_000, "IDR", "hour"), languages=_jlpt("N3"),
          overseas=_abroad(36, "JP")),
        o(58, "trainer_post", ("LPK Fuji Cirebon", CENTRE),
          "Pengajar bahasa Jepang dan budaya kerja", ("Jawa Barat", "Kabupaten Cirebon"),
          slots=2, isco="2353", wage=(26_400_000, "IDR", "year"), languages=_jlpt("N4"),
          overseas=_abroad(36, "JP")),
        o(59, "trainer_post", ("Politeknik Industri Logam Morowali", CENTRE),
          "Instruktur praktik pengelasan", MOROWALI, slots=2, start="2026-08-17",
          isco="2320", wage=(60_000_000, "IDR", "year"),
          skills=[_skill("welding", 3, certified=True)], overseas=_abroad(36)),
        o(60, "trainer_post", ("LPK Hana Korea Indramayu", CENTRE),
          "Pengajar EPS-TOPIK dan K3 pabrik", ("Jawa Barat", "Kabupaten Indramayu"), slots=2,
          isco="2353", wage=1.05,
          languages=[{"any_of": [{"test": "EPS-TOPIK", "min": 150}]}],
          overseas=_abroad(48, "KR")),
    ]  # fmt: skip
    assert [r["id"] for r in items] == [f"OPP-2026-{i:04d}" for i in range(1, 61)]
    return items


def _jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ")
    parser.add_argument("--out", type=Path, default=SAMPLE, help="directory (data/sample)")
    args = parser.parse_args(argv)
    files = {"returnees.jsonl": _jsonl(returnees()), "opportunities.jsonl": _jsonl(opportunities())}
    stale = []
    for name, text in files.items():
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)} (run {Path(__file__).name})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
