"""Benchmark: the kept opportunity book's writes, and finding whose answers they change.

Builds an :class:`~matcher.reintegration.book.OpportunityBook` (depth 20, as the server
keeps it) over ``--returnees`` x ``--opportunities`` synthetic records (those of
:mod:`benchmarks.bench_reintegration`), then applies ``--writes`` rounds of three writes
(a returnee added, an opportunity added, the same opportunity removed) and prints, for
each, the CPU time of the write and of :meth:`OpportunityBook.changed` against the book
before it (what the server runs to drop the kept answers of the returnees a write
changes), with how many returnees it names. CPU time (``time.process_time``): the
machine is shared.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_reintegration_book
[--returnees 100000] [--opportunities 5000] [--writes 3] [--quick]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.bench_reintegration import AS_OF, _synthetic
from benchmarks.bench_reintegration import _load as load_sample
from benchmarks.common import parse_args
from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.run import prepare_reintegration

DEPTH = 20  # api.live_pool.opportunities.BOOK_DEPTH


def _timed(
    label: str,
    book: OpportunityBook,
    write: Callable[[OpportunityBook, Any], OpportunityBook],
    what: Any,
) -> OpportunityBook:
    """``write(book, what)``, its CPU and that of ``changed`` printed; the new book."""
    started = time.process_time()
    written = write(book, what)
    wrote = time.process_time() - started
    started = time.process_time()
    changed = written.changed(book)
    found = time.process_time() - started
    print(
        f"  {label}: the write {wrote * 1000:.0f} ms CPU; changed {found * 1000:.1f} ms CPU "
        f"({len(changed):,} returnees)"
    )
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--returnees", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=5_000)
    parser.add_argument("--writes", type=int, default=3, help="rounds of the three writes")
    args = parse_args(parser, argv, quick={"returnees": 500, "opportunities": 60, "writes": 1})
    people, offers = _synthetic(*load_sample(), args)
    started = time.process_time()
    book = OpportunityBook.build(prepare_reintegration(people, offers, AS_OF), DEPTH)
    print(
        f"bench_reintegration_book: {len(people):,} returnees x {len(offers):,} opportunities, "
        f"book built in {time.process_time() - started:.1f} s CPU (records read included)"
    )
    for n in range(args.writes):
        person = people[n * 7 % len(people)].model_copy(update={"id": f"BENCH-R{n}"})
        offer = offers[n * 5 % len(offers)].model_copy(update={"id": f"AAAA-{n}"})
        read = prepare_reintegration([person], [offer], AS_OF)
        book = _timed("a returnee added", book, OpportunityBook.with_returnees, read.returnees)
        added = [(offer.id, read.opportunities[0])]
        book = _timed("an opportunity added", book, OpportunityBook.with_opportunities, added)
        removed = [offer.id]
        book = _timed(
            "the opportunity removed", book, OpportunityBook.without_opportunities, removed
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
