"""What defines a synthetic pool besides its arguments: the seed and date of the bundled
pool, the block size of the worker streams and the names of the random streams."""

from __future__ import annotations

import datetime as dt
from typing import Any

Record = dict[str, Any]
"""A record in the Selaras format, as a plain dict."""


SEED = 2026
"""Seed of the bundled pool."""
AS_OF = dt.date(2026, 3, 1)
"""Evaluation date of the bundled pool: ages, validity and licences are set around it."""
WORKER_BLOCK = 1024
"""Workers per random stream. Part of the output's definition: changing it changes every pool."""
FILE_NAMES = ("workers.jsonl", "vacancies.jsonl", "agencies.jsonl")


# Independent random streams, so that adding agencies never reshuffles job orders, etc.
AGENCY_STREAM, VACANCY_STREAM, WORKER_STREAM, VARIANT_STREAM = 1, 2, 3, 4


VARIANTS = 24
"""Messy written forms drawn once per pool for each skill and job title."""
