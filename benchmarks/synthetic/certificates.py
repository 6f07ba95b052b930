"""Certificates that follow from the trade, the destination and any stay in Japan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from benchmarks.synthetic.days import add_years, day_between, ordinal
from benchmarks.synthetic.draws import FastRandom
from benchmarks.synthetic.settings import Record
from benchmarks.synthetic.trades import Family
from benchmarks.synthetic.worker_tables import WorkerTables


def draw_certificates(
    family: Family,
    concepts: Sequence[str],
    track: str | None,
    age: int,
    birth: int,
    jp_ready: bool,
    eps: int | None,
    experience: Sequence[Record],
    abroad: str | None,
    tables: WorkerTables,
    rnd: FastRandom,
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
        return day_between(max(first_day, today - days), today - 15, rnd)

    if family.bnsp and random_() < (0.3 if family.technical else 0.12):
        name, skill = rnd.choice(family.bnsp)
        issued = dt.date.fromordinal(issued_within(6 * 365))
        out.append({
            "name": name, "skill": skill, "scheme": "BNSP",
            "number": f"LSP-{family.name[:3].upper()}/{rnd.randint(1, 9999):04d}/{issued.year}",
            "issued": issued.isoformat(), "expires": add_years(issued, 3).isoformat(),
        })  # fmt: skip
    if "forklift-operation" in concepts and random_() < 0.5:
        issued = dt.date.fromordinal(issued_within(7 * 365))
        out.append({
            "name": "SIO Operator Forklift Kelas II", "skill": "forklift", "scheme": "SIO",
            "number": f"{rnd.randint(1, 99999):05d}/SIO/K3/{issued.year}",
            "issued": issued.isoformat(), "expires": add_years(issued, 5).isoformat(),
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
            "expires": add_years(issued, 2).isoformat(),
        })  # fmt: skip
    if random_() < 0.05:
        out.append({
            "name": "Sertifikat Pelatihan K3 Umum", "skill": "K3", "scheme": "OTHER",
            "issued": iso(issued_within(5 * 365)),
        })  # fmt: skip
    return out


def _japan_certificates(
    family: Family,
    experience: Sequence[Record],
    issued_within: Callable[[int], int],
    iso: Callable[[int], str],
    rnd: FastRandom,
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
            "issued": iso(ordinal(titp[-1]["end"]) - 30), "expires": None,
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
