"""The skill taxonomy as data: size, coverage of the brief's families, integrity."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from matcher.taxonomy.isco import is_unit_group
from matcher.taxonomy.skills import load_taxonomy

# One concept per family the issue and brief section 4 name.
FAMILIES = {
    "welding processes": "welding",
    "machining": "machining",
    "fabrication": "metal-fabrication",
    "casting": "casting",
    "surface treatment": "surface-treatment",
    "painting": "painting",
    "assembly": "assembly",
    "electronics": "electronics-assembly",
    "wire harness": "wire-harness-assembly",
    "PCB/SMT": "pcb-assembly",
    "plastics": "plastic-moulding",
    "rubber": "rubber-products",
    "sewing": "sewing",
    "garment": "garment-manufacturing",
    "textiles": "textile-production",
    "food processing": "food-processing",
    "hygiene": "food-safety-hygiene",
    "packing": "packing",
    "QC": "quality-control",
    "QA": "quality-assurance",
    "maintenance": "machine-maintenance",
    "electrical": "electrical-work",
    "automation": "industrial-automation",
    "forklift": "forklift-operation",
    "crane": "crane-operation",
    "warehouse": "warehouse-work",
    "supervision": "production-supervision",
    "technical drawing": "technical-drawing-reading",
    "measuring": "precision-measuring",
    "K3/OSH": "occupational-safety-health",
    "5S": "5s",
}
WELDING_PROCESSES = ["smaw-welding", "gtaw-welding", "gmaw-welding", "fcaw-welding",
                     "oxy-fuel-welding", "resistance-welding"]  # fmt: skip
ESCO_SKILL = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")


def test_size() -> None:
    assert len(load_taxonomy()) >= 150


@pytest.mark.parametrize(("family", "concept"), sorted(FAMILIES.items()))
def test_family_present(family: str, concept: str) -> None:
    assert concept in load_taxonomy(), family


def test_welding_processes_are_children_of_welding() -> None:
    taxonomy = load_taxonomy()
    for concept in WELDING_PROCESSES:
        assert taxonomy[concept].parent == "welding"
        assert taxonomy.is_within(concept, "welding")
    assert not taxonomy.is_within("welding", "smaw-welding")


def test_every_concept_is_complete() -> None:
    taxonomy = load_taxonomy()
    for concept in taxonomy.concepts.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", concept.id), concept.id
        assert concept.label_en, concept.id
        assert concept.label_id, concept.id
        assert concept.aliases.get("id"), concept.id
        assert concept.aliases.get("en"), concept.id
        assert all(is_unit_group(code) for code in concept.isco), concept.id
        assert concept.esco_uri is None or ESCO_SKILL.match(concept.esco_uri), concept.id
        assert len(taxonomy.ancestors(concept.id)) < 5, concept.id


def test_japanese_and_korean_labels_of_the_brief_are_aliases() -> None:
    aliases = {
        a for c in load_taxonomy().concepts.values() for lang in ("ja", "ko")
        for a in c.aliases.get(lang, ())
    }  # fmt: skip
    for label in ["溶接", "機械加工", "金属プレス加工", "塗装", "電子機器組立て", "電気機器組立て",
                  "プラスチック成形", "機械保全", "機械検査", "工業包装", "縫製", "飲食料品製造",
                  "鋳造", "鍛造", "めっき", "용접", "조립", "도장", "사출"]:  # fmt: skip
        assert label in aliases, label


def test_ambiguous_terms_name_existing_concepts() -> None:
    taxonomy = load_taxonomy()
    for term, concepts in taxonomy.ambiguous.items():
        assert len(concepts) >= 2, term
        assert all(c in taxonomy for c in concepts), term


def test_sources_and_attribution_recorded() -> None:
    data = resources.files("matcher").joinpath("data")
    raw = json.loads(data.joinpath("skills.json").read_text("utf-8"))
    assert "ESCO" in raw["attribution"]
    assert "International Labour Organization" in raw["attribution"]
    sources = data.joinpath("SOURCES.md").read_text("utf-8")
    assert "ESCO" in sources
    assert "ISCO-08" in sources
    linked = sum(c.esco_uri is not None for c in load_taxonomy().concepts.values())
    assert linked >= 100
