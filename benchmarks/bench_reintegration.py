"""Benchmark: the reintegration core's array forms against the per-pair / per-worker forms.

* **Proximity and reach**: ``proximity_tiers`` + ``reachable`` over homes x opportunity
  locations (numpy, one call per chunk of homes), against the scalar ``proximity`` +
  ``within_reach`` called once per pair (what an explanation does). The scalar form runs on
  a slice of the pairs and its time is compared per pair. Then the array form is timed on
  the issue's full size (100,000 returnees x 5,000 opportunities by default) in chunks, to
  give the kernel its cost.
* **Recognition**: ``recognise_pool`` on a pool of returnees (the sample returnees
  repeated, each copy with its own id), against ``recognise`` called once per returnee; both
  read skills through the shipped normalizer (its text cache warm for both).

Both sides run in this process, alternating, ``--repeats`` times; medians and the spread
(min-max) are printed, with the ratio of medians. The machine is shared: read ratios, not
absolute times.

Run: ``.venv/bin/python -m benchmarks.bench_reintegration [--returnees 100000]
[--opportunities 5000] [--pool 20000] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.common import parse_args
from matcher.reintegration import (
    encode_places,
    encode_relocate,
    proximity,
    proximity_tiers,
    reachable,
    recognise,
    recognise_pool,
    within_reach,
)
from matcher.taxonomy.skills import default_skill_normalizer
from models.opportunity import Opportunity
from models.regions import Place
from models.returnee import RELOCATE_SCOPES
from models.worker import Returnee

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
AS_OF = dt.date(2026, 3, 1)


def _timed(function: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def _show(label: str, times: list[float], unit: float, unit_name: str) -> float:
    median = statistics.median(times)
    print(
        f"  {label:<28} median {median / unit:10.3f} {unit_name}  "
        f"(min {min(times) / unit:.3f}, max {max(times) / unit:.3f}, n={len(times)})"
    )
    return median


def _load() -> tuple[list[Returnee], list[Opportunity]]:
    returnees = [
        Returnee.model_validate_json(line)
        for line in (SAMPLE / "returnees.jsonl").read_text("utf-8").splitlines()
    ]
    opportunities = [
        Opportunity.model_validate_json(line)
        for line in (SAMPLE / "opportunities.jsonl").read_text("utf-8").splitlines()
    ]
    return returnees, opportunities


def bench_proximity(
    returnees: list[Returnee], opportunities: list[Opportunity], args: argparse.Namespace
) -> None:
    rng = np.random.default_rng(16)
    homes: list[Place | None] = [
        returnees[i].home for i in rng.integers(len(returnees), size=args.returnees)
    ]
    picked = rng.integers(len(opportunities), size=args.opportunities)
    sites = [opportunities[i].location for i in picked]
    relocate = [RELOCATE_SCOPES[i] for i in rng.integers(4, size=args.returnees)]

    start = time.perf_counter()
    home_codes, site_codes = encode_places(homes), encode_places(sites)
    reach = encode_relocate(relocate)
    encode = time.perf_counter() - start
    print(f"proximity: encoding {len(homes):,} homes and {len(sites):,} sites: {encode:.3f} s")

    # Side by side on the same slice of pairs: 200 homes x all sites.
    rows = slice(0, 200)
    slice_homes = home_codes.take(rows)
    pairs = 200 * len(sites)

    def arrays() -> object:
        return reachable(reach[rows], proximity_tiers(slice_homes, site_codes)).sum()

    def scalar() -> object:
        return sum(
            within_reach(relocate[h], proximity(homes[h], site))
            for h in range(200)
            for site in sites[: len(sites) // 50]
        )

    scalar_pairs = 200 * (len(sites) // 50)
    fast, slow = [], []
    for _ in range(args.repeats):  # alternate, so drift hits both alike
        fast += _timed(arrays, 1)
        slow += _timed(scalar, 1)
    fast_per_pair = [t / pairs for t in fast]
    slow_per_pair = [t / scalar_pairs for t in slow]
    print(f"  per pair, {pairs:,} pairs (arrays) vs {scalar_pairs:,} pairs (scalar):")
    a = _show("arrays (tiers + reach)", fast_per_pair, 1e-9, "ns/pair")
    b = _show("scalar proximity + reach", slow_per_pair, 1e-9, "ns/pair")
    print(f"  ratio scalar / arrays: {b / a:,.0f}x")

    # The full size in chunks of 2,000 homes (10 M pairs, 10 MB of tiers per chunk).
    def full() -> int:
        allowed = 0
        for first in range(0, len(homes), 2000):
            part = slice(first, first + 2000)
            tiers = proximity_tiers(home_codes.take(part), site_codes)
            allowed += int(reachable(reach[part], tiers).sum())
        return allowed

    times = _timed(full, max(1, args.repeats // 2))
    total = len(homes) * len(sites)
    print(f"  full size, {len(homes):,} x {len(sites):,} = {total:,} pairs in chunks of 2,000:")
    _show("tiers + reach, all chunks", times, 1.0, "s")


def bench_recognition(returnees: list[Returnee], args: argparse.Namespace) -> None:
    normalizer = default_skill_normalizer()

    def read(texts: Sequence[str]) -> list[list[str]]:
        return [[h.concept.id for h in m.concepts] for m in normalizer.normalize_many(texts)]

    copies = -(-args.pool // len(returnees))
    pool = [r.model_copy(update={"id": f"{r.id}-{k}"}) for k in range(copies) for r in returnees][
        : args.pool
    ]
    recognise_pool(pool[:500], read, AS_OF)  # warm the normalizer's caches for both sides
    side = min(len(pool), 2000)

    def pooled() -> object:
        return recognise_pool(pool[:side], read, AS_OF)

    def one_by_one() -> object:
        return [recognise(r, read, AS_OF) for r in pool[:side]]

    fast, slow = [], []
    for _ in range(args.repeats):
        fast += _timed(pooled, 1)
        slow += _timed(one_by_one, 1)
    print(f"recognition, {side:,} returnees, per returnee:")
    a = _show("recognise_pool", [t / side for t in fast], 1e-6, "us/returnee")
    b = _show("recognise one at a time", [t / side for t in slow], 1e-6, "us/returnee")
    print(f"  ratio one-at-a-time / pool: {b / a:.1f}x")
    times = _timed(lambda: recognise_pool(pool, read, AS_OF), max(1, args.repeats // 2))
    found = recognise_pool(pool, read, AS_OF)
    levels = sum(len(f) for f in found)
    print(f"  whole pool of {len(pool):,} ({levels:,} recognised levels):")
    _show("recognise_pool", times, 1.0, "s")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--returnees", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=5_000)
    parser.add_argument("--pool", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parse_args(
        parser, argv, {"returnees": 2_000, "opportunities": 100, "pool": 500, "repeats": 1}
    )
    returnees, opportunities = _load()
    print(json.dumps({"returnees": args.returnees, "opportunities": args.opportunities,
                      "pool": args.pool, "repeats": args.repeats}))  # fmt: skip
    bench_proximity(returnees, opportunities, args)
    bench_recognition(returnees, args)


if __name__ == "__main__":
    main()
