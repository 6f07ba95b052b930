"""The reintegration sample (data/sample/returnees.jsonl, opportunities.jsonl): up to date
with its generator, valid, spread as documented, and refused exactly where documented."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

from cli.main import app
from matcher.reintegration import check_opportunity_wage
from models.opportunity import Opportunity
from models.worker import Returnee

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = dt.date(2026, 3, 1)  # the date `make run` uses
BELOW_THE_FLOOR = {
    "OPP-2026-0005": "UMK",  # Kendal: 2025 UMK, not 2026
    "OPP-2026-0013": "UMK",  # Kabupaten Bekasi, per hour
    "OPP-2026-0029": "UMP",  # Lombok Timur: NTB has no UMK in the table
    "OPP-2026-0058": "UMP",  # Kabupaten Cirebon, per year
}


def generator() -> ModuleType:
    path = ROOT / "scripts" / "make_reintegration_sample.py"
    spec = importlib.util.spec_from_file_location("make_reintegration_sample", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def returnees() -> list[Returnee]:
    lines = (SAMPLE / "returnees.jsonl").read_text("utf-8").splitlines()
    return [Returnee.model_validate_json(line) for line in lines]


@cache
def opportunities() -> list[Opportunity]:
    lines = (SAMPLE / "opportunities.jsonl").read_text("utf-8").splitlines()
    return [Opportunity.model_validate_json(line) for line in lines]


def test_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    module = generator()
    assert module.main(["--check"]) == 0
    assert module.main(["--out", str(tmp_path)]) == 0
    for name in ("returnees.jsonl", "opportunities.jsonl"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes()


def test_selaras_validate_accepts_them() -> None:
    for kind in ("returnees", "opportunities"):
        result = CliRunner().invoke(app, ["validate", kind, str(SAMPLE / f"{kind}.jsonl")])
        assert result.exit_code == 0, result.output
        assert "valid" in result.output


def test_returnees_spread() -> None:
    records = returnees()
    assert len(records) == 200
    assert len({r.id for r in records}) == 200
    homes = [r.home for r in records if r.home is not None]
    assert len(records) - len(homes) == 3
    groups = Counter(h.official_province.island_group for h in homes)
    assert {"Java", "Sumatra", "Sulawesi", "Bali–Nusa Tenggara"} <= set(groups)
    provinces = {h.official_province.name for h in homes}
    assert {"Nusa Tenggara Barat", "Nusa Tenggara Timur"} <= provinces
    countries = Counter(e.country for r in records for e in r.experience if e.abroad)
    assert {"JP", "KR", "TW", "MY"} <= set(countries)
    schemes = Counter(c.scheme for r in records for c in r.certificates)
    assert {"JP-TRADE-TEST", "JP-SSW-SKILLS-TEST", "KR-EPS-SKILLS-TEST"} <= set(schemes)
    relocate = Counter(r.reintegration.relocate for r in records if r.reintegration)
    assert set(relocate) == {"none", "province", "island", "any"}
    assert any(r.reintegration and r.reintegration.capital for r in records)
    assert all(not r.warnings() for r in records)
    assert all(r.returned <= AS_OF for r in records)


def test_opportunities_spread() -> None:
    records = opportunities()
    assert len(records) == 60
    kinds = Counter(o.kind for o in records)
    assert set(kinds) == {"job", "ikm_programme", "cooperative", "trainer_post"}
    regencies = {o.location.regency for o in records}
    estates = {
        "Kabupaten Kendal",
        "Kabupaten Batang",
        "Kabupaten Bekasi",
        "Kabupaten Karawang",
        "Kabupaten Morowali",
        "Kota Batam",
        "Kabupaten Gresik",
    }
    assert estates <= regencies
    organisers = " ".join(o.organiser.name for o in records if o.kind == "trainer_post")
    assert "LPK" in organisers
    assert "Balai Diklat Industri" in organisers
    assert {w.per for o in records if (w := o.wage) is not None} == {"hour", "month", "year"}


def test_refused_exactly_where_documented() -> None:
    refused = {}
    for record in opportunities():
        check = check_opportunity_wage(record, AS_OF)
        if check.refused:
            assert [n.kind for n in check.refusals] == ["wage_below_floor"]
            assert check.floor is not None
            refused[record.id] = check.floor.basis
        elif check.floor is not None and check.monthly_wage is not None:
            assert check.monthly_wage <= 1.6 * check.floor.amount, record.id
    assert refused == BELOW_THE_FLOOR
    documented = generator().__doc__ or ""
    assert all(opportunity_id in documented for opportunity_id in BELOW_THE_FLOOR)
