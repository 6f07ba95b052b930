"""Allocation rounds: the fifth layer.

:mod:`~matcher.allocation.graph` (the eligible pairs every allocator works on),
:mod:`~matcher.allocation.optimal` and :mod:`~matcher.allocation.stable` (the allocators),
:mod:`~matcher.allocation.shortlist`, :mod:`~matcher.allocation.reasons` and
:mod:`~matcher.allocation.records` (why someone was left out, as docs/format.md records),
and a round end to end, :mod:`~matcher.allocation.round`, run in chunks
(:mod:`~matcher.allocation.chunks`) on threads or Dask (:mod:`~matcher.allocation.runner`)
with checkpoints (:mod:`~matcher.allocation.checkpoint`). Works on facts only; the round
report (:mod:`matcher.reporting`) reads the raw records afterwards.
"""
