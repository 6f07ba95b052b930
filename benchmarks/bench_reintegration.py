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

* **Matching, end to end** (``--returnees`` x ``--opportunities``, top ``--top`` each way):
  returnee records (the sample's, each copy with its own id and a home drawn from the
  sample's homes) and opportunities (the sample's, copies placed at the sample's
  locations) read into facts with recognition, screened, encoded, and the kernel's top K
  both ways in one pass (``ReintegrationKernel.top``), then the records of the pairs shown
  for a slice of returnees, each evaluated again by the reference as ``selaras
  reintegrate`` does (its time per record is printed, and the whole run's extrapolated).
  Side by side with the reference alone on a sample (``--sample`` returnees x all
  opportunities): pairs per second, kernel against reference, with the ratio.

Both sides run in this process, alternating, ``--repeats`` times; medians and the spread
(min-max) are printed, with the ratio of medians. The machine is shared: read ratios, not
absolute times.

Run: ``.venv/bin/python -m benchmarks.bench_reintegration [--returnees 100000]
[--opportunities 5000] [--pool 20000] [--repeats 5] [--top 10] [--sample 200]
[--only matching]``
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
from matcher.reintegration.run import ReintegrationRun, prepare_reintegration
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


def _synthetic(
    returnees: list[Returnee], opportunities: list[Opportunity], args: argparse.Namespace
) -> tuple[list[Returnee], list[Opportunity]]:
    """Copies of the sample records with their own ids, homes and locations drawn from
    the sample's (validated records, as a file would give them)."""
    rng = np.random.default_rng(16)
    homes = [r.home for r in returnees]
    places = [o.location for o in opportunities]
    people = [
        returnees[int(i)].model_copy(update={"id": f"RT-{n:07d}", "home": homes[int(h)]})
        for n, (i, h) in enumerate(
            zip(
                rng.integers(len(returnees), size=args.returnees),
                rng.integers(len(homes), size=args.returnees),
                strict=True,
            )
        )
    ]
    offers = [
        opportunities[int(i)].model_copy(update={"id": f"OPP-{n:06d}", "location": places[int(p)]})
        for n, (i, p) in enumerate(
            zip(
                rng.integers(len(opportunities), size=args.opportunities),
                rng.integers(len(places), size=args.opportunities),
                strict=True,
            )
        )
    ]
    return people, offers


def bench_matching(
    returnees: list[Returnee], opportunities: list[Opportunity], args: argparse.Namespace
) -> None:
    people, offers = _synthetic(returnees, opportunities, args)
    print(
        f"matching, {len(people):,} returnees x {len(offers):,} opportunities, "
        f"top {args.top} each way:"
    )
    walls, cpus = [], []
    for attempt in range(max(1, args.repeats // 2)):
        start, cpu = time.perf_counter(), time.process_time()
        run = prepare_reintegration(people, offers, AS_OF)
        read = time.perf_counter()
        kernel = run.kernel
        encoded = time.perf_counter()
        best = kernel.top(run.opportunities, k=args.top)
        done, cpu = time.perf_counter(), time.process_time() - cpu
        walls.append(done - start)
        cpus.append(cpu)
        shown = int((best.opportunities >= 0).sum()) + sum(
            len(b[0]) for b in best.returnees if b is not None
        )
        print(
            f"  run {attempt + 1}: read+recognise+screen {read - start:.1f} s, encode "
            f"{encoded - read:.1f} s, top {args.top} both ways {done - encoded:.1f} s; "
            f"end to end {done - start:.1f} s wall, {cpu:.1f} s CPU ({shown:,} pairs selected)"
        )
    _show("end to end, wall", walls, 1.0, "s")
    _show("end to end, CPU", cpus, 1.0, "s")
    # The records of the pairs shown are each evaluated again by the reference (as the
    # command does): its cost per record, on the selected pairs of a slice of returnees.
    scorer = run.scorer
    chosen = [
        (run.returnees[i], run.opportunities[int(j)])
        for i in range(min(args.sample, len(run.returnees)))
        for j in best.opportunities[i]
        if j >= 0
    ]
    start = time.perf_counter()
    for returnee, found in chosen:
        scorer.evaluate(returnee, found)
    per_record = (time.perf_counter() - start) / max(len(chosen), 1)
    print(
        f"  reference check of the shown pairs ({len(chosen):,} of {args.sample:,} "
        f"returnees): {per_record * 1e6:.0f} us/record; all {shown:,} would take "
        f"{per_record * shown:.0f} s more"
    )
    # Kernel against the reference alone, side by side on the same pairs.
    sample = ReintegrationRun(
        run.returnees[: args.sample], run.opportunities, run.params, run.reintegration
    )
    pairs = len(sample.returnees) * sum(not o.refused for o in sample.opportunities)

    def with_kernel() -> object:
        fresh = ReintegrationRun(
            sample.returnees, sample.opportunities, sample.params, sample.reintegration
        )
        return fresh.kernel.top(fresh.opportunities, k=args.top)

    def reference_alone() -> object:
        scorer = sample.scorer
        open_ = [o for o in sample.opportunities if not o.refused]
        return [scorer.evaluate(r, o).score for r in sample.returnees for o in open_]

    fast, slow = [], []
    for _ in range(args.repeats):
        fast += _timed(with_kernel, 1)
        slow += _timed(reference_alone, 1)
    print(f"  side by side, {len(sample.returnees):,} returnees x all open opportunities "
          f"({pairs:,} pairs), per pair:")  # fmt: skip
    a = _show("kernel (encode + top K)", [t / pairs for t in fast], 1e-9, "ns/pair")
    b = _show("reference, every pair", [t / pairs for t in slow], 1e-9, "ns/pair")
    print(f"  ratio reference / kernel: {b / a:,.0f}x")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--returnees", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=5_000)
    parser.add_argument("--pool", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--only", choices=("proximity", "recognition", "matching"))
    args = parse_args(
        parser,
        argv,
        {"returnees": 2_000, "opportunities": 100, "pool": 500, "repeats": 1, "sample": 20},
    )
    returnees, opportunities = _load()
    print(json.dumps({"returnees": args.returnees, "opportunities": args.opportunities,
                      "pool": args.pool, "repeats": args.repeats}))  # fmt: skip
    if args.only in (None, "proximity"):
        bench_proximity(returnees, opportunities, args)
    if args.only in (None, "recognition"):
        bench_recognition(returnees, args)
    if args.only in (None, "matching"):
        bench_matching(returnees, opportunities, args)


if __name__ == "__main__":
    main()
