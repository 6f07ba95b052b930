"""The synthetic pool generator (benchmarks.synthetic): valid, seeded, realistic, reproducible."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from itertools import chain
from pathlib import Path

import pytest

from benchmarks.synthetic import (
    AS_OF,
    FILE_NAMES,
    PROGRAMME_SHARES,
    SEED,
    WORKER_BLOCK,
    Pool,
    generate_agencies,
    generate_pool,
    generate_vacancies,
    iter_workers,
    main,
    record_line,
    write_pool,
)
from benchmarks.synthetic.programmes import DENSE_PROGRAMME_SHARES
from benchmarks.synthetic.spelling import written_forms
from matcher.rules.packs import wage_floor_on
from matcher.taxonomy.skills import default_skill_normalizer
from models.agency import Agency
from models.vacancy import Vacancy
from models.worker import Worker
from tests.conftest import RunCli

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "sample" / "pool"
BUNDLED_WORKERS, BUNDLED_VACANCIES = 2000, 60
N_WORKERS, N_VACANCIES = 2000, 200


@pytest.fixture(scope="module")
def pool() -> Pool:
    """A pool big enough for shares to settle, small enough to validate quickly."""
    return generate_pool(N_WORKERS, N_VACANCIES, seed=11)


def _age(birth: str, on: dt.date = AS_OF) -> int:
    born = dt.date.fromisoformat(birth)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _share(count: int, total: int) -> float:
    return count / total


# ------------------------------------------------------------------ determinism


def test_the_same_seed_gives_the_same_pool() -> None:
    first, second = generate_pool(300, 30, seed=5), generate_pool(300, 30, seed=5)
    assert first == second
    text = [record_line(r) for r in first.workers + first.vacancies + first.agencies]
    assert text == [record_line(r) for r in second.workers + second.vacancies + second.agencies]


def test_another_seed_gives_another_pool() -> None:
    first, second = generate_pool(300, 30, seed=5), generate_pool(300, 30, seed=6)
    assert first.workers != second.workers
    assert first.vacancies != second.vacancies
    assert first.agencies != second.agencies


def test_a_record_does_not_depend_on_the_pool_size() -> None:
    agencies = generate_agencies()
    large = list(iter_workers(WORKER_BLOCK + 50, agencies))
    assert list(iter_workers(40, agencies)) == large[:40]
    assert list(iter_workers(WORKER_BLOCK + 10, agencies)) == large[: WORKER_BLOCK + 10]
    assert generate_pool(10, 20).vacancies == generate_pool(500, 20).vacancies


def test_the_evaluation_date_moves_the_pool() -> None:
    later = dt.date(2027, 3, 1)
    shifted = generate_pool(50, 10, as_of=later)
    assert shifted.workers != generate_pool(50, 10).workers
    assert all(v["start_date"] > "2027-03-01" for v in shifted.vacancies)


# ------------------------------------------------------------------ validity


def test_every_record_validates_without_warnings(pool: Pool) -> None:
    # 500 workers of this seed here; the bundled pool's 2,000 go through `selaras validate`.
    for record in pool.workers[:500]:
        assert Worker.model_validate(record).warnings() == [], record["id"]
    for record in pool.vacancies:
        Vacancy.model_validate(record)
    for record in pool.agencies:
        Agency.model_validate(record)
    assert len({w["id"] for w in pool.workers}) == N_WORKERS
    assert len({v["id"] for v in pool.vacancies}) == N_VACANCIES
    assert [w["id"] for w in pool.workers[:2]] == ["W-0000001", "W-0000002"]
    assert pool.vacancies[0]["id"] == "JO-2026-0001"
    known = {a["id"] for a in pool.agencies}
    assert {w["agency_id"] for w in pool.workers} <= known
    assert {v["agency_id"] for v in pool.vacancies} <= known


def test_niks_carry_birth_date_and_sex(pool: Pool) -> None:
    for worker in pool.workers:
        nik, born = worker["nik"], dt.date.fromisoformat(worker["birth_date"])
        day = born.day + (40 if worker["gender"] == "F" else 0)
        assert nik[6:12] == f"{day:02d}{born.month:02d}{born.year % 100:02d}"


@pytest.mark.parametrize("size", [0, 1])
def test_tiny_pools(size: int) -> None:
    tiny = generate_pool(size, size)
    assert (len(tiny.workers), len(tiny.vacancies), len(tiny.agencies)) == (size, size, 30)


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="n_workers"):
        generate_pool(-1, 0)
    with pytest.raises(ValueError, match="n_vacancies"):
        generate_vacancies(-1, generate_agencies())


# ------------------------------------------------------------------ worker distributions


def test_ages_and_sexes(pool: Pool) -> None:
    ages = Counter(_age(w["birth_date"]) for w in pool.workers)
    assert min(ages) >= 16
    assert max(ages) <= 46  # 45 on the day the pool was drawn, give or take a birthday
    under_18 = sum(n for age, n in ages.items() if age < 18)
    assert 1 <= under_18 <= 0.015 * N_WORKERS
    assert _share(sum(n for age, n in ages.items() if 19 <= age <= 35), N_WORKERS) > 0.75
    assert _share(sum(n for age, n in ages.items() if age > 35), N_WORKERS) > 0.05
    women = sum(w["gender"] == "F" for w in pool.workers)
    assert 0.36 < _share(women, N_WORKERS) < 0.44


def test_provinces_and_education(pool: Pool) -> None:
    provinces = Counter(w["province"] for w in pool.workers)
    assert [p for p, _ in provinces.most_common(3)] == ["Jawa Timur", "Jawa Tengah", "Jawa Barat"]
    assert {"Nusa Tenggara Barat", "Nusa Tenggara Timur", "Lampung", "Sumatera Utara"} <= set(
        provinces
    )
    education = Counter(w["education"] for w in pool.workers)
    assert education.most_common(1)[0][0] == "SMK"
    assert {"SD", "SMP", "SMA", "D3"} <= set(education)


def test_skills(pool: Pool) -> None:
    counts = Counter(len(w["skills"]) for w in pool.workers)
    assert set(counts) == {1, 2, 3, 4}
    claims = [s for w in pool.workers for s in w["skills"]]
    months = [s["months"] for s in claims if "months" in s]
    assert min(months) == 0
    assert max(months) <= 120
    assert {s["level"] for s in claims if "level" in s} == {1, 2, 3, 4, 5}
    assert 0.3 < _share(sum("level" in s for s in claims), len(claims)) < 0.7
    names = {s["name"] for s in claims}
    assert {"las listrik", "operator forklift"} & names
    assert {"opr cnc", "las lstrik", "forklip"} & {name.lower() for name in names}


def test_skill_names_are_messy_but_readable(pool: Pool, quality_report: list[str]) -> None:
    names = [s["name"] for w in pool.workers for s in w["skills"]]
    read = default_skill_normalizer().normalize_many(names)
    share = _share(sum(m.concept is not None for m in read), len(names))
    quality_report.append(
        f"pool: {share:.1%} of {len(names)} generated skill names read "
        f"({len(set(names))} distinct; ~3% are deliberately outside the taxonomy)"
    )
    assert share > 0.9


def test_certificates(pool: Pool) -> None:
    certificates = [c for w in pool.workers for c in w.get("certificates", [])]
    schemes = Counter(c["scheme"] for c in certificates)
    for scheme in ("BNSP", "SIO", "JP-SSW-SKILLS-TEST", "KR-EPS-SKILLS-TEST", "JP-TRADE-TEST"):
        assert schemes[scheme] > 0, scheme
    expired = [c for c in certificates if c.get("expires") and c["expires"] < AS_OF.isoformat()]
    assert 0.02 < _share(len(expired), len(certificates)) < 0.3
    assert all(c["issued"] <= AS_OF.isoformat() for c in certificates)


def test_languages_follow_the_destination(pool: Pool) -> None:
    def tests_of(country: str) -> Counter[str]:
        return Counter(
            result["test"]
            for w in pool.workers
            if w.get("preferences", {}).get("countries", [None])[0] == country
            for result in w.get("languages", [])
        )

    japan, korea, germany = tests_of("JP"), tests_of("KR"), tests_of("DE")
    assert japan["JLPT"] > japan["EPS-TOPIK"] == 0
    assert japan["JFT-Basic"] > 0
    assert korea["EPS-TOPIK"] > korea["JLPT"]
    assert germany["Goethe"] + germany["telc"] > 0
    results = [r for w in pool.workers for r in w.get("languages", [])]
    jlpt = Counter(r["result"] for r in results if r["test"] == "JLPT")
    assert {"N5", "N4", "N3"} <= set(jlpt)
    eps = [r for r in results if r["test"] == "EPS-TOPIK"]
    assert all(80 <= r["result"] <= 200 for r in eps)
    two_years_ago = AS_OF.replace(year=AS_OF.year - 2).isoformat()
    assert 0.2 < _share(sum(r["date"] < two_years_ago for r in eps), len(eps)) < 0.5
    toeic = [r for r in results if r["test"] == "TOEIC"]
    assert toeic
    assert all(sum(r["sections"].values()) == r["result"] for r in toeic)
    assert any(r["test"] == "IELTS" for r in results)


def test_experience_and_stays_abroad(pool: Pool) -> None:
    entries = [e for w in pool.workers for e in w.get("experience", [])]
    isco = Counter(e.get("isco") for e in entries)
    for code in ("7212", "7223", "8211", "8212", "8153", "8160", "9329", "8344"):
        assert isco[code] > 0, code
    abroad = Counter(e["programme"] for e in entries if "programme" in e)
    assert abroad["KR-EPS"] > 0
    assert abroad["JP-TITP"] > 0
    for worker in pool.workers:
        for entry in worker.get("experience", []):
            if "start" in entry:
                assert worker["birth_date"] < entry["start"] <= entry["end"] < AS_OF.isoformat()


def test_health_documents_and_preferences(pool: Pool) -> None:
    health = [w["health"] for w in pool.workers if "health" in w]
    assert 0.05 < _share(N_WORKERS - len(health), N_WORKERS) < 0.15
    colour_blind = sum(not h["colour_vision_normal"] for h in health)
    assert 0.025 < _share(colour_blind, len(health)) < 0.08
    passports = [w["documents"]["passport_expires"] for w in pool.workers if "documents" in w]
    assert 0 < sum(p < AS_OF.isoformat() for p in passports) < 0.15 * len(passports)
    preferences = [w["preferences"] for w in pool.workers if "preferences" in w]
    assert {c for p in preferences for c in p["countries"]} == {"JP", "KR", "TW", "MY", "DE"}
    wages = [p["min_monthly_wage"] for p in preferences if "min_monthly_wage" in p]
    assert 0.2 < _share(len(wages), len(preferences)) < 0.5
    assert {w["currency"] for w in wages} == {"IDR"}


# ------------------------------------------------------------------ job orders and agencies


def test_programme_mix(pool: Pool) -> None:
    programmes = Counter(v["programme"] for v in pool.vacancies)
    assert set(programmes) == set(PROGRAMME_SHARES)
    for programme, share in PROGRAMME_SHARES.items():
        assert abs(programmes[programme] - share * N_VACANCIES) <= 1, programme
    assert programmes.most_common(1)[0][0] == "JP-SSW1"


def test_wages_sit_above_the_floor_except_the_planted_refusals(pool: Pool) -> None:
    below = []
    for vacancy in pool.vacancies:
        wage, start = vacancy["wage"], dt.date.fromisoformat(vacancy["start_date"])
        floor = wage_floor_on(vacancy["programme"], vacancy["region"], start, per=wage["per"])
        assert not floor.fallback, vacancy["region"]  # a real prefecture, not the fallback
        assert floor.per == wage["per"]
        if wage["amount"] < floor.amount:
            below.append(vacancy["id"])
    assert len(below) == round(0.03 * N_VACANCIES)


def test_flagged_and_unlicensed_job_orders(pool: Pool) -> None:
    sexed = [v for v in pool.vacancies if v["requirements"].get("sex")]
    assert len(sexed) == round(0.02 * N_VACANCIES)
    status = {a["id"]: a["status"] for a in pool.agencies}
    unlicensed = [v for v in pool.vacancies if status[v["agency_id"]] != "active"]
    assert len(unlicensed) == round(0.03 * N_VACANCIES)


def test_requirements_fit_the_programme(pool: Pool) -> None:
    for vacancy in pool.vacancies:
        requirements = vacancy["requirements"]
        assert 1 <= len(requirements["skills"]) <= 3
        named = [
            (t["test"], t["min"])
            for rule in requirements.get("languages", [])
            for t in rule.get("any_of", [])
            if rule.get("required", True)
        ]
        levels = [r["language"] for r in requirements.get("languages", []) if "language" in r]
        match vacancy["programme"]:
            case "JP-SSW1":
                assert named in ([], [("JLPT", "N4"), ("JFT-Basic", "A2")])
            case "KR-EPS":
                assert len(named) == 1
                assert named[0][0] == "EPS-TOPIK"
                assert 80 <= named[0][1] <= 150
            case "DE-SKILLED":
                assert "de" in levels
            case _:
                assert not named
    jp = [v for v in pool.vacancies if v["country"] == "JP"]
    assert {v["region"] for v in jp} >= {"Aichi", "Shizuoka"}


def test_agency_register() -> None:
    agencies = generate_agencies()
    statuses = Counter(a["status"] for a in agencies)
    assert statuses == {"active": 24, "suspended": 2, "revoked": 2, "expired": 2}
    for record in agencies:
        agency = Agency.model_validate(record)
        assert agency.is_active_on(AS_OF) == (record["status"] == "active")
    assert len({a["name"] for a in agencies}) == len(agencies)


# ------------------------------------------------------------------ files


def _text(records: list[dict[str, object]]) -> bytes:
    return "".join(record_line(r) for r in records).encode("utf-8")


def test_the_bundled_pool_is_reproduced_byte_for_byte() -> None:
    regenerated = generate_pool(BUNDLED_WORKERS, BUNDLED_VACANCIES, seed=SEED, as_of=AS_OF)
    for name, records in zip(
        FILE_NAMES,
        (regenerated.workers, regenerated.vacancies, regenerated.agencies),
        strict=True,
    ):
        assert (BUNDLED / name).read_bytes() == _text(records), name


def test_the_documented_command_regenerates_the_bundled_pool(tmp_path: Path) -> None:
    """The command in data/sample/pool/README.md, run as a user runs it, writes the same bytes."""
    command = [
        *(sys.executable, "-m", "benchmarks.synthetic", "--workers", str(BUNDLED_WORKERS)),
        *("--vacancies", str(BUNDLED_VACANCIES), "--seed", str(SEED)),
        *("--as-of", AS_OF.isoformat(), "--out", str(tmp_path)),
    ]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    for name in FILE_NAMES:
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes(), name


@pytest.mark.parametrize("kind", ["workers", "vacancies", "agencies"])
def test_the_bundled_pool_validates(run_cli: RunCli, kind: str) -> None:
    result = run_cli("validate", kind, BUNDLED / f"{kind}.jsonl")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_the_command_writes_what_write_pool_writes(tmp_path: Path) -> None:
    n_workers = WORKER_BLOCK + 100  # two blocks, so the processes have something to split
    expected = write_pool(generate_pool(n_workers, 12, seed=3), tmp_path / "api")
    for jobs in ("1", "2"):
        out = tmp_path / f"cli-{jobs}"
        args = ["--workers", str(n_workers), "--vacancies", "12", "--seed", "3", "--out"]
        assert main([*args, str(out), "--jobs", jobs]) == 0
        for kind, path in expected.items():
            assert (out / path.name).read_bytes() == path.read_bytes(), (jobs, kind)
    first = json.loads((tmp_path / "cli-1" / "workers.jsonl").read_text("utf-8").splitlines()[0])
    assert first["id"] == "W-0000001"


def test_the_command_refuses_bad_usage(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as error:
        main(["--workers", "-1", "--out", str(tmp_path)])
    assert error.value.code == 2


# ------------------------------------------------------------------ dense pool


def test_a_dense_pool_keeps_the_workers_and_relaxes_the_job_orders(pool: Pool) -> None:
    dense = generate_pool(N_WORKERS, N_VACANCIES, seed=11, dense=True)
    assert dense.workers == pool.workers
    assert dense.agencies == pool.agencies
    assert [v["id"] for v in dense.vacancies] == [v["id"] for v in pool.vacancies]
    programmes = Counter(v["programme"] for v in dense.vacancies)
    for programme, share in DENSE_PROGRAMME_SHARES.items():
        assert abs(programmes[programme] - share * N_VACANCIES) <= 1, programme
    for vacancy in dense.vacancies:
        Vacancy.model_validate(vacancy)
        requirements = vacancy["requirements"]
        main, *extras = requirements["skills"]
        assert main == {"name": main["name"], "required": True}
        assert all(not skill["required"] for skill in extras)
        assert all(not need["required"] for need in requirements.get("languages", []))
        assert not {"experience", "age"} & set(requirements)


def test_the_dense_option_leaves_the_default_pool_unchanged(pool: Pool) -> None:
    assert generate_pool(N_WORKERS, N_VACANCIES, seed=11, dense=False) == pool


def test_the_fixed_names_are_still_names_of_their_concepts() -> None:
    """The generator starts from a table of names fixed at taxonomy 2026.12.7, so that the
    pools do not change as the taxonomy grows: each must still name its concept."""
    taxonomy = default_skill_normalizer().taxonomy
    forms = written_forms()
    assert set(forms) == set(taxonomy.concepts)
    for concept_id, languages in forms.items():
        concept = taxonomy[concept_id]
        names = {concept.label_en, concept.label_id, *chain(*concept.aliases.values())}
        assert set(chain(*languages)) <= names, concept_id
