"""No personal data in any output, and the engine's real tables resist recomputation.

``selaras insights`` runs on the bundled samples and on generated pools; every file it
writes (CSV, Parquet, JSON Lines, the manifests, the trends and the dashboard) is scanned
for every input id, NIK, name and birth date. Parquet files are scanned both as bytes and
as the values pyarrow reads back (pages may be compressed). Then the tables of generated
pools are attacked by tests/insights/oracle.py as the random tables are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate_pool
from benchmarks.synthetic.files import write_pool
from matcher.insights.build import build_tables
from matcher.insights.suppression import protect_detailed
from matcher.scoring.matching import prepare_run
from models.agency import Agency
from models.vacancy import Vacancy
from models.worker import Worker
from tests.conftest import RunCli
from tests.insights.oracle import determined, known_lines
from tests.paths import POOL, SAMPLE

AS_OF = dt.date(2026, 3, 1)


def _personal(workers: Iterable[dict[str, object]]) -> set[str]:
    """Every id, NIK, full name and birth date (ISO, and as DD-MM-YYYY and DD/MM/YYYY)."""
    found: set[str] = set()
    for worker in workers:
        found.add(str(worker["id"]))
        for key in ("nik", "full_name"):
            if worker.get(key):
                found.add(str(worker[key]))
        birth = dt.date.fromisoformat(str(worker["birth_date"]))
        found.update({birth.isoformat(), birth.strftime("%d-%m-%Y"), birth.strftime("%d/%m/%Y")})
    return found


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _texts(out: Path) -> list[tuple[Path, str]]:
    """Every output file as text; Parquet twice (raw bytes and the values read back)."""
    texts = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        texts.append((path, raw.decode("latin-1")))
        if path.suffix == ".parquet":
            texts.append((path, json.dumps(pq.read_table(path).to_pylist(), default=str)))
    return texts


def _scan(out: Path, personal: set[str]) -> None:
    texts = _texts(out)
    assert len(texts) > 10
    for path, text in texts:
        leaked = sorted(value for value in personal if value in text)
        assert not leaked, (path, leaked[:5])


def _run(run_cli: RunCli, out: Path, *args: str | Path) -> None:
    out.mkdir(parents=True)  # the folder of --html (--out makes its own directory)
    result = run_cli("insights", "--out", out / "tables", "--html", out / "page.html", *args)
    assert result.exit_code == 0, result.stderr


def test_no_personal_data_from_the_samples(run_cli: RunCli, tmp_path: Path) -> None:
    # --min-cell 3 (the smallest allowed) publishes the most cells.
    min_cell = "3"
    personal = _personal([*_lines(SAMPLE / "workers.jsonl"), *_lines(POOL / "workers.jsonl")])
    personal |= _personal(_lines(SAMPLE / "returnees.jsonl"))
    _run(
        run_cli,
        tmp_path / "sample",
        "--workers", SAMPLE / "workers.jsonl", "--vacancies", SAMPLE / "vacancies.jsonl",
        "--agencies", SAMPLE / "agencies.jsonl", "--as-of", "2026-03-01",
        "--min-cell", min_cell,
    )  # fmt: skip
    _run(
        run_cli,
        tmp_path / "pool",
        "--workers", POOL / "workers.jsonl", "--vacancies", POOL / "vacancies.jsonl",
        "--agencies", POOL / "agencies.jsonl", "--courses", SAMPLE / "courses.jsonl",
        "--returnees", SAMPLE / "returnees.jsonl",
        "--opportunities", SAMPLE / "opportunities.jsonl",
        "--as-of", "2026-03-01", "--as-of", "2026-09-01", "--min-cell", min_cell,
    )  # fmt: skip
    # The scan covers the courses and reintegration tables too, in every format.
    for day in ("2026-03-01", "2026-09-01"):
        for name in ("courses", "reintegration"):
            for suffix in (".csv", ".parquet", ".jsonl"):
                assert (tmp_path / "pool" / "tables" / day / f"{name}{suffix}").is_file()
    _scan(tmp_path, personal)


@pytest.mark.parametrize("seed", [11, 2027])
def test_no_personal_data_from_generated_pools(run_cli: RunCli, tmp_path: Path, seed: int) -> None:
    pool = generate_pool(400, 25, seed=seed, as_of=AS_OF)
    write_pool(pool, tmp_path / "in")
    _run(
        run_cli,
        tmp_path / "out",
        "--workers", tmp_path / "in" / "workers.jsonl",
        "--vacancies", tmp_path / "in" / "vacancies.jsonl",
        "--agencies", tmp_path / "in" / "agencies.jsonl",
        "--as-of", AS_OF.isoformat(), "--min-cell", "3",
    )  # fmt: skip
    _scan(tmp_path / "out", _personal(pool.workers))


def test_the_scan_would_see_a_leak(tmp_path: Path) -> None:
    """The scan itself can fail: a Parquet value and an HTML text are both found."""
    import pyarrow as pa

    (tmp_path / "page.html").write_text("<p>W-0000001</p>", "utf-8")
    pq.write_table(pa.table({"x": ["3174054101900001"] * 50}), tmp_path / "t.parquet")
    texts = _texts(tmp_path)
    assert any("W-0000001" in t for _, t in texts)
    assert any("3174054101900001" in t for _, t in texts)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.integers(0, 10_000),
    st.integers(60, 260),
    st.integers(4, 20),
    st.sampled_from([3, 5, 10]),
)
def test_engine_tables_resist_recomputation(
    seed: int, n_workers: int, n_vacancies: int, min_cell: int
) -> None:
    raw = generate_pool(n_workers, n_vacancies, seed=seed, as_of=AS_OF)
    workers = [Worker.model_validate(w) for w in raw.workers]
    vacancies = [Vacancy.model_validate(v) for v in raw.vacancies]
    agencies = [Agency.model_validate(a) for a in raw.agencies]
    run = prepare_run(workers, vacancies, agencies, AS_OF)
    for published in build_tables(run, workers, min_cell=min_cell):
        table = published.table
        names = table.schema.dimension_names
        cells = [tuple(str(table.dimensions[d][i]) for d in names) for i in range(table.n_rows)]
        _, done = protect_detailed(table, min_cell=min_cell)
        everything = determined(cells, [True] * len(cells))
        for name in table.schema.person_counts:
            values = table.measures[name]
            blank = published.blanked[name]
            assert (blank | ~((values >= 1) & (values < min_cell))).all()
            recomputed = determined(cells, blank.tolist())
            assert recomputed <= everything, (table.schema.name, name)
            assert set(done[name].exposed.tolist()) == everything & set(np.flatnonzero(blank))
            for line in known_lines(cells):
                assert sum(bool(blank[i]) for i in line) != 1, (table.schema.name, name, line)
