"""Facts read under other ids (the API's pool keys) are the workers' facts, renamed."""

from __future__ import annotations

import msgspec
import pytest

from matcher.scoring.facts import worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.files import read_records
from tests.paths import POOL


def test_facts_under_given_ids_differ_only_in_id() -> None:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:300]
    skills, occupations = default_skill_normalizer(), default_occupation_normalizer()
    ids = [f"{w.agency_id}|{w.id}" for w in workers]
    plain = worker_facts(workers, skills, occupations)
    keyed = worker_facts(workers, skills, occupations, ids)
    assert [f.id for f in keyed] == ids
    assert keyed == [msgspec.structs.replace(f, id=key) for f, key in zip(plain, ids, strict=True)]


def test_one_id_per_worker() -> None:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:3]
    with pytest.raises(ValueError, match="zip"):
        worker_facts(workers, default_skill_normalizer(), default_occupation_normalizer(), ["a"])
