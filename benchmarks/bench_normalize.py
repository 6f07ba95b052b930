"""Benchmark: skill normalization throughput on one core, against a naive baseline.

Builds a reproducible batch of messy skill strings (seeded: taxonomy names in every
language with typos, abbreviations, qualifiers, case and punctuation noise, pairs of
skills joined by "dan"/","/"&", and strings from outside the taxonomy), then times

* ``selaras``: ``SkillNormalizer.normalize_many`` on the whole batch (a fresh normalizer
  per repeat, so no word resolutions are cached from an earlier repeat), and
* ``baseline``: the obvious first implementation, ``rapidfuzz.process.extractOne`` of each
  folded string against every folded alias with ``token_sort_ratio`` and a cutoff of 85.

Both run side by side in this process, pinned to one CPU (the affinity holds every thread
of the process, library thread pools included). The dev-set accuracy of both is
printed too, because a fast normalizer that reads the wrong concept is no use.

Then issue 19's targets, each as the median of the repeats with the spread (min-max):

* ``load``: reading and validating the taxonomy with its ESCO labels (``load_taxonomy``
  uncached; target <= 300 ms), and building the normalizer over it;
* ``stream``: a fresh normalizer reading ``--stream`` strings (1,000,000) drawn from
  ``--distinct`` distinct messy strings (10,000; target <= 10 s), beside the same normalizer
  reading the distinct strings once: their ratio is what the repeats cost.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_normalize [--size 10000]
[--repeats 5] [--stream 1000000] [--distinct 10000] [--quick]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from benchmarks.common import parse_args
from matcher.taxonomy.skills import SkillNormalizer, SkillTaxonomy, load_taxonomy
from matcher.text.fold import fold

ROOT = Path(__file__).resolve().parents[1]
QUALIFIERS = ["3 thn", "2 tahun", "posisi 3G", "SIO", "5 yrs exp", "BNSP", "senior", "(Fanuc)"]
ABBREVIATIONS = {"operator": "opr", "maintenance": "mtc", "supervisor": "spv", "tukang": "tkg"}
OUTSIDE = ["sopir truk", "koki restoran", "perawat lansia", "kasir", "guru SD", "satpam",
           "petani sawah", "ojek online", "web programmer", "akuntansi", "nelayan"]  # fmt: skip


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isascii():
        return word
    i = rng.randrange(1, len(word))
    edit = rng.randrange(3)
    if edit == 0:
        return word[:i] + word[i + 1 :]
    if edit == 1:
        return word[:i] + rng.choice("aeiourn") + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _messy(name: str, rng: random.Random) -> str:
    words = [ABBREVIATIONS.get(w, w) if rng.random() < 0.5 else w for w in name.split()]
    if rng.random() < 0.3:
        k = rng.randrange(len(words))
        words[k] = _typo(words[k], rng)
    text = " ".join(words)
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(QUALIFIERS)}"
    if rng.random() < 0.2:
        text = text.upper()
    if rng.random() < 0.1:
        text = f" {text}!! "
    return text


def make_batch(size: int, seed: int = 20261128) -> list[str]:
    """A reproducible batch of messy skill strings.

    Parameters
    ----------
    size : int
        Number of strings.
    seed : int
        Random seed; the same seed gives the same batch.

    Returns
    -------
    list[str]
        The strings, duplicates included in a realistic proportion.
    """
    rng = random.Random(seed)
    names = sorted(
        {a for c in load_taxonomy().concepts.values() for al in c.aliases.values() for a in al}
    )
    batch: list[str] = []
    while len(batch) < size:
        roll = rng.random()
        if roll < 0.08:
            batch.append(rng.choice(OUTSIDE))
        elif roll < 0.20:
            join = rng.choice([" dan ", ", ", " & "])
            batch.append(join.join(_messy(rng.choice(names), rng) for _ in range(2)))
        else:
            batch.append(_messy(rng.choice(names), rng))
    return batch


def _pin_to_one_cpu() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


class Baseline:
    """extractOne against every alias: the approach Selaras is measured against."""

    def __init__(self) -> None:
        taxonomy = load_taxonomy()
        self.keys: list[str] = []
        self.concepts: list[str] = []
        for concept in taxonomy.concepts.values():
            for names in concept.aliases.values():
                for name in names:
                    self.keys.append(fold(name))
                    self.concepts.append(concept.id)

    def normalize_many(self, texts: Sequence[str]) -> list[str | None]:
        found: list[str | None] = []
        for text in texts:
            best = process.extractOne(
                fold(text), self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=85
            )
            found.append(self.concepts[best[2]] if best else None)
        return found


def _times(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def _time(run: Callable[[], object], repeats: int) -> float:
    return statistics.median(_times(run, repeats))


def _spread(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def distinct_batch(count: int, seed: int = 20261204) -> list[str]:
    """``count`` distinct messy skill strings (from ever larger :func:`make_batch` batches)."""
    size = count
    while True:
        distinct = list(dict.fromkeys(make_batch(size, seed)))
        if len(distinct) >= count:
            return distinct[:count]
        size *= 2


def _targets(taxonomy: SkillTaxonomy, stream: int, distinct: int, repeats: int) -> dict[str, Any]:
    """Issue 19's load and stream targets, with the spread of the repeats."""
    load = _times(load_taxonomy.__wrapped__, repeats)
    build = _times(lambda: SkillNormalizer(taxonomy), repeats)
    strings = distinct_batch(distinct)
    rng = random.Random(7)
    texts = strings * (stream // distinct)
    rng.shuffle(texts)
    once = _times(lambda: SkillNormalizer(taxonomy).normalize_many(strings), repeats)
    whole = _times(lambda: SkillNormalizer(taxonomy).normalize_many(texts), repeats)
    print(f"taxonomy load (json, ESCO labels, validation): {_spread(load)}; target <= 0.300 s")
    print(f"normalizer build (over the loaded taxonomy): {_spread(build)}")
    print(
        f"{len(texts)} strings ({distinct} distinct), fresh normalizer each: "
        f"{_spread(whole)}; target <= 10 s"
    )
    print(f"the {distinct} distinct strings once: {_spread(once)}")
    print(f"stream / distinct-once: {statistics.median(whole) / statistics.median(once):.2f}x")
    return {
        "load_s": round(statistics.median(load), 4),
        "load_s_max": round(max(load), 4),
        "build_s": round(statistics.median(build), 3),
        "stream_strings": len(texts),
        "stream_distinct": distinct,
        "stream_s": round(statistics.median(whole), 3),
        "stream_s_max": round(max(whole), 3),
        "distinct_once_s": round(statistics.median(once), 3),
    }


def _dev_accuracy(read: Callable[[list[str]], list[set[str]]]) -> tuple[float, float]:
    with (ROOT / "tests/data/skill_devset.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["expected"]]
    got = read([r["text"] for r in rows])
    expected = [set(r["expected"].split("|")) for r in rows]
    correct = sum(g == e for g, e in zip(got, expected, strict=True)) / len(rows)
    wrong = sum(bool(g - e) for g, e in zip(got, expected, strict=True)) / len(rows)
    return correct, wrong


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a table and one JSON line; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--stream", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=10_000)
    args = parse_args(
        parser, argv, quick={"size": 500, "repeats": 1, "stream": 2_000, "distinct": 200}
    )
    pinning = _pin_to_one_cpu()
    batch = make_batch(args.size)
    taxonomy = load_taxonomy()

    build = _time(lambda: SkillNormalizer(taxonomy), args.repeats)
    fresh = [SkillNormalizer(taxonomy) for _ in range(args.repeats)]
    selaras = _time(lambda: fresh.pop().normalize_many(batch), args.repeats)
    baseline_engine = Baseline()
    baseline = _time(lambda: baseline_engine.normalize_many(batch), 1)

    normalizer = SkillNormalizer(taxonomy)
    ours = _dev_accuracy(
        lambda texts: [{h.concept.id for h in m.concepts} for m in normalizer.normalize_many(texts)]
    )
    theirs = _dev_accuracy(
        lambda texts: [{c} if c else set() for c in baseline_engine.normalize_many(texts)]
    )

    result = {
        "batch": len(batch),
        "unique": len(set(batch)),
        "selaras_strings_per_s": round(len(batch) / selaras),
        "baseline_strings_per_s": round(len(batch) / baseline),
        "speedup": round(baseline / selaras, 1),
        "selaras_build_s": round(build, 3),
        "selaras_dev_correct": round(ours[0], 3),
        "selaras_dev_wrong": round(ours[1], 3),
        "baseline_dev_correct": round(theirs[0], 3),
        "baseline_dev_wrong": round(theirs[1], 3),
        "python": platform.python_version(),
        "cpu": pinning,
    }
    print(f"batch of {result['batch']} strings ({result['unique']} distinct), {pinning}")
    print(f"{'':10} {'strings/s':>10} {'dev correct':>12} {'dev wrong':>10}")
    print(f"{'selaras':10} {result['selaras_strings_per_s']:>10} {ours[0]:>12.1%} {ours[1]:>10.1%}")
    print(
        f"{'baseline':10} {result['baseline_strings_per_s']:>10} "
        f"{theirs[0]:>12.1%} {theirs[1]:>10.1%}"
    )
    print(f"speed-up {result['speedup']}x; building the normalizer takes {build:.2f} s (once)")
    result.update(_targets(taxonomy, args.stream, args.distinct, min(args.repeats, 3)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
