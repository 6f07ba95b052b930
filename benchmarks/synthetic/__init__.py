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

    .venv/bin/python -m benchmarks.synthetic --workers 2000 --vacancies 60 --seed 2026 \\
        --as-of 2026-03-01 --out data/sample/pool [--jobs N]

writes ``workers.jsonl``, ``vacancies.jsonl`` and ``agencies.jsonl`` (UTF-8, one record a
line); that exact command reproduces the bundled pool byte for byte.
"""

from __future__ import annotations

from benchmarks.synthetic.agencies import generate_agencies
from benchmarks.synthetic.command import main
from benchmarks.synthetic.files import record_line, write_pool
from benchmarks.synthetic.job_orders import generate_vacancies
from benchmarks.synthetic.pool import Pool, generate_pool
from benchmarks.synthetic.programmes import PROGRAMME_SHARES
from benchmarks.synthetic.settings import AS_OF, FILE_NAMES, SEED, WORKER_BLOCK
from benchmarks.synthetic.workers import iter_workers

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
