"""scripts/extract_schemaorg.py: what it keeps from a schema.org release file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extract_schemaorg", ROOT / "scripts" / "extract_schemaorg.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RELEASE = {
    "@context": {"schema": "https://schema.org/"},
    "@graph": [
        {"@id": "schema:Thing", "@type": "rdfs:Class", "rdfs:label": "Thing", "rdfs:comment": "x"},
        {"@id": "schema:Text", "@type": ["schema:DataType", "rdfs:Class"]},
        {
            "@id": "schema:JobPosting",
            "@type": "rdfs:Class",
            "rdfs:subClassOf": {"@id": "schema:Thing"},
        },
        {"@id": "schema:Monday", "@type": "schema:DayOfWeek"},
        {
            "@id": "schema:title",
            "@type": "rdf:Property",
            "schema:domainIncludes": [{"@id": "schema:JobPosting"}, {"@id": "schema:Gone"}],
            "schema:rangeIncludes": {"@id": "schema:Text"},
        },
        {
            "@id": "schema:benefits",
            "@type": "rdf:Property",
            "schema:domainIncludes": {"@id": "schema:JobPosting"},
            "schema:rangeIncludes": {"@id": "schema:Text"},
            "schema:supersededBy": {"@id": "schema:jobBenefits"},
        },
        {"@id": "bibo:pageEnd", "@type": "rdf:Property"},
    ],
}


def test_it_keeps_hierarchy_domains_ranges_and_drops_the_rest(tmp_path: Path) -> None:
    script = load_script()
    source = tmp_path / "release.jsonld"
    source.write_text(json.dumps(RELEASE), "utf-8")
    out = tmp_path / "vocabulary.json"
    args = [str(source), "--release", "99.0", "--released", "2030-01-01", "--commit", "c" * 40]
    assert script.main([*args, "--out", str(out)]) == 0
    extract = json.loads(out.read_text("utf-8"))
    assert extract["release"] == "99.0"
    assert extract["classes"] == {"JobPosting": ["Thing"], "Text": [], "Thing": []}
    # a class only the attic defines is dropped from the domain; supersededBy is kept
    assert extract["properties"] == {
        "benefits": [["JobPosting"], ["Text"], "jobBenefits"],
        "title": [["JobPosting"], ["Text"]],
    }
    assert script.main([*args, "--out", str(out), "--check"]) == 0
    out.write_text(out.read_text("utf-8") + " ", "utf-8")
    assert script.main([*args, "--out", str(out), "--check"]) == 1


def test_the_committed_extract_names_its_release_and_licence() -> None:
    extract = json.loads(
        (ROOT / "matcher/interchange/data/schemaorg_vocabulary.json").read_text("utf-8")
    )
    assert extract["release"] == "30.0"
    assert extract["licence"].startswith("CC BY-SA 3.0")
    assert "/data/releases/30.0/schemaorg-current-https.jsonld" in extract["source"]
