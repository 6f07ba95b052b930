"""Benchmark: a whole allocation round, and stable allocation against the ``matching`` library.

* **Round**: ``--workers`` (100,000) x ``--vacancies`` (5,000) job orders from
  ``benchmarks.synthetic`` with their slots rescaled to ``--slots`` (20,000) in all,
  end to end for ``--method optimal`` and ``--method stable``: scoring the eligible
  graph, allocating, and the reasons (gap pass over the job orders left with open slots,
  records). Generating, validating and reading the pool are timed apart: they are the
  same for every command and method.
* **Stable vs matching**: ``--small-workers`` (2,000) x ``--small-vacancies`` (100).
  The pool's eligible graph is very sparse (a few hundred pairs), so the comparison is
  also run on a denser game from the same pool: each job order ranks its
  ``--dense-per-job`` best-scoring workers with the gates ignored (real scores, ties by
  id). Both algorithms must return the identical allocation; the speed ratio compares
  ``stable_allocation`` with the library's ``solve`` (and with building the game too).

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_allocate [--skip-round]
[--workers 100000] [--vacancies 5000] [--slots 20000] [--n-jobs 1,2] [--quick]`` (each
end-to-end run is timed for every ``--n-jobs`` value, and their records must be identical).
"""

from __future__ import annotations
