"""Language results that follow the destination a worker prepares for, and age out."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.synthetic.draws import FastRandom, cumulative, pick
from benchmarks.synthetic.settings import Record
from benchmarks.synthetic.worker_tables import WorkerTables

# Cumulative weights of the worker loop's categorical draws.
_JLPT_TITP_CUM = cumulative((20.0, 45.0, 25.0, 8.0, 2.0))  # none, N5, N4, N3, N2
_JLPT_SSW_CUM = cumulative((25.0, 35.0, 28.0, 10.0, 2.0))
_GERMAN_CUM = cumulative((30.0, 37.0, 27.0, 6.0))  # A1, A2, B1, B2


def _jp_languages(
    track: str | None, floor_day: int, today: int, iso: Callable[[int], str], rnd: FastRandom
) -> tuple[list[Record], bool]:
    """Japanese results of a Japan-bound worker, and whether they reach N4 / JFT-Basic A2."""
    results: list[Record] = []
    reached = False
    cum = _JLPT_TITP_CUM if track == "JP-TITP" else _JLPT_SSW_CUM
    level = pick(rnd, (None, "N5", "N4", "N3", "N2"), cum)
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


def draw_languages(
    track: str | None, education: str, birth: int, tables: WorkerTables, rnd: FastRandom
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
        level = pick(rnd, ("A1", "A2", "B1", "B2"), _GERMAN_CUM)
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
